/* SPDX-License-Identifier: MIT */
/*
 * Buffers of megabytes filled at once (a BTF file read, a blob copied out of a dump). Filling
 * fresh memory costs a page fault per 4 KiB, about 1,400 for a 7.x kernel's 5.5 MB of BTF;
 * where faults are dear (15-20 us each on a nested virtual machine) that is most of a short
 * process's time. With libc's allocator such a buffer is aligned to and sized in 2 MiB and
 * advised as transparent huge pages: a few faults instead. Elsewhere a plain allocation. The
 * tables' arena (btf/arena.c) is a mapping of its own, in huge pages too.
 */
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "internal.h"

#define BULK_HUGE_PAGE ((size_t)2 << 20)

/* libc memory aligned to and rounded up to 2 MiB, advised as huge pages (free() it); NULL: none. */
static void *bulk_alloc_huge(size_t size)
{
	size_t huge = (size + BULK_HUGE_PAGE - 1) & ~(BULK_HUGE_PAGE - 1);
	void *p;

	if (huge < size || posix_memalign(&p, BULK_HUGE_PAGE, huge))
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, huge, MADV_HUGEPAGE); /* a hint: without huge pages, small ones */
#endif
	return p;
}

void *bw_map_huge_zero(size_t size, size_t *mapped)
{
	size_t huge = (size + BULK_HUGE_PAGE - 1) & ~(BULK_HUGE_PAGE - 1), head;
	uint8_t *p;

	/*
	 * A mapping of its own, not calloc: once libc has freed a block this big, it serves the next
	 * from its heap and clears all of it, tens of megabytes per blob, most never used.
	 */
	if (huge < size || huge + BULK_HUGE_PAGE < huge)
		return NULL;
	p = mmap(NULL, huge + BULK_HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* Keep the 2 MiB-aligned part only. */
	head = (BULK_HUGE_PAGE - (uintptr_t)p % BULK_HUGE_PAGE) % BULK_HUGE_PAGE;
	if (head)
		munmap(p, head);
	munmap(p + head + huge, BULK_HUGE_PAGE - head);
	p += head;
#ifdef MADV_HUGEPAGE
	madvise(p, huge, MADV_HUGEPAGE);
#endif
	*mapped = huge;
	return p;
}

void bw_unmap_huge(void *p, size_t mapped)
{
	if (p)
		munmap(p, mapped);
}

void *bw_alloc_bulk(const struct bw_allocator *a, size_t size)
{
	size_t huge = (size + BULK_HUGE_PAGE - 1) & ~(BULK_HUGE_PAGE - 1);

	/* Rounding up may waste at most a quarter: a 2.1 MB buffer stays small pages. */
	if (a || huge < size || size < BULK_HUGE_PAGE || huge - size > size / 4)
		return bw_alloc(a, size);
	return bulk_alloc_huge(size);
}

#undef BULK_HUGE_PAGE
