/* SPDX-License-Identifier: MIT */
/*
 * Target 4a: x86-64 page-table walks over a fuzzed physical memory. The input is the memory
 * (at physical 0); its first 24 bytes also say what to ask: two virtual addresses and the table
 * root (whose bit 0 also asks for an SME C-bit at 51). For 4 and 5 levels, an oracle written
 * here from the architecture's rules (Intel SDM vol. 3 4.5) enumerates every mapping and every
 * hole from the root down (not one address's walk: a different algorithm from the library's);
 * each mapping found must translate, at its first and last byte, to what the enumeration says,
 * and each asked address must give the answer of the region holding it: same physical address
 * and page size, or an error naming the level of the entry that stopped it. A walk reads no more
 * than a few entries.
 */
#include <stdlib.h>
#include <string.h>
#include "image_mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER_SIZE 24
#define ADDR_BITS 0x000ffffffffff000ull
#define PTE_P 0x1ull
#define PTE_PS 0x80ull
#define MAX_READS_PER_WALK 16

static const char *const level_name[] = {"PT", "PD", "PDPT", "PML4", "PML5"};

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/*
 * The oracle does not walk one address down: it enumerates the tables from the root, every entry
 * of every table reached, into regions of the (sign-extension-free) address space, in address
 * order: a mapping (physical base and page size) or a failure (the level of the entry that is
 * absent, not in the image, or PS where PS is reserved). Aliased tables make the tree huge, so the
 * enumeration stops after MAX_REGIONS; then only the mappings found are checked.
 */
#define MAX_REGIONS (1u << 12)

struct region {
	uint64_t start, size; /* address bits below the canonical top bit */
	uint64_t paddr;	      /* mappings only */
	int fail_level;	      /* 0: a mapping */
};

struct oracle {
	const struct image_mem *im;
	const struct bw_pgtable *pt;
	struct region *r;
	size_t n;
	bool complete;
};

static void oracle_add(struct oracle *o, uint64_t start, uint64_t size, uint64_t paddr, int fail)
{
	if (o->n == MAX_REGIONS) {
		o->complete = false;
		return;
	}
	o->r[o->n++] = (struct region){start, size, paddr, fail};
}

static void oracle_table(struct oracle *o, uint64_t table, int level, uint64_t base)
{
	unsigned shift = 12 + 9 * (unsigned)(level - 1);
	uint64_t size = 1ull << shift;

	for (unsigned i = 0; i < 512 && o->complete; i++) {
		uint64_t slot = table + i * 8ull, start = base + i * size, entry;

		if (slot > o->im->size || o->im->size - slot < 8) {
			oracle_add(o, start, size, 0, level);
			continue;
		}
		entry = le64(o->im->data + slot);
		if (!(entry & PTE_P) || (level >= 4 && (entry & PTE_PS)))
			oracle_add(o, start, size, 0, level);
		else if (level == 1 || (entry & PTE_PS))
			oracle_add(o, start, size,
				   entry & ADDR_BITS & ~o->pt->me_mask & ~(size - 1), 0);
		else
			oracle_table(o, entry & ADDR_BITS & ~o->pt->me_mask, level - 1, start);
	}
}

static unsigned top_bit(const struct bw_pgtable *pt)
{
	return pt->levels == 5 ? 56 : 47;
}

/* vaddr of a region's address: bits above the top bit copy it (canonical form). */
static uint64_t canonical(const struct bw_pgtable *pt, uint64_t a)
{
	unsigned top = top_bit(pt);

	return (a >> top) & 1 ? a | ~((1ull << top) - 1) : a;
}

static void check_ok(const struct bw_pgtable *pt, uint64_t vaddr, uint64_t want_pa,
		     uint64_t want_size)
{
	struct bw_error err;
	uint64_t paddr = 0, page_size = 0;
	int rc = bw_pgtable_translate(pt, vaddr, &paddr, &page_size, &err);

	FUZZ_ASSERT(rc == 0);
	FUZZ_ASSERT(paddr == want_pa && page_size == want_size);
}

