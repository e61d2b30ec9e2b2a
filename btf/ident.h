/* SPDX-License-Identifier: MIT */
/*
 * C identifiers checked and hashed 8 bytes at a time (validation reads every name once, so this
 * is its hot loop). Plain C on 64-bit words: each byte of a word is classified with additions
 * that cannot carry into the next byte, since every byte is first cut to 7 bits.
 */
#ifndef BTFWALK_BTF_IDENT_H
#define BTFWALK_BTF_IDENT_H

#include "btf_impl.h"

#define BW_BTFI_ONES 0x0101010101010101ull
#define BW_BTFI_HIGHS (BW_BTFI_ONES * 0x80)

/* Bytes in [lo, hi] of x (all bytes < 0x80): 0x80 in each such byte. */
static inline uint64_t bw_btfi_bytes_in(uint64_t x, unsigned lo, unsigned hi)
{
	return (x + BW_BTFI_ONES * (0x80 - lo)) & ~(x + BW_BTFI_ONES * (0x7f - hi)) & BW_BTFI_HIGHS;
}

/* 0x80 in each byte of w (little-endian word of text) that cannot continue an identifier. */
static inline uint64_t bw_btfi_ident_bad(uint64_t w)
{
	uint64_t x = w & ~BW_BTFI_HIGHS;
	/* Setting bit 5 folds exactly A-Z onto a-z. */
	uint64_t alpha = bw_btfi_bytes_in(x | BW_BTFI_ONES * 0x20, 'a', 'z');
	uint64_t digit = bw_btfi_bytes_in(x, '0', '9');
	uint64_t under = ~((x ^ BW_BTFI_ONES * '_') + BW_BTFI_ONES * 0x7f) & BW_BTFI_HIGHS;

	/* Bytes >= 0x80 (their low 7 bits may look fine) are never part of an identifier. */
	return (~(alpha | digit | under) & BW_BTFI_HIGHS) | (w & BW_BTFI_HIGHS);
}

/* Index of the lowest byte with its 0x80 bit set in m (m != 0, only 0x80 bits set). */
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

/* Little-endian word at s + i, zero-padded past room (the bytes readable from s). */
static inline uint64_t bw_btfi_word_at(const char *s, size_t i, size_t room)
{
	return i + 8 <= room ? bw_btfi_load8(s + i) : bw_btfi_load(s + i, room - i);
}

/*
 * If s is a C identifier ([A-Za-z_][A-Za-z0-9_]*) shorter than BW_BTF_MAX_NAME_LEN, its length,
 * and (when hash is non-NULL) *hash = bw_btfi_hash(btf, s); else -1. room: bytes readable from
 * s, a NUL among them. Reads at most BW_BTF_MAX_NAME_LEN + 8 bytes.
 */
static inline long bw_btfi_ident_scan(const struct bw_btf *btf, const char *s, size_t room,
				      uint32_t *hash)
{
	uint8_t c = (uint8_t)s[0];
	uint64_t h = 0, w, bad;
	size_t i;
	unsigned k;

	/* The first byte may not be a digit: a letter (bit 5 set folds A-Z onto a-z) or '_'. */
	if ((uint8_t)((c | 0x20) - 'a') >= 26 && c != '_')
		return -1;
	for (i = 0;; i += 8) {
		w = bw_btfi_word_at(s, i, room);
		bad = bw_btfi_ident_bad(w);
		if (bad)
			break;
		if (i + 8 >= BW_BTF_MAX_NAME_LEN)
			return -1;
		if (hash)
			h = bw_btfi_hash_word(btf, h, w);
	}
	k = bw_btfi_first_byte(bad);
	/* The first byte out of class must be the NUL that ends the name. */
	if ((w >> (8 * k)) & 0xff)
		return -1;
	if (i + k >= BW_BTF_MAX_NAME_LEN)
		return -1;
	if (hash)
		*hash = bw_btfi_hash_last(btf, h, k ? w & (~0ull >> (64 - 8 * k)) : 0, i + k);
	return (long)(i + k);
}

#endif
