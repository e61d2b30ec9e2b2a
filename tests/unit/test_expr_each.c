/* SPDX-License-Identifier: MIT */
/*
 * Iteration in path expressions (bw_kernel_eval_each): per-CPU fan-out, lists, hlists, rbtrees,
 * xarrays and IDRs of struct bw_item that the test lays out in a synthetic kernel, nested
 * fan-outs, aggregates, element errors, C strings, and the caps. Expected values are the ones
 * the test (or kimage_builder.c) wrote.
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
#include "kimage_iter.h"

struct fix {
	struct kb_kernel kk;
	struct bw_mem *mem;
	struct bw_kernel *k;
	uint64_t items[64]; /* item i at items[i], id 100 + i */
};

#define C_LIST "bw_test_containers.list[list: struct bw_item.link]"

static uint64_t item_va(size_t slot)
{
	return kb_dm(KB_SCRATCH_PA + slot * sizeof(struct kb_item));
}

static void put_item(struct fix *f, size_t i, int32_t id)
{
	uint64_t pa = kb_dm_pa(f->items[i]);

	kb_put_u32(&f->kk.mem, pa + offsetof(struct kb_item, id), (uint32_t)id);
	kb_put_u64(&f->kk.mem, pa + offsetof(struct kb_item, label), 0);
	kb_put_u64(&f->kk.mem, pa + offsetof(struct kb_item, other), 0);
	kb_list_link(&f->kk.mem, f->items[i] + offsetof(struct kb_item, children), NULL, 0);
}

/* Items 0..4 on bw_test_containers.list, in the order 3, 0, 4, 1, 2. */
static void fix_open(struct fix *f)
{
	static const size_t order[] = {3, 0, 4, 1, 2};
	struct kb_kernel_opts o = {.levels = 4, .symbols_in_vmcoreinfo = true};
	struct bw_mem_range range = {0, 0};
	uint64_t links[5];
	struct bw_error err;
	size_t i;

	memset(f, 0, sizeof(*f));
	assert_int_equal(kb_kernel_build(&f->kk, &o), 0);
	range.size = f->kk.mem.size;
	assert_int_equal(
		bw_mem_open_callback(&range, 1, kb_mem_read, &f->kk.mem, NULL, &f->mem, &err), 0);
	if (bw_kernel_open(f->mem, NULL, &f->k, &err))
		fail_msg("%s", err.msg);
	for (i = 0; i < 64; i++) {
		f->items[i] = item_va(63 - i);
		put_item(f, i, 100 + (int32_t)i);
	}
	for (i = 0; i < 5; i++)
		links[i] = f->items[order[i]] + offsetof(struct kb_item, link);
	kb_list_link(&f->kk.mem, f->kk.containers_addr + offsetof(struct kb_containers, list),
		     links, 5);
	kb_hlist_link(&f->kk.mem,
		      f->kk.containers_addr + offsetof(struct kb_containers, hlist_first), NULL, 0);
}

static void fix_close(struct fix *f)
{
	bw_kernel_close(f->k);
	bw_mem_close(f->mem);
	kb_kernel_free(&f->kk);
}

/* Values an evaluation gave: "label=text" each, errors as "label!message". */
struct got {
	const struct bw_kernel *k;
	size_t n;
	char line[64][400];
	uint64_t addr[64][2]; /* label addresses, two levels */
	size_t stop_after;
	uint64_t count; /* all calls, for the big ones */
};

static int got_write(void *ctx, const char *s, size_t len)
{
	char *line = ctx;
	size_t have = strlen(line);

	if (have + len < 400) {
		memcpy(line + have, s, len);
		line[have + len] = '\0';
	}
	return 0;
}

