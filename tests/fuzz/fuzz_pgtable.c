/* SPDX-License-Identifier: MIT */
/*
 * Target 4a: x86-64 page-table walks over a fuzzed physical memory. The input is the memory
 * (at physical 0); its first 24 bytes also say what to ask: two virtual addresses and the table
 * root. Each is translated with 4 and 5 levels. A walk reads at most one entry per level, so a
 * translation that reads more than a handful of entries is a loop.
 */
#include <string.h>
#include "image_mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER_SIZE 24
#define MAX_READS_PER_WALK 16

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void translate(struct image_mem *im, const struct bw_pgtable *pt, uint64_t vaddr)
{
	struct bw_error err;
	uint64_t paddr = 0, page_size = 0;
	size_t before = im->reads;
	int rc;

	rc = bw_pgtable_translate(pt, vaddr, &paddr, &page_size, &err);
	FUZZ_ASSERT(im->reads - before <= MAX_READS_PER_WALK);
	if (rc) {
		fuzz_check_error(rc, &err);
		return;
	}
	FUZZ_ASSERT(page_size == 4096 || page_size == 2u << 20 || page_size == 1u << 30);
	/* The offset inside the page is carried over unchanged. */
	FUZZ_ASSERT((paddr & (page_size - 1)) == (vaddr & (page_size - 1)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_mem im;
	struct fuzz_alloc fa;
	struct bw_mem *mem = NULL;
	struct bw_error err;
	struct bw_pgtable pt;
	uint64_t va[2], root;
	int rc;

	if (size < HEADER_SIZE)
		return 0;
	va[0] = le64(data);
	va[1] = le64(data + 8);
	root = le64(data + 16) & 0x000ffffffffff000ull;
	fuzz_alloc_init(&fa, 0);
	rc = image_mem_open(&im, data, size, 0, &fa.a, &mem, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		return 0;
	}
	for (int levels = 4; levels <= 5; levels++) {
		pt.mem = mem;
		pt.root = root;
		pt.levels = levels;
		translate(&im, &pt, va[0]);
		translate(&im, &pt, va[1]);
		translate(&im, &pt, 0xffffffff81000000ull);
		translate(&im, &pt, 0xffff888000000000ull | (va[0] & 0xffffffffull));
	}
	pt.levels = 3;
	rc = bw_pgtable_translate(&pt, va[0], &va[1], &root, &err);
	FUZZ_ASSERT(rc < 0);
	bw_mem_close(mem);
	FUZZ_ASSERT(fa.live == 0);
	return 0;
}
