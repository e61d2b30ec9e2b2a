/* SPDX-License-Identifier: MIT */
/*
 * bw_kernel_printk on synthetic rings (tests/unit/kimage_builder.c: 8 descriptors, 256 bytes of
 * text): the tests write descriptors, infos and data blocks as the kernel's writer lays them
 * out (a block's id word then its text, 8-byte aligned; a block that would pass the ring's end
 * stored whole at its start) and expect exactly the records they wrote: wrapping blocks,
 * blocks ending exactly at the end, dataless and lost records, reserved, reusable and reused
 * descriptors, overwritten data, and rings whose geometry is not legal; and a follower
 * (bw_kernel_printk_follow) across polls.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "btfwalk.h"
#include "kimage_builder.h"

#define NDESC (1u << KB_PRB_COUNT_BITS)
#define DSIZE (1u << KB_PRB_DATA_BITS)
#define ST_RESERVED 0ull
#define ST_COMMITTED 1ull
#define ST_FINALIZED 2ull
#define ST_REUSABLE 3ull
#define SV(id, st) ((st) << 62 | (id))
/* The kernel's writer keeps a record's seq and id in one slot: seq % count == id % count. */
#define SEQ(id) ((id) + 32 * NDESC)
#define NO_LPOS 3ull
#define FAILED_LPOS 1ull
/* lpos values start one ring below 0, as the kernel's BLK0_LPOS: the first wrap overflows. */
#define LPOS0 (0ull - DSIZE)

struct fixture {
	struct kb_kernel kk;
	struct bw_mem *mem;
	struct bw_kernel *k;
	/* A writer racing the reader: when physical torn_at is read, put torn_sv at torn_desc. */
	uint64_t torn_at, torn_desc, torn_sv;
};

static int torn_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	struct fixture *f = ctx;

	if (f->torn_at && paddr <= f->torn_at && f->torn_at < paddr + len) {
		kb_put_u64(&f->kk.mem, f->torn_desc, f->torn_sv);
		f->torn_at = 0;
	}
	return kb_mem_read(&f->kk.mem, paddr, buf, len);
}

struct got {
	int n;
	struct {
		uint64_t seq, ts;
		unsigned level, facility, caller;
		bool lost, committed;
		char text[300], subsystem[20], device[50];
	} r[16];
};

static void open_ring(struct fixture *f)
{
	struct kb_kernel_opts o = {.levels = 4, .symbols_in_vmcoreinfo = true};
	struct bw_mem_range range = {0, 0};
	struct bw_error e;

	memset(f, 0, sizeof(*f));
	assert_int_equal(kb_kernel_build(&f->kk, &o), 0);
	range.size = f->kk.mem.size;
	assert_int_equal(bw_mem_open_callback(&range, 1, torn_read, f, NULL, &f->mem, &e), 0);
	if (bw_kernel_open(f->mem, NULL, &f->k, &e))
		fail_msg("%s", e.msg);
}

static void close_ring(struct fixture *f)
{
	bw_kernel_close(f->k);
	bw_mem_close(f->mem);
	kb_kernel_free(&f->kk);
}

static void set_ids(struct fixture *f, uint64_t tail, uint64_t head)
{
	kb_put_u64(&f->kk.mem, f->kk.prb_ring_pa + KB_PRB_TAIL_ID, tail);
	kb_put_u64(&f->kk.mem, f->kk.prb_ring_pa + KB_PRB_HEAD_ID, head);
}

/* Descriptor id with state st, text block [begin, next), and its info. */
static void put_desc(struct fixture *f, uint64_t id, uint64_t st, uint64_t begin, uint64_t next,
		     uint64_t seq, uint16_t text_len, unsigned level, unsigned facility)
{
	struct kb_mem *m = &f->kk.mem;
	uint64_t d = f->kk.prb_descs_pa + (id % NDESC) * KB_PRB_DESC_SIZE;
	uint64_t i = f->kk.prb_infos_pa + (id % NDESC) * KB_PRB_INFO_SIZE;
	unsigned char info[KB_PRB_INFO_SIZE] = {0};

	kb_put_u64(m, d, SV(id, st));
	kb_put_u64(m, d + 8, begin);
	kb_put_u64(m, d + 16, next);
	memcpy(info, &seq, 8);
	seq = seq * 1000003 + 17; /* ts_nsec */
	memcpy(info + 8, &seq, 8);
	memcpy(info + 16, &text_len, 2);
	info[18] = (unsigned char)facility;
	info[19] = (unsigned char)(2 | level << 5); /* flags LOG_NEWLINE, level */
	info[20] = (unsigned char)id;		    /* caller_id: task id */
	kb_put(m, i, info, sizeof(info));
}

