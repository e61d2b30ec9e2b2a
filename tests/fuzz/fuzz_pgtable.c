/* SPDX-License-Identifier: MIT */
/*
 * Target 4a: x86-64 page-table walks over a fuzzed physical memory. The input is the memory
 * (at physical 0); its first 24 bytes also say what to ask: two virtual addresses and the table
 * root (whose bit 0 also asks for an SME C-bit at 51). Each is translated with 4 and 5 levels
 * and checked against a walk written here from the architecture's rules (Intel SDM vol. 3
 * 4.5): same answer, same page size, an error naming the level where the walk stopped, and no
 * more than one entry read per level.
 */
#include <string.h>
#include "image_mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER_SIZE 24
#define ADDR_BITS 0x000ffffffffff000ull
#define PTE_P 0x1ull
#define PTE_PS 0x80ull
#define MAX_READS_PER_WALK 16

static const char *const level_name[] = { "PT", "PD", "PDPT", "PML4", "PML5" };

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

struct ref {
	bool ok;
	int fail_level; /* 0: not canonical; else the level whose entry stopped the walk */
	uint64_t paddr, page_size;
};

static struct ref ref_translate(const struct image_mem *im, const struct bw_pgtable *pt,
				uint64_t vaddr)
{
	struct ref r = { 0 };
	unsigned top = pt->levels == 5 ? 56 : 47;
	uint64_t table = pt->root & ADDR_BITS & ~pt->me_mask, high = vaddr >> top;

	if (high != 0 && high != UINT64_MAX >> top)
		return r;
	for (int level = pt->levels; level >= 1; level--) {
		unsigned shift = 12 + 9 * (unsigned)(level - 1);
		uint64_t slot = table + ((vaddr >> shift) & 0x1ff) * 8, entry, size = 1ull << shift;

		r.fail_level = level;
		if (slot > im->size || im->size - slot < 8)
			return r;
		entry = le64(im->data + slot);
		if (!(entry & PTE_P))
			return r;
		if (level == 1 || ((level == 2 || level == 3) && (entry & PTE_PS))) {
			r.ok = true;
			r.page_size = size;
			r.paddr = (entry & ADDR_BITS & ~pt->me_mask & ~(size - 1)) |
				  (vaddr & (size - 1));
			return r;
		}
		if (entry & PTE_PS) /* reserved at PML4/PML5 */
			return r;
		table = entry & ADDR_BITS & ~pt->me_mask;
	}
	return r;
}

static void translate(struct image_mem *im, const struct bw_pgtable *pt, uint64_t vaddr)
{
	struct ref want = ref_translate(im, pt, vaddr);
	struct bw_error err;
	uint64_t paddr = 0, page_size = 0;
	size_t before = im->reads;
	int rc;

	rc = bw_pgtable_translate(pt, vaddr, &paddr, &page_size, &err);
	FUZZ_ASSERT(im->reads - before <= MAX_READS_PER_WALK);
	FUZZ_ASSERT((rc == 0) == want.ok);
	if (rc) {
		fuzz_check_error(rc, &err);
		FUZZ_ASSERT(rc == -BW_EFAULT);
		if (want.fail_level)
			FUZZ_ASSERT(strstr(err.msg, level_name[want.fail_level - 1]) != NULL);
		return;
	}
	FUZZ_ASSERT(paddr == want.paddr && page_size == want.page_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_mem im;
	struct fuzz_alloc fa;
	struct bw_mem *mem = NULL;
	struct bw_error err;
	struct bw_pgtable pt = { 0 };
	uint64_t va[2], root, pa, ps;
	int rc;

	if (size < HEADER_SIZE)
		return 0;
	va[0] = le64(data);
	va[1] = le64(data + 8);
	root = le64(data + 16);
	fuzz_alloc_init(&fa, 0);
	rc = image_mem_open(&im, data, size, 0, &fa.a, &mem, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		return 0;
	}
	pt.mem = mem;
	pt.root = root;
	pt.me_mask = root & 1 ? 1ull << 51 : 0;
	for (pt.levels = 4; pt.levels <= 5; pt.levels++) {
		translate(&im, &pt, va[0]);
		translate(&im, &pt, va[1]);
		translate(&im, &pt, 0xffffffff81000000ull);
		translate(&im, &pt, 0xffff888000000000ull | (va[0] & 0xffffffffull));
	}
	pt.levels = 3;
	rc = bw_pgtable_translate(&pt, va[0], &pa, &ps, &err);
	FUZZ_ASSERT(rc == -BW_EINVAL);
	bw_mem_close(mem);
	FUZZ_ASSERT(fa.live == 0);
	return 0;
}
