/* SPDX-License-Identifier: MIT */
/*
 * The kernel view on a synthetic kernel (tests/unit/kimage_builder.c): layout discovery, symbols,
 * typed reads through path expressions and value printing. Every expected value is one the
 * builder wrote into the image.
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
#include "kimage_builder.h"

struct fixture {
	struct kb_kernel kk;
	struct bw_mem *mem;
	struct bw_kernel *k;
	char map_path[64];
};

static int open_kernel(struct fixture *f, const struct kb_kernel_opts *o, bool use_map,
		       struct bw_kernel_opts *kopts, struct bw_error *err)
{
	struct bw_mem_range range = {0, 0};
	struct bw_kernel_opts local = {0};
	struct bw_error e;
	FILE *fp;
	int fd;

	memset(f, 0, sizeof(*f));
	assert_int_equal(kb_kernel_build(&f->kk, o), 0);
	range.size = f->kk.mem.size;
	assert_int_equal(
		bw_mem_open_callback(&range, 1, kb_mem_read, &f->kk.mem, NULL, &f->mem, &e), 0);
	if (!kopts)
		kopts = &local;
	if (use_map) {
		strcpy(f->map_path, "/tmp/btfwalk-test-map-XXXXXX");
		fd = mkstemp(f->map_path);
		assert_true(fd >= 0);
		fp = fdopen(fd, "w");
		assert_non_null(fp);
		fputs(f->kk.system_map, fp);
		fclose(fp);
		kopts->symbols_path = f->map_path;
	}
	return bw_kernel_open(f->mem, kopts, &f->k, err);
}

static void close_kernel(struct fixture *f)
{
	bw_kernel_close(f->k);
	bw_mem_close(f->mem);
	kb_kernel_free(&f->kk);
	if (f->map_path[0])
		unlink(f->map_path);
}

static uint64_t eval_u64(struct fixture *f, const char *expr)
{
	struct bw_error err = {0};
	struct bw_value v;
	uint64_t x = 0;

	if (bw_kernel_eval(f->k, expr, &v, &err) || bw_kernel_value_u64(f->k, &v, &x, &err))
		fail_msg("%s: %s", expr, err.msg);
	return x;
}

static void expect_eval_error(struct fixture *f, const char *expr, int code, const char *msg)
{
	struct bw_error err = {0};
	struct bw_value v;

	assert_int_equal(bw_kernel_eval(f->k, expr, &v, &err), -code);
	assert_string_equal(err.msg, msg);
}

struct text {
	char buf[4096];
	size_t len;
};

static int text_write(void *ctx, const char *s, size_t len)
{
	struct text *t = ctx;

	assert_true(t->len + len < sizeof(t->buf));
	memcpy(t->buf + t->len, s, len);
	t->len += len;
	t->buf[t->len] = '\0';
	return 0;
}

static void expect_print(struct fixture *f, const char *expr, const char *want)
{
	struct bw_error err = {0};
	struct text t = {.len = 0};
	struct bw_value v;

	if (bw_kernel_eval(f->k, expr, &v, &err) ||
	    bw_kernel_value_print(f->k, &v, text_write, &t, &err))
		fail_msg("%s: %s", expr, err.msg);
	assert_string_equal(t.buf, want);
}

static void check_layout(int levels)
{
	struct kb_kernel_opts o = {.levels = levels};
	struct bw_error err = {0};
	struct bw_kernel_info info;
	struct fixture f;
	uint64_t addr;

	if (open_kernel(&f, &o, true, NULL, &err))
		fail_msg("open: %s", err.msg);
	bw_kernel_get_info(f.k, &info);
	assert_string_equal(info.release, KB_RELEASE);
	assert_string_equal(info.build_id, "0123456789abcdef");
	assert_int_equal(info.kaslr_offset, KB_KASLR);
	assert_int_equal(info.phys_base, KB_PHYS_BASE);
	assert_int_equal(info.page_offset_base, KB_PAGE_OFFSET);
	assert_int_equal(info.paging_levels, levels);
	assert_int_equal(info.pgtable_root, f.kk.mem.root);
	assert_int_equal(info.nr_cpus, KB_NR_CPUS);
	assert_int_equal(info.nr_online_cpus, 2);
	assert_string_equal(info.btf_source, "dump");
	assert_string_equal(info.symbols_source, "file");
	/* The builder put a decoy at 0x80000 and the real text at 0x100000. */
	assert_string_equal(info.vmcoreinfo_source, "memory");
	assert_int_equal(info.vmcoreinfo_paddr, 0x100000);

	/* System.map addresses are link-time: KASLR is added, not to per-CPU offsets. */
	assert_int_equal(bw_kernel_symbol(f.k, "node_states", &addr, &err), 0);
	assert_int_equal(addr, KB_IMAGE_VADDR + 0x3400);
	assert_int_equal(bw_kernel_symbol(f.k, "bw_test_pcpu", &addr, &err), 0);
	assert_int_equal(addr, f.kk.pcpu_var_off);
	assert_int_equal(bw_kernel_symbol(f.k, "no_such_symbol", &addr, &err), -BW_ENOENT);
	assert_string_equal(err.msg, "symbol 'no_such_symbol' not found in VMCOREINFO or the "
				     "symbols file");

	/* The direct map, the image and page-table-only addresses all translate. */
	assert_int_equal(bw_kernel_vtop(f.k, f.kk.pgdat_addr[2], &addr, &err), 0);
	assert_int_equal(addr, 0xa00000);
	assert_int_equal(bw_kernel_vtop(f.k, f.kk.per_cpu_offset[2] + 0x1234, &addr, &err), 0);
	assert_int_equal(addr, 0x1201234);
	assert_int_equal(bw_kernel_percpu_offset(f.k, 1, &addr, &err), 0);
	assert_int_equal(addr, f.kk.per_cpu_offset[1]);
	close_kernel(&f);
}

