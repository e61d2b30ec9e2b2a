// SPDX-License-Identifier: MIT
/* Page tables the test lays out in a synthetic physical memory, 4- and 5-level. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "btfwalk/mem.h"
#include "image_builder.h"

#define P 0x1ull
#define RW 0x2ull
#define PS 0x80ull
#define PAT_HUGE 0x1000ull
#define NX (1ull << 63)
#define PKEY (0xfull << 59)
#define CBIT (1ull << 47)

#define PML5 0x5000ull
#define PML4 0x1000ull
#define PDPT 0x2000ull
#define PD 0x3000ull
#define PT 0x4000ull
#define PDPT_DIRECT 0x6000ull
#define PD_DIRECT 0x7000ull

static const uint64_t va_4k = 0xffffffff81234567ull;	  /* text: 4 KiB page */
static const uint64_t va_2m = 0xffff888040212345ull;	  /* direct map: 2 MiB page */
static const uint64_t va_1g = 0xffff888103456789ull;	  /* direct map: 1 GiB page */
static const uint64_t va_none = 0xffffc90000000000ull;	  /* vmalloc: no PML4 entry */
static const uint64_t va_pt_hole = 0xffffffff81235000ull; /* next 4 KiB page: no PT entry */
static const uint64_t va_la57 = 0xff11000000000000ull;	  /* only canonical with 5 levels */

static struct imgb_phys phys;
static struct bw_mem *mem;

static unsigned idx(uint64_t va, int level)
{
	return (unsigned)(va >> (12 + 9 * (level - 1))) & 0x1ff;
}

static void set(uint64_t table, unsigned i, uint64_t entry)
{
	imgb_put64(phys.mem + table + i * 8, entry);
}

/* Every table entry gets the encryption bit too; me_mask must take it out. */
static void build(uint64_t cbit)
{
	memset(phys.mem, 0, phys.size);
	set(PML5, idx(va_4k, 5), PML4 | cbit | P | RW);
	set(PML4, idx(va_4k, 4), PDPT | cbit | P | RW | NX);
	set(PDPT, idx(va_4k, 3), PD | cbit | P | RW);
	set(PD, idx(va_4k, 2), PT | cbit | P | RW);
	set(PT, idx(va_4k, 1), 0xabcde000ull | cbit | P | NX | PKEY);
	set(PML4, idx(va_2m, 4), PDPT_DIRECT | cbit | P | RW);
	set(PDPT_DIRECT, idx(va_2m, 3), PD_DIRECT | cbit | P | RW);
	set(PD_DIRECT, idx(va_2m, 2), 0x7fe00000ull | cbit | P | PS | PAT_HUGE | NX);
	set(PDPT_DIRECT, idx(va_1g, 3), 0x1c0000000ull | cbit | P | PS | PAT_HUGE);
}

static int setup(void **state)
{
	struct bw_mem_range r = {0, 0x10000};

	(void)state;
	imgb_phys_init(&phys, 0x10000);
	return bw_mem_open_callback(&r, 1, imgb_phys_read, &phys, NULL, &mem, NULL);
}

static int teardown(void **state)
{
	(void)state;
	bw_mem_close(mem);
	imgb_phys_free(&phys);
	return 0;
}

static void expect(const struct bw_pgtable *pt, uint64_t va, uint64_t want, uint64_t want_size)
{
	struct bw_error err;
	uint64_t pa = 0, size = 0;

	if (bw_pgtable_translate(pt, va, &pa, &size, &err))
		fail_msg("0x%llx: %s", (unsigned long long)va, err.msg);
	assert_int_equal(pa, want);
	assert_int_equal(size, want_size);
}

static void expect_fault(const struct bw_pgtable *pt, uint64_t va, const char *needle)
{
	struct bw_error err;
	uint64_t pa, size;

	assert_int_equal(bw_pgtable_translate(pt, va, &pa, &size, &err), -BW_EFAULT);
	if (!strstr(err.msg, needle))
		fail_msg("message \"%s\" does not name \"%s\"", err.msg, needle);
}

