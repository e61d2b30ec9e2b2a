/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>
#include "btf_queries.h"
#include "support.h"

#define FIND_ALL_MAX 16
#define PATH_MAX_COMPONENTS 6

static bool mul_overflow(uint64_t a, uint64_t b, uint64_t *out)
{
	if (a && b > UINT64_MAX / a)
		return true;
	*out = a * b;
	return false;
}

static bool is_modifier(int kind)
{
	return kind == BW_KIND_TYPEDEF || kind == BW_KIND_CONST || kind == BW_KIND_VOLATILE ||
	       kind == BW_KIND_RESTRICT || kind == BW_KIND_TYPE_TAG;
}

/* Name lookups must find the type they were given the name of (or a lower id of that name). */
static void check_find(const struct bw_btf *btf, const struct bw_type *t)
{
	struct bw_error err;
	struct bw_type found;
	uint32_t id, ids[FIND_ALL_MAX];
	size_t n, i;
	bool seen = false;
	int rc;

	if (!t->name[0])
		return;
	FUZZ_ASSERT_OK(bw_btf_find(btf, t->name, t->kind, &id, &err), &err);
	FUZZ_ASSERT(id <= t->id);
	FUZZ_ASSERT_OK(bw_btf_type(btf, id, &found, &err), &err);
	FUZZ_ASSERT(found.kind == t->kind && strcmp(found.name, t->name) == 0);

	rc = bw_btf_find(btf, t->name, BW_KIND_UNKN, &id, &err);
	FUZZ_ASSERT(rc == 0 && id <= t->id);

	n = bw_btf_find_all(btf, t->name, ids, FIND_ALL_MAX);
	FUZZ_ASSERT(n >= 1);
	for (i = 0; i < n && i < FIND_ALL_MAX; i++) {
		FUZZ_ASSERT(i == 0 || ids[i - 1] < ids[i]);
		FUZZ_ASSERT_OK(bw_btf_type(btf, ids[i], &found, &err), &err);
		FUZZ_ASSERT(strcmp(found.name, t->name) == 0);
		seen |= ids[i] == t->id;
	}
	FUZZ_ASSERT(seen || n > FIND_ALL_MAX);
}

static void check_layout(const struct bw_btf *btf, const struct bw_type *t)
{
	struct bw_error err;
	struct bw_type r;
	uint64_t size, align;
	uint32_t rid;
	int rc;

	rc = bw_btf_resolve(btf, t->id, &rid, &err);
	if (rc == 0) {
		FUZZ_ASSERT_OK(bw_btf_type(btf, rid, &r, &err), &err);
		FUZZ_ASSERT(!is_modifier(r.kind));
	} else {
		fuzz_check_error(rc, &err);
	}
	rc = bw_btf_sizeof(btf, t->id, &size, &err);
	if (rc == 0) {
		if (t->kind == BW_KIND_INT || t->kind == BW_KIND_STRUCT ||
		    t->kind == BW_KIND_UNION || t->kind == BW_KIND_ENUM || t->kind == BW_KIND_FLOAT)
			FUZZ_ASSERT(size == t->size);
	} else {
		fuzz_check_error(rc, &err);
	}
	rc = bw_btf_alignof(btf, t->id, &align, &err);
	if (rc == 0)
		FUZZ_ASSERT(align > 0 && (align & (align - 1)) == 0);
	else
		fuzz_check_error(rc, &err);
}

/* Append name (and [last] for each array dimension) to path; false when it does not fit. */
static bool path_append(char *path, size_t cap, const char *name, size_t *used)
{
	int n = snprintf(path + *used, cap - *used, "%s%s", *used ? "." : "", name);

	if (n < 0 || (size_t)n >= cap - *used)
		return false;
	*used += (size_t)n;
	return true;
}

/* Build a path from the struct's own members, descending into structs and arrays, and look it up.
 * A path made of members that exist must resolve unless an earlier member shadows a name. */
