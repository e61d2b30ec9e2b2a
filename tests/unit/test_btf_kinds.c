/* SPDX-License-Identifier: MIT */
/*
 * Every BTF kind: a blob with one or more of each, written by the test's own builder, read back
 * through every accessor (expected values are what the test wrote), and dumped: the dump must
 * be what bpftool prints for the same blob (when bpftool is installed), and what bpftool's
 * format gives for the values written.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "btfwalk.h"
#include "btf_builder.h"

/* Ids of the all-kinds blob, in the order written. */
enum {
	K_INT = 1, K_UCHAR, K_CHAR, K_BOOL, K_PTR, K_ARRAY, K_STRUCT, K_UNION, K_ENUM, K_SENUM,
	K_FWD_S, K_FWD_U, K_TYPEDEF, K_VOLATILE, K_CONST, K_RESTRICT, K_PROTO, K_FUNC, K_VAR,
	K_GVAR, K_DATASEC, K_FLOAT, K_TAG_MEMBER, K_TAG_FUNC, K_TYPE_TAG, K_PTR_TAGGED, K_ENUM64,
	K_SENUM64, K_COUNT
};

static void kinds_build(struct btfb *b)
{
	btfb_init(b);
	btfb_int(b, "int", 4, 1, 0, 32);
	btfb_int(b, "unsigned char", 1, 0, 0, 8);
	btfb_int(b, "char", 1, 2, 0, 8);
	btfb_int(b, "_Bool", 1, 4, 0, 1);
	btfb_ptr(b, K_INT);
	btfb_array(b, K_INT, K_INT, 4);
	/* struct s { int a; int bf:3; int arr[4]; } */
	btfb_struct(b, BTFB_STRUCT, "s", 24, true, 3);
	btfb_member(b, "a", K_INT, 0, 0);
	btfb_member(b, "bf", K_INT, 32, 3);
	btfb_member(b, "arr", K_ARRAY, 64, 0);
	btfb_struct(b, BTFB_UNION, "u", 4, false, 2);
	btfb_member(b, "i", K_INT, 0, 0);
	btfb_member(b, "c", K_CHAR, 0, 0);
	btfb_enum(b, "e", 4, false, 2);
	btfb_enumerator(b, "E_A", 0);
	btfb_enumerator(b, "E_B", -1); /* 0xffffffff, unsigned */
	btfb_enum(b, "se", 4, true, 2);
	btfb_enumerator(b, "S_NEG", -5);
	btfb_enumerator(b, "S_POS", 7);
	btfb_fwd(b, "fs", false);
	btfb_fwd(b, "fu", true);
	btfb_ref(b, BTFB_TYPEDEF, "td", K_STRUCT);
	btfb_ref(b, BTFB_VOLATILE, NULL, K_INT);
	btfb_ref(b, BTFB_CONST, NULL, K_VOLATILE);
	btfb_ref(b, BTFB_RESTRICT, NULL, K_PTR);
	btfb_proto(b, K_INT, 3);
	btfb_param(b, "x", K_INT);
	btfb_param(b, NULL, K_PTR);
	btfb_param(b, NULL, 0); /* ... */
	btfb_func(b, "f", K_PROTO, 1);
	btfb_var(b, "v", K_INT, 0);
	btfb_var(b, "gv", K_STRUCT, 1);
	btfb_datasec(b, ".data", 32, 2);
	btfb_secinfo(b, K_VAR, 0, 4);
	btfb_secinfo(b, K_GVAR, 8, 24);
	btfb_float(b, "double", 8);
	btfb_decl_tag(b, "tag1", K_STRUCT, 1);
	btfb_decl_tag(b, "tag2", K_FUNC, -1);
	btfb_ref(b, BTFB_TYPE_TAG, "user", K_INT);
	btfb_ptr(b, K_TYPE_TAG);
	btfb_enum64(b, "e64", 8, false, 1);
	btfb_enumerator64(b, "BIG", 0xfffffffffffffff0ull);
	btfb_enum64(b, "s64", 8, true, 1);
	btfb_enumerator64(b, "M", (uint64_t)-2);
}