/* A data block at lpos: the id word, then text. */
static void put_block(struct fixture *f, uint64_t lpos, uint64_t id, const char *text)
{
	uint64_t at = f->kk.prb_data_pa + (lpos % DSIZE);

	kb_put_u64(&f->kk.mem, at, id);
	kb_put(&f->kk.mem, at + 8, text, strlen(text));
}

static void put_devinfo(struct fixture *f, uint64_t id, const char *sub, const char *dev)
{
	uint64_t i = f->kk.prb_infos_pa + (id % NDESC) * KB_PRB_INFO_SIZE;

	kb_put(&f->kk.mem, i + 24, sub, strlen(sub) + 1);
	kb_put(&f->kk.mem, i + 40, dev, strlen(dev) + 1);
}

static int collect(void *ctx, const struct bw_printk_record *r)
{
	struct got *g = ctx;

	assert_true(g->n < 16);
	g->r[g->n].seq = r->seq;
	g->r[g->n].ts = r->ts_nsec;
	g->r[g->n].level = r->level;
	g->r[g->n].facility = r->facility;
	g->r[g->n].caller = r->caller_id;
	g->r[g->n].lost = r->lost;
	g->r[g->n].committed = r->committed;
	assert_int_equal(strlen(r->text), r->text_len);
	snprintf(g->r[g->n].text, sizeof(g->r[g->n].text), "%s", r->text);
	snprintf(g->r[g->n].subsystem, sizeof(g->r[g->n].subsystem), "%s", r->subsystem);
	snprintf(g->r[g->n].device, sizeof(g->r[g->n].device), "%s", r->device);
	assert_null(r->comm); /* this BTF's printk_info has no comm */
	g->n++;
	return 0;
}

static void walk(struct fixture *f, struct got *g, struct bw_printk_summary *s)
{
	struct bw_error e;

	memset(g, 0, sizeof(*g));
	if (bw_kernel_printk(f->k, collect, g, s, &e))
		fail_msg("%s", e.msg);
}

/* Records in one wrap, then a block that wraps to the start, then one ending exactly at the
 * end of the next wrap; a dev_info dictionary. ids 0x40.. (the ring has cycled). */
static void test_printk_wrap_and_exact_end(void **state)
{
	struct bw_printk_summary s;
	struct fixture f;
	struct got g;
	uint64_t w1 = LPOS0 + DSIZE; /* lpos 0: the second wrap starts (64-bit overflow) */

	(void)state;
	open_ring(&f);
	/* id 0x40: [w1+160, w1+200) "alpha": 8 + 5 -> 16 bytes used, block padded to 40 */
	put_desc(&f, 0x40, ST_FINALIZED, w1 + 160, w1 + 200, SEQ(0x40), 5, 6, 0);
	put_block(&f, w1 + 160, 0x40, "alpha");
	put_devinfo(&f, 0x40, "pci", "+pci:0000:00:01.0");
	/* id 0x41: begins at w1+200, 8 + 60 bytes would pass 256: only its id at 200, the block
	 * whole at the start of the next wrap; next = w1 + 256 + 72. */
	put_desc(&f, 0x41, ST_FINALIZED, w1 + 200, w1 + DSIZE + 72, SEQ(0x41), 60, 4, 1);
	kb_put_u64(&f.kk.mem, f.kk.prb_data_pa + 200, 0x41);
	put_block(&f, w1 + DSIZE, 0x41,
		  "a block that wrapped to the ring's start, sixty bytes long..");
	/* id 0x42: [w1+256+72, w1+512): ends exactly at the ring's end (not wrapped). */
	put_desc(&f, 0x42, ST_COMMITTED, w1 + DSIZE + 72, w1 + 2 * DSIZE, SEQ(0x42), 11, 7, 3);
	put_block(&f, w1 + DSIZE + 72, 0x42, "exact end!!");
	set_ids(&f, 0x40, 0x42);
	walk(&f, &g, &s);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.r[0].seq, SEQ(0x40));
	assert_int_equal(g.r[0].ts, SEQ(0x40) * 1000003 + 17);
	assert_string_equal(g.r[0].text, "alpha");
	assert_int_equal(g.r[0].level, 6);
	assert_int_equal(g.r[0].facility, 0);
	assert_int_equal(g.r[0].caller, 0x40);
	assert_string_equal(g.r[0].subsystem, "pci");
	assert_string_equal(g.r[0].device, "+pci:0000:00:01.0");
	assert_string_equal(g.r[1].text,
			    "a block that wrapped to the ring's start, sixty bytes long..");
	assert_int_equal(g.r[1].level, 4);
	assert_int_equal(g.r[1].facility, 1);
	assert_string_equal(g.r[1].subsystem, "");
	assert_string_equal(g.r[2].text, "exact end!!");
	assert_true(g.r[2].committed);
	assert_false(g.r[1].committed);
	assert_int_equal(s.nr_records, 3);
	assert_int_equal(s.nr_lost, 0);
	assert_int_equal(s.nr_descs, NDESC);
	assert_int_equal(s.text_size, DSIZE);
	assert_false(s.dynamic);
	close_ring(&f);
}

