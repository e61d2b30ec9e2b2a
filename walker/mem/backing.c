// SPDX-License-Identifier: MIT
/*
 * How many distinct bytes back a physical range. Hostile dumps describe the same file bytes many
 * times over (aliasing PT_LOADs, one file given at several bases); anything that allocates or
 * scans in proportion to a range's size checks first that the bytes are really there.
 */
#include <stdlib.h>
#include "internal.h"
#include "mem/mem_impl.h"

#define BW_MEM_MAX_BACKING_PIECES (1u << 22)

/* A piece of backing: which store (a file identity, a mapping, the callback) and where in it. */
struct backing_piece {
	uint64_t store, lo, hi; /* [lo, hi) in the store's own offsets */
};

static int backing_cmp(const void *a, const void *b)
{
	const struct backing_piece *x = a, *y = b;

	if (x->store != y->store)
		return x->store < y->store ? -1 : 1;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return 0;
}

/* Where the part [from, from + n) of seg s lives. */
static struct backing_piece backing_of(const struct bw_mem *mem, const struct bw_mem_seg *s,
				       uint64_t from, uint64_t n)
{
	struct backing_piece p;

	if (s->file) {
		p.store = mem->files[s->file - 1].same;
		p.lo = s->foff + from;
	} else if (s->data) {
		/* Mappings: the address space is the store (store 0 is no file). */
		p.store = 0;
		p.lo = (uint64_t)(uintptr_t)s->data + from;
	} else {
		/* Callback ranges cannot be told apart: physical addresses, which never overlap. */
		p.store = UINT64_MAX;
		p.lo = s->start + from;
	}
	p.hi = p.lo + n;
	return p;
}

/* Append the pieces backing [paddr, last]; false when more than max pieces are needed. */
static bool backing_add(const struct bw_mem *mem, uint64_t paddr, uint64_t last,
			struct backing_piece **pieces, size_t *n, size_t *cap)
{
	size_t lo = 0, hi = mem->nsegs;

	/* The first range that ends at or after paddr (ranges are sorted and disjoint). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct bw_mem_seg *s = &mem->segs[mid];

		if (s->start + (s->size - 1) < paddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < mem->nsegs && mem->segs[lo].start <= last; lo++) {
		const struct bw_mem_seg *s = &mem->segs[lo];
		uint64_t s_last = s->start + (s->size - 1);
		uint64_t from = paddr > s->start ? paddr - s->start : 0;
		uint64_t to = (last < s_last ? last : s_last) - s->start; /* inclusive */

		if (*n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 16;
			struct backing_piece *np;

			if (ncap > BW_MEM_MAX_BACKING_PIECES)
				return false;
			np = bw_realloc(mem->alloc, *pieces, ncap * sizeof(*np));
			if (!np)
				return false;
			*pieces = np;
			*cap = ncap;
		}
		(*pieces)[(*n)++] = backing_of(mem, s, from, to - from + 1);
	}
	return true;
}

uint64_t bw_mem_backing(const struct bw_mem *mem, const struct bw_mem_range *ranges, size_t nranges)
{
	struct backing_piece *pieces = NULL;
	uint64_t total = 0, cur_store = 0, cur_hi = 0;
	size_t i, n = 0, cap = 0;

	for (i = 0; i < nranges; i++) {
		uint64_t last, paddr = ranges[i].start;

		if (!ranges[i].size)
			continue;
		last = paddr + (ranges[i].size - 1) < paddr ? UINT64_MAX
							    : paddr + (ranges[i].size - 1);
		if (!backing_add(mem, paddr, last, &pieces, &n, &cap)) {
			bw_free(mem->alloc, pieces);
			return 0;
		}
	}
	if (n)
		qsort(pieces, n, sizeof(*pieces), backing_cmp);
	for (i = 0; i < n; i++) {
		const struct backing_piece *p = &pieces[i];

		if (i && p->store == cur_store && p->lo < cur_hi) {
			if (p->hi > cur_hi) {
				total += p->hi - cur_hi;
				cur_hi = p->hi;
			}
			continue;
		}
		total += p->hi - p->lo;
		cur_store = p->store;
		cur_hi = p->hi;
	}
	bw_free(mem->alloc, pieces);
	return total;
}
