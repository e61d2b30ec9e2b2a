/* SPDX-License-Identifier: MIT */
/*
 * Validation of each record on its own, with the kernel's rules: names (identifiers where C
 * needs them), kind_flag and vlen only where the kind has them, INT encodings and sizes, member
 * offsets inside the struct, references to existing ids of a kind that may be referenced there.
 * Names go into the name indexes as they are checked, so each is read once.
 */
#include <stdio.h>
#include "btf_impl.h"
#include "ident.h"

#define BTFCHK_PREFETCH_AHEAD 8
/* For the rarer paths, kept out of the hot loop's registers (a prototype's check, the
 * commonest record with a loop, is BW_BTFI_INLINE instead: a call per prototype cost more than
 * its loop). */
#if defined(__GNUC__)
#define BTFCHK_NOINLINE __attribute__((noinline))
#else
#define BTFCHK_NOINLINE
#endif
#define btfchk_fail(c, id, code, ...) bw_btfi_type_fail((c)->btf, id, (c)->err, code, __VA_ARGS__)

/* A C identifier shorter than BW_BTF_MAX_NAME_LEN; *hash (if non-NULL) gets bw_btfi_hash(b, s). */
static inline bool btfchk_is_ident(const struct bw_btf *b, const char *s, uint32_t *hash)
{
	/* Words may be read up to the end of this blob's strings; a base's string: its length. */
	size_t room = s >= b->strs && s < b->strs + b->strs_len
			      ? (size_t)(b->strs + b->strs_len - s)
			      : strlen(s) + 1;

	return bw_btfi_ident_scan(b, s, room, hash) >= 0;
}

/* Printable, non-empty, shorter than BW_BTF_MAX_NAME_LEN (section names, tag values). */
static bool btfchk_is_printable(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		if (i >= BW_BTF_MAX_NAME_LEN || s[i] < 0x20 || s[i] > 0x7e)
			return false;
	}
	return i > 0;
}

enum btfchk_name_rule {
	BTFCHK_NAME_NONE,      /* name_off must be 0 */
	BTFCHK_NAME_ANY,       /* any string */
	BTFCHK_NAME_OPT_IDENT, /* empty or a C identifier */
	BTFCHK_NAME_IDENT,     /* a C identifier (this rule and the next require a name) */
	BTFCHK_NAME_PRINTABLE, /* non-empty printable */
};

/* What a check is about: "what" alone, or "what #idx" when idx >= 0 (formatted on failure). */
struct btfchk_what {
	char text[48];
};

static const char *btfchk_what(struct btfchk_what *w, const char *what, int64_t idx)
{
	if (idx < 0)
		return what;
	snprintf(w->text, sizeof(w->text), "%s #%lld", what, (long long)idx);
	return w->text;
}

/*
 * What the hot loops read of the blob, copied into locals: the marks are bytes, whose stores may
 * alias anything, so fields read through v->btf would be loaded again after each mark.
 */
struct btfchk_tabs {
	const uint8_t *kinds;
	uint8_t *ident_ok;
	uint32_t start_id, nr_types, start_str, strs_len;
};

static inline struct btfchk_tabs btfchk_tabs_of(const struct bw_btfi_check *v)
{
	const struct bw_btf *b = v->btf;

	return (struct btfchk_tabs){.kinds = b->kinds,
				    .ident_ok = v->ident_ok,
				    .start_id = b->start_id,
				    .nr_types = b->nr_types,
				    .start_str = b->start_str,
				    .strs_len = b->strs_len};
}

/* Fast path: a name offset of this blob already known to be an identifier. */
static inline bool btfchk_ident_known(struct btfchk_tabs tb, uint32_t off)
{
	/* Unsigned: an offset below start_str (a base's string) wraps around and is not known. */
	uint32_t rel = off - tb.start_str;

	return rel < tb.strs_len && ((tb.ident_ok[rel / 8] >> (rel % 8)) & 1);
}