/* Dataless (NO_LPOS: empty text) and failed (FAILED_LPOS: lost) records, a block overwritten
 * by a newer one (its id word is not the descriptor's), a text_len beyond the block (lost),
 * a reusable tail (expired), a descriptor reused by a newer id, and a reserved head. */
static void test_printk_states(void **state)
{
	struct bw_printk_summary s;
	struct fixture f;
	struct got g;

	(void)state;
	open_ring(&f);
	put_desc(&f, 0x20, ST_REUSABLE, NO_LPOS, NO_LPOS, SEQ(0x20), 0, 6, 0);
	put_desc(&f, 0x21, ST_FINALIZED, NO_LPOS, NO_LPOS, SEQ(0x21), 0, 6, 0);
	put_desc(&f, 0x22, ST_FINALIZED, FAILED_LPOS, FAILED_LPOS, SEQ(0x22), 9, 6, 0);
	put_desc(&f, 0x23, ST_FINALIZED, 16, 40, SEQ(0x23), 4, 6, 0);
	put_block(&f, 16, 0x99, "gone");			       /* overwritten */
	put_desc(&f, 0x24, ST_FINALIZED, 40, 64, SEQ(0x24), 30, 6, 0); /* 30 > 24 - 8 */
	put_block(&f, 40, 0x24, "short");
	/* slot of 0x25 holds id 0x2d (the next cycle): 0x25 is gone */
	put_desc(&f, 0x2d, ST_FINALIZED, 64, 80, SEQ(0x2d), 3, 6, 0);
	put_desc(&f, 0x26, ST_FINALIZED, 80, 96, SEQ(0x26), 6, 2, 0);
	put_block(&f, 80, 0x26, "kept!!");
	put_desc(&f, 0x27, ST_RESERVED, 96, 112, SEQ(0x27), 0, 0, 0);
	set_ids(&f, 0x20, 0x27);
	walk(&f, &g, &s);
	assert_int_equal(g.n, 5);
	assert_int_equal(g.r[0].seq, SEQ(0x21));
	assert_string_equal(g.r[0].text, "");
	assert_false(g.r[0].lost);
	assert_int_equal(g.r[1].seq, SEQ(0x22));
	assert_true(g.r[1].lost);
	assert_int_equal(g.r[2].seq, SEQ(0x23));
	assert_true(g.r[2].lost);
	assert_int_equal(g.r[3].seq, SEQ(0x24));
	assert_true(g.r[3].lost);
	assert_int_equal(g.r[4].seq, SEQ(0x26));
	assert_string_equal(g.r[4].text, "kept!!");
	assert_int_equal(g.r[4].level, 2);
	assert_int_equal(s.nr_records, 5);
	assert_int_equal(s.nr_lost, 3);
	assert_int_equal(s.nr_expired, 1);
	assert_int_equal(s.nr_reused, 1);
	assert_int_equal(s.nr_reserved, 1);
	close_ring(&f);
}

/* Rings whose geometry or positions are not legal fail with EFORMAT; a block whose bounds are
 * not legal is a lost record, never a read outside the ring. */
static void test_printk_hostile(void **state)
{
	struct bw_printk_summary s;
	struct bw_error e;
	struct fixture f;
	struct got g;

	(void)state;
	open_ring(&f);
	set_ids(&f, 0x10, 0x10 + NDESC); /* head - tail = count */
	assert_int_equal(bw_kernel_printk(f.k, collect, &g, &s, &e), -BW_EFORMAT);
	assert_non_null(strstr(e.msg, "head_id"));
	set_ids(&f, 0x10, 0x12);
	kb_put_u32(&f.kk.mem, f.kk.prb_ring_pa, 40); /* count_bits */
	assert_int_equal(bw_kernel_printk(f.k, collect, &g, &s, &e), -BW_EFORMAT);
	assert_non_null(strstr(e.msg, "count_bits 40"));
	kb_put_u32(&f.kk.mem, f.kk.prb_ring_pa, KB_PRB_COUNT_BITS);
	put_desc(&f, 0x10, ST_FINALIZED, 8, 8 + 3 * DSIZE, SEQ(0x10), 5, 6,
		 0);						      /* three wraps long */
	put_desc(&f, 0x11, ST_FINALIZED, 12, 36, SEQ(0x11), 5, 6, 0); /* unaligned */
	put_desc(&f, 0x12, ST_FINALIZED, 200, 200 + DSIZE, SEQ(0x12), 5, 6, 0); /* the whole ring */
	walk(&f, &g, &s);
	assert_int_equal(g.n, 3);
	assert_true(g.r[0].lost && g.r[1].lost && g.r[2].lost);
	close_ring(&f);
}

