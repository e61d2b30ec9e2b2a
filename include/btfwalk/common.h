/* SPDX-License-Identifier: MIT */
/*
 * btfwalk: what every part of the library shares: errors and the allocator.
 *
 * Conventions for the whole API:
 * - Functions that can fail return 0 on success and a negative BW_E* code on failure, and, when
 *   the caller passes a non-NULL struct bw_error, fill it with the code and a one-line message
 *   that names what is wrong and where (byte offset, type id, symbol or address).
 * - The library keeps no global state and never writes to stdout or stderr. Objects are not
 *   shared between threads by the library; distinct objects may be used from distinct threads
 *   freely, and a const object (a loaded BTF, an opened dump) may be read from several threads
 *   at once.
 * - Every allocation goes through a struct bw_allocator; NULL means malloc/realloc/free.
 */
#ifndef BTFWALK_COMMON_H
#define BTFWALK_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

enum bw_errcode {
	BW_OK = 0,
	BW_EINVAL = 1,	  /* bad argument from the caller (NULL, bad syntax of a path) */
	BW_EFORMAT = 2,	  /* malformed input: BTF, ELF, dump, VMCOREINFO, symbol file */
	BW_ENOENT = 3,	  /* a name, type, member, symbol or note was not found */
	BW_ENOMEM = 4,	  /* the allocator failed */
	BW_EIO = 5,	  /* open/stat/mmap/read of a file failed (errno is in the message) */
	BW_EFAULT = 6,	  /* an address is not present in the dump or not mapped */
	BW_ELIMIT = 7,	  /* a resource cap was hit (sizes, counts, depths: see each header) */
	BW_EMISMATCH = 8, /* the BTF or symbols do not belong to the dumped kernel */
	BW_ENOTSUP = 9,	  /* valid input that btfwalk does not handle (e.g. a kernel without NUMA) */
	BW_EGONE = 10,	  /* a live source went away (QEMU exited, its connection closed) */
	/* "kernel not ready yet: ...": a guest still booting (see bw_kernel_open) */
	BW_ENOTREADY = 11,
};

#define BW_ERRMSG_MAX 256

struct bw_error {
	int code;		  /* enum bw_errcode */
	char msg[BW_ERRMSG_MAX]; /* NUL-terminated, no trailing newline */
};

/* Name of an error code, e.g. "EFORMAT". */
const char *bw_strerror(int code);

struct bw_allocator {
	void *(*malloc)(void *ctx, size_t size);
	void *(*realloc)(void *ctx, void *ptr, size_t size);
	void (*free)(void *ctx, void *ptr);
	void *ctx;
};

/* Sink for text the library formats (dumps, printed values). Returns 0, or non-zero to stop. */
typedef int (*bw_write_fn)(void *ctx, const char *text, size_t len);

#ifdef __cplusplus
}
#endif
#endif
