/* SPDX-License-Identifier: MIT */
/*
 * Loading: the other byte order (the builder writes big-endian blobs itself), ELF wrapping
 * (32/64-bit, both byte orders, malformed section tables), files, split BTF on a base, and the
 * caller's allocator: every allocation is freed, and every allocation failure gives BW_ENOMEM
 * without a leak; a kernel-sized blob, whose tables are in an arena.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "btfwalk.h"
#include "btf_builder.h"

/* A small blob with a struct, an enum, a datasec: enough to tell a wrong byte order. */
static void load_build(struct btfb *b, bool big_endian)
{
	btfb_init(b);
	b->big_endian = big_endian;
	btfb_int(b, "int", 4, 1, 0, 32);				/* 1 */
	btfb_int(b, "long int", 8, 1, 0, 64);				/* 2 */
	btfb_struct(b, BTFB_STRUCT, "pair", 16, true, 3);		/* 3 */
	btfb_member(b, "a", 1, 0, 0);
	btfb_member(b, "bits", 1, 32, 7);
	btfb_member(b, "l", 2, 64, 0);
	btfb_enum64(b, "big", 8, true, 1);				/* 4 */
	btfb_enumerator64(b, "NEG", (uint64_t)-1234567890123ll);
	btfb_var(b, "v", 3, 1);						/* 5 */
	btfb_datasec(b, ".data..percpu", 32, 1);			/* 6 */
	btfb_secinfo(b, 5, 16, 16);
	btfb_decl_tag(b, "tag", 3, 2);					/* 7 */
}

static size_t load_blob(bool big_endian, uint8_t **out)
{
	struct btfb b;
	size_t len;

	load_build(&b, big_endian);
	len = btfb_blob(&b, out);
	btfb_free(&b);
	return len;
}

static char *dump_of(const struct bw_btf *btf)
{
	struct btfb_text t = { 0 };

	assert_int_equal(bw_btf_dump_raw(btf, btfb_text_append, &t, NULL), 0);
	return t.s;
}

/* The little-endian blob's dump: what every other wrapping must give too. */
static char *reference_dump(void)
{
	struct bw_btf *btf;
	uint8_t *blob;
	size_t len = load_blob(false, &blob);
	char *text;

	assert_int_equal(bw_btf_open_mem(blob, len, NULL, &btf, NULL), 0);
	assert_false(bw_btf_swapped(btf));
	text = dump_of(btf);
	bw_btf_close(btf);
	free(blob);
	return text;
}

static void check_values(const struct bw_btf *btf)
{
	struct bw_member_loc loc;
	struct bw_enumerator e;
	struct bw_secinfo si;
	uint32_t id;

	assert_int_equal(bw_btf_find(btf, "pair", BW_KIND_STRUCT, &id, NULL), 0);
	assert_int_equal(id, 3);
	assert_int_equal(bw_btf_path(btf, id, "bits", &loc, NULL), 0);
	assert_int_equal(loc.bit_offset, 32);
	assert_int_equal(loc.bitfield_size, 7);
	assert_int_equal(bw_btf_enum_value(btf, 0, "NEG", &e, NULL), 0);
	assert_true(e.value == -1234567890123ll);
	assert_int_equal(bw_btf_datasec_var(btf, ".data..percpu", "v", &si, NULL), 0);
	assert_int_equal(si.offset, 16);
	assert_int_equal(si.size, 16);
}

static void test_other_byte_order(void **state)
{
	struct bw_btf *btf;
	uint8_t *blob, *copy;
	size_t len = load_blob(true, &blob);
	char *want = reference_dump(), *got;

	(void)state;
	assert_int_equal(blob[0], 0xeb); /* written big-endian: magic reads 0x9FEB here */
	copy = malloc(len);
	memcpy(copy, blob, len);
	assert_int_equal(bw_btf_open_mem(blob, len, NULL, &btf, NULL), 0);
	assert_true(bw_btf_swapped(btf));
	check_values(btf);
	got = dump_of(btf);
	assert_string_equal(got, want);
	/* The caller's buffer is left as it was: the swap works on a private copy. */
	assert_memory_equal(blob, copy, len);
	bw_btf_close(btf);
	free(got);
	free(want);
	free(copy);
	free(blob);
}

