/* SPDX-License-Identifier: MIT */
#include <string.h>
#include "image_mem.h"

static int image_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	struct image_mem *im = ctx;

	im->reads++;
	if (paddr < im->base || paddr - im->base > im->size || len > im->size - (paddr - im->base))
		return -1;
	memcpy(buf, im->data + (paddr - im->base), len);
	return 0;
}

int image_mem_open(struct image_mem *im, const uint8_t *data, size_t size, uint64_t base,
		   const struct bw_allocator *alloc, struct bw_mem **out, struct bw_error *err)
{
	struct bw_mem_range range = { .start = base, .size = size };

	im->data = data;
	im->size = size;
	im->base = base;
	im->reads = 0;
	return bw_mem_open_callback(&range, 1, image_read, im, alloc, out, err);
}

int image_mem_open_holes(struct image_mem *im, const uint8_t *data, size_t size, uint64_t base,
			 uint16_t holes, const struct bw_allocator *alloc, struct bw_mem **out,
			 struct bw_error *err)
{
	struct bw_mem_range ranges[IMAGE_MEM_SLICES];
	size_t i, n = 0, slice = size / IMAGE_MEM_SLICES;

	im->data = data;
	im->size = size;
	im->base = base;
	im->reads = 0;
	for (i = 0; i < IMAGE_MEM_SLICES; i++) {
		size_t start = i * slice, end = i == IMAGE_MEM_SLICES - 1 ? size : start + slice;

		if (!(holes >> i & 1) && end > start)
			ranges[n++] = (struct bw_mem_range){ .start = base + start, .size = end - start };
	}
	return bw_mem_open_callback(ranges, n, image_read, im, alloc, out, err);
}
