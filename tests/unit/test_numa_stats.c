/* SPDX-License-Identifier: MIT */
/*
 * Per-node NUMA counters on a synthetic kernel: two online nodes (0 and 2), three CPUs of which
 * CPU 1 is offline, populated and unpopulated zones. The expected sums are computed from the
 * values the builder wrote: every zone's counters plus online CPUs' deltas of populated zones.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "btfwalk.h"
#include "kimage_builder.h"

struct numa_fixture {
	struct kb_kernel kk;
	struct bw_mem *mem;
	struct bw_kernel *k;
};

static void numa_open(struct numa_fixture *f, const struct kb_kernel_opts *o)
{
	struct bw_mem_range range = {0, 0};
	struct bw_error err = {0};

	assert_int_equal(kb_kernel_build(&f->kk, o), 0);
	range.size = f->kk.mem.size;
	assert_int_equal(
		bw_mem_open_callback(&range, 1, kb_mem_read, &f->kk.mem, NULL, &f->mem, &err), 0);
	if (bw_kernel_open(f->mem, NULL, &f->k, &err))
		fail_msg("open: %s", err.msg);
}

static void numa_close(struct numa_fixture *f)
{
	bw_kernel_close(f->k);
	bw_mem_close(f->mem);
	kb_kernel_free(&f->kk);
}

static void check_numa(int levels)
{
	static const char *const enum_names[] = {"NUMA_HIT",	 "NUMA_MISS",
						 "NUMA_FOREIGN", "NUMA_INTERLEAVE_HIT",
						 "NUMA_LOCAL",	 "NUMA_OTHER"};
	static const char *const sysfs_names[] = {"numa_hit",	    "numa_miss",  "numa_foreign",
						  "interleave_hit", "local_node", "other_node"};
	struct kb_kernel_opts o = {.levels = levels, .symbols_in_vmcoreinfo = true};
	struct bw_numa_stats *st;
	struct bw_error err = {0};
	struct numa_fixture f;
	uint32_t n, i;

	numa_open(&f, &o);
	if (bw_kernel_numa_stats(f.k, &st, &err))
		fail_msg("numa: %s", err.msg);
	assert_int_equal(st->nr_items, KB_NR_ITEMS);
	for (i = 0; i < KB_NR_ITEMS; i++) {
		assert_string_equal(st->enum_name[i], enum_names[i]);
		assert_string_equal(st->sysfs_name[i], sysfs_names[i]);
	}
	assert_int_equal(st->nr_nodes, 2);
	assert_int_equal(st->nodes[0].node, 0);
	assert_int_equal(st->nodes[1].node, 2);
	for (n = 0; n < 2; n++)
		for (i = 0; i < KB_NR_ITEMS; i++)
			assert_int_equal(st->nodes[n].value[i],
					 kb_kernel_expected(&f.kk, st->nodes[n].node, i));
	/* One value spelled out: node 2 numa_hit = zones 3000007+3010007+3020007+3030007 plus
	 * CPUs 0 and 2 of zones 0 and 1: 3001+3021+3101+3121. */
	assert_int_equal(st->nodes[1].value[0], 12060028ull + 12244ull);
	bw_kernel_numa_stats_free(f.k, st);
	numa_close(&f);
}

static void test_numa_4level(void **state)
{
	(void)state;
	check_numa(4);
}

static void test_numa_5level(void **state)
{
	(void)state;
	check_numa(5);
}

static void test_numa_no_events(void **state)
{
	struct kb_kernel_opts o = {
		.levels = 4, .symbols_in_vmcoreinfo = true, .no_numa_events = true};
	struct bw_numa_stats *st = NULL;
	struct bw_error err = {0};
	struct numa_fixture f;

	(void)state;
	numa_open(&f, &o);
	assert_int_equal(bw_kernel_numa_stats(f.k, &st, &err), -BW_ENOTSUP);
	assert_null(st);
	assert_string_equal(err.msg, "no NUMA event counters in this kernel: no "
				     "zone.vm_numa_event in the BTF (CONFIG_NUMA off or a kernel "
				     "before 5.14?)");
	numa_close(&f);
}

static void test_numa_unreadable_node(void **state)
{
	struct kb_kernel_opts o = {.levels = 4, .symbols_in_vmcoreinfo = true};
	struct bw_numa_stats *st = NULL;
	struct bw_error err = {0};
	struct numa_fixture f;
	const char *want = "node_data[2]->node_zones[1].vm_numa_event: reading ";

	(void)state;
	numa_open(&f, &o);
	/* Node 2's zone 1 counters fall in a hole of the dump. */
	f.kk.mem.hole_start = 0xa00000 + 64 + 128 + 32;
	f.kk.mem.hole_size = 8;
	assert_int_equal(bw_kernel_numa_stats(f.k, &st, &err), -BW_EFAULT);
	assert_null(st);
	assert_memory_equal(err.msg, want, strlen(want));
	numa_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numa_4level),
		cmocka_unit_test(test_numa_5level),
		cmocka_unit_test(test_numa_no_events),
		cmocka_unit_test(test_numa_unreadable_node),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
