/* SPDX-License-Identifier: MIT */
/* The memory object shared by the memory-source files (not installed). */
#ifndef BTFWALK_MEM_IMPL_H
#define BTFWALK_MEM_IMPL_H

#include "btfwalk/mem.h"

struct bw_mem;

/* A live source that reads with messages, in batches, and owns ctx (freed at close). */
struct bw_mem_live_ops {
	int (*read)(void *ctx, uint64_t paddr, void *buf, size_t len, struct bw_error *err);
	/* Every piece lies within one present range. */
	int (*readv)(void *ctx, const struct bw_mem_iov *iov, size_t n, struct bw_error *err);
	void (*close)(const struct bw_allocator *alloc, void *ctx);
};

/*
 * One present range, backed by one of: bytes in memory the caller keeps mapped (data), a dump
 * file read with pread at foff (file > 0: index + 1 into mem->files), or else the live source
 * or the caller's callback.
 */
struct bw_mem_seg {
	uint64_t start;
	uint64_t size;
	const uint8_t *data;
	uint64_t foff;
	uint32_t file;
	uint32_t source; /* index of the spec it came from, to tell aliases from overlaps */
};

/* A dump file opened by path: read with pread, never mapped (a truncated file gives BW_EIO). */
struct bw_mem_file {
	int fd;
	uint64_t size; /* at open time */
	char *path;
	uint32_t same; /* index + 1 of the first file that is the same inode (itself if none) */
	uint64_t dev, ino;
};

struct bw_mem {
	struct bw_allocator alloc_copy;
	const struct bw_allocator *alloc; /* &alloc_copy, or NULL for libc */

	struct bw_mem_seg *segs; /* sorted by start once bw_mem_publish ran */
	size_t nsegs, segs_cap;

	struct bw_mem_file *files;
	size_t nfiles;

	bw_mem_read_fn read;
	void *ctx;
	const struct bw_mem_live_ops *live; /* a live source (QEMU process); NULL otherwise */

	char *vmcoreinfo; /* owned copy of the note's text; not NUL-terminated */
	size_t vmcoreinfo_len;

	struct bw_cpu_regs *cpus;
	size_t ncpus, cpus_cap;
	size_t nprstatus, nqemu; /* notes seen so far, to pair the i-th of each */
};

/* Little-endian loads from byte buffers (dumps are x86-64; the host may not be). */
static inline uint16_t bw_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t bw_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t bw_le64(const uint8_t *p)
{
	return (uint64_t)bw_le32(p) | (uint64_t)bw_le32(p + 4) << 32;
}

/* core.c: a new empty memory. Once its ranges are added with result ret, bw_mem_publish sorts
 * and checks them and hands mem to *out, or closes it on any failure; returns the result. */
struct bw_mem *bw_mem_new(const struct bw_allocator *alloc);
int bw_mem_publish(struct bw_mem *mem, int ret, struct bw_mem **out, struct bw_error *err);
int bw_mem_add_seg(struct bw_mem *mem, uint64_t start, uint64_t size, const uint8_t *data,
		   uint32_t source, struct bw_error *err);
/* A range backed by file (index + 1) from byte foff on; the caller checked it is in the file. */
int bw_mem_add_file_seg(struct bw_mem *mem, uint64_t start, uint64_t size, uint32_t file,
			uint64_t foff, uint32_t source, struct bw_error *err);
/* The register slot of CPU idx, grown as needed. */
int bw_mem_cpu_slot(struct bw_mem *mem, size_t idx, struct bw_cpu_regs **out, struct bw_error *err);

/*
 * Distinct bytes backing the physical ranges given: present bytes counted once however many
 * ranges alias them (PT_LOADs sharing a file range, one file given twice, one mapping added twice,
 * physical ranges given twice). Costs a sort of the pieces involved; 0 when out of memory or
 * past 4M pieces (callers read 0 as "not backed").
 */
uint64_t bw_mem_backing(const struct bw_mem *mem, const struct bw_mem_range *ranges,
			size_t nranges);

/* Bytes present from paddr on, through adjacent ranges, counted up to max (0: absent). */
uint64_t bw_mem_present(const struct bw_mem *mem, uint64_t paddr, uint64_t max);

/*
 * file.c: open path for pread; *file gets its index + 1, *size its size. The descriptor is owned
 * by mem and closed by bw_mem_close_files.
 */
int bw_mem_file_open(struct bw_mem *mem, const char *path, uint32_t *file, uint64_t *size,
		     struct bw_error *err);
/* Read exactly len bytes at off; a short read (the file shrank) is BW_EIO naming path and off. */
int bw_mem_file_read(const struct bw_mem *mem, uint32_t file, uint64_t off, void *buf, size_t len,
		     struct bw_error *err);
void bw_mem_close_files(struct bw_mem *mem);
/* elfcore.c: add the ELF core file's PT_LOAD ranges and notes (headers read, not mapped). */
int bw_mem_load_elfcore(struct bw_mem *mem, uint32_t file, uint64_t len, uint32_t source,
			struct bw_error *err);
bool bw_mem_is_elf(const uint8_t *data, size_t len);

#endif
