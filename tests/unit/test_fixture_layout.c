// SPDX-License-Identifier: MIT
/*
 * The fixture blobs against the compiler: fixtures/src/layout.h and module.h are compiled into this
 * test natively, so offsetof/sizeof/_Alignof and the bits a bitfield occupies are the expected
 * values; btfwalk must find the same in the BTF that clang -target bpf and gcc + pahole made of the
 * same headers (fixtures/gen-btf.sh). DATASEC offsets are checked against the objdump symbol tables
 * written beside the blobs. Runs from the repo root (tests/run.sh does).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "btfwalk.h"
#include "layout.h"
#include "module.h"

struct blob_case {
	const char *path;
	const char *base; /* split BTF: its base blob */
	/*
	 * What the producing tool can express. clang 14 predates signed enums in BTF: its ENUMs
	 * are all unsigned, and 64-bit enums come out as a truncated ENUM. pahole 1.24 emits
	 * kflag-signed ENUMs and ENUM64, but flattens a multi-dimensional array into one
	 * dimension (int grid[3][4] becomes int[12]).
	 */
	bool modern_enums;
	bool flat_arrays;
	const char *syms;	 /* objdump symbols of the object layout.c became */
	const char *module_syms; /* and of module.c, for the split blob */
	const char *syms_sec;	 /* only this section has a DATASEC in the blob (NULL: all) */
	struct bw_btf *base_btf, *btf;
};

/* ---- expected values, one macro per member/type/enumerator ---- */

#define SIZE_UNKNOWN UINT64_MAX

enum array_shape {
	ANY_ARRAYS,	/* the path means the same whatever the blob */
	NESTED_ARRAYS,	/* indexes a multi-dimensional array: blobs that keep its dimensions */
	FLAT_ARRAYS,	/* the same element by its index in the flattened array: pahole's blobs */
};

struct member_case {
	int kind;
	const char *type;
	const char *path;
	uint64_t offset;
	uint64_t size; /* of the member; SIZE_UNKNOWN for a flexible array */
	enum array_shape shape;
};

