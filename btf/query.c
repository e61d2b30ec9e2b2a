/* SPDX-License-Identifier: MIT */
/* Questions a memory walker asks: names, sizes, alignment, members, paths, enums, sections. */
#include "btf_impl.h"

static int btfq_check_id(const struct bw_btf *btf, uint32_t id, struct bw_error *err)
{
	if (!btf)
		return bw_fail(err, BW_EINVAL, "BTF: NULL btf");
	if (id >= bw_btfi_type_cnt(btf))
		return bw_fail(err, BW_ENOENT, "BTF: type id %u out of range (type count %u)", id,
			       bw_btfi_type_cnt(btf));
	return 0;
}

/* Visit the names index of every blob in the chain, base first (so lower ids first). */
static int btfq_names_each(const struct bw_btf *btf, const char *name,
			   int (*fn)(void *ctx, uint32_t id), void *ctx)
{
	const struct bw_btf *b;
	unsigned int levels = 0, lvl, k;
	int ret;

	for (b = btf; b; b = b->base)
		levels++;
	for (lvl = levels; lvl-- > 0;) {
		for (b = btf, k = 0; k < lvl; k++)
			b = b->base;
		ret = bw_btfi_names_each(b, name, fn, ctx);
		if (ret)
			return ret;
	}
	return 0;
}

struct btfq_find {
	const struct bw_btf *btf;
	int kind;
	uint32_t id;
};

static int btfq_find_one(void *ctx, uint32_t id)
{
	struct btfq_find *f = ctx;

	if (f->kind != BW_KIND_UNKN && bw_btfi_kind(f->btf, id) != f->kind)
		return 0;
	f->id = id;
	return 1;
}

int bw_btf_find(const struct bw_btf *btf, const char *name, int kind, uint32_t *id,
		struct bw_error *err)
{
	struct btfq_find f = { .btf = btf, .kind = kind };

	if (!btf || !name || !id)
		return bw_fail(err, BW_EINVAL, "BTF find: NULL argument");
	if (kind < 0 || kind > BW_KIND_MAX)
		return bw_fail(err, BW_EINVAL, "BTF find: bad kind %d for '%.64s'", kind, name);
	if (!btfq_names_each(btf, name, btfq_find_one, &f)) {
		if (kind == BW_KIND_UNKN)
			return bw_fail(err, BW_ENOENT, "BTF: no type named '%.64s'", name);
		return bw_fail(err, BW_ENOENT, "BTF: no %s named '%.64s'", bw_kind_name(kind),
			       name);
	}
	*id = f.id;
	return 0;
}

struct btfq_find_all {
	uint32_t *ids;
	size_t max;
	size_t count;
};

static int btfq_find_all_one(void *ctx, uint32_t id)
{
	struct btfq_find_all *f = ctx;

	if (f->count < f->max)
		f->ids[f->count] = id;
	f->count++;
	return 0;
}

size_t bw_btf_find_all(const struct bw_btf *btf, const char *name, uint32_t *ids, size_t max)
{
	struct btfq_find_all f = { .ids = ids, .max = ids ? max : 0 };

	if (!btf || !name)
		return 0;
	btfq_names_each(btf, name, btfq_find_all_one, &f);
	return f.count;
}

int bw_btf_resolve(const struct bw_btf *btf, uint32_t id, uint32_t *out, struct bw_error *err)
{
	uint32_t start = id, hops;
	int ret = btfq_check_id(btf, id, err);

	if (ret)
		return ret;
	for (hops = 0; id && bw_btfi_is_modifier(bw_btfi_kind(btf, id)); hops++) {
		if (hops == BW_BTF_MAX_RESOLVE_DEPTH)
			return bw_fail(err, BW_ELIMIT, "BTF: [%u] has more than %u typedef/modifier "
				       "hops", start, BW_BTF_MAX_RESOLVE_DEPTH);
		id = bw_btfi_rd32(bw_btfi_rec(btf, id) + 8);
	}
	*out = id;
	return 0;
}

