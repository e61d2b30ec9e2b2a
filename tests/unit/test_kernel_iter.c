/* SPDX-License-Identifier: MIT */
/*
 * The container walks (walker/kernel/iter.c) on lists, hlists, rbtrees and xarrays that the test
 * lays out itself in a synthetic kernel (kimage_builder.c, kimage_iter.c). The expected element
 * sequences are the ones the test built: node addresses in link order, sorted tree nodes,
 * (index, entry) pairs stored, never what the walker returned.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "btfwalk.h"
#include "kernel/iter.h"
#include "kimage_builder.h"
#include "kimage_iter.h"

struct fix {
	struct kb_kernel kk;
	struct bw_mem *mem;
	struct bw_kernel *k;
	/* Memory that changes as it is read: see liar_read. */
	bool lie;
	uint64_t last_next_owner;
};

/* Every bw_item.link.prev reads as the node whose next was read last: a list rewritten under
 * the walker so that each next->prev check passes. */
static int liar_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	struct fix *f = ctx;
	int ret = kb_mem_read(&f->kk.mem, paddr, buf, len);
	uint64_t off = (paddr - KB_SCRATCH_PA) % sizeof(struct kb_item);

	if (ret || !f->lie || len != 8)
		return ret;
	if (paddr == f->kk.containers_pa + offsetof(struct kb_containers, list))
		f->last_next_owner = f->kk.containers_addr + offsetof(struct kb_containers, list);
	if (paddr < KB_SCRATCH_PA || paddr >= KB_SCRATCH_PA + KB_SCRATCH_SIZE)
		return 0;
	if (off == offsetof(struct kb_item, link.prev))
		memcpy(buf, &f->last_next_owner, 8);
	else if (off == offsetof(struct kb_item, link.next))
		f->last_next_owner = kb_dm(paddr);
	return 0;
}

static void fix_open(struct fix *f, int xa_chunk_shift)
{
	struct kb_kernel_opts o = {.levels = 4, .xa_chunk_shift = xa_chunk_shift};
	struct bw_mem_range range = {0, 0};
	struct bw_error err;

	memset(f, 0, sizeof(*f));
	assert_int_equal(kb_kernel_build(&f->kk, &o), 0);
	range.size = f->kk.mem.size;
	assert_int_equal(bw_mem_open_callback(&range, 1, liar_read, f, NULL, &f->mem, &err), 0);
	if (bw_kernel_open(f->mem, NULL, &f->k, &err))
		fail_msg("%s", err.msg);
}

static void fix_close(struct fix *f)
{
	bw_kernel_close(f->k);
	bw_mem_close(f->mem);
	kb_kernel_free(&f->kk);
}

/* What a walk gave. */
struct seen {
	uint64_t n;
	uint64_t index[4096];
	uint64_t addr[4096];
	uint64_t stop_at; /* return 1 at this element (0: never) */
	int fail_with;	  /* return this at stop_at instead */
};

static int seen_fn(void *ctx, uint64_t index, uint64_t addr)
{
	struct seen *s = ctx;

	if (s->n < 4096) {
		s->index[s->n] = index;
		s->addr[s->n] = addr;
	}
	s->n++;
	if (s->stop_at && s->n == s->stop_at)
		return s->fail_with ? s->fail_with : 1;
	return 0;
}

static uint64_t item_va(size_t slot)
{
	return kb_dm(KB_SCRATCH_PA + slot * sizeof(struct kb_item));
}

/* n items at scrambled addresses (slot i * 7 mod a prime above n). */
static void scrambled_items(uint64_t *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		items[i] = item_va((i * 7919) % 8191);
}

static void links_of(const uint64_t *items, size_t n, size_t off, uint64_t *links)
{
	size_t i;

	for (i = 0; i < n; i++)
		links[i] = items[i] + off;
}

static int walk_list(struct fix *f, uint64_t head, size_t entry_off, uint64_t limit, struct seen *s,
		     struct bw_error *err)
{
	struct bw_iter_walk w = {seen_fn, s, entry_off, limit};