#define KIND_struct BW_KIND_STRUCT
#define KIND_union BW_KIND_UNION
#define MEMBER_SHAPED(tag, T, path, cpath, shape)                                                  \
	{ KIND_##tag, #T, path, offsetof(tag T, cpath), sizeof(((tag T *)0)->cpath), shape }
#define MEMBER(tag, T, path) MEMBER_SHAPED(tag, T, #path, path, ANY_ARRAYS)
#define NESTED(tag, T, path) MEMBER_SHAPED(tag, T, #path, path, NESTED_ARRAYS)
/* FLAT(struct, fx_arrays, "grid[11]", grid[2][3]): grid[2][3] as pahole's int[12] names it. */
#define FLAT(tag, T, path, cpath) MEMBER_SHAPED(tag, T, path, cpath, FLAT_ARRAYS)
#define FLEX_MEMBER(tag, T, path)                                                                  \
	{ KIND_##tag, #T, #path, offsetof(tag T, path), SIZE_UNKNOWN, ANY_ARRAYS }

static const struct member_case layout_members[] = {
	MEMBER(struct, fx_anon, head),
	MEMBER(struct, fx_anon, as_long),
	MEMBER(struct, fx_anon, lo),
	MEMBER(struct, fx_anon, hi),
	MEMBER(struct, fx_anon, tag),
	MEMBER(struct, fx_anon, deep_a),
	MEMBER(struct, fx_anon, deep_b),
	MEMBER(struct, fx_anon, deepest),
	MEMBER(struct, fx_anon, tail),
	MEMBER(struct, fx_anon, named_outer),
	MEMBER(struct, fx_anon, named_outer.pad),
	MEMBER(struct, fx_anon, named_outer.second_u),
	MEMBER(struct, fx_anon, named_outer.second_f),
	MEMBER(struct, fx_bits, c),
	MEMBER(struct, fx_packed, c),
	MEMBER(struct, fx_packed, i),
	MEMBER(struct, fx_packed, l),
	MEMBER(struct, fx_packed, s),
	MEMBER(struct, fx_packed_bits, b),
	MEMBER(struct, fx_holds_packed, p),
	MEMBER(struct, fx_holds_packed, p.l),
	MEMBER(struct, fx_holds_packed, after),
	MEMBER(struct, fx_aligned, c),
	MEMBER(struct, fx_aligned, i16),
	MEMBER(struct, fx_aligned, d),
	MEMBER(struct, fx_aligned, e),
	MEMBER(struct, fx_over_aligned, a),
	MEMBER(struct, fx_arrays, name),
	MEMBER(struct, fx_arrays, name[12]),
	MEMBER(struct, fx_arrays, grid),
	NESTED(struct, fx_arrays, grid[1]),
	NESTED(struct, fx_arrays, grid[2][3]),
	FLAT(struct, fx_arrays, "grid[11]", grid[2][3]),
	NESTED(struct, fx_arrays, pts[1][2]),
	FLAT(struct, fx_arrays, "pts[5]", pts[1][2]),
	NESTED(struct, fx_arrays, pts[1][2].y),
	FLAT(struct, fx_arrays, "pts[5].y", pts[1][2].y),
	MEMBER(struct, fx_arrays, rows),
	MEMBER(struct, fx_arrays, rows[3].v[4]),
	MEMBER(struct, fx_arrays, rows[2].p.y),
	NESTED(struct, fx_arrays, cube[1][2][3]),
	FLAT(struct, fx_arrays, "cube[23]", cube[1][2][3]),
	NESTED(struct, fx_arrays, cube[1]),
	MEMBER(struct, fx_arrays, ids[3]),
	NESTED(struct, fx_arrays, id_rows[1][2]),
	FLAT(struct, fx_arrays, "id_rows[6]", id_rows[1][2]),
	MEMBER(struct, fx_flex, len),
	FLEX_MEMBER(struct, fx_flex, data),
	FLEX_MEMBER(struct, fx_flex_bytes, bytes),
	MEMBER(struct, fx_ops, handle),
	MEMBER(struct, fx_ops, release),
	MEMBER(struct, fx_ops, table),
	MEMBER(struct, fx_ops, table[2]),
	MEMBER(struct, fx_ops, single),
	MEMBER(struct, fx_ops, clone),
	MEMBER(struct, fx_quals, cid),
	MEMBER(struct, fx_quals, vid),
	MEMBER(struct, fx_quals, arr[3]),
	MEMBER(struct, fx_quals, pp),
	MEMBER(struct, fx_quals, cvp),
	MEMBER(struct, fx_quals, d),
	MEMBER(struct, fx_quals, f),
	MEMBER(struct, fx_list, next),
	MEMBER(struct, fx_list, prev),
	MEMBER(struct, fx_list, o),
	MEMBER(struct, fx_list, u),
	MEMBER(struct, fx_enums, s),
	MEMBER(struct, fx_enums, u),
	MEMBER(struct, fx_enums, big),
	MEMBER(struct, fx_enums, bs),
	MEMBER(struct, fx_enums, byte),
	MEMBER(struct, fx_enums, color),
	MEMBER(union, fx_union, raw),
	MEMBER(union, fx_union, pt.y),
	MEMBER(union, fx_union, bytes[23]),
	MEMBER(union, fx_union, nested.a),
	MEMBER(union, fx_union, nested.b),
	MEMBER(union, fx_union, nested.c[2]),
	MEMBER(struct, fx_everything, anon.deepest),
	MEMBER(struct, fx_everything, bits),
	MEMBER(struct, fx_everything, holds.p.s),
	MEMBER(struct, fx_everything, arrays[1].rows[3].p.x),
	NESTED(struct, fx_everything, arrays[1].cube[1][2][3]),
	FLAT(struct, fx_everything, "arrays[1].cube[23]", arrays[1].cube[1][2][3]),
	MEMBER(struct, fx_everything, ops.table[1]),
	MEMBER(struct, fx_everything, quals.cvp),
	MEMBER(struct, fx_everything, list.u),
	MEMBER(struct, fx_everything, enums.byte),
	MEMBER(struct, fx_everything, un.nested.c[1]),
	MEMBER(struct, fx_everything, tagged_ptr),
	MEMBER(struct, fx_everything, decl_tagged),
	MEMBER(struct, fx_everything, flex),
	FLEX_MEMBER(struct, fx_everything, flex.data),
	MEMBER(struct, fx_pcpu_stats, events[4]),
	MEMBER(struct, fx_pcpu_stats, cpu),
};

static const struct member_case module_members[] = {
	MEMBER(struct, fx_module_state, list.prev),
	MEMBER(struct, fx_module_state, stats),
	MEMBER(struct, fx_module_state, mode),
	MEMBER(struct, fx_module_state, origin.y),
	MEMBER(struct, fx_module_state, origin_raw),
	MEMBER(struct, fx_module_state, parent),
	MEMBER(struct, fx_module_state, arrays.rows[3].v[2]),
	MEMBER(struct, fx_anon, deepest), /* a base type, looked up through the split BTF */
};

/*
 * Bitfields: the compiler says where a bitfield lives when it is set to all ones in a zeroed
 * object (little-endian: bit n of the object is bit n%8 of byte n/8). Each entry gets a setter.
 */
#define LAYOUT_BITFIELDS(X)                                                                        \
	X(bits_u3, struct, fx_bits, u3)                                                            \
	X(bits_s5, struct, fx_bits, s5)                                                            \
	X(bits_plain7, struct, fx_bits, plain7)                                                    \
	X(bits_wide40, struct, fx_bits, wide40)                                                    \
	X(bits_after_zero, struct, fx_bits, after_zero)                                            \
	X(bits_s33, struct, fx_bits, s33)                                                          \
	X(bits_flag, struct, fx_bits, flag)                                                        \
	X(bits_color, struct, fx_bits, color)                                                      \
	X(bits_last31, struct, fx_bits, last31)                                                    \
	X(bits_next_unit, struct, fx_bits, next_unit)                                              \
	X(packed_a, struct, fx_packed_bits, a)                                                     \
	X(packed_straddle, struct, fx_packed_bits, straddle)                                       \
	X(packed_tail, struct, fx_packed_bits, tail)                                               \
	X(every_s33, struct, fx_everything, bits.s33)                                              \
	X(every_color, struct, fx_everything, bits.color)
#define MODULE_BITFIELDS(X)                                                                        \
	X(module_refs, struct, fx_module_state, refs)                                              \
	X(module_dead, struct, fx_module_state, dead)

/* A volatile -1 so no conversion is folded (or warned about) at compile time. */
static volatile int all_ones = -1;

#define BITFIELD_SETTER(id, tag, T, path)                                                          \
	static void set_##id(void *obj)                                                            \
	{                                                                                          \
		((tag T *)obj)->path = all_ones;                                                   \
	}
LAYOUT_BITFIELDS(BITFIELD_SETTER)
MODULE_BITFIELDS(BITFIELD_SETTER)

union any_fixture {
	struct fx_bits bits;
	struct fx_packed_bits packed_bits;
	struct fx_everything everything;
	struct fx_module_state module_state;
};

struct bitfield_case {
	int kind;
	const char *type;
	const char *path;
	size_t type_size;
	void (*set)(void *obj);
};

#define BITFIELD_CASE(id, tag, T, path) { KIND_##tag, #T, #path, sizeof(tag T), set_##id },
static const struct bitfield_case layout_bitfields[] = { LAYOUT_BITFIELDS(BITFIELD_CASE) };
static const struct bitfield_case module_bitfields[] = { MODULE_BITFIELDS(BITFIELD_CASE) };

struct type_case {
	int kind;
	const char *name;
	uint64_t size;
	uint64_t align; /* 0: BTF cannot tell (explicitly over-aligned types) */
};

#define TYPE(kind, name, ctype) { kind, name, sizeof(ctype), _Alignof(ctype) }
#define TAGGED(tag, T) TYPE(KIND_##tag, #T, tag T)
#define TYPEDEF(T) TYPE(BW_KIND_TYPEDEF, #T, T)
#define OVER_ALIGNED(tag, T) { KIND_##tag, #T, sizeof(tag T), 0 }

static const struct type_case layout_types[] = {
	TAGGED(struct, fx_anon),
	TAGGED(struct, fx_bits),
	TAGGED(struct, fx_packed),
	TAGGED(struct, fx_packed_bits),
	TAGGED(struct, fx_holds_packed),
	OVER_ALIGNED(struct, fx_aligned),
	OVER_ALIGNED(struct, fx_over_aligned),
	TAGGED(struct, fx_point),
	TAGGED(struct, fx_arrays),
	TAGGED(struct, fx_flex),
	TAGGED(struct, fx_flex_bytes),
	TAGGED(struct, fx_ops),
	TAGGED(struct, fx_quals),
	TAGGED(struct, fx_list),
	TAGGED(struct, fx_enums),
	TAGGED(union, fx_union),
	TAGGED(struct, fx_everything),
	TAGGED(struct, fx_pcpu_stats),
	TYPE(BW_KIND_ENUM, "fx_color", enum fx_color),
	TYPE(BW_KIND_ENUM, "fx_signed", enum fx_signed),
	TYPE(BW_KIND_ENUM, "fx_unsigned", enum fx_unsigned),
	TYPE(BW_KIND_ENUM, "fx_byte_enum", enum fx_byte_enum),
	TYPE(BW_KIND_UNKN, "fx_big", enum fx_big), /* ENUM64 from pahole, ENUM from clang 14 */
	TYPE(BW_KIND_UNKN, "fx_big_signed", enum fx_big_signed),
	TYPEDEF(fx_u32),
	TYPEDEF(fx_id_t),
	TYPEDEF(fx_cv_id_t),
	TYPEDEF(fx_cv_id_arr_t),
	TYPEDEF(fx_u64),
	TYPEDEF(fx_handler_t),
	TYPEDEF(fx_table_fn),
};

static const struct type_case module_types[] = {
	TAGGED(struct, fx_module_state),
	TAGGED(struct, fx_anon),
};

struct enum_case {
	const char *type;
	const char *name;
	uint64_t uvalue;
	bool is64; /* needs ENUM64 */
};

#define ENUMERATOR(T, name) { #T, #name, (uint64_t)(name), false }
#define ENUMERATOR64(T, name) { #T, #name, (uint64_t)(name), true }

static const struct enum_case layout_enums[] = {
	ENUMERATOR(fx_color, FX_RED),
	ENUMERATOR(fx_color, FX_COLOR_MAX),
	ENUMERATOR(fx_signed, FX_NEG_MIN),
	ENUMERATOR(fx_signed, FX_NEG),
	ENUMERATOR(fx_signed, FX_ZERO),
	ENUMERATOR(fx_signed, FX_POS),
	ENUMERATOR(fx_unsigned, FX_U_ONE),
	ENUMERATOR(fx_unsigned, FX_U_MAX),
	ENUMERATOR(fx_byte_enum, FX_BYTE_B),
	ENUMERATOR(fx_big, FX_BIG_LOW),
	ENUMERATOR64(fx_big, FX_BIG_HIGH),
	ENUMERATOR64(fx_big, FX_BIG_TOP),
	ENUMERATOR64(fx_big_signed, FX_BS_MIN),
	ENUMERATOR64(fx_big_signed, FX_BS_NEG),
	ENUMERATOR64(fx_big_signed, FX_BS_MAX),
};

/* ---- checking ---- */

/* Every mismatch is printed, then the test fails once with the count. */
struct tally {
	const char *blob;
	int failures;
};

static void mismatch(struct tally *t, const char *what, const char *field, uint64_t btfwalk,
		     uint64_t expected)
{
	print_error("%s: %s: %s is %llu in btfwalk, %llu by the compiler\n", t->blob, what, field,
		    (unsigned long long)btfwalk, (unsigned long long)expected);
	t->failures++;
}

static void failed(struct tally *t, const char *what, const struct bw_error *err)
{
	print_error("%s: %s: %s: %s\n", t->blob, what, bw_strerror(err->code), err->msg);
	t->failures++;
}

static void expect_u64(struct tally *t, const char *what, const char *field, uint64_t btfwalk,
		       uint64_t expected)
{
	if (btfwalk != expected)
		mismatch(t, what, field, btfwalk, expected);
}

static bool find_type(struct tally *t, const struct bw_btf *btf, const char *name, int kind,
		      uint32_t *id)
{
	struct bw_error err = { 0 };

	if (bw_btf_find(btf, name, kind, id, &err) == 0)
		return true;
	failed(t, name, &err);
	return false;
}

static void check_members(struct tally *t, const struct bw_btf *btf,
			  const struct member_case *cases, size_t n, bool flat_arrays)
{
	for (size_t i = 0; i < n; i++) {
		const struct member_case *c = &cases[i];
		struct bw_member_loc loc;
		struct bw_error err = { 0 };
		char what[160];
		uint64_t size;
		uint32_t id;

		if (c->shape == (flat_arrays ? NESTED_ARRAYS : FLAT_ARRAYS))
			continue;
		snprintf(what, sizeof(what), "%s.%s", c->type, c->path);
		if (!find_type(t, btf, c->type, c->kind, &id))
			continue;
		if (bw_btf_path(btf, id, c->path, &loc, &err)) {
			failed(t, what, &err);
			continue;
		}
		expect_u64(t, what, "offset", loc.byte_offset, c->offset);
		expect_u64(t, what, "bit offset", loc.bit_offset, c->offset * 8);
		expect_u64(t, what, "bitfield size", loc.bitfield_size, 0);
		if (c->size == SIZE_UNKNOWN)
			continue;
		if (bw_btf_sizeof(btf, loc.type, &size, &err))
			failed(t, what, &err);
		else
			expect_u64(t, what, "size", size, c->size);
	}
}

static void check_bitfields(struct tally *t, const struct bw_btf *btf,
			    const struct bitfield_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct bitfield_case *c = &cases[i];
		union any_fixture obj;
		unsigned char *bytes = (unsigned char *)&obj;
		uint64_t first = UINT64_MAX, last = 0, count = 0;
		struct bw_member_loc loc;
		struct bw_error err = { 0 };
		char what[160];
		uint32_t id;

		memset(&obj, 0, sizeof(obj));
		c->set(&obj);
		for (uint64_t bit = 0; bit < c->type_size * 8; bit++) {
			if (!(bytes[bit / 8] >> (bit % 8) & 1))
				continue;
			if (first == UINT64_MAX)
				first = bit;
			last = bit;
			count++;
		}
		/* The native probe itself must have found one contiguous run of bits. */
		assert_int_not_equal(count, 0);
		assert_int_equal(last - first + 1, count);

		snprintf(what, sizeof(what), "%s.%s", c->type, c->path);
		if (!find_type(t, btf, c->type, c->kind, &id))
			continue;
		if (bw_btf_path(btf, id, c->path, &loc, &err)) {
			failed(t, what, &err);
			continue;
		}
		expect_u64(t, what, "bit offset", loc.bit_offset, first);
		expect_u64(t, what, "bitfield size", loc.bitfield_size, count);
		expect_u64(t, what, "byte offset", loc.byte_offset, first / 8);
	}
}

static void check_types(struct tally *t, const struct bw_btf *btf, const struct type_case *cases,
			size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct type_case *c = &cases[i];
		struct bw_error err = { 0 };
		uint64_t size, align;
		uint32_t id;

		if (!find_type(t, btf, c->name, c->kind, &id))
			continue;
		if (bw_btf_sizeof(btf, id, &size, &err))
			failed(t, c->name, &err);
		else
			expect_u64(t, c->name, "sizeof", size, c->size);
		if (!c->align)
			continue;
		if (bw_btf_alignof(btf, id, &align, &err))
			failed(t, c->name, &err);
		else
			expect_u64(t, c->name, "alignof", align, c->align);
	}
}