static void test_other_byte_order_truncated(void **state)
{
	struct bw_error err = { 0 };
	struct bw_btf *btf;
	uint8_t *blob;
	struct btfb b;
	size_t len;

	(void)state;
	/* vlen 5 on the last record, but the section ends: caught while swapping. */
	btfb_init(&b);
	b.big_endian = true;
	btfb_int(&b, "int", 4, 1, 0, 32);
	btfb_struct(&b, BTFB_STRUCT, "s", 4, false, 5);
	btfb_member(&b, "a", 1, 0, 0);
	len = btfb_blob(&b, &blob);
	btfb_free(&b);
	assert_int_equal(bw_btf_open_mem(blob, len, NULL, &btf, &err), -BW_EFORMAT);
	assert_non_null(strstr(err.msg, "BTF [2] at offset 40: 60 bytes of kind data run past"));
	free(blob);
}

static void test_elf(void **state)
{
	char *want = reference_dump();
	int is64, be;

	(void)state;
	for (is64 = 0; is64 < 2; is64++) {
		for (be = 0; be < 2; be++) {
			struct bw_error err = { 0 };
			struct bw_btf *btf;
			uint8_t *blob, *elf;
			size_t len = load_blob(be, &blob), elf_len;
			char *got;

			elf_len = btfb_elf(blob, len, is64, be, &elf);
			if (bw_btf_open_mem(elf, elf_len, NULL, &btf, &err))
				fail_msg("ELF%d %s: %s", is64 ? 64 : 32, be ? "BE" : "LE", err.msg);
			assert_int_equal(bw_btf_swapped(btf), be);
			check_values(btf);
			got = dump_of(btf);
			assert_string_equal(got, want);
			free(got);
			bw_btf_close(btf);
			free(elf);
			free(blob);
		}
	}
	free(want);
}

/* Section header table of the builder's ELF64 LE: at e_shoff, 4 entries of 64 bytes. */
static uint64_t rd64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void wr64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void expect_elf_error(void (*damage)(uint8_t *elf, size_t len), int code, const char *msg)
{
	struct bw_error err = { 0 };
	struct bw_btf *btf = NULL;
	uint8_t *blob, *elf;
	size_t len = load_blob(false, &blob);
	size_t elf_len = btfb_elf(blob, len, true, false, &elf);

	damage(elf, elf_len);
	assert_int_equal(bw_btf_open_mem(elf, elf_len, NULL, &btf, &err), -code);
	assert_null(btf);
	if (!strstr(err.msg, msg))
		fail_msg("message '%s' lacks '%s'", err.msg, msg);
	free(elf);
	free(blob);
}

static void damage_class(uint8_t *elf, size_t len)
{
	(void)len;
	elf[4] = 3;
}

static void damage_shoff(uint8_t *elf, size_t len)
{
	wr64(elf + 40, len);
}

static void damage_shentsize(uint8_t *elf, size_t len)
{
	(void)len;
	elf[58] = 40;
}

static void damage_shnum(uint8_t *elf, size_t len)
{
	(void)len;
	elf[60] = 200;
}

static void damage_shstrndx(uint8_t *elf, size_t len)
{
	(void)len;
	elf[62] = 9;
}

static void damage_btf_size(uint8_t *elf, size_t len)
{
	uint8_t *sh = elf + rd64(elf + 40) + 2 * 64; /* section 2: .BTF */

	wr64(sh + 32, len);
}

static void damage_btf_nobits(uint8_t *elf, size_t len)
{
	uint8_t *sh = elf + rd64(elf + 40) + 2 * 64;

	(void)len;
	sh[4] = 8;
}

static void damage_btf_name(uint8_t *elf, size_t len)
{
	uint8_t *sh = elf + rd64(elf + 40) + 2 * 64;

	(void)len;
	sh[0] = 1; /* ".text" */
}

static void damage_no_sections(uint8_t *elf, size_t len)
{
	(void)len;
	wr64(elf + 40, 0);
}

