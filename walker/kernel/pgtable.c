// SPDX-License-Identifier: MIT
/* x86-64 4- and 5-level page-table walks over a dump's physical memory. */
#include <inttypes.h>
#include "internal.h"
#include "mem/mem_impl.h"

#define PGTABLE_PRESENT 0x1ull
#define PGTABLE_PS 0x80ull			/* a 1 GiB (PDPT) or 2 MiB (PD) page */
#define PGTABLE_ADDR_MASK 0x000ffffffffff000ull /* physical address bits 12..51 */

static const char *const pgtable_level_names[] = {"PT", "PD", "PDPT", "PML4", "PML5"};

/* Sign-extension from the top implemented bit: 47 for 4-level, 56 for 5-level. */
static bool pgtable_canonical(uint64_t vaddr, int levels)
{
	unsigned top = levels == 5 ? 56 : 47;
	uint64_t high = vaddr >> top;

	return high == 0 || high == (UINT64_MAX >> top);
}

int bw_pgtable_translate(const struct bw_pgtable *pt, uint64_t vaddr, uint64_t *paddr,
			 uint64_t *page_size, struct bw_error *err)
{
	uint64_t table, mask;
	int level;

	if (!pt || !pt->mem || !paddr)
		return bw_fail(err, BW_EINVAL, "bw_pgtable_translate: NULL argument");
	if (pt->levels != 4 && pt->levels != 5)
		return bw_fail(err, BW_EINVAL, "%d-level paging is not x86-64 (4 or 5)",
			       pt->levels);
	if (!pgtable_canonical(vaddr, pt->levels))
		return bw_fail(err, BW_EFAULT,
			       "vaddr 0x%" PRIx64 " is not canonical for %d-level paging", vaddr,
			       pt->levels);
	mask = PGTABLE_ADDR_MASK & ~pt->me_mask;
	table = pt->root & mask;
	/* Level 1 (PT) always ends the walk. */
	for (level = pt->levels;; level--) {
		unsigned shift = 12 + 9 * (unsigned)(level - 1);
		uint64_t slot = table + ((vaddr >> shift) & 0x1ff) * 8, size = 1ull << shift;
		const char *name = pgtable_level_names[level - 1];
		uint8_t raw[8];
		uint64_t entry;

		if (bw_mem_read(pt->mem, slot, raw, sizeof(raw), NULL))
			return bw_fail(err, BW_EFAULT,
				       "vaddr 0x%" PRIx64 ": %s entry at physical 0x%" PRIx64
				       " is not in the dump",
				       vaddr, name, slot);
		entry = bw_le64(raw);
		if (!(entry & PGTABLE_PRESENT))
			return bw_fail(err, BW_EFAULT,
				       "vaddr 0x%" PRIx64 ": %s entry at physical 0x%" PRIx64
				       " is not present (0x%" PRIx64 ")",
				       vaddr, name, slot, entry);
		if (level == 1 || ((level == 2 || level == 3) && (entry & PGTABLE_PS))) {
			/* Huge pages keep PAT at bit 12; the frame is aligned to the page size. */
			*paddr = (entry & mask & ~(size - 1)) | (vaddr & (size - 1));
			if (page_size)
				*page_size = size;
			return 0;
		}
		if (entry & PGTABLE_PS)
			return bw_fail(err, BW_EFAULT,
				       "vaddr 0x%" PRIx64 ": %s entry at physical 0x%" PRIx64
				       " has the reserved PS bit set (0x%" PRIx64 ")",
				       vaddr, name, slot, entry);
		table = entry & mask;
	}
}
