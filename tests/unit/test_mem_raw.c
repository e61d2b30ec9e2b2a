// SPDX-License-Identifier: MIT
/* Raw images, several raw files at their own bases, callback sources, VMCOREINFO scanning. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "btfwalk/mem.h"
#include "image_builder.h"

static uint8_t pattern(uint64_t paddr)
{
	return (uint8_t)(paddr * 7 + 3 + (paddr >> 12));
}

static void fill(uint8_t *buf, size_t len, uint64_t base)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pattern(base + i);
}

static void test_raw_image(void **state)
{
	char *dir = imgb_tmpdir(), *path;
	uint8_t img[3 * 4096], got[100];
	struct bw_mem_range r[4];
	struct bw_error err;
	struct bw_mem *mem;
	const char *spec;
	int i;

	(void)state;
	fill(img, sizeof(img), 0);
	path = imgb_write(dir, "ram.raw", img, sizeof(img));
	spec = path;
	assert_int_equal(bw_mem_open(&spec, 1, NULL, &mem, &err), 0);
	assert_int_equal(bw_mem_ranges(mem, r, 4), 1);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].size, sizeof(img));
	assert_int_equal(bw_mem_read(mem, 4090, got, 100, &err), 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(got[i], pattern(4090 + (uint64_t)i));
	/* The last byte reads; one past it is absent and named. */
	assert_int_equal(bw_mem_read(mem, sizeof(img) - 1, got, 1, &err), 0);
	assert_int_equal(got[0], pattern(sizeof(img) - 1));
	assert_int_equal(bw_mem_read(mem, sizeof(img) - 1, got, 2, &err), -BW_EFAULT);
	assert_int_equal(err.code, BW_EFAULT);
	assert_non_null(strstr(err.msg, "0x3000"));
	assert_int_equal(bw_mem_read(mem, UINT64_MAX, got, 1, &err), -BW_EFAULT);
	assert_null(bw_mem_vmcoreinfo_note(mem, NULL));
	assert_int_equal(bw_mem_cpu_regs(mem, NULL, 0), 0);
	bw_mem_close(mem);
	free(path);
	imgb_rmdir(dir);
}

/* node0 at 0, node1 at 0x10000 (a gap between), node2 at 0x20000 right after a 64 KiB gap. */
static void test_multi_raw_with_gaps(void **state)
{
	char *dir = imgb_tmpdir(), *p0, *p1, *p2, specs[3][4200];
	const char *sv[3];
	uint8_t a[8192], b[4096], c[4096], got[64];
	struct bw_mem_range r[4];
	struct bw_error err;
	struct bw_mem *mem;
	int i;

	(void)state;
	fill(a, sizeof(a), 0);
	fill(b, sizeof(b), 0x10000);
	fill(c, sizeof(c), 0x11000);
	p0 = imgb_write(dir, "node0.ram", a, sizeof(a));
	p1 = imgb_write(dir, "node1.ram", b, sizeof(b));
	p2 = imgb_write(dir, "node2@x.ram", c, sizeof(c)); /* '@' inside a path */
	/* Given out of order; decimal and hex bases. */
	snprintf(specs[0], sizeof(specs[0]), "%s@0x11000", p2);
	snprintf(specs[1], sizeof(specs[1]), "%s@0", p0);
	snprintf(specs[2], sizeof(specs[2]), "%s@65536", p1);
	for (i = 0; i < 3; i++)
		sv[i] = specs[i];
	assert_int_equal(bw_mem_open(sv, 3, NULL, &mem, &err), 0);
	assert_int_equal(bw_mem_ranges(mem, r, 4), 3);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].size, 8192);
	assert_int_equal(r[1].start, 0x10000);
	assert_int_equal(r[2].start, 0x11000);
	/* A read spanning two adjacent files. */
	assert_int_equal(bw_mem_read(mem, 0x11000 - 32, got, 64, &err), 0);
	for (i = 0; i < 64; i++)
		assert_int_equal(got[i], pattern(0x11000 - 32 + (uint64_t)i));
	/* The gap is absent, not zeros; a read running into it names the gap's first byte. */
	assert_int_equal(bw_mem_read(mem, 0x5000, got, 1, &err), -BW_EFAULT);
	assert_non_null(strstr(err.msg, "0x5000"));
	assert_int_equal(bw_mem_read(mem, 8192 - 8, got, 16, &err), -BW_EFAULT);
	assert_non_null(strstr(err.msg, "0x2000"));
	bw_mem_close(mem);

	/* A path whose '@' suffix is not a number is a plain path (raw at 0). */
	sv[0] = p2;
	assert_int_equal(bw_mem_open(sv, 1, NULL, &mem, &err), 0);
	assert_int_equal(bw_mem_read(mem, 0, got, 1, &err), 0);
	assert_int_equal(got[0], pattern(0x11000));
	bw_mem_close(mem);

	/* Overlapping files are refused, naming both ranges. */
	snprintf(specs[0], sizeof(specs[0]), "%s@0x1000", p1);
	sv[0] = specs[0];
	sv[1] = specs[1];
	assert_int_equal(bw_mem_open(sv, 2, NULL, &mem, &err), -BW_EFORMAT);
	assert_null(mem);
	assert_non_null(strstr(err.msg, "overlap"));
	assert_non_null(strstr(err.msg, "0x1000"));
	free(p0);
	free(p1);
	free(p2);
	imgb_rmdir(dir);
}