static void check_path(const struct bw_btf *btf, uint32_t id, uint32_t seed)
{
	char path[512];
	size_t used = 0;
	uint32_t cur = id;
	struct bw_error err;
	struct bw_member_loc loc;
	int rc;

	path[0] = '\0';
	for (int depth = 0; depth < PATH_MAX_COMPONENTS; depth++) {
		struct bw_type t;
		struct bw_member m;
		struct bw_array arr;

		if (bw_btf_resolve(btf, cur, &cur, &err) || bw_btf_type(btf, cur, &t, &err))
			break;
		if (t.kind != BW_KIND_STRUCT && t.kind != BW_KIND_UNION)
			break;
		if (t.vlen == 0 || bw_btf_member(btf, cur, (seed + depth) % t.vlen, &m, &err))
			break;
		if (!m.name[0] || !path_append(path, sizeof(path), m.name, &used))
			break;
		cur = m.type;
		for (int dim = 0; dim < 4; dim++) {
			int n;

			if (bw_btf_resolve(btf, cur, &cur, &err) ||
			    bw_btf_array(btf, cur, &arr, &err))
				break;
			if (arr.nelems == 0)
				break;
			n = snprintf(path + used, sizeof(path) - used, "[%u]", arr.nelems - 1);
			if (n < 0 || (size_t)n >= sizeof(path) - used)
				break;
			used += (size_t)n;
			cur = arr.type;
		}
	}
	if (!used)
		return;
	rc = bw_btf_path(btf, id, path, &loc, &err);
	if (rc == 0)
		FUZZ_ASSERT(loc.byte_offset == loc.bit_offset / 8);
	else
		fuzz_check_error(rc, &err);

	/* Malformed tails must be rejected, never read past the string. */
	static const char *const tails[] = {".",   "[",	 "[]",	"[-1]", "[99999999999999999999]",
					    "..x", "[0", "->x", "."};
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		if (used + strlen(tails[i]) + 1 > sizeof(path))
			break;
		strcpy(path + used, tails[i]);
		rc = bw_btf_path(btf, id, path, &loc, &err);
		if (rc)
			fuzz_check_error(rc, &err);
	}
}

static void check_members(const struct bw_btf *btf, const struct bw_type *t)
{
	struct bw_error err;
	struct bw_member m;
	struct bw_member_loc loc, ploc;
	int rc;

	for (uint32_t i = 0; i < t->vlen; i++) {
		FUZZ_ASSERT_OK(bw_btf_member(btf, t->id, i, &m, &err), &err);
		if (!m.name[0])
			continue;
		/* The member exists, so a lookup by its name must find one of that name. */
		FUZZ_ASSERT_OK(bw_btf_member_find(btf, t->id, m.name, &loc, &err), &err);
		FUZZ_ASSERT(loc.byte_offset == loc.bit_offset / 8);
		/* A one-component path is the same question. */
		FUZZ_ASSERT_OK(bw_btf_path(btf, t->id, m.name, &ploc, &err), &err);
		FUZZ_ASSERT(ploc.bit_offset == loc.bit_offset && ploc.type == loc.type);
	}
	rc = bw_btf_member(btf, t->id, t->vlen, &m, &err);
	FUZZ_ASSERT(rc < 0);
	rc = bw_btf_member_find(btf, t->id, "\x01no such member", &loc, &err);
	if (rc)
		fuzz_check_error(rc, &err);
	check_path(btf, t->id, t->id * 2654435761u);
}

static void check_enum(const struct bw_btf *btf, const struct bw_type *t)
{
	struct bw_error err;
	struct bw_enumerator e, byname;

	for (uint32_t i = 0; i < t->vlen; i++) {
		FUZZ_ASSERT_OK(bw_btf_enumerator(btf, t->id, i, &e, &err), &err);
		FUZZ_ASSERT((uint64_t)e.value == e.uvalue);
		FUZZ_ASSERT(bw_btf_enum_name(btf, t->id, e.value) != NULL);
		if (!e.name[0])
			continue;
		FUZZ_ASSERT_OK(bw_btf_enum_value(btf, t->id, e.name, &byname, &err), &err);
		FUZZ_ASSERT(strcmp(byname.name, e.name) == 0);
		FUZZ_ASSERT_OK(bw_btf_enum_value(btf, 0, e.name, &byname, &err), &err);
	}
	FUZZ_ASSERT(bw_btf_enumerator(btf, t->id, t->vlen, &e, &err) < 0);
}

