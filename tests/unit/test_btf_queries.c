/* SPDX-License-Identifier: MIT */
/*
 * Queries on BTF that describes structs this file also compiles natively: the compiler's
 * offsetof/sizeof/_Alignof (and, for bitfields, the bits a store sets) are the expected values.
 * The blob gives each member's offset within its own struct; the library must add them up
 * through anonymous members, arrays and typedefs.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "btfwalk.h"
#include "btf_builder.h"

enum tq_e { TQ_NEG = -3, TQ_TEN = 10 };

struct tq_inner {
	int a;
	union {
		short s;
		char c[3];
	};
	struct {
		long l;
		struct {
			char deep;
		};
	};
};

struct tq_outer {
	char x;
	struct tq_inner in[2][3];
	unsigned int bf1 : 3, bf2 : 5;
	long tail;
	enum tq_e e;
};

typedef struct tq_outer tq_outer_t;

/* The anonymous members' layouts, named, for their sizes. */
union tq_u_mirror {
	short s;
	char c[3];
};

struct tq_l_mirror {
	long l;
	struct {
		char deep;
	};
};

struct __attribute__((packed)) tq_packed {
	char c;
	int i;
};

/* Type ids, in the order queries_build() writes them. */
struct tq_ids {
	uint32_t t_int, t_short, t_char, t_long, t_uint, t_enum, t_fwd_outer;
	uint32_t anon_union, arr_c3, anon_deep, anon_l, inner, arr_in3, arr_in23, outer;
	uint32_t td_outer, cv_td, packed, e64, var_x, var_y, datasec;
};

#define BITS(type, member) (8 * (uint32_t)offsetof(type, member))

/* Bit offset of a bitfield: set it to all ones in a zeroed struct and find the lowest set bit
 * (little-endian byte order, as the machine running the test). */
static uint32_t bitfield_offset(int which)
{
	struct tq_outer o;
	const uint8_t *p = (const uint8_t *)&o;
	uint32_t bit;

	memset(&o, 0, sizeof(o));
	if (which == 1)
		o.bf1 = 7;
	else
		o.bf2 = 31;
	for (bit = 0; bit < 8 * sizeof(o); bit++) {
		if (p[bit / 8] & (1u << (bit % 8)))
			return bit;
	}
	return UINT32_MAX;
}

