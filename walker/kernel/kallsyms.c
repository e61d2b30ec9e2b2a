// SPDX-License-Identifier: MIT
/*
 * The kernel's compressed kallsyms tables, read through a virtual-memory callback: every name is
 * a length-prefixed run of token-table indexes, the first character of the expansion being the
 * symbol's type. kallsyms_markers gives where every 256th name starts, and
 * kallsyms_seqs_of_names (Linux 6.2, and 6.1 stable) lists the symbols sorted by name, so one
 * lookup expands only the names a binary search compares. Decoding every name (listings,
 * tables without seqs_of_names) is done once, when first needed.
 */
#include <string.h>
#include <inttypes.h>
#include "internal.h"
#include "mem/mem_impl.h"
#include "kernel/symtab_impl.h"

#define KALLSYMS_CHUNK 4096u
#define KALLSYMS_NTOKENS 256
#define KALLSYMS_SPAN (1u << 16) /* bytes of kallsyms_offsets read at once when scanning it */

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
		uint64_t bad;
		size_t off, take;

		/*
		 * A window starts where it is needed, not at its page: a name skipped to from a
		 * marker is then mostly read in one call, not two.
		 */
		if (!r->len || vaddr < r->start || vaddr - r->start >= r->len) {
			r->start = vaddr;
			r->len = KALLSYMS_CHUNK;
			/* Near the top of the address space only the window's search may read. */
			if ((UINT64_MAX - vaddr < KALLSYMS_CHUNK - 1 ||
			     r->vread(r->ctx, vaddr, r->buf, KALLSYMS_CHUNK)) &&
			    kallsyms_window(r, vaddr, n < KALLSYMS_CHUNK ? n : KALLSYMS_CHUNK,
					    &bad))
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

/* What a lookup needs, read and checked once; immutable afterwards, so lookups may run in
 * parallel (each with its own read windows on the stack). */
struct bw_kallsyms {
	bw_vread_fn vread;
	void *ctx;
	struct bw_kallsyms_tables t;
	uint32_t count;
	uint64_t relative_base;
	bool absolute_percpu;
	uint32_t *markers; /* offset in kallsyms_names of symbol 256 * j; NULL: not known */
	struct kallsyms_tokens tok;
};

static void kallsyms_reader_init(const struct bw_kallsyms *ks, struct kallsyms_reader *r)
{
	r->vread = ks->vread;
	r->ctx = ks->ctx;
	r->start = 0; /* read beside len in kallsyms_skip's test, which the compiler may reorder */
	r->len = 0;
}

static int kallsyms_load_tokens(struct bw_kallsyms *ks, struct kallsyms_reader *r,
				struct bw_error *err)
{
	uint8_t index[KALLSYMS_NTOKENS * 2];
	unsigned i;
	int ret;

	ret = kallsyms_read(r, ks->t.token_index, index, sizeof(index), "kallsyms_token_index",
			    err);
	for (i = 0; !ret && i < KALLSYMS_NTOKENS; i++) {
		uint64_t at = ks->t.token_table + bw_le16(index + 2 * i);
		char *text = ks->tok.text[i];
		size_t n;

		for (n = 0; n <= BW_KALLSYMS_MAX_TOKEN_LEN; n++) {
			ret = kallsyms_read(r, at + n, &text[n], 1, "kallsyms_token_table", err);
			if (ret || !text[n])
				break;
		}
		if (!ret && n > BW_KALLSYMS_MAX_TOKEN_LEN)
			return bw_fail(err, BW_EFORMAT,
				       "kallsyms: token %u at vaddr 0x%" PRIx64
				       " has no NUL within %u bytes",
				       i, at, BW_KALLSYMS_MAX_TOKEN_LEN);
		ks->tok.len[i] = (uint16_t)n;
	}
	return ret;
}

/* One byte of kallsyms_names: from the window when it is there (skipping names reads many). */
static inline int kallsyms_names_byte(struct kallsyms_reader *r, uint64_t pos, uint8_t *b,
				      struct bw_error *err)
{
	if (r->len && pos >= r->start && pos - r->start < r->len) {
		*b = r->buf[pos - r->start];
		return 0;
	}
	return kallsyms_read(r, pos, b, 1, "kallsyms_names", err);
}

/* The compressed length of the name at *pos; *pos moves past the length prefix. */
static int kallsyms_name_len(struct kallsyms_reader *r, uint64_t *pos, uint32_t idx, size_t *len,
			     struct bw_error *err)
{
	uint8_t b[2];
	int ret;

	ret = kallsyms_names_byte(r, *pos, b, err);
	if (ret)
		return ret;
	*len = b[0];
	*pos += 1;
	if (b[0] & 0x80) { /* a "big" symbol: 7 low bits here, the high bits in the next byte */
		ret = kallsyms_names_byte(r, *pos, b + 1, err);
		if (ret)
			return ret;
		*len = (b[0] & 0x7fu) | (size_t)b[1] << 7;
		*pos += 1;
	}
	if (!*len)
		return bw_fail(err, BW_EFORMAT,
			       "kallsyms: symbol %u at vaddr 0x%" PRIx64 " has an empty name", idx,
			       *pos - 1);
	return 0;
}

/*
 * Expand the symbol at *pos in kallsyms_names into name (type first, NUL-terminated) and move
 * *pos past it; *packed gets the compressed bytes it took.
 */
static int kallsyms_expand(const struct bw_kallsyms *ks, struct kallsyms_reader *r, uint64_t *pos,
			   uint32_t idx, char *name, size_t *name_len, size_t *packed,
			   struct bw_error *err)
{
	uint8_t data[0x8000];
	uint64_t start = *pos;
	size_t len, n = 0, i;
	int ret;

	ret = kallsyms_name_len(r, pos, idx, &len, err);
	if (!ret)
		ret = kallsyms_read(r, *pos, data, len, "kallsyms_names", err);
	if (ret)
		return ret;
	for (i = 0; i < len; i++) {
		size_t tl = ks->tok.len[data[i]];

		if (n + tl > BW_SYMTAB_MAX_NAME_LEN + 1)
			return bw_fail(err, BW_EFORMAT,
				       "kallsyms: symbol %u at vaddr 0x%" PRIx64
				       " expands past %u bytes",
				       idx, *pos, BW_SYMTAB_MAX_NAME_LEN);
		memcpy(name + n, ks->tok.text[data[i]], tl);
		n += tl;
	}
	*pos += len;
	name[n] = '\0';
	*name_len = n;
	*packed = (size_t)(*pos - start);
	if (n < 2)
		return bw_fail(err, BW_EFORMAT,
			       "kallsyms: symbol %u expands to \"%s\", no name after the type", idx,
			       name);
	return 0;
}

/* Skip count names from *pos, reading only their lengths. */
static int kallsyms_skip(struct kallsyms_reader *r, uint64_t *pos, uint32_t first, uint32_t count,
			 struct bw_error *err)
{
	uint32_t i;

	for (i = 0; i < count; i++) {
		uint64_t off = *pos - r->start;
		size_t len;
		int ret;

		/* Both length bytes in the window and a name there: no call. */
		if (r->len && *pos >= r->start && off < r->len - 1) {
			uint8_t b = r->buf[off];

			len = b & 0x80 ? (b & 0x7fu) | (size_t)r->buf[off + 1] << 7 : b;
			if (len) {
				*pos += len + (b & 0x80 ? 2 : 1);
				continue;
			}
		}
		ret = kallsyms_name_len(r, pos, first + i, &len, err);
		if (ret)
			return ret;
		*pos += len;
	}
	return 0;
}

/* Expand symbol idx, starting from the marker before it. */
static int kallsyms_name_at(const struct bw_kallsyms *ks, struct kallsyms_reader *r, uint32_t idx,
			    char *name, size_t *name_len, struct bw_error *err)
{
	uint64_t pos = ks->t.names + ks->markers[idx >> 8];
	size_t packed;
	int ret;

	ret = kallsyms_skip(r, &pos, idx & ~0xffu, idx & 0xffu, err);
	if (!ret)
		ret = kallsyms_expand(ks, r, &pos, idx, name, name_len, &packed, err);
	return ret;
}

/* The address of symbol i in whichever encoding the tables use. */
static int kallsyms_address(const struct bw_kallsyms *ks, struct kallsyms_reader *r, uint32_t i,
			    uint64_t *addr, struct bw_error *err)
{
	const struct bw_kallsyms_tables *t = &ks->t;
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
	else if (!ks->absolute_percpu)
		*addr = ks->relative_base + (uint32_t)off;
	else if (off >= 0)
		*addr = (uint64_t)off;
	else
		*addr = ks->relative_base - 1 - (uint64_t)(int64_t)off;
	return 0;
}

/*
 * Does any offset have its sign bit set? That marks the absolute per-CPU form. The whole table
 * is looked at (when no offset is negative): KALLSYMS_SPAN bytes a call (on a QEMU source a
 * system call each), through the page windows only where a span does not read whole.
 */
static int kallsyms_any_negative(struct bw_kallsyms *ks, struct kallsyms_reader *r,
				 const struct bw_allocator *alloc, struct bw_error *err)
{
	uint8_t *raw = bw_alloc(alloc, KALLSYMS_SPAN);
	uint32_t i = 0;
	int ret = 0;

	if (!raw)
		return bw_fail(err, BW_ENOMEM, "out of memory reading kallsyms_offsets");
	ks->absolute_percpu = false;
	while (!ret && !ks->absolute_percpu && i < ks->count) {
		uint32_t n = ks->count - i < KALLSYMS_SPAN / 4 ? ks->count - i : KALLSYMS_SPAN / 4;
		uint64_t at = ks->t.offsets + (uint64_t)i * 4;
		uint32_t j;

		if (ks->vread(ks->ctx, at, raw, (size_t)n * 4))
			ret = kallsyms_read(r, at, raw, (size_t)n * 4, "kallsyms_offsets", err);
		for (j = 0; !ret && j < n; j++)
			if (raw[4 * j + 3] & 0x80) {
				ks->absolute_percpu = true;
				break;
			}
		i += n;
	}
	bw_free(alloc, raw);
	return ret;
}

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

/*
 * kallsyms_markers as given: it starts at 0, every block of 256 names takes at least 512 bytes,
 * the first block ends where the second marker says, and the last block ends where the markers
 * begin (give or take alignment): the table is the one these names are indexed by.
 */
static int kallsyms_load_markers(struct bw_kallsyms *ks, const struct bw_allocator *alloc,
				 struct kallsyms_reader *r, struct bw_error *err)
{
	uint32_t m = (ks->count + 255) / 256, j, last = ks->count - (m - 1) * 256;
	uint8_t raw[4];
	uint64_t pos;
	int ret = 0;

	ks->markers = bw_alloc_array(alloc, m, sizeof(*ks->markers));
	if (!ks->markers)
		return bw_fail(err, BW_ENOMEM, "out of memory for %u kallsyms markers", m);
	for (j = 0; !ret && j < m; j++) {
		ret = kallsyms_read(r, ks->t.markers + (uint64_t)j * 4, raw, 4, "kallsyms_markers",
				    err);
		ks->markers[j] = bw_le32(raw);
		if (!ret && (j ? ks->markers[j] - ks->markers[j - 1] < 512 ||
					     ks->markers[j] < ks->markers[j - 1]
			       : ks->markers[0] != 0))
			return bw_fail(err, BW_EFORMAT,
				       "kallsyms: marker %u at vaddr 0x%" PRIx64
				       " (%u) does not follow marker %u",
				       j, ks->t.markers + (uint64_t)j * 4, ks->markers[j],
				       j ? j - 1 : 0);
	}
	pos = ks->t.names;
	if (!ret && m > 1)
		ret = kallsyms_skip(r, &pos, 0, 256, err);
	if (!ret && m > 1 && pos != ks->t.names + ks->markers[1])
		return bw_fail(err, BW_EFORMAT,
			       "kallsyms: names 0..255 end at vaddr 0x%" PRIx64
			       ", not where kallsyms_markers[1] says",
			       pos);
	pos = ks->t.names + ks->markers[m - 1];
	if (!ret)
		ret = kallsyms_skip(r, &pos, (m - 1) * 256, last, err);
	if (!ret && (pos > ks->t.markers || ks->t.markers - pos >= 8))
		return bw_fail(err, BW_EFORMAT,
			       "kallsyms: the names end at vaddr 0x%" PRIx64
			       ", not just before kallsyms_markers (0x%" PRIx64 ")",
			       pos, ks->t.markers);
	return ret;
}

/* Without kallsyms_markers: read every name's length once to place the markers. */
static int kallsyms_build_markers(struct bw_kallsyms *ks, const struct bw_allocator *alloc,
				  struct kallsyms_reader *r, struct bw_error *err)
{
	uint32_t m = (ks->count + 255) / 256, j;
	uint64_t pos = ks->t.names;
	int ret = 0;

	ks->markers = bw_alloc_array(alloc, m, sizeof(*ks->markers));
	if (!ks->markers)
		return bw_fail(err, BW_ENOMEM, "out of memory for %u kallsyms markers", m);
	for (j = 0; !ret && j < m; j++) {
		if (pos - ks->t.names > UINT32_MAX)
			return bw_fail(err, BW_ELIMIT, "kallsyms: kallsyms_names exceeds 4 GiB");
		ks->markers[j] = (uint32_t)(pos - ks->t.names);
		if (j + 1 < m)
			ret = kallsyms_skip(r, &pos, j * 256, 256, err);
	}
	return ret;
}

void bw_kallsyms_free(struct bw_kallsyms *ks, const struct bw_allocator *alloc)
{
	if (!ks)
		return;
	bw_free(alloc, ks->markers);
	bw_free(alloc, ks);
}

static int kallsyms_open(const struct bw_kallsyms_tables *t, bw_vread_fn vread, void *ctx,
			 const struct bw_allocator *alloc, struct bw_kallsyms **out,
			 struct bw_error *err)
{
	struct kallsyms_reader r;
	struct bw_kallsyms *ks;
	uint8_t raw[8];
	int ret;

	ret = kallsyms_check_tables(t, err);
	if (ret)
		return ret;
	ks = bw_zalloc(alloc, sizeof(*ks));
	if (!ks)
		return bw_fail(err, BW_ENOMEM, "out of memory for the kallsyms tables");
	ks->vread = vread;
	ks->ctx = ctx;
	ks->t = *t;
	kallsyms_reader_init(ks, &r);
	ret = kallsyms_read(&r, t->num_syms, raw, 4, "kallsyms_num_syms", err);
	if (ret)
		goto fail;
	ks->count = bw_le32(raw);
	if (!ks->count || ks->count > BW_KALLSYMS_MAX_SYMBOLS) {
		ret = bw_fail(err, ks->count ? BW_ELIMIT : BW_EFORMAT,
			      "kallsyms: kallsyms_num_syms at vaddr 0x%" PRIx64
			      " is %u (at most %u)",
			      t->num_syms, ks->count, BW_KALLSYMS_MAX_SYMBOLS);
		goto fail;
	}
	if (t->offsets && t->relative_base) {
		ret = kallsyms_read(&r, t->relative_base, raw, 8, "kallsyms_relative_base", err);
		if (!ret)
			ret = kallsyms_any_negative(ks, &r, alloc, err);
		if (ret)
			goto fail;
		ks->relative_base = bw_le64(raw);
	}
	ret = kallsyms_load_tokens(ks, &r, err);
	if (ret)
		goto fail;
	*out = ks;
	return 0;
fail:
	bw_kallsyms_free(ks, alloc);
	return ret;
}

/*
 * Decode every symbol into st, in table order. The expanded names may take at most
 * BW_KALLSYMS_MAX_EXPANSION times the compressed bytes read (plus a page): what the table holds
 * bounds what it costs.
 */
static int kallsyms_decode(const struct bw_kallsyms *ks, const struct bw_allocator *alloc,
			   struct bw_symtab *st, struct bw_error *err)
{
	struct {
		struct kallsyms_reader names, addrs;
		char name[BW_SYMTAB_MAX_NAME_LEN + 2];
	} * s;
	uint64_t pos = ks->t.names, prev = 0, packed_total = 0, expanded_total = 0;
	uint32_t i;
	int ret = 0;

	s = bw_alloc(alloc, sizeof(*s));
	if (!s)
		return bw_fail(err, BW_ENOMEM, "out of memory for the kallsyms decoder");
	kallsyms_reader_init(ks, &s->names);
	kallsyms_reader_init(ks, &s->addrs);
	for (i = 0; !ret && i < ks->count; i++) {
		uint64_t addr;
		size_t len, packed;

		ret = kallsyms_expand(ks, &s->names, &pos, i, s->name, &len, &packed, err);
		if (!ret)
			ret = kallsyms_address(ks, &s->addrs, i, &addr, err);
		if (ret)
			break;
		packed_total += packed;
		expanded_total += len;
		if (expanded_total > packed_total * BW_KALLSYMS_MAX_EXPANSION + 4096) {
			ret = bw_fail(err, BW_ELIMIT,
				      "kallsyms: names 0..%u expand to %" PRIu64
				      " bytes from %" PRIu64 " (more than %u times)",
				      i, expanded_total, packed_total, BW_KALLSYMS_MAX_EXPANSION);
			break;
		}
		if (i && addr < prev) {
			ret = bw_fail(err, BW_EFORMAT,
				      "kallsyms: symbol %u (%s) at 0x%" PRIx64
				      " is below the previous one (0x%" PRIx64
				      "): not this table encoding, or not a kallsyms table",
				      i, s->name + 1, addr, prev);
			break;
		}
		prev = addr;
		ret = bw_symtab_add(st, s->name + 1, len - 1, s->name[0], addr, NULL, 0, err);
	}
	bw_free(alloc, s);
	return ret;
}

int bw_kallsyms_decode(const struct bw_kallsyms *ks, const struct bw_allocator *alloc,
		       struct bw_symtab **out, struct bw_error *err)
{
	struct bw_symtab *st = NULL;
	int ret;

	ret = bw_symtab_new(alloc, &st, err);
	if (!ret)
		ret = kallsyms_decode(ks, alloc, st, err);
	if (!ret)
		ret = bw_symtab_index(st, err);
	if (ret) {
		bw_symtab_free(st);
		return ret;
	}
	*out = st;
	return 0;
}

uint32_t bw_kallsyms_count(const struct bw_kallsyms *ks)
{
	return ks->count;
}

bool bw_kallsyms_sorted(const struct bw_kallsyms *ks)
{
	return ks->t.seqs_of_names && ks->markers;
}

/* Entry k of kallsyms_seqs_of_names: the index of the k-th symbol in name order. */
static int kallsyms_seq(const struct bw_kallsyms *ks, struct kallsyms_reader *r, uint32_t k,
			uint32_t *idx, struct bw_error *err)
{
	uint64_t at = ks->t.seqs_of_names + (uint64_t)k * 3;
	uint8_t b[3];
	int ret;

	ret = kallsyms_read(r, at, b, 3, "kallsyms_seqs_of_names", err);
	if (ret)
		return ret;
	*idx = (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
	if (*idx >= ks->count)
		return bw_fail(err, BW_EFORMAT,
			       "kallsyms: kallsyms_seqs_of_names[%u] at vaddr 0x%" PRIx64
			       " is %u, past the %u symbols",
			       k, at, *idx, ks->count);
	return 0;
}

/* The name of the k-th symbol in name order (type first); *idx gets its table index. */
static int kallsyms_sorted_name(const struct bw_kallsyms *ks, struct kallsyms_reader *seqs,
				struct kallsyms_reader *names, uint32_t k, uint32_t *idx,
				char *name, struct bw_error *err)
{
	size_t len;
	int ret = kallsyms_seq(ks, seqs, k, idx, err);

	return ret ? ret : kallsyms_name_at(ks, names, *idx, name, &len, err);
}

/*
 * Binary search of the names in kallsyms_seqs_of_names order (the kernel's own strcmp order),
 * then a walk over the equal names to apply bw_symtab_lookup's preference.
 */
int bw_kallsyms_lookup(const struct bw_kallsyms *ks, const char *name, uint64_t *addr,
		       struct bw_error *err)
{
	struct kallsyms_reader seqs, names;
	char buf[BW_SYMTAB_MAX_NAME_LEN + 2];
	uint32_t lo = 0, hi = ks->count, idx, best = UINT32_MAX;
	int best_rank = 2, ret;

	kallsyms_reader_init(ks, &seqs);
	kallsyms_reader_init(ks, &names);
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		ret = kallsyms_sorted_name(ks, &seqs, &names, mid, &idx, buf, err);
		if (ret)
			return ret;
		if (strcmp(buf + 1, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ks->count; lo++) {
		int rank;

		ret = kallsyms_sorted_name(ks, &seqs, &names, lo, &idx, buf, err);
		if (ret)
			return ret;
		if (strcmp(buf + 1, name))
			break;
		rank = buf[0] >= 'A' && buf[0] <= 'Z' ? 0 : 1;
		if (rank < best_rank || (rank == best_rank && idx < best)) {
			best_rank = rank;
			best = idx;
		}
	}
	if (best == UINT32_MAX)
		return bw_fail(err, BW_ENOENT, "symbol %.200s not found", name);
	return kallsyms_address(ks, &seqs, best, addr, err);
}

int bw_kallsyms_load(const struct bw_kallsyms_tables *tables, bw_vread_fn vread, void *ctx,
		     const struct bw_allocator *alloc, struct bw_symtab **out, struct bw_error *err)
{
	struct bw_kallsyms *ks = NULL;
	int ret;

	if (!tables || !vread || !out)
		return bw_fail(err, BW_EINVAL, "bw_kallsyms_load: NULL argument");
	*out = NULL;
	ret = kallsyms_open(tables, vread, ctx, alloc, &ks, err);
	if (!ret)
		ret = bw_kallsyms_decode(ks, alloc, out, err);
	bw_kallsyms_free(ks, alloc);
	return ret;
}

int bw_kallsyms_open(const struct bw_kallsyms_tables *tables, bw_vread_fn vread, void *ctx,
		     const struct bw_allocator *alloc, struct bw_symtab **out, struct bw_error *err)
{
	struct kallsyms_reader r;
	struct bw_kallsyms *ks = NULL;
	int ret;

	if (!tables || !vread || !out)
		return bw_fail(err, BW_EINVAL, "bw_kallsyms_open: NULL argument");
	*out = NULL;
	ret = kallsyms_open(tables, vread, ctx, alloc, &ks, err);
	if (ret)
		return ret;
	kallsyms_reader_init(ks, &r);
	if (tables->seqs_of_names && tables->markers)
		ret = kallsyms_load_markers(ks, alloc, &r, err);
	else if (tables->seqs_of_names)
		ret = kallsyms_build_markers(ks, alloc, &r, err);
	if (!ret && tables->seqs_of_names) {
		uint32_t idx;

		/* Both ends of the sorted list are there. */
		ret = kallsyms_seq(ks, &r, 0, &idx, err);
		if (!ret)
			ret = kallsyms_seq(ks, &r, ks->count - 1, &idx, err);
	}
	if (ret) {
		bw_kallsyms_free(ks, alloc);
		return ret;
	}
	return bw_symtab_new_kallsyms(alloc, ks, out, err);
}
#undef KALLSYMS_CHUNK
#undef KALLSYMS_NTOKENS
#undef KALLSYMS_SPAN