static void test_open_errors(void **state)
{
	char *dir = imgb_tmpdir(), *empty, missing[4200], big[4200];
	const char *sv[1];
	struct bw_error err;
	struct bw_mem *mem;
	uint8_t one = 1;

	(void)state;
	empty = imgb_write(dir, "empty", &one, 0);
	sv[0] = empty;
	assert_int_equal(bw_mem_open(sv, 1, NULL, &mem, &err), -BW_EFORMAT);
	assert_non_null(strstr(err.msg, "empty"));
	snprintf(missing, sizeof(missing), "%s/nope", dir);
	sv[0] = missing;
	assert_int_equal(bw_mem_open(sv, 1, NULL, &mem, &err), -BW_EIO);
	assert_non_null(strstr(err.msg, "nope"));
	sv[0] = dir;
	assert_int_equal(bw_mem_open(sv, 1, NULL, &mem, &err), -BW_EIO);
	assert_int_equal(bw_mem_open(sv, 0, NULL, &mem, &err), -BW_EINVAL);
	assert_int_equal(bw_mem_open(sv, BW_MEM_MAX_FILES + 1, NULL, &mem, &err), -BW_ELIMIT);
	/* A kdump-compressed file is refused, not read as raw memory; with @0 it is raw. */
	free(empty);
	empty = imgb_write(dir, "vmcore.kdump", "KDUMP   \x06\0\0\0", 12);
	sv[0] = empty;
	assert_int_equal(bw_mem_open(sv, 1, NULL, &mem, &err), -BW_ENOTSUP);
	assert_non_null(strstr(err.msg, "kdump-compressed"));
	snprintf(big, sizeof(big), "%s@0", empty);
	sv[0] = big;
	assert_int_equal(bw_mem_open(sv, 1, NULL, &mem, &err), 0);
	bw_mem_close(mem);
	/* A base so high the file would wrap past 2^64. */
	free(empty);
	empty = imgb_write(dir, "two", "ab", 2);
	snprintf(big, sizeof(big), "%s@0xffffffffffffffff", empty);
	sv[0] = big;
	assert_int_equal(bw_mem_open(sv, 1, NULL, &mem, &err), -BW_EFORMAT);
	assert_non_null(strstr(err.msg, "0xffffffffffffffff"));
	free(empty);
	imgb_rmdir(dir);
}

struct counting_phys {
	struct imgb_phys phys;
	int calls;
};

static int counting_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	struct counting_phys *c = ctx;

	c->calls++;
	return imgb_phys_read(&c->phys, paddr, buf, len);
}

static void test_callback_source(void **state)
{
	struct bw_mem_range ranges[2] = {{0x3000, 0x1000}, {0x1000, 0x1000}}, r[2];
	struct counting_phys c = {{NULL, 0}, 0};
	struct bw_error err;
	struct bw_mem *mem;
	uint8_t got[16];

	(void)state;
	imgb_phys_init(&c.phys, 0x4000);
	fill(c.phys.mem, 0x4000, 0);
	assert_int_equal(bw_mem_open_callback(ranges, 2, counting_read, &c, NULL, &mem, &err), 0);
	assert_int_equal(bw_mem_ranges(mem, r, 2), 2);
	assert_int_equal(r[0].start, 0x1000);
	assert_int_equal(r[1].start, 0x3000);
	assert_int_equal(bw_mem_read(mem, 0x3ff8, got, 8, &err), 0);
	assert_int_equal(got[7], pattern(0x3fff));
	/* Present in the callback's buffer but outside the declared ranges: absent. */
	assert_int_equal(bw_mem_read(mem, 0x2000, got, 8, &err), -BW_EFAULT);
	assert_non_null(strstr(err.msg, "0x2000"));
	assert_int_equal(c.calls, 1);
	bw_mem_close(mem);

	/* A range the callback refuses is a fault naming the address. */
	ranges[0] = (struct bw_mem_range){0x4000, 0x1000};
	assert_int_equal(bw_mem_open_callback(ranges, 1, counting_read, &c, NULL, &mem, &err), 0);
	assert_int_equal(bw_mem_read(mem, 0x4010, got, 8, &err), -BW_EFAULT);
	assert_non_null(strstr(err.msg, "0x4010"));
	bw_mem_close(mem);

	ranges[0] = (struct bw_mem_range){0x1800, 0x1000};
	assert_int_equal(bw_mem_open_callback(ranges, 2, counting_read, &c, NULL, &mem, &err),
			 -BW_EFORMAT);
	assert_int_equal(bw_mem_open_callback(ranges, 2, NULL, &c, NULL, &mem, &err), -BW_EINVAL);
	/* No range at all: a valid, empty memory where every read is absent. */
	assert_int_equal(bw_mem_open_callback(NULL, 0, counting_read, &c, NULL, &mem, &err), 0);
	assert_int_equal(bw_mem_ranges(mem, NULL, 0), 0);
	assert_int_equal(bw_mem_read(mem, 0x1000, got, 1, &err), -BW_EFAULT);
	bw_mem_close(mem);
	imgb_phys_free(&c.phys);
}

