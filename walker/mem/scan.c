// SPDX-License-Identifier: MIT
/* Finding the kernel's VMCOREINFO text in a dump that has no VMCOREINFO note. */
#include <string.h>
#include <inttypes.h>
#include "internal.h"
#include "mem/mem_impl.h"

#define SCAN_MARK "OSRELEASE="
#define SCAN_MARK_LEN (sizeof(SCAN_MARK) - 1)
/* vmcoreinfo_note: Elf64_Nhdr {11, descsz, 0} then "VMCOREINFO\0" padded to 12, then the text. */
#define SCAN_NOTE_TEXT 24
#define SCAN_SLACK_PAGES 1024

/* Whether a page holds VMCOREINFO text, and where the text starts (*text). */
static bool scan_page(const struct bw_mem *mem, uint64_t page, uint64_t last, uint64_t *text)
{
	uint8_t head[SCAN_NOTE_TEXT + SCAN_MARK_LEN];
	size_t n = last - page < sizeof(head) ? (size_t)(last - page) + 1 : sizeof(head);

	if (n < SCAN_MARK_LEN || bw_mem_read(mem, page, head, n, NULL))
		return false;
	*text = page;
	if (!memcmp(head, SCAN_MARK, SCAN_MARK_LEN))
		return true;
	*text = page + SCAN_NOTE_TEXT;
	return n == sizeof(head) && bw_le32(head) == 11 && bw_le32(head + 8) == 0 &&
	       !memcmp(head + 12, "VMCOREINFO", 11) && !memcmp(head + 24, SCAN_MARK, SCAN_MARK_LEN);
}

/* Copy the text at paddr up to its NUL or the end of buf; true when it looks like VMCOREINFO. */
static bool scan_copy(const struct bw_mem *mem, uint64_t paddr, char *buf, size_t size, size_t *len)
{
	size_t n = 0;

	while (n < size - 1) {
		uint64_t addr;
		size_t chunk;
		char *nul;

		/* Text in the top page ends at 2^64: it does not go on at physical 0. */
		if (bw_add_overflow(paddr, n, &addr))
			break;
		chunk = BW_MEM_PAGE_SIZE - (size_t)(addr % BW_MEM_PAGE_SIZE);
		if (chunk > size - 1 - n)
			chunk = size - 1 - n;
		if (bw_mem_read(mem, addr, buf + n, chunk, NULL))
			break;
		nul = memchr(buf + n, '\0', chunk);
		if (nul) {
			n = (size_t)(nul - buf);
			break;
		}
		n += chunk;
	}
	buf[n] = '\0';
	*len = n;
	return strstr(buf, "\nPAGESIZE=") && strstr(buf, "\nSYMBOL(");
}

int bw_mem_find_vmcoreinfo(const struct bw_mem *mem, char *buf, size_t size, size_t *len,
			   uint64_t *paddr, struct bw_error *err)
{
	struct bw_mem_range all = {0, UINT64_MAX};
	uint64_t budget, pages = 0;
	size_t i;

	if (!mem || !buf || !len || !paddr || size < 2)
		return bw_fail(err, BW_EINVAL, "bw_mem_find_vmcoreinfo: bad argument");
	/*
	 * Aliasing ranges make the same bytes many pages: the pages looked at are capped at twice
	 * the pages of distinct bytes present (a dump without aliases looks at each once, plus
	 * partial pages at the ends of unaligned ranges), so time stays linear in the input however
	 * its ranges are laid out.
	 */
	budget = bw_mem_backing(mem, &all, 1) / BW_MEM_PAGE_SIZE * 2 + SCAN_SLACK_PAGES;
	for (i = 0; i < mem->nsegs; i++) {
		const struct bw_mem_seg *s = &mem->segs[i];
		uint64_t last = s->start + (s->size - 1);
		uint64_t page =
			(s->start + BW_MEM_PAGE_SIZE - 1) & ~(uint64_t)(BW_MEM_PAGE_SIZE - 1);

		if (page < s->start) /* rounding up wrapped */
			continue;
		for (; page <= last; page += BW_MEM_PAGE_SIZE) {
			uint64_t text;

			if (++pages > budget)
				return bw_fail(err, BW_ELIMIT,
					       "no VMCOREINFO text in the first %" PRIu64
					       " pages scanned (at 0x%" PRIx64
					       "): the dump's ranges alias the same bytes",
					       budget, page);
			/* Physical address 0 is a page like any other. */
			if (scan_page(mem, page, last, &text) &&
			    scan_copy(mem, text, buf, size, len)) {
				*paddr = text;
				return 0;
			}
			if (page > UINT64_MAX - BW_MEM_PAGE_SIZE)
				break;
		}
	}
	return bw_fail(err, BW_ENOENT, "no VMCOREINFO text (a page starting with %s) in the dump",
		       SCAN_MARK);
}
#undef SCAN_MARK
#undef SCAN_MARK_LEN
#undef SCAN_NOTE_TEXT
#undef SCAN_SLACK_PAGES