static void queries_build(struct btfb *b, struct tq_ids *ids)
{
	btfb_init(b);
	ids->t_int = btfb_int(b, "int", sizeof(int), 1, 0, 32);
	ids->t_short = btfb_int(b, "short int", sizeof(short), 1, 0, 16);
	ids->t_char = btfb_int(b, "char", 1, 1, 0, 8);
	ids->t_long = btfb_int(b, "long int", sizeof(long), 1, 0, 8 * sizeof(long));
	ids->t_uint = btfb_int(b, "unsigned int", sizeof(unsigned int), 0, 0, 32);
	ids->t_enum = btfb_enum(b, "tq_e", sizeof(enum tq_e), true, 2);
	btfb_enumerator(b, "TQ_NEG", TQ_NEG);
	btfb_enumerator(b, "TQ_TEN", TQ_TEN);
	/* A forward declaration of the same name before the struct: lookups by kind skip it. */
	ids->t_fwd_outer = btfb_fwd(b, "tq_outer", false);

	ids->arr_c3 = btfb_array(b, ids->t_char, ids->t_int, 3);
	ids->anon_union = btfb_struct(b, BTFB_UNION, NULL, sizeof(union tq_u_mirror), false, 2);
	btfb_member(b, "s", ids->t_short, 0, 0);
	btfb_member(b, "c", ids->arr_c3, 0, 0);
	ids->anon_deep = btfb_struct(b, BTFB_STRUCT, NULL, 1, false, 1);
	btfb_member(b, "deep", ids->t_char, 0, 0);
	ids->anon_l = btfb_struct(b, BTFB_STRUCT, NULL, sizeof(struct tq_l_mirror), false, 2);
	btfb_member(b, "l", ids->t_long, BITS(struct tq_l_mirror, l), 0);
	btfb_member(b, NULL, ids->anon_deep, BITS(struct tq_l_mirror, deep), 0);
	ids->inner = btfb_struct(b, BTFB_STRUCT, "tq_inner", sizeof(struct tq_inner), false, 3);
	btfb_member(b, "a", ids->t_int, BITS(struct tq_inner, a), 0);
	btfb_member(b, NULL, ids->anon_union, BITS(struct tq_inner, s), 0);
	btfb_member(b, NULL, ids->anon_l, BITS(struct tq_inner, l), 0);
	ids->arr_in3 = btfb_array(b, ids->inner, ids->t_int, 3);
	ids->arr_in23 = btfb_array(b, ids->arr_in3, ids->t_int, 2);
	ids->outer = btfb_struct(b, BTFB_STRUCT, "tq_outer", sizeof(struct tq_outer), true, 6);
	btfb_member(b, "x", ids->t_char, BITS(struct tq_outer, x), 0);
	btfb_member(b, "in", ids->arr_in23, BITS(struct tq_outer, in), 0);
	btfb_member(b, "bf1", ids->t_uint, bitfield_offset(1), 3);
	btfb_member(b, "bf2", ids->t_uint, bitfield_offset(2), 5);
	btfb_member(b, "tail", ids->t_long, BITS(struct tq_outer, tail), 0);
	btfb_member(b, "e", ids->t_enum, BITS(struct tq_outer, e), 0);
	ids->td_outer = btfb_ref(b, BTFB_TYPEDEF, "tq_outer_t", ids->outer);
	/* const -> volatile -> typedef -> struct */
	ids->cv_td = btfb_ref(b, BTFB_CONST, NULL, btfb_ref(b, BTFB_VOLATILE, NULL, ids->td_outer));
	ids->packed = btfb_struct(b, BTFB_STRUCT, "tq_packed", sizeof(struct tq_packed), false, 2);
	btfb_member(b, "c", ids->t_char, BITS(struct tq_packed, c), 0);
	btfb_member(b, "i", ids->t_int, BITS(struct tq_packed, i), 0);
	ids->e64 = btfb_enum64(b, "tq_e64", 8, false, 2);
	btfb_enumerator64(b, "TQ_HUGE", 0x8000000000000001ull);
	btfb_enumerator64(b, "TQ_SMALL", 2);
	ids->var_x = btfb_var(b, "tq_x", ids->t_long, 1);
	ids->var_y = btfb_var(b, "tq_y", ids->outer, 1);
	ids->datasec = btfb_datasec(b, ".data..percpu", 8 + sizeof(struct tq_outer), 2);
	btfb_secinfo(b, ids->var_x, 0, 8);
	btfb_secinfo(b, ids->var_y, 8, sizeof(struct tq_outer));
}

struct tq_state {
	uint8_t *blob;
	struct bw_btf *btf;
	struct tq_ids ids;
};

static int tq_setup(void **state)
{
	struct tq_state *s = calloc(1, sizeof(*s));
	struct bw_error err = { 0 };
	struct btfb b;
	size_t len;

	queries_build(&b, &s->ids);
	len = btfb_blob(&b, &s->blob);
	btfb_free(&b);
	if (bw_btf_open_mem(s->blob, len, NULL, &s->btf, &err)) {
		fprintf(stderr, "open: %s\n", err.msg);
		return -1;
	}
	*state = s;
	return 0;
}

static int tq_teardown(void **state)
{
	struct tq_state *s = *state;

	bw_btf_close(s->btf);
	free(s->blob);
	free(s);
	return 0;
}

