/* SPDX-License-Identifier: MIT */
/*
 * Target 4d: a dump file (ELF core or raw memory), opened the way a caller does, through
 * bw_mem_open on a path: the input is written to a memfd and opened as /proc/self/fd/N. Covers
 * the ELF core reader (program headers, PN_XNUM, PT_LOAD tails and aliases, PT_NOTE records:
 * VMCOREINFO, NT_PRSTATUS, QEMU CPU state). On success the ranges must keep their contract
 * (non-empty, sorted, disjoint, readable to the last byte and not one byte past it), the notes
 * are read whole, VMCOREINFO is looked for in memory, and the kernel is opened with the fixed
 * kernel BTF and queried as in the walker target.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "embedded.h"
#include "kernel_queries.h"
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct bw_btf *kernel_btf;
static int core_fd = -1;
static char core_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct bw_error err;

	(void)argc;
	(void)argv;
	core_fd = memfd_create("fuzz_elfcore", MFD_CLOEXEC);
	if (core_fd < 0)
		fuzz_fail(__FILE__, __LINE__, "memfd_create failed");
	snprintf(core_path, sizeof(core_path), "/proc/self/fd/%d", core_fd);
	if (bw_btf_open_mem(fuzz_kernel_btf, fuzz_kernel_btf_len, NULL, &kernel_btf, &err))
		fuzz_fail(__FILE__, __LINE__, err.msg);
	return 0;
}

/* Reading [paddr, paddr + len) must succeed when present, else fail with BW_EFAULT. */
static void check_read(const struct bw_mem *mem, uint64_t paddr, size_t len, bool present)
{
	uint8_t buf[2];
	struct bw_error err;
	int rc = bw_mem_read(mem, paddr, buf, len, &err);

	if (present) {
		FUZZ_ASSERT_OK(rc, &err);
		return;
	}
	fuzz_check_error(rc, &err);
	FUZZ_ASSERT(rc == -BW_EFAULT);
}

static void check_ranges(const struct bw_mem *mem)
{
	size_t n = bw_mem_ranges(mem, NULL, 0), i;
	struct bw_mem_range *r;

	FUZZ_ASSERT(n <= BW_MEM_MAX_RANGES);
	if (!n)
		return;
	r = malloc(n * sizeof(*r));
	FUZZ_ASSERT(r != NULL);
	FUZZ_ASSERT(bw_mem_ranges(mem, r, n) == n);
	for (i = 0; i < n; i++) {
		uint64_t last = r[i].start + (r[i].size - 1);
		/* Does the next range start right after this one (no byte between)? */
		bool touches = i + 1 < n && last + 1 == r[i + 1].start;

		FUZZ_ASSERT(r[i].size > 0);
		FUZZ_ASSERT(last >= r[i].start); /* a range may end at 2^64, not past it */
		FUZZ_ASSERT(i + 1 == n || last < r[i + 1].start);
		check_read(mem, r[i].start, 1, true);
		check_read(mem, last, 1, true);
		if (touches)
			check_read(mem, last, 2, true);
		else if (last != UINT64_MAX)
			check_read(mem, last + 1, 1, false);
		if (r[i].start && (i == 0 || r[i - 1].start + r[i - 1].size != r[i].start))
			check_read(mem, r[i].start - 1, 1, false);
	}
	free(r);
}

static void check_notes(const struct bw_mem *mem)
{
	struct bw_cpu_regs regs[16];
	size_t len, n, i;
	const char *note = bw_mem_vmcoreinfo_note(mem, &len);

	FUZZ_ASSERT(note || len == 0);
	fuzz_null_sink(NULL, note, len);
	n = bw_mem_cpu_regs(mem, regs, sizeof(regs) / sizeof(regs[0]));
	FUZZ_ASSERT(n <= BW_MEM_MAX_CPUS);
	/* Every CPU slot comes from an NT_PRSTATUS or QEMU note, and both carry RIP/RSP. */
	for (i = 0; i < n && i < sizeof(regs) / sizeof(regs[0]); i++)
		FUZZ_ASSERT(regs[i].has_ip);
}

/* The text found must be what memory holds at *paddr, cut to fit a buffer of size bytes. */
static void check_find_vmcoreinfo(const struct bw_mem *mem, size_t size)
{
	static char buf[BW_MEM_PAGE_SIZE + 1], copy[BW_MEM_PAGE_SIZE];
	size_t len;
	uint64_t paddr;
	struct bw_error err;
	int rc = bw_mem_find_vmcoreinfo(mem, buf, size, &len, &paddr, &err);

	if (rc) {
		fuzz_check_error(rc, &err);
		return;
	}
	FUZZ_ASSERT(len < size && buf[len] == '\0' && strlen(buf) == len);
	FUZZ_ASSERT_OK(bw_mem_read(mem, paddr, copy, len, &err), &err);
	FUZZ_ASSERT(memcmp(copy, buf, len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *spec = core_path;
	struct fuzz_alloc fa;
	struct bw_mem *mem = NULL;
	struct bw_kernel_opts opts = {0};
	struct bw_error err;
	int rc;

	if (ftruncate(core_fd, 0) || pwrite(core_fd, data, size, 0) != (ssize_t)size)
		fuzz_fail(__FILE__, __LINE__, "cannot write the input to the memfd");
	fuzz_alloc_init(&fa, 0, size);
	rc = bw_mem_open(&spec, 1, &fa.a, &mem, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		FUZZ_ASSERT(fa.live == 0);
		return 0;
	}
	check_ranges(mem);
	check_notes(mem);
	/* A small buffer, its size varied per input to cut the text anywhere, and the one page
	 * the kernel open uses. */
	check_find_vmcoreinfo(mem, 2 + fuzz_hash(data, size) % 255);
	check_find_vmcoreinfo(mem, BW_MEM_PAGE_SIZE + 1);
	opts.alloc = &fa.a;
	opts.btf = kernel_btf;
	fuzz_open_and_query(mem, &opts);
	bw_mem_close(mem);
	FUZZ_ASSERT(fa.live == 0);
	return 0;
}