/* Every mapping found (a sample of them when there are many), at its first and last byte. */
static void check_mappings(const struct oracle *o)
{
	size_t step = o->n > 256 ? o->n / 256 : 1;

	for (size_t i = 0; i < o->n; i += step) {
		const struct region *r = &o->r[i];

		if (r->fail_level)
			continue;
		check_ok(o->pt, canonical(o->pt, r->start), r->paddr, r->size);
		check_ok(o->pt, canonical(o->pt, r->start + r->size - 1), r->paddr + r->size - 1,
			 r->size);
	}
}

/* One address the input asks about: the library's answer against the region holding it. */
static void translate(struct image_mem *im, const struct oracle *o, uint64_t vaddr)
{
	const struct bw_pgtable *pt = o->pt;
	unsigned top = top_bit(pt);
	uint64_t high = vaddr >> top, a = vaddr & ((2ull << top) - 1);
	struct bw_error err;
	uint64_t paddr = 0, page_size = 0;
	size_t before = im->reads, lo = 0, hi = o->n;
	const struct region *r;
	int rc;

	rc = bw_pgtable_translate(pt, vaddr, &paddr, &page_size, &err);
	FUZZ_ASSERT(im->reads - before <= MAX_READS_PER_WALK);
	if (high != 0 && high != UINT64_MAX >> top) {
		FUZZ_ASSERT(rc == -BW_EFAULT); /* not canonical */
		return;
	}
	if (!o->complete)
		return;
	while (lo + 1 < hi) { /* the last region starting at or below a */
		size_t mid = lo + (hi - lo) / 2;

		if (o->r[mid].start <= a)
			lo = mid;
		else
			hi = mid;
	}
	r = &o->r[lo];
	FUZZ_ASSERT(r->start <= a && a - r->start < r->size);
	if (r->fail_level) {
		FUZZ_ASSERT(rc == -BW_EFAULT);
		fuzz_check_error(rc, &err);
		FUZZ_ASSERT(strstr(err.msg, level_name[r->fail_level - 1]) != NULL);
		return;
	}
	FUZZ_ASSERT(rc == 0);
	FUZZ_ASSERT(paddr == r->paddr + (a - r->start) && page_size == r->size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_mem im;
	struct fuzz_alloc fa;
	struct bw_mem *mem = NULL;
	struct bw_error err;
	struct bw_pgtable pt = {0};
	uint64_t va[2], root, pa, ps;
	struct region *regions;
	int rc;

	if (size < HEADER_SIZE)
		return 0;
	va[0] = le64(data);
	va[1] = le64(data + 8);
	root = le64(data + 16);
	fuzz_alloc_init(&fa, 0, size);
	rc = image_mem_open(&im, data, size, 0, &fa.a, &mem, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		return 0;
	}
	pt.mem = mem;
	pt.root = root;
	pt.me_mask = root & 1 ? 1ull << 51 : 0;
	regions = malloc(MAX_REGIONS * sizeof(*regions));
	FUZZ_ASSERT(regions != NULL);
	for (pt.levels = 4; pt.levels <= 5; pt.levels++) {
		struct oracle o = {&im, &pt, regions, 0, true};

		oracle_table(&o, pt.root & ADDR_BITS & ~pt.me_mask, pt.levels, 0);
		check_mappings(&o);
		translate(&im, &o, va[0]);
		translate(&im, &o, va[1]);
		translate(&im, &o, 0xffffffff81000000ull);
		translate(&im, &o, 0xffff888000000000ull | (va[0] & 0xffffffffull));
	}
	free(regions);
	pt.levels = 3;
	rc = bw_pgtable_translate(&pt, va[0], &pa, &ps, &err);
	FUZZ_ASSERT(rc == -BW_EINVAL);
	bw_mem_close(mem);
	FUZZ_ASSERT(fa.live == 0);
	return 0;
}
