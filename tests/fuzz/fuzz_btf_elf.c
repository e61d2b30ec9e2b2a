/* SPDX-License-Identifier: MIT */
/*
 * Target 2: an ELF file (or raw blob) opened as BTF on its own, and again as split BTF on top of
 * a fixed small base, with every query on each result. Split ids and string offsets continue the
 * base's, so a split blob can point into the base: those references must be checked too.
 */
#include <stdlib.h>
#include <string.h>
#include "btf_queries.h"
#include "support.h"
#include "embedded.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct bw_btf *base;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct bw_error err;

	(void)argc;
	(void)argv;
	if (bw_btf_open_mem(fuzz_split_base, fuzz_split_base_len, NULL, &base, &err))
		fuzz_fail(__FILE__, __LINE__, err.msg);
	return 0;
}

static void open_and_query(const uint8_t *blob, size_t size, const struct bw_btf *on)
{
	struct fuzz_alloc fa;
	struct bw_btf_opts opts = { 0 };
	struct bw_btf *btf = NULL;
	struct bw_error err;
	int rc;

	fuzz_alloc_init(&fa, 0, size);
	opts.alloc = &fa.a;
	opts.base = on;
	rc = bw_btf_open_mem(blob, size, &opts, &btf, &err);
	if (rc == 0) {
		FUZZ_ASSERT(btf != NULL && bw_btf_base(btf) == on);
		if (on)
			FUZZ_ASSERT(bw_btf_start_id(btf) == bw_btf_type_cnt(on));
		fuzz_query_btf(btf);
		bw_btf_close(btf);
	} else {
		fuzz_check_error(rc, &err);
	}
	FUZZ_ASSERT(fa.live == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	open_and_query(data, size, NULL);
	open_and_query(data, size, base);
	return 0;
}
