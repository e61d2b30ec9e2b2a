/* SPDX-License-Identifier: MIT */
/* The QMP reply, info mtree -f and gpa2hva parsers on what QEMU 10 prints and on broken text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "mem/qmp.h"

static int reply(const char *line, enum bw_qmp_kind *kind, char *text, size_t cap)
{
	struct bw_error err;
	size_t tlen;

	return bw_qmp_reply(line, strlen(line), kind, text, cap, &tlen, &err);
}

static void test_qmp_reply(void **state)
{
	enum bw_qmp_kind kind;
	char text[256];

	(void)state;
	assert_int_equal(reply("{\"return\": \"a\\r\\nb \\\"q\\\" \\u0041\"}", &kind, text, 256),
			 0);
	assert_int_equal(kind, BW_QMP_RETURN);
	assert_string_equal(text, "a\r\nb \"q\" A");
	assert_int_equal(reply("{\"return\": {}}", &kind, text, 256), 0);
	assert_int_equal(kind, BW_QMP_RETURN);
	assert_string_equal(text, "");
	assert_int_equal(reply("{\"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}}",
			       &kind, text, 256),
			 0);
	assert_int_equal(kind, BW_QMP_ERROR);
	assert_string_equal(text, "no");
	assert_int_equal(reply("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, "
			       "\"event\": \"STOP\"}",
			       &kind, text, 256),
			 0);
	assert_int_equal(kind, BW_QMP_OTHER);
	assert_int_equal(reply("{\"QMP\": {\"version\": {\"qemu\": {\"major\": 10}}, "
			       "\"capabilities\": [\"oob\"]}}",
			       &kind, text, 256),
			 0);
	assert_int_equal(kind, BW_QMP_OTHER);
	/* Broken: truncated, unterminated string, bad escape, trailing bytes, not an object, too
	 * deep, too long for the buffer. */
	assert_int_equal(reply("{\"return\": \"abc", &kind, text, 256), -BW_EFORMAT);
	assert_int_equal(reply("{\"return\": \"a\\x\"}", &kind, text, 256), -BW_EFORMAT);
	assert_int_equal(reply("{\"return\": 1} x", &kind, text, 256), -BW_EFORMAT);
	assert_int_equal(reply("[1, 2]", &kind, text, 256), -BW_EFORMAT);
	assert_int_equal(reply("", &kind, text, 256), -BW_EFORMAT);
	assert_int_equal(
		reply("{\"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]"
		      "]]]]]]]]]]]]]]]]]]}",
		      &kind, text, 256),
		-BW_EFORMAT);
	assert_int_equal(reply("{\"return\": \"0123456789\"}", &kind, text, 8), -BW_ELIMIT);
}

static const char mtree[] =
	"FlatView #0\n"
	" AS \"cpu-smm-0\", root: memory\n"
	" Root memory region: memory\n"
	"  0000000000000000-00000000000bffff (prio 0, ram): smm-ram\n"
	"\n"
	"FlatView #1\n"
	" AS \"memory\", root: system\n"
	" AS \"cpu-memory-0\", root: system\n"
	" Root memory region: system\n"
	"  0000000000000000-00000000000bffff (prio 0, ram): m0\n"
	"  00000000000c0000-00000000000dffff (prio 1, rom): pc.rom\n"
	"  0000000000100000-000000000fffffff (prio 0, ram): m0 @0000000000100000\n"
	"  0000000010000000-000000001fffffff (prio 0, ram): m1\n"
	"  00000000fee00000-00000000feefffff (prio 4096, i/o): apic-msi\n"
	"\n"
	"FlatView #2\n"
	" AS \"I/O\", root: io\n"
	"  0000000000000000-0000000000000007 (prio 0, ram): not-memory\n";

static void test_qmp_mtree(void **state)
{
	struct bw_mem_range r[8];
	struct bw_error err;
	size_t n;

	(void)state;
	assert_int_equal(bw_qmp_parse_mtree(mtree, strlen(mtree), r, 8, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].size, 0xc0000);
	assert_int_equal(r[1].start, 0x100000);
	assert_int_equal(r[1].size, 0xff00000);
	assert_int_equal(r[2].start, 0x10000000);
	assert_int_equal(r[2].size, 0x10000000);
	assert_int_equal(bw_qmp_parse_mtree(mtree, strlen(mtree), r, 2, &n, &err), -BW_ELIMIT);
	assert_int_equal(bw_qmp_parse_mtree(mtree, 60, r, 8, &n, &err), -BW_ENOENT);
	assert_int_equal(bw_qmp_parse_mtree("garbage", 7, r, 8, &n, &err), -BW_ENOENT);
	/* A range whose end is before its start, or that covers 2^64 bytes, is no RAM. */
	{
		static const char bad[] = " AS \"memory\", root: system\n"
					  "  0000000000002000-0000000000001000 (prio 0, ram): x\n"
					  "  0000000000000000-ffffffffffffffff (prio 0, ram): y\n"
					  "  00000000000000000-0000000000000001 (prio 0, ram): z\n"
					  "  0000000000000000-0000000000000001 (prio 0, rom): w\n"
					  "  0000000000000000-0000000000000001 (prio 0, ram";

		assert_int_equal(bw_qmp_parse_mtree(bad, strlen(bad), r, 8, &n, &err), -BW_ENOENT);
	}
}

static void test_qmp_gpa2hva(void **state)
{
	static const char ok[] = "Host virtual address for 0x100000 (m0) is 0x7fa697f00000\r\n";
	static const char no[] = "No memory is mapped at address 0xfffffffff0\r\n";
	struct bw_error err;
	uint64_t hva;

	(void)state;
	assert_int_equal(bw_qmp_parse_gpa2hva(ok, strlen(ok), &hva, &err), 0);
	assert_int_equal(hva, 0x7fa697f00000ull);
	assert_int_equal(bw_qmp_parse_gpa2hva(no, strlen(no), &hva, &err), -BW_EFORMAT);
	assert_string_equal(err.msg,
			    "gpa2hva answered \"No memory is mapped at address 0xfffffffff0\"");
	assert_int_equal(bw_qmp_parse_gpa2hva(ok, 40, &hva, &err), -BW_EFORMAT);
	assert_int_equal(bw_qmp_parse_gpa2hva(ok, strlen(ok) - 8, &hva, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qmp_reply),
		cmocka_unit_test(test_qmp_mtree),
		cmocka_unit_test(test_qmp_gpa2hva),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
