// SPDX-License-Identifier: MIT
/* VMCOREINFO text: the values the test wrote come back through the typed getters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "btfwalk/mem.h"

/* Shaped like a real 6.12 guest's /sys/kernel/vmcoreinfo text, with CRLF and garbage mixed in. */
static const char text[] = "OSRELEASE=6.12.9+bpo-amd64\n"
			   "BUILD-ID=3f1c2a9e0b7d\n"
			   "PAGESIZE=4096\n"
			   "SYMBOL(init_uts_ns)=ffffffff9a812340\n"
			   "SYMBOL(node_data)=0xffffffff9b0a1b00\r\n"
			   "garbage line without equals\n"
			   "=no key\n"
			   "OFFSET(pglist_data.node_zones)=0\n"
			   "SIZE(pglist_data)=174080\n"
			   "LENGTH(zone.free_area)=11\n"
			   "NUMBER(phys_base)=-2147483648\n"
			   "NUMBER(pgtable_l5_enabled)=1\n"
			   "NUMBER(big)=9223372036854775807\n"
			   "NUMBER(small)=-9223372036854775808\n"
			   "NUMBER(too_big)=9223372036854775808\n"
			   "SYMBOL(bad)=ffffzz\n"
			   "SYMBOL(empty)=\n"
			   "SYMBOL(wide)=1ffffffffffffffff\n"
			   "OFFSET(neg)=-1\n"
			   "KERNELOFFSET=19600000\n"
			   "CRASHTIME=1764130000\n"
			   "OSRELEASE=second-one-ignored\n"
			   "SYMBOL(last)=1"; /* no final newline */

static void test_getters(void **state)
{
	struct bw_vmcoreinfo *vi;
	struct bw_error err;
	uint64_t u;
	int64_t s;

	(void)state;
	assert_int_equal(bw_vmcoreinfo_parse(text, sizeof(text) - 1, NULL, &vi, &err), 0);
	assert_string_equal(bw_vmcoreinfo_get(vi, "OSRELEASE"), "6.12.9+bpo-amd64");
	assert_string_equal(bw_vmcoreinfo_get(vi, "BUILD-ID"), "3f1c2a9e0b7d");
	assert_null(bw_vmcoreinfo_get(vi, "garbage line without equals"));
	assert_int_equal(bw_vmcoreinfo_symbol(vi, "init_uts_ns", &u, &err), 0);
	assert_true(u == 0xffffffff9a812340ull);
	assert_int_equal(bw_vmcoreinfo_symbol(vi, "node_data", &u, &err), 0);
	assert_true(u == 0xffffffff9b0a1b00ull);
	assert_int_equal(bw_vmcoreinfo_symbol(vi, "last", &u, &err), 0);
	assert_int_equal(u, 1);
	assert_int_equal(bw_vmcoreinfo_offset(vi, "pglist_data.node_zones", &u, &err), 0);
	assert_int_equal(u, 0);
	assert_int_equal(bw_vmcoreinfo_size(vi, "pglist_data", &u, &err), 0);
	assert_int_equal(u, 174080);
	assert_int_equal(bw_vmcoreinfo_length(vi, "zone.free_area", &u, &err), 0);
	assert_int_equal(u, 11);
	assert_int_equal(bw_vmcoreinfo_number(vi, "phys_base", &s, &err), 0);
	assert_true(s == -2147483648ll);
	assert_int_equal(bw_vmcoreinfo_number(vi, "pgtable_l5_enabled", &s, &err), 0);
	assert_int_equal(s, 1);
	assert_int_equal(bw_vmcoreinfo_number(vi, "big", &s, &err), 0);
	assert_true(s == INT64_MAX);
	assert_int_equal(bw_vmcoreinfo_number(vi, "small", &s, &err), 0);
	assert_true(s == INT64_MIN);
	assert_int_equal(bw_vmcoreinfo_kerneloffset(vi, &u, &err), 0);
	assert_int_equal(u, 0x19600000);
	assert_int_equal(bw_vmcoreinfo_pagesize(vi, &u, &err), 0);
	assert_int_equal(u, 4096);
	assert_int_equal(bw_vmcoreinfo_crashtime(vi, &s, &err), 0);
	assert_int_equal(s, 1764130000);
	bw_vmcoreinfo_free(vi);
}