static void test_elf_malformed(void **state)
{
	(void)state;
	expect_elf_error(damage_class, BW_EFORMAT, "bad class 3 at offset 4");
	expect_elf_error(damage_shoff, BW_EFORMAT, "section headers at offset");
	expect_elf_error(damage_shentsize, BW_EFORMAT, "e_shentsize 40, want 64");
	expect_elf_error(damage_shnum, BW_EFORMAT, "200 section headers");
	expect_elf_error(damage_shstrndx, BW_EFORMAT, "e_shstrndx 9 out of 4 sections");
	expect_elf_error(damage_btf_size, BW_EFORMAT, ".BTF (section 2) at offset");
	expect_elf_error(damage_btf_nobits, BW_EFORMAT, ".BTF (section 2) has no bits");
	expect_elf_error(damage_btf_name, BW_ENOENT, "no .BTF section among 4 sections");
	expect_elf_error(damage_no_sections, BW_ENOENT, "no section headers");
}

static void test_file(void **state)
{
	struct bw_error err = { 0 };
	struct bw_btf *btf;
	uint8_t *blob, *elf;
	size_t len = load_blob(true, &blob), elf_len;
	char *path, *want = reference_dump(), *got;

	(void)state;
	path = btfb_tmpfile(blob, len);
	assert_int_equal(bw_btf_open_file(path, NULL, &btf, &err), 0);
	got = dump_of(btf);
	assert_string_equal(got, want);
	free(got);
	bw_btf_close(btf);
	unlink(path);
	free(path);

	elf_len = btfb_elf(blob, len, false, true, &elf);
	path = btfb_tmpfile(elf, elf_len);
	assert_int_equal(bw_btf_open_file(path, NULL, &btf, &err), 0);
	check_values(btf);
	bw_btf_close(btf);
	unlink(path);
	free(path);

	assert_int_equal(bw_btf_open_file("/nonexistent/btf", NULL, &btf, &err), -BW_EIO);
	assert_non_null(strstr(err.msg, "/nonexistent/btf: open: No such file"));
	path = btfb_tmpfile("", 0);
	assert_int_equal(bw_btf_open_file(path, NULL, &btf, &err), -BW_EFORMAT);
	unlink(path);
	free(path);
	free(elf);
	free(blob);
	free(want);
}

/* ---- split BTF ---- */

struct split {
	uint8_t *base_blob, *split_blob;
	size_t base_len, split_len;
	struct bw_btf *base, *btf;
};

static void split_open(struct split *s)
{
	struct bw_btf_opts opts = { 0 };
	struct bw_error err = { 0 };
	struct btfb b;
	uint32_t base_cnt, base_strs;

	load_build(&b, false);
	base_cnt = b.start_id + b.nr_types;
	base_strs = (uint32_t)b.strs_len;
	s->base_len = btfb_blob(&b, &s->base_blob);
	btfb_free(&b);
	assert_int_equal(bw_btf_open_mem(s->base_blob, s->base_len, NULL, &s->base, NULL), 0);

	btfb_init_split(&b, base_cnt, base_strs);
	btfb_ptr(&b, 3);				   /* 8: struct pair * (base) */
	btfb_struct(&b, BTFB_STRUCT, "mod_s", 24, false, 2); /* 9 */
	btfb_member(&b, "p", 8, 0, 0);
	btfb_member(&b, "inner", 3, 64, 0);
	btfb_struct(&b, BTFB_STRUCT, "pair", 4, false, 1); /* 10: a second "pair" */
	btfb_member(&b, "x", 1, 0, 0);
	btfb_enum(&b, "mod_e", 4, false, 1);		   /* 11 */
	btfb_enumerator(&b, "NEG", 5);			   /* same name as the base's enumerator */
	s->split_len = btfb_blob(&b, &s->split_blob);
	btfb_free(&b);
	opts.base = s->base;
	if (bw_btf_open_mem(s->split_blob, s->split_len, &opts, &s->btf, &err))
		fail_msg("split: %s", err.msg);
}

static void split_close(struct split *s)
{
	bw_btf_close(s->btf);
	bw_btf_close(s->base);
	free(s->split_blob);
	free(s->base_blob);
}

