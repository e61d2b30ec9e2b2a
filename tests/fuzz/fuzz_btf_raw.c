/* SPDX-License-Identifier: MIT */
/*
 * Target 1: a raw BTF blob (or anything else) handed to bw_btf_open_mem, then every query.
 * The blob is placed at a misalignment chosen from its hash, ending exactly at the end of its
 * allocation, since callers pass sections of mapped files at any offset. The open is then
 * repeated with an allocator that fails on one chosen call: it must fail cleanly and free all.
 */
#include <stdlib.h>
#include <string.h>
#include "btf_queries.h"
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void open_with_failing_alloc(const uint8_t *blob, size_t size, size_t allocs,
				    uint32_t hash)
{
	struct fuzz_alloc fa;
	struct bw_btf_opts opts = { 0 };
	struct bw_btf *btf = NULL;
	struct bw_error err;
	int rc;

	if (!allocs)
		return;
	fuzz_alloc_init(&fa, 1 + hash % allocs, size);
	opts.alloc = &fa.a;
	rc = bw_btf_open_mem(blob, size, &opts, &btf, &err);
	if (rc == 0) {
		/* Only possible if the failed call was optional; the result must still work. */
		fuzz_query_btf(btf);
		bw_btf_close(btf);
	} else {
		FUZZ_ASSERT(rc == -BW_ENOMEM);
		fuzz_check_error(rc, &err);
	}
	FUZZ_ASSERT(fa.live == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t hash = fuzz_hash(data, size);
	size_t shift = hash & 3;
	uint8_t *buf = malloc(size + shift);
	struct fuzz_alloc fa;
	struct bw_btf_opts opts = { 0 };
	struct bw_btf *btf = NULL;
	struct bw_error err;
	size_t open_allocs;
	int rc;

	if (!buf)
		return 0;
	memcpy(buf + shift, data, size);
	fuzz_alloc_init(&fa, 0, size);
	opts.alloc = &fa.a;
	rc = bw_btf_open_mem(buf + shift, size, &opts, &btf, &err);
	open_allocs = fa.calls;
	if (rc == 0) {
		FUZZ_ASSERT(btf != NULL);
		fuzz_query_btf(btf);
		bw_btf_close(btf);
	} else {
		fuzz_check_error(rc, &err);
	}
	FUZZ_ASSERT(fa.live == 0);
	open_with_failing_alloc(buf + shift, size, open_allocs, hash >> 2);
	free(buf);
	return 0;
}