/* Record id as a finalized (or st) one with a 16-byte block "rXX" at lpos 16 * (id - 0x10). */
static void put_rec(struct fixture *f, uint64_t id, uint64_t st)
{
	char text[8];

	snprintf(text, sizeof(text), "r%02x", (unsigned)id);
	put_desc(f, id, st, 16 * (id - 0x10), 16 * (id - 0x10) + 16, SEQ(id), 3, 6, 0);
	put_block(f, 16 * (id - 0x10), id, text);
}

static void follow(struct fixture *f, struct bw_printk_cursor *cur, struct got *g,
		   struct bw_printk_summary *s)
{
	struct bw_error e;

	memset(g, 0, sizeof(*g));
	if (bw_kernel_printk_follow(f->k, cur, collect, g, s, &e))
		fail_msg("%s", e.msg);
}

/* A follower: all records first, then only new ones; a reserved or only-committed head waits
 * until it is finalized; records overwritten between two polls are a gap, never printed. */
static void test_printk_follow(void **state)
{
	struct bw_printk_cursor cur = {0};
	struct bw_printk_summary s;
	struct fixture f;
	struct got g;
	uint64_t id;

	(void)state;
	open_ring(&f);
	for (id = 0x10; id < 0x14; id++)
		put_rec(&f, id, ST_FINALIZED);
	put_desc(&f, 0x14, ST_RESERVED, NO_LPOS, NO_LPOS, SEQ(0x14), 0, 6, 0);
	set_ids(&f, 0x10, 0x14);
	follow(&f, &cur, &g, &s);
	assert_int_equal(g.n, 4);
	assert_int_equal(g.r[0].seq, SEQ(0x10));
	assert_string_equal(g.r[3].text, "r13");
	assert_int_equal(s.nr_gap, 0);
	follow(&f, &cur, &g, &s); /* nothing new: the reserved head is not printed */
	assert_int_equal(g.n, 0);
	put_rec(&f, 0x14, ST_FINALIZED);
	put_rec(&f, 0x15, ST_COMMITTED); /* a continuation could still be appended */
	set_ids(&f, 0x10, 0x15);
	follow(&f, &cur, &g, &s);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.r[0].text, "r14");
	assert_int_equal(s.nr_gap, 0);
	/* 0x15 finalized, then 0x15..0x19 overwritten before the next poll. */
	for (id = 0x1a; id <= 0x1c; id++)
		put_rec(&f, id, ST_FINALIZED);
	set_ids(&f, 0x1a, 0x1c);
	follow(&f, &cur, &g, &s);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.r[0].seq, SEQ(0x1a));
	assert_string_equal(g.r[0].text, "r1a");
	assert_string_equal(g.r[2].text, "r1c");
	assert_int_equal(s.nr_gap, 0x1a - 0x15);
	follow(&f, &cur, &g, &s);
	assert_int_equal(g.n, 0);
	close_ring(&f);
}

/* A descriptor reused by the writer while its text is read: never printed, a gap of one. */
static void test_printk_follow_torn(void **state)
{
	struct bw_printk_cursor cur = {0};
	struct bw_printk_summary s;
	struct fixture f;
	struct got g;
	uint64_t id;

	(void)state;
	open_ring(&f);
	for (id = 0x10; id < 0x13; id++)
		put_rec(&f, id, ST_FINALIZED);
	set_ids(&f, 0x10, 0x12);
	f.torn_at = f.kk.prb_data_pa + 16 + 8; /* the text of 0x11 */
	f.torn_desc = f.kk.prb_descs_pa + (0x11 % NDESC) * KB_PRB_DESC_SIZE;
	f.torn_sv = SV(0x11 + NDESC, ST_RESERVED);
	follow(&f, &cur, &g, &s);
	assert_int_equal(f.torn_at, 0); /* the race happened */
	assert_int_equal(g.n, 2);
	assert_string_equal(g.r[0].text, "r10");
	assert_string_equal(g.r[1].text, "r12");
	assert_int_equal(s.nr_gap, 1);
	close_ring(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printk_wrap_and_exact_end),
		cmocka_unit_test(test_printk_states),
		cmocka_unit_test(test_printk_hostile),
		cmocka_unit_test(test_printk_follow),
		cmocka_unit_test(test_printk_follow_torn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