struct kinds_state {
	uint8_t *blob;
	size_t len;
	struct bw_btf *btf;
};

static int kinds_setup(void **state)
{
	struct kinds_state *s = calloc(1, sizeof(*s));
	struct bw_error err = { 0 };
	struct btfb b;

	kinds_build(&b);
	s->len = btfb_blob(&b, &s->blob);
	btfb_free(&b);
	if (bw_btf_open_mem(s->blob, s->len, NULL, &s->btf, &err)) {
		fprintf(stderr, "open: %s\n", err.msg);
		return -1;
	}
	*state = s;
	return 0;
}

static int kinds_teardown(void **state)
{
	struct kinds_state *s = *state;

	bw_btf_close(s->btf);
	free(s->blob);
	free(s);
	return 0;
}

static void expect_type(const struct bw_btf *btf, uint32_t id, int kind, const char *name,
			uint32_t vlen, bool kflag, uint32_t size, uint32_t type)
{
	struct bw_type t;

	assert_int_equal(bw_btf_type(btf, id, &t, NULL), 0);
	assert_int_equal(t.id, id);
	assert_int_equal(t.kind, kind);
	assert_string_equal(t.name, name);
	assert_int_equal(t.vlen, vlen);
	assert_int_equal(t.kflag, kflag);
	assert_int_equal(t.size, size);
	assert_int_equal(t.type, type);
}

static void test_common_fields(void **state)
{
	const struct bw_btf *btf = ((struct kinds_state *)*state)->btf;
	struct bw_type t;

	assert_int_equal(bw_btf_type_cnt(btf), K_COUNT);
	assert_int_equal(bw_btf_start_id(btf), 1);
	assert_null(bw_btf_base(btf));
	assert_false(bw_btf_swapped(btf));
	assert_int_equal(bw_btf_type(btf, 0, &t, NULL), 0);
	assert_int_equal(t.kind, BW_KIND_UNKN);
	assert_string_equal(t.name, "");
	assert_int_equal(bw_btf_type(btf, K_COUNT, &t, NULL), -BW_ENOENT);

	expect_type(btf, K_INT, BW_KIND_INT, "int", 0, false, 4, 0);
	expect_type(btf, K_PTR, BW_KIND_PTR, "", 0, false, 0, K_INT);
	expect_type(btf, K_ARRAY, BW_KIND_ARRAY, "", 0, false, 0, 0);
	expect_type(btf, K_STRUCT, BW_KIND_STRUCT, "s", 3, true, 24, 0);
	expect_type(btf, K_UNION, BW_KIND_UNION, "u", 2, false, 4, 0);
	expect_type(btf, K_ENUM, BW_KIND_ENUM, "e", 2, false, 4, 0);
	expect_type(btf, K_SENUM, BW_KIND_ENUM, "se", 2, true, 4, 0);
	expect_type(btf, K_FWD_S, BW_KIND_FWD, "fs", 0, false, 0, 0);
	expect_type(btf, K_FWD_U, BW_KIND_FWD, "fu", 0, true, 0, 0);
	expect_type(btf, K_TYPEDEF, BW_KIND_TYPEDEF, "td", 0, false, 0, K_STRUCT);
	expect_type(btf, K_VOLATILE, BW_KIND_VOLATILE, "", 0, false, 0, K_INT);
	expect_type(btf, K_CONST, BW_KIND_CONST, "", 0, false, 0, K_VOLATILE);
	expect_type(btf, K_RESTRICT, BW_KIND_RESTRICT, "", 0, false, 0, K_PTR);
	expect_type(btf, K_PROTO, BW_KIND_FUNC_PROTO, "", 3, false, 0, K_INT);
	expect_type(btf, K_FUNC, BW_KIND_FUNC, "f", 1, false, 0, K_PROTO);
	expect_type(btf, K_VAR, BW_KIND_VAR, "v", 0, false, 0, K_INT);
	expect_type(btf, K_DATASEC, BW_KIND_DATASEC, ".data", 2, false, 32, 0);
	expect_type(btf, K_FLOAT, BW_KIND_FLOAT, "double", 0, false, 8, 0);
	expect_type(btf, K_TAG_MEMBER, BW_KIND_DECL_TAG, "tag1", 0, false, 0, K_STRUCT);
	expect_type(btf, K_TYPE_TAG, BW_KIND_TYPE_TAG, "user", 0, false, 0, K_INT);
	expect_type(btf, K_ENUM64, BW_KIND_ENUM64, "e64", 1, false, 8, 0);
	expect_type(btf, K_SENUM64, BW_KIND_ENUM64, "s64", 1, true, 8, 0);
}

