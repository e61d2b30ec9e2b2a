/* SPDX-License-Identifier: MIT */
/* Loading BTF: from a file (read into a buffer) or the caller's, raw or ELF, either byte order. */
#include <string.h>
#include "btf_impl.h"

/*
 * Find the blob in data (raw or ELF), bring it to native byte order (a private copy unless
 * `writable` says data is ours already), validate and index it.
 */
static int btfload_data(struct bw_btf *btf, uint8_t *writable, const uint8_t *data, size_t len,
			struct bw_error *err)
{
	size_t off = 0, size = len;
	uint32_t ptr_size = 0;
	uint16_t magic;
	int ret;

	if (len >= 4 && !memcmp(data, "\177ELF", 4)) {
		ret = bw_btfi_elf_find(data, len, &off, &size, &ptr_size, err);
		if (ret)
			return ret;
	}
	if (size < 2)
		return bw_fail(err, BW_EFORMAT, "BTF: %zu bytes is too short for a header", size);
	if (size > BW_BTF_MAX_SIZE)
		return bw_fail(err, BW_ELIMIT, "BTF: blob of %zu bytes exceeds the cap of %u", size,
			       BW_BTF_MAX_SIZE);
	magic = bw_btfi_rd16(data + off);
	if (magic == BW_BTF_MAGIC_SWAPPED) {
		uint8_t *blob = writable ? writable + off : NULL;

		if (!blob) {
			blob = bw_alloc(btf->alloc, size);
			if (!blob)
				return bw_fail(err, BW_ENOMEM, "BTF: no memory for a %zu-byte copy",
					       size);
			memcpy(blob, data + off, size);
			btf->owned = blob;
		}
		ret = bw_btfi_swap(blob, size, btf->start_id, err);
		if (ret)
			return ret;
		btf->swapped = true;
		data = blob;
	} else if (magic != BW_BTF_MAGIC) {
		return bw_fail(err, BW_EFORMAT, "BTF: bad magic 0x%04x at offset %zu (want 0x%04x)",
			       magic, off, BW_BTF_MAGIC);
	} else {
		data += off;
	}
	/* Pointer size: the ELF class says, or the base, or else validation guesses it. */
	btf->ptr_size = ptr_size ? ptr_size : btf->base ? btf->base->ptr_size : 0;
	return bw_btfi_validate(btf, data, size, err);
}

static int btfload_new(const struct bw_btf_opts *opts, struct bw_btf **out, struct bw_error *err)
{
	const struct bw_allocator *a = opts ? opts->alloc : NULL;
	struct bw_btf *btf = bw_zalloc(a, sizeof(*btf));

	if (!btf)
		return bw_fail(err, BW_ENOMEM, "BTF: no memory for the BTF object");
	if (a) {
		btf->alloc_copy = *a;
		btf->alloc = &btf->alloc_copy;
	}
	btf->base = opts ? opts->base : NULL;
	btf->start_id = btf->base ? bw_btfi_type_cnt(btf->base) : 1;
	btf->start_str = btf->base ? btf->base->start_str + btf->base->strs_len : 0;
	*out = btf;
	return 0;
}

int bw_btf_open_mem(const void *data, size_t len, const struct bw_btf_opts *opts,
		    struct bw_btf **out, struct bw_error *err)
{
	struct bw_btf *btf;
	int ret;

	if ((!data && len) || !out)
		return bw_fail(err, BW_EINVAL, "BTF: NULL buffer or output pointer");
	*out = NULL;
	ret = btfload_new(opts, &btf, err);
	if (ret)
		return ret;
	ret = btfload_data(btf, NULL, data, len, err);
	if (ret) {
		bw_btf_close(btf);
		return ret;
	}
	*out = btf;
	return 0;
}

int bw_btf_open_file(const char *path, const struct bw_btf_opts *opts, struct bw_btf **out,
		     struct bw_error *err)
{
	struct bw_btf *btf;
	uint8_t *data;
	size_t len;
	int ret;

	if (!path || !out)
		return bw_fail(err, BW_EINVAL, "BTF: NULL path or output pointer");
	*out = NULL;
	ret = btfload_new(opts, &btf, err);
	if (ret)
		return ret;
	/* Read, not mapped: a file truncated while open must not end the caller with SIGBUS. */
	ret = bw_read_all(btf->alloc, path, BW_BTF_MAX_FILE, BW_BTF_MAX_SIZE, &data, &len, err);
	if (ret)
		goto fail;
	btf->owned = data;
	ret = btfload_data(btf, data, data, len, err);
	if (ret)
		goto fail;
	*out = btf;
	return 0;
fail:
	bw_btf_close(btf);
	return ret;
}

void bw_btf_close(struct bw_btf *btf)
{
	if (!btf)
		return;
	bw_btfi_index_free(btf);
	bw_btfi_tab_free(btf, btf->offs);
	bw_btfi_tab_free(btf, btf->kinds);
	bw_btfi_tab_free(btf, btf->facts);
	bw_btfi_arena_release(btf);
	bw_free(btf->alloc, btf->owned);
	bw_free(btf->alloc, btf);
}

uint32_t bw_btf_type_cnt(const struct bw_btf *btf)
{
	return bw_btfi_type_cnt(btf);
}

uint32_t bw_btf_start_id(const struct bw_btf *btf)
{
	return btf->start_id;
}

const struct bw_btf *bw_btf_base(const struct bw_btf *btf)
{
	return btf->base;
}

bool bw_btf_swapped(const struct bw_btf *btf)
{
	return btf->swapped;
}

const char *bw_btfi_str(const struct bw_btf *btf, uint32_t off)
{
	while (off < btf->start_str && btf->base)
		btf = btf->base;
	return btf->strs + (off - btf->start_str);
}

const char *bw_btf_str(const struct bw_btf *btf, uint32_t off)
{
	while (btf && off < btf->start_str)
		btf = btf->base;
	if (!btf || off - btf->start_str >= btf->strs_len)
		return NULL;
	return btf->strs + (off - btf->start_str);
}
