/* SPDX-License-Identifier: MIT */
/*
 * The validation rules that need sizes (run once references are known to exist and not to
 * loop, and sizes are known): array element and index kinds and total size, members that fit their struct,
 * bitfields on integers only, variables of sized types, section entries large enough, decl
 * tag components that exist, and typedef/modifier chains within the resolve cap.
 */
#include <stdio.h>
#include "btf_impl.h"

#define btfsz_fail(btf, id, err, code, ...) bw_btfi_type_fail(btf, id, err, code, __VA_ARGS__)

/* Size of type, or a failure naming `what` of id (an unsized type is malformed input). */
static int btfsz_size(const struct bw_btf *btf, uint32_t id, const char *what, int64_t idx,
		      uint32_t type, uint64_t *size, struct bw_error *err)
{
	struct bw_error e;
	int ret = bw_btfi_sizeof(btf, type, size, &e);

	if (!ret)
		return 0;
	if (idx < 0)
		return btfsz_fail(btf, id, err, e.code == BW_ELIMIT ? BW_ELIMIT : BW_EFORMAT,
				  "%s [%u]: %s", what, type, e.msg);
	return btfsz_fail(btf, id, err, e.code == BW_ELIMIT ? BW_ELIMIT : BW_EFORMAT,
			  "%s #%lld [%u]: %s", what, (long long)idx, type, e.msg);
}

static int btfsz_array(const struct bw_btf *btf, uint32_t id, const uint8_t *t,
		       struct bw_error *err)
{
	uint32_t elem = bw_btfi_rd32(t + BW_BTF_TYPE_LEN);
	uint32_t index = bw_btfi_rd32(t + BW_BTF_TYPE_LEN + 4), rid;
	uint64_t size;
	int ret;

	ret = bw_btf_resolve(btf, index, &rid, err);
	if (ret)
		return ret;
	if (bw_btfi_kind(btf, rid) != BW_KIND_INT)
		return btfsz_fail(btf, id, err, BW_EFORMAT, "index type [%u] is a %s, not an INT",
				  index, bw_kind_name(bw_btfi_kind(btf, rid)));
	ret = btfsz_size(btf, id, "element type", -1, elem, &size, err);
	if (ret)
		return ret;
	if (!bw_mul_overflow(size, bw_btfi_rd32(t + BW_BTF_TYPE_LEN + 8), &size) &&
	    size <= UINT32_MAX)
		return 0;
	return btfsz_fail(btf, id, err, BW_EFORMAT, "%u elements of [%u] exceed 4 GiB",
			  bw_btfi_rd32(t + BW_BTF_TYPE_LEN + 8), elem);
}

static int btfsz_member(const struct bw_btf *btf, uint32_t id, const uint8_t *t, uint32_t i,
			struct bw_error *err)
{
	const uint8_t *m = t + BW_BTF_TYPE_LEN + i * BW_BTF_MEMBER_LEN;
	uint32_t info = bw_btfi_rd32(t + 4), struct_size = bw_btfi_rd32(t + 8);
	uint32_t type = bw_btfi_rd32(m + 4), off = bw_btfi_rd32(m + 8), rid;
	bool kflag = bw_btfi_info_kflag(info);
	uint32_t bit_off = kflag ? off & 0xffffff : off, bf_size = kflag ? off >> 24 : 0;
	const char *name = bw_btfi_str(btf, bw_btfi_rd32(m));
	uint64_t size, end;
	int kind, ret;

	ret = btfsz_size(btf, id, "member", i, type, &size, err);
	if (!ret)
		ret = bw_btf_resolve(btf, type, &rid, err);
	if (ret)
		return ret;
	kind = bw_btfi_kind(btf, rid);
	if (bf_size) {
		uint64_t max = size * 8;

		if (kind == BW_KIND_INT)
			max = bw_btfi_rd32(bw_btfi_rec(btf, rid) + BW_BTF_TYPE_LEN) & 0xff;
		else if (kind != BW_KIND_ENUM && kind != BW_KIND_ENUM64)
			return btfsz_fail(btf, id, err, BW_EFORMAT, "member #%u '%.32s' is a "
					  "bitfield of a %s", i, name, bw_kind_name(kind));
		if (bf_size > max)
			return btfsz_fail(btf, id, err, BW_EFORMAT, "member #%u '%.32s' bitfield "
					  "of %u bits is wider than its type's %llu", i, name,
					  bf_size, (unsigned long long)max);
		end = (uint64_t)bit_off + bf_size;
	} else if (!kflag && kind == BW_KIND_INT) {
		/* Without kind_flag an INT member may be a bitfield by its own offset/bits. */
		uint32_t data = bw_btfi_rd32(bw_btfi_rec(btf, rid) + BW_BTF_TYPE_LEN);

		end = (uint64_t)bit_off + ((data >> 16) & 0xff) + (data & 0xff);
		if (!(bit_off % 8))
			end = end > bit_off + size * 8 ? end : bit_off + size * 8;
	} else {
		if (bit_off % 8)
			return btfsz_fail(btf, id, err, BW_EFORMAT, "member #%u '%.32s' at bit %u "
					  "is not byte aligned", i, name, bit_off);
		end = (uint64_t)bit_off + size * 8;
	}
	if (end > (uint64_t)struct_size * 8)
		return btfsz_fail(btf, id, err, BW_EFORMAT, "member #%u '%.32s' ends at bit %llu, "
				  "past the size of %u bytes", i, name, (unsigned long long)end,
				  struct_size);
	return 0;
}