static void test_find(void **state)
{
	struct tq_state *s = *state;
	struct bw_error err = { 0 };
	uint32_t id, ids[4];

	assert_int_equal(bw_btf_find(s->btf, "tq_outer", BW_KIND_STRUCT, &id, NULL), 0);
	assert_int_equal(id, s->ids.outer);
	assert_int_equal(bw_btf_find(s->btf, "tq_outer", BW_KIND_UNKN, &id, NULL), 0);
	assert_int_equal(id, s->ids.t_fwd_outer);
	assert_int_equal(bw_btf_find(s->btf, "tq_outer", BW_KIND_FWD, &id, NULL), 0);
	assert_int_equal(id, s->ids.t_fwd_outer);
	assert_int_equal(bw_btf_find(s->btf, "tq_outer", BW_KIND_UNION, &id, &err), -BW_ENOENT);
	assert_non_null(strstr(err.msg, "tq_outer"));
	assert_int_equal(bw_btf_find(s->btf, "nope", BW_KIND_UNKN, &id, NULL), -BW_ENOENT);
	assert_int_equal(bw_btf_find(s->btf, "", BW_KIND_UNKN, &id, NULL), -BW_ENOENT);
	assert_int_equal(bw_btf_find(s->btf, "int", 99, &id, NULL), -BW_EINVAL);

	assert_int_equal(bw_btf_find_all(s->btf, "tq_outer", ids, 4), 2);
	assert_int_equal(ids[0], s->ids.t_fwd_outer);
	assert_int_equal(ids[1], s->ids.outer);
	assert_int_equal(bw_btf_find_all(s->btf, "tq_outer", ids, 1), 2);
	assert_int_equal(bw_btf_find_all(s->btf, "tq_outer", NULL, 0), 2);
	assert_int_equal(bw_btf_find_all(s->btf, "nope", ids, 4), 0);
}

static void test_resolve_sizeof_alignof(void **state)
{
	struct tq_state *s = *state;
	uint64_t v;
	uint32_t id;

	assert_int_equal(bw_btf_resolve(s->btf, s->ids.cv_td, &id, NULL), 0);
	assert_int_equal(id, s->ids.outer);
	assert_int_equal(bw_btf_resolve(s->btf, s->ids.t_int, &id, NULL), 0);
	assert_int_equal(id, s->ids.t_int);

	assert_int_equal(bw_btf_sizeof(s->btf, s->ids.cv_td, &v, NULL), 0);
	assert_int_equal(v, sizeof(tq_outer_t));
	assert_int_equal(bw_btf_sizeof(s->btf, s->ids.arr_in23, &v, NULL), 0);
	assert_int_equal(v, sizeof(((struct tq_outer *)0)->in));
	assert_int_equal(bw_btf_sizeof(s->btf, s->ids.inner, &v, NULL), 0);
	assert_int_equal(v, sizeof(struct tq_inner));
	assert_int_equal(bw_btf_sizeof(s->btf, s->ids.t_enum, &v, NULL), 0);
	assert_int_equal(v, sizeof(enum tq_e));
	assert_int_equal(bw_btf_sizeof(s->btf, 0, &v, NULL), -BW_EINVAL);
	assert_int_equal(bw_btf_sizeof(s->btf, s->ids.t_fwd_outer, &v, NULL), -BW_EINVAL);
	assert_int_equal(bw_btf_sizeof(s->btf, 9999, &v, NULL), -BW_ENOENT);

	assert_int_equal(bw_btf_alignof(s->btf, s->ids.outer, &v, NULL), 0);
	assert_int_equal(v, _Alignof(struct tq_outer));
	assert_int_equal(bw_btf_alignof(s->btf, s->ids.inner, &v, NULL), 0);
	assert_int_equal(v, _Alignof(struct tq_inner));
	assert_int_equal(bw_btf_alignof(s->btf, s->ids.arr_c3, &v, NULL), 0);
	assert_int_equal(v, _Alignof(char[3]));
	assert_int_equal(bw_btf_alignof(s->btf, s->ids.t_short, &v, NULL), 0);
	assert_int_equal(v, _Alignof(short));
	assert_int_equal(bw_btf_alignof(s->btf, s->ids.packed, &v, NULL), 0);
	assert_int_equal(v, _Alignof(struct tq_packed));
	assert_int_equal(bw_btf_alignof(s->btf, s->ids.td_outer, &v, NULL), 0);
	assert_int_equal(v, _Alignof(tq_outer_t));
	assert_int_equal(bw_btf_alignof(s->btf, s->ids.t_fwd_outer, &v, NULL), -BW_EINVAL);
}

