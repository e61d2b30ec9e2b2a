// SPDX-License-Identifier: MIT
/*
 * The kernel's compressed kallsyms tables, read through a virtual-memory callback and expanded
 * into a symbol table: every name is a length-prefixed run of token-table indexes, the first
 * character of the expansion being the symbol's type.
 */
#include <string.h>
#include <inttypes.h>
#include "internal.h"
#include "mem/mem_impl.h"
#include "kernel/symtab_impl.h"

#define KALLSYMS_CHUNK 4096u
#define KALLSYMS_NTOKENS 256

/* A page-sized read-ahead window over one table, so the callback is not called per byte. */
struct kallsyms_reader {
	bw_vread_fn vread;
	void *ctx;
	uint64_t start; /* vaddr of buf[0] */
	size_t len;	/* valid bytes in buf */
	uint8_t buf[KALLSYMS_CHUNK];
};

/*
 * The page at vaddr is absent or only partly present: make the window the longest readable run
 * from vaddr (at most a chunk), found by halving, so later reads of that part hit it instead of
 * calling back for every byte. Fails when fewer than need bytes are there, with *bad the first
 * absent byte.
 */
static int kallsyms_window(struct kallsyms_reader *r, uint64_t vaddr, size_t need, uint64_t *bad)
{
	size_t lo = 0, hi = KALLSYMS_CHUNK;

	r->len = 0;
	if (UINT64_MAX - vaddr < hi - 1)
		hi = (size_t)(UINT64_MAX - vaddr) + 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (r->vread(r->ctx, vaddr, r->buf, mid))
			hi = mid - 1;
		else
			lo = mid;
	}
	*bad = vaddr + lo;
	/* The last call may have been a failed one: fill the window again. */
	if (lo < need || r->vread(r->ctx, vaddr, r->buf, lo))
		return -1;
	r->start = vaddr;
	r->len = lo;
	return 0;
}

static int kallsyms_read(struct kallsyms_reader *r, uint64_t vaddr, void *out, size_t n,
			 const char *what, struct bw_error *err)
{
	uint8_t *dst = out;

	while (n) {
		uint64_t page = vaddr & ~(uint64_t)(KALLSYMS_CHUNK - 1), bad;
		size_t off, take;

		if (!r->len || vaddr < r->start || vaddr - r->start >= r->len) {
			r->start = page;
			r->len = KALLSYMS_CHUNK;
			if (r->vread(r->ctx, page, r->buf, KALLSYMS_CHUNK) &&
			    kallsyms_window(r, vaddr, n < KALLSYMS_CHUNK ? n : KALLSYMS_CHUNK, &bad))
				return bw_fail(err, BW_EFAULT,
					       "kallsyms: cannot read %s at vaddr 0x%" PRIx64, what,
					       bad);
		}
		off = (size_t)(vaddr - r->start);
		take = r->len - off < n ? r->len - off : n;
		memcpy(dst, r->buf + off, take);
		dst += take;
		n -= take;
		if (n && bw_add_overflow(vaddr, take, &vaddr))
			return bw_fail(err, BW_EFAULT, "kallsyms: %s runs past vaddr 2^64", what);
	}
	return 0;
}

struct kallsyms_tokens {
	char text[KALLSYMS_NTOKENS][BW_KALLSYMS_MAX_TOKEN_LEN + 1];
	uint16_t len[KALLSYMS_NTOKENS];
};

static int kallsyms_load_tokens(const struct bw_kallsyms_tables *t, struct kallsyms_reader *r,
				struct kallsyms_tokens *tok, struct bw_error *err)
{
	uint8_t index[KALLSYMS_NTOKENS * 2];
	unsigned i;
	int ret;

	ret = kallsyms_read(r, t->token_index, index, sizeof(index), "kallsyms_token_index", err);
	for (i = 0; !ret && i < KALLSYMS_NTOKENS; i++) {
		uint64_t at = t->token_table + bw_le16(index + 2 * i);
		size_t n;

		for (n = 0; n <= BW_KALLSYMS_MAX_TOKEN_LEN; n++) {
			ret = kallsyms_read(r, at + n, &tok->text[i][n], 1, "kallsyms_token_table",
					    err);
			if (ret || !tok->text[i][n])
				break;
		}
		if (!ret && n > BW_KALLSYMS_MAX_TOKEN_LEN)
			return bw_fail(err, BW_EFORMAT,
				       "kallsyms: token %u at vaddr 0x%" PRIx64
				       " has no NUL within %u bytes",
				       i, at, BW_KALLSYMS_MAX_TOKEN_LEN);
		tok->len[i] = (uint16_t)n;
	}
	return ret;
}

