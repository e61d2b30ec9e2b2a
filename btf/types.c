/* SPDX-License-Identifier: MIT */
/* Reading one type: the common fields and each kind's own data. */
#include "btf_impl.h"

const char *bw_kind_name(int kind)
{
	static const char *const names[] = {
		[BW_KIND_UNKN] = "UNKN",
		[BW_KIND_INT] = "INT",
		[BW_KIND_PTR] = "PTR",
		[BW_KIND_ARRAY] = "ARRAY",
		[BW_KIND_STRUCT] = "STRUCT",
		[BW_KIND_UNION] = "UNION",
		[BW_KIND_ENUM] = "ENUM",
		[BW_KIND_FWD] = "FWD",
		[BW_KIND_TYPEDEF] = "TYPEDEF",
		[BW_KIND_VOLATILE] = "VOLATILE",
		[BW_KIND_CONST] = "CONST",
		[BW_KIND_RESTRICT] = "RESTRICT",
		[BW_KIND_FUNC] = "FUNC",
		[BW_KIND_FUNC_PROTO] = "FUNC_PROTO",
		[BW_KIND_VAR] = "VAR",
		[BW_KIND_DATASEC] = "DATASEC",
		[BW_KIND_FLOAT] = "FLOAT",
		[BW_KIND_DECL_TAG] = "DECL_TAG",
		[BW_KIND_TYPE_TAG] = "TYPE_TAG",
		[BW_KIND_ENUM64] = "ENUM64",
	};

	if (kind < 0 || kind > BW_KIND_MAX)
		return names[BW_KIND_UNKN];
	return names[kind];
}

static bool btftype_has_size(int kind)
{
	return kind == BW_KIND_INT || kind == BW_KIND_STRUCT || kind == BW_KIND_UNION ||
	       kind == BW_KIND_ENUM || kind == BW_KIND_ENUM64 || kind == BW_KIND_FLOAT ||
	       kind == BW_KIND_DATASEC;
}

static bool btftype_has_type(int kind)
{
	return kind == BW_KIND_PTR || kind == BW_KIND_TYPEDEF || kind == BW_KIND_VOLATILE ||
	       kind == BW_KIND_CONST || kind == BW_KIND_RESTRICT || kind == BW_KIND_TYPE_TAG ||
	       kind == BW_KIND_FUNC || kind == BW_KIND_FUNC_PROTO || kind == BW_KIND_VAR ||
	       kind == BW_KIND_DECL_TAG;
}

int bw_btf_type(const struct bw_btf *btf, uint32_t id, struct bw_type *t, struct bw_error *err)
{
	const uint8_t *rec = NULL;
	uint32_t info, st;

	if (!btf || !t)
		return bw_fail(err, BW_EINVAL, "BTF: NULL argument");
	memset(t, 0, sizeof(*t));
	t->name = "";
	if (id == 0)
		return 0;
	if (id >= bw_btfi_type_cnt(btf))
		return bw_fail(err, BW_ENOENT, "BTF: type id %u out of range (type count %u)", id,
			       bw_btfi_type_cnt(btf));
	rec = bw_btfi_rec(btf, id);
	info = bw_btfi_rd32(rec + 4);
	st = bw_btfi_rd32(rec + 8);
	t->id = id;
	t->kind = bw_btfi_info_kind(info);
	t->name_off = bw_btfi_rd32(rec);
	t->name = bw_btfi_str(btf, t->name_off);
	t->vlen = bw_btfi_info_vlen(info);
	t->kflag = bw_btfi_info_kflag(info);
	t->size = btftype_has_size(t->kind) ? st : 0;
	t->type = btftype_has_type(t->kind) ? st : 0;
	return 0;
}

/* The record of id if it is of one of `kinds` (a bit mask of kinds). */
static int btftype_rec(const struct bw_btf *btf, uint32_t id, uint32_t kinds, const char *want,
		       const uint8_t **rec, struct bw_error *err)
{
	int kind;

	if (!btf || id == 0 || id >= bw_btfi_type_cnt(btf))
		return bw_fail(err, BW_EINVAL, "BTF: type id %u is not a %s", id, want);
	kind = bw_btfi_kind(btf, id);
	if (!(kinds & (1u << kind)))
		return bw_fail(err, BW_EINVAL, "BTF: [%u] is a %s, not a %s", id,
			       bw_kind_name(kind), want);
	*rec = bw_btfi_rec(btf, id);
	return 0;
}

/* The idx-th vlen entry (of `step` bytes) of a record. */
static int btftype_item(const uint8_t *rec, uint32_t id, uint32_t idx, uint32_t step,
			const uint8_t **item, struct bw_error *err)
{
	uint32_t vlen = bw_btfi_info_vlen(bw_btfi_rd32(rec + 4));

	if (idx >= vlen)
		return bw_fail(err, BW_ENOENT, "BTF: [%u] has %u entries, no #%u", id, vlen, idx);
	*item = rec + BW_BTF_TYPE_LEN + (size_t)idx * step;
	return 0;
}

int bw_btf_int(const struct bw_btf *btf, uint32_t id, struct bw_int *out, struct bw_error *err)
{
	const uint8_t *rec = NULL;
	uint32_t data;
	int ret = btftype_rec(btf, id, 1u << BW_KIND_INT, "INT", &rec, err);

	if (ret)
		return ret;
	data = bw_btfi_rd32(rec + BW_BTF_TYPE_LEN);
	out->encoding = (data >> 24) & 0xf;
	out->offset = (data >> 16) & 0xff;
	out->bits = data & 0xff;
	return 0;
}