static void expect_path(const struct tq_state *s, uint32_t id, const char *path, size_t offset,
			uint32_t type)
{
	struct bw_member_loc loc;
	struct bw_error err = { 0 };

	if (bw_btf_path(s->btf, id, path, &loc, &err))
		fail_msg("path %s: %s", path, err.msg);
	assert_int_equal(loc.byte_offset, offset);
	assert_int_equal(loc.bit_offset, 8 * offset);
	assert_int_equal(loc.bitfield_size, 0);
	assert_int_equal(loc.type, type);
}

static void test_paths(void **state)
{
	struct tq_state *s = *state;
	struct bw_member_loc loc;

	expect_path(s, s->ids.outer, "x", offsetof(struct tq_outer, x), s->ids.t_char);
	expect_path(s, s->ids.outer, "in[1][2].c[2]", offsetof(struct tq_outer, in[1][2].c[2]),
		    s->ids.t_char);
	expect_path(s, s->ids.outer, "in[1][2].deep", offsetof(struct tq_outer, in[1][2].deep),
		    s->ids.t_char);
	expect_path(s, s->ids.outer, "in[0][1].l", offsetof(struct tq_outer, in[0][1].l),
		    s->ids.t_long);
	expect_path(s, s->ids.outer, "in[1]", offsetof(struct tq_outer, in[1]), s->ids.arr_in3);
	expect_path(s, s->ids.outer, "in[0x1][0X2].s", offsetof(struct tq_outer, in[1][2].s),
		    s->ids.t_short);
	expect_path(s, s->ids.cv_td, "tail", offsetof(struct tq_outer, tail), s->ids.t_long);
	expect_path(s, s->ids.arr_in23, "[1][1].a", offsetof(struct tq_outer, in[1][1].a) -
							   offsetof(struct tq_outer, in),
		    s->ids.t_int);
	expect_path(s, s->ids.inner, "deep", offsetof(struct tq_inner, deep), s->ids.t_char);

	assert_int_equal(bw_btf_path(s->btf, s->ids.outer, "bf2", &loc, NULL), 0);
	assert_int_equal(loc.bit_offset, bitfield_offset(2));
	assert_int_equal(loc.byte_offset, bitfield_offset(2) / 8);
	assert_int_equal(loc.bitfield_size, 5);
	assert_int_equal(loc.type, s->ids.t_uint);
	assert_int_equal(bw_btf_member_find(s->btf, s->ids.outer, "bf1", &loc, NULL), 0);
	assert_int_equal(loc.bit_offset, bitfield_offset(1));
	assert_int_equal(loc.bitfield_size, 3);
}

static void expect_path_error(const struct tq_state *s, uint32_t id, const char *path, int code,
			      const char *msg)
{
	struct bw_member_loc loc;
	struct bw_error err = { 0 };

	assert_int_equal(bw_btf_path(s->btf, id, path, &loc, &err), -code);
	assert_int_equal(err.code, code);
	if (!strstr(err.msg, msg))
		fail_msg("path '%s': message '%s' lacks '%s'", path, err.msg, msg);
}

static void test_path_errors(void **state)
{
	struct tq_state *s = *state;
	char longpath[512];
	int i;

	expect_path_error(s, s->ids.outer, "in[2][0].a", BW_EINVAL, "index 2 is past the 2");
	expect_path_error(s, s->ids.outer, "in[1][3]", BW_EINVAL, "index 3 is past the 3");
	expect_path_error(s, s->ids.outer, "x[0]", BW_EINVAL, "not an array");
	expect_path_error(s, s->ids.outer, "nope", BW_ENOENT, "no member 'nope'");
	expect_path_error(s, s->ids.outer, "in[1].", BW_EINVAL, "bad member name");
	expect_path_error(s, s->ids.outer, "in[", BW_EINVAL, "bad index");
	expect_path_error(s, s->ids.outer, "in[1x]", BW_EINVAL, "bad index");
	expect_path_error(s, s->ids.outer, "in[99999999999999999999]", BW_EINVAL, "too large");
	expect_path_error(s, s->ids.outer, "x..y", BW_EINVAL, "bad member name");
	expect_path_error(s, s->ids.outer, "in[0][0]a", BW_EINVAL, "expected '.' or '['");
	expect_path_error(s, s->ids.outer, "x.y", BW_EINVAL, "not a struct or union");
	expect_path_error(s, s->ids.outer, "", BW_EINVAL, "empty path");
	expect_path_error(s, 9999, "x", BW_ENOENT, "out of range");
	for (i = 0; i < 70; i++)
		memcpy(longpath + 3 * i, "[0]", 3);
	longpath[210] = 0;
	expect_path_error(s, s->ids.arr_in23, longpath, BW_ELIMIT, "more than 64 components");
}

