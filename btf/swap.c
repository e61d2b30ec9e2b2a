/* SPDX-License-Identifier: MIT */
/*
 * Byte-swapping a BTF blob of the other byte order in place (the loader gives us a private
 * copy). Only what is needed to walk safely is checked here; validation comes after.
 */
#include "btf_impl.h"

static uint32_t btfswap_u32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}

static void btfswap_words(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, p += 4) {
		uint32_t v = btfswap_u32(bw_btfi_rd32(p));

		memcpy(p, &v, 4);
	}
}

int bw_btfi_swap(uint8_t *blob, size_t len, uint32_t start_id, struct bw_error *err)
{
	uint32_t hdr_len, type_off, type_len, n = 0;
	uint64_t start, end, pos;
	uint16_t magic;

	if (len < BW_BTF_HDR_LEN)
		return bw_fail(err, BW_EFORMAT, "BTF header: %zu bytes, need %u", len,
			       BW_BTF_HDR_LEN);
	magic = (uint16_t)((blob[0] << 8) | blob[1]);
	memcpy(blob, &magic, 2);
	btfswap_words(blob + 4, 5);
	hdr_len = bw_btfi_rd32(blob + BW_BTF_HDR_HDR_LEN);
	type_off = bw_btfi_rd32(blob + BW_BTF_HDR_TYPE_OFF);
	type_len = bw_btfi_rd32(blob + BW_BTF_HDR_TYPE_LEN);
	start = (uint64_t)hdr_len + type_off;
	end = start + type_len;
	if (end > len)
		return bw_fail(err, BW_EFORMAT, "BTF header: type section [%llu, %llu) outside the "
			       "%zu-byte blob", (unsigned long long)start, (unsigned long long)end,
			       len);
	for (pos = start; pos < end; n++) {
		uint32_t info;
		int64_t extra;

		if (end - pos < BW_BTF_TYPE_LEN)
			return bw_fail(err, BW_EFORMAT, "BTF [%u] at offset %llu: %llu bytes left, "
				       "need %u", start_id + n, (unsigned long long)pos,
				       (unsigned long long)(end - pos), BW_BTF_TYPE_LEN);
		btfswap_words(blob + pos, 3);
		info = bw_btfi_rd32(blob + pos + 4);
		extra = bw_btfi_kind_extra(bw_btfi_info_kind(info), bw_btfi_info_vlen(info));
		if (extra < 0)
			return bw_fail(err, BW_EFORMAT, "BTF [%u] at offset %llu: unknown kind %d",
				       start_id + n, (unsigned long long)pos, bw_btfi_info_kind(info));
		pos += BW_BTF_TYPE_LEN;
		if ((uint64_t)extra > end - pos)
			return bw_fail(err, BW_EFORMAT, "BTF [%u] at offset %llu: %lld bytes of kind "
				       "data run past the type section", start_id + n,
				       (unsigned long long)(pos - BW_BTF_TYPE_LEN), (long long)extra);
		btfswap_words(blob + pos, (size_t)extra / 4);
		pos += (uint64_t)extra;
	}
	return 0;
}