static void test_kind_data(void **state)
{
	const struct bw_btf *btf = ((struct kinds_state *)*state)->btf;
	struct bw_int i;
	struct bw_array a;
	struct bw_member m;
	struct bw_param p;
	struct bw_secinfo si;
	uint32_t linkage;
	int32_t cidx;

	assert_int_equal(bw_btf_int(btf, K_INT, &i, NULL), 0);
	assert_int_equal(i.encoding, BW_INT_SIGNED);
	assert_int_equal(i.bits, 32);
	assert_int_equal(i.offset, 0);
	assert_int_equal(bw_btf_int(btf, K_CHAR, &i, NULL), 0);
	assert_int_equal(i.encoding, BW_INT_CHAR);
	assert_int_equal(bw_btf_int(btf, K_BOOL, &i, NULL), 0);
	assert_int_equal(i.encoding, BW_INT_BOOL);
	assert_int_equal(i.bits, 1);
	assert_int_equal(bw_btf_int(btf, K_PTR, &i, NULL), -BW_EINVAL);

	assert_int_equal(bw_btf_array(btf, K_ARRAY, &a, NULL), 0);
	assert_int_equal(a.type, K_INT);
	assert_int_equal(a.index_type, K_INT);
	assert_int_equal(a.nelems, 4);

	assert_int_equal(bw_btf_member(btf, K_STRUCT, 1, &m, NULL), 0);
	assert_string_equal(m.name, "bf");
	assert_int_equal(m.type, K_INT);
	assert_int_equal(m.bit_offset, 32);
	assert_int_equal(m.bitfield_size, 3);
	assert_int_equal(bw_btf_member(btf, K_STRUCT, 2, &m, NULL), 0);
	assert_int_equal(m.bit_offset, 64);
	assert_int_equal(m.bitfield_size, 0);
	assert_int_equal(bw_btf_member(btf, K_STRUCT, 3, &m, NULL), -BW_ENOENT);
	assert_int_equal(bw_btf_member(btf, K_UNION, 1, &m, NULL), 0);
	assert_string_equal(m.name, "c");
	assert_int_equal(m.type, K_CHAR);

	assert_int_equal(bw_btf_param(btf, K_PROTO, 0, &p, NULL), 0);
	assert_string_equal(p.name, "x");
	assert_int_equal(p.type, K_INT);
	assert_int_equal(bw_btf_param(btf, K_PROTO, 2, &p, NULL), 0);
	assert_string_equal(p.name, "");
	assert_int_equal(p.type, 0);

	assert_int_equal(bw_btf_linkage(btf, K_FUNC, &linkage, NULL), 0);
	assert_int_equal(linkage, 1);
	assert_int_equal(bw_btf_linkage(btf, K_GVAR, &linkage, NULL), 0);
	assert_int_equal(linkage, 1);
	assert_int_equal(bw_btf_linkage(btf, K_VAR, &linkage, NULL), 0);
	assert_int_equal(linkage, 0);

	assert_int_equal(bw_btf_secinfo(btf, K_DATASEC, 1, &si, NULL), 0);
	assert_int_equal(si.type, K_GVAR);
	assert_int_equal(si.offset, 8);
	assert_int_equal(si.size, 24);

	assert_int_equal(bw_btf_decl_tag_idx(btf, K_TAG_MEMBER, &cidx, NULL), 0);
	assert_int_equal(cidx, 1);
	assert_int_equal(bw_btf_decl_tag_idx(btf, K_TAG_FUNC, &cidx, NULL), 0);
	assert_int_equal(cidx, -1);
}