/* This blob's string at off, or NULL for a base's or none (the general check tells which). */
static inline const char *btfchk_local_str(const struct bw_btf *b, uint32_t off)
{
	return off >= b->start_str && off - b->start_str < b->strs_len
		       ? b->strs + (off - b->start_str)
		       : NULL;
}

/* This blob's string at off is an identifier: *name gets it, and *hash its hash if non-NULL. */
static BW_BTFI_INLINE bool btfchk_local_ident(const struct bw_btf *b, uint32_t off,
					      const char **name, uint32_t *hash)
{
	uint32_t rel = off - b->start_str; /* unsigned: a base's offset wraps around */

	if (rel >= b->strs_len)
		return false;
	*name = b->strs + rel;
	return bw_btfi_ident_scan(b, *name, b->strs_len - rel, hash) >= 0;
}

/* A member or parameter name of this blob, empty or an identifier: mark it known. */
BTFCHK_NOINLINE static bool btfchk_opt_ident_mark(const struct bw_btf *b, uint8_t *ident_ok,
						  uint32_t off)
{
	uint32_t rel = off - b->start_str;
	const char *s;

	if (!btfchk_local_ident(b, off, &s, NULL))
		return rel < b->strs_len && !b->strs[rel];
	ident_ok[rel / 8] |= (uint8_t)(1u << (rel % 8));
	return true;
}

/* Fast path: a member or parameter name, empty or an identifier (only a new one is a call). */
static inline bool btfchk_opt_ident_ok(const struct bw_btf *b, struct btfchk_tabs tb, uint32_t off)
{
	return !off || btfchk_ident_known(tb, off) || btfchk_opt_ident_mark(b, tb.ident_ok, off);
}

/* Strings are shared (members called "next" or "flags"): check each offset once. */
static bool btfchk_is_ident_memo(const struct bw_btfi_check *v, uint32_t off, const char *s)
{
	uint32_t rel = off - v->btf->start_str;
	bool ok;

	if (off < v->btf->start_str || !v->ident_ok)
		return btfchk_is_ident(v->btf, s, NULL);
	if (v->ident_ok[rel / 8] & (1u << (rel % 8)))
		return true;
	ok = btfchk_is_ident(v->btf, s, NULL);
	if (ok)
		v->ident_ok[rel / 8] |= (uint8_t)(1u << (rel % 8));
	return ok;
}

/* The failure of btfchk_name (kept out of its path: most names are fine). */
static int btfchk_name_fail(const struct bw_btfi_check *v, uint32_t id, const char *what,
			    int64_t idx, uint32_t off, const char *s, enum btfchk_name_rule rule)
{
	static const char *const why[] = {
		[BTFCHK_NAME_NONE] = "must be empty",
		[BTFCHK_NAME_ANY] = "is 512 bytes or longer",
		[BTFCHK_NAME_OPT_IDENT] = "is not a valid identifier",
		[BTFCHK_NAME_IDENT] = "is not a valid identifier",
		[BTFCHK_NAME_PRINTABLE] = "must be non-empty printable text",
	};
	struct btfchk_what w;

	if (!s)
		return btfchk_fail(v, id, BW_EFORMAT,
				   "%s name offset %u outside the string "
				   "section",
				   btfchk_what(&w, what, idx), off);
	return btfchk_fail(v, id, BW_EFORMAT, "%s name '%.64s' (offset %u) %s",
			   btfchk_what(&w, what, idx), s, off, why[rule]);
}

/*
 * Check the name at off by rule. With hash non-NULL, *hash gets its hash (for the index) and
 * *name the string.
 */