static int got_fn(void *ctx, const struct bw_value_label *label, const struct bw_value *v,
		  const struct bw_error *elem_err)
{
	struct got *g = ctx;
	struct bw_error err;
	char where[64];

	g->count++;
	if (g->n == 64)
		return 0;
	bw_kernel_label_format(label, where, sizeof(where));
	g->addr[g->n][0] = label->depth > 0 ? label->level[0].addr : 0;
	g->addr[g->n][1] = label->depth > 1 ? label->level[1].addr : 0;
	if (elem_err) {
		assert_null(v);
		snprintf(g->line[g->n], sizeof(g->line[0]), "%s!%s", where, elem_err->msg);
	} else {
		snprintf(g->line[g->n], sizeof(g->line[0]), "%s=", where);
		if (bw_kernel_value_print(g->k, v, got_write, g->line[g->n], &err))
			snprintf(g->line[g->n], sizeof(g->line[0]), "%s=<%s>", where, err.msg);
	}
	g->n++;
	return g->stop_after && g->n == g->stop_after;
}

/* The lines joined with " | ". */
static void expect_each(struct fix *f, const char *expr, const char *want)
{
	static struct got g;
	static char all[8192];
	struct bw_error err;
	size_t i;

	memset(&g, 0, sizeof(g));
	g.k = f->k;
	if (bw_kernel_eval_each(f->k, expr, got_fn, &g, &err))
		fail_msg("%s: %s", expr, err.msg);
	all[0] = '\0';
	for (i = 0; i < g.n; i++) {
		if (i)
			strcat(all, " | ");
		strcat(all, g.line[i]);
	}
	assert_string_equal(all, want);
}

static void expect_each_error(struct fix *f, const char *expr, int code, const char *msg,
			      size_t values)
{
	static struct got g;
	struct bw_error err;

	memset(&g, 0, sizeof(g));
	g.k = f->k;
	assert_int_equal(bw_kernel_eval_each(f->k, expr, got_fn, &g, &err), -code);
	assert_string_equal(err.msg, msg);
	assert_int_equal(g.n, values);
}

static void expect_number(struct fix *f, const char *expr, bool is_signed, uint64_t want)
{
	struct bw_error err;
	struct bw_value v;
	uint64_t x = 0;

	if (bw_kernel_eval(f->k, expr, &v, &err) || bw_kernel_value_u64(f->k, &v, &x, &err))
		fail_msg("%s: %s", expr, err.msg);
	assert_true(v.computed);
	assert_int_equal(v.computed_signed, is_signed);
	assert_int_equal(x, want);
}

/* The id of a struct in the kernel's BTF, for messages that name it. */
static uint32_t type_id(struct fix *f, const char *name)
{
	struct bw_error err;
	uint32_t id;

	if (bw_btf_find(bw_kernel_btf(f->k), name, BW_KIND_STRUCT, &id, &err))
		fail_msg("%s: %s", name, err.msg);
	return id;
}

static void expect_eval_error(struct fix *f, const char *expr, int code, const char *msg)
{
	struct bw_error err;
	struct bw_value v;

	assert_int_equal(bw_kernel_eval(f->k, expr, &v, &err), -code);
	assert_string_equal(err.msg, msg);
}