static int btfsz_datasec(const struct bw_btf *btf, uint32_t id, const uint8_t *t,
			 struct bw_error *err)
{
	uint32_t i, vlen = bw_btfi_info_vlen(bw_btfi_rd32(t + 4));
	uint64_t size;
	int ret;

	if (!bw_btfi_rd32(t + 8))
		return 0;
	for (i = 0; i < vlen; i++) {
		const uint8_t *s = t + BW_BTF_TYPE_LEN + i * BW_BTF_SECINFO_LEN;
		uint32_t var = bw_btfi_rd32(s);

		if (bw_btfi_kind(btf, var) != BW_KIND_VAR)
			continue;
		ret = btfsz_size(btf, id, "variable", i, bw_btfi_rd32(bw_btfi_rec(btf, var) + 8),
				 &size, err);
		if (ret)
			return ret;
		if (size > bw_btfi_rd32(s + 8))
			return btfsz_fail(btf, id, err, BW_EFORMAT, "variable #%u [%u] of %llu bytes "
					  "has an entry of %u", i, var, (unsigned long long)size,
					  bw_btfi_rd32(s + 8));
	}
	return 0;
}

static int btfsz_decl_tag(const struct bw_btf *btf, uint32_t id, const uint8_t *t,
			  struct bw_error *err)
{
	uint32_t target = bw_btfi_rd32(t + 8), raw = bw_btfi_rd32(t + BW_BTF_TYPE_LEN), n;
	int kind = bw_btfi_kind(btf, target);
	int32_t idx;

	memcpy(&idx, &raw, sizeof(idx));
	if (idx == -1)
		return 0;
	if (kind == BW_KIND_STRUCT || kind == BW_KIND_UNION)
		n = bw_btfi_info_vlen(bw_btfi_info(btf, target));
	else if (kind == BW_KIND_FUNC)
		n = bw_btfi_info_vlen(bw_btfi_info(btf, bw_btfi_rd32(bw_btfi_rec(btf, target) + 8)));
	else
		return btfsz_fail(btf, id, err, BW_EFORMAT, "component_idx %d on a %s", idx,
				  bw_kind_name(kind));
	if ((uint32_t)idx >= n)
		return btfsz_fail(btf, id, err, BW_EFORMAT, "component_idx %d, but [%u] has %u",
				  idx, target, n);
	return 0;
}

int bw_btfi_check_sizes(const struct bw_btf *btf, struct bw_error *err)
{
	uint32_t i, k, rid;
	uint64_t size;
	int ret = 0;

	for (i = 0; i < btf->nr_types && !ret; i++) {
		uint32_t id = btf->start_id + i;
		const uint8_t *t = btf->types + btf->offs[i];
		uint32_t info = bw_btfi_rd32(t + 4);

		switch (bw_btfi_info_kind(info)) {
		case BW_KIND_ARRAY:
			ret = btfsz_array(btf, id, t, err);
			break;
		case BW_KIND_STRUCT:
		case BW_KIND_UNION:
			for (k = 0; k < bw_btfi_info_vlen(info) && !ret; k++)
				ret = btfsz_member(btf, id, t, k, err);
			break;
		case BW_KIND_VAR:
			ret = btfsz_size(btf, id, "type", -1, bw_btfi_rd32(t + 8), &size, err);
			break;
		case BW_KIND_DATASEC:
			ret = btfsz_datasec(btf, id, t, err);
			break;
		case BW_KIND_DECL_TAG:
			ret = btfsz_decl_tag(btf, id, t, err);
			break;
		case BW_KIND_TYPEDEF:
		case BW_KIND_CONST:
		case BW_KIND_VOLATILE:
		case BW_KIND_RESTRICT:
		case BW_KIND_TYPE_TAG:
			ret = bw_btf_resolve(btf, id, &rid, err);
			break;
		}
	}
	return ret;
}

#undef btfsz_fail
