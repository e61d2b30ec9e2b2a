// SPDX-License-Identifier: MIT
/* ELF cores written by the test: PT_LOAD ranges, notes, registers, and hostile variants. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "btfwalk/mem.h"
#include "image_builder.h"

static const char vmcoreinfo[] = "OSRELEASE=7.0.1-amd64\nPAGESIZE=4096\n";
static uint8_t low[8192], high[4096];
static uint8_t prstatus[2][336], qemu[2][440];

static void fill(uint8_t *buf, size_t len, uint64_t base)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)((base + i) * 13 + 5);
}

/* Two CPUs; NT_PRSTATUS pr_reg.rip at 240, rsp at 264; QEMUCPUState cr[3] at 416, cr[4] 424. */
static void make_core(struct imgb_elf *e)
{
	int i;

	fill(low, sizeof(low), 0);
	fill(high, sizeof(high), 0x100000);
	imgb_elf_init(e);
	for (i = 0; i < 2; i++) {
		memset(prstatus[i], 0, sizeof(prstatus[i]));
		imgb_put64(prstatus[i] + 240, 0xffffffff81000000ull + (uint64_t)i);
		imgb_put64(prstatus[i] + 264, 0xffffc90000010000ull + (uint64_t)i * 0x100);
		memset(qemu[i], 0, sizeof(qemu[i]));
		imgb_put32(qemu[i], 1);
		imgb_put32(qemu[i] + 4, sizeof(qemu[i]));
		imgb_put64(qemu[i] + 416, 0x1a2b000ull + (uint64_t)i * 0x1000);
		imgb_put64(qemu[i] + 424, 0x3606f0ull | (i ? 0x1000 : 0));
	}
	/* QEMU's order: every CPU's NT_PRSTATUS, then every CPU's QEMU note. */
	imgb_elf_note(e, "CORE", 1, prstatus[0], sizeof(prstatus[0]));
	imgb_elf_note(e, "CORE", 1, prstatus[1], sizeof(prstatus[1]));
	imgb_elf_note(e, "CORE", 2, low, 512); /* NT_PRFPREG: ignored */
	imgb_elf_note(e, "QEMU", 0, qemu[0], sizeof(qemu[0]));
	imgb_elf_note(e, "QEMU", 0, qemu[1], sizeof(qemu[1]));
	imgb_elf_note(e, "VMCOREINFO", 0, vmcoreinfo, sizeof(vmcoreinfo) - 1);
	imgb_elf_load(e, 0, low, sizeof(low), sizeof(low));
	/* kdump's kernel-text segment: the same physical memory again, inside the first. */
	imgb_elf_load(e, 0x1000, low + 0x1000, 0x800, 0x800);
	/* filesz < memsz: the tail is absent. */
	imgb_elf_load(e, 0x100000, high, sizeof(high), 2 * sizeof(high));
}

static int open_image(const uint8_t *img, size_t len, struct bw_mem **mem, struct bw_error *err)
{
	char *dir = imgb_tmpdir(), *path = imgb_write(dir, "vmcore", img, len);
	const char *spec = path;
	int ret = bw_mem_open(&spec, 1, NULL, mem, err);

	free(path);
	imgb_rmdir(dir);
	return ret;
}

static void test_core(void **state)
{
	struct bw_mem_range r[4];
	struct bw_cpu_regs regs[4];
	struct imgb_elf e;
	struct bw_error err;
	struct bw_mem *mem;
	uint8_t *img, got[32];
	const char *note;
	size_t len, i;

	(void)state;
	make_core(&e);
	img = imgb_elf_build(&e, &len);
	assert_int_equal(open_image(img, len, &mem, &err), 0);
	free(img); /* the mapping stays valid after the file is gone */
	assert_int_equal(bw_mem_ranges(mem, r, 4), 2);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].size, sizeof(low));
	assert_int_equal(r[1].start, 0x100000);
	assert_int_equal(r[1].size, sizeof(high));
	assert_int_equal(bw_mem_read(mem, 0x1ff0, got, 32, &err), -BW_EFAULT);
	assert_int_equal(bw_mem_read(mem, 0x1000, got, 32, &err), 0);
	assert_memory_equal(got, low + 0x1000, 32);
	assert_int_equal(bw_mem_read(mem, 0x100ff0, got, 16, &err), 0);
	assert_memory_equal(got, high + 0xff0, 16);
	assert_int_equal(bw_mem_read(mem, 0x100ff0, got, 32, &err), -BW_EFAULT);
	assert_non_null(strstr(err.msg, "0x101000"));

	note = bw_mem_vmcoreinfo_note(mem, &len);
	assert_int_equal(len, sizeof(vmcoreinfo) - 1);
	assert_memory_equal(note, vmcoreinfo, len);

	assert_int_equal(bw_mem_cpu_regs(mem, regs, 4), 2);
	for (i = 0; i < 2; i++) {
		assert_true(regs[i].has_cr && regs[i].has_ip);
		assert_true(regs[i].rip == 0xffffffff81000000ull + i);
		assert_true(regs[i].rsp == 0xffffc90000010000ull + i * 0x100);
		assert_int_equal(regs[i].cr3, 0x1a2b000ull + i * 0x1000);
		assert_int_equal(regs[i].cr4, 0x3606f0ull | (i ? 0x1000 : 0));
	}
	bw_mem_close(mem);
}