static void test_kernel_layout_4level(void **state)
{
	(void)state;
	check_layout(4);
}

static void test_kernel_layout_5level(void **state)
{
	(void)state;
	check_layout(5);
}

static void test_kernel_eval_values(void **state)
{
	struct kb_kernel_opts o = {.levels = 4};
	struct bw_error err = {0};
	struct fixture f;
	char want[256];

	(void)state;
	if (open_kernel(&f, &o, true, NULL, &err))
		fail_msg("open: %s", err.msg);
	assert_int_equal(eval_u64(&f, "node_data[2]->node_zones[1].vm_numa_event[3].counter"),
			 f.kk.zone_event[2][1][3]);
	assert_int_equal(eval_u64(&f, "(node_data[0]->node_zones[1].per_cpu_zonestats)@cpu2"
				      ".vm_numa_event[4]"),
			 f.kk.pcp_event[0][1][2][4]);
	assert_int_equal(eval_u64(&f, "node_data[0]->node_zones[0].per_cpu_zonestats @cpu 0"
				      ".vm_numa_event[5]"),
			 f.kk.pcp_event[0][0][0][5]);
	assert_int_equal(eval_u64(&f, "bw_test_pcpu@cpu1.nr_running"), f.kk.pcpu_nr_running[1]);
	assert_int_equal(eval_u64(&f, "bw_test_pcpu@cpu2.zone->present_pages"), 4096);
	assert_int_equal(eval_u64(&f, "(bw_test_pcpu@cpu0.zone)->order"), 5);
	assert_int_equal((int64_t)eval_u64(&f, "bw_test_pcpu@cpu0.zone->adj"), -3);
	assert_int_equal(eval_u64(&f, "__per_cpu_offset[2]"), f.kk.per_cpu_offset[2]);
	assert_int_equal(eval_u64(&f, "nr_cpu_ids"), KB_NR_CPUS);
	assert_int_equal(eval_u64(&f, "node_data[0]"), f.kk.pgdat_addr[0]);
	assert_int_equal(eval_u64(&f, "node_data[2]->node_id"), 2);
	/* "[N]" through a pointer: zones follow each other in pglist_data. */
	assert_int_equal(eval_u64(&f, "bw_test_pcpu@cpu0.zone[1].vm_numa_event[0].counter"),
			 f.kk.zone_event[0][2][0]);

	/* An object at an address, as from a log line. */
	snprintf(want, sizeof(want), "*(struct pglist_data *)0x%llx.node_id",
		 (unsigned long long)f.kk.pgdat_addr[2]);
	assert_int_equal(eval_u64(&f, want), 2);
	{
		char expr[80];

		snprintf(expr, sizeof(expr), "*(atomic_long_t *)0x%llx",
			 (unsigned long long)(f.kk.pgdat_addr[0] + 64 + 32 + 8));
		snprintf(want, sizeof(want), "{\n\t.counter = %llu,\n}",
			 (unsigned long long)f.kk.zone_event[0][0][1]);
		expect_print(&f, expr, want);
	}
	expect_print(&f, "init_uts_ns.name.release", "\"" KB_RELEASE "\"");
	expect_print(&f, "bw_test_pcpu@cpu0.zt", "2 (ZONE_NORMAL)");
	snprintf(want, sizeof(want),
		 "{\n\t.nr_running = 41,\n\t.zt = 2 (ZONE_NORMAL),\n"
		 "\t.zone = 0x%llx,\n}",
		 (unsigned long long)(f.kk.pgdat_addr[0] + 64 + 128));
	expect_print(&f, "bw_test_pcpu@cpu1", want);
	snprintf(want, sizeof(want), "[%llu, %llu, %llu, %llu, %llu, %llu]",
		 (unsigned long long)f.kk.pcp_event[2][0][0][0],
		 (unsigned long long)f.kk.pcp_event[2][0][0][1],
		 (unsigned long long)f.kk.pcp_event[2][0][0][2],
		 (unsigned long long)f.kk.pcp_event[2][0][0][3],
		 (unsigned long long)f.kk.pcp_event[2][0][0][4],
		 (unsigned long long)f.kk.pcp_event[2][0][0][5]);
	expect_print(&f, "node_data[2]->node_zones[0].per_cpu_zonestats@cpu0.vm_numa_event", want);
	/* node_data's length is VMCOREINFO's LENGTH(node_data). */
	{
		struct bw_value v;

		assert_int_equal(bw_kernel_eval(f.k, "node_data", &v, &err), 0);
		assert_int_equal(v.array_len, 64);
	}
	close_kernel(&f);
}

