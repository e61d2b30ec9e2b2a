/* SPDX-License-Identifier: MIT */
/* make_kimage OUT [MODE [HOLES]]: write the synthetic kernel image (tests/fuzz/kimage.h) for
 * the embedded kernel BTF, as the walker target's seed, with fuzz_walker's mode byte set to MODE
 * and its 16-bit mask of holes to HOLES. */
#include <stdio.h>
#include <stdlib.h>
#include "embedded.h"
#include "kimage.h"

int main(int argc, char **argv)
{
	struct bw_btf *btf;
	struct bw_error err;
	uint8_t *img;
	size_t size;
	FILE *f;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: make_kimage OUT [MODE [HOLES]]\n");
		return 2;
	}
	if (bw_btf_open_mem(fuzz_kernel_btf, fuzz_kernel_btf_len, NULL, &btf, &err) ||
	    kimage_build(btf, fuzz_kernel_btf, fuzz_kernel_btf_len, &img, &size, &err)) {
		fprintf(stderr, "make_kimage: %s\n", err.msg);
		return 1;
	}
	if (argc >= 3)
		img[KIMAGE_MODE_OFFSET] = (uint8_t)strtoul(argv[2], NULL, 0);
	if (argc == 4) {
		unsigned long holes = strtoul(argv[3], NULL, 0);

		img[KIMAGE_MODE_OFFSET - 2] = (uint8_t)holes;
		img[KIMAGE_MODE_OFFSET - 1] = (uint8_t)(holes >> 8);
	}
	f = fopen(argv[1], "wb");
	if (!f || fwrite(img, 1, size, f) != size || fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	free(img);
	bw_btf_close(btf);
	return 0;
}