static void test_each_cpus(void **state)
{
	char want[512];
	struct fix f;
	char msg[256];

	(void)state;
	fix_open(&f);
	snprintf(want, sizeof(want), "cpu0=%u | cpu1=%u | cpu2=%u", f.kk.pcpu_nr_running[0],
		 f.kk.pcpu_nr_running[1], f.kk.pcpu_nr_running[2]);
	expect_each(&f, "bw_test_pcpu@cpu*.nr_running", want);
	expect_each(&f, "bw_test_pcpu@cpu*.zt",
		    "cpu0=2 (ZONE_NORMAL) | cpu1=2 (ZONE_NORMAL) | "
		    "cpu2=2 (ZONE_NORMAL)");
	/* A __percpu pointer fanned out: node 0, zone 1's per-CPU counters. */
	snprintf(want, sizeof(want), "cpu0=%llu | cpu1=%llu | cpu2=%llu",
		 (unsigned long long)f.kk.pcp_event[0][1][0][4],
		 (unsigned long long)f.kk.pcp_event[0][1][1][4],
		 (unsigned long long)f.kk.pcp_event[0][1][2][4]);
	expect_each(&f, "node_data[0]->node_zones[1].per_cpu_zonestats@cpu*.vm_numa_event[4]",
		    want);
	/* A single value through eval_each: one call, no label. */
	expect_each(&f, "bw_test_pcpu@cpu2.nr_running", "=42");

	expect_number(&f, "sum(bw_test_pcpu@cpu*.nr_running)", false, 40 + 41 + 42);
	expect_number(&f, "max(bw_test_pcpu@cpu*.nr_running)", false, 42);
	expect_number(&f, "min( bw_test_pcpu@cpu*.nr_running )", false, 40);
	expect_number(&f, "count(bw_test_pcpu@cpu*)", false, 3);
	expect_number(&f, "sum(bw_test_pcpu@cpu1.nr_running)", false, 41);
	expect_eval_error(&f, "bw_test_pcpu@cpu*.nr_running", BW_EINVAL,
			  "bw_test_pcpu@cpu*.nr_running: yields a value per CPU or element: use "
			  "bw_kernel_eval_each, or an aggregate (sum, max, min, count)");
	snprintf(msg, sizeof(msg),
		 "sum(bw_test_pcpu@cpu*): cpu0: type %u at 0xffff9a4b41000100 is a STRUCT, "
		 "not a scalar",
		 type_id(&f, "pcpu_thing"));
	expect_eval_error(&f, "sum(bw_test_pcpu@cpu*)", BW_EINVAL, msg);
	expect_eval_error(&f, "bw_test_pcpu@cpu*.nosuch", BW_EINVAL,
			  "bw_test_pcpu@cpu*.nosuch: yields a value per CPU or element: use "
			  "bw_kernel_eval_each, or an aggregate (sum, max, min, count)");
	expect_each_error(&f, "bw_test_pcpu@cpu*.nosuch", BW_ENOENT,
			  "bw_test_pcpu@cpu*.nosuch (at cpu0): struct pcpu_thing has no member "
			  "'nosuch'",
			  0);
	expect_each_error(&f, "node_data@cpu*", BW_EINVAL,
			  "node_data@cpu*: 'node_data' is not a per-CPU variable", 0);
	fix_close(&f);
}