static void test_four_level(void **state)
{
	struct bw_pgtable pt = {mem, PML4 | 0x18 /* PWT|PCD in CR3 */, 4, 0};
	char want[128];

	(void)state;
	build(0);
	expect(&pt, va_4k, 0xabcde567ull, 4096);
	expect(&pt, va_2m, 0x7fe12345ull, 2u << 20);
	expect(&pt, va_1g, 0x1c3456789ull, 1u << 30);
	snprintf(want, sizeof(want), "vaddr 0x%llx: PML4 entry at physical 0x%llx is not present",
		 (unsigned long long)va_none, (unsigned long long)(PML4 + idx(va_none, 4) * 8));
	expect_fault(&pt, va_none, want);
	snprintf(want, sizeof(want), "PT entry at physical 0x%llx is not present",
		 (unsigned long long)(PT + idx(va_pt_hole, 1) * 8));
	expect_fault(&pt, va_pt_hole, want);
	/* A PD hole: the slot after the 2 MiB page. */
	expect_fault(&pt, va_2m + (2u << 20), "PD entry at physical 0x7");
	expect_fault(&pt, 0x0000800000000000ull, "not canonical for 4-level");
	expect_fault(&pt, va_la57, "not canonical");
	/* Lower half, canonical, not mapped. */
	expect_fault(&pt, 0x00007fffffffe000ull, "PML4 entry at physical 0x17f8");
}

static void test_five_level(void **state)
{
	struct bw_pgtable pt = {mem, PML5, 5, 0};

	(void)state;
	build(0);
	expect(&pt, va_4k, 0xabcde567ull, 4096);
	/* 0xffff... addresses share PML5 slot 511 and so the 4-level tables below it. */
	expect(&pt, va_2m, 0x7fe12345ull, 2u << 20);
	expect(&pt, va_1g, 0x1c3456789ull, 1u << 30);
	expect_fault(&pt, va_la57, "PML5 entry at physical 0x5888");
	set(PML5, idx(va_la57, 5), PML4 | P);
	expect_fault(&pt, va_la57, "PML4 entry at physical 0x1000 ");
	expect_fault(&pt, 0x0000800000000000ull, "PML5 entry at physical 0x5000");
	expect_fault(&pt, 0x0100000000000000ull, "not canonical for 5-level");
}

static void test_encryption_mask(void **state)
{
	struct bw_pgtable pt = {mem, PML4 | CBIT, 4, CBIT};

	(void)state;
	build(CBIT);
	expect(&pt, va_4k, 0xabcde567ull, 4096);
	expect(&pt, va_2m, 0x7fe12345ull, 2u << 20);
	expect(&pt, va_1g, 0x1c3456789ull, 1u << 30);
	/* Without the mask the C-bit is taken for an address bit: the table is out of the dump. */
	pt.me_mask = 0;
	expect_fault(&pt, va_4k, "PML4 entry at physical 0x800000001ff8 is not in the dump");
}

static void test_bad_tables(void **state)
{
	struct bw_pgtable pt = {mem, PML4, 4, 0};
	struct bw_error err;
	uint64_t pa;

	(void)state;
	build(0);
	/* A PDPT entry pointing outside the dump. */
	set(PDPT, idx(va_4k, 3), 0x7000000ull | P);
	expect_fault(&pt, va_4k, "PD entry at physical 0x7000");
	/* PS in a PML4 entry is reserved. */
	set(PML4, idx(va_4k, 4), PDPT | P | PS);
	expect_fault(&pt, va_4k, "reserved PS bit");
	pt.levels = 3;
	assert_int_equal(bw_pgtable_translate(&pt, va_4k, &pa, NULL, &err), -BW_EINVAL);
	assert_int_equal(bw_pgtable_translate(NULL, va_4k, &pa, NULL, &err), -BW_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_four_level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_five_level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_encryption_mask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_tables, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