static void test_bad_values(void **state)
{
	struct bw_vmcoreinfo *vi;
	struct bw_error err;
	char longname[400];
	uint64_t u;
	int64_t s;

	(void)state;
	assert_int_equal(bw_vmcoreinfo_parse(text, sizeof(text) - 1, NULL, &vi, &err), 0);
	assert_int_equal(bw_vmcoreinfo_number(vi, "too_big", &s, &err), -BW_EFORMAT);
	assert_non_null(strstr(err.msg, "NUMBER(too_big)"));
	assert_int_equal(bw_vmcoreinfo_symbol(vi, "bad", &u, &err), -BW_EFORMAT);
	assert_non_null(strstr(err.msg, "SYMBOL(bad)=ffffzz"));
	assert_int_equal(bw_vmcoreinfo_symbol(vi, "empty", &u, &err), -BW_EFORMAT);
	assert_int_equal(bw_vmcoreinfo_symbol(vi, "wide", &u, &err), -BW_EFORMAT);
	assert_int_equal(bw_vmcoreinfo_offset(vi, "neg", &u, &err), -BW_EFORMAT);
	assert_int_equal(bw_vmcoreinfo_symbol(vi, "missing", &u, &err), -BW_ENOENT);
	assert_int_equal(err.code, BW_ENOENT);
	assert_non_null(strstr(err.msg, "SYMBOL(missing)"));
	/* The same name under another kind is not found. */
	assert_int_equal(bw_vmcoreinfo_offset(vi, "node_data", &u, &err), -BW_ENOENT);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(bw_vmcoreinfo_symbol(vi, longname, &u, &err), -BW_ENOENT);
	bw_vmcoreinfo_free(vi);
}

struct visit {
	int n;
	char keys[64][64];
};

static int visit_fn(void *ctx, const char *key, const char *value)
{
	struct visit *v = ctx;

	(void)value;
	snprintf(v->keys[v->n++], sizeof(v->keys[0]), "%s", key);
	return 0;
}

static int stop_at_third(void *ctx, const char *key, const char *value)
{
	int *n = ctx;

	(void)key;
	(void)value;
	return ++*n == 3 ? 42 : 0;
}

static void test_foreach_and_duplicates(void **state)
{
	struct bw_vmcoreinfo *vi;
	struct visit v = {0};
	struct bw_error err;
	int n = 0;

	(void)state;
	assert_int_equal(bw_vmcoreinfo_parse(text, sizeof(text) - 1, NULL, &vi, &err), 0);
	assert_int_equal(bw_vmcoreinfo_foreach(vi, visit_fn, &v), 0);
	/* 23 lines, of which 2 are garbage; the repeated OSRELEASE is still visited. */
	assert_int_equal(v.n, 21);
	assert_string_equal(v.keys[0], "OSRELEASE");
	assert_string_equal(v.keys[5], "OFFSET(pglist_data.node_zones)");
	assert_string_equal(v.keys[19], "OSRELEASE");
	assert_string_equal(v.keys[20], "SYMBOL(last)");
	assert_int_equal(bw_vmcoreinfo_foreach(vi, stop_at_third, &n), 42);
	assert_int_equal(n, 3);
	bw_vmcoreinfo_free(vi);
}

static void test_hostile_text(void **state)
{
	static const char nul_inside[] = "OSRELEASE=a\n\0SYMBOL(hidden)=1\n";
	struct bw_vmcoreinfo *vi;
	struct bw_error err;
	uint64_t u;
	char *big;
	size_t i;

	(void)state;
	/* Text ends at the first NUL, as in the kernel's zero-padded page. */
	assert_int_equal(bw_vmcoreinfo_parse(nul_inside, sizeof(nul_inside) - 1, NULL, &vi, &err),
			 0);
	assert_int_equal(bw_vmcoreinfo_symbol(vi, "hidden", &u, &err), -BW_ENOENT);
	bw_vmcoreinfo_free(vi);
	/* No KEY=VALUE line at all. */
	assert_int_equal(bw_vmcoreinfo_parse("\n\njunk\n", 7, NULL, &vi, &err), -BW_EFORMAT);
	assert_null(vi);
	assert_int_equal(bw_vmcoreinfo_parse("", 0, NULL, &vi, &err), -BW_EFORMAT);
	assert_int_equal(bw_vmcoreinfo_parse(NULL, 5, NULL, &vi, &err), -BW_EINVAL);
	/* Too many keys, and too much text. */
	big = malloc(BW_VMCOREINFO_MAX_SIZE + 2);
	assert_non_null(big);
	for (i = 0; i + 4 <= (BW_VMCOREINFO_MAX_KEYS + 1) * 4; i += 4)
		memcpy(big + i, "k=v\n", 4);
	assert_int_equal(bw_vmcoreinfo_parse(big, i, NULL, &vi, &err), -BW_ELIMIT);
	assert_int_equal(bw_vmcoreinfo_parse(big, i - 4, NULL, &vi, &err), 0);
	bw_vmcoreinfo_free(vi);
	memset(big, 'x', BW_VMCOREINFO_MAX_SIZE + 1);
	assert_int_equal(bw_vmcoreinfo_parse(big, BW_VMCOREINFO_MAX_SIZE + 1, NULL, &vi, &err),
			 -BW_ELIMIT);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_foreach_and_duplicates),
		cmocka_unit_test(test_hostile_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
