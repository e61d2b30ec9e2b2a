/* SPDX-License-Identifier: MIT */
/*
 * C identifiers checked and hashed 16 bytes at a time (validation reads every name once, so this
 * is its hot loop). Plain C on 64-bit words: each byte is classified by additions whose bit 7
 * tells whether the byte reaches a threshold. An identifier byte never carries into the next
 * byte, so every byte up to and including the first non-identifier byte is classified exactly;
 * the bytes above it may come out either way, and only the first one is looked at.
 */
#ifndef BTFWALK_BTF_IDENT_H
#define BTFWALK_BTF_IDENT_H

#include "btf_impl.h"

#define BW_BTFI_ONES 0x0101010101010101ull
#define BW_BTFI_HIGHS (BW_BTFI_ONES * 0x80)

/* Bit 7 of each byte b < 0x80 of x + bw_btfi_at(t): set iff b >= t. */
#define bw_btfi_at(t) (BW_BTFI_ONES * (0x80u - (t)))

/*
 * 0x80 in the first byte of w (little-endian word of text) that cannot continue an identifier,
 * 0 if there is none; bytes above it may have 0x80 set or not.
 */
static inline uint64_t bw_btfi_ident_bad(uint64_t w)
{
	/* Setting bit 5 folds A-Z onto a-z, and '_' (0x5f) onto 0x7f with DEL. */
	uint64_t y = w | BW_BTFI_ONES * 0x20;
	/*
	 * The identifier bytes are an odd number of thresholds past: y in [a, z], y == 0x7f (that
	 * is '_' or DEL) and w in [0, 9]. Identifier bytes are below 0x7b, so none carries.
	 */
	uint64_t good = (y + bw_btfi_at('a')) ^ (y + bw_btfi_at('z' + 1)) ^ (y + bw_btfi_at(0x7f)) ^
			(w + bw_btfi_at('0')) ^ (w + bw_btfi_at('9' + 1));

	/*
	 * Bad: not good, or w in [0x7f, 0xfe] (DEL, bytes >= 0x80); 0xff comes out of all five
	 * sums without bit 7, so not good.
	 */
	return ((good ^ BW_BTFI_HIGHS) | (w + BW_BTFI_ONES)) & BW_BTFI_HIGHS;
}

/* Index of the lowest byte with its 0x80 bit set in m (m != 0, bit 7 set in that byte). */
static inline unsigned bw_btfi_first_byte(uint64_t m)
{
#if defined(__GNUC__)
	return (unsigned)__builtin_ctzll(m) / 8;
#else
	unsigned k = 0;

	while (!(m & 0x80)) {
		m >>= 8;
		k++;
	}
	return k;
#endif
}

/*
 * The bytes of w below its first bad byte (bad: bw_btfi_ident_bad(w), non-zero), or ~0 if that
 * byte is not the NUL that ends a name.
 */
static inline uint64_t bw_btfi_ident_head(uint64_t w, uint64_t bad)
{
	uint64_t upto = bad ^ (bad - 1); /* the bytes up to and including the first bad one */

	/* That byte is the top one of w & upto: NUL iff nothing is left above the bytes below it. */
	return (w & upto) > upto >> 8 ? ~0ull : w & (upto >> 8);
}

/*
 * The end of a name in word w of a 16-byte block (bad: w's bad bytes, not 0), at byte at of the
 * name: its length, or -1 if the first bad byte is not its NUL. *hash (if non-NULL) gets h with
 * the block's last step: the first word a and w if w is the second (second), else w alone.
 */
static BW_BTFI_INLINE long bw_btfi_ident_end(const struct bw_btf *btf, uint64_t h, uint64_t a,
					     uint64_t w, uint64_t bad, bool second, size_t at,
					     uint32_t *hash)
{
	w = bw_btfi_ident_head(w, bad);
	if (w == ~0ull)
		return -1;
	if (hash)
		*hash = second ? bw_btfi_hash_last(btf, h, a, w) : bw_btfi_hash_last(btf, h, w, 0);
	return (long)(at + bw_btfi_first_byte(bad));
}

/*
 * The scan of a name with at least BW_BTF_MAX_NAME_LEN bytes readable from s: as
 * bw_btfi_ident_scan. Blocks of 16 bytes up to the cap, none read past the cap; the second
 * word of a block is not read past a NUL in the first.
 */
static BW_BTFI_INLINE long bw_btfi_ident_scan_far(const struct bw_btf *btf, const char *s,
						  uint32_t *hash)
{
	uint64_t h = 0, a, b, bad;
	size_t i;

	/* Below 'A' are digits, the NUL of an empty name and bytes no identifier has. */
	if ((uint8_t)s[0] < 'A')
		return -1;
	for (i = 0; i < BW_BTF_MAX_NAME_LEN; i += 16) {
		a = bw_btfi_load8(s + i);
		bad = bw_btfi_ident_bad(a);
		if (bad)
			return bw_btfi_ident_end(btf, h, 0, a, bad, false, i, hash);
		b = bw_btfi_load8(s + i + 8);
		bad = bw_btfi_ident_bad(b);
		if (bad)
			return bw_btfi_ident_end(btf, h, a, b, bad, true, i + 8, hash);
		if (hash)
			h = bw_btfi_hash_block(btf, h, a, b);
	}
	return -1; /* 512 identifier bytes: too long */
}

/* bw_btfi_ident_scan with room < BW_BTF_MAX_NAME_LEN (names near the end of a section). */
long bw_btfi_ident_scan_near(const struct bw_btf *btf, const char *s, size_t room, uint32_t *hash);

/*
 * If s is a C identifier ([A-Za-z_][A-Za-z0-9_]*) shorter than BW_BTF_MAX_NAME_LEN, its length,
 * and (when hash is non-NULL) *hash = bw_btfi_hash(btf, s); else -1. room: bytes readable from
 * s, a NUL among them (past room, bytes are taken as 0). Reads at most BW_BTF_MAX_NAME_LEN bytes.
 */
static BW_BTFI_INLINE long bw_btfi_ident_scan(const struct bw_btf *btf, const char *s, size_t room,
					      uint32_t *hash)
{
	if (room < BW_BTF_MAX_NAME_LEN)
		return bw_btfi_ident_scan_near(btf, s, room, hash);
	return bw_btfi_ident_scan_far(btf, s, hash);
}

#endif
