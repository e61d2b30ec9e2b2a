// SPDX-License-Identifier: MIT
/*
 * kallsyms tables the test compresses from a known symbol list, in every encoding, decoded back:
 * the expected names, types and addresses are the list the test started from.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "btfwalk/mem.h"
#include "image_builder.h"

#define VBASE 0xffffffff82000000ull
#define VSIZE 0x100000u
#define O_NUM 0x0u
#define O_NAMES 0x100u
#define O_TOKTAB 0x40000u
#define O_TOKIDX 0x41000u
#define O_OFFSETS 0x42000u
#define O_RELBASE 0x60000u
#define O_ADDRS 0x70000u
#define O_SEQS 0x90000u

struct sym {
	const char *name;
	char type;
	uint64_t addr;
};

/* A kernel-like list in address order: per-CPU symbols first (absolute 0-based), then text. */
static const struct sym percpu_syms[] = {
	{"fixed_percpu_data", 'A', 0x0},
	{"cpu_number", 'D', 0x1a000},
	{"runqueues", 'd', 0x2a6c0},
};
static const struct sym text_syms[] = {
	{"_text", 'T', 0xffffffff81000000ull},
	{"_stext", 'T', 0xffffffff81000000ull},
	{"start_kernel", 'T', 0xffffffff83a12345ull},
	{"node_data", 'D', 0xffffffff84b0c000ull},
	{"__per_cpu_offset", 'D', 0xffffffff84b0c800ull},
	{"static_helper", 't', 0xffffffff84b10000ull},
	{"__start_BTF", 'R', 0xffffffff85000000ull},
	{"_end", 'B', 0xffffffff86400000ull},
};

static struct {
	uint8_t mem[VSIZE];
	uint64_t hole_start, hole_len; /* reads touching this range fail */
	char tokens[256][8];
	size_t nsyms;
	struct sym syms[600];
	char bigname[300];
	uint32_t markers[4];
	size_t order[600];
} v;

/* Name order, ties in table order (as scripts/kallsyms sorts). */
static int by_name(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(v.syms[x].name, v.syms[y].name);

	return c ? c : (x > y) - (x < y);
}

static int vread(void *ctx, uint64_t vaddr, void *buf, size_t len)
{
	(void)ctx;
	if (vaddr < VBASE || vaddr - VBASE > VSIZE || len > VSIZE - (vaddr - VBASE))
		return -1;
	if (v.hole_len && vaddr < v.hole_start + v.hole_len && vaddr + len > v.hole_start)
		return -1;
	memcpy(buf, v.mem + (vaddr - VBASE), len);
	return 0;
}

/* Token 0x01..0x06 are multi-character (as scripts/kallsyms builds them); others one char. */
static void make_tokens(void)
{
	static const char *const multi[] = {"", "_per", "cpu_", "node", "start", "_t", "__"};
	size_t off = 0;
	int i;

	for (i = 0; i < 256; i++) {
		if (i >= 1 && i <= 6)
			snprintf(v.tokens[i], sizeof(v.tokens[i]), "%s", multi[i]);
		else
			snprintf(v.tokens[i], sizeof(v.tokens[i]), "%c", i ? i : '?');
		memcpy(v.mem + O_TOKTAB + off, v.tokens[i], strlen(v.tokens[i]) + 1);
		imgb_put16(v.mem + O_TOKIDX + 2 * i, (uint16_t)off);
		off += strlen(v.tokens[i]) + 1;
	}
}

/* Greedy longest-token compression of type+name; returns the compressed length. */
static size_t compress(const char *s, uint8_t *out)
{
	size_t n = 0;

	while (*s) {
		int best = (uint8_t)*s, i;

		for (i = 1; i <= 6; i++)
			if (!strncmp(s, v.tokens[i], strlen(v.tokens[i])) &&
			    strlen(v.tokens[i]) > strlen(v.tokens[best]))
				best = i;
		out[n++] = (uint8_t)best;
		s += strlen(v.tokens[best]);
	}
	return n;
}

enum encoding { PC_RELATIVE, RELATIVE_BASE, ABSOLUTE_PERCPU, ABSOLUTE };

