/* SPDX-License-Identifier: MIT */
/*
 * The per-blob tables (type offsets and kinds, name indexes, sizes, the validator's marks) in
 * one arena. They are a dozen arrays of 0.1-0.5 MB filled right after they are allocated, and
 * each 4 KiB page of them costs a page fault: about 1,100 for a 7.x kernel, where faults are
 * dear (15-20 us on a nested virtual machine) most of a short process's time. The arena is
 * reserved in 2 MiB huge pages (btf/bulk.c) and handed out front to back, so only the part
 * used is ever touched: reserving more than is used costs address space, not memory. Freeing
 * inside it does nothing, except that the newest table's space is taken back for the next.
 * A table that does not fit, and every table of a caller's allocator, is an allocation of its
 * own as before.
 */
#include <string.h>
#include "btf_impl.h"

#define ARENA_ALIGN ((size_t)16)

void bw_btfi_arena_reserve(struct bw_btf *btf, size_t size)
{
	struct bw_btfi_arena *ar = &btf->arena;

	if (btf->alloc || ar->base || size < BW_BTFI_ARENA_MIN)
		return;
	if (size > BW_BTFI_ARENA_MAX)
		size = BW_BTFI_ARENA_MAX;
	ar->base = bw_map_huge_zero(size, &ar->mapped);
	ar->size = ar->base ? size : 0;
}

void bw_btfi_arena_release(struct bw_btf *btf)
{
	bw_unmap_huge(btf->arena.base, btf->arena.mapped);
	memset(&btf->arena, 0, sizeof(btf->arena));
}

static bool arena_owns(const struct bw_btfi_arena *ar, const void *p)
{
	const uint8_t *b = p;

	return ar->base && b >= ar->base && b < ar->base + ar->size;
}

void *bw_btfi_tab_alloc(struct bw_btf *btf, size_t n, size_t size)
{
	struct bw_btfi_arena *ar = &btf->arena;
	size_t at = (ar->used + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);

	if (ar->base && (!size || n <= (ar->size - at) / size)) {
		ar->last = at;
		ar->used = at + n * size;
		if (ar->used > ar->dirty)
			ar->dirty = ar->used;
		return ar->base + at;
	}
	return bw_alloc_array(btf->alloc, n, size);
}

void *bw_btfi_tab_zalloc(struct bw_btf *btf, size_t n, size_t size)
{
	struct bw_btfi_arena *ar = &btf->arena;
	size_t dirty = ar->dirty, at, used;
	uint8_t *p = bw_btfi_tab_alloc(btf, n, size);

	if (!p)
		return NULL;
	if (!arena_owns(ar, p)) {
		memset(p, 0, n * size);
		return p;
	}
	/* Arena space never handed out is zero from the start: clear only what was used. */
	at = (size_t)(p - ar->base);
	used = dirty > at ? dirty - at : 0;
	memset(p, 0, used < n * size ? used : n * size);
	return p;
}

void *bw_btfi_tab_grow(struct bw_btf *btf, void *p, size_t old, size_t size)
{
	void *np;

	if (p && !arena_owns(&btf->arena, p))
		return bw_realloc(btf->alloc, p, size);
	np = bw_btfi_tab_alloc(btf, size, 1);
	if (np && p)
		memcpy(np, p, old);
	return np;
}

void bw_btfi_tab_free(struct bw_btf *btf, void *p)
{
	struct bw_btfi_arena *ar = &btf->arena;

	if (!arena_owns(ar, p))
		bw_free(btf->alloc, p);
	else if ((uint8_t *)p == ar->base + ar->last)
		ar->used = ar->last;
}

size_t bw_btfi_arena_mark(const struct bw_btf *btf)
{
	return btf->arena.used;
}

void bw_btfi_arena_reset(struct bw_btf *btf, size_t mark)
{
	if (btf->arena.base)
		btf->arena.used = btf->arena.last = mark;
}

#undef ARENA_ALIGN