static void check_datasec(const struct bw_btf *btf, const struct bw_type *t)
{
	struct bw_error err;
	struct bw_secinfo si, found;
	struct bw_type var;

	for (uint32_t i = 0; i < t->vlen; i++) {
		FUZZ_ASSERT_OK(bw_btf_secinfo(btf, t->id, i, &si, &err), &err);
		if (bw_btf_type(btf, si.type, &var, &err) || var.kind != BW_KIND_VAR)
			continue;
		if (t->name[0] && var.name[0])
			FUZZ_ASSERT_OK(bw_btf_datasec_var(btf, t->name, var.name, &found, &err),
				       &err);
	}
	FUZZ_ASSERT(bw_btf_secinfo(btf, t->id, t->vlen, &si, &err) < 0);
}

/* Every kind-specific getter must refuse a type of another kind with BW_EINVAL. */
static void check_wrong_kind(const struct bw_btf *btf, const struct bw_type *t)
{
	struct bw_error err;
	struct bw_int in;
	struct bw_array arr;
	struct bw_member m;
	struct bw_enumerator e;
	struct bw_param p;
	struct bw_secinfo si;
	int32_t idx;

	if (t->kind != BW_KIND_INT)
		FUZZ_ASSERT(bw_btf_int(btf, t->id, &in, &err) == -BW_EINVAL);
	if (t->kind != BW_KIND_ARRAY)
		FUZZ_ASSERT(bw_btf_array(btf, t->id, &arr, &err) == -BW_EINVAL);
	if (t->kind != BW_KIND_STRUCT && t->kind != BW_KIND_UNION)
		FUZZ_ASSERT(bw_btf_member(btf, t->id, 0, &m, &err) == -BW_EINVAL);
	if (t->kind != BW_KIND_ENUM && t->kind != BW_KIND_ENUM64)
		FUZZ_ASSERT(bw_btf_enumerator(btf, t->id, 0, &e, &err) == -BW_EINVAL);
	if (t->kind != BW_KIND_FUNC_PROTO)
		FUZZ_ASSERT(bw_btf_param(btf, t->id, 0, &p, &err) == -BW_EINVAL);
	if (t->kind != BW_KIND_DATASEC)
		FUZZ_ASSERT(bw_btf_secinfo(btf, t->id, 0, &si, &err) == -BW_EINVAL);
	if (t->kind != BW_KIND_DECL_TAG)
		FUZZ_ASSERT(bw_btf_decl_tag_idx(btf, t->id, &idx, &err) == -BW_EINVAL);
}