static int btfchk_name(const struct bw_btfi_check *v, uint32_t id, const char *what, int64_t idx,
		       uint32_t off, enum btfchk_name_rule rule, const char **name, uint32_t *hash)
{
	const struct bw_btf *b = v->btf;
	const char *s;
	bool ok = true;
	uint32_t h = 0;
	size_t len;

	/* Names of this blob: no walk down the bases. */
	s = btfchk_local_str(b, off);
	if (!s)
		s = bw_btf_str(b, off);
	if (!s)
		return btfchk_name_fail(v, id, what, idx, off, s, rule);
	switch (rule) {
	case BTFCHK_NAME_NONE:
		ok = !off;
		break;
	case BTFCHK_NAME_ANY:
		/* Any text, but not longer than other names: it is hashed for each type. */
		for (len = 0; len < BW_BTF_MAX_NAME_LEN && s[len]; len++)
			;
		ok = len < BW_BTF_MAX_NAME_LEN;
		h = hash && ok ? bw_btfi_hash(b, s) : 0;
		break;
	case BTFCHK_NAME_OPT_IDENT:
		ok = !*s || (hash ? btfchk_is_ident(b, s, &h) : btfchk_is_ident_memo(v, off, s));
		break;
	case BTFCHK_NAME_IDENT:
		ok = btfchk_is_ident(b, s, hash ? &h : NULL);
		break;
	case BTFCHK_NAME_PRINTABLE:
		ok = btfchk_is_printable(s);
		h = hash ? bw_btfi_hash(b, s) : 0;
		break;
	}
	if (!ok)
		return btfchk_name_fail(v, id, what, idx, off, s, rule);
	if (hash) {
		*hash = h;
		*name = s;
	}
	return 0;
}

/* ---- References ---- */

/* Check that ref (a type id, 0 allowed when void_ok) exists and may be referenced as `what`. */
/* Kinds a type may refer to (from a type: not FUNC, VAR, DATASEC or DECL_TAG). */
#define BTFCHK_TYPE_KINDS                                                                          \
	(((1u << (BW_KIND_MAX + 1)) - 1) &                                                         \
	 ~((1u << BW_KIND_UNKN) | (1u << BW_KIND_FUNC) | (1u << BW_KIND_VAR) |                     \
	   (1u << BW_KIND_DATASEC) | (1u << BW_KIND_DECL_TAG)))

/* Fast path: ref is a type of this blob of a kind that may be referenced. */
static inline bool btfchk_ref_known(struct btfchk_tabs tb, uint32_t ref)
{
	return ref - tb.start_id < tb.nr_types &&
	       ((BTFCHK_TYPE_KINDS >> tb.kinds[ref - tb.start_id]) & 1);
}

static int btfchk_ref(const struct bw_btfi_check *v, uint32_t id, const char *what_s, int64_t idx,
		      uint32_t ref, bool void_ok)
{
	uint32_t cnt = bw_btfi_type_cnt(v->btf);
	struct btfchk_what w;
	int kind;

	if (!ref && void_ok)
		return 0;
	if (ref && ref < cnt && ((BTFCHK_TYPE_KINDS >> bw_btfi_kind(v->btf, ref)) & 1))
		return 0;
	if (!ref)
		return btfchk_fail(v, id, BW_EFORMAT, "%s is void (type id 0)",
				   btfchk_what(&w, what_s, idx));
	if (ref >= cnt)
		return btfchk_fail(v, id, BW_EFORMAT,
				   "%s refers to type id %u, which does not "
				   "exist (type count %u)",
				   btfchk_what(&w, what_s, idx), ref, cnt);
	kind = bw_btfi_kind(v->btf, ref);
	return btfchk_fail(v, id, BW_EFORMAT, "%s refers to [%u], a %s, not a type",
			   btfchk_what(&w, what_s, idx), ref, bw_kind_name(kind));
}

static int btfchk_ref_kind(const struct bw_btfi_check *v, uint32_t id, const char *what_s,
			   int64_t idx, uint32_t ref, uint32_t kinds)
{
	uint32_t cnt = bw_btfi_type_cnt(v->btf);
	struct btfchk_what w;
	int kind;

	if (!ref || ref >= cnt)
		return btfchk_fail(v, id, BW_EFORMAT,
				   "%s refers to type id %u, which does not "
				   "exist (type count %u)",
				   btfchk_what(&w, what_s, idx), ref, cnt);
	kind = bw_btfi_kind(v->btf, ref);
	if (!(kinds & (1u << kind)))
		return btfchk_fail(v, id, BW_EFORMAT, "%s refers to [%u], a %s",
				   btfchk_what(&w, what_s, idx), ref, bw_kind_name(kind));
	return 0;
}