	return bw_iter_list(f->k, head, &w, err);
}

#define LIST_OFF offsetof(struct kb_item, link)
#define HEAD(f) ((f)->kk.containers_addr + offsetof(struct kb_containers, list))

static void test_iter_list_order(void **state)
{
	static const size_t sizes[] = {0, 1, 5, 1000};
	static uint64_t items[1000], links[1000];
	struct bw_error err;
	struct fix f;
	size_t t, i;

	(void)state;
	fix_open(&f, 0);
	for (t = 0; t < sizeof(sizes) / sizeof(sizes[0]); t++) {
		struct seen s = {0};

		scrambled_items(items, sizes[t]);
		links_of(items, sizes[t], LIST_OFF, links);
		kb_list_link(&f.kk.mem, HEAD(&f), links, sizes[t]);
		assert_int_equal(walk_list(&f, HEAD(&f), LIST_OFF, 0, &s, &err), 0);
		assert_int_equal(s.n, sizes[t]);
		for (i = 0; i < sizes[t]; i++) {
			assert_int_equal(s.index[i], i);
			assert_int_equal(s.addr[i], items[i]);
		}
	}
	fix_close(&f);
}

static void test_iter_list_broken(void **state)
{
	uint64_t items[6], links[6];
	struct bw_error err;
	struct seen s = {0};
	char want[256];
	struct fix f;

	(void)state;
	fix_open(&f, 0);
	scrambled_items(items, 6);
	links_of(items, 6, LIST_OFF, links);

	/* Element 2's prev does not point back at element 1. */
	kb_list_link(&f.kk.mem, HEAD(&f), links, 6);
	kb_put_va_u64(&f.kk.mem, links[2] + 8, links[4]);
	assert_int_equal(walk_list(&f, HEAD(&f), LIST_OFF, 0, &s, &err), -BW_EFORMAT);
	snprintf(want, sizeof(want),
		 "list at 0x%llx: element 2: broken link: 0x%llx->next is 0x%llx but its prev is "
		 "0x%llx",
		 (unsigned long long)HEAD(&f), (unsigned long long)links[1],
		 (unsigned long long)links[2], (unsigned long long)links[4]);
	assert_string_equal(err.msg, want);
	assert_int_equal(s.n, 2);

	/* A NULL next after element 3. */
	kb_list_link(&f.kk.mem, HEAD(&f), links, 6);
	kb_put_va_u64(&f.kk.mem, links[3], 0);
	s.n = 0;
	assert_int_equal(walk_list(&f, HEAD(&f), LIST_OFF, 0, &s, &err), -BW_EFORMAT);
	snprintf(want, sizeof(want), "list at 0x%llx: element 4: node 0x%llx has a NULL next",
		 (unsigned long long)HEAD(&f), (unsigned long long)links[3]);
	assert_string_equal(err.msg, want);

	/* A next that leaves the dump. */
	kb_list_link(&f.kk.mem, HEAD(&f), links, 6);
	kb_put_va_u64(&f.kk.mem, links[0], 0xffff888fff000000ull);
	s.n = 0;
	assert_int_equal(walk_list(&f, HEAD(&f), LIST_OFF, 0, &s, &err), -BW_EFAULT);
	snprintf(want, sizeof(want),
		 "list at 0x%llx: element 1: reading list node's prev at 0xffff888fff000008: ",
		 (unsigned long long)HEAD(&f));
	assert_memory_equal(err.msg, want, strlen(want));

	/* A node below its offset in the entry: container_of would wrap. */
	kb_list_link(&f.kk.mem, HEAD(&f), links, 6);
	s.n = 0;
	assert_int_equal(walk_list(&f, HEAD(&f), 0xffffffffffffff00ull, 0, &s, &err), -BW_EFORMAT);
	assert_non_null(strstr(err.msg, "element 0: node"));
	fix_close(&f);
}

/* A ring that changes under the walker so that every prev check passes: Brent's algorithm
 * must still end the walk, within a few times the cycle's length. */
