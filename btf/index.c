/* SPDX-License-Identifier: MIT */
/*
 * Name indexes, filled by validation as it checks each name (so every name is read once):
 * type names and enumerator names, each an open-addressing table with linear probing, at most
 * three quarters full. Entries are inserted in id order and nothing is ever removed, so a probe meets
 * the entries of one name lowest id first.
 */
#include "btf_impl.h"

uint32_t bw_btfi_hash(const char *s)
{
	uint32_t h = BW_BTFI_FNV_BASIS;

	while (*s) {
		h ^= (uint8_t)*s++;
		h *= BW_BTFI_FNV_PRIME;
	}
	return h;
}

static int btfidx_alloc(const struct bw_btf *btf, struct bw_btfi_names *t, uint32_t entries,
			struct bw_error *err)
{
	uint32_t slots = 16;

	/* At most 3/4 full: short probes, and half the cache misses of a half-full table. */
	while (slots / 4 * 3 < entries)
		slots *= 2;
	t->slots = bw_zalloc(btf->alloc, (size_t)slots * sizeof(*t->slots));
	if (!t->slots)
		return bw_fail(err, BW_ENOMEM, "BTF: no memory for a %u-slot name index", slots);
	t->mask = slots - 1;
	return 0;
}

static void btfidx_insert(struct bw_btfi_names *t, uint32_t hash, uint32_t entry)
{
	uint32_t i = hash & t->mask;

	while (t->slots[i])
		i = (i + 1) & t->mask;
	t->slots[i] = entry + 1;
}

/* Name offset of enumerator k of the ENUM/ENUM64 record t. */
static uint32_t btfidx_enumerator_name(const uint8_t *t, uint32_t k)
{
	int kind = bw_btfi_info_kind(bw_btfi_rd32(t + 4));
	uint32_t step = kind == BW_KIND_ENUM ? BW_BTF_ENUM_LEN : BW_BTF_ENUM64_LEN;

	return bw_btfi_rd32(t + BW_BTF_TYPE_LEN + k * step);
}

int bw_btfi_index_alloc(struct bw_btf *btf, uint32_t names, uint32_t enumerators,
			struct bw_error *err)
{
	int ret = btfidx_alloc(btf, &btf->names, names, err);

	if (!ret)
		ret = btfidx_alloc(btf, &btf->enumerators, enumerators, err);
	if (ret)
		return ret;
	btf->enum_refs = bw_alloc_array(btf->alloc, (size_t)enumerators * 2 + 1,
					sizeof(*btf->enum_refs));
	if (!btf->enum_refs)
		return bw_fail(err, BW_ENOMEM, "BTF: no memory for %u enumerators", enumerators);
	return 0;
}

void bw_btfi_index_add_name(struct bw_btf *btf, uint32_t i, uint32_t hash)
{
	btfidx_insert(&btf->names, hash, i);
}

void bw_btfi_index_add_enumerator(struct bw_btf *btf, uint32_t i, uint32_t k, uint32_t hash)
{
	btf->enum_refs[2 * btf->nr_enumerators] = i;
	btf->enum_refs[2 * btf->nr_enumerators + 1] = k;
	btfidx_insert(&btf->enumerators, hash, btf->nr_enumerators++);
}

void bw_btfi_index_free(struct bw_btf *btf)
{
	bw_free(btf->alloc, btf->names.slots);
	bw_free(btf->alloc, btf->enumerators.slots);
	bw_free(btf->alloc, btf->enum_refs);
}

int bw_btfi_names_each(const struct bw_btf *btf, const char *name,
		       int (*fn)(void *ctx, uint32_t id), void *ctx)
{
	const struct bw_btfi_names *t = &btf->names;
	uint32_t i, e;
	int ret;

	if (!t->slots)
		return 0;
	for (i = bw_btfi_hash(name) & t->mask; (e = t->slots[i]); i = (i + 1) & t->mask) {
		const uint8_t *rec = btf->types + btf->offs[e - 1];

		if (strcmp(bw_btfi_str(btf, bw_btfi_rd32(rec)), name))
			continue;
		ret = fn(ctx, btf->start_id + e - 1);
		if (ret)
			return ret;
	}
	return 0;
}

int bw_btfi_enumerators_each(const struct bw_btf *btf, const char *name,
			     int (*fn)(void *ctx, uint32_t id, uint32_t idx), void *ctx)
{
	const struct bw_btfi_names *t = &btf->enumerators;
	uint32_t i, e;
	int ret;

	if (!t->slots)
		return 0;
	for (i = bw_btfi_hash(name) & t->mask; (e = t->slots[i]); i = (i + 1) & t->mask) {
		uint32_t ti = btf->enum_refs[2 * (e - 1)], k = btf->enum_refs[2 * (e - 1) + 1];
		const uint8_t *rec = btf->types + btf->offs[ti];

		if (strcmp(bw_btfi_str(btf, btfidx_enumerator_name(rec, k)), name))
			continue;
		ret = fn(ctx, btf->start_id + ti, k);
		if (ret)
			return ret;
	}
	return 0;
}