/* ---- Each record's own rules ---- */

static int btfchk_int(struct bw_btfi_check *v, uint32_t id, const uint8_t *t, uint32_t size)
{
	uint32_t data = bw_btfi_rd32(t + BW_BTF_TYPE_LEN);
	uint32_t enc = (data >> 24) & 0xf, off = (data >> 16) & 0xff, bits = data & 0xff;

	if (size != 1 && size != 2 && size != 4 && size != 8 && size != 16)
		return btfchk_fail(v, id, BW_EFORMAT, "size %u is not 1, 2, 4, 8 or 16", size);
	if (data & 0xf0000000u)
		return btfchk_fail(v, id, BW_EFORMAT, "int data 0x%08x has unknown bits set", data);
	if (enc && enc != BW_INT_SIGNED && enc != BW_INT_CHAR && enc != BW_INT_BOOL)
		return btfchk_fail(v, id, BW_EFORMAT, "unsupported int encoding 0x%x", enc);
	if (off + bits > 128)
		return btfchk_fail(v, id, BW_EFORMAT, "bits_offset %u + nr_bits %u exceeds 128",
				   off, bits);
	if ((off + bits + 7) / 8 > size)
		return btfchk_fail(v, id, BW_EFORMAT, "bits_offset %u + nr_bits %u exceeds size %u",
				   off, bits, size);
	if (!v->long_size && (size == 4 || size == 8)) {
		const char *name = bw_btfi_str(v->btf, bw_btfi_rd32(t));

		if (!strcmp(name, "long int") || !strcmp(name, "long unsigned int"))
			v->long_size = size;
	}
	return 0;
}

/*
 * Member i at m, by the rules in their order, for the failure's wording (or a name only the
 * general check accepts). last: the previous member's bits_offset, updated on success.
 */
static int btfchk_member(const struct bw_btfi_check *v, uint32_t id, const uint8_t *m, uint32_t i,
			 int kind, uint32_t bit_off, uint32_t size, uint64_t *last)
{
	uint32_t name_off = bw_btfi_rd32(m), type = bw_btfi_rd32(m + 4);
	int ret;

	if (name_off && !btfchk_opt_ident_ok(v->btf, btfchk_tabs_of(v), name_off)) {
		ret = btfchk_name(v, id, "member", i, name_off, BTFCHK_NAME_OPT_IDENT, NULL, NULL);
		if (ret)
			return ret;
	}
	if (!btfchk_ref_known(btfchk_tabs_of(v), type)) {
		ret = btfchk_ref(v, id, "member", i, type, false);
		if (ret)
			return ret;
	}
	if (kind == BW_KIND_UNION && bit_off)
		return btfchk_fail(v, id, BW_EFORMAT,
				   "member #%u '%.32s' of a union has "
				   "bits_offset %u, want 0",
				   i, bw_btfi_str(v->btf, name_off), bit_off);
	if (((uint64_t)bit_off + 7) / 8 > size)
		return btfchk_fail(v, id, BW_EFORMAT,
				   "member #%u '%.32s' bits_offset %u is "
				   "past the size %u",
				   i, bw_btfi_str(v->btf, name_off), bit_off, size);
	if (bit_off < *last)
		return btfchk_fail(v, id, BW_EFORMAT,
				   "member #%u '%.32s' bits_offset %u is "
				   "before the previous member's %llu",
				   i, bw_btfi_str(v->btf, name_off), bit_off,
				   (unsigned long long)*last);
	*last = bit_off;
	return 0;
}