static void test_enums(void **state)
{
	struct tq_state *s = *state;
	struct bw_enumerator e;
	struct bw_error err = { 0 };

	assert_int_equal(bw_btf_enum_value(s->btf, s->ids.t_enum, "TQ_NEG", &e, NULL), 0);
	assert_true(e.value == TQ_NEG);
	assert_true(e.is_signed);
	assert_int_equal(bw_btf_enum_value(s->btf, 0, "TQ_TEN", &e, NULL), 0);
	assert_true(e.value == TQ_TEN);
	assert_int_equal(bw_btf_enum_value(s->btf, 0, "TQ_HUGE", &e, NULL), 0);
	assert_true(e.uvalue == 0x8000000000000001ull);
	assert_false(e.is_signed);
	assert_int_equal(bw_btf_enum_value(s->btf, s->ids.t_enum, "TQ_HUGE", &e, &err),
			 -BW_ENOENT);
	assert_non_null(strstr(err.msg, "TQ_HUGE"));
	assert_int_equal(bw_btf_enum_value(s->btf, 0, "TQ_NONE", &e, NULL), -BW_ENOENT);
	assert_int_equal(bw_btf_enum_value(s->btf, s->ids.outer, "x", &e, NULL), -BW_EINVAL);

	assert_string_equal(bw_btf_enum_name(s->btf, s->ids.t_enum, TQ_NEG), "TQ_NEG");
	/* A value read from memory as unsigned matches in the enum's own width. */
	assert_string_equal(bw_btf_enum_name(s->btf, s->ids.t_enum, (uint32_t)TQ_NEG), "TQ_NEG");
	assert_string_equal(bw_btf_enum_name(s->btf, s->ids.e64, 2), "TQ_SMALL");
	assert_string_equal(bw_btf_enum_name(s->btf, s->ids.e64, (int64_t)0x8000000000000001ull),
			    "TQ_HUGE");
	assert_null(bw_btf_enum_name(s->btf, s->ids.t_enum, 11));
	assert_null(bw_btf_enum_name(s->btf, s->ids.outer, 0));
}

static void test_datasec_var(void **state)
{
	struct tq_state *s = *state;
	struct bw_secinfo si;
	struct bw_error err = { 0 };

	assert_int_equal(bw_btf_datasec_var(s->btf, ".data..percpu", "tq_y", &si, NULL), 0);
	assert_int_equal(si.type, s->ids.var_y);
	assert_int_equal(si.offset, 8);
	assert_int_equal(si.size, sizeof(struct tq_outer));
	assert_int_equal(bw_btf_datasec_var(s->btf, ".data..percpu", "tq_z", &si, &err),
			 -BW_ENOENT);
	assert_non_null(strstr(err.msg, "tq_z"));
	assert_int_equal(bw_btf_datasec_var(s->btf, ".bss", "tq_y", &si, NULL), -BW_ENOENT);
}

