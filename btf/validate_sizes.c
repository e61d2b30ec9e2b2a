/* SPDX-License-Identifier: MIT */
/*
 * The validation rules that need sizes, checked once the types involved are done (see
 * validate_graph.c): array element and index kinds and total size; members that fit their
 * struct, bitfields on integers only, and the struct's alignment (packed when the layout
 * proves it, as libbpf's btf__align_of); variables of sized types; section entries large
 * enough; decl tag components that exist.
 */
#include "btf_impl.h"

#define btfsz_fail(btf, id, err, code, ...) bw_btfi_type_fail(btf, id, err, code, __VA_ARGS__)

/* Facts of a finished type: most members' types are of this blob (no base walk). */
static inline struct bw_btfi_fact btfsz_fact(const struct bw_btf *btf, uint32_t type)
{
	return type - btf->start_id < btf->nr_types ? btf->facts[type - btf->start_id]
						    : bw_btfi_fact_of(btf, type);
}

int bw_btfi_check_array(struct bw_btf *btf, uint32_t idx, struct bw_error *err)
{
	const uint8_t *t = btf->types + btf->offs[idx];
	uint32_t id = btf->start_id + idx;
	uint32_t elem = bw_btfi_rd32(t + BW_BTF_TYPE_LEN);
	uint32_t index = bw_btfi_rd32(t + BW_BTF_TYPE_LEN + 4);
	uint32_t nelems = bw_btfi_rd32(t + BW_BTF_TYPE_LEN + 8);
	struct bw_btfi_fact ef = bw_btfi_fact_of(btf, elem);
	uint32_t size = ef.size;
	uint64_t total;

	if (bw_btfi_rkind_of(btf, index) != BW_KIND_INT)
		return btfsz_fail(btf, id, err, BW_EFORMAT, "index type [%u] is a %s, not an INT",
				  index, bw_kind_name(bw_btfi_rkind_of(btf, index)));
	if (size == BW_BTFI_NO_SIZE)
		return btfsz_fail(btf, id, err, BW_EFORMAT, "element type [%u] (%s) has no size",
				  elem, bw_kind_name(bw_btfi_rkind_of(btf, elem)));
	total = (uint64_t)size * nelems;
	if (total >= BW_BTFI_NO_SIZE)
		return btfsz_fail(btf, id, err, BW_EFORMAT, "%u elements of %u bytes exceed 4 GiB",
				  nelems, size);
	btf->facts[idx].size = (uint32_t)total;
	btf->facts[idx].align_log2 = ef.align_log2;
	return 0;
}

/* The INT a member's type resolves to (its nr_bits and bits_offset matter for bitfields). */
static uint32_t btfsz_int_data(const struct bw_btf *btf, uint32_t type)
{
	uint32_t rid = type;

	if (bw_btf_resolve(btf, type, &rid, NULL))
		return 0;
	return bw_btfi_rd32(bw_btfi_rec(btf, rid) + BW_BTF_TYPE_LEN);
}

/* Bit just past member i, or a failure; the member's type is sized and finished. */
static int btfsz_member_end(const struct bw_btf *btf, uint32_t id, const uint8_t *t, uint32_t i,
			    uint64_t *end, struct bw_error *err)
{
	const uint8_t *m = t + BW_BTF_TYPE_LEN + i * BW_BTF_MEMBER_LEN;
	bool kflag = bw_btfi_info_kflag(bw_btfi_rd32(t + 4));
	uint32_t type = bw_btfi_rd32(m + 4), off = bw_btfi_rd32(m + 8);
	uint32_t bit_off = kflag ? off & 0xffffff : off, bf_size = kflag ? off >> 24 : 0;
	uint64_t bits = (uint64_t)bw_btfi_size_of(btf, type) * 8;
	int rkind = bw_btfi_rkind_of(btf, type);

	if (bf_size) {
		uint64_t max = bits;

		if (rkind == BW_KIND_INT)
			max = btfsz_int_data(btf, type) & 0xff;
		else if (rkind != BW_KIND_ENUM && rkind != BW_KIND_ENUM64)
			return btfsz_fail(btf, id, err, BW_EFORMAT,
					  "member #%u '%.32s' is a "
					  "bitfield of a %s",
					  i, bw_btfi_str(btf, bw_btfi_rd32(m)),
					  bw_kind_name(rkind));
		if (bf_size > max)
			return btfsz_fail(btf, id, err, BW_EFORMAT,
					  "member #%u '%.32s' bitfield "
					  "of %u bits is wider than its type's %llu",
					  i, bw_btfi_str(btf, bw_btfi_rd32(m)), bf_size,
					  (unsigned long long)max);
		*end = (uint64_t)bit_off + bf_size;
	} else if (bit_off % 8) {
		uint32_t data;

		/* Without kind_flag an INT member may be a bitfield by its own offset/bits. */
		if (kflag || rkind != BW_KIND_INT)
			return btfsz_fail(btf, id, err, BW_EFORMAT,
					  "member #%u '%.32s' at bit %u is "
					  "not byte aligned",
					  i, bw_btfi_str(btf, bw_btfi_rd32(m)), bit_off);
		data = btfsz_int_data(btf, type);
		*end = (uint64_t)bit_off + ((data >> 16) & 0xff) + (data & 0xff);
	} else {
		*end = (uint64_t)bit_off + bits;
	}
	return 0;
}