static int btfchk_members(const struct bw_btfi_check *v, uint32_t id, const uint8_t *t, int kind,
			  uint32_t vlen, bool kflag, uint32_t size)
{
	const struct btfchk_tabs tb = btfchk_tabs_of(v);
	/*
	 * A bits_offset is fine in [last, max]: a union's are all 0, a struct's do not decrease
	 * and start within the size ((bit_off + 7) / 8 <= size). One unsigned compare tests both
	 * ends, as last <= max.
	 */
	uint64_t last = 0, max = kind == BW_KIND_UNION ? 0 : (uint64_t)size * 8;
	uint32_t i, off_mask = kflag ? 0xffffffu : 0xffffffffu;
	int ret;

	for (i = 0; i < vlen; i++) {
		const uint8_t *m = t + BW_BTF_TYPE_LEN + i * BW_BTF_MEMBER_LEN;
		uint32_t bit_off = bw_btfi_rd32(m + 8) & off_mask;

		if ((uint64_t)bit_off - last <= max - last &&
		    btfchk_opt_ident_ok(v->btf, tb, bw_btfi_rd32(m)) &&
		    btfchk_ref_known(tb, bw_btfi_rd32(m + 4))) {
			last = bit_off;
			continue;
		}
		ret = btfchk_member(v, id, m, i, kind, bit_off, size, &last);
		if (ret)
			return ret;
	}
	return 0;
}

static int btfchk_enum(const struct bw_btfi_check *v, uint32_t id, const uint8_t *t, int kind,
		       uint32_t vlen, uint32_t size)
{
	uint32_t i, step = kind == BW_KIND_ENUM ? BW_BTF_ENUM_LEN : BW_BTF_ENUM64_LEN;
	int ret;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return btfchk_fail(v, id, BW_EFORMAT, "size %u is not 1, 2, 4 or 8", size);
	for (i = 0; i < vlen; i++) {
		uint32_t off = bw_btfi_rd32(t + BW_BTF_TYPE_LEN + i * step), hash;
		const char *name;

		if (!btfchk_local_ident(v->btf, off, &name, &hash)) {
			ret = btfchk_name(v, id, "enumerator", i, off, BTFCHK_NAME_IDENT, &name,
					  &hash);
			if (ret)
				return ret;
		}
		bw_btfi_index_add_enumerator(v->btf, id - v->btf->start_id, i, hash);
	}
	return 0;
}

/* Parameter i at p of vlen, by the rules in their order (see btfchk_member). */
static int btfchk_param(const struct bw_btfi_check *v, uint32_t id, const uint8_t *p, uint32_t i,
			uint32_t vlen)
{
	uint32_t name_off = bw_btfi_rd32(p), type = bw_btfi_rd32(p + 4);
	int ret;

	if (name_off && !btfchk_opt_ident_ok(v->btf, btfchk_tabs_of(v), name_off)) {
		ret = btfchk_name(v, id, "parameter", i, name_off, BTFCHK_NAME_OPT_IDENT, NULL,
				  NULL);
		if (ret)
			return ret;
	}
	/* A last {0, 0} parameter is "...". */
	if ((i == vlen - 1 && !type && !name_off) || btfchk_ref_known(btfchk_tabs_of(v), type))
		return 0;
	return btfchk_ref(v, id, "parameter", i, type, false);
}

static BW_BTFI_INLINE int btfchk_func_proto(const struct bw_btfi_check *v, uint32_t id,
					    const uint8_t *t, uint32_t vlen, uint32_t ret_type)
{
	const struct btfchk_tabs tb = btfchk_tabs_of(v);
	uint32_t i;
	int ret;

	if (ret_type && !btfchk_ref_known(tb, ret_type)) {
		ret = btfchk_ref(v, id, "return type", -1, ret_type, true);
		if (ret)
			return ret;
	}
	for (i = 0; i < vlen; i++) {
		const uint8_t *p = t + BW_BTF_TYPE_LEN + i * BW_BTF_PARAM_LEN;

		/* The "..." (type 0) fails the fast path: btfchk_param accepts it. */
		if (btfchk_ref_known(tb, bw_btfi_rd32(p + 4)) &&
		    btfchk_opt_ident_ok(v->btf, tb, bw_btfi_rd32(p)))
			continue;
		ret = btfchk_param(v, id, p, i, vlen);
		if (ret)
			return ret;
	}
	return 0;
}