static void check_type(const struct bw_btf *btf, uint32_t id)
{
	struct bw_error err;
	struct bw_type t;
	struct bw_int in;
	struct bw_array arr;
	struct bw_param p;
	uint32_t linkage;
	int32_t idx;
	uint64_t esize, asize, total;

	FUZZ_ASSERT_OK(bw_btf_type(btf, id, &t, &err), &err);
	FUZZ_ASSERT(t.id == id && t.name != NULL);
	FUZZ_ASSERT(t.kind > BW_KIND_UNKN && t.kind <= BW_KIND_MAX);
	FUZZ_ASSERT(strcmp(bw_kind_name(t.kind), "UNKN") != 0);
	check_find(btf, &t);
	check_layout(btf, &t);
	check_wrong_kind(btf, &t);
	switch (t.kind) {
	case BW_KIND_INT:
		FUZZ_ASSERT_OK(bw_btf_int(btf, id, &in, &err), &err);
		FUZZ_ASSERT(in.offset + in.bits <= (uint64_t)t.size * 8);
		break;
	case BW_KIND_ARRAY:
		FUZZ_ASSERT_OK(bw_btf_array(btf, id, &arr, &err), &err);
		/* An array is its elements laid end to end. */
		if (!bw_btf_sizeof(btf, arr.type, &esize, &err) &&
		    !bw_btf_sizeof(btf, id, &asize, &err) &&
		    !mul_overflow(esize, arr.nelems, &total))
			FUZZ_ASSERT(asize == total);
		break;
	case BW_KIND_STRUCT:
	case BW_KIND_UNION:
		check_members(btf, &t);
		break;
	case BW_KIND_ENUM:
	case BW_KIND_ENUM64:
		check_enum(btf, &t);
		break;
	case BW_KIND_FUNC_PROTO:
		for (uint32_t i = 0; i < t.vlen; i++)
			FUZZ_ASSERT_OK(bw_btf_param(btf, id, i, &p, &err), &err);
		FUZZ_ASSERT(bw_btf_param(btf, id, t.vlen, &p, &err) < 0);
		break;
	case BW_KIND_VAR:
	case BW_KIND_FUNC:
		FUZZ_ASSERT_OK(bw_btf_linkage(btf, id, &linkage, &err), &err);
		break;
	case BW_KIND_DATASEC:
		check_datasec(btf, &t);
		break;
	case BW_KIND_DECL_TAG:
		FUZZ_ASSERT_OK(bw_btf_decl_tag_idx(btf, id, &idx, &err), &err);
		FUZZ_ASSERT(idx >= -1);
		break;
	default:
		break;
	}
}

void fuzz_query_btf(const struct bw_btf *btf)
{
	uint32_t cnt = bw_btf_type_cnt(btf), start = bw_btf_start_id(btf);
	struct bw_error err;
	struct bw_type t;
	struct bw_member_loc loc;
	struct bw_secinfo si;
	struct fuzz_stop stop = {.left = 100 + cnt % 997};
	uint64_t v;
	uint32_t id;
	int rc;

	FUZZ_ASSERT(start >= 1 && start <= cnt);
	FUZZ_ASSERT((start == 1) == (bw_btf_base(btf) == NULL));
	FUZZ_ASSERT(bw_btf_type(btf, 0, &t, &err) == 0 && t.kind == BW_KIND_UNKN);
	rc = bw_btf_type(btf, cnt, &t, &err);
	FUZZ_ASSERT(rc == -BW_ENOENT);
	fuzz_check_error(rc, &err);
	FUZZ_ASSERT(bw_btf_type(btf, UINT32_MAX, &t, &err) == -BW_ENOENT);
	for (id = start; id < cnt; id++)
		check_type(btf, id);

	/* Questions about things that are not there. */
	FUZZ_ASSERT(bw_btf_sizeof(btf, 0, &v, &err) < 0);
	FUZZ_ASSERT(bw_btf_find(btf, "", BW_KIND_STRUCT, &id, &err) < 0);
	rc = bw_btf_find(btf, "\x01none", BW_KIND_UNKN, &id, &err);
	if (rc)
		fuzz_check_error(rc, &err);
	rc = bw_btf_find(btf, "x", BW_KIND_MAX + 1, &id, &err);
	FUZZ_ASSERT(rc < 0 || id < cnt);
	rc = bw_btf_path(btf, cnt, "x", &loc, &err);
	FUZZ_ASSERT(rc < 0);
	rc = bw_btf_datasec_var(btf, ".data..percpu", "runqueues", &si, &err);
	FUZZ_ASSERT(rc <= 0);
	(void)bw_btf_str(btf, 0);
	(void)bw_btf_str(btf, UINT32_MAX);
	(void)bw_btf_enum_name(btf, cnt, 0);

	FUZZ_ASSERT_OK(bw_btf_dump_raw(btf, fuzz_null_sink, NULL, &err), &err);
	/* A writer that stops early must stop the dump with an error, not be called again. */
	rc = bw_btf_dump_raw(btf, fuzz_stop_sink, &stop, &err);
	FUZZ_ASSERT(rc <= 0);
}