int bw_btfi_sizeof(const struct bw_btf *btf, uint32_t id, uint64_t *size, struct bw_error *err)
{
	const struct bw_btf *o;

	if (!id)
		return bw_fail(err, BW_EINVAL, "BTF: sizeof void");
	o = bw_btfi_owner(btf, id);
	if (o->facts[id - o->start_id].size == BW_BTFI_NO_SIZE)
		return bw_fail(err, BW_EINVAL, "BTF: sizeof [%u]: a %s has no size", id,
			       bw_kind_name(bw_btfi_kind(btf, id)));
	*size = o->facts[id - o->start_id].size;
	return 0;
}

int bw_btf_sizeof(const struct bw_btf *btf, uint32_t id, uint64_t *size, struct bw_error *err)
{
	int ret = btfq_check_id(btf, id, err);

	if (ret)
		return ret;
	if (!size)
		return bw_fail(err, BW_EINVAL, "BTF sizeof: NULL output");
	return bw_btfi_sizeof(btf, id, size, err);
}

int bw_btf_alignof(const struct bw_btf *btf, uint32_t id, uint64_t *align, struct bw_error *err)
{
	const struct bw_btf *o;
	uint8_t lg;
	int ret = btfq_check_id(btf, id, err);

	if (ret)
		return ret;
	if (!id)
		return bw_fail(err, BW_EINVAL, "BTF: alignof void");
	o = bw_btfi_owner(btf, id);
	lg = o->facts[id - o->start_id].align_log2;
	if (lg == BW_BTFI_NO_ALIGN)
		return bw_fail(err, BW_EINVAL, "BTF: alignof [%u]: a %s has no alignment", id,
			       bw_kind_name(bw_btfi_kind(btf, id)));
	*align = (uint64_t)1 << lg;
	return 0;
}

/* Resolve id and check it is a STRUCT or UNION; *rec gets its record. */
static int btfq_composite(const struct bw_btf *btf, uint32_t id, uint32_t *rid,
			  const uint8_t **rec, struct bw_error *err)
{
	int ret = bw_btf_resolve(btf, id, rid, err), kind;

	if (ret)
		return ret;
	kind = bw_btfi_kind(btf, *rid);
	if (kind != BW_KIND_STRUCT && kind != BW_KIND_UNION)
		return bw_fail(err, BW_EINVAL, "BTF: [%u] is a %s, not a struct or union", *rid,
			       bw_kind_name(kind));
	*rec = bw_btfi_rec(btf, *rid);
	return 0;
}

struct btfq_frame {
	const uint8_t *rec;
	uint32_t next;
	uint64_t base_bit;
};

int bw_btf_member_find(const struct bw_btf *btf, uint32_t id, const char *name,
		       struct bw_member_loc *out, struct bw_error *err)
{
	struct btfq_frame stack[BW_BTF_MAX_PATH_DEPTH];
	uint32_t rid, depth = 1, visits = 0;
	int ret;