static void test_kernel_eval_errors(void **state)
{
	struct kb_kernel_opts o = {.levels = 5};
	struct bw_error err = {0};
	struct fixture f;
	char want[256];

	(void)state;
	if (open_kernel(&f, &o, true, NULL, &err))
		fail_msg("open: %s", err.msg);
	snprintf(want, sizeof(want), "node_data[1]->node_zones: NULL pointer (at 0x%llx)",
		 (unsigned long long)(f.kk.node_data_addr + 8));
	expect_eval_error(&f, "node_data[1]->node_zones", BW_EFAULT, want);
	expect_eval_error(&f, "node_data[64]", BW_EINVAL,
			  "node_data[64]: index 64 out of bounds (64 elements)");
	expect_eval_error(&f, "node_data[0].node_zones", BW_EINVAL,
			  "node_data[0].node_zones: is a pointer: use '->node_zones'");
	expect_eval_error(&f, "node_data[0]->node_zones[4]", BW_EINVAL,
			  "node_data[0]->node_zones[4]: index 4 out of bounds (4 elements)");
	expect_eval_error(&f, "node_data[0]->nope", BW_ENOENT,
			  "node_data[0]->nope: struct pglist_data has no member 'nope'");
	expect_eval_error(&f, "node_data->node_id", BW_EINVAL,
			  "node_data->node_id: is an array: index it before '->node_id'");
	expect_eval_error(&f, "bw_test_pcpu.nr_running", BW_EINVAL,
			  "bw_test_pcpu: 'bw_test_pcpu' is a per-CPU variable: use "
			  "bw_test_pcpu@cpuN or bw_test_pcpu@cpu*");
	expect_eval_error(&f, "bw_test_pcpu@cpu3", BW_EINVAL,
			  "bw_test_pcpu@cpu3: CPU 3 out of range: nr_cpu_ids is 3");
	expect_eval_error(&f, "nr_cpu_ids@cpu0", BW_EINVAL,
			  "nr_cpu_ids@cpu0: 'nr_cpu_ids' is not a per-CPU variable");
	expect_eval_error(&f, "no_such_var", BW_ENOENT,
			  "no_such_var: no type for 'no_such_var': the BTF has no variable of "
			  "that name");
	expect_eval_error(&f, "nr_cpu_ids[0]", BW_EINVAL,
			  "nr_cpu_ids[0]: is a INT: cannot index it");
	expect_eval_error(&f, "node_data[0]->node_id@cpu0", BW_EINVAL,
			  "node_data[0]->node_id@cpu0: is a INT, not a per-CPU pointer");
	expect_eval_error(&f, "*(struct nope *)0x10.x", BW_ENOENT,
			  "*(struct nope *)0x10: no type 'struct nope' in the BTF");
	expect_eval_error(&f, "node_data[", BW_EINVAL,
			  "node_data[: column 11: expected an index after '[', found end of "
			  "expression");

	/* A hole in the dump where node 2's pglist_data is. */
	f.kk.mem.hole_start = 0xa00000;
	f.kk.mem.hole_size = 0x1000;
	{
		struct bw_value v;
		char prefix[160];
		int n;

		assert_int_equal(bw_kernel_eval(f.k,
						"node_data[2]->node_zones[0].per_cpu_zonestats"
						"@cpu0",
						&v, &err),
				 -BW_EFAULT);
		n = snprintf(
			prefix, sizeof(prefix),
			"node_data[2]->node_zones[0].per_cpu_zonestats@cpu0: reading pointer at "
			"0x%llx: ",
			(unsigned long long)(f.kk.pgdat_addr[2] + 64 + 16));
		assert_memory_equal(err.msg, prefix, (size_t)n);
	}
	close_kernel(&f);
}