/* More than 65534 program headers: e_phnum is PN_XNUM and section header 0's sh_info counts. */
static void test_pn_xnum(void **state)
{
	struct bw_mem_range r[4];
	struct imgb_elf e;
	struct bw_error err;
	struct bw_mem *mem;
	uint8_t *img, got[16];
	size_t len;

	(void)state;
	make_core(&e);
	img = imgb_elf_build(&e, &len);
	img = realloc(img, len + 64);
	assert_non_null(img);
	memset(img + len, 0, 64);
	imgb_put32(img + len + 44, 4); /* sh_info: the PT_NOTE and three PT_LOADs */
	imgb_put64(img + 40, len);     /* e_shoff */
	imgb_put16(img + 58, 64);      /* e_shentsize */
	imgb_put16(img + 60, 1);       /* e_shnum */
	imgb_put16(img + 56, 0xffff);  /* e_phnum = PN_XNUM */
	assert_int_equal(open_image(img, len + 64, &mem, &err), 0);
	assert_int_equal(bw_mem_ranges(mem, r, 4), 2);
	assert_int_equal(r[1].start, 0x100000);
	assert_int_equal(bw_mem_read(mem, 0x100010, got, 16, &err), 0);
	assert_memory_equal(got, high + 0x10, 16);
	assert_int_equal(bw_mem_cpu_regs(mem, NULL, 0), 2);
	bw_mem_close(mem);
	free(img);
}

/* Build the core, let corrupt() change it, expect code and a message naming the place. */
static void expect_bad(void (*corrupt)(uint8_t *img, size_t *len), int code, const char *needle)
{
	struct imgb_elf e;
	struct bw_error err;
	struct bw_mem *mem = (struct bw_mem *)1;
	uint8_t *img;
	size_t len;

	make_core(&e);
	img = imgb_elf_build(&e, &len);
	corrupt(img, &len);
	assert_int_equal(open_image(img, len, &mem, &err), -code);
	assert_null(mem);
	if (!strstr(err.msg, needle))
		fail_msg("message \"%s\" does not name \"%s\"", err.msg, needle);
	free(img);
}

/* Program header i of the built image (0 is the PT_NOTE). */
static uint8_t *phdr(uint8_t *img, int i)
{
	return img + IMGB_ELF_PHOFF + i * IMGB_ELF_PHSIZE;
}

static void truncate_header(uint8_t *img, size_t *len)
{
	(void)img;
	*len = 40;
}

static void class32(uint8_t *img, size_t *len)
{
	(void)len;
	img[4] = 1;
}

static void not_core(uint8_t *img, size_t *len)
{
	(void)len;
	imgb_put16(img + 16, 2);
}

static void machine_aarch64(uint8_t *img, size_t *len)
{
	(void)len;
	imgb_put16(img + 18, 183); /* EM_AARCH64 */
}

static void machine_unknown(uint8_t *img, size_t *len)
{
	(void)len;
	imgb_put16(img + 18, 0x7777);
}

static void phdrs_past_end(uint8_t *img, size_t *len)
{
	imgb_put64(img + 32, *len - 100);
}

static void phoff_wraps(uint8_t *img, size_t *len)
{
	(void)len;
	imgb_put64(img + 32, UINT64_MAX - 10);
}

static void load_past_end(uint8_t *img, size_t *len)
{
	(void)len;
	imgb_put64(phdr(img, 3) + 8, 0xfffffffffffff000ull);
}

