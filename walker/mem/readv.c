// SPDX-License-Identifier: MIT
/* Batched reads: one call into a live source for many pieces, plain reads for the others. */
#include <inttypes.h>
#include "internal.h"
#include "mem/mem_impl.h"

int bw_mem_readv(const struct bw_mem *mem, const struct bw_mem_iov *iov, size_t n,
		 struct bw_error *err)
{
	size_t i;
	int ret;

	if (!mem || (!iov && n))
		return bw_fail(err, BW_EINVAL, "bw_mem_readv: NULL argument");
	if (!mem->live) {
		for (i = 0; i < n; i++) {
			ret = bw_mem_read(mem, iov[i].paddr, iov[i].buf, iov[i].len, err);
			if (ret)
				return ret;
		}
		return 0;
	}
	/* The source reads within one range per piece: check the ranges here. */
	for (i = 0; i < n; i++)
		if (!iov[i].buf || bw_mem_present(mem, iov[i].paddr, iov[i].len) < iov[i].len)
			return bw_mem_read(mem, iov[i].paddr, iov[i].buf, iov[i].len, err);
	for (i = 0; i < n; i += BW_MEM_READV_BATCH) {
		size_t k = n - i < BW_MEM_READV_BATCH ? n - i : BW_MEM_READV_BATCH;

		ret = mem->live->readv(mem->ctx, iov + i, k, err);
		if (ret)
			return ret;
	}
	return 0;
}
