/* SPDX-License-Identifier: MIT */
/*
 * Validating a BTF blob as untrusted input, with the kernel's rules (kernel/bpf/btf.c) for all a
 * reader relies on. This file: the header and sections, the walk over the records, and the
 * order of the steps (each record's rules: validate_types.c; cycles, alignment and sizes:
 * validate_graph.c, with the rules that need sizes in validate_sizes.c). Every message names the type id, kind,
 * name and byte offset of the record in the blob.
 */
#include <stdarg.h>
#include <stdio.h>
#include "btf_impl.h"

struct btfval {
	struct bw_btf *btf;
	struct bw_error *err;
	uint32_t named;	      /* records with a name offset (an upper bound of names to index) */
	uint32_t enumerators; /* enumerators of all ENUM/ENUM64 records */
};

/* Pointer size when neither the ELF class, nor the base, nor a 'long' INT says. */
#define BTFVAL_DEFAULT_PTR_SIZE 8u

int bw_btfi_type_fail(const struct bw_btf *btf, uint32_t id, struct bw_error *err, int code,
		      const char *fmt, ...)
{
	uint32_t off = btf->offs[id - btf->start_id];
	uint32_t info = bw_btfi_rd32(btf->types + off + 4);
	const char *name = bw_btf_str(btf, bw_btfi_rd32(btf->types + off));
	char what[BW_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return bw_fail(err, code, "BTF [%u] %s '%.64s' at offset %u: %s", id,
		       bw_kind_name(bw_btfi_info_kind(info)), name ? name : "?",
		       btf->types_at + off, what);
}

static int btfval_header(struct btfval *v, const uint8_t *blob, size_t len)
{
	struct bw_btf *btf = v->btf;
	uint32_t hdr_len, type_off, type_len, str_off, str_len, i;
	uint64_t type_start, type_end, str_start, str_end;

	if (len < BW_BTF_HDR_LEN)
		return bw_fail(v->err, BW_EFORMAT, "BTF header: %zu bytes, need %u", len,
			       BW_BTF_HDR_LEN);
	if (blob[2] != BW_BTF_VERSION)
		return bw_fail(v->err, BW_EFORMAT, "BTF header: version %u at offset 2, want %u",
			       blob[2], BW_BTF_VERSION);
	if (blob[3])
		return bw_fail(v->err, BW_EFORMAT, "BTF header: flags 0x%x at offset 3, want 0",
			       blob[3]);
	hdr_len = bw_btfi_rd32(blob + BW_BTF_HDR_HDR_LEN);
	type_off = bw_btfi_rd32(blob + BW_BTF_HDR_TYPE_OFF);
	type_len = bw_btfi_rd32(blob + BW_BTF_HDR_TYPE_LEN);
	str_off = bw_btfi_rd32(blob + BW_BTF_HDR_STR_OFF);
	str_len = bw_btfi_rd32(blob + BW_BTF_HDR_STR_LEN);
	if (hdr_len < BW_BTF_HDR_LEN || hdr_len > len)
		return bw_fail(v->err, BW_EFORMAT, "BTF header: hdr_len %u not in [%u, %zu]",
			       hdr_len, BW_BTF_HDR_LEN, len);
	for (i = BW_BTF_HDR_LEN; i < hdr_len; i++) {
		if (blob[i])
			return bw_fail(v->err, BW_EFORMAT,
				       "BTF header: unknown non-zero header "
				       "byte at offset %u (hdr_len %u)",
				       i, hdr_len);
	}
	if (type_off & 3)
		return bw_fail(v->err, BW_EFORMAT, "BTF header: type_off %u is not 4-byte aligned",
			       type_off);
	type_start = (uint64_t)hdr_len + type_off;
	type_end = type_start + type_len;
	str_start = (uint64_t)hdr_len + str_off;
	str_end = str_start + str_len;
	if (type_end > len)
		return bw_fail(v->err, BW_EFORMAT,
			       "BTF header: type section [%llu, %llu) outside "
			       "the %zu-byte blob",
			       (unsigned long long)type_start, (unsigned long long)type_end, len);
	if (str_end > len)
		return bw_fail(v->err, BW_EFORMAT,
			       "BTF header: string section [%llu, %llu) "
			       "outside the %zu-byte blob",
			       (unsigned long long)str_start, (unsigned long long)str_end, len);
	if (type_len && str_len && type_start < str_end && str_start < type_end)
		return bw_fail(v->err, BW_EFORMAT,
			       "BTF header: type section [%llu, %llu) overlaps "
			       "string section [%llu, %llu)",
			       (unsigned long long)type_start, (unsigned long long)type_end,
			       (unsigned long long)str_start, (unsigned long long)str_end);
	if (!btf->base && !type_len)
		return bw_fail(v->err, BW_EFORMAT, "BTF header: empty type section");
	if (!btf->base && !str_len)
		return bw_fail(v->err, BW_EFORMAT, "BTF header: empty string section");
	if (str_len && str_len - 1 > BW_BTF_MAX_NAME_OFF)
		return bw_fail(v->err, BW_ELIMIT,
			       "BTF header: string section of %u bytes exceeds "
			       "the format's %u",
			       str_len, BW_BTF_MAX_NAME_OFF + 1);
	if (str_len && blob[str_end - 1])
		return bw_fail(v->err, BW_EFORMAT,
			       "BTF strings: last byte (offset %llu) is not NUL",
			       (unsigned long long)(str_end - 1));
	if (!btf->base && blob[str_start])
		return bw_fail(v->err, BW_EFORMAT,
			       "BTF strings: first byte (offset %llu) is not "
			       "NUL",
			       (unsigned long long)str_start);
	if ((uint64_t)btf->start_str + str_len > UINT32_MAX)
		return bw_fail(v->err, BW_ELIMIT,
			       "BTF strings: %u bytes after the base's %u "
			       "overflow 32-bit offsets",
			       str_len, btf->start_str);
	btf->types = blob + type_start;
	btf->types_len = type_len;
	btf->strs = (const char *)blob + str_start;
	btf->strs_len = str_len;
	btf->types_at = (uint32_t)type_start;
	return 0;
}

/* Grow the offset and kind tables from old to cap entries. */
static int btfval_grow(struct btfval *v, uint32_t old, uint32_t cap)
{
	struct bw_btf *btf = v->btf;
	uint32_t *offs = bw_btfi_tab_grow(btf, btf->offs, (size_t)old * sizeof(*offs),
					  (size_t)cap * sizeof(*offs));
	uint8_t *kinds;

	if (!offs)
		return bw_fail(v->err, BW_ENOMEM, "BTF: no memory for %u type offsets", cap);
	btf->offs = offs;
	kinds = bw_btfi_tab_grow(btf, btf->kinds, old, cap);
	if (!kinds)
		return bw_fail(v->err, BW_ENOMEM, "BTF: no memory for %u type kinds", cap);
	btf->kinds = kinds;
	return 0;
}

/* Why record n of this blob, at pos, cannot be walked (the walk's only exits). */
static int btfval_record_fail(const struct btfval *v, uint32_t n, uint32_t pos)
{
	const struct bw_btf *btf = v->btf;
	uint32_t info, left = btf->types_len - pos, id = btf->start_id + n;
	int64_t extra;
	int kind;

	if (n == BW_BTF_MAX_TYPES - btf->start_id + 1)
		return bw_fail(v->err, BW_ELIMIT, "BTF [%u] at offset %u: more than %u types", id,
			       btf->types_at + pos, BW_BTF_MAX_TYPES);
	if (left < BW_BTF_TYPE_LEN)
		return bw_fail(v->err, BW_EFORMAT, "BTF [%u] at offset %u: %u bytes left, need %u",
			       id, btf->types_at + pos, left, BW_BTF_TYPE_LEN);
	info = bw_btfi_rd32(btf->types + pos + 4);
	kind = bw_btfi_info_kind(info);
	extra = bw_btfi_kind_extra(kind, bw_btfi_info_vlen(info));
	if (extra < 0)
		return bw_fail(v->err, BW_EFORMAT, "BTF [%u] at offset %u: unknown kind %d", id,
			       btf->types_at + pos, kind);
	return bw_fail(v->err, BW_EFORMAT,
		       "BTF [%u] %s at offset %u: vlen %u needs %lld bytes, %u left in the type "
		       "section",
		       id, bw_kind_name(kind), btf->types_at + pos, bw_btfi_info_vlen(info),
		       (long long)extra, left - BW_BTF_TYPE_LEN);
}

/*
 * Walk the records once: where each starts, its kind, and what the indexes will hold. The
 * inner loop makes no call and keeps its state in locals, so in registers (stores to the tables
 * could alias fields reached through v). It leaves at the end, at a record that does not fit
 * (an unknown kind's extra is -1, as unsigned more than any section), or when the tables are
 * full; then the outer loop grows them, or btfval_record_fail words why the walk stops.
 */
static int btfval_records(struct btfval *v)
{
	struct bw_btf *btf = v->btf;
	const uint8_t *types = btf->types;
	uint32_t len = btf->types_len, pos = 0, n = 0, named = 0, enumerators = 0;
	uint32_t limit = BW_BTF_MAX_TYPES - btf->start_id + 1;
	/* Records average 16 to 25 bytes: this is rarely outgrown. */
	uint32_t cap = len / 16 + 16, stop;
	int ret;

	if (btf->start_id > BW_BTF_MAX_TYPES)
		return bw_fail(v->err, BW_ELIMIT, "BTF: base has %u types, the cap is %u",
			       btf->start_id - 1, BW_BTF_MAX_TYPES);
	ret = btfval_grow(v, 0, cap);
	for (; !ret; ret = btfval_grow(v, n, cap)) {
		uint32_t *offs = btf->offs;
		uint8_t *kinds = btf->kinds;

		stop = cap < limit ? cap : limit;
		/* pos <= len: each record was checked to fit. */
		while (n < stop && len - pos >= BW_BTF_TYPE_LEN) {
			uint32_t info = bw_btfi_rd32(types + pos + 4);
			uint32_t vlen = bw_btfi_info_vlen(info);
			int kind = bw_btfi_info_kind(info);
			uint64_t extra = (uint64_t)bw_btfi_kind_extra(kind, vlen);

			if (extra > len - pos - BW_BTF_TYPE_LEN)
				break;
			offs[n] = pos;
			kinds[n] = (uint8_t)kind;
			named += bw_btfi_rd32(types + pos) != 0;
			enumerators += kind == BW_KIND_ENUM || kind == BW_KIND_ENUM64 ? vlen : 0;
			pos += BW_BTF_TYPE_LEN + (uint32_t)extra;
			n++;
		}
		if (pos == len)
			break;
		if (n != stop || n == limit || len - pos < BW_BTF_TYPE_LEN)
			return btfval_record_fail(v, n, pos);
		cap *= 2;
	}
	if (ret)
		return ret;
	btf->nr_types = n;
	v->named = named;
	v->enumerators = enumerators;
	return 0;
}

/*
 * Bytes of tables a blob can need, from the sections' lengths (so from bytes present): per byte
 * of the type section about 6 at most (a 12-byte record takes up to 49 bytes of tables, an
 * 8-byte enumerator 44, and a grown offset table leaves its first place unused), a bit per
 * string byte, and room for the cycle search's stack. A table past it is allocated on its own.
 */
static size_t btfval_tables_bound(const struct bw_btf *btf)
{
	return (size_t)btf->types_len * 6 + btf->strs_len / 8 + ((size_t)64 << 10);
}

int bw_btfi_validate(struct bw_btf *btf, const uint8_t *blob, size_t len, struct bw_error *err)
{
	struct btfval v = {.btf = btf, .err = err};
	struct bw_btfi_check c = {.btf = btf, .err = err};
	size_t scratch;
	int ret;

	ret = btfval_header(&v, blob, len);
	if (!ret) {
		bw_btfi_arena_reserve(btf, btfval_tables_bound(btf));
		ret = btfval_records(&v);
	}
	if (!ret)
		ret = bw_btfi_index_alloc(btf, v.named, v.enumerators, err);
	if (ret)
		return ret;
	/* Tables needed only while the types are checked come last: the graph's reuse them. */
	scratch = bw_btfi_arena_mark(btf);
	ret = bw_btfi_index_alloc_tails(btf, err);
	if (ret)
		return ret;
	c.ident_ok = bw_btfi_tab_zalloc(btf, btf->strs_len / 8 + 1, 1);
	if (!c.ident_ok)
		return bw_fail(err, BW_ENOMEM, "BTF: no memory for %u bytes of string marks",
			       btf->strs_len / 8 + 1);
	ret = bw_btfi_check_types(&c);
	bw_btfi_tab_free(btf, c.ident_ok);
	bw_btfi_index_done(btf);
	bw_btfi_arena_reset(btf, scratch);
	if (ret)
		return ret;
	if (!btf->ptr_size)
		btf->ptr_size = c.long_size ? c.long_size : BTFVAL_DEFAULT_PTR_SIZE;
	return bw_btfi_check_graph(btf, err);
}

#undef BTFVAL_DEFAULT_PTR_SIZE
