/* SPDX-License-Identifier: MIT */
/* make_kimage OUT [MODE [HOLES [BTF]]]: write the synthetic kernel image (tests/fuzz/kimage.h)
 * for the embedded kernel BTF, or for the BTF file given (a layout variant, which the walker
 * target reads from the image with mode bit 0), as the walker target's seed, with fuzz_walker's
 * mode byte set to MODE and its 16-bit mask of holes to HOLES. */
#include <stdio.h>
#include <stdlib.h>
#include "embedded.h"
#include "kimage.h"

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (f && !fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET) &&
	    (buf = malloc((size_t)n)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
		fclose(f);
		return buf;
	}
	perror(path);
	free(buf);
	if (f)
		fclose(f);
	return NULL;
}

int main(int argc, char **argv)
{
	const unsigned char *blob = fuzz_kernel_btf;
	unsigned char *file = NULL;
	size_t blob_len = fuzz_kernel_btf_len, size;
	struct bw_btf *btf;
	struct bw_error err;
	uint8_t *img;
	FILE *f;

	if (argc < 2 || argc > 5) {
		fprintf(stderr, "usage: make_kimage OUT [MODE [HOLES [BTF]]]\n");
		return 2;
	}
	if (argc == 5 && !(blob = file = read_file(argv[4], &blob_len)))
		return 1;
	if (bw_btf_open_mem(blob, blob_len, NULL, &btf, &err) ||
	    kimage_build(btf, blob, blob_len, &img, &size, &err)) {
		fprintf(stderr, "make_kimage: %s\n", err.msg);
		return 1;
	}
	if (argc >= 3)
		img[KIMAGE_MODE_OFFSET] = (uint8_t)strtoul(argv[2], NULL, 0);
	if (argc >= 4) {
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
	free(file);
	return 0;
}