	if (!name || !*name || !out)
		return bw_fail(err, BW_EINVAL, "BTF member: empty name or NULL output");
	ret = btfq_check_id(btf, id, err);
	if (!ret)
		ret = btfq_composite(btf, id, &rid, &stack[0].rec, err);
	if (ret)
		return ret;
	stack[0].next = 0;
	stack[0].base_bit = 0;
	while (depth) {
		struct btfq_frame *f = &stack[depth - 1];
		uint32_t info = bw_btfi_rd32(f->rec + 4), off, bit_off, bf_size, mrid;
		const uint8_t *m, *mrec;
		const char *mname;

		if (f->next >= bw_btfi_info_vlen(info)) {
			depth--;
			continue;
		}
		/* One anonymous struct may appear many times over: bound the whole search. */
		if (++visits > BW_BTF_MAX_MEMBER_VISITS)
			return bw_fail(err, BW_ELIMIT, "BTF: [%u] has more than %u members to look "
				       "at, anonymous members' included", rid,
				       BW_BTF_MAX_MEMBER_VISITS);
		m = f->rec + BW_BTF_TYPE_LEN + (size_t)f->next++ * BW_BTF_MEMBER_LEN;
		off = bw_btfi_rd32(m + 8);
		bit_off = bw_btfi_info_kflag(info) ? off & 0xffffff : off;
		bf_size = bw_btfi_info_kflag(info) ? off >> 24 : 0;
		mname = bw_btfi_str(btf, bw_btfi_rd32(m));
		if (*mname) {
			if (strcmp(mname, name))
				continue;
			out->type = bw_btfi_rd32(m + 4);
			out->bit_offset = f->base_bit + bit_off;
			out->byte_offset = out->bit_offset / 8;
			out->bitfield_size = bf_size;
			return 0;
		}
		/* An anonymous member: look inside it if it is a struct or union. */
		if (btfq_composite(btf, bw_btfi_rd32(m + 4), &mrid, &mrec, NULL))
			continue;
		if (depth == BW_BTF_MAX_PATH_DEPTH)
			return bw_fail(err, BW_ELIMIT, "BTF: [%u] nests anonymous members deeper "
				       "than %u", rid, BW_BTF_MAX_PATH_DEPTH);
		stack[depth].rec = mrec;
		stack[depth].next = 0;
		stack[depth].base_bit = f->base_bit + bit_off;
		depth++;
	}
	return bw_fail(err, BW_ENOENT, "BTF: [%u] '%.64s' has no member '%.64s'", rid,
		       bw_btfi_str(btf, bw_btfi_rd32(stack[0].rec)), name);
}

static bool btfq_is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* Parse "[N]" at *p (decimal or 0x hex); advances *p. */
static int btfq_parse_index(const char *path, const char **p, uint64_t *n, struct bw_error *err)
{
	const char *s = *p + 1;
	unsigned int base = 10, digits = 0;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++, digits++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return bw_fail(err, BW_EINVAL, "BTF path '%.64s': index at column %zu is too "
				       "large", path, (size_t)(*p - path));
		v = v * base + d;
	}
	if (!digits || *s != ']')
		return bw_fail(err, BW_EINVAL, "BTF path '%.64s': bad index at column %zu", path,
			       (size_t)(*p - path));
	*p = s + 1;
	*n = v;
	return 0;
}

static int btfq_path_index(const struct bw_btf *btf, const char *path, const char **p,
			   bool after_index, struct bw_member_loc *loc, struct bw_error *err)
{
	uint64_t n = 0, elem_size, add;
	uint32_t rid;
	const uint8_t *rec;
	int ret;

	ret = btfq_parse_index(path, p, &n, err);
	if (!ret)
		ret = bw_btf_resolve(btf, loc->type, &rid, err);
	if (ret)
		return ret;
	/* pahole writes a multi-dimensional array as one flat array: say so when it shows. */
	if (bw_btfi_kind(btf, rid) != BW_KIND_ARRAY)
		return bw_fail(err, BW_EINVAL, "BTF path '%.64s': [%u] is a %s, not an array%s", path,
			       rid, bw_kind_name(bw_btfi_kind(btf, rid)),
			       after_index ? " (this BTF may flatten multi-dimensional arrays: "
					     "use one index)"
					   : "");
	rec = bw_btfi_rec(btf, rid);
	if (n >= bw_btfi_rd32(rec + BW_BTF_TYPE_LEN + 8))
		return bw_fail(err, BW_EINVAL, "BTF path '%.64s': index %llu is past the %u "
			       "elements of [%u]", path, (unsigned long long)n,
			       bw_btfi_rd32(rec + BW_BTF_TYPE_LEN + 8), rid);
	loc->type = bw_btfi_rd32(rec + BW_BTF_TYPE_LEN);
	ret = bw_btfi_sizeof(btf, loc->type, &elem_size, err);
	if (ret)
		return ret;
	if (bw_mul_overflow(n, elem_size, &add) || bw_mul_overflow(add, 8, &add) ||
	    bw_add_overflow(loc->bit_offset, add, &loc->bit_offset))
		return bw_fail(err, BW_ELIMIT, "BTF path '%.64s': offset overflows", path);
	loc->bitfield_size = 0;
	return 0;
}

