/* SPDX-License-Identifier: MIT */
/* A fuzz input seen as guest physical memory through bw_mem_open_callback. */
#ifndef FUZZ_IMAGE_MEM_H
#define FUZZ_IMAGE_MEM_H

#include "support.h"

struct image_mem {
	const uint8_t *data;
	size_t size;
	uint64_t base; /* physical address of data[0] */
	size_t reads;  /* callback calls, to catch unbounded walks */
};

/* Open data[0..size) as present memory at physical address base (mem is owned by the caller). */
int image_mem_open(struct image_mem *im, const uint8_t *data, size_t size, uint64_t base,
		   const struct bw_allocator *alloc, struct bw_mem **out, struct bw_error *err);

/*
 * The same, cut into IMAGE_MEM_SLICES equal slices, each its own range (so reads cross range
 * boundaries), leaving out slice i when bit i of holes is set: memory with holes, as a dump
 * of several NUMA backends or with filtered pages has.
 */
#define IMAGE_MEM_SLICES 16
int image_mem_open_holes(struct image_mem *im, const uint8_t *data, size_t size, uint64_t base,
			 uint16_t holes, const struct bw_allocator *alloc, struct bw_mem **out,
			 struct bw_error *err);

#endif