/* Two sections of one name (object files repeat them): the variable is looked for in each. */
static void test_datasec_repeated_name(void **state)
{
	struct bw_secinfo si;
	struct bw_error err = { 0 };
	struct bw_btf *btf;
	uint8_t *blob;
	struct btfb b;
	size_t len;

	(void)state;
	btfb_init(&b);
	btfb_int(&b, "int", 4, 1, 0, 32);
	btfb_var(&b, "first", 1, 1);
	btfb_var(&b, "second", 1, 1);
	btfb_datasec(&b, ".data", 4, 1);
	btfb_secinfo(&b, 2, 0, 4);
	btfb_datasec(&b, ".data", 8, 1);
	btfb_secinfo(&b, 3, 4, 4);
	len = btfb_blob(&b, &blob);
	btfb_free(&b);
	assert_int_equal(bw_btf_open_mem(blob, len, NULL, &btf, NULL), 0);
	assert_int_equal(bw_btf_datasec_var(btf, ".data", "second", &si, NULL), 0);
	assert_int_equal(si.type, 3);
	assert_int_equal(si.offset, 4);
	assert_int_equal(bw_btf_datasec_var(btf, ".data", "third", &si, &err), -BW_ENOENT);
	assert_non_null(strstr(err.msg, "has no variable 'third'"));
	assert_int_equal(bw_btf_datasec_var(btf, ".bss", "first", &si, &err), -BW_ENOENT);
	assert_non_null(strstr(err.msg, "no DATASEC named '.bss'"));
	bw_btf_close(btf);
	free(blob);
}

/*
 * 200000 types and 65535 enumerators of one name: each name is one slot with a chain, so this
 * opens in linear time (one probe sequence per name would take 2e10 probes, minutes), and
 * lookups still give the lowest id first.
 */
static void test_many_of_one_name(void **state)
{
	const uint32_t n = 200000, nenum = 65535;
	struct bw_enumerator e;
	struct bw_btf *btf;
	struct timespec t0, t1;
	uint32_t i, id, ids[3];
	uint8_t *blob;
	struct btfb b;
	size_t len;

	(void)state;
	btfb_init(&b);
	btfb_int(&b, "int", 4, 1, 0, 32);
	for (i = 0; i < n; i++)
		btfb_ref(&b, BTFB_TYPEDEF, "dup", 1);
	btfb_enum(&b, "e", 4, false, nenum);
	for (i = 0; i < nenum; i++)
		btfb_enumerator(&b, "SAME", (int32_t)i + 7);
	len = btfb_blob(&b, &blob);
	btfb_free(&b);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(bw_btf_open_mem(blob, len, NULL, &btf, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 10);
	assert_int_equal(bw_btf_find_all(btf, "dup", ids, 3), n);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 3);
	assert_int_equal(ids[2], 4);
	assert_int_equal(bw_btf_find(btf, "dup", BW_KIND_TYPEDEF, &id, NULL), 0);
	assert_int_equal(id, 2);
	assert_int_equal(bw_btf_enum_value(btf, 0, "SAME", &e, NULL), 0);
	assert_true(e.value == 7);
	bw_btf_close(btf);
	free(blob);
}

/*
 * 2^19 distinct names: among that many, some pairs share the index's full 32-bit hash (about 32
 * pairs are expected, whatever the per-object key), so this tests that a lookup tells names of
 * one hash apart. Each name must find exactly its own type: the blob says which.
 */
static void test_many_names(void **state)
{
	const uint32_t n = 1u << 19;
	struct bw_btf *btf;
	uint32_t i, ids[2];
	char name[16];
	uint8_t *blob;
	struct btfb b;
	size_t len;

	(void)state;
	btfb_init(&b);
	btfb_int(&b, "int", 4, 1, 0, 32);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "t%06x", i);
		btfb_ref(&b, BTFB_TYPEDEF, name, 1);
	}
	len = btfb_blob(&b, &blob);
	btfb_free(&b);
	assert_int_equal(bw_btf_open_mem(blob, len, NULL, &btf, NULL), 0);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "t%06x", i);
		assert_int_equal(bw_btf_find_all(btf, name, ids, 2), 1);
		assert_int_equal(ids[0], i + 2);
	}
	bw_btf_close(btf);
	free(blob);
}

/*
 * One anonymous struct of 2000 anonymous members, each a struct of 2000 members: a miss would
 * look at 4 million members; the lookup stops at BW_BTF_MAX_MEMBER_VISITS instead.
 */