/* Lay out the tables for v.syms in the given encoding; returns where they are. */
static struct bw_kallsyms_tables build(enum encoding enc, uint64_t relative_base)
{
	struct bw_kallsyms_tables t = {0};
	size_t pos = O_NAMES, i;
	char full[600];
	uint8_t comp[600];

	memset(v.mem, 0, sizeof(v.mem));
	v.hole_len = 0;
	make_tokens();
	imgb_put32(v.mem + O_NUM, (uint32_t)v.nsyms);
	for (i = 0; i < v.nsyms; i++) {
		const struct sym *s = &v.syms[i];
		size_t len;

		if (!(i & 0xff))
			v.markers[i >> 8] = (uint32_t)(pos - O_NAMES);
		snprintf(full, sizeof(full), "%c%s", s->type, s->name);
		len = compress(full, comp);
		if (len > 0x7f) {
			v.mem[pos++] = (uint8_t)(0x80 | (len & 0x7f));
			v.mem[pos++] = (uint8_t)(len >> 7);
		} else {
			v.mem[pos++] = (uint8_t)len;
		}
		memcpy(v.mem + pos, comp, len);
		pos += len;
		if (enc == ABSOLUTE) {
			imgb_put64(v.mem + O_ADDRS + 8 * i, s->addr);
		} else if (enc == PC_RELATIVE) {
			uint64_t place = VBASE + O_OFFSETS + 4 * i;

			imgb_put32(v.mem + O_OFFSETS + 4 * i, (uint32_t)(s->addr - place));
		} else if (enc == RELATIVE_BASE) {
			imgb_put32(v.mem + O_OFFSETS + 4 * i, (uint32_t)(s->addr - relative_base));
		} else if (s->addr < 0x100000000ull) { /* absolute per-CPU: small values as is */
			imgb_put32(v.mem + O_OFFSETS + 4 * i, (uint32_t)s->addr);
		} else {
			imgb_put32(v.mem + O_OFFSETS + 4 * i,
				   (uint32_t)(relative_base - 1 - s->addr));
		}
	}
	imgb_put64(v.mem + O_RELBASE, relative_base);
	/* kallsyms_markers right after the names, then seqs_of_names: indexes in name order. */
	pos = (pos + 3) & ~(size_t)3;
	t.markers = VBASE + pos;
	for (i = 0; i < (v.nsyms + 255) / 256; i++)
		imgb_put32(v.mem + pos + 4 * i, v.markers[i]);
	for (i = 0; i < v.nsyms; i++)
		v.order[i] = i;
	qsort(v.order, v.nsyms, sizeof(v.order[0]), by_name);
	for (i = 0; i < v.nsyms; i++) {
		v.mem[O_SEQS + 3 * i] = (uint8_t)(v.order[i] >> 16);
		v.mem[O_SEQS + 3 * i + 1] = (uint8_t)(v.order[i] >> 8);
		v.mem[O_SEQS + 3 * i + 2] = (uint8_t)v.order[i];
	}
	t.seqs_of_names = VBASE + O_SEQS;
	t.num_syms = VBASE + O_NUM;
	t.names = VBASE + O_NAMES;
	t.token_table = VBASE + O_TOKTAB;
	t.token_index = VBASE + O_TOKIDX;
	if (enc == ABSOLUTE)
		t.addresses = VBASE + O_ADDRS;
	else
		t.offsets = VBASE + O_OFFSETS;
	if (enc == RELATIVE_BASE || enc == ABSOLUTE_PERCPU)
		t.relative_base = VBASE + O_RELBASE;
	return t;
}

static void use_syms(bool percpu)
{
	size_t i;

	v.nsyms = 0;
	if (percpu)
		for (i = 0; i < sizeof(percpu_syms) / sizeof(percpu_syms[0]); i++)
			v.syms[v.nsyms++] = percpu_syms[i];
	for (i = 0; i < sizeof(text_syms) / sizeof(text_syms[0]); i++)
		v.syms[v.nsyms++] = text_syms[i];
}