static void test_iter_list_cycle(void **state)
{
	uint64_t items[5], links[5];
	struct bw_error err;
	struct seen s = {0};
	char want[256];
	struct fix f;

	(void)state;
	fix_open(&f, 0);
	scrambled_items(items, 5);
	links_of(items, 5, LIST_OFF, links);
	kb_list_link(&f.kk.mem, HEAD(&f), links, 5);
	/* 0 -> 1 -> 2 -> 3 -> 4 -> 2 ... never back to the head. */
	kb_put_va_u64(&f.kk.mem, links[4], links[2]);
	f.lie = true;
	assert_int_equal(walk_list(&f, HEAD(&f), LIST_OFF, 0, &s, &err), -BW_EFORMAT);
	f.lie = false;
	assert_non_null(strstr(err.msg, ": cycle: node 0x"));
	assert_true(s.n >= 5 && s.n < 20);
	snprintf(want, sizeof(want), "list at 0x%llx: cycle: ", (unsigned long long)HEAD(&f));
	assert_memory_equal(err.msg, want, strlen(want));

	/* Without the lie, the same memory fails on the first prev check of the loop. */
	s.n = 0;
	assert_int_equal(walk_list(&f, HEAD(&f), LIST_OFF, 0, &s, &err), -BW_EFORMAT);
	assert_non_null(strstr(err.msg, "element 5: broken link"));
	fix_close(&f);
}

static void test_iter_list_limits(void **state)
{
	const uint64_t n = BW_KERNEL_MAX_ITER;
	uint64_t *nodes = malloc((n + 1) * sizeof(*nodes));
	uint64_t items[10], links[10], i;
	struct bw_error err;
	struct seen s = {0};
	char want[128];
	struct fix f;

	(void)state;
	assert_non_null(nodes);
	fix_open(&f, 0);
	scrambled_items(items, 10);
	links_of(items, 10, LIST_OFF, links);
	kb_list_link(&f.kk.mem, HEAD(&f), links, 10);
	assert_int_equal(walk_list(&f, HEAD(&f), LIST_OFF, 5, &s, &err), -BW_ELIMIT);
	snprintf(want, sizeof(want), "list at 0x%llx: more than 5 elements",
		 (unsigned long long)HEAD(&f));
	assert_string_equal(err.msg, want);
	assert_int_equal(s.n, 5);
	s.n = 0;
	assert_int_equal(walk_list(&f, HEAD(&f), LIST_OFF, 10, &s, &err), 0);
	assert_int_equal(s.n, 10);

	/* fn stops the walk, or fails it with its own code. */
	s.n = 0;
	s.stop_at = 3;
	assert_int_equal(walk_list(&f, HEAD(&f), LIST_OFF, 0, &s, &err), 0);
	assert_int_equal(s.n, 3);
	s.n = 0;
	s.fail_with = -BW_EIO;
	assert_int_equal(walk_list(&f, HEAD(&f), LIST_OFF, 0, &s, &err), -BW_EIO);
	assert_int_equal(s.n, 3);

	/* The real cap: BW_KERNEL_MAX_ITER bare list_heads pass, one more does not. */
	for (i = 0; i <= n; i++)
		nodes[i] = kb_dm(KB_SCRATCH_PA + i * 16);
	kb_list_link(&f.kk.mem, HEAD(&f), nodes, n);
	memset(&s, 0, sizeof(s));
	assert_int_equal(walk_list(&f, HEAD(&f), 0, 0, &s, &err), 0);
	assert_int_equal(s.n, n);
	assert_int_equal(s.addr[4095], nodes[4095]);
	kb_list_link(&f.kk.mem, HEAD(&f), nodes, n + 1);
	s.n = 0;
	assert_int_equal(walk_list(&f, HEAD(&f), 0, 0, &s, &err), -BW_ELIMIT);
	snprintf(want, sizeof(want), "list at 0x%llx: more than %u elements",
		 (unsigned long long)HEAD(&f), BW_KERNEL_MAX_ITER);
	assert_string_equal(err.msg, want);
	assert_int_equal(s.n, n);
	free(nodes);
	fix_close(&f);
}