static void test_split(void **state)
{
	struct bw_member_loc loc;
	struct bw_enumerator e;
	struct split s;
	uint32_t id, ids[4];
	uint64_t size;
	struct bw_type t;

	(void)state;
	split_open(&s);
	assert_int_equal(bw_btf_start_id(s.btf), 8);
	assert_int_equal(bw_btf_type_cnt(s.btf), 12);
	assert_ptr_equal(bw_btf_base(s.btf), s.base);
	/* Base names are found through the split BTF, lowest id first. */
	assert_int_equal(bw_btf_find(s.btf, "pair", BW_KIND_STRUCT, &id, NULL), 0);
	assert_int_equal(id, 3);
	assert_int_equal(bw_btf_find_all(s.btf, "pair", ids, 4), 2);
	assert_int_equal(ids[0], 3);
	assert_int_equal(ids[1], 10);
	assert_int_equal(bw_btf_find(s.btf, "mod_s", BW_KIND_STRUCT, &id, NULL), 0);
	assert_int_equal(id, 9);
	assert_int_equal(bw_btf_find(s.base, "mod_s", BW_KIND_STRUCT, &id, NULL), -BW_ENOENT);
	/* Paths cross into base types; sizes come from the base. */
	assert_int_equal(bw_btf_path(s.btf, 9, "inner.l", &loc, NULL), 0);
	assert_int_equal(loc.byte_offset, 16);
	assert_int_equal(bw_btf_sizeof(s.btf, 8, &size, NULL), 0);
	assert_int_equal(size, 8);
	assert_int_equal(bw_btf_type(s.btf, 10, &t, NULL), 0);
	assert_string_equal(t.name, "pair");
	assert_int_equal(bw_btf_type(s.btf, 1, &t, NULL), 0);
	assert_string_equal(t.name, "int");
	/* Enumerators: the base's comes first. */
	assert_int_equal(bw_btf_enum_value(s.btf, 0, "NEG", &e, NULL), 0);
	assert_true(e.value == -1234567890123ll);
	assert_int_equal(bw_btf_enum_value(s.btf, 11, "NEG", &e, NULL), 0);
	assert_true(e.value == 5);
	assert_string_equal(bw_btf_str(s.btf, 1), "int");
	assert_null(bw_btf_str(s.btf, 1 << 20));
	split_close(&s);
}

static void test_split_dump_matches_bpftool(void **state)
{
	char *base_path, *split_path, *got, *want, cmd[512];
	struct split s;

	(void)state;
	if (system("command -v bpftool >/dev/null 2>&1"))
		skip();
	split_open(&s);
	got = dump_of(s.btf);
	assert_non_null(strstr(got, "[8] PTR '(anon)' type_id=3\n"));
	assert_null(strstr(got, "[1] INT"));
	base_path = btfb_tmpfile(s.base_blob, s.base_len);
	split_path = btfb_tmpfile(s.split_blob, s.split_len);
	snprintf(cmd, sizeof(cmd), "bpftool btf dump -B %s file %s format raw 2>/dev/null",
		 base_path, split_path);
	want = btfb_command_output(cmd);
	assert_non_null(want);
	assert_string_equal(got, want);
	unlink(base_path);
	unlink(split_path);
	free(base_path);
	free(split_path);
	free(want);
	free(got);
	split_close(&s);
}

static void test_split_bad_reference(void **state)
{
	struct bw_btf_opts opts = { 0 };
	struct bw_error err = { 0 };
	struct bw_btf *base, *btf;
	uint8_t *base_blob, *blob;
	struct btfb b;
	size_t len;

	(void)state;
	len = load_blob(false, &base_blob);
	assert_int_equal(bw_btf_open_mem(base_blob, len, NULL, &base, NULL), 0);
	btfb_init_split(&b, 8, 1000);
	btfb_ptr(&b, 12); /* past the split's own last id */
	len = btfb_blob(&b, &blob);
	btfb_free(&b);
	opts.base = base;
	assert_int_equal(bw_btf_open_mem(blob, len, &opts, &btf, &err), -BW_EFORMAT);
	assert_non_null(strstr(err.msg, "refers to type id 12, which does not exist (type count 9)"));
	free(blob);
	bw_btf_close(base);
	free(base_blob);
}