static void test_each_list(void **state)
{
	struct fix f;
	uint64_t links[8];
	size_t i, j, n = 0;
	char want[2048] = "";

	(void)state;
	fix_open(&f);
	expect_each(&f, C_LIST ".id", "[0]=103 | [1]=100 | [2]=104 | [3]=101 | [4]=102");
	expect_number(&f, "count(" C_LIST ")", false, 5);
	expect_number(&f, "sum(" C_LIST ".id)", true, 510);

	/* Nested: item k (k = 0..4) has k children, items 10 + ... */
	for (i = 0; i < 5; i++) {
		for (j = 0; j < i; j++)
			links[j] = f.items[10 + n + j] + offsetof(struct kb_item, link);
		kb_list_link(&f.kk.mem, f.items[i] + offsetof(struct kb_item, children), links, i);
		n += i;
	}
	/* List order is 3, 0, 4, 1, 2: children of 3 are items 10+0+1+2 .. */
	{
		static const size_t order[] = {3, 0, 4, 1, 2};
		size_t first[5] = {0, 0, 1, 3, 6}; /* children of item k start at 10 + first[k] */

		for (i = 0; i < 5; i++)
			for (j = 0; j < order[i]; j++) {
				char one[64];

				snprintf(one, sizeof(one), "%s[%zu][%zu]=%zu", want[0] ? " | " : "",
					 i, j, 110 + first[order[i]] + j);
				strcat(want, one);
			}
	}
	expect_each(&f, C_LIST ".children[list: struct bw_item.link].id", want);
	expect_number(&f, "count(" C_LIST ".children[list: struct bw_item.link])", false, 10);

	/* Element errors: a NULL pointer in some elements, a broken list in one. */
	kb_put_u64(&f.kk.mem, kb_dm_pa(f.items[0]) + offsetof(struct kb_item, other), f.items[7]);
	kb_put_u64(&f.kk.mem, kb_dm_pa(f.items[1]) + offsetof(struct kb_item, other), f.items[8]);
	{
		char w[1024];

		snprintf(
			w, sizeof(w),
			"[0]!.other->id: NULL pointer (at 0x%llx) | [1]=107 | [2]!.other->id: NULL "
			"pointer (at 0x%llx) | [3]=108 | [4]!.other->id: NULL pointer (at 0x%llx)",
			(unsigned long long)(f.items[3] + offsetof(struct kb_item, other)),
			(unsigned long long)(f.items[4] + offsetof(struct kb_item, other)),
			(unsigned long long)(f.items[2] + offsetof(struct kb_item, other)));
		expect_each(&f, C_LIST ".other->id", w);
	}
	/* Sums fail on any element error. */
	{
		char w[512];

		snprintf(w, sizeof(w),
			 "sum(" C_LIST ".other->id (at [0]): NULL pointer (at 0x%llx)",
			 (unsigned long long)(f.items[3] + offsetof(struct kb_item, other)));
		expect_eval_error(&f, "sum(" C_LIST ".other->id)", BW_EFAULT, w);
	}
	/* Item 4's children: its second child's prev is wrong. */
	kb_put_u64(&f.kk.mem, kb_dm_pa(f.items[10 + 6 + 1]) + offsetof(struct kb_item, link) + 8,
		   0x1234);
	{
		char w[2048];
		uint64_t head = f.items[4] + offsetof(struct kb_item, children);

		snprintf(w, sizeof(w),
			 "[0][0]=113 | [0][1]=114 | [0][2]=115 | [2][0]=116 | [2]!.children[list: "
			 "struct bw_item.link]: list at 0x%llx: element 1: broken link: "
			 "0x%llx->next "
			 "is 0x%llx but its prev is 0x1234 | [3][0]=110 | [4][0]=111 | [4][1]=112",
			 (unsigned long long)head,
			 (unsigned long long)(f.items[16] + offsetof(struct kb_item, link)),
			 (unsigned long long)(f.items[17] + offsetof(struct kb_item, link)));
		expect_each(&f, C_LIST ".children[list: struct bw_item.link].id", w);
	}
	/* The same break in the outer list stops the evaluation, after the values before it. */
	for (i = 0; i < 5; i++)
		links[i] = f.items[(size_t[]){3, 0, 4, 1, 2}[i]] + offsetof(struct kb_item, link);
	kb_put_u64(&f.kk.mem, kb_dm_pa(links[3]) + 8, 0x1234);
	{
		char w[512];

		snprintf(w, sizeof(w),
			 C_LIST ": list at 0x%llx: element 3: broken link: 0x%llx->next is 0x%llx "
				"but its prev is 0x1234",
			 (unsigned long long)(f.kk.containers_addr +
					      offsetof(struct kb_containers, list)),
			 (unsigned long long)links[2], (unsigned long long)links[3]);
		expect_each_error(&f, C_LIST ".id", BW_EFORMAT, w, 3);
	}
	kb_list_link(&f.kk.mem, f.kk.containers_addr + offsetof(struct kb_containers, list), links,
		     5);
	/* The label carries each element's address. */
	{
		static struct got g;
		struct bw_error err;

		memset(&g, 0, sizeof(g));
		g.k = f.k;
		assert_int_equal(bw_kernel_eval_each(f.k, C_LIST, got_fn, &g, &err), 0);
		assert_int_equal(g.n, 5);
		assert_int_equal(g.addr[0][0], f.items[3]);
		assert_int_equal(g.addr[4][0], f.items[2]);
		memset(&g, 0, sizeof(g));
		g.k = f.k;
		g.stop_after = 2;
		assert_int_equal(bw_kernel_eval_each(f.k, C_LIST ".id", got_fn, &g, &err), 0);
		assert_int_equal(g.n, 2);
	}
	fix_close(&f);
}

