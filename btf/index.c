/* SPDX-License-Identifier: MIT */
/*
 * Name indexes, filled by validation as it checks each name (so every name is read once):
 * type names and enumerator names. Each is an open-addressing table (linear probing, at most
 * three quarters full) with one slot per distinct name, holding the name's hash and its first
 * entry; the entries of one name are chained in id order. So a blob with a million types of
 * one name costs a million appends, not a million probes each, and a lookup meets the lowest
 * id first. The hash is keyed per object (btfidx_key), so names cannot be chosen offline to
 * collide.
 */
#if defined(__linux__)
#define _DEFAULT_SOURCE
#include <sys/random.h>
#define BTFIDX_HAVE_GETRANDOM 1
#endif
#include <time.h>
#include "btf_impl.h"

uint32_t bw_btfi_hash(const struct bw_btf *btf, const char *s)
{
	size_t len = strlen(s), i, r;
	uint64_t h = 0;

	for (i = 0; i + 16 <= len; i += 16)
		h = bw_btfi_hash_block(btf, h, bw_btfi_load8(s + i), bw_btfi_load8(s + i + 8));
	r = len - i;
	return bw_btfi_hash_last(btf, h, bw_btfi_load(s + i, r < 8 ? r : 8),
				 r > 8 ? bw_btfi_load(s + i + 8, r - 8) : 0);
}

/*
 * A key no blob can know: getrandom() where the libc has it; else (or if it fails) the object's
 * address, the clock and a stack address, mixed. Per object: no global state.
 */
static void btfidx_key(struct bw_btf *btf)
{
	struct timespec ts = {0, 0};
	uint64_t seed[2] = {0, 0};
	int here;

#if defined(BTFIDX_HAVE_GETRANDOM)
	if (getrandom(seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed)) {
		btf->hash_key[0] = seed[0] | 1;
		btf->hash_key[1] = seed[1] | 1;
		return;
	}
#endif
	timespec_get(&ts, TIME_UTC);
	seed[0] = (uint64_t)(uintptr_t)btf ^ (uint64_t)ts.tv_nsec << 32 ^ (uint64_t)ts.tv_sec;
	seed[1] = (uint64_t)(uintptr_t)&here ^ 0x9e3779b97f4a7c15ull;
	btf->hash_key[0] = bw_btfi_mix(seed[0] ^ 0x243f6a8885a308d3ull, seed[1]) | 1;
	btf->hash_key[1] = bw_btfi_mix(seed[1] ^ 0x13198a2e03707344ull, btf->hash_key[0]) | 1;
}

/* A table for up to `names` distinct names and entries numbered below `entries`. */
static int btfidx_alloc(struct bw_btf *btf, struct bw_btfi_names *t, uint32_t names,
			uint32_t entries, struct bw_error *err)
{
	uint32_t slots = 16;

	/* At most 3/4 full: short probes, and half the cache misses of a half-full table. */
	while (slots / 4 * 3 < names)
		slots *= 2;
	t->slots = bw_btfi_tab_zalloc(btf, slots, sizeof(*t->slots));
	t->next = bw_btfi_tab_alloc(btf, entries ? entries : 1, sizeof(*t->next));
	if (!t->slots || !t->next)
		return bw_fail(err, BW_ENOMEM, "BTF: no memory for a %u-slot name index", slots);
	t->mask = slots - 1;
	return 0;
}

/* Name offset of enumerator k of the ENUM/ENUM64 record t. */
static uint32_t btfidx_enumerator_name(const uint8_t *t, uint32_t k)
{
	int kind = bw_btfi_info_kind(bw_btfi_rd32(t + 4));
	uint32_t step = kind == BW_KIND_ENUM ? BW_BTF_ENUM_LEN : BW_BTF_ENUM64_LEN;

	return bw_btfi_rd32(t + BW_BTF_TYPE_LEN + k * step);
}

/* The name of entry e (0-based) of table t. */
static const char *btfidx_name(const struct bw_btf *btf, const struct bw_btfi_names *t, uint32_t e)
{
	if (t == &btf->names)
		return bw_btfi_str(btf, bw_btfi_rd32(btf->types + btf->offs[e]));
	return bw_btfi_str(btf,
			   btfidx_enumerator_name(btf->types + btf->offs[btf->enum_refs[2 * e]],
						  btf->enum_refs[2 * e + 1]));
}

static bool btfidx_is(const struct bw_btf *btf, const struct bw_btfi_names *t, uint32_t e,
		      const char *name)
{
	return !strcmp(btfidx_name(btf, t, e), name);
}