#define HLIST_OFF offsetof(struct kb_item, hnode)

static void test_iter_hlist(void **state)
{
	uint64_t head, items[300], links[300];
	struct bw_iter_walk w;
	struct bw_error err;
	struct seen s = {0};
	char want[256];
	struct fix f;
	size_t i;

	(void)state;
	fix_open(&f, 0);
	head = f.kk.containers_addr + offsetof(struct kb_containers, hlist_first);
	w = (struct bw_iter_walk){seen_fn, &s, HLIST_OFF, 0};
	kb_hlist_link(&f.kk.mem, head, NULL, 0);
	assert_int_equal(bw_iter_hlist(f.k, head, &w, &err), 0);
	assert_int_equal(s.n, 0);

	scrambled_items(items, 300);
	links_of(items, 300, HLIST_OFF, links);
	kb_hlist_link(&f.kk.mem, head, links, 300);
	assert_int_equal(bw_iter_hlist(f.k, head, &w, &err), 0);
	assert_int_equal(s.n, 300);
	for (i = 0; i < 300; i++)
		assert_int_equal(s.addr[i], items[i]);

	/* Element 7's pprev points at element 5's next, not 6's. */
	kb_put_va_u64(&f.kk.mem, links[7] + 8, links[5]);
	s.n = 0;
	assert_int_equal(bw_iter_hlist(f.k, head, &w, &err), -BW_EFORMAT);
	snprintf(want, sizeof(want),
		 "hlist at 0x%llx: element 7: broken link: node 0x%llx, linked from 0x%llx, has "
		 "pprev 0x%llx",
		 (unsigned long long)head, (unsigned long long)links[7],
		 (unsigned long long)links[6], (unsigned long long)links[5]);
	assert_string_equal(err.msg, want);
	assert_int_equal(s.n, 7);

	kb_hlist_link(&f.kk.mem, head, links, 300);
	w.limit = 299;
	s.n = 0;
	assert_int_equal(bw_iter_hlist(f.k, head, &w, &err), -BW_ELIMIT);
	fix_close(&f);
}

static uint64_t lcg_state;

static size_t random_pivot(size_t lo, size_t hi)
{
	lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
	return lo + (size_t)((lcg_state >> 33) % (hi - lo));
}

static size_t first_pivot(size_t lo, size_t hi)
{
	(void)hi;
	return lo;
}

static size_t last_pivot(size_t lo, size_t hi)
{
	(void)lo;
	return hi - 1;
}

#define RB_OFF offsetof(struct kb_item, rb)

