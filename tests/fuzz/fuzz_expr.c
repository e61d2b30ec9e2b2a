/* SPDX-License-Identifier: MIT */
/*
 * Target 5: path expressions. The input is the expression text, optionally followed by a NUL
 * and bytes that are written into a window of memory (physical EXPR_WINDOW_PA, direct-mapped at
 * 0xffff888000000000 + that) before the evaluation: lists, trees and xarrays of the input's own
 * making, hostile (cycles, broken links, huge chains), for expressions such as
 * "*(struct fuzz_anchors *)0xffff888000040000.list[list: struct fuzz_item.link].id". It is
 * evaluated against the fixed synthetic kernel (tests/fuzz/kimage.h) by bw_kernel_eval and by
 * bw_kernel_eval_each (each value read and printed, at most EXPR_MAX_VALUES), and the text is
 * tried as a BTF member path from a few types (bw_btf_path shares the grammar's member/index
 * part).
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
#define EXPR_WINDOW_PA 0x40000u
#define EXPR_WINDOW_SIZE 0x10000u
#define EXPR_MAX_VALUES 4096

static struct bw_btf *btf;
static struct image_mem im;
static struct bw_mem *mem;
static struct bw_kernel *kernel;
static uint32_t roots[3];
static uint8_t *memory; /* the kernel image, then the window */

struct each_ctx {
	uint32_t values;
};

static int each_value(void *ctx, const struct bw_value_label *label, const struct bw_value *v,
		      const struct bw_error *elem_err)
{
	struct each_ctx *c = ctx;
	struct bw_error err;
	char where[256];
	uint64_t u;
	int rc;

	FUZZ_ASSERT(label->depth <= BW_KERNEL_MAX_FANOUT);
	bw_kernel_label_format(label, where, sizeof(where));
	FUZZ_ASSERT(memchr(where, '\0', sizeof(where)) != NULL);
	if (elem_err) {
		FUZZ_ASSERT(!v && label->depth > 0);
		FUZZ_ASSERT(elem_err->code == BW_EFAULT || elem_err->code == BW_EFORMAT);
		FUZZ_ASSERT(elem_err->msg[0] != '\0');
	} else {
		rc = bw_kernel_value_u64(kernel, v, &u, &err);
		if (rc)
			fuzz_check_error(rc, &err);
		rc = bw_kernel_value_print(kernel, v, fuzz_null_sink, NULL, &err);
		if (rc)
			fuzz_check_error(rc, &err);
	}
	return ++c->values == EXPR_MAX_VALUES;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct bw_kernel_opts opts = { 0 };
	struct bw_error err;
	uint8_t *img;
	size_t size;

	(void)argc;
	(void)argv;
	if (bw_btf_open_mem(fuzz_kernel_btf, fuzz_kernel_btf_len, NULL, &btf, &err) ||
	    kimage_build(btf, fuzz_kernel_btf, fuzz_kernel_btf_len, &img, &size, &err))
		fuzz_fail(__FILE__, __LINE__, err.msg);
	FUZZ_ASSERT(size <= EXPR_WINDOW_PA);
	memory = calloc(1, EXPR_WINDOW_PA + EXPR_WINDOW_SIZE);
	FUZZ_ASSERT(memory);
	memcpy(memory, img, size);
	free(img);
	if (image_mem_open(&im, memory, EXPR_WINDOW_PA + EXPR_WINDOW_SIZE, 0, NULL, &mem, &err))
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
	struct each_ctx each = { 0 };
	struct bw_member_loc loc;
	struct bw_error err;
	const uint8_t *nul;
	size_t text_len, window_len = 0;
	char *expr;
	int rc;

	if (size > EXPR_MAX + 1 + EXPR_WINDOW_SIZE)
		return 0;
	nul = memchr(data, '\0', size);
	text_len = nul ? (size_t)(nul - data) : size;
	if (text_len > EXPR_MAX)
		return 0;
	expr = malloc(text_len + 1);
	if (!expr)
		return 0;
	memcpy(expr, data, text_len);
	expr[text_len] = '\0';
	if (nul) {
		window_len = size - text_len - 1;
		memcpy(memory + EXPR_WINDOW_PA, nul + 1, window_len);
	}
	fuzz_eval(kernel, expr);
	rc = bw_kernel_eval_each(kernel, expr, each_value, &each, &err);
	if (rc)
		fuzz_check_error(rc, &err);
	memset(memory + EXPR_WINDOW_PA, 0, window_len);
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