/*
 * Expand the symbol at *pos in kallsyms_names into name (type first, NUL-terminated) and move
 * *pos past it.
 */
static int kallsyms_expand(struct kallsyms_reader *r, const struct kallsyms_tokens *tok,
			   uint64_t *pos, uint32_t idx, char *name, size_t *name_len,
			   struct bw_error *err)
{
	uint8_t data[0x8000];
	size_t len, n = 0, i;
	int ret;

	ret = kallsyms_read(r, *pos, data, 1, "kallsyms_names", err);
	if (ret)
		return ret;
	len = data[0];
	*pos += 1;
	if (len & 0x80) { /* a "big" symbol: 7 low bits here, the high bits in the next byte */
		ret = kallsyms_read(r, *pos, data, 1, "kallsyms_names", err);
		if (ret)
			return ret;
		len = (len & 0x7f) | (size_t)data[0] << 7;
		*pos += 1;
	}
	if (!len)
		return bw_fail(err, BW_EFORMAT,
			       "kallsyms: symbol %u at vaddr 0x%" PRIx64 " has an empty name", idx,
			       *pos - 1);
	ret = kallsyms_read(r, *pos, data, len, "kallsyms_names", err);
	if (ret)
		return ret;
	for (i = 0; i < len; i++) {
		size_t tl = tok->len[data[i]];

		if (n + tl > BW_SYMTAB_MAX_NAME_LEN + 1)
			return bw_fail(err, BW_EFORMAT,
				       "kallsyms: symbol %u at vaddr 0x%" PRIx64
				       " expands past %u bytes",
				       idx, *pos, BW_SYMTAB_MAX_NAME_LEN);
		memcpy(name + n, tok->text[data[i]], tl);
		n += tl;
	}
	*pos += len;
	name[n] = '\0';
	*name_len = n;
	return 0;
}

/* The address of symbol i in whichever encoding the tables use. */
static int kallsyms_address(const struct bw_kallsyms_tables *t, struct kallsyms_reader *r,
			    uint64_t relative_base, bool absolute_percpu, uint32_t i,
			    uint64_t *addr, struct bw_error *err)
{
	uint8_t raw[8];
	int32_t off;
	int ret;

	if (!t->offsets) {
		ret = kallsyms_read(r, t->addresses + (uint64_t)i * 8, raw, 8, "kallsyms_addresses",
				    err);
		*addr = bw_le64(raw);
		return ret;
	}
	ret = kallsyms_read(r, t->offsets + (uint64_t)i * 4, raw, 4, "kallsyms_offsets", err);
	if (ret)
		return ret;
	off = (int32_t)bw_le32(raw);
	if (!t->relative_base)
		*addr = t->offsets + (uint64_t)i * 4 + (uint64_t)(int64_t)off;
	else if (!absolute_percpu)
		*addr = relative_base + (uint32_t)off;
	else if (off >= 0)
		*addr = (uint64_t)off;
	else
		*addr = relative_base - 1 - (uint64_t)(int64_t)off;
	return 0;
}

/* Does any offset have its sign bit set? That marks the absolute per-CPU form. */
static int kallsyms_any_negative(const struct bw_kallsyms_tables *t, struct kallsyms_reader *r,
				 uint32_t count, bool *neg, struct bw_error *err)
{
	uint32_t i;

	*neg = false;
	for (i = 0; i < count; i++) {
		uint8_t raw[4];
		int ret = kallsyms_read(r, t->offsets + (uint64_t)i * 4, raw, 4, "kallsyms_offsets",
					err);

		if (ret)
			return ret;
		if (raw[3] & 0x80) {
			*neg = true;
			return 0;
		}
	}
	return 0;
}

struct kallsyms_state {
	struct kallsyms_reader names, addrs, misc;
	struct kallsyms_tokens tok;
	char name[BW_SYMTAB_MAX_NAME_LEN + 2];
};

