/* SPDX-License-Identifier: MIT */
/*
 * Identifiers near the end of a string section, out of the hot path: the scan of ident.h runs on
 * a zero-padded copy, so it reads whole words without reading past the section.
 */
#include "ident.h"

long bw_btfi_ident_scan_near(const struct bw_btf *btf, const char *s, size_t room, uint32_t *hash)
{
	char copy[BW_BTF_MAX_NAME_LEN] = {0};

	memcpy(copy, s, room);
	return bw_btfi_ident_scan_far(btf, copy, hash);
}