static void check_enums(struct tally *t, const struct bw_btf *btf, bool modern_enums)
{
	for (size_t i = 0; i < sizeof(layout_enums) / sizeof(layout_enums[0]); i++) {
		const struct enum_case *c = &layout_enums[i];
		struct bw_enumerator e;
		struct bw_error err = { 0 };
		const char *name;
		uint32_t id;
		uint64_t want = c->uvalue;

		/* Without signed enums in the blob, a 32-bit enumerator is its unsigned bits. */
		if (!modern_enums) {
			if (c->is64)
				continue;
			want = (uint32_t)want;
		}
		if (!find_type(t, btf, c->type, BW_KIND_UNKN, &id))
			continue;
		if (bw_btf_enum_value(btf, id, c->name, &e, &err)) {
			failed(t, c->name, &err);
			continue;
		}
		expect_u64(t, c->name, "unsigned value", e.uvalue, want);
		expect_u64(t, c->name, "signed value", (uint64_t)e.value, want);
		name = bw_btf_enum_name(btf, id, (int64_t)want);
		if (!name || strcmp(name, c->name)) {
			print_error("%s: enum %s value %llu names '%s', not '%s'\n", t->blob,
				    c->type, (unsigned long long)want, name ? name : "(none)",
				    c->name);
			t->failures++;
		}
		if (bw_btf_enum_value(btf, 0, c->name, &e, &err))
			failed(t, c->name, &err);
		else
			expect_u64(t, c->name, "value found by name alone", e.uvalue, want);
	}
}