int bw_btf_path(const struct bw_btf *btf, uint32_t id, const char *path,
		struct bw_member_loc *out, struct bw_error *err)
{
	struct bw_member_loc loc = { .type = id };
	const char *p = path;
	unsigned int comps = 0;
	int ret;

	if (!path || !*path || !out)
		return bw_fail(err, BW_EINVAL, "BTF path: empty path or NULL output");
	ret = btfq_check_id(btf, id, err);
	if (ret)
		return ret;
	for (comps = *p != '['; *p; p++)
		comps += *p == '.' || *p == '[';
	if (comps > BW_BTF_MAX_PATH_DEPTH)
		return bw_fail(err, BW_ELIMIT, "BTF path '%.64s': more than %u components", path,
			       BW_BTF_MAX_PATH_DEPTH);
	for (p = path, comps = 0; *p; comps++) {
		if (*p == '[') {
			ret = btfq_path_index(btf, path, &p, p > path && p[-1] == ']', &loc, err);
		} else {
			struct bw_member_loc m;
			char name[BW_BTF_MAX_NAME_LEN];
			size_t len = 0;

			if (comps > 0 && *p++ != '.')
				return bw_fail(err, BW_EINVAL, "BTF path '%.64s': expected '.' or '[' "
					       "at column %zu", path, (size_t)(p - 1 - path));
			while (btfq_is_name_char(p[len]) && len < sizeof(name) - 1)
				len++;
			if (!len || btfq_is_name_char(p[len]))
				return bw_fail(err, BW_EINVAL, "BTF path '%.64s': bad member name at "
					       "column %zu", path, (size_t)(p - path));
			memcpy(name, p, len);
			name[len] = 0;
			p += len;
			ret = bw_btf_member_find(btf, loc.type, name, &m, err);
			if (ret)
				return ret;
			loc.type = m.type;
			loc.bitfield_size = m.bitfield_size;
			if (bw_add_overflow(loc.bit_offset, m.bit_offset, &loc.bit_offset))
				return bw_fail(err, BW_ELIMIT, "BTF path '%.64s': offset overflows",
					       path);
		}
		if (ret)
			return ret;
	}
	loc.byte_offset = loc.bit_offset / 8;
	*out = loc;
	return 0;
}

/* ---- Enums ---- */

static int btfq_enum_rec(const struct bw_btf *btf, uint32_t id, uint32_t *rid,
			 struct bw_error *err)
{
	int ret = bw_btf_resolve(btf, id, rid, err), kind;

	if (ret)
		return ret;
	kind = bw_btfi_kind(btf, *rid);
	if (kind != BW_KIND_ENUM && kind != BW_KIND_ENUM64)
		return bw_fail(err, BW_EINVAL, "BTF: [%u] is a %s, not an enum", *rid,
			       bw_kind_name(kind));
	return 0;
}

struct btfq_enum_find {
	const struct bw_btf *btf;
	struct bw_enumerator *out;
};

static int btfq_enum_found(void *ctx, uint32_t id, uint32_t idx)
{
	struct btfq_enum_find *f = ctx;

	return bw_btf_enumerator(f->btf, id, idx, f->out, NULL) ? 0 : 1;
}

int bw_btf_enum_value(const struct bw_btf *btf, uint32_t id, const char *name,
		      struct bw_enumerator *out, struct bw_error *err)
{
	uint32_t rid, i, vlen;
	int ret;