static void test_kernel_crosscheck(void **state)
{
	struct kb_kernel_opts o = {.levels = 4, .bad_size_zone = true};
	struct bw_kernel_opts kopts = {.no_crosscheck = false};
	struct bw_error err = {0};
	struct fixture f;

	(void)state;
	assert_int_equal(open_kernel(&f, &o, true, &kopts, &err), -BW_EMISMATCH);
	assert_string_equal(err.msg, "BTF does not match the dumped kernel: VMCOREINFO "
				     "SIZE(zone)=136 but the BTF gives 128");
	close_kernel(&f);

	kopts.no_crosscheck = true;
	assert_int_equal(open_kernel(&f, &o, true, &kopts, &err), 0);
	close_kernel(&f);

	o.bad_size_zone = false;
	o.bad_release = true;
	memset(&kopts, 0, sizeof(kopts));
	assert_int_equal(open_kernel(&f, &o, true, &kopts, &err), -BW_EMISMATCH);
	assert_string_equal(err.msg,
			    "BTF does not match the dumped kernel: "
			    "init_uts_ns.name.release read through it is \"6.99.0-other\", "
			    "VMCOREINFO OSRELEASE is \"" KB_RELEASE "\"");
	close_kernel(&f);
}

static void test_kernel_symbol_sources(void **state)
{
	struct kb_kernel_opts o = {.levels = 4, .symbols_in_vmcoreinfo = true};
	struct bw_error err = {0};
	struct bw_kernel_info info;
	struct fixture f;

	(void)state;
	/* Every symbol in VMCOREINFO: no file needed. */
	if (open_kernel(&f, &o, false, NULL, &err))
		fail_msg("open: %s", err.msg);
	bw_kernel_get_info(f.k, &info);
	assert_string_equal(info.symbols_source, "vmcoreinfo");
	assert_string_equal(info.btf_source, "dump");
	assert_int_equal(eval_u64(&f, "bw_test_pcpu@cpu2.nr_running"), f.kk.pcpu_nr_running[2]);
	close_kernel(&f);

	/* Only the usual VMCOREINFO symbols: BTF is found by scanning the image from _stext,
	 * and per-CPU reads say what is missing. */
	o.symbols_in_vmcoreinfo = false;
	if (open_kernel(&f, &o, false, NULL, &err))
		fail_msg("open: %s", err.msg);
	bw_kernel_get_info(f.k, &info);
	assert_string_equal(info.btf_source, "dump");
	assert_int_equal(info.nr_cpus, 0);
	assert_int_equal(info.page_offset_base, 0);
	assert_int_equal(eval_u64(&f, "node_data[2]->node_zones[3].vm_numa_event[1].counter"),
			 f.kk.zone_event[2][3][1]);
	expect_eval_error(&f, "bw_test_pcpu@cpu0", BW_ENOENT,
			  "bw_test_pcpu@cpu0: symbol 'bw_test_pcpu' not found: VMCOREINFO has no "
			  "SYMBOL(bw_test_pcpu) and no kallsyms tables; give a System.map or "
			  "/proc/kallsyms file (--symbols)");
	close_kernel(&f);
}