static void test_each_types(void **state)
{
	struct fix f;
	char msg[256];

	(void)state;
	fix_open(&f);
	expect_each_error(
		&f, C_LIST "x", BW_EINVAL,
		"bw_test_containers.list[list: struct bw_item.link]x: column 51: expected "
		"'.', '->', '[' or '@cpu', found 'x'",
		0);
	snprintf(msg, sizeof(msg),
		 "bw_test_containers.list[list: struct bw_item.nosuch]: BTF: [%u] 'bw_item' "
		 "has no member 'nosuch'",
		 type_id(&f, "bw_item"));
	expect_each_error(&f, "bw_test_containers.list[list: struct bw_item.nosuch]", BW_ENOENT,
			  msg, 0);
	expect_each_error(&f, "bw_test_containers.list[list: struct bw_item.id]", BW_EINVAL,
			  "bw_test_containers.list[list: struct bw_item.id]: bw_item.id is not a "
			  "struct list_head",
			  0);
	expect_each_error(&f, "bw_test_containers.list[list: struct nosuch.link]", BW_ENOENT,
			  "bw_test_containers.list[list: struct nosuch.link]: no type 'struct "
			  "nosuch' in the BTF",
			  0);
	expect_each_error(&f, "bw_test_containers.rb[list: struct bw_item.link]", BW_EINVAL,
			  "bw_test_containers.rb[list: struct bw_item.link]: is a struct rb_root, "
			  "not a struct list_head",
			  0);
	expect_each_error(&f, "bw_test_containers.list[rbtree: struct bw_item.rb]", BW_EINVAL,
			  "bw_test_containers.list[rbtree: struct bw_item.rb]: is a struct "
			  "list_head, not a struct rb_root or struct rb_root_cached",
			  0);
	expect_each_error(&f, "node_data[list: struct bw_item.link]", BW_EINVAL,
			  "node_data[list: struct bw_item.link]: is an array or a bitfield, not a "
			  "struct list_head",
			  0);
	fix_close(&f);
}

static size_t mid_pivot(size_t lo, size_t hi)
{
	return lo + (hi - lo) / 2;
}