int bw_btf_array(const struct bw_btf *btf, uint32_t id, struct bw_array *out,
		 struct bw_error *err)
{
	const uint8_t *rec = NULL;
	int ret = btftype_rec(btf, id, 1u << BW_KIND_ARRAY, "ARRAY", &rec, err);

	if (ret)
		return ret;
	out->type = bw_btfi_rd32(rec + BW_BTF_TYPE_LEN);
	out->index_type = bw_btfi_rd32(rec + BW_BTF_TYPE_LEN + 4);
	out->nelems = bw_btfi_rd32(rec + BW_BTF_TYPE_LEN + 8);
	return 0;
}

int bw_btf_member(const struct bw_btf *btf, uint32_t id, uint32_t idx, struct bw_member *out,
		  struct bw_error *err)
{
	const uint8_t *rec = NULL, *m = NULL;
	uint32_t off;
	int ret;

	ret = btftype_rec(btf, id, (1u << BW_KIND_STRUCT) | (1u << BW_KIND_UNION),
			  "STRUCT or UNION", &rec, err);
	if (!ret)
		ret = btftype_item(rec, id, idx, BW_BTF_MEMBER_LEN, &m, err);
	if (ret)
		return ret;
	off = bw_btfi_rd32(m + 8);
	out->name = bw_btfi_str(btf, bw_btfi_rd32(m));
	out->type = bw_btfi_rd32(m + 4);
	if (bw_btfi_info_kflag(bw_btfi_rd32(rec + 4))) {
		out->bit_offset = off & 0xffffff;
		out->bitfield_size = off >> 24;
	} else {
		out->bit_offset = off;
		out->bitfield_size = 0;
	}
	return 0;
}

int bw_btf_enumerator(const struct bw_btf *btf, uint32_t id, uint32_t idx,
		      struct bw_enumerator *out, struct bw_error *err)
{
	const uint8_t *rec = NULL, *e = NULL;
	bool is64;
	int ret;

	ret = btftype_rec(btf, id, (1u << BW_KIND_ENUM) | (1u << BW_KIND_ENUM64),
			  "ENUM or ENUM64", &rec, err);
	if (ret)
		return ret;
	is64 = bw_btfi_info_kind(bw_btfi_rd32(rec + 4)) == BW_KIND_ENUM64;
	ret = btftype_item(rec, id, idx, is64 ? BW_BTF_ENUM64_LEN : BW_BTF_ENUM_LEN, &e, err);
	if (ret)
		return ret;
	out->name = bw_btfi_str(btf, bw_btfi_rd32(e));
	out->is_signed = bw_btfi_info_kflag(bw_btfi_rd32(rec + 4));
	if (is64) {
		out->uvalue = ((uint64_t)bw_btfi_rd32(e + 8) << 32) | bw_btfi_rd32(e + 4);
	} else {
		uint32_t v = bw_btfi_rd32(e + 4);

		/* 32-bit values widen by their signedness. */
		out->uvalue = out->is_signed ? (uint64_t)(int64_t)(int32_t)v : v;
	}
	out->value = (int64_t)out->uvalue;
	return 0;
}

int bw_btf_param(const struct bw_btf *btf, uint32_t id, uint32_t idx, struct bw_param *out,
		 struct bw_error *err)
{
	const uint8_t *rec = NULL, *p = NULL;
	int ret;

	ret = btftype_rec(btf, id, 1u << BW_KIND_FUNC_PROTO, "FUNC_PROTO", &rec, err);
	if (!ret)
		ret = btftype_item(rec, id, idx, BW_BTF_PARAM_LEN, &p, err);
	if (ret)
		return ret;
	out->name = bw_btfi_str(btf, bw_btfi_rd32(p));
	out->type = bw_btfi_rd32(p + 4);
	return 0;
}

int bw_btf_linkage(const struct bw_btf *btf, uint32_t id, uint32_t *linkage,
		   struct bw_error *err)
{
	const uint8_t *rec = NULL;
	int ret;

	ret = btftype_rec(btf, id, (1u << BW_KIND_VAR) | (1u << BW_KIND_FUNC), "VAR or FUNC", &rec,
			  err);
	if (ret)
		return ret;
	if (bw_btfi_info_kind(bw_btfi_rd32(rec + 4)) == BW_KIND_FUNC)
		*linkage = bw_btfi_info_vlen(bw_btfi_rd32(rec + 4));
	else
		*linkage = bw_btfi_rd32(rec + BW_BTF_TYPE_LEN);
	return 0;
}

int bw_btf_secinfo(const struct bw_btf *btf, uint32_t id, uint32_t idx, struct bw_secinfo *out,
		   struct bw_error *err)
{
	const uint8_t *rec = NULL, *s = NULL;
	int ret;

	ret = btftype_rec(btf, id, 1u << BW_KIND_DATASEC, "DATASEC", &rec, err);
	if (!ret)
		ret = btftype_item(rec, id, idx, BW_BTF_SECINFO_LEN, &s, err);
	if (ret)
		return ret;
	out->type = bw_btfi_rd32(s);
	out->offset = bw_btfi_rd32(s + 4);
	out->size = bw_btfi_rd32(s + 8);
	return 0;
}

int bw_btf_decl_tag_idx(const struct bw_btf *btf, uint32_t id, int32_t *component_idx,
			struct bw_error *err)
{
	const uint8_t *rec = NULL;
	uint32_t raw;
	int ret;

	ret = btftype_rec(btf, id, 1u << BW_KIND_DECL_TAG, "DECL_TAG", &rec, err);
	if (ret)
		return ret;
	raw = bw_btfi_rd32(rec + BW_BTF_TYPE_LEN);
	memcpy(component_idx, &raw, sizeof(*component_idx));
	return 0;
}