/* Each "SECTION OFFSET SIZE NAME" line of the objdump table is a DATASEC variable. */
static void check_datasec(struct tally *t, const struct bw_btf *btf, const char *syms,
			  const char *only_sec)
{
	char sec[64], name[64];
	unsigned long long offset, size;
	int checked = 0;
	FILE *f = fopen(syms, "r");

	if (!f) {
		print_error("%s: cannot open %s (run from the repo root)\n", t->blob, syms);
		t->failures++;
		return;
	}
	while (fscanf(f, "%63s %llu %llu %63s", sec, &offset, &size, name) == 4) {
		struct bw_secinfo si;
		struct bw_type var;
		struct bw_error err = { 0 };
		uint64_t var_size;

		if (only_sec && strcmp(sec, only_sec))
			continue;
		checked++;
		if (bw_btf_datasec_var(btf, sec, name, &si, &err)) {
			failed(t, name, &err);
			continue;
		}
		expect_u64(t, name, "DATASEC offset", si.offset, offset);
		expect_u64(t, name, "DATASEC size", si.size, size);
		if (bw_btf_type(btf, si.type, &var, &err) || var.kind != BW_KIND_VAR ||
		    strcmp(var.name, name)) {
			print_error("%s: %s: DATASEC entry is not VAR '%s'\n", t->blob, sec, name);
			t->failures++;
			continue;
		}
		if (bw_btf_sizeof(btf, var.type, &var_size, &err))
			failed(t, name, &err);
		else
			expect_u64(t, name, "variable type size", var_size, size);
	}
	fclose(f);
	/* An empty table would make this check vacuous. */
	assert_int_not_equal(checked, 0);
}