static int btfchk_datasec(const struct bw_btfi_check *v, uint32_t id, const uint8_t *t,
			  uint32_t vlen, uint32_t size)
{
	uint64_t last_end = 0;
	uint32_t i;
	int ret;

	if (!vlen)
		return btfchk_fail(v, id, BW_EFORMAT, "has no variables (vlen 0)");
	for (i = 0; i < vlen; i++) {
		const uint8_t *s = t + BW_BTF_TYPE_LEN + i * BW_BTF_SECINFO_LEN;
		uint32_t type = bw_btfi_rd32(s), off = bw_btfi_rd32(s + 4);
		uint32_t vsize = bw_btfi_rd32(s + 8);
		ret = btfchk_ref_kind(v, id, "variable", i, type,
				      (1u << BW_KIND_VAR) | (1u << BW_KIND_FUNC));
		if (ret)
			return ret;
		/* An unlinked object file's sections have size 0 and offsets still unset. */
		if (!size)
			continue;
		if (off < last_end || !vsize || (uint64_t)off + vsize > size)
			return btfchk_fail(v, id, BW_EFORMAT,
					   "variable #%u [%u] at offset %u size %u "
					   "does not fit after %llu within the section size %u",
					   i, type, off, vsize, (unsigned long long)last_end, size);
		last_end = (uint64_t)off + vsize;
	}
	return 0;
}

static int btfchk_decl_tag(const struct bw_btfi_check *v, uint32_t id, const uint8_t *t,
			   uint32_t target)
{
	int32_t idx;
	uint32_t raw = bw_btfi_rd32(t + BW_BTF_TYPE_LEN);

	memcpy(&idx, &raw, sizeof(idx));
	if (idx < -1)
		return btfchk_fail(v, id, BW_EFORMAT, "component_idx %d is below -1", idx);
	return btfchk_ref_kind(v, id, "tagged declaration", -1, target,
			       (1u << BW_KIND_STRUCT) | (1u << BW_KIND_UNION) |
				       (1u << BW_KIND_VAR) | (1u << BW_KIND_FUNC) |
				       (1u << BW_KIND_TYPEDEF));
}

/* Which kinds may set kind_flag. */
#define BTFCHK_KFLAG_KINDS                                                                         \
	((1u << BW_KIND_STRUCT) | (1u << BW_KIND_UNION) | (1u << BW_KIND_ENUM) |                   \
	 (1u << BW_KIND_ENUM64) | (1u << BW_KIND_FWD) | (1u << BW_KIND_DECL_TAG) |                 \
	 (1u << BW_KIND_TYPE_TAG))
/* Which kinds have members/values/params/vars counted by vlen (FUNC's vlen is its linkage). */
#define BTFCHK_VLEN_KINDS                                                                          \
	((1u << BW_KIND_STRUCT) | (1u << BW_KIND_UNION) | (1u << BW_KIND_ENUM) |                   \
	 (1u << BW_KIND_ENUM64) | (1u << BW_KIND_FUNC_PROTO) | (1u << BW_KIND_DATASEC) |           \
	 (1u << BW_KIND_FUNC))

/* The rule for the name of a type of each kind. */
static enum btfchk_name_rule btfchk_name_rule_of(int kind)
{
	switch (kind) {
	case BW_KIND_INT:
	case BW_KIND_FLOAT:
		return BTFCHK_NAME_ANY;
	case BW_KIND_PTR:
	case BW_KIND_CONST:
	case BW_KIND_VOLATILE:
	case BW_KIND_RESTRICT:
	case BW_KIND_ARRAY:
	case BW_KIND_FUNC_PROTO:
		return BTFCHK_NAME_NONE;
	case BW_KIND_STRUCT:
	case BW_KIND_UNION:
	case BW_KIND_ENUM:
	case BW_KIND_ENUM64:
		return BTFCHK_NAME_OPT_IDENT;
	case BW_KIND_TYPE_TAG:
	case BW_KIND_DATASEC:
	case BW_KIND_DECL_TAG:
		return BTFCHK_NAME_PRINTABLE;
	default: /* TYPEDEF FWD FUNC VAR */
		return BTFCHK_NAME_IDENT;
	}
}