	if (!name || !out)
		return bw_fail(err, BW_EINVAL, "BTF enum: NULL name or output");
	ret = btfq_check_id(btf, id, err);
	if (ret)
		return ret;
	if (id == 0) {
		struct btfq_enum_find f = { .btf = btf, .out = out };
		const struct bw_btf *b;
		unsigned int levels = 0, lvl, k;

		for (b = btf; b; b = b->base)
			levels++;
		for (lvl = levels; lvl-- > 0;) {
			for (b = btf, k = 0; k < lvl; k++)
				b = b->base;
			if (bw_btfi_enumerators_each(b, name, btfq_enum_found, &f))
				return 0;
		}
		return bw_fail(err, BW_ENOENT, "BTF: no enumerator named '%.64s'", name);
	}
	ret = btfq_enum_rec(btf, id, &rid, err);
	if (ret)
		return ret;
	vlen = bw_btfi_info_vlen(bw_btfi_info(btf, rid));
	for (i = 0; i < vlen; i++) {
		ret = bw_btf_enumerator(btf, rid, i, out, err);
		if (ret)
			return ret;
		if (!strcmp(out->name, name))
			return 0;
	}
	return bw_fail(err, BW_ENOENT, "BTF: enum [%u] '%.64s' has no enumerator '%.64s'", rid,
		       bw_btfi_str(btf, bw_btfi_rd32(bw_btfi_rec(btf, rid))), name);
}

const char *bw_btf_enum_name(const struct bw_btf *btf, uint32_t id, int64_t value)
{
	struct bw_enumerator e;
	uint32_t rid, i, vlen, size;
	uint64_t mask;

	if (!btf || id == 0 || id >= bw_btfi_type_cnt(btf) || btfq_enum_rec(btf, id, &rid, NULL))
		return NULL;
	vlen = bw_btfi_info_vlen(bw_btfi_info(btf, rid));
	size = bw_btfi_rd32(bw_btfi_rec(btf, rid) + 8);
	/* Compare in the enum's own width, so a value read from memory matches either way. */
	mask = size >= 8 ? UINT64_MAX : ((uint64_t)1 << (size * 8)) - 1;
	for (i = 0; i < vlen; i++) {
		if (bw_btf_enumerator(btf, rid, i, &e, NULL))
			return NULL;
		if ((e.uvalue & mask) == ((uint64_t)value & mask))
			return e.name;
	}
	return NULL;
}

/* ---- Sections ---- */

struct btfq_datasec_find {
	const struct bw_btf *btf;
	const char *var_name;
	struct bw_secinfo *out;
	bool seen; /* a DATASEC of that name exists */
};

/* Look for the variable in DATASEC id (sections of one name may repeat: try each). */
static int btfq_datasec_one(void *ctx, uint32_t id)
{
	struct btfq_datasec_find *f = ctx;
	uint32_t i, vlen;

	if (bw_btfi_kind(f->btf, id) != BW_KIND_DATASEC)
		return 0;
	f->seen = true;
	vlen = bw_btfi_info_vlen(bw_btfi_info(f->btf, id));
	for (i = 0; i < vlen; i++) {
		struct bw_secinfo si;

		if (bw_btf_secinfo(f->btf, id, i, &si, NULL))
			return 0;
		if (!strcmp(bw_btfi_str(f->btf, bw_btfi_rd32(bw_btfi_rec(f->btf, si.type))),
			    f->var_name)) {
			*f->out = si;
			return 1;
		}
	}
	return 0;
}

int bw_btf_datasec_var(const struct bw_btf *btf, const char *sec_name, const char *var_name,
		       struct bw_secinfo *out, struct bw_error *err)
{
	struct btfq_datasec_find f = { .btf = btf, .var_name = var_name, .out = out };

	if (!btf || !sec_name || !var_name || !out)
		return bw_fail(err, BW_EINVAL, "BTF datasec: NULL argument");
	if (btfq_names_each(btf, sec_name, btfq_datasec_one, &f))
		return 0;
	if (!f.seen)
		return bw_fail(err, BW_ENOENT, "BTF: no DATASEC named '%.64s'", sec_name);
	return bw_fail(err, BW_ENOENT, "BTF: section '%.64s' has no variable '%.64s'", sec_name,
		       var_name);
}
