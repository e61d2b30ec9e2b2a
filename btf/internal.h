/* SPDX-License-Identifier: MIT */
/* Helpers shared by every part of the library (not installed). */
#ifndef BTFWALK_INTERNAL_H
#define BTFWALK_INTERNAL_H

#include <stdarg.h>
#include "btfwalk/common.h"

#if defined(__GNUC__)
#define BW_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define BW_PRINTF(a, b)
#endif

/* Fill err (if non-NULL) and return -code. */
int bw_fail(struct bw_error *err, int code, const char *fmt, ...) BW_PRINTF(3, 4);

/* Allocation through the caller's allocator (NULL: libc). bw_alloc_array checks n * size. */
void *bw_alloc(const struct bw_allocator *a, size_t size);
void *bw_zalloc(const struct bw_allocator *a, size_t size);
void *bw_alloc_array(const struct bw_allocator *a, size_t n, size_t size);
void *bw_realloc(const struct bw_allocator *a, void *ptr, size_t size);
void bw_free(const struct bw_allocator *a, void *ptr);
/* A buffer of megabytes about to be filled at once, in huge pages where libc's allocator and the
 * host allow (btf/bulk.c); freed, and grown with bw_realloc, like any other. */
void *bw_alloc_bulk(const struct bw_allocator *a, size_t size);
/*
 * Fresh zero pages mapped on a 2 MiB boundary, advised as huge pages: *mapped bytes at the result
 * (munmap them); NULL: none.
 */
void *bw_map_huge_zero(size_t size, size_t *mapped);
void bw_unmap_huge(void *p, size_t mapped); /* p NULL: nothing */

/*
 * Parse the unsigned number s[0..len): base 16 or 10, or 0 for "0x" hex else decimal; a "0x"
 * prefix is also accepted with base 16. Every character must be a digit and the value must fit.
 */
bool bw_parse_u64(const char *s, size_t len, unsigned base, uint64_t *out);

/*
 * Read the whole of path (a file, pipe, /dev/stdin or sysfs file) into *out, allocated from a
 * (the caller frees it). A regular file larger than file_cap is BW_ELIMIT from its size, before
 * any read; any other file is BW_ELIMIT once stream_cap + 1 bytes have arrived. The size of a
 * regular file is only a hint (sysfs files report 4096, a file may grow): reading goes on to EOF
 * and stops at the cap, so at most cap + 1 bytes are ever held.
 */
int bw_read_all(const struct bw_allocator *a, const char *path, size_t file_cap, size_t stream_cap,
		uint8_t **out, size_t *len, struct bw_error *err);

/* Overflow-checked arithmetic: return true on overflow. */
static inline bool bw_add_overflow(uint64_t a, uint64_t b, uint64_t *out)
{
	*out = a + b;
	return *out < a;
}

static inline bool bw_mul_overflow(uint64_t a, uint64_t b, uint64_t *out)
{
	if (a && b > UINT64_MAX / a)
		return true;
	*out = a * b;
	return false;
}

#endif