static void test_iter_rbtree(void **state)
{
	static uint64_t items[1000], links[1000];
	uint64_t root, cached;
	struct bw_iter_walk w;
	struct bw_error err;
	static struct seen s;
	char want[256];
	unsigned depth;
	struct fix f;
	size_t i;

	(void)state;
	fix_open(&f, 0);
	root = f.kk.containers_addr + offsetof(struct kb_containers, rb);
	cached = f.kk.containers_addr + offsetof(struct kb_containers, rbc_root);
	w = (struct bw_iter_walk){seen_fn, &s, RB_OFF, 0};

	/* In order is the order of items[], whatever the shape. */
	scrambled_items(items, 1000);
	links_of(items, 1000, RB_OFF, links);
	lcg_state = 42;
	depth = kb_rb_build(&f.kk.mem, root, links, 1000, random_pivot);
	assert_true(depth > 10 && depth < BW_ITER_MAX_RB_DEPTH);
	memset(&s, 0, sizeof(s));
	assert_int_equal(bw_iter_rbtree(f.k, root, false, &w, &err), 0);
	assert_int_equal(s.n, 1000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(s.addr[i], items[i]);

	/* rb_root_cached: rb_leftmost must be the first node. */
	kb_rb_build(&f.kk.mem, cached, links, 1000, NULL);
	kb_put_va_u64(&f.kk.mem, cached + 8, links[0]);
	s.n = 0;
	assert_int_equal(bw_iter_rbtree(f.k, cached, true, &w, &err), 0);
	assert_int_equal(s.n, 1000);
	assert_int_equal(s.addr[999], items[999]);
	kb_put_va_u64(&f.kk.mem, cached + 8, links[1]);
	s.n = 0;
	assert_int_equal(bw_iter_rbtree(f.k, cached, true, &w, &err), -BW_EFORMAT);
	snprintf(want, sizeof(want),
		 "rbtree at 0x%llx: rb_leftmost is 0x%llx but the first node is "
		 "0x%llx",
		 (unsigned long long)cached, (unsigned long long)links[1],
		 (unsigned long long)links[0]);
	assert_string_equal(err.msg, want);
	kb_put_va_u64(&f.kk.mem, cached, 0);
	assert_int_equal(bw_iter_rbtree(f.k, cached, true, &w, &err), -BW_EFORMAT);
	kb_put_va_u64(&f.kk.mem, cached + 8, 0);
	s.n = 0;
	assert_int_equal(bw_iter_rbtree(f.k, cached, true, &w, &err), 0);
	assert_int_equal(s.n, 0);

	/* A child whose parent is another node. */
	kb_rb_build(&f.kk.mem, root, links, 7, NULL); /* 3 at the top, 1 and 5 below */
	kb_put_va_u64(&f.kk.mem, links[5], links[1]);
	s.n = 0;
	assert_int_equal(bw_iter_rbtree(f.k, root, false, &w, &err), -BW_EFORMAT);
	snprintf(want, sizeof(want),
		 "rbtree at 0x%llx: broken link: node 0x%llx, the right child of 0x%llx, has "
		 "parent 0x%llx",
		 (unsigned long long)root, (unsigned long long)links[5],
		 (unsigned long long)links[3], (unsigned long long)links[1]);
	assert_string_equal(err.msg, want);
	/* A root with a parent. */
	kb_rb_build(&f.kk.mem, root, links, 7, NULL);
	kb_put_va_u64(&f.kk.mem, links[3], links[2] | 1);
	assert_int_equal(bw_iter_rbtree(f.k, root, false, &w, &err), -BW_EFORMAT);

	/* Left spine deeper than the stack: no red-black tree is. Right spines need no stack. */
	kb_rb_build(&f.kk.mem, root, links, BW_ITER_MAX_RB_DEPTH + 1, last_pivot);
	assert_int_equal(bw_iter_rbtree(f.k, root, false, &w, &err), -BW_ELIMIT);
	assert_non_null(strstr(err.msg, "deeper than 64 levels"));
	kb_rb_build(&f.kk.mem, root, links, BW_ITER_MAX_RB_DEPTH, last_pivot);
	s.n = 0;
	assert_int_equal(bw_iter_rbtree(f.k, root, false, &w, &err), 0);
	assert_int_equal(s.n, BW_ITER_MAX_RB_DEPTH);
	kb_rb_build(&f.kk.mem, root, links, 1000, first_pivot);
	s.n = 0;
	assert_int_equal(bw_iter_rbtree(f.k, root, false, &w, &err), 0);
	assert_int_equal(s.n, 1000);
	assert_int_equal(s.addr[500], items[500]);
	w.limit = 999;
	assert_int_equal(bw_iter_rbtree(f.k, root, false, &w, &err), -BW_ELIMIT);
	fix_close(&f);
}

/* xarray entries the kernel's way: internal entries end in binary 10. */
#define XA_INTERNAL(v) (((uint64_t)(v) << 2) | 2)
#define XA_VALUE(v) (((uint64_t)(v) << 1) | 1)

static const uint64_t xa_indexes[] = {
	1,    2, 63, 64, 65, 4095, 4096, 262143, 262144, 1ull << 30, 1ull << 40, (1ull << 63) + 5,
	~0ull};

/* Stores entries at xa_indexes plus a value entry and internal entries that must be skipped;
 * want[] gets what a walk must give, in index order. */
static size_t xa_fill(struct fix *f, struct kb_xa *xa, uint64_t *want_index, uint64_t *want)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(xa_indexes) / sizeof(xa_indexes[0]); i++) {
		uint64_t entry = item_va(100 + i);

		kb_xa_store(xa, xa_indexes[i], entry);
		if (xa_indexes[i] == 4095) {
			/* Between 65 and 4095 in index order. */
			kb_xa_store(xa, 70, XA_VALUE(12345));
			want_index[n] = 70;
			want[n++] = XA_VALUE(12345);
		}
		want_index[n] = xa_indexes[i];
		want[n++] = entry;
	}
	/* Sibling, retry and zero entries. */
	kb_xa_store(xa, 3, XA_INTERNAL(2));
	kb_xa_store(xa, 5, XA_INTERNAL(256));
	kb_xa_store(xa, 6, XA_INTERNAL(257));
	(void)f;
	return n;
}