/* The record of type id, at t. */
/*
 * The commonest records when they are fine (in a vmlinux: functions 44%, prototypes 23%,
 * pointers 12%), by the same rules as btfchk_type without its dispatch on rules and kinds.
 * False: let btfchk_type decide (and word the failure). Marks and names added here are those
 * btfchk_type would add, and only on success.
 */
static inline bool btfchk_common_ok(struct bw_btfi_check *v, uint32_t id, const uint8_t *t)
{
	const struct bw_btf *b = v->btf;
	uint32_t name_off = bw_btfi_rd32(t), info = bw_btfi_rd32(t + 4);
	uint32_t st = bw_btfi_rd32(t + 8), hash;
	const char *name;

	/* The whole info word: kind, no kind_flag, no unknown bits, vlen (linkage) in range. */
	switch (info) {
	case (uint32_t)BW_KIND_FUNC << 24:
	case (uint32_t)BW_KIND_FUNC << 24 | 1:
	case (uint32_t)BW_KIND_FUNC << 24 | 2:
		if (st - b->start_id >= b->nr_types ||
		    b->kinds[st - b->start_id] != BW_KIND_FUNC_PROTO ||
		    !btfchk_local_ident(b, name_off, &name, &hash))
			return false;
		bw_btfi_index_add_name(v->btf, id - b->start_id, hash);
		return true;
	case (uint32_t)BW_KIND_PTR << 24:
		return !name_off && (!st || btfchk_ref_known(btfchk_tabs_of(v), st));
	}
	if ((info & 0xffff0000u) == (uint32_t)BW_KIND_FUNC_PROTO << 24 && !name_off)
		return !btfchk_func_proto(v, id, t, bw_btfi_info_vlen(info), st);
	return false;
}