static void test_enumerators(void **state)
{
	const struct bw_btf *btf = ((struct kinds_state *)*state)->btf;
	struct bw_enumerator e;

	assert_int_equal(bw_btf_enumerator(btf, K_ENUM, 1, &e, NULL), 0);
	assert_string_equal(e.name, "E_B");
	assert_false(e.is_signed);
	assert_true(e.uvalue == 0xffffffffull);
	assert_int_equal(bw_btf_enumerator(btf, K_SENUM, 0, &e, NULL), 0);
	assert_true(e.is_signed);
	assert_true(e.value == -5);
	assert_int_equal(bw_btf_enumerator(btf, K_ENUM64, 0, &e, NULL), 0);
	assert_true(e.uvalue == 0xfffffffffffffff0ull);
	assert_int_equal(bw_btf_enumerator(btf, K_SENUM64, 0, &e, NULL), 0);
	assert_true(e.value == -2);
	assert_int_equal(bw_btf_enumerator(btf, K_STRUCT, 0, &e, NULL), -BW_EINVAL);
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(bw_kind_name(BW_KIND_ENUM64), "ENUM64");
	assert_string_equal(bw_kind_name(BW_KIND_FUNC_PROTO), "FUNC_PROTO");
	assert_string_equal(bw_kind_name(0), "UNKN");
	assert_string_equal(bw_kind_name(20), "UNKN");
	assert_string_equal(bw_kind_name(-1), "UNKN");
}

/* bpftool's raw format for the values kinds_build() wrote. */
static const char kinds_expected_dump[] =
	"[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n"
	"[2] INT 'unsigned char' size=1 bits_offset=0 nr_bits=8 encoding=(none)\n"
	"[3] INT 'char' size=1 bits_offset=0 nr_bits=8 encoding=CHAR\n"
	"[4] INT '_Bool' size=1 bits_offset=0 nr_bits=1 encoding=BOOL\n"
	"[5] PTR '(anon)' type_id=1\n"
	"[6] ARRAY '(anon)' type_id=1 index_type_id=1 nr_elems=4\n"
	"[7] STRUCT 's' size=24 vlen=3\n"
	"\t'a' type_id=1 bits_offset=0\n"
	"\t'bf' type_id=1 bits_offset=32 bitfield_size=3\n"
	"\t'arr' type_id=6 bits_offset=64\n"
	"[8] UNION 'u' size=4 vlen=2\n"
	"\t'i' type_id=1 bits_offset=0\n"
	"\t'c' type_id=3 bits_offset=0\n"
	"[9] ENUM 'e' encoding=UNSIGNED size=4 vlen=2\n"
	"\t'E_A' val=0\n"
	"\t'E_B' val=4294967295\n"
	"[10] ENUM 'se' encoding=SIGNED size=4 vlen=2\n"
	"\t'S_NEG' val=-5\n"
	"\t'S_POS' val=7\n"
	"[11] FWD 'fs' fwd_kind=struct\n"
	"[12] FWD 'fu' fwd_kind=union\n"
	"[13] TYPEDEF 'td' type_id=7\n"
	"[14] VOLATILE '(anon)' type_id=1\n"
	"[15] CONST '(anon)' type_id=14\n"
	"[16] RESTRICT '(anon)' type_id=5\n"
	"[17] FUNC_PROTO '(anon)' ret_type_id=1 vlen=3\n"
	"\t'x' type_id=1\n"
	"\t'(anon)' type_id=5\n"
	"\t'(anon)' type_id=0\n"
	"[18] FUNC 'f' type_id=17 linkage=global\n"
	"[19] VAR 'v' type_id=1, linkage=static\n"
	"[20] VAR 'gv' type_id=7, linkage=global\n"
	"[21] DATASEC '.data' size=32 vlen=2\n"
	"\ttype_id=19 offset=0 size=4 (VAR 'v')\n"
	"\ttype_id=20 offset=8 size=24 (VAR 'gv')\n"
	"[22] FLOAT 'double' size=8\n"
	"[23] DECL_TAG 'tag1' type_id=7 component_idx=1\n"
	"[24] DECL_TAG 'tag2' type_id=18 component_idx=-1\n"
	"[25] TYPE_TAG 'user' type_id=1\n"
	"[26] PTR '(anon)' type_id=25\n"
	"[27] ENUM64 'e64' encoding=UNSIGNED size=8 vlen=1\n"
	"\t'BIG' val=18446744073709551600ULL\n"
	"[28] ENUM64 's64' encoding=SIGNED size=8 vlen=1\n"
	"\t'M' val=-2LL\n";

