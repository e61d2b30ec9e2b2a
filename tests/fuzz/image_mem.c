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