/* ---- allocators ---- */

struct counting {
	long allocs, frees, live;
	long fail_at; /* the allocation (0-based) that fails; -1: none */
	long n;
};

static void *counting_malloc(void *ctx, size_t size)
{
	struct counting *c = ctx;

	if (c->n++ == c->fail_at)
		return NULL;
	c->allocs++;
	c->live++;
	return malloc(size);
}

static void *counting_realloc(void *ctx, void *ptr, size_t size)
{
	struct counting *c = ctx;
	void *p;

	if (c->n++ == c->fail_at)
		return NULL;
	p = realloc(ptr, size);
	if (p && !ptr) {
		c->allocs++;
		c->live++;
	}
	return p;
}

static void counting_free(void *ctx, void *ptr)
{
	struct counting *c = ctx;

	if (ptr) {
		c->frees++;
		c->live--;
	}
	free(ptr);
}

/* Open blob (or path) with an allocator failing at each allocation in turn. */
static void check_every_failure(const uint8_t *blob, size_t len, const char *path)
{
	struct counting c = { .fail_at = -1 };
	struct bw_allocator a = { counting_malloc, counting_realloc, counting_free, &c };
	struct bw_btf_opts opts = { .alloc = &a };
	long total, i;
	struct bw_btf *btf;
	struct btfb_text t = { 0 };
	int ret;

	ret = path ? bw_btf_open_file(path, &opts, &btf, NULL)
		   : bw_btf_open_mem(blob, len, &opts, &btf, NULL);
	assert_int_equal(ret, 0);
	assert_true(c.allocs > 0);
	total = c.n;
	/* Queries and dumps allocate nothing. */
	assert_int_equal(bw_btf_dump_raw(btf, btfb_text_append, &t, NULL), 0);
	free(t.s);
	assert_int_equal(c.n, total);
	bw_btf_close(btf);
	assert_int_equal(c.live, 0);
	assert_int_equal(c.allocs, c.frees);
	for (i = 0; i < total; i++) {
		struct bw_error err = { 0 };

		c = (struct counting){ .fail_at = i };
		btf = NULL;
		ret = path ? bw_btf_open_file(path, &opts, &btf, &err)
			   : bw_btf_open_mem(blob, len, &opts, &btf, &err);
		if (ret != -BW_ENOMEM)
			fail_msg("allocation %ld of %ld failing gave %d (%s)", i, total, ret,
				 err.msg);
		assert_null(btf);
		assert_non_null(strstr(err.msg, "no memory"));
		assert_int_equal(c.live, 0);
	}
}

static void test_allocator(void **state)
{
	uint8_t *blob;
	size_t len;
	char *path;

	(void)state;
	len = load_blob(false, &blob);
	check_every_failure(blob, len, NULL);
	free(blob);
	len = load_blob(true, &blob); /* a private copy to allocate too */
	check_every_failure(blob, len, NULL);
	path = btfb_tmpfile(blob, len);
	check_every_failure(NULL, 0, path);
	unlink(path);
	free(path);
	free(blob);
}

/* ---- a kernel-sized blob ---- */

#define BIG_PTRS 150000u
#define BIG_TYPEDEFS 60000u
#define BIG_ENUMERATORS 5000u

/*
 * Megabytes of mostly 12-byte records: its tables are carved from one arena (btf/arena.c), and
 * its records average less than the 16 bytes the offset table is first sized for, so that
 * table grows inside the arena. ids[]: the builder's ids of "int", "td12345", "big", "colours".
 */