static void test_each_trees_and_xarrays(void **state)
{
	uint64_t links[10], idr, xa;
	struct kb_xa x;
	char w[1024];
	struct fix f;
	size_t i;

	(void)state;
	fix_open(&f);
	/* Items 20..29 in a cached rbtree, in order; items 30..33 on the hlist. */
	for (i = 0; i < 10; i++)
		links[i] = f.items[20 + i] + offsetof(struct kb_item, rb);
	kb_rb_build(&f.kk.mem, f.kk.containers_addr + offsetof(struct kb_containers, rbc_root),
		    links, 10, mid_pivot);
	kb_put_va_u64(&f.kk.mem,
		      f.kk.containers_addr + offsetof(struct kb_containers, rbc_leftmost),
		      links[0]);
	expect_each(&f, "bw_test_containers.rbc[rbtree: struct bw_item.rb].id",
		    "[0]=120 | [1]=121 | [2]=122 | [3]=123 | [4]=124 | [5]=125 | [6]=126 | "
		    "[7]=127 | [8]=128 | [9]=129");
	expect_number(&f, "max(bw_test_containers.rbc[rbtree: struct bw_item.rb].id)", true, 129);
	expect_eval_error(&f, "max(bw_test_containers.hlist[hlist: struct bw_item.hnode].id)",
			  BW_ENOENT,
			  "max(bw_test_containers.hlist[hlist: struct bw_item.hnode].id): max of "
			  "no values");
	expect_number(&f, "count(bw_test_containers.hlist[hlist: struct bw_item.hnode])", false, 0);
	for (i = 0; i < 4; i++)
		links[i] = f.items[30 + i] + offsetof(struct kb_item, hnode);
	kb_hlist_link(&f.kk.mem, f.kk.containers_addr + offsetof(struct kb_containers, hlist_first),
		      links, 4);
	kb_put_u32(&f.kk.mem, kb_dm_pa(f.items[31]), (uint32_t)-7);
	expect_each(&f, "bw_test_containers.hlist[hlist: struct bw_item.hnode].id",
		    "[0]=130 | [1]=-7 | [2]=132 | [3]=133");
	expect_number(&f, "min(bw_test_containers.hlist[hlist: struct bw_item.hnode].id)", true,
		      (uint64_t)-7);
	expect_number(&f, "sum(bw_test_containers.hlist[hlist: struct bw_item.hnode].id)", true,
		      130 - 7 + 132 + 133);
	/* Pointers are unsigned: two kernel addresses overflow 64 bits. */
	kb_put_u64(&f.kk.mem, kb_dm_pa(f.items[30]) + offsetof(struct kb_item, other), f.items[1]);
	kb_put_u64(&f.kk.mem, kb_dm_pa(f.items[32]) + offsetof(struct kb_item, other), f.items[2]);
	expect_eval_error(
		&f, "sum(bw_test_containers.hlist[hlist: struct bw_item.hnode].other)", BW_ELIMIT,
		"sum(bw_test_containers.hlist[hlist: struct bw_item.hnode].other): the sum "
		"overflows 64 bits");

	/* An IDR (base 1) of items 40..42 and a value entry; an xarray of the items' ids. */
	idr = f.kk.containers_addr + offsetof(struct kb_containers, idr);
	kb_xa_init(&x, &f.kk.mem, idr, 6, KB_SCRATCH_PA + 0x100000, KB_SCRATCH_PA + 0x400000);
	kb_put_u32(&f.kk.mem, kb_dm_pa(idr + offsetof(struct kb_idr, base)), 1);
	kb_xa_store(&x, 0, f.items[40]);
	kb_xa_store(&x, 99, f.items[41]);
	kb_xa_store(&x, 100, (5 << 1) | 1);
	kb_xa_store(&x, 5000, f.items[42]);
	expect_each(&f, "bw_test_containers.idr[idr: struct bw_item].id",
		    "[1]=140 | [100]=141 | [101]!entry 101 is the value entry 0xb, not a pointer | "
		    "[5001]=142");
	/* Entries that point at a member: container_of by the member path. */
	xa = f.kk.containers_addr + offsetof(struct kb_containers, xa);
	kb_xa_init(&x, &f.kk.mem, xa, 6, KB_SCRATCH_PA + 0x400000, KB_SCRATCH_PA + 0x800000);
	kb_xa_store(&x, 7, f.items[43] + offsetof(struct kb_item, rb));
	kb_xa_store(&x, 1ull << 40, f.items[44] + offsetof(struct kb_item, rb));
	expect_each(&f, "bw_test_containers.xa[xarray: struct bw_item.rb].id",
		    "[7]=143 | [1099511627776]=144");
	snprintf(w, sizeof(w), "=%d", 143 + 144);
	expect_each(&f, "sum(bw_test_containers.xa[xarray: struct bw_item.rb].id)", w);
	fix_close(&f);
}