bool bw_btfi_index_same(const struct bw_btf *btf, const struct bw_btfi_names *t, uint32_t a,
			uint32_t b)
{
	return btfidx_is(btf, t, a, btfidx_name(btf, t, b));
}

int bw_btfi_index_alloc(struct bw_btf *btf, uint32_t names, uint32_t enumerators,
			struct bw_error *err)
{
	int ret;

	btfidx_key(btf);
	ret = btfidx_alloc(btf, &btf->names, names, btf->nr_types, err);
	if (!ret)
		ret = btfidx_alloc(btf, &btf->enumerators, enumerators, enumerators, err);
	if (ret)
		return ret;
	btf->enum_refs =
		bw_btfi_tab_alloc(btf, (size_t)enumerators * 2 + 1, sizeof(*btf->enum_refs));
	if (!btf->enum_refs)
		return bw_fail(err, BW_ENOMEM, "BTF: no memory for %u enumerators", enumerators);
	return 0;
}

static int btfidx_alloc_tails(struct bw_btf *btf, struct bw_btfi_names *t, struct bw_error *err)
{
	t->tails = bw_btfi_tab_alloc(btf, (size_t)t->mask + 1, sizeof(*t->tails));
	if (!t->tails)
		return bw_fail(err, BW_ENOMEM, "BTF: no memory for a %u-slot name index",
			       t->mask + 1);
	return 0;
}

int bw_btfi_index_alloc_tails(struct bw_btf *btf, struct bw_error *err)
{
	int ret = btfidx_alloc_tails(btf, &btf->names, err);

	return ret ? ret : btfidx_alloc_tails(btf, &btf->enumerators, err);
}

static void btfidx_free_tails(struct bw_btf *btf, struct bw_btfi_names *t)
{
	bw_btfi_tab_free(btf, t->tails);
	t->tails = NULL;
}

static void btfidx_place_queued(struct bw_btf *btf, struct bw_btfi_names *t)
{
	uint32_t k = t->queued > BW_BTFI_QUEUE ? t->queued - BW_BTFI_QUEUE : 0;

	for (; k < t->queued; k++)
		bw_btfi_index_place(btf, t, &t->queue[k & (BW_BTFI_QUEUE - 1)]);
	t->queued = 0;
}

void bw_btfi_index_done(struct bw_btf *btf)
{
	btfidx_place_queued(btf, &btf->names);
	btfidx_place_queued(btf, &btf->enumerators);
	btfidx_free_tails(btf, &btf->names);
	btfidx_free_tails(btf, &btf->enumerators);
}

static void btfidx_free(struct bw_btf *btf, struct bw_btfi_names *t)
{
	bw_btfi_tab_free(btf, t->slots);
	bw_btfi_tab_free(btf, t->tails);
	bw_btfi_tab_free(btf, t->next);
}

void bw_btfi_index_free(struct bw_btf *btf)
{
	btfidx_free(btf, &btf->names);
	btfidx_free(btf, &btf->enumerators);
	bw_btfi_tab_free(btf, btf->enum_refs);
}

/* First entry + 1 of name's chain in table t, or 0. */
static uint32_t btfidx_lookup(const struct bw_btf *btf, const struct bw_btfi_names *t,
			      const char *name)
{
	uint32_t hash, i, e;

	if (!t->slots)
		return 0;
	hash = bw_btfi_hash(btf, name);
	for (i = hash & t->mask; (e = t->slots[i].first); i = (i + 1) & t->mask) {
		if (t->slots[i].hash == hash && btfidx_is(btf, t, e - 1, name))
			return e;
	}
	return 0;
}

int bw_btfi_names_each(const struct bw_btf *btf, const char *name,
		       int (*fn)(void *ctx, uint32_t id), void *ctx)
{
	uint32_t e;
	int ret;

	for (e = btfidx_lookup(btf, &btf->names, name); e; e = btf->names.next[e - 1]) {
		ret = fn(ctx, btf->start_id + e - 1);
		if (ret)
			return ret;
	}
	return 0;
}

int bw_btfi_enumerators_each(const struct bw_btf *btf, const char *name,
			     int (*fn)(void *ctx, uint32_t id, uint32_t idx), void *ctx)
{
	uint32_t e;
	int ret;

	for (e = btfidx_lookup(btf, &btf->enumerators, name); e; e = btf->enumerators.next[e - 1]) {
		ret = fn(ctx, btf->start_id + btf->enum_refs[2 * (e - 1)],
			 btf->enum_refs[2 * (e - 1) + 1]);
		if (ret)
			return ret;
	}
	return 0;
}
