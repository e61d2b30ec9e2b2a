/* SPDX-License-Identifier: MIT */
/*
 * Target 4c: the whole walker on a fuzzed physical memory image (from physical 0) with a fixed
 * kernel BTF: VMCOREINFO found by scanning, page tables, symbols, per-CPU areas, pointers, the
 * NUMA walk. The byte at KIMAGE_MODE_OFFSET picks how the kernel is opened: bit 0 reads the BTF
 * out of the image instead of the caller's, bit 1 skips the VMCOREINFO cross-check, bit 2 cuts
 * the image into 16 ranges and the two bytes before the mode byte say which are holes. Every
 * call must fail cleanly or answer; nothing may crash, loop or leak.
 */
#include "embedded.h"
#include "image_mem.h"
#include "kernel_queries.h"
#include "kimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct bw_btf *kernel_btf;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct bw_error err;

	(void)argc;
	(void)argv;
	if (bw_btf_open_mem(fuzz_kernel_btf, fuzz_kernel_btf_len, NULL, &kernel_btf, &err))
		fuzz_fail(__FILE__, __LINE__, err.msg);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t mode = size > KIMAGE_MODE_OFFSET ? data[KIMAGE_MODE_OFFSET] : 0;
	struct image_mem im;
	struct fuzz_alloc fa;
	struct bw_mem *mem = NULL;
	struct bw_kernel_opts opts = { 0 };
	struct bw_error err;
	int rc;

	fuzz_alloc_init(&fa, 0, size);
	if (mode & 4)
		rc = image_mem_open_holes(&im, data, size, 0,
					  (uint16_t)(data[KIMAGE_MODE_OFFSET - 2] |
						     data[KIMAGE_MODE_OFFSET - 1] << 8),
					  &fa.a, &mem, &err);
	else
		rc = image_mem_open(&im, data, size, 0, &fa.a, &mem, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		FUZZ_ASSERT(fa.live == 0);
		return 0;
	}
	opts.alloc = &fa.a;
	opts.btf = mode & 1 ? NULL : kernel_btf;
	opts.no_crosscheck = mode & 2;
	fuzz_open_and_query(mem, &opts);
	bw_mem_close(mem);
	FUZZ_ASSERT(fa.live == 0);
	return 0;
}