static void filesz_over_memsz(uint8_t *img, size_t *len)
{
	(void)len;
	imgb_put64(phdr(img, 1) + 40, 16);
}

static void partial_overlap(uint8_t *img, size_t *len)
{
	(void)len;
	imgb_put64(phdr(img, 3) + 24, 0x1f00); /* the third load now straddles the first's end */
}

static void paddr_wraps(uint8_t *img, size_t *len)
{
	(void)len;
	imgb_put64(phdr(img, 3) + 24, 0xffffffffffffff00ull);
}

static void note_desc_huge(uint8_t *img, size_t *len)
{
	uint64_t off = 0;

	(void)len;
	memcpy(&off, phdr(img, 0) + 8, 8); /* the builder is little-endian only on LE hosts */
	imgb_put32(img + off + 4, 0xfffffff0u);
}

static void note_segment_past_end(uint8_t *img, size_t *len)
{
	imgb_put64(phdr(img, 0) + 32, *len);
}

static void qemu_note_too_small(uint8_t *img, size_t *len)
{
	uint64_t off = 0, pos;

	(void)len;
	memcpy(&off, phdr(img, 0) + 8, 8);
	/* Notes: two 336-byte NT_PRSTATUS, one 512-byte NT_PRFPREG, then the first QEMU note. */
	pos = off + 2 * (12 + 8 + 336) + (12 + 8 + 512);
	imgb_put32(img + pos + 12 + 8 + 4, 100); /* QEMUCPUState.size */
}

static void no_loads(uint8_t *img, size_t *len)
{
	(void)len;
	imgb_put16(img + 56, 1); /* only the PT_NOTE remains */
}

static void phnum_xnum_huge(uint8_t *img, size_t *len)
{
	/* PN_XNUM: the count is section header 0's sh_info; put a header in the notes' place. */
	uint64_t sh = *len - 64;

	imgb_put16(img + 56, 0xffff);
	imgb_put16(img + 58, 64);
	imgb_put64(img + 40, sh);
	imgb_put32(img + sh + 44, 0xffffffffu);
}

static void test_hostile_cores(void **state)
{
	(void)state;
	expect_bad(truncate_header, BW_EFORMAT, "truncated");
	expect_bad(class32, BW_ENOTSUP, "64-bit");
	expect_bad(not_core, BW_EFORMAT, "ET_CORE");
	expect_bad(machine_aarch64, BW_ENOTSUP, "a core of an AArch64 machine (e_machine 183)");
	expect_bad(machine_unknown, BW_ENOTSUP, "e_machine 30583");
	expect_bad(phdrs_past_end, BW_EFORMAT, "program headers at offset");
	expect_bad(phoff_wraps, BW_EFORMAT, "0xfffffffffffffff5");
	expect_bad(load_past_end, BW_EFORMAT, "PT_LOAD 3 (paddr 0x100000)");
	expect_bad(filesz_over_memsz, BW_EFORMAT, "PT_LOAD 1 (paddr 0x0) has p_filesz 0x2000");
	expect_bad(partial_overlap, BW_EFORMAT, "overlap: [0x0-0x1fff] and [0x1f00-0x2eff]");
	expect_bad(paddr_wraps, BW_EFORMAT, "wraps");
	expect_bad(note_desc_huge, BW_EFORMAT, "descsz 4294967280");
	expect_bad(note_segment_past_end, BW_EFORMAT, "PT_NOTE at offset");
	expect_bad(qemu_note_too_small, BW_EFORMAT, "QEMU note");
	expect_bad(phnum_xnum_huge, BW_ELIMIT, "4294967295 program headers");
	expect_bad(no_loads, BW_EFORMAT, "no PT_LOAD");
}

/* Every truncation of a valid core opens or fails cleanly (ASan watches the reads). */
static void test_every_truncation(void **state)
{
	struct imgb_elf e;
	struct bw_error err;
	struct bw_mem *mem;
	uint8_t *img;
	size_t len, cut;

	(void)state;
	make_core(&e);
	img = imgb_elf_build(&e, &len);
	for (cut = 1; cut < len; cut += (cut < 2048 ? 1 : 509)) {
		int ret = open_image(img, cut, &mem, &err);

		if (ret == 0)
			bw_mem_close(mem);
		else
			assert_true(ret == -BW_EFORMAT);
	}
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core),
		cmocka_unit_test(test_pn_xnum),
		cmocka_unit_test(test_hostile_cores),
		cmocka_unit_test(test_every_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