static int kallsyms_check_tables(const struct bw_kallsyms_tables *t, struct bw_error *err)
{
	const char *missing = !t->num_syms		     ? "kallsyms_num_syms"
			      : !t->names		     ? "kallsyms_names"
			      : !t->token_table		     ? "kallsyms_token_table"
			      : !t->token_index		     ? "kallsyms_token_index"
			      : !t->offsets && !t->addresses ? "kallsyms_offsets"
							     : NULL;

	if (missing)
		return bw_fail(err, BW_ENOENT, "kallsyms: the address of %s is not known", missing);
	return 0;
}

static int kallsyms_decode(const struct bw_kallsyms_tables *t, struct kallsyms_state *s,
			   struct bw_symtab *st, struct bw_error *err)
{
	uint64_t pos = t->names, relative_base = 0, prev = 0;
	bool absolute_percpu = false;
	uint8_t raw[8];
	uint32_t count, i;
	int ret;

	ret = kallsyms_read(&s->misc, t->num_syms, raw, 4, "kallsyms_num_syms", err);
	if (ret)
		return ret;
	count = bw_le32(raw);
	if (!count || count > BW_KALLSYMS_MAX_SYMBOLS)
		return bw_fail(err, count ? BW_ELIMIT : BW_EFORMAT,
			       "kallsyms: kallsyms_num_syms at vaddr 0x%" PRIx64
			       " is %u (at most %u)",
			       t->num_syms, count, BW_KALLSYMS_MAX_SYMBOLS);
	if (t->offsets && t->relative_base) {
		ret = kallsyms_read(&s->misc, t->relative_base, raw, 8, "kallsyms_relative_base",
				    err);
		if (!ret)
			ret = kallsyms_any_negative(t, &s->addrs, count, &absolute_percpu, err);
		if (ret)
			return ret;
		relative_base = bw_le64(raw);
	}
	ret = kallsyms_load_tokens(t, &s->misc, &s->tok, err);
	for (i = 0; !ret && i < count; i++) {
		uint64_t addr;
		size_t len;

		ret = kallsyms_expand(&s->names, &s->tok, &pos, i, s->name, &len, err);
		if (!ret)
			ret = kallsyms_address(t, &s->addrs, relative_base, absolute_percpu, i,
					       &addr, err);
		if (ret)
			break;
		if (len < 2)
			return bw_fail(
				err, BW_EFORMAT,
				"kallsyms: symbol %u expands to \"%s\", no name after the type", i,
				s->name);
		if (i && addr < prev)
			return bw_fail(err, BW_EFORMAT,
				       "kallsyms: symbol %u (%s) at 0x%" PRIx64
				       " is below the previous one (0x%" PRIx64
				       "): not this table encoding, or not a kallsyms table",
				       i, s->name + 1, addr, prev);
		prev = addr;
		ret = bw_symtab_add(st, s->name + 1, len - 1, s->name[0], addr, NULL, 0, err);
	}
	return ret;
}

int bw_kallsyms_load(const struct bw_kallsyms_tables *tables, bw_vread_fn vread, void *ctx,
		     const struct bw_allocator *alloc, struct bw_symtab **out, struct bw_error *err)
{
	struct kallsyms_state *s;
	struct bw_symtab *st = NULL;
	int ret;

	if (!tables || !vread || !out)
		return bw_fail(err, BW_EINVAL, "bw_kallsyms_load: NULL argument");
	*out = NULL;
	ret = kallsyms_check_tables(tables, err);
	if (ret)
		return ret;
	s = bw_zalloc(alloc, sizeof(*s));
	if (!s)
		return bw_fail(err, BW_ENOMEM, "out of memory for the kallsyms decoder");
	s->names.vread = s->addrs.vread = s->misc.vread = vread;
	s->names.ctx = s->addrs.ctx = s->misc.ctx = ctx;
	ret = bw_symtab_new(alloc, &st, err);
	if (!ret)
		ret = kallsyms_decode(tables, s, st, err);
	if (!ret)
		ret = bw_symtab_index(st, err);
	bw_free(alloc, s);
	if (ret) {
		bw_symtab_free(st);
		return ret;
	}
	*out = st;
	return 0;
}
#undef KALLSYMS_CHUNK
#undef KALLSYMS_NTOKENS
