// SPDX-License-Identifier: MIT
/* System.map and /proc/kallsyms text the test wrote, parsed and looked up. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "btfwalk/mem.h"

static const char kallsyms[] = "0000000000000000 A fixed_percpu_data\n"
			       "ffffffff81000000 T _stext\n"
			       "ffffffff81000000 T _text\n"
			       "ffffffff81234560 t helper\n"
			       "ffffffff82000010 d helper\n" /* a second static of the same name */
			       "ffffffff8a0b1c00 D node_data\r\n"
			       "\n"
			       "ffffffffc0a01000 t helper\t[ext4]\n"
			       "ffffffffc0a02000 T only_in_module\t[ext4]\n"
			       "ffffffffc0a03000 T node_data\t[evil]\n"
			       "ffffffff9c01b2c0 B __per_cpu_offset";

static void test_parse_and_lookup(void **state)
{
	struct bw_symtab *st;
	struct bw_symbol sym;
	struct bw_error err;
	uint64_t a;

	(void)state;
	assert_int_equal(bw_symtab_parse(kallsyms, sizeof(kallsyms) - 1, NULL, &st, &err), 0);
	assert_int_equal(bw_symtab_count(st), 10);
	assert_int_equal(bw_symtab_lookup(st, "_text", &a, &err), 0);
	assert_true(a == 0xffffffff81000000ull);
	assert_int_equal(bw_symtab_lookup(st, "fixed_percpu_data", &a, &err), 0);
	assert_int_equal(a, 0);
	/* The kernel's global beats a module's; the kernel's local beats a module's. */
	assert_int_equal(bw_symtab_lookup(st, "node_data", &a, &err), 0);
	assert_true(a == 0xffffffff8a0b1c00ull);
	assert_int_equal(bw_symtab_lookup(st, "helper", &a, &err), 0);
	assert_true(a == 0xffffffff81234560ull);
	assert_int_equal(bw_symtab_lookup(st, "only_in_module", &a, &err), 0);
	assert_true(a == 0xffffffffc0a02000ull);
	assert_int_equal(bw_symtab_lookup(st, "__per_cpu_offset", &a, &err), 0);
	assert_true(a == 0xffffffff9c01b2c0ull);
	assert_int_equal(bw_symtab_lookup(st, "runqueues", &a, &err), -BW_ENOENT);
	assert_non_null(strstr(err.msg, "runqueues"));
	assert_int_equal(bw_symtab_lookup(st, "helpe", &a, &err), -BW_ENOENT);

	assert_int_equal(bw_symtab_get(st, 6, &sym), 0);
	assert_string_equal(sym.name, "helper");
	assert_string_equal(sym.module, "ext4");
	assert_int_equal(sym.type, 't');
	assert_true(sym.addr == 0xffffffffc0a01000ull);
	assert_int_equal(bw_symtab_get(st, 5, &sym), 0);
	assert_null(sym.module);
	assert_int_equal(sym.type, 'D');
	assert_int_equal(bw_symtab_get(st, 10, &sym), -BW_ENOENT);
	bw_symtab_free(st);
}

static void expect_bad(const char *text, int code, const char *needle)
{
	struct bw_symtab *st = (struct bw_symtab *)1;
	struct bw_error err;

	assert_int_equal(bw_symtab_parse(text, strlen(text), NULL, &st, &err), -code);
	assert_null(st);
	if (!strstr(err.msg, needle))
		fail_msg("message \"%s\" does not name \"%s\"", err.msg, needle);
}

static void test_bad_files(void **state)
{
	char longname[700];

	(void)state;
	expect_bad("ffffffff81000000 T a\nzz T b\n", BW_EFORMAT, "line 2");
	expect_bad("ffffffff81000000 T a\n\nffffffff81000000 T\n", BW_EFORMAT, "line 3");
	expect_bad("ffffffff81000000 TT a\n", BW_EFORMAT, "line 1");
	expect_bad("1ffffffff81000000 T a\n", BW_EFORMAT, "line 1");
	expect_bad("ffffffff81000000 T a b\n", BW_EFORMAT, "line 1");
	expect_bad("ffffffff81000000 T a\t[mod\n", BW_EFORMAT, "line 1");
	expect_bad("ffffffff81000000 T a\t[]\n", BW_EFORMAT, "line 1");
	expect_bad("0000000000000000 T a\n0000000000000000 t b\n", BW_EFORMAT, "kptr_restrict");
	expect_bad("\n\n", BW_EFORMAT, "no symbol");
	snprintf(longname, sizeof(longname), "ffffffff81000000 T %0600d\n", 7);
	expect_bad(longname, BW_EFORMAT, "line 1");
}

static void test_nul_ends_text(void **state)
{
	static const char text[] = "ffffffff81000000 T a\n\0garbage that is not a line";
	struct bw_symtab *st;
	struct bw_error err;

	(void)state;
	assert_int_equal(bw_symtab_parse(text, sizeof(text) - 1, NULL, &st, &err), 0);
	assert_int_equal(bw_symtab_count(st), 1);
	bw_symtab_free(st);
}

/* Many symbols: every one is found at the address written for it. */
static void test_many(void **state)
{
	size_t n = 200000, i, len = 0;
	char *text = malloc(n * 40);
	struct bw_symtab *st;
	struct bw_error err;
	uint64_t a;
	char name[32];

	(void)state;
	assert_non_null(text);
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "%016llx t sym_%zu\n",
				       0xffffffff81000000ull + i * 16, i);
	assert_int_equal(bw_symtab_parse(text, len, NULL, &st, &err), 0);
	assert_int_equal(bw_symtab_count(st), n);
	for (i = 0; i < n; i += 997) {
		snprintf(name, sizeof(name), "sym_%zu", i);
		assert_int_equal(bw_symtab_lookup(st, name, &a, &err), 0);
		assert_true(a == 0xffffffff81000000ull + i * 16);
	}
	bw_symtab_free(st);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_lookup),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_nul_ends_text),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
