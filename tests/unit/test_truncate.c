// SPDX-License-Identifier: MIT
/*
 * Files truncated while open (the contract of bw_mem_open and bw_btf_open_file): a dump that
 * shrinks under an opened bw_mem gives BW_EIO naming the path, offset and physical address on
 * the next read, never SIGBUS; a BTF file is read whole when opened, so truncating it afterwards
 * changes nothing. A SIGBUS would end this binary, which tests/run.sh counts as a failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "btfwalk.h"
#include "image_builder.h"

#define TRUNC_SIZE (64 * 4096)

static void test_dump_truncated_while_open(void **state)
{
	char *dir = imgb_tmpdir(), *path, spec[512];
	uint8_t *img = malloc(TRUNC_SIZE), got[16];
	struct bw_error err = {0};
	const char *specs[1] = {spec};
	struct bw_mem *mem;
	size_t i;

	(void)state;
	for (i = 0; i < TRUNC_SIZE; i++)
		img[i] = (uint8_t)(i * 13 + 1);
	path = imgb_write(dir, "mem.raw", img, TRUNC_SIZE);
	snprintf(spec, sizeof(spec), "%s@0x100000", path);
	assert_int_equal(bw_mem_open(specs, 1, NULL, &mem, &err), 0);
	assert_int_equal(bw_mem_read(mem, 0x100000 + TRUNC_SIZE - 16, got, 16, &err), 0);
	assert_memory_equal(got, img + TRUNC_SIZE - 16, 16);
	assert_int_equal(truncate(path, TRUNC_SIZE / 2), 0);
	/* Still there: read. Gone: BW_EIO naming the file, the offset and the address. */
	assert_int_equal(bw_mem_read(mem, 0x100000 + 16, got, 16, &err), 0);
	assert_memory_equal(got, img + 16, 16);
	assert_int_equal(bw_mem_read(mem, 0x100000 + TRUNC_SIZE - 16, got, 16, &err), -BW_EIO);
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, "physical address 0x13fff0"));
	assert_non_null(strstr(err.msg, "offset 0x3fff0"));
	/* Straddling the new end: an error too, not a partial read. */
	assert_int_equal(bw_mem_read(mem, 0x100000 + TRUNC_SIZE / 2 - 8, got, 16, &err), -BW_EIO);
	assert_int_equal(truncate(path, 0), 0);
	assert_int_equal(bw_mem_read(mem, 0x100000, got, 1, &err), -BW_EIO);
	bw_mem_close(mem);
	unlink(path);
	free(path);
	free(img);
	imgb_rmdir(dir);
}

static void test_btf_truncated_after_open(void **state)
{
	char *dir = imgb_tmpdir(), *path;
	struct bw_error err = {0};
	struct bw_btf *btf;
	uint32_t id, n;
	FILE *f;
	uint8_t *blob;
	long len;

	(void)state;
	f = fopen("fixtures/btf/layout.gcc.btf", "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	blob = malloc((size_t)len);
	assert_int_equal(fread(blob, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	path = imgb_write(dir, "t.btf", blob, (size_t)len);
	assert_int_equal(bw_btf_open_file(path, NULL, &btf, &err), 0);
	n = bw_btf_type_cnt(btf);
	assert_int_equal(truncate(path, 0), 0);
	/* Every type is still readable: the bytes were copied at open. */
	assert_int_equal(bw_btf_find(btf, "fx_bits", BW_KIND_STRUCT, &id, &err), 0);
	assert_int_equal(bw_btf_type_cnt(btf), n);
	bw_btf_close(btf);
	/* Opening the now-empty file is an error, not a crash. */
	assert_int_not_equal(bw_btf_open_file(path, NULL, &btf, &err), 0);
	unlink(path);
	free(path);
	free(blob);
	imgb_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dump_truncated_while_open),
		cmocka_unit_test(test_btf_truncated_after_open),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