static void expect_decoded(const struct bw_kallsyms_tables *t)
{
	struct bw_symtab *st;
	struct bw_symbol sym;
	struct bw_error err;
	uint64_t a;
	size_t i;

	if (bw_kallsyms_load(t, vread, NULL, NULL, &st, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(bw_symtab_count(st), v.nsyms);
	for (i = 0; i < v.nsyms; i++) {
		assert_int_equal(bw_symtab_get(st, i, &sym), 0);
		assert_string_equal(sym.name, v.syms[i].name);
		assert_int_equal(sym.type, v.syms[i].type);
		assert_true(sym.addr == v.syms[i].addr);
		assert_null(sym.module);
	}
	assert_int_equal(bw_symtab_lookup(st, "node_data", &a, &err), 0);
	assert_true(a == 0xffffffff84b0c000ull);
	bw_symtab_free(st);
}

static void test_pc_relative(void **state)
{
	struct bw_kallsyms_tables t;

	(void)state;
	use_syms(false);
	t = build(PC_RELATIVE, 0);
	expect_decoded(&t);
}

static void test_relative_base(void **state)
{
	struct bw_kallsyms_tables t;

	(void)state;
	use_syms(false);
	t = build(RELATIVE_BASE, 0xffffffff81000000ull);
	expect_decoded(&t);
}

static void test_absolute_percpu(void **state)
{
	struct bw_kallsyms_tables t;

	(void)state;
	use_syms(true);
	t = build(ABSOLUTE_PERCPU, 0xffffffff81000000ull);
	expect_decoded(&t);
}

static void test_absolute_addresses(void **state)
{
	struct bw_kallsyms_tables t;

	(void)state;
	use_syms(true);
	t = build(ABSOLUTE, 0);
	expect_decoded(&t);
}

/* Hundreds of symbols (several 4 KiB read windows) and a name over 127 compressed bytes. */
static void test_many_and_big(void **state)
{
	static char names[520][32];
	struct bw_kallsyms_tables t;
	size_t i;

	(void)state;
	use_syms(false);
	for (i = 0; i < 520; i++) {
		snprintf(names[i], sizeof(names[i]), "sym_%zu_percpu_node", i);
		v.syms[v.nsyms++] =
			(struct sym){names[i], i % 2 ? 't' : 'T', 0xffffffff86400000ull + i * 0x40};
	}
	memset(v.bigname, 'x', 250);
	v.bigname[250] = '\0';
	v.syms[v.nsyms++] = (struct sym){v.bigname, 'T', 0xffffffff87000000ull};
	t = build(PC_RELATIVE, 0);
	expect_decoded(&t);
	t = build(RELATIVE_BASE, 0xffffffff81000000ull);
	expect_decoded(&t);
}

/* What bw_symtab_lookup must give for name: its first global entry, else its first local one. */
static bool expected_addr(const char *name, uint64_t *addr)
{
	size_t i, local = SIZE_MAX;

	for (i = 0; i < v.nsyms; i++) {
		if (strcmp(v.syms[i].name, name))
			continue;
		if (v.syms[i].type >= 'A' && v.syms[i].type <= 'Z') {
			*addr = v.syms[i].addr;
			return true;
		}
		if (local == SIZE_MAX)
			local = i;
	}
	if (local != SIZE_MAX)
		*addr = v.syms[local].addr;
	return local != SIZE_MAX;
}

/* Every listed name resolves as the list says through the sorted search, and others do not. */
static void expect_lookups(const struct bw_kallsyms_tables *t)
{
	static const char *const absent[] = {"", "a", "zzzz", "node_dat", "node_data_", "sym_1_"};
	struct bw_symtab *st;
	struct bw_symbol sym;
	struct bw_error err;
	uint64_t a, want;
	size_t i;

	if (bw_kallsyms_open(t, vread, NULL, NULL, &st, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(bw_symtab_count(st), v.nsyms);
	for (i = 0; i < v.nsyms; i++) {
		assert_true(expected_addr(v.syms[i].name, &want));
		if (bw_symtab_lookup(st, v.syms[i].name, &a, &err))
			fail_msg("%s: %s", v.syms[i].name, err.msg);
		if (a != want)
			fail_msg("%s: 0x%llx, the list says 0x%llx", v.syms[i].name,
				 (unsigned long long)a, (unsigned long long)want);
	}
	for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		assert_int_equal(bw_symtab_lookup(st, absent[i], &a, &err), -BW_ENOENT);
	/* Listing decodes the whole table once. */
	for (i = 0; i < v.nsyms; i++) {
		assert_int_equal(bw_symtab_get(st, i, &sym), 0);
		assert_string_equal(sym.name, v.syms[i].name);
		assert_true(sym.addr == v.syms[i].addr);
	}
	bw_symtab_free(st);
}

/* Names repeat (a static and a global of one name), over several marker blocks. */
static void test_sorted_lookup(void **state)
{
	static char names[520][32];
	struct bw_kallsyms_tables t;
	size_t i;

	(void)state;
	use_syms(true);
	for (i = 0; i < 520; i++) {
		snprintf(names[i], sizeof(names[i]), "sym_%zu_%s", i % 300,
			 i % 3 ? "percpu_node" : "x");
		v.syms[v.nsyms++] =
			(struct sym){names[i], i % 2 ? 't' : 'T', 0xffffffff86400000ull + i * 0x40};
	}
	v.syms[v.nsyms++] = (struct sym){"dup", 't', 0xffffffff87000000ull};
	v.syms[v.nsyms++] = (struct sym){"dup", 'D', 0xffffffff87000040ull};
	v.syms[v.nsyms++] = (struct sym){"dup", 'D', 0xffffffff87000080ull};
	v.syms[v.nsyms++] = (struct sym){"only_local", 'b', 0xffffffff870000c0ull};
	v.syms[v.nsyms++] = (struct sym){"only_local", 'b', 0xffffffff87000100ull};
	t = build(ABSOLUTE_PERCPU, 0xffffffff81000000ull);
	expect_lookups(&t);
	t = build(PC_RELATIVE, 0);
	expect_lookups(&t);
	/* Without kallsyms_markers, they are placed by reading the names once. */
	t.markers = 0;
	expect_lookups(&t);
}

static void expect_lookup_bad(const struct bw_kallsyms_tables *t, const char *name, int code,
			      const char *needle)
{
	struct bw_symtab *st;
	struct bw_error err;
	uint64_t a;

	if (bw_kallsyms_open(t, vread, NULL, NULL, &st, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(bw_symtab_lookup(st, name, &a, &err), -code);
	if (!strstr(err.msg, needle))
		fail_msg("message \"%s\" does not name \"%s\"", err.msg, needle);
	bw_symtab_free(st);
}

static void test_sorted_hostile(void **state)
{
	struct bw_kallsyms_tables t;
	struct bw_symtab *st = (struct bw_symtab *)1;
	struct bw_error err;

	(void)state;
	use_syms(false);
	t = build(PC_RELATIVE, 0);
	/* A sorted-list entry past the symbols. */
	v.mem[O_SEQS + 3 * 4] = 0x7f; /* the first one the search reads */
	expect_lookup_bad(&t, "node_data", BW_EFORMAT, "kallsyms_seqs_of_names[4]");
	/* A name the search compares is not there (its length byte is: open reads those). */
	t = build(PC_RELATIVE, 0);
	v.hole_start = VBASE + O_NAMES + 2;
	v.hole_len = 1;
	expect_lookup_bad(&t, "node_data", BW_EFAULT, "kallsyms_names at vaddr");
	v.hole_len = 0;
	/* Markers that do not index these names. */
	t = build(PC_RELATIVE, 0);
	t.markers += 8;
	assert_int_equal(bw_kallsyms_open(&t, vread, NULL, NULL, &st, &err), -BW_EFORMAT);
	assert_null(st);
	assert_non_null(strstr(err.msg, "kallsyms_markers"));
	/* The sorted list runs into a hole. */
	t = build(PC_RELATIVE, 0);
	v.hole_start = VBASE + O_SEQS + 3 * (v.nsyms - 1);
	v.hole_len = 3;
	assert_int_equal(bw_kallsyms_open(&t, vread, NULL, NULL, &st, &err), -BW_EFAULT);
	assert_non_null(strstr(err.msg, "kallsyms_seqs_of_names"));
	v.hole_len = 0;
}

/* ---- an amplifier: 3-byte names of two 255-character tokens each ---- */

#define AMP_SYMS 2000000u
#define AMP_NAMES 0x1000u
#define AMP_TOKTAB (AMP_NAMES + 3 * AMP_SYMS)
#define AMP_TOKIDX (AMP_TOKTAB + 1024)
#define AMP_OFFSETS (AMP_TOKIDX + 512)
#define AMP_SIZE (AMP_OFFSETS + 4 * AMP_SYMS)

struct amp_heap {
	size_t cur, peak;
};

static void *amp_malloc(void *ctx, size_t size)
{
	struct amp_heap *h = ctx;
	size_t *p = malloc(size + 16);

	if (!p)
		return NULL;
	*p = size;
	h->cur += size;
	h->peak = h->cur > h->peak ? h->cur : h->peak;
	return (char *)p + 16;
}

static void amp_free(void *ctx, void *ptr)
{
	struct amp_heap *h = ctx;
	size_t size;

	if (!ptr)
		return;
	memcpy(&size, (char *)ptr - 16, sizeof(size));
	h->cur -= size;
	free((char *)ptr - 16);
}

static void *amp_realloc(void *ctx, void *ptr, size_t size)
{
	void *p = amp_malloc(ctx, size);

	if (p && ptr) {
		size_t old;

		memcpy(&old, (char *)ptr - 16, sizeof(old));
		memcpy(p, ptr, old < size ? old : size);
		amp_free(ctx, ptr);
	}
	return p;
}

static int amp_vread(void *ctx, uint64_t vaddr, void *buf, size_t len)
{
	const uint8_t *mem = ctx;

	if (vaddr < VBASE || vaddr - VBASE > AMP_SIZE || len > AMP_SIZE - (vaddr - VBASE))
		return -1;
	memcpy(buf, mem + (vaddr - VBASE), len);
	return 0;
}

/*
 * 6 MB of names that would expand to 1 GB: decoding stops at the expansion cap (BW_ELIMIT)
 * with the heap a small multiple of the 14 MB of tables, and lookups stay bounded too.
 */
static void test_expansion_bounded(void **state)
{
	struct amp_heap h = {0, 0};
	struct bw_allocator alloc = {amp_malloc, amp_realloc, amp_free, &h};
	struct bw_kallsyms_tables t = {0};
	struct bw_symtab *st;
	struct bw_error err;
	uint8_t *mem = calloc(1, AMP_SIZE);
	uint64_t a;
	size_t i;

	(void)state;
	assert_non_null(mem);
	imgb_put32(mem, AMP_SYMS);
	for (i = 0; i < AMP_SYMS; i++) {
		mem[AMP_NAMES + 3 * i] = 2;
		mem[AMP_NAMES + 3 * i + 1] = 1;
		mem[AMP_NAMES + 3 * i + 2] = 2;
	}
	/* Token 0 "?", token 1 "T" + 254 'a', token 2: 255 'b', the rest "?". */
	memset(mem + AMP_TOKTAB, '?', 1024);
	mem[AMP_TOKTAB + 1] = 0;
	mem[AMP_TOKTAB + 2] = 'T';
	memset(mem + AMP_TOKTAB + 3, 'a', 254);
	mem[AMP_TOKTAB + 257] = 0;
	memset(mem + AMP_TOKTAB + 258, 'b', 255);
	mem[AMP_TOKTAB + 513] = 0;
	mem[AMP_TOKTAB + 515] = 0;
	imgb_put16(mem + AMP_TOKIDX + 2, 2);
	imgb_put16(mem + AMP_TOKIDX + 4, 258);
	for (i = 3; i < 256; i++)
		imgb_put16(mem + AMP_TOKIDX + 2 * i, 514);
	t.num_syms = VBASE;
	t.names = VBASE + AMP_NAMES;
	t.token_table = VBASE + AMP_TOKTAB;
	t.token_index = VBASE + AMP_TOKIDX;
	t.offsets = VBASE + AMP_OFFSETS; /* all 0: place-relative, ascending */
	assert_int_equal(bw_kallsyms_load(&t, amp_vread, mem, &alloc, &st, &err), -BW_ELIMIT);
	assert_non_null(strstr(err.msg, "more than 8 times"));
	assert_int_equal(h.cur, 0);
	printf("# decoding %u names of 3 bytes (%u bytes of tables): %s; peak heap %zu bytes\n",
	       AMP_SYMS, AMP_SIZE, err.msg, h.peak);
	assert_true(h.peak < 2 * (size_t)AMP_SIZE);
	h.peak = 0;
	assert_int_equal(bw_kallsyms_open(&t, amp_vread, mem, &alloc, &st, &err), 0);
	assert_int_equal(bw_symtab_lookup(st, "node_data", &a, &err), -BW_ELIMIT);
	bw_symtab_free(st);
	assert_int_equal(h.cur, 0);
	assert_true(h.peak < 2 * (size_t)AMP_SIZE);
	free(mem);
}

static void expect_bad(const struct bw_kallsyms_tables *t, int code, const char *needle)
{
	struct bw_symtab *st = (struct bw_symtab *)1;
	struct bw_error err;

	assert_int_equal(bw_kallsyms_load(t, vread, NULL, NULL, &st, &err), -code);
	assert_null(st);
	if (!strstr(err.msg, needle))
		fail_msg("message \"%s\" does not name \"%s\"", err.msg, needle);
}

static void test_hostile_tables(void **state)
{
	struct bw_kallsyms_tables t, t2;
	char want[96];
	int i;

	(void)state;
	use_syms(true);
	t = build(ABSOLUTE_PERCPU, 0xffffffff81000000ull);
	/* Decoding the absolute per-CPU table as 7.0's gives addresses out of order. */
	t2 = t;
	t2.relative_base = 0;
	expect_bad(&t2, BW_EFORMAT, "below the previous one");
	t2 = t;
	t2.names = 0;
	expect_bad(&t2, BW_ENOENT, "kallsyms_names");
	t2.names = t.names;
	t2.offsets = 0;
	expect_bad(&t2, BW_ENOENT, "kallsyms_offsets");

	imgb_put32(v.mem + O_NUM, BW_KALLSYMS_MAX_SYMBOLS + 1);
	expect_bad(&t, BW_ELIMIT, "kallsyms_num_syms");
	imgb_put32(v.mem + O_NUM, 0);
	expect_bad(&t, BW_EFORMAT, "kallsyms_num_syms");
	/* More symbols than the names hold: reads run into zero lengths. */
	imgb_put32(v.mem + O_NUM, (uint32_t)v.nsyms + 1);
	expect_bad(&t, BW_EFORMAT, "empty name");

	/* A hole in the names table: the fault names its address. */
	t = build(ABSOLUTE_PERCPU, 0xffffffff81000000ull);
	v.hole_start = VBASE + O_NAMES + 0x20;
	v.hole_len = 0x10;
	snprintf(want, sizeof(want), "kallsyms_names at vaddr 0x%llx",
		 (unsigned long long)(VBASE + O_NAMES + 0x20));
	expect_bad(&t, BW_EFAULT, want);
	v.hole_len = 0;

	/* A token with no NUL within the cap. */
	t = build(PC_RELATIVE, 0);
	memset(v.mem + O_TOKTAB, 'a', 300);
	expect_bad(&t, BW_EFORMAT, "token 0");

	/* A name whose tokens expand past 511 bytes: 200 x "start". */
	t = build(PC_RELATIVE, 0);
	v.mem[O_NAMES] = 0x80 | (201 & 0x7f);
	v.mem[O_NAMES + 1] = 201 >> 7;
	v.mem[O_NAMES + 2] = 'T';
	for (i = 0; i < 200; i++)
		v.mem[O_NAMES + 3 + i] = 4;
	expect_bad(&t, BW_EFORMAT, "expands past 511");

	/* A name that is only a type character. */
	t = build(PC_RELATIVE, 0);
	v.mem[O_NAMES] = 1;
	v.mem[O_NAMES + 1] = 'T';
	expect_bad(&t, BW_EFORMAT, "no name after the type");

	/* Tables at the very top of the address space do not wrap. */
	t = build(PC_RELATIVE, 0);
	t.token_index = UINT64_MAX - 10;
	expect_bad(&t, BW_EFAULT, "kallsyms_token_index");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pc_relative),	  cmocka_unit_test(test_relative_base),
		cmocka_unit_test(test_absolute_percpu),	  cmocka_unit_test(test_absolute_addresses),
		cmocka_unit_test(test_many_and_big),	  cmocka_unit_test(test_hostile_tables),
		cmocka_unit_test(test_sorted_lookup),	  cmocka_unit_test(test_sorted_hostile),
		cmocka_unit_test(test_expansion_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