static void test_member_visits_cap(void **state)
{
	struct bw_member_loc loc;
	struct bw_error err = { 0 };
	struct bw_btf *btf;
	uint32_t i, leaf, outer;
	uint8_t *blob;
	struct btfb b;
	size_t len;

	(void)state;
	btfb_init(&b);
	btfb_int(&b, "int", 4, 1, 0, 32);
	leaf = btfb_struct(&b, BTFB_UNION, NULL, 4, false, 2000);
	for (i = 0; i < 2000; i++)
		btfb_member(&b, i ? "m" : "first", 1, 0, 0);
	outer = btfb_struct(&b, BTFB_UNION, "outer", 4, false, 2000);
	for (i = 0; i < 2000; i++)
		btfb_member(&b, NULL, leaf, 0, 0);
	len = btfb_blob(&b, &blob);
	btfb_free(&b);
	assert_int_equal(bw_btf_open_mem(blob, len, NULL, &btf, NULL), 0);
	assert_int_equal(bw_btf_member_find(btf, outer, "first", &loc, NULL), 0);
	assert_int_equal(loc.type, 1);
	assert_int_equal(bw_btf_member_find(btf, outer, "absent", &loc, &err), -BW_ELIMIT);
	assert_non_null(strstr(err.msg, "more than 1048576 members"));
	bw_btf_close(btf);
	free(blob);
}

static void test_member_errors(void **state)
{
	struct tq_state *s = *state;
	struct bw_member_loc loc;

	assert_int_equal(bw_btf_member_find(s->btf, s->ids.t_int, "a", &loc, NULL), -BW_EINVAL);
	assert_int_equal(bw_btf_member_find(s->btf, s->ids.inner, "", &loc, NULL), -BW_EINVAL);
	assert_int_equal(bw_btf_member_find(s->btf, s->ids.inner, "zz", &loc, NULL), -BW_ENOENT);
}

/* Anonymous members nested deeper than the cap: found up to it, BW_ELIMIT past it. */
static void test_anonymous_depth_cap(void **state)
{
	struct bw_member_loc loc;
	struct bw_error err = { 0 };
	struct bw_btf *btf;
	uint8_t *blob;
	struct btfb b;
	uint32_t id, t_int;
	size_t len;
	int i;

	(void)state;
	btfb_init(&b);
	t_int = btfb_int(&b, "int", 4, 1, 0, 32);
	id = btfb_struct(&b, BTFB_STRUCT, NULL, 4, false, 1);
	btfb_member(&b, "leaf", t_int, 0, 0);
	for (i = 0; i < BW_BTF_MAX_PATH_DEPTH + 2; i++) {
		id = btfb_struct(&b, BTFB_STRUCT, i == BW_BTF_MAX_PATH_DEPTH - 2 ? "at_cap" : NULL,
				 4, false, 1);
		btfb_member(&b, NULL, id - 1, 0, 0);
	}
	id = btfb_struct(&b, BTFB_STRUCT, "top", 4, false, 1);
	btfb_member(&b, NULL, id - 1, 0, 0);
	len = btfb_blob(&b, &blob);
	btfb_free(&b);
	assert_int_equal(bw_btf_open_mem(blob, len, NULL, &btf, &err), 0);
	assert_int_equal(bw_btf_find(btf, "at_cap", BW_KIND_STRUCT, &id, NULL), 0);
	assert_int_equal(bw_btf_member_find(btf, id, "leaf", &loc, NULL), 0);
	assert_int_equal(loc.type, t_int);
	assert_int_equal(bw_btf_find(btf, "top", BW_KIND_STRUCT, &id, NULL), 0);
	assert_int_equal(bw_btf_member_find(btf, id, "leaf", &loc, &err), -BW_ELIMIT);
	assert_non_null(strstr(err.msg, "deeper than 64"));
	bw_btf_close(btf);
	free(blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_resolve_sizeof_alignof),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_path_errors),
		cmocka_unit_test(test_enums),
		cmocka_unit_test(test_datasec_var),
		cmocka_unit_test(test_datasec_repeated_name),
		cmocka_unit_test(test_many_of_one_name),
		cmocka_unit_test(test_many_names),
		cmocka_unit_test(test_member_visits_cap),
		cmocka_unit_test(test_member_errors),
		cmocka_unit_test(test_anonymous_depth_cap),
	};

	return cmocka_run_group_tests(tests, tq_setup, tq_teardown);
}