/*
 * The image scan for BTF reads 1 MiB at a time: a blob in the last, partial chunk before the
 * end of memory or a hole must still be found (here memory stops 4 KiB after the blob, and
 * resumes at the page tables).
 */
static void test_kernel_btf_scan_partial_chunk(void **state)
{
	struct kb_kernel_opts o = {.levels = 4};
	struct bw_kernel_info info;
	struct bw_error err = {0};
	struct fixture f;
	struct bw_mem_range ranges[2];
	uint64_t btf_end;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(kb_kernel_build(&f.kk, &o), 0);
	btf_end = (f.kk.btf_pa + f.kk.btf_len + 4095) & ~4095ull;
	assert_true(btf_end - f.kk.btf_pa < (1u << 20) && btf_end < f.kk.pgtables_pa);
	ranges[0] = (struct bw_mem_range){0, btf_end};
	ranges[1] = (struct bw_mem_range){f.kk.pgtables_pa, f.kk.mem.size - f.kk.pgtables_pa};
	assert_int_equal(
		bw_mem_open_callback(ranges, 2, kb_mem_read, &f.kk.mem, NULL, &f.mem, &err), 0);
	if (bw_kernel_open(f.mem, NULL, &f.k, &err))
		fail_msg("open: %s", err.msg);
	bw_kernel_get_info(f.k, &info);
	assert_string_equal(info.btf_source, "dump");
	assert_int_equal(eval_u64(&f, "node_data[2]->node_zones[3].vm_numa_event[1].counter"),
			 f.kk.zone_event[2][3][1]);
	close_kernel(&f);
}

/*
 * A guest attached before its kernel wrote VMCOREINFO, or while it was writing it (the arch's
 * entries, SYMBOL(init_top_pgt) among them, come last): BW_ENOTREADY saying so, not a parse
 * error. The text is the builder's, found in its memory by the test (not by the scan).
 */
static void test_kernel_not_ready(void **state)
{
	struct kb_kernel_opts o = {.levels = 4};
	struct bw_mem_range range = {0, 0};
	struct bw_error err = {0};
	struct fixture f;
	unsigned char *text = NULL, *cut;
	uint64_t pa;
	int step;

	(void)state;
	for (step = 0; step < 2; step++) {
		memset(&f, 0, sizeof(f));
		assert_int_equal(kb_kernel_build(&f.kk, &o), 0);
		/* The page that starts with OSRELEASE= and has the arch's entries (the builder
		 * also leaves a decoy that has none). */
		for (pa = 0; pa + 4096 <= f.kk.mem.size && !text; pa += 4096)
			if (!memcmp(f.kk.mem.ram + pa, "OSRELEASE=", 10) &&
			    strstr((char *)f.kk.mem.ram + pa, "SYMBOL(init_top_pgt)"))
				text = f.kk.mem.ram + pa;
		assert_non_null(text);
		cut = (unsigned char *)strstr((char *)text, "SYMBOL(init_top_pgt)");
		assert_non_null(cut);
		/* 0: nothing written yet; 1: written up to the arch's entries. */
		memset(step ? cut : text, 0, strlen((char *)(step ? cut : text)));
		text = NULL;
		range.size = f.kk.mem.size;
		assert_int_equal(
			bw_mem_open_callback(&range, 1, kb_mem_read, &f.kk.mem, NULL, &f.mem, &err),
			0);
		assert_int_equal(bw_kernel_open(f.mem, NULL, &f.k, &err), -BW_ENOTREADY);
		assert_int_equal(err.code, BW_ENOTREADY);
		assert_non_null(strstr(err.msg, "kernel not ready yet: "));
		assert_non_null(strstr(err.msg, step ? "SYMBOL(init_top_pgt)" : "no VMCOREINFO"));
		assert_non_null(strstr(err.msg, "0x"));
		assert_null(f.k);
		close_kernel(&f);
	}
}