/* ---- the blobs ---- */

static int open_blob(void **state)
{
	struct blob_case *b = *state;
	struct bw_btf_opts opts = { 0 };
	struct bw_error err = { 0 };

	b->base_btf = NULL;
	if (b->base) {
		if (bw_btf_open_file(b->base, NULL, &b->base_btf, &err)) {
			print_error("%s: %s\n", b->base, err.msg);
			return -1;
		}
		opts.base = b->base_btf;
	}
	if (bw_btf_open_file(b->path, &opts, &b->btf, &err)) {
		print_error("%s: %s (tests run from the repo root)\n", b->path, err.msg);
		bw_btf_close(b->base_btf);
		return -1;
	}
	return 0;
}

static int close_blob(void **state)
{
	struct blob_case *b = *state;

	bw_btf_close(b->btf);
	bw_btf_close(b->base_btf);
	return 0;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_layout(void **state)
{
	struct blob_case *b = *state;
	struct tally t = { b->path, 0 };

	check_members(&t, b->btf, layout_members, N(layout_members), b->flat_arrays);
	check_bitfields(&t, b->btf, layout_bitfields, N(layout_bitfields));
	check_types(&t, b->btf, layout_types, N(layout_types));
	check_enums(&t, b->btf, b->modern_enums);
	if (b->syms)
		check_datasec(&t, b->btf, b->syms, b->syms_sec);
	assert_int_equal(t.failures, 0);
}

static void test_module(void **state)
{
	struct blob_case *b = *state;
	struct tally t = { b->path, 0 };
	uint32_t id;

	check_members(&t, b->btf, module_members, N(module_members), b->flat_arrays);
	check_bitfields(&t, b->btf, module_bitfields, N(module_bitfields));
	check_types(&t, b->btf, module_types, N(module_types));
	/* module.c's own type has an id after the base's; bpftool -B shows it there too. */
	if (find_type(&t, b->btf, "fx_module_state", BW_KIND_STRUCT, &id) &&
	    id < bw_btf_start_id(b->btf))
		mismatch(&t, "fx_module_state", "type id below the split start", id,
			 bw_btf_start_id(b->btf));
	assert_int_equal(t.failures, 0);
}

/*
 * The split blob has its own .data..percpu beside the base's, as a module's BTF does on vmlinux:
 * a module's per-CPU variable must be found through the split BTF.
 */
static void test_module_percpu(void **state)
{
	struct blob_case *b = *state;
	struct tally t = { b->path, 0 };

	check_datasec(&t, b->btf, b->module_syms, b->syms_sec);
	assert_int_equal(t.failures, 0);
}

static struct blob_case clang_le = { .path = "fixtures/btf/layout.clang.btf" };
static struct blob_case clang_be = { .path = "fixtures/btf/layout.clang-eb.btf" };
static struct blob_case clang_elf = { .path = "fixtures/btf/layout.clang.elf",
				      .syms = "fixtures/btf/layout.clang.syms" };
static struct blob_case gcc_pahole = { .path = "fixtures/btf/layout.gcc.btf",
				       .modern_enums = true,
				       .flat_arrays = true,
				       .syms = "fixtures/btf/layout.gcc.syms",
				       .syms_sec = ".data..percpu" };
static struct blob_case clang_be_elf64 = { .path = "fixtures/btf/layout.clang-eb-elf64be.elf" };
static struct blob_case gcc_split = { .path = "fixtures/btf/module.gcc.btf",
				      .base = "fixtures/btf/layout.gcc.btf",
				      .modern_enums = true,
				      .flat_arrays = true,
				      .syms = "fixtures/btf/layout.gcc.syms",
				      .module_syms = "fixtures/btf/module.gcc.syms",
				      .syms_sec = ".data..percpu" };

#define BLOB_TEST(name, fn, blob) { name, fn, open_blob, close_blob, &blob }

int main(void)
{
	const struct CMUnitTest tests[] = {
		BLOB_TEST("layout: clang -target bpf, raw", test_layout, clang_le),
		BLOB_TEST("layout: clang -target bpfeb, raw big-endian", test_layout, clang_be),
		BLOB_TEST("layout: clang, linked ELF with DATASECs", test_layout, clang_elf),
		BLOB_TEST("layout: gcc + pahole -J, raw with ENUM64", test_layout, gcc_pahole),
		BLOB_TEST("layout: big-endian blob in a big-endian ELF64", test_layout,
			  clang_be_elf64),
		BLOB_TEST("layout: gcc + pahole split BTF", test_layout, gcc_split),
		BLOB_TEST("module: gcc + pahole split BTF", test_module, gcc_split),
		BLOB_TEST("module: per-CPU variable in the split .data..percpu", test_module_percpu,
			  gcc_split),
	};

	return cmocka_run_group_tests_name("fixture layout", tests, NULL, NULL);
}
