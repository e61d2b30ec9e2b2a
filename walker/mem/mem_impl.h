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

/* One present range: file-backed (data) or served by the caller's callback (data NULL). */
struct bw_mem_seg {
	uint64_t start;
	uint64_t size;
	const uint8_t *data;
	uint32_t source; /* index of the spec it came from, to tell aliases from overlaps */
};

struct bw_mem_map {
	void *addr;
	size_t len;
};

struct bw_mem {
	struct bw_allocator alloc_copy;
	const struct bw_allocator *alloc; /* &alloc_copy, or NULL for libc */

	struct bw_mem_seg *segs; /* sorted by start once bw_mem_seal ran */
	size_t nsegs, segs_cap;

	struct bw_mem_map *maps;
	size_t nmaps;

	bw_mem_read_fn read;
	void *ctx;
	const struct bw_mem_live_ops *live; /* a live source (QEMU process); NULL otherwise */

	const char *vmcoreinfo; /* into a mapping; not NUL-terminated */
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

/* core.c: a new empty memory; sort and check its ranges once they are all added. */
struct bw_mem *bw_mem_new(const struct bw_allocator *alloc);
int bw_mem_seal(struct bw_mem *mem, struct bw_error *err);
int bw_mem_add_seg(struct bw_mem *mem, uint64_t start, uint64_t size, const uint8_t *data,
		   uint32_t source, struct bw_error *err);
/* The register slot of CPU idx, grown as needed. */
int bw_mem_cpu_slot(struct bw_mem *mem, size_t idx, struct bw_cpu_regs **out, struct bw_error *err);

/* Bytes present from paddr on, through adjacent ranges, counted up to max (0: absent). */
uint64_t bw_mem_present(const struct bw_mem *mem, uint64_t paddr, uint64_t max);

/* file.c: map path read-only; the mapping is owned by mem. */
int bw_mem_map_file(struct bw_mem *mem, const char *path, const uint8_t **data, size_t *len,
		    struct bw_error *err);
void bw_mem_unmap_all(struct bw_mem *mem);
/* elfcore.c: add an ELF core's PT_LOAD ranges and notes. */
int bw_mem_load_elfcore(struct bw_mem *mem, const char *path, const uint8_t *data, size_t len,
			uint32_t source, struct bw_error *err);
bool bw_mem_is_elf(const uint8_t *data, size_t len);

#endif