BTFCHK_NOINLINE static int btfchk_type(struct bw_btfi_check *v, uint32_t id, const uint8_t *t)
{
	const struct bw_btf *b = v->btf;
	uint32_t name_off = bw_btfi_rd32(t), info = bw_btfi_rd32(t + 4);
	uint32_t st = bw_btfi_rd32(t + 8), hash;
	enum btfchk_name_rule rule;
	const char *name;
	uint32_t vlen = bw_btfi_info_vlen(info);
	bool kflag = bw_btfi_info_kflag(info);
	int kind = bw_btfi_info_kind(info), ret;

	if (info & ~BW_BTF_INFO_MASK)
		return btfchk_fail(v, id, BW_EFORMAT, "info 0x%08x has unknown bits set", info);
	if (kflag && !(BTFCHK_KFLAG_KINDS & (1u << kind)))
		return btfchk_fail(v, id, BW_EFORMAT, "kind_flag set on a kind without one");
	if (vlen && !(BTFCHK_VLEN_KINDS & (1u << kind)))
		return btfchk_fail(v, id, BW_EFORMAT, "vlen %u on a kind without one", vlen);
	rule = btfchk_name_rule_of(kind);
	/* Most named types are functions or structs: an identifier of this blob, checked here. */
	if ((rule == BTFCHK_NAME_IDENT || (rule == BTFCHK_NAME_OPT_IDENT && name_off)) &&
	    btfchk_local_ident(b, name_off, &name, &hash)) {
		bw_btfi_index_add_name(v->btf, id - b->start_id, hash);
	} else if (name_off || rule >= BTFCHK_NAME_IDENT) {
		/* Anonymous types (prototypes, pointers, modifiers: half of them) need no check. */
		ret = btfchk_name(v, id, "type", -1, name_off, rule, &name, &hash);
		if (ret)
			return ret;
		if (*name)
			bw_btfi_index_add_name(v->btf, id - b->start_id, hash);
	}

	switch (kind) {
	case BW_KIND_INT:
		return btfchk_int(v, id, t, st);
	case BW_KIND_FLOAT:
		if (st != 2 && st != 4 && st != 8 && st != 12 && st != 16)
			return btfchk_fail(v, id, BW_EFORMAT, "size %u is not 2, 4, 8, 12 or 16",
					   st);
		return 0;
	case BW_KIND_PTR:
	case BW_KIND_CONST:
	case BW_KIND_VOLATILE:
	case BW_KIND_RESTRICT:
	case BW_KIND_TYPEDEF:
	case BW_KIND_TYPE_TAG:
		return !st || btfchk_ref_known(btfchk_tabs_of(v), st)
			       ? 0
			       : btfchk_ref(v, id, "type", -1, st, true);
	case BW_KIND_ARRAY:
		if (st)
			return btfchk_fail(v, id, BW_EFORMAT, "size/type field %u, want 0", st);
		ret = btfchk_ref(v, id, "element type", -1, bw_btfi_rd32(t + BW_BTF_TYPE_LEN),
				 false);
		return ret ? ret
			   : btfchk_ref(v, id, "index type", -1,
					bw_btfi_rd32(t + BW_BTF_TYPE_LEN + 4), false);
	case BW_KIND_STRUCT:
	case BW_KIND_UNION:
		return btfchk_members(v, id, t, kind, vlen, kflag, st);
	case BW_KIND_ENUM:
	case BW_KIND_ENUM64:
		return btfchk_enum(v, id, t, kind, vlen, st);
	case BW_KIND_FWD:
		if (st)
			return btfchk_fail(v, id, BW_EFORMAT, "size/type field %u, want 0", st);
		return 0;
	case BW_KIND_FUNC:
		if (vlen > 2)
			return btfchk_fail(v, id, BW_EFORMAT,
					   "linkage %u is not static (0), global "
					   "(1) or extern (2)",
					   vlen);
		if (st - v->btf->start_id < v->btf->nr_types &&
		    v->btf->kinds[st - v->btf->start_id] == BW_KIND_FUNC_PROTO)
			return 0;
		return btfchk_ref_kind(v, id, "prototype", -1, st, 1u << BW_KIND_FUNC_PROTO);
	case BW_KIND_FUNC_PROTO:
		return btfchk_func_proto(v, id, t, vlen, st);
	case BW_KIND_VAR:
		if (bw_btfi_rd32(t + BW_BTF_TYPE_LEN) > 2)
			return btfchk_fail(v, id, BW_EFORMAT,
					   "linkage %u is not static (0), global "
					   "(1) or extern (2)",
					   bw_btfi_rd32(t + BW_BTF_TYPE_LEN));
		return btfchk_ref(v, id, "type", -1, st, false);
	case BW_KIND_DATASEC:
		return btfchk_datasec(v, id, t, vlen, st);
	case BW_KIND_DECL_TAG:
		return btfchk_decl_tag(v, id, t, st);
	}
	return btfchk_fail(v, id, BW_EFORMAT, "unknown kind %d", kind);
}

int bw_btfi_check_types(struct bw_btfi_check *v)
{
	const struct bw_btf *b = v->btf;
	/* In locals: the checks' stores (marks, index entries) could alias the fields. */
	const uint8_t *types = b->types;
	const uint32_t *offs = b->offs;
	const char *strs = b->strs;
	uint32_t i, j, n = b->nr_types, start_id = b->start_id, start_str = b->start_str;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		const uint8_t *t = types + offs[i];

		/*
		 * Overlap the cache misses on names: fetch the name of a type a few ahead. A
		 * prefetch never faults, so an offset out of range needs no test: the address
		 * is computed as an integer.
		 */
		j = i + BTFCHK_PREFETCH_AHEAD < n ? i + BTFCHK_PREFETCH_AHEAD : i;
		BW_BTFI_PREFETCH((const void *)((uintptr_t)strs +
						(bw_btfi_rd32(types + offs[j]) - start_str)));
		if (!btfchk_common_ok(v, start_id + i, t))
			ret = btfchk_type(v, start_id + i, t);
	}
	return ret;
}

#undef btfchk_fail
#undef BTFCHK_TYPE_KINDS
#undef BTFCHK_PREFETCH_AHEAD
#undef BTFCHK_NOINLINE
#undef BTFCHK_KFLAG_KINDS
#undef BTFCHK_VLEN_KINDS