static size_t big_blob(uint8_t **out, uint32_t ids[4])
{
	struct btfb b;
	char name[32];
	uint32_t i;
	size_t len;

	btfb_init(&b);
	ids[0] = btfb_int(&b, "int", 4, 1, 0, 32);
	for (i = 0; i < BIG_PTRS; i++)
		btfb_ptr(&b, ids[0]);
	ids[1] = ids[0] + BIG_PTRS + 1 + 12345;
	for (i = 0; i < BIG_TYPEDEFS; i++) {
		snprintf(name, sizeof(name), "td%u", i);
		btfb_ref(&b, BTFB_TYPEDEF, name, ids[0]);
	}
	ids[2] = btfb_struct(&b, BTFB_STRUCT, "big", 24, false, 3);
	btfb_member(&b, "a", ids[0], 0, 0);
	btfb_member(&b, "p", ids[0] + 1, 64, 0);
	btfb_member(&b, "c", ids[0], 128, 0);
	ids[3] = btfb_enum(&b, "colours", 4, false, BIG_ENUMERATORS);
	for (i = 0; i < BIG_ENUMERATORS; i++) {
		snprintf(name, sizeof(name), "C%u", i);
		btfb_enumerator(&b, name, (int32_t)(i * 3));
	}
	len = btfb_blob(&b, out);
	btfb_free(&b);
	return len;
}

/* Every table of a big blob answers as the builder wrote it, with libc's allocator or ours. */
static void check_big(const struct bw_btf_opts *opts)
{
	struct bw_enumerator e;
	uint32_t ids[4], id;
	struct bw_btf *btf;
	uint64_t size;
	uint8_t *blob;
	size_t len;

	len = big_blob(&blob, ids);
	assert_true(len > ((size_t)2 << 20));
	assert_int_equal(bw_btf_open_mem(blob, len, opts, &btf, NULL), 0);
	assert_int_equal(bw_btf_type_cnt(btf), ids[3] + 1);
	assert_int_equal(bw_btf_find(btf, "int", BW_KIND_INT, &id, NULL), 0);
	assert_int_equal(id, ids[0]);
	assert_int_equal(bw_btf_find(btf, "td12345", BW_KIND_TYPEDEF, &id, NULL), 0);
	assert_int_equal(id, ids[1]);
	assert_int_equal(bw_btf_sizeof(btf, ids[1], &size, NULL), 0);
	assert_int_equal(size, 4);
	assert_int_equal(bw_btf_sizeof(btf, ids[0] + BIG_PTRS, &size, NULL), 0);
	assert_int_equal(size, 8);
	assert_int_equal(bw_btf_find(btf, "big", BW_KIND_STRUCT, &id, NULL), 0);
	assert_int_equal(id, ids[2]);
	assert_int_equal(bw_btf_sizeof(btf, ids[2], &size, NULL), 0);
	assert_int_equal(size, 24);
	assert_int_equal(bw_btf_find(btf, "td60000", BW_KIND_UNKN, &id, NULL), -BW_ENOENT);
	assert_int_equal(bw_btf_enum_value(btf, 0, "C4321", &e, NULL), 0);
	assert_int_equal(e.value, 4321 * 3);
	assert_string_equal(bw_btf_enum_name(btf, ids[3], 4999 * 3), "C4999");
	bw_btf_close(btf);
	free(blob);
}

static void test_big(void **state)
{
	struct counting c = { .fail_at = -1 };
	struct bw_allocator a = { counting_malloc, counting_realloc, counting_free, &c };
	struct bw_btf_opts opts = { .alloc = &a };

	(void)state;
	check_big(NULL);
	check_big(&opts);
	assert_int_equal(c.live, 0);
}

static void test_bad_arguments(void **state)
{
	struct bw_error err = { 0 };
	struct bw_btf *btf;

	(void)state;
	assert_int_equal(bw_btf_open_mem(NULL, 10, NULL, &btf, &err), -BW_EINVAL);
	assert_int_equal(bw_btf_open_mem("x", 1, NULL, NULL, &err), -BW_EINVAL);
	assert_int_equal(bw_btf_open_file(NULL, NULL, &btf, &err), -BW_EINVAL);
	bw_btf_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_other_byte_order),
		cmocka_unit_test(test_other_byte_order_truncated),
		cmocka_unit_test(test_elf),
		cmocka_unit_test(test_elf_malformed),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_dump_matches_bpftool),
		cmocka_unit_test(test_split_bad_reference),
		cmocka_unit_test(test_allocator),
		cmocka_unit_test(test_big),
		cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
