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
#define SCAN_HEAD (SCAN_NOTE_TEXT + SCAN_MARK_LEN)
#define SCAN_BATCH 256 /* page heads read at once */

/* Whether a page whose first bytes are head[0..n) holds VMCOREINFO text; *text: where it starts. */
static bool scan_head(const uint8_t *head, size_t n, uint64_t page, uint64_t *text)
{
	if (n < SCAN_MARK_LEN)
		return false;
	*text = page;
	if (!memcmp(head, SCAN_MARK, SCAN_MARK_LEN))
		return true;
	*text = page + SCAN_NOTE_TEXT;
	return n == SCAN_HEAD && bw_le32(head) == 11 && bw_le32(head + 8) == 0 &&
	       !memcmp(head + 12, "VMCOREINFO", 11) && !memcmp(head + 24, SCAN_MARK, SCAN_MARK_LEN);
}

/* The same, reading the page's head alone (last: the segment's last byte). */
static bool scan_page(const struct bw_mem *mem, uint64_t page, uint64_t last, uint64_t *text)
{
	uint8_t head[SCAN_HEAD];
	size_t n = last - page < sizeof(head) ? (size_t)(last - page) + 1 : sizeof(head);

	return !bw_mem_read(mem, page, head, n, NULL) && scan_head(head, n, page, text);
}

/*
 * The heads of up to max (at most SCAN_BATCH) pages from page on, whole heads of the segment
 * ending at last, in one bw_mem_readv (one system call on a QEMU source; page by page when the
 * batch cannot be read whole). True at the first page holding VMCOREINFO (*text where it
 * starts); *count: the pages looked at, that one included.
 */
static bool scan_batch(const struct bw_mem *mem, struct bw_mem_iov *iov,
		       uint8_t (*heads)[SCAN_HEAD], uint64_t page, uint64_t last, uint64_t max,
		       uint64_t *count, uint64_t *text)
{
	uint64_t i, n = 0, p = page;
	bool whole;

	while (n < max && n < SCAN_BATCH && last - p >= SCAN_HEAD - 1) {
		iov[n] = (struct bw_mem_iov){p, heads[n], SCAN_HEAD};
		n++;
		if (last - p < BW_MEM_PAGE_SIZE) /* no page after p in the segment */
			break;
		p += BW_MEM_PAGE_SIZE;
	}
	if (!n) { /* the segment ends within this page's head */
		*count = 1;
		return scan_page(mem, page, last, text);
	}
	whole = !bw_mem_readv(mem, iov, (size_t)n, NULL);
	for (i = 0; i < n; i++)
		if (whole ? scan_head(heads[i], SCAN_HEAD, iov[i].paddr, text)
			  : scan_page(mem, iov[i].paddr, last, text)) {
			*count = i + 1;
			return true;
		}
	*count = n;
	return false;
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
	struct {
		struct bw_mem_iov iov[SCAN_BATCH];
		uint8_t heads[SCAN_BATCH][SCAN_HEAD];
	} * b;
	uint64_t budget, pages = 0;
	size_t i;
	int ret = -BW_ENOENT;

	if (!mem || !buf || !len || !paddr || size < 2)
		return bw_fail(err, BW_EINVAL, "bw_mem_find_vmcoreinfo: bad argument");
	b = bw_alloc(mem->alloc, sizeof(*b));
	if (!b)
		return bw_fail(err, BW_ENOMEM, "out of memory for the VMCOREINFO scan");
	/*
	 * Aliasing ranges make the same bytes many pages: the pages looked at are capped at twice
	 * the pages of distinct bytes present (a dump without aliases looks at each once, plus
	 * partial pages at the ends of unaligned ranges), so time stays linear in the input however
	 * its ranges are laid out.
	 */
	budget = bw_mem_backing(mem, &all, 1) / BW_MEM_PAGE_SIZE * 2 + SCAN_SLACK_PAGES;
	for (i = 0; ret == -BW_ENOENT && i < mem->nsegs; i++) {
		const struct bw_mem_seg *s = &mem->segs[i];
		uint64_t last = s->start + (s->size - 1);
		uint64_t page =
			(s->start + BW_MEM_PAGE_SIZE - 1) & ~(uint64_t)(BW_MEM_PAGE_SIZE - 1);

		if (page < s->start) /* rounding up wrapped */
			continue;
		while (page <= last) {
			uint64_t text, n;
			bool found;

			if (pages >= budget) {
				ret = bw_fail(err, BW_ELIMIT,
					      "no VMCOREINFO text in the first %" PRIu64
					      " pages scanned (at 0x%" PRIx64
					      "): the dump's ranges alias the same bytes",
					      budget, page);
				break;
			}
			/* Physical address 0 is a page like any other. */
			found = scan_batch(mem, b->iov, b->heads, page, last, budget - pages, &n,
					   &text);
			pages += n;
			if (found && scan_copy(mem, text, buf, size, len)) {
				*paddr = text;
				ret = 0;
				break;
			}
			if (last - page < n * BW_MEM_PAGE_SIZE)
				break;
			page += n * BW_MEM_PAGE_SIZE;
		}
	}
	bw_free(mem->alloc, b);
	if (ret != -BW_ENOENT)
		return ret;
	return bw_fail(err, BW_ENOENT, "no VMCOREINFO text (a page starting with %s) in the dump",
		       SCAN_MARK);
}
#undef SCAN_MARK
#undef SCAN_MARK_LEN
#undef SCAN_NOTE_TEXT
#undef SCAN_SLACK_PAGES
#undef SCAN_HEAD
#undef SCAN_BATCH