static void test_dump_format(void **state)
{
	const struct bw_btf *btf = ((struct kinds_state *)*state)->btf;
	struct btfb_text d = { 0 };

	assert_int_equal(bw_btf_dump_raw(btf, btfb_text_append, &d, NULL), 0);
	assert_string_equal(d.s, kinds_expected_dump);
	free(d.s);
}

/* The same blob through the installed bpftool, when there is one. */
static void test_dump_matches_bpftool(void **state)
{
	struct kinds_state *s = *state;
	struct btfb_text d = { 0 };
	char cmd[256], *path, *want;

	if (system("command -v bpftool >/dev/null 2>&1"))
		skip();
	path = btfb_tmpfile(s->blob, s->len);
	snprintf(cmd, sizeof(cmd), "bpftool btf dump file %s format raw 2>/dev/null", path);
	want = btfb_command_output(cmd);
	unlink(path);
	free(path);
	assert_int_equal(bw_btf_dump_raw(s->btf, btfb_text_append, &d, NULL), 0);
	assert_non_null(want);
	assert_string_equal(d.s, want);
	free(d.s);
	free(want);
}

static int dump_stop(void *ctx, const char *text, size_t len)
{
	(void)ctx;
	(void)text;
	(void)len;
	return 1;
}

static void test_dump_writer_stops(void **state)
{
	const struct bw_btf *btf = ((struct kinds_state *)*state)->btf;
	struct bw_error err = { 0 };

	assert_int_equal(bw_btf_dump_raw(btf, dump_stop, NULL, &err), -BW_EIO);
	assert_non_null(strstr(err.msg, "writer stopped"));
}

/* Names of every kind are capped at BW_BTF_MAX_NAME_LEN; the longest allowed dumps whole. */
static void test_dump_long_name(void **state)
{
	struct btfb_text d = { 0 };
	struct bw_error err = { 0 };
	struct bw_btf *btf;
	char name[BW_BTF_MAX_NAME_LEN + 1], want[BW_BTF_MAX_NAME_LEN + 100];
	uint8_t *blob;
	struct btfb b;
	size_t len;

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	btfb_init(&b);
	btfb_int(&b, name, 4, 0, 0, 32);
	len = btfb_blob(&b, &blob);
	btfb_free(&b);
	assert_int_equal(bw_btf_open_mem(blob, len, NULL, &btf, &err), -BW_EFORMAT);
	assert_non_null(strstr(err.msg, "is 512 bytes or longer"));
	free(blob);

	name[BW_BTF_MAX_NAME_LEN - 1] = 0;
	btfb_init(&b);
	btfb_int(&b, name, 4, 0, 0, 32);
	len = btfb_blob(&b, &blob);
	btfb_free(&b);
	assert_int_equal(bw_btf_open_mem(blob, len, NULL, &btf, NULL), 0);
	assert_int_equal(bw_btf_dump_raw(btf, btfb_text_append, &d, NULL), 0);
	snprintf(want, sizeof(want), "[1] INT '%s' size=4 bits_offset=0 nr_bits=32 encoding=(none)\n",
		 name);
	assert_string_equal(d.s, want);
	free(d.s);
	bw_btf_close(btf);
	free(blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_common_fields),
		cmocka_unit_test(test_kind_data),
		cmocka_unit_test(test_enumerators),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_dump_format),
		cmocka_unit_test(test_dump_matches_bpftool),
		cmocka_unit_test(test_dump_writer_stops),
		cmocka_unit_test(test_dump_long_name),
	};

	return cmocka_run_group_tests(tests, kinds_setup, kinds_teardown);
}
