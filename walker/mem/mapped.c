// SPDX-License-Identifier: MIT
/* Guest RAM the caller has mapped itself: ranges whose reads are a memcpy from its mappings. */
#include <inttypes.h>
#include "internal.h"
#include "mem/mem_impl.h"

int bw_mem_open_mapped(const struct bw_mem_mapping *maps, size_t nmaps,
		       const struct bw_allocator *alloc, struct bw_mem **out, struct bw_error *err)
{
	struct bw_mem *mem;
	size_t i;
	int ret;

	if (!out || (!maps && nmaps))
		return bw_fail(err, BW_EINVAL, "bw_mem_open_mapped: NULL argument");
	*out = NULL;
	if (nmaps > BW_MEM_MAX_RANGES)
		return bw_fail(err, BW_ELIMIT, "%zu mappings given, at most %u", nmaps,
			       BW_MEM_MAX_RANGES);
	mem = bw_mem_new(alloc);
	if (!mem)
		return bw_fail(err, BW_ENOMEM, "out of memory for the guest memory");
	/* Each mapping is its own source: overlaps between them are errors. */
	for (i = 0, ret = 0; !ret && i < nmaps; i++)
		ret = !maps[i].addr && maps[i].size
			      ? bw_fail(err, BW_EINVAL,
					"mapping %zu (0x%" PRIx64 ") has no address", i,
					maps[i].start)
			      : bw_mem_add_seg(mem, maps[i].start, maps[i].size, maps[i].addr,
					       (uint32_t)i, err);
	return bw_mem_publish(mem, ret, out, err);
}