static void test_find_vmcoreinfo(void **state)
{
	static const char text[] =
		"OSRELEASE=6.12.9-amd64\nPAGESIZE=4096\nSYMBOL(swapper_pg_dir)=ffffffff8a"
		"e1a000\nNUMBER(phys_base)=-1048576\n";
	struct bw_mem_range range = {0, 0x8000};
	struct imgb_phys phys;
	struct bw_error err;
	struct bw_mem *mem;
	char buf[8192];
	uint64_t where;
	size_t len;

	(void)state;
	imgb_phys_init(&phys, 0x8000);
	/* A decoy not at a page start, and one at a page start without the other keys. */
	memcpy(phys.mem + 0x1010, text, sizeof(text) - 1);
	memcpy(phys.mem + 0x2000, "OSRELEASE=x\n", 12);
	/* The note form: Elf64_Nhdr {11, n, 0}, "VMCOREINFO", then the text. */
	imgb_put32(phys.mem + 0x5000, 11);
	imgb_put32(phys.mem + 0x5004, sizeof(text) - 1);
	memcpy(phys.mem + 0x500c, "VMCOREINFO", 11);
	memcpy(phys.mem + 0x5018, text, sizeof(text) - 1);
	assert_int_equal(bw_mem_open_callback(&range, 1, imgb_phys_read, &phys, NULL, &mem, &err),
			 0);
	assert_int_equal(bw_mem_find_vmcoreinfo(mem, buf, sizeof(buf), &len, &where, &err), 0);
	assert_int_equal(where, 0x5018);
	assert_int_equal(len, sizeof(text) - 1);
	assert_string_equal(buf, text);
	/* The plain page form, lower in memory, is found first. */
	memcpy(phys.mem + 0x3000, text, sizeof(text) - 1);
	assert_int_equal(bw_mem_find_vmcoreinfo(mem, buf, sizeof(buf), &len, &where, &err), 0);
	assert_int_equal(where, 0x3000);
	/* A small buffer truncates the copy, NUL-terminated. */
	assert_int_equal(bw_mem_find_vmcoreinfo(mem, buf, 60, &len, &where, &err), 0);
	assert_int_equal(len, 59);
	assert_int_equal(strlen(buf), 59);
	assert_memory_equal(buf, text, 59);
	/* Physical address 0 is a page like any other (fuzz_expr's image keeps it there). */
	memcpy(phys.mem, text, sizeof(text) - 1);
	assert_int_equal(bw_mem_find_vmcoreinfo(mem, buf, sizeof(buf), &len, &where, &err), 0);
	assert_int_equal(where, 0);
	assert_string_equal(buf, text);
	memset(phys.mem, 0, sizeof(text));
	memset(phys.mem + 0x3000, 0, sizeof(text));
	memset(phys.mem + 0x5000, 0, 0x100);
	assert_int_equal(bw_mem_find_vmcoreinfo(mem, buf, sizeof(buf), &len, &where, &err),
			 -BW_ENOENT);
	bw_mem_close(mem);
	imgb_phys_free(&phys);
}

/* Two pages: the top one of the address space, then physical 0. */
static int top_zero_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	const uint8_t *pages = ctx;

	memcpy(buf, pages + (paddr >> 63 ? (paddr & 0xfff) : 0x1000 + paddr), len);
	return 0;
}