static void test_each_strings(void **state)
{
	static const char label[] = "a\"b\\c\nd\te\rf\001g\377";
	static char big[BW_KERNEL_PRINT_MAX_STRING + 10];
	struct fix f;

	(void)state;
	fix_open(&f);
	kb_put(&f.kk.mem, KB_SCRATCH_PA + 0x10000, label, sizeof(label));
	kb_put_u64(&f.kk.mem, kb_dm_pa(f.items[3]) + offsetof(struct kb_item, label),
		   kb_dm(KB_SCRATCH_PA + 0x10000));
	/* A string running to the end of the cap, one crossing a page into an unmapped one. */
	memset(big, 'x', sizeof(big));
	kb_put(&f.kk.mem, KB_SCRATCH_PA + 0x20000, big, sizeof(big));
	kb_put_u64(&f.kk.mem, kb_dm_pa(f.items[0]) + offsetof(struct kb_item, label),
		   kb_dm(KB_SCRATCH_PA + 0x20000));
	kb_put_u64(&f.kk.mem, kb_dm_pa(f.items[4]) + offsetof(struct kb_item, label),
		   0xffff888fff000ff0ull);
	kb_put(&f.kk.mem, kb_dm_pa(f.items[1]) + offsetof(struct kb_item, name), "ab\177", 4);
	{
		static struct got g;
		struct bw_error err;

		memset(&g, 0, sizeof(g));
		g.k = f.k;
		assert_int_equal(bw_kernel_eval_each(f.k, C_LIST ".label", got_fn, &g, &err), 0);
		assert_int_equal(g.n, 5);
		assert_string_equal(g.line[0], "[0]=\"a\\\"b\\\\c\\nd\\te\\rf\\001g\\377\"");
		assert_memory_equal(g.line[1], "[1]=\"xxxxxxxx", 13);
		assert_string_equal(g.line[3], "[3]=NULL");
		assert_memory_equal(
			g.line[2], "[2]=0xffff888fff000ff0 <unreadable: reading 0xffff888fff000ff0",
			strlen("[2]=0xffff888fff000ff0 <unreadable: reading "
			       "0xffff888fff000ff0"));
	}
	expect_each(&f, C_LIST ".name",
		    "[0]=\"\" | [1]=\"\" | [2]=\"\" | [3]=\"ab\\177\" | [4]=\"\"");
	fix_close(&f);
}

/* The over-all element budget: five elements each walking a list of 2^20 - 1 nodes. */
static void test_each_budget(void **state)
{
	const uint64_t n = BW_KERNEL_MAX_ITER - 1;
	uint64_t *nodes = malloc(n * sizeof(*nodes)), i;
	static struct got g;
	struct bw_error err;
	char want[256];
	struct fix f;

	(void)state;
	assert_non_null(nodes);
	fix_open(&f);
	for (i = 0; i < n; i++)
		nodes[i] = kb_dm(KB_SCRATCH_PA + 0x800000 + i * 16);
	kb_list_link(&f.kk.mem, f.items[50] + offsetof(struct kb_item, children), nodes, n);
	for (i = 0; i < 3; i++)
		kb_put_u64(&f.kk.mem, kb_dm_pa(f.items[i]) + offsetof(struct kb_item, other),
			   f.items[50]);
	kb_put_u64(&f.kk.mem, kb_dm_pa(f.items[3]) + offsetof(struct kb_item, other), f.items[51]);
	kb_put_u64(&f.kk.mem, kb_dm_pa(f.items[4]) + offsetof(struct kb_item, other), f.items[51]);
	/* 3 * n + 5 elements: within the budget. */
	expect_number(&f, "count(" C_LIST ".other->children[list: struct bw_item.link])", false,
		      3 * n);
	kb_put_u64(&f.kk.mem, kb_dm_pa(f.items[3]) + offsetof(struct kb_item, other), f.items[50]);
	kb_put_u64(&f.kk.mem, kb_dm_pa(f.items[4]) + offsetof(struct kb_item, other), f.items[50]);
	memset(&g, 0, sizeof(g));
	g.k = f.k;
	assert_int_equal(bw_kernel_eval_each(f.k,
					     C_LIST ".other->children[list: struct bw_item.link]",
					     got_fn, &g, &err),
			 -BW_ELIMIT);
	snprintf(want, sizeof(want),
		 C_LIST ".other->children[list: struct bw_item.link]: more than %u elements in all",
		 BW_KERNEL_MAX_ELEMENTS);
	assert_string_equal(err.msg, want);
	/* Every element counts, the outer ones too: 4 outer + 4 * n = the budget, so the fifth
	 * outer element is one too many. */
	assert_int_equal(4 + 4 * n, BW_KERNEL_MAX_ELEMENTS);
	assert_int_equal(g.count, 4 * n);
	free(nodes);
	fix_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_cpus),    cmocka_unit_test(test_each_list),
		cmocka_unit_test(test_each_types),   cmocka_unit_test(test_each_trees_and_xarrays),
		cmocka_unit_test(test_each_strings), cmocka_unit_test(test_each_budget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