static void expect_xa(struct fix *f, uint64_t xa, bool idr, uint64_t base, const uint64_t *index,
		      const uint64_t *want, size_t n)
{
	static struct seen s;
	struct bw_iter_walk w = {seen_fn, &s, 0, 0};
	struct bw_error err;
	size_t i;

	memset(&s, 0, sizeof(s));
	if ((idr ? bw_iter_idr(f->k, xa, &w, &err) : bw_iter_xarray(f->k, xa, &w, &err)))
		fail_msg("%s", err.msg);
	assert_int_equal(s.n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(s.index[i], index[i] + base);
		assert_int_equal(s.addr[i], want[i]);
	}
}

static void xa_case(int chunk_shift)
{
	uint64_t xa, idr, want_index[32], want[32], node;
	struct bw_iter_walk w;
	struct bw_error err;
	struct seen s = {0};
	struct kb_xa x;
	char want_msg[256];
	struct fix f;
	size_t n;

	fix_open(&f, chunk_shift);
	xa = f.kk.containers_addr + offsetof(struct kb_containers, xa);
	idr = f.kk.containers_addr + offsetof(struct kb_containers, idr);

	/* Empty, then one entry at index 0 (in xa_head itself). */
	kb_xa_init(&x, &f.kk.mem, xa, chunk_shift ? chunk_shift : 6, KB_SCRATCH_PA + 0x100000,
		   KB_SCRATCH_PA + KB_SCRATCH_SIZE);
	expect_xa(&f, xa, false, 0, NULL, NULL, 0);
	want_index[0] = 0;
	want[0] = item_va(1);
	kb_xa_store(&x, 0, want[0]);
	expect_xa(&f, xa, false, 0, want_index, want, 1);

	kb_xa_init(&x, &f.kk.mem, xa, chunk_shift ? chunk_shift : 6, KB_SCRATCH_PA + 0x100000,
		   KB_SCRATCH_PA + KB_SCRATCH_SIZE);
	n = xa_fill(&f, &x, want_index, want);
	expect_xa(&f, xa, false, 0, want_index, want, n);

	/* An IDR: the same, indexes + idr_base. */
	kb_xa_init(&x, &f.kk.mem, idr, chunk_shift ? chunk_shift : 6, KB_SCRATCH_PA + 0x800000,
		   KB_SCRATCH_PA + KB_SCRATCH_SIZE);
	kb_put_u32(&f.kk.mem, kb_dm_pa(idr + offsetof(struct kb_idr, base)), 100);
	n = xa_fill(&f, &x, want_index, want);
	w = (struct bw_iter_walk){seen_fn, &s, 0, 0};
	assert_int_equal(bw_iter_idr(f.k, idr, &w, &err), -BW_EFORMAT);
	snprintf(want_msg, sizeof(want_msg),
		 "idr at 0x%llx: index 18446744073709551615 + base 100 overflows",
		 (unsigned long long)idr);
	assert_string_equal(err.msg, want_msg);
	assert_int_equal(s.n, n - 1);
	kb_xa_store(&x, ~0ull, 0);
	expect_xa(&f, idr, true, 100, want_index, want, n - 1);
	s.n = 0;

	/* Broken links: a node's parent, offset, shift; a node below shift 0. */
	kb_xa_init(&x, &f.kk.mem, xa, chunk_shift ? chunk_shift : 6, KB_SCRATCH_PA + 0x100000,
		   KB_SCRATCH_PA + KB_SCRATCH_SIZE);
	kb_xa_store(&x, 1, item_va(1));
	node = kb_xa_store(&x, 1ull << 20, item_va(2)); /* a leaf node a few levels down */
	kb_put_va_u64(&f.kk.mem, node + KB_XA_NODE_PARENT, node);
	w = (struct bw_iter_walk){seen_fn, &s, 0, 0};
	assert_int_equal(bw_iter_xarray(f.k, xa, &w, &err), -BW_EFORMAT);
	snprintf(want_msg, sizeof(want_msg), "xarray at 0x%llx: broken link: node 0x%llx in slot ",
		 (unsigned long long)xa, (unsigned long long)node);
	assert_memory_equal(err.msg, want_msg, strlen(want_msg));
	assert_int_equal(s.n, 1);

	kb_xa_init(&x, &f.kk.mem, xa, chunk_shift ? chunk_shift : 6, KB_SCRATCH_PA + 0x100000,
		   KB_SCRATCH_PA + KB_SCRATCH_SIZE);
	kb_xa_store(&x, 1, item_va(1));
	node = kb_xa_store(&x, 1ull << 20, item_va(2));
	f.kk.mem.ram[kb_dm_pa(node) + KB_XA_NODE_OFFSET] ^= 1;
	assert_int_equal(bw_iter_xarray(f.k, xa, &w, &err), -BW_EFORMAT);
	f.kk.mem.ram[kb_dm_pa(node) + KB_XA_NODE_OFFSET] ^= 1;
	f.kk.mem.ram[kb_dm_pa(node) + KB_XA_NODE_SHIFT] = 1;
	assert_int_equal(bw_iter_xarray(f.k, xa, &w, &err), -BW_EFORMAT);
	assert_non_null(strstr(err.msg, "has shift 1 (expected 0)"));
	f.kk.mem.ram[kb_dm_pa(node) + KB_XA_NODE_SHIFT] = 0;
	/* A leaf slot holding a node: would go below shift 0. */
	kb_put_va_u64(&f.kk.mem, node + KB_XA_NODE_SLOTS + 8, node + 2);
	assert_int_equal(bw_iter_xarray(f.k, xa, &w, &err), -BW_EFORMAT);
	assert_non_null(strstr(err.msg, "at shift 0 has a node"));
	kb_put_va_u64(&f.kk.mem, node + KB_XA_NODE_SLOTS + 8, 0);
	/* A root whose shift is not a multiple of the chunk shift. */
	f.kk.mem.ram[kb_dm_pa(kb_get_va_u64(&f.kk.mem, xa + 8) - 2)] += 1;
	assert_int_equal(bw_iter_xarray(f.k, xa, &w, &err), -BW_EFORMAT);
	f.kk.mem.ram[kb_dm_pa(kb_get_va_u64(&f.kk.mem, xa + 8) - 2)] -= 1;
	s.n = 0;
	assert_int_equal(bw_iter_xarray(f.k, xa, &w, &err), 0);
	assert_int_equal(s.n, 2);
	w.limit = 1;
	s.n = 0;
	assert_int_equal(bw_iter_xarray(f.k, xa, &w, &err), -BW_ELIMIT);
	fix_close(&f);
}

static void test_iter_xarray(void **state)
{
	(void)state;
	xa_case(0);
}

/* A kernel with 16-slot nodes (CONFIG_BASE_SMALL): the chunk size comes from the BTF. */
static void test_iter_xarray_small_chunks(void **state)
{
	(void)state;
	xa_case(4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iter_list_order),
		cmocka_unit_test(test_iter_list_broken),
		cmocka_unit_test(test_iter_list_cycle),
		cmocka_unit_test(test_iter_list_limits),
		cmocka_unit_test(test_iter_hlist),
		cmocka_unit_test(test_iter_rbtree),
		cmocka_unit_test(test_iter_xarray),
		cmocka_unit_test(test_iter_xarray_small_chunks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