int bw_btfi_check_members(struct bw_btf *btf, uint32_t idx, struct bw_error *err)
{
	const uint8_t *t = btf->types + btf->offs[idx], *m = t + BW_BTF_TYPE_LEN;
	uint32_t info = bw_btfi_rd32(t + 4), size = bw_btfi_rd32(t + 8), i;
	uint32_t id = btf->start_id + idx, vlen = bw_btfi_info_vlen(info);
	bool kflag = bw_btfi_info_kflag(info);
	/* Offset bits of a member that is a bitfield or not at a byte: the slow path. */
	uint32_t odd = kflag ? 0xff000007u : 7u, misaligned = 0;
	uint64_t end = 0, bits = (uint64_t)size * 8;
	uint8_t max_align = 0;
	int ret;

	for (i = 0; i < vlen; i++, m += BW_BTF_MEMBER_LEN) {
		uint32_t type = bw_btfi_rd32(m + 4), off = bw_btfi_rd32(m + 8);
		struct bw_btfi_fact mf = btfsz_fact(btf, type);

		if (mf.size == BW_BTFI_NO_SIZE)
			return btfsz_fail(btf, id, err, BW_EFORMAT,
					  "member #%u '%.32s' type [%u] "
					  "(%s) has no size",
					  i, bw_btfi_str(btf, bw_btfi_rd32(m)), type,
					  bw_kind_name(bw_btfi_rkind_of(btf, type)));
		/* Most members are whole bytes, not bitfields: no need to look at the type. A
		 * member not at its type's alignment proves the struct packed (alignments are
		 * powers of two: a mask, not a division per member). */
		if (!(off & odd)) {
			end = off + (uint64_t)mf.size * 8;
			misaligned |= off & ((8u << mf.align_log2) - 1);
		} else {
			ret = btfsz_member_end(btf, id, t, i, &end, err);
			if (ret)
				return ret;
			if (!(kflag && off >> 24))
				misaligned |= off & 0xffffff & ((8u << mf.align_log2) - 1);
		}
		if (end > bits)
			return btfsz_fail(btf, id, err, BW_EFORMAT,
					  "member #%u '%.32s' ends at bit "
					  "%llu, past the size of %u bytes",
					  i, bw_btfi_str(btf, bw_btfi_rd32(m)),
					  (unsigned long long)end, size);
		if (mf.align_log2 > max_align)
			max_align = mf.align_log2;
	}
	btf->facts[idx].align_log2 = misaligned || (size & ((1u << max_align) - 1)) ? 0 : max_align;
	return 0;
}

int bw_btfi_check_var(const struct bw_btf *btf, uint32_t idx, struct bw_error *err)
{
	uint32_t type = bw_btfi_rd32(btf->types + btf->offs[idx] + 8);

	if (bw_btfi_size_of(btf, type) != BW_BTFI_NO_SIZE)
		return 0;
	return btfsz_fail(btf, btf->start_id + idx, err, BW_EFORMAT, "type [%u] (%s) has no size",
			  type, bw_kind_name(bw_btfi_rkind_of(btf, type)));
}

int bw_btfi_check_datasec(const struct bw_btf *btf, uint32_t idx, struct bw_error *err)
{
	const uint8_t *t = btf->types + btf->offs[idx];
	uint32_t i, vlen = bw_btfi_info_vlen(bw_btfi_rd32(t + 4));

	/* An unlinked object's section (size 0) has no sizes to check yet. */
	if (!bw_btfi_rd32(t + 8))
		return 0;
	for (i = 0; i < vlen; i++) {
		const uint8_t *s = t + BW_BTF_TYPE_LEN + i * BW_BTF_SECINFO_LEN;
		uint32_t var = bw_btfi_rd32(s), size;

		if (bw_btfi_kind(btf, var) != BW_KIND_VAR)
			continue;
		size = bw_btfi_size_of(btf, bw_btfi_rd32(bw_btfi_rec(btf, var) + 8));
		if (size > bw_btfi_rd32(s + 8))
			return btfsz_fail(btf, btf->start_id + idx, err, BW_EFORMAT,
					  "variable #%u "
					  "[%u] of %u bytes has an entry of %u",
					  i, var, size, bw_btfi_rd32(s + 8));
	}
	return 0;
}

int bw_btfi_check_decl_tag(const struct bw_btf *btf, uint32_t idx, struct bw_error *err)
{
	const uint8_t *t = btf->types + btf->offs[idx];
	uint32_t target = bw_btfi_rd32(t + 8), raw = bw_btfi_rd32(t + BW_BTF_TYPE_LEN), n;
	uint32_t id = btf->start_id + idx;
	int kind = bw_btfi_kind(btf, target);
	int32_t cidx;

	memcpy(&cidx, &raw, sizeof(cidx));
	if (cidx == -1)
		return 0;
	if (kind == BW_KIND_STRUCT || kind == BW_KIND_UNION)
		n = bw_btfi_info_vlen(bw_btfi_info(btf, target));
	else if (kind == BW_KIND_FUNC)
		n = bw_btfi_info_vlen(
			bw_btfi_info(btf, bw_btfi_rd32(bw_btfi_rec(btf, target) + 8)));
	else
		return btfsz_fail(btf, id, err, BW_EFORMAT, "component_idx %d on a %s", cidx,
				  bw_kind_name(kind));
	if ((uint32_t)cidx >= n)
		return btfsz_fail(btf, id, err, BW_EFORMAT, "component_idx %d, but [%u] has %u",
				  cidx, target, n);
	return 0;
}

#undef btfsz_fail
