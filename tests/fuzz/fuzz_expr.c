/* SPDX-License-Identifier: MIT */
/*
 * Target 5: path expressions. The input is the expression text; it is evaluated against a
 * fixed, valid synthetic kernel (tests/fuzz/kimage.h), its value read and printed, and the same
 * text is tried as a BTF member path from a few types (bw_btf_path shares the grammar's
 * member/index part).
 */
#include <stdlib.h>
#include <string.h>
#include "embedded.h"
#include "image_mem.h"
#include "kernel_queries.h"
#include "kimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define EXPR_MAX 4096

static struct bw_btf *btf;
static struct image_mem im;
static struct bw_mem *mem;
static struct bw_kernel *kernel;
static uint32_t roots[3];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct bw_kernel_opts opts = { 0 };
	struct bw_error err;
	uint8_t *img;
	size_t size;

	(void)argc;
	(void)argv;
	if (bw_btf_open_mem(fuzz_kernel_btf, fuzz_kernel_btf_len, NULL, &btf, &err) ||
	    kimage_build(btf, fuzz_kernel_btf, fuzz_kernel_btf_len, &img, &size, &err) ||
	    image_mem_open(&im, img, size, 0, NULL, &mem, &err))
		fuzz_fail(__FILE__, __LINE__, err.msg);
	opts.btf = btf;
	/* The fixed kernel must open: a target that only ever sees errors tests nothing. */
	if (bw_kernel_open(mem, &opts, &kernel, &err))
		fuzz_fail(__FILE__, __LINE__, err.msg);
	if (bw_btf_find(btf, "pglist_data", BW_KIND_STRUCT, &roots[0], &err) ||
	    bw_btf_find(btf, "rq", BW_KIND_STRUCT, &roots[1], &err) ||
	    bw_btf_find(btf, "uts_namespace", BW_KIND_STRUCT, &roots[2], &err))
		fuzz_fail(__FILE__, __LINE__, err.msg);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bw_member_loc loc;
	struct bw_error err;
	char *expr;
	int rc;

	if (size > EXPR_MAX)
		return 0;
	expr = malloc(size + 1);
	if (!expr)
		return 0;
	memcpy(expr, data, size);
	expr[size] = '\0';
	fuzz_eval(kernel, expr);
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		rc = bw_btf_path(btf, roots[i], expr, &loc, &err);
		if (rc)
			fuzz_check_error(rc, &err);
		else
			FUZZ_ASSERT(loc.byte_offset == loc.bit_offset / 8);
	}
	free(expr);
	return 0;
}