static void test_kernel_kallsyms_unreadable(void **state)
{
	struct kb_kernel_opts o = {.levels = 4, .unmapped_kallsyms = true};
	struct bw_error err = {0};
	struct bw_kernel_info info;
	struct fixture f;
	const char *want = "nr_cpu_ids: symbol 'nr_cpu_ids' not found: VMCOREINFO has no "
			   "SYMBOL(nr_cpu_ids) and the kernel's kallsyms tables did not decode (";

	(void)state;
	/* Damaged kallsyms tables: the dump still opens on VMCOREINFO's symbols. */
	if (open_kernel(&f, &o, false, NULL, &err))
		fail_msg("open: %s", err.msg);
	bw_kernel_get_info(f.k, &info);
	assert_string_equal(info.symbols_source, "vmcoreinfo");
	assert_int_equal(eval_u64(&f, "node_data[0]->node_zones[2].vm_numa_event[5].counter"),
			 f.kk.zone_event[0][2][5]);
	{
		struct bw_value v;

		assert_int_equal(bw_kernel_eval(f.k, "nr_cpu_ids", &v, &err), -BW_ENOENT);
		assert_memory_equal(err.msg, want, strlen(want));
	}
	close_kernel(&f);
}

static void test_kernel_symbols_mismatch(void **state)
{
	struct kb_kernel_opts o = {.levels = 4};
	struct bw_kernel_opts kopts = {0};
	struct bw_error err = {0};
	struct fixture f;
	char *p;

	(void)state;
	/* A System.map of another build: _stext moved by 0x1000. */
	memset(&f, 0, sizeof(f));
	assert_int_equal(kb_kernel_build(&f.kk, &o), 0);
	p = strstr(f.kk.system_map, " D _stext");
	assert_non_null(p);
	p[-4] = '1'; /* ffffffff81000000 -> ffffffff81001000 */
	{
		struct bw_mem_range range = {0, f.kk.mem.size};
		FILE *fp;
		int fd;

		strcpy(f.map_path, "/tmp/btfwalk-test-map-XXXXXX");
		fd = mkstemp(f.map_path);
		assert_true(fd >= 0);
		fp = fdopen(fd, "w");
		fputs(f.kk.system_map, fp);
		fclose(fp);
		kopts.symbols_path = f.map_path;
		assert_int_equal(
			bw_mem_open_callback(&range, 1, kb_mem_read, &f.kk.mem, NULL, &f.mem, &err),
			0);
		assert_int_equal(bw_kernel_open(f.mem, &kopts, &f.k, &err), -BW_EMISMATCH);
		assert_non_null(strstr(err.msg,
				       "does not belong to the dumped kernel: _stext is "
				       "0xffffffff81001000 there and 0xffffffff83600000 in "
				       "VMCOREINFO (KERNELOFFSET 0x2600000)"));
	}
	close_kernel(&f);
}

/* A caller-built value with bit offsets near 2^32: refused, with no undefined shift (UBSan). */
static void test_kernel_value_huge_bit_offset(void **state)
{
	static const uint32_t cases[][2] = {
		{0xfffffff0u, 32}, {0xffffffffu, 1}, {64, 1}, {1, 0xffffffffu}, {0x80000000u, 64}};
	struct kb_kernel_opts o = {.levels = 4};
	struct bw_error err = {0};
	struct bw_value v;
	struct fixture f;
	uint64_t x;
	size_t i;

	(void)state;
	if (open_kernel(&f, &o, true, NULL, &err))
		fail_msg("open: %s", err.msg);
	assert_int_equal(bw_kernel_eval(f.k, "bw_test_pcpu@cpu0.zone->order", &v, &err), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v.bit_offset = cases[i][0];
		v.bitfield_size = cases[i][1];
		assert_int_equal(bw_kernel_value_u64(f.k, &v, &x, &err), -BW_ENOTSUP);
		assert_non_null(strstr(err.msg, "bitfield of"));
	}
	/* The last bit of an 8-byte window still reads. */
	v.bit_offset = 63;
	v.bitfield_size = 1;
	assert_int_equal(bw_kernel_value_u64(f.k, &v, &x, &err), 0);
	assert_true(x <= 1);
	close_kernel(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_layout_4level),
		cmocka_unit_test(test_kernel_layout_5level),
		cmocka_unit_test(test_kernel_eval_values),
		cmocka_unit_test(test_kernel_eval_errors),
		cmocka_unit_test(test_kernel_crosscheck),
		cmocka_unit_test(test_kernel_symbol_sources),
		cmocka_unit_test(test_kernel_btf_scan_partial_chunk),
		cmocka_unit_test(test_kernel_not_ready),
		cmocka_unit_test(test_kernel_kallsyms_unreadable),
		cmocka_unit_test(test_kernel_symbols_mismatch),
		cmocka_unit_test(test_kernel_value_huge_bit_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