/* Text in the top page ends at 2^64; what physical 0 holds does not complete it. */
static void test_find_vmcoreinfo_stops_at_top(void **state)
{
	static const char low[] = "PAGESIZE=4\nSYMBOL(a)=1\n";
	struct bw_mem_range ranges[2] = {{0xfffffffffffff000ull, 0x1000}, {0, 0x1000}};
	static uint8_t pages[0x2000];
	struct bw_error err;
	struct bw_mem *mem;
	char buf[4097];
	uint64_t where;
	size_t len;

	(void)state;
	memset(pages, 'x', 0x1000);
	imgb_put32(pages, 11);
	imgb_put32(pages + 4, 0x1000);
	imgb_put32(pages + 8, 0);
	memcpy(pages + 12, "VMCOREINFO", 11);
	memcpy(pages + 24, "OSRELEASE=", 10);
	pages[0xfff] = '\n';
	memcpy(pages + 0x1000, low, sizeof(low));
	assert_int_equal(bw_mem_open_callback(ranges, 2, top_zero_read, pages, NULL, &mem, &err),
			 0);
	assert_int_equal(bw_mem_find_vmcoreinfo(mem, buf, sizeof(buf), &len, &where, &err),
			 -BW_ENOENT);
	bw_mem_close(mem);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A 16 GiB raw image and a 16 GiB ELF core (sparse files): opening must not read them, so it
 * takes well under a second however large the dump; a read at the far end returns what the test
 * wrote there.
 */
static void test_huge_sparse_opens_instantly(void **state)
{
	const uint64_t size = 16ull << 30, tail = size - 4096;
	char *dir = imgb_tmpdir(), raw[4200], core[4200];
	uint8_t page[4096], got[16];
	struct imgb_elf e;
	struct bw_error err;
	struct bw_mem *mem;
	const char *spec;
	uint8_t *img;
	size_t len;
	double t0, t1;
	int fd;

	(void)state;
	fill(page, sizeof(page), tail);
	snprintf(raw, sizeof(raw), "%s/huge.raw", dir);
	fd = open(raw, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	assert_int_equal(pwrite(fd, page, sizeof(page), (off_t)tail), (ssize_t)sizeof(page));
	close(fd);
	spec = raw;
	t0 = now();
	assert_int_equal(bw_mem_open(&spec, 1, NULL, &mem, &err), 0);
	t1 = now();
	printf("# 16 GiB raw image opened in %.3f ms\n", (t1 - t0) * 1e3);
	assert_true(t1 - t0 < 1.0);
	assert_int_equal(bw_mem_read(mem, tail + 100, got, 16, &err), 0);
	assert_memory_equal(got, page + 100, 16);
	bw_mem_close(mem);

	/* An ELF core whose one PT_LOAD (after the notes) covers 16 GiB at physical 4 GiB. */
	imgb_elf_init(&e);
	imgb_elf_note(&e, "VMCOREINFO", 0, "OSRELEASE=x\n", 12);
	/* An empty PT_LOAD, then pointed at a sparse 16 GiB stretch of the file after the headers. */
	imgb_elf_load(&e, 4ull << 30, page, 0, 0);
	img = imgb_elf_build(&e, &len);
	assert_true(len <= 4096);
	imgb_put64(img + IMGB_ELF_PHOFF + IMGB_ELF_PHSIZE + 8, 4096);
	imgb_put64(img + IMGB_ELF_PHOFF + IMGB_ELF_PHSIZE + 32, size);
	imgb_put64(img + IMGB_ELF_PHOFF + IMGB_ELF_PHSIZE + 40, size);
	snprintf(core, sizeof(core), "%s/huge.core", dir);
	fd = open(core, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, img, len, 0), (ssize_t)len);
	assert_int_equal(ftruncate(fd, (off_t)(4096 + size)), 0);
	assert_int_equal(pwrite(fd, page, sizeof(page), (off_t)(4096 + tail)),
			 (ssize_t)sizeof(page));
	close(fd);
	free(img);
	spec = core;
	t0 = now();
	assert_int_equal(bw_mem_open(&spec, 1, NULL, &mem, &err), 0);
	t1 = now();
	printf("# 16 GiB ELF core opened in %.3f ms\n", (t1 - t0) * 1e3);
	assert_true(t1 - t0 < 1.0);
	assert_int_equal(bw_mem_read(mem, (4ull << 30) + tail + 100, got, 16, &err), 0);
	assert_memory_equal(got, page + 100, 16);
	assert_int_equal(bw_mem_read(mem, (4ull << 30) - 1, got, 1, &err), -BW_EFAULT);
	bw_mem_close(mem);
	unlink(raw);
	unlink(core);
	imgb_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw_image),
		cmocka_unit_test(test_multi_raw_with_gaps),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_callback_source),
		cmocka_unit_test(test_find_vmcoreinfo),
		cmocka_unit_test(test_find_vmcoreinfo_stops_at_top),
		cmocka_unit_test(test_huge_sparse_opens_instantly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
