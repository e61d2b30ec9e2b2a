/* SPDX-License-Identifier: MIT */
/*
 * The scheduler walks (stat, softirqs, schedstat, pressure) on a synthetic kernel: the base image
 * of kimage_builder.c (3 CPUs, CPU 1 offline) plus the scheduler's per-CPU objects written here
 * at chosen offsets, described by a BTF built here (6.1 layout: tick_sched with an idle_active
 * bitfield, tk_core.timekeeper; or 7.x's idle accounting in kernel_cpustat) and found through a
 * System.map. Corners: a hole in the possible mask, a possible but offline CPU, an enumerator
 * and a symbol the kernel lacks, no CONFIG_SCHEDSTATS, no PSI; the same walks compiled in a watch,
 * sampled while the memory changes. Expected numbers are worked out by hand from the values
 * written.
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

#define IMG_PA (KB_IMAGE_VADDR - 0xffffffff80000000ull + KB_PHYS_BASE)
#define OFF_POSSIBLE 0x5000 /* image offsets */
#define OFF_TK_CORE 0x5040
#define OFF_FORKS 0x5100
#define OFF_NOHZ 0x5108
#define PCPU_KCS 0x8000 /* per-CPU offsets */
#define PCPU_TS 0x8100
#define PCPU_RQ 0x8200
#define PCPU_KSTAT 0x8300
#define PCPU_IRQ 0x8400
#define NSEC 1000000000ull

struct sched_opts {
	bool cpu1_possible; /* else a hole in the possible mask */
	bool lack_guest_nice;
	bool lack_forks;
	bool kcs_idle; /* 7.x: idle accounting in kernel_cpustat, no tick_sched sleep times */
};

struct sched_fixture {
	struct kb_kernel kk;
	unsigned char blob[1 << 14];
	struct bw_btf *btf;
	struct bw_mem *mem;
	struct bw_kernel *k;
	char map_path[64];
};

static void sched_btf(struct kb_btf *b, const struct sched_opts *o)
{
	static const char *const stats[] = {"CPUTIME_USER",	 "CPUTIME_NICE",  "CPUTIME_SYSTEM",
					    "CPUTIME_SOFTIRQ",	 "CPUTIME_IRQ",	  "CPUTIME_IDLE",
					    "CPUTIME_IOWAIT",	 "CPUTIME_STEAL", "CPUTIME_GUEST",
					    "CPUTIME_GUEST_NICE"};
	uint32_t int_, uint_, ulong, u64, atomic, arr, st, i;

	kb_btf_init(b);
	int_ = kb_btf_int(b, "int", 4, 1);
	uint_ = kb_btf_int(b, "unsigned int", 4, 0);
	ulong = kb_btf_int(b, "long unsigned int", 8, 0);
	u64 = kb_btf_typedef(b, "u64", kb_btf_int(b, "long long unsigned int", 8, 0));
	st = kb_btf_struct(b, "", 4, 1, false);
	kb_btf_member(b, "counter", int_, 0, 0);
	atomic = kb_btf_typedef(b, "atomic_t", st);

	kb_btf_enum(b, "cpu_usage_stat", o->lack_guest_nice ? 10 : 11);
	for (i = 0; i < (o->lack_guest_nice ? 9u : 10u); i++)
		kb_btf_enumerator(b, stats[i], (int32_t)i);
	kb_btf_enumerator(b, "NR_STATS", 10);
	arr = kb_btf_array(b, u64, int_, 10);
	if (o->kcs_idle) {
		uint32_t bool_ = kb_btf_int(b, "_Bool", 1, 4),
			 steal = kb_btf_array(b, u64, int_, 2);

		kb_btf_struct(b, "kernel_cpustat", 112, 5, false);
		kb_btf_member(b, "idle_dyntick", bool_, 0, 0);
		kb_btf_member(b, "idle_elapse", bool_, 8, 0);
		kb_btf_member(b, "idle_entrytime", u64, 64, 0);
		kb_btf_member(b, "idle_stealtime", steal, 128, 0);
		kb_btf_member(b, "cpustat", arr, 256, 0);
	} else {
		kb_btf_struct(b, "kernel_cpustat", 80, 1, false);
		kb_btf_member(b, "cpustat", arr, 0, 0);
	}

	kb_btf_enum(b, "", 4);
	kb_btf_enumerator(b, "HI_SOFTIRQ", 0);
	kb_btf_enumerator(b, "TIMER_SOFTIRQ", 1);
	kb_btf_enumerator(b, "NET_RX_SOFTIRQ", 2);
	kb_btf_enumerator(b, "NR_SOFTIRQS", 3);
	arr = kb_btf_array(b, uint_, int_, 3);
	kb_btf_struct(b, "kernel_stat", 24, 2, false);
	kb_btf_member(b, "irqs_sum", ulong, 0, 0);
	kb_btf_member(b, "softirqs", arr, 64, 0);

	kb_btf_struct(b, "tick_sched", 48, o->kcs_idle ? 1 : 6, false);
	if (!o->kcs_idle) {
		kb_btf_member(b, "idle_active", uint_, 2, 1);
		kb_btf_member(b, "idle_entrytime", u64, 64, 0);
		kb_btf_member(b, "idle_exittime", u64, 128, 0);
		kb_btf_member(b, "idle_sleeptime", u64, 192, 0);
		kb_btf_member(b, "iowait_sleeptime", u64, 256, 0);
	}
	kb_btf_member(b, "idle_calls", ulong, 320, 0);

	kb_btf_struct(b, "rq", 24, 3, false);
	kb_btf_member(b, "nr_running", uint_, 0, 0);
	kb_btf_member(b, "nr_switches", u64, 64, 0);
	kb_btf_member(b, "nr_iowait", atomic, 128, 0);

	st = kb_btf_struct(b, "", 8, 2, false);
	kb_btf_member(b, "__nmi_count", uint_, 0, 0);
	kb_btf_member(b, "apic_timer_irqs", uint_, 32, 0);
	kb_btf_typedef(b, "irq_cpustat_t", st);

	st = kb_btf_struct(b, "seqcount_raw_spinlock", 4, 1, false);
	kb_btf_member(b, "sequence", uint_, 0, 0);
	kb_btf_typedef(b, "seqcount_raw_spinlock_t", st);
	arr = kb_btf_typedef(b, "ktime_t", kb_btf_int(b, "s64", 8, 1));
	st = kb_btf_struct(b, "tk_read_base", 24, 3, false);
	kb_btf_member(b, "shift", uint_, 0, 0);
	kb_btf_member(b, "xtime_nsec", u64, 64, 0);
	kb_btf_member(b, "base", arr, 128, 0);
	kb_btf_struct(b, "timekeeper", 24, 1, false);
	kb_btf_member(b, "tkr_mono", st, 0, 0);
}

static void sched_write(struct sched_fixture *f, const struct sched_opts *o)
{
	struct kb_mem *m = &f->kk.mem;
	uint32_t c, i;

	kb_put_u64(m, IMG_PA + OFF_POSSIBLE, o->cpu1_possible ? 7 : 5);
	/* tk_core: seqcount (4 bytes), then the timekeeper at 8: now = 100e9 + 0.3e9 ns. */
	kb_put_u32(m, IMG_PA + OFF_TK_CORE + 8, 8);
	kb_put_u64(m, IMG_PA + OFF_TK_CORE + 16, 300000000ull << 8);
	kb_put_u64(m, IMG_PA + OFF_TK_CORE + 24, 100 * NSEC);
	kb_put_u64(m, IMG_PA + OFF_FORKS, 4242);
	kb_put_u32(m, IMG_PA + OFF_NOHZ, 1);
	for (c = 0; c < KB_NR_CPUS; c++) {
		uint64_t a = 0x1000000 + c * 0x100000;

		for (i = 0; i < 10; i++)
			kb_put_u64(m, a + PCPU_KCS + (o->kcs_idle ? 32 : 0) + i * 8,
				   (c + 1) * (i + 1) * NSEC + 5000000);
		if (o->kcs_idle) {
			/* Open idle periods as CPU 0 and 2 below; steal still to subtract:
			 * CPU 0 0.1 s of idle, CPU 2 0.5 s of iowait. */
			kb_put(m, a + PCPU_KCS + 1, &(unsigned char){c != 1}, 1);
			kb_put_u64(m, a + PCPU_KCS + 8, c == 2 ? 100100000000ull : 100 * NSEC);
			kb_put_u64(m, a + PCPU_KCS + 16, 100000000);
			kb_put_u64(m, a + PCPU_KCS + 24, 500000000);
		}
		/* CPU 0 idle since 100e9 with no iowait, CPU 2 since 100.1e9 with one waiter. */
		kb_put_u32(m, a + PCPU_TS, c == 1 ? 0 : 4);
		kb_put_u64(m, a + PCPU_TS + 8, c == 2 ? 100100000000ull : 100 * NSEC);
		kb_put_u64(m, a + PCPU_TS + 16, 99 * NSEC);
		kb_put_u64(m, a + PCPU_TS + 24, 7500000000ull + c * NSEC);
		kb_put_u64(m, a + PCPU_TS + 32, 2250000000ull);
		kb_put_u32(m, a + PCPU_RQ, c + 1);
		kb_put_u64(m, a + PCPU_RQ + 8, 1000 * (c + 1));
		kb_put_u32(m, a + PCPU_RQ + 16, c == 2);
		kb_put_u64(m, a + PCPU_KSTAT, 10 * (c + 1));
		for (i = 0; i < 3; i++)
			kb_put_u32(m, a + PCPU_KSTAT + 8 + i * 4, c * 100 + i + 1);
		kb_put_u32(m, a + PCPU_IRQ, 1);
		kb_put_u32(m, a + PCPU_IRQ + 4, 100 * (c + 1));
	}
}

static void sched_open(struct sched_fixture *f, const struct sched_opts *o)
{
	struct bw_kernel_opts ko = {.no_crosscheck = true};
	struct kb_kernel_opts kbo = {.levels = 4};
	struct bw_mem_range range = {0, 0};
	struct bw_error err = {0};
	struct kb_btf *b = malloc(sizeof(*b));
	size_t len;
	FILE *map;
	int fd;

	assert_non_null(b);
	assert_int_equal(kb_kernel_build(&f->kk, &kbo), 0);
	sched_btf(b, o);
	len = kb_btf_finish(b, f->blob, sizeof(f->blob));
	free(b);
	if (bw_btf_open_mem(f->blob, len, NULL, &f->btf, &err))
		fail_msg("btf: %s", err.msg);
	sched_write(f, o);
	strcpy(f->map_path, "/tmp/btfwalk-sched-XXXXXX");
	fd = mkstemp(f->map_path);
	assert_true(fd >= 0);
	map = fdopen(fd, "w");
	assert_non_null(map);
	fputs(f->kk.system_map, map);
	/* Link-time image addresses (less KASLR) and per-CPU offsets, as System.map has them. */
	fprintf(map,
		"%016llx D __cpu_possible_mask\n%016llx b tk_core\n%016llx D tick_nohz_active\n",
		(unsigned long long)(KB_IMAGE_VADDR - KB_KASLR + OFF_POSSIBLE),
		(unsigned long long)(KB_IMAGE_VADDR - KB_KASLR + OFF_TK_CORE),
		(unsigned long long)(KB_IMAGE_VADDR - KB_KASLR + OFF_NOHZ));
	if (!o->lack_forks)
		fprintf(map, "%016llx B total_forks\n",
			(unsigned long long)(KB_IMAGE_VADDR - KB_KASLR + OFF_FORKS));
	fprintf(map,
		"%016x D kernel_cpustat\n%016x D tick_cpu_sched\n%016x D runqueues\n"
		"%016x D kstat\n%016x D irq_stat\n",
		PCPU_KCS, PCPU_TS, PCPU_RQ, PCPU_KSTAT, PCPU_IRQ);
	fclose(map);
	range.size = f->kk.mem.size;
	assert_int_equal(
		bw_mem_open_callback(&range, 1, kb_mem_read, &f->kk.mem, NULL, &f->mem, &err), 0);
	ko.btf = f->btf;
	ko.symbols_path = f->map_path;
	if (bw_kernel_open(f->mem, &ko, &f->k, &err))
		fail_msg("open: %s", err.msg);
}

static void sched_close(struct sched_fixture *f)
{
	bw_kernel_close(f->k);
	bw_mem_close(f->mem);
	bw_btf_close(f->btf);
	unlink(f->map_path);
	kb_kernel_free(&f->kk);
}

/* cpustat[i] of CPU c in ticks: (c+1)(i+1) s + 5 ms. */
static uint64_t ticks(uint32_t c, uint32_t col)
{
	static const uint32_t idx[] = {0, 1, 2, 5, 6, 4, 3, 7, 8, 9}; /* column -> cpustat */

	return (c + 1) * (idx[col] + 1) * 100ull;
}

static void test_stat_possible_hole(void **state)
{
	struct sched_opts o = {0};
	struct sched_fixture *f = calloc(1, sizeof(*f));
	struct bw_error err = {0};
	struct bw_stat *st;
	uint32_t col;

	(void)state;
	sched_open(f, &o);
	if (bw_kernel_stat(f->k, &st, &err))
		fail_msg("stat: %s", err.msg);
	assert_int_equal(st->user_hz, 100);
	assert_string_equal(st->idle_source, "tick_sched");
	assert_int_equal(st->now_ns, 100300000000ull);
	assert_string_equal(st->now_source, "timekeeper");
	assert_int_equal(st->nr_cpus, 2); /* CPU 1 is a hole in the possible mask */
	assert_int_equal(st->cpus[0].cpu, 0);
	assert_int_equal(st->cpus[1].cpu, 2);
	for (col = 0; col < BW_STAT_NR_COLS; col++) {
		if (col == BW_STAT_IDLE || col == BW_STAT_IOWAIT)
			continue;
		assert_null(st->col_absent[col]);
		assert_int_equal(st->cpus[0].ticks[col], ticks(0, col));
		assert_int_equal(st->cpus[1].ticks[col], ticks(2, col));
	}
	/* CPU 0: 7.5 s slept + 0.3 s open idle; no iowait waiter: iowait stays 2.25 s. */
	assert_int_equal(st->cpus[0].ticks[BW_STAT_IDLE], 780);
	assert_int_equal(st->cpus[0].ticks[BW_STAT_IOWAIT], 225);
	assert_true(st->cpus[0].idle_in_progress);
	/* CPU 2: one iowait waiter, so its open 0.2 s go to iowait. */
	assert_int_equal(st->cpus[1].ticks[BW_STAT_IDLE], 950);
	assert_int_equal(st->cpus[1].ticks[BW_STAT_IOWAIT], 245);
	/* Aggregate in ns, then ticks: user 1.005 + 3.005 s. */
	assert_int_equal(st->total_ticks[BW_STAT_USER], 401);
	assert_int_equal(st->total_ticks[BW_STAT_IDLE], 780 + 950);
	assert_int_equal(st->intr.value, 10 + 30 + 1 + 100 + 1 + 300);
	assert_int_equal(st->ctxt.value, 4000);
	assert_int_equal(st->processes.value, 4242);
	assert_int_equal(st->procs_running.value, 4);
	assert_int_equal(st->procs_blocked.value, 1);
	assert_null(st->intr.absent);
	bw_kernel_stat_free(f->k, st);
	sched_close(f);
	free(f);
}

static void test_stat_offline_missing(void **state)
{
	struct sched_opts o = {.cpu1_possible = true, .lack_guest_nice = true, .lack_forks = true};
	struct sched_fixture *f = calloc(1, sizeof(*f));
	struct bw_error err = {0};
	struct bw_stat *st;

	(void)state;
	sched_open(f, &o);
	if (bw_kernel_stat(f->k, &st, &err))
		fail_msg("stat: %s", err.msg);
	assert_int_equal(st->nr_cpus, 3);
	assert_false(st->cpus[1].online);
	/* Offline: cpustat's idle (6.005 s) and iowait (7.005 s) as they are. */
	assert_int_equal(st->cpus[1].ticks[BW_STAT_IDLE], 1200);
	assert_int_equal(st->cpus[1].ticks[BW_STAT_IOWAIT], 1400);
	assert_false(st->cpus[1].idle_in_progress);
	assert_string_equal(st->col_absent[BW_STAT_GUEST_NICE], "enum cpu_usage_stat lacks it");
	assert_null(st->col_absent[BW_STAT_GUEST]);
	assert_string_equal(st->processes.absent, "no total_forks symbol");
	assert_int_equal(st->ctxt.value, 6000);
	assert_int_equal(st->procs_running.value, 4); /* online CPUs only */
	assert_int_equal(st->intr.value, 10 + 20 + 30 + 1 + 100 + 1 + 200 + 1 + 300);
	/* 1.005 + 2.005 + 3.005 s summed in ns: 601 ticks, not 100 + 200 + 300. */
	assert_int_equal(st->total_ticks[BW_STAT_USER], 601);
	bw_kernel_stat_free(f->k, st);
	sched_close(f);
	free(f);
}

static void test_stat_kcs_idle(void **state)
{
	struct sched_opts o = {.kcs_idle = true};
	struct sched_fixture *f = calloc(1, sizeof(*f));
	struct bw_error err = {0};
	struct bw_stat *st;

	(void)state;
	sched_open(f, &o);
	if (bw_kernel_stat(f->k, &st, &err))
		fail_msg("stat: %s", err.msg);
	assert_string_equal(st->idle_source, "kernel_cpustat");
	assert_int_equal(st->now_ns, 100300000000ull);
	/* CPU 0: cpustat idle 6.005 s + (0.3 s open - 0.1 s steal); iowait 7.005 s. */
	assert_int_equal(st->cpus[0].ticks[BW_STAT_IDLE], 620);
	assert_int_equal(st->cpus[0].ticks[BW_STAT_IOWAIT], 700);
	/* CPU 2 (one iowait waiter): its 0.2 s open period is all steal still owed. */
	assert_int_equal(st->cpus[1].ticks[BW_STAT_IDLE], 1800);
	assert_int_equal(st->cpus[1].ticks[BW_STAT_IOWAIT], 2100);
	assert_int_equal(st->cpus[0].ticks[BW_STAT_USER], 100);
	bw_kernel_stat_free(f->k, st);
	sched_close(f);
	free(f);
}

static void test_softirqs(void **state)
{
	static const char *const names[] = {"HI", "TIMER", "NET_RX"};
	struct sched_opts o = {0};
	struct sched_fixture *f = calloc(1, sizeof(*f));
	struct bw_error err = {0};
	struct bw_softirqs *s;
	uint32_t i;

	(void)state;
	sched_open(f, &o);
	if (bw_kernel_softirqs(f->k, &s, &err))
		fail_msg("softirqs: %s", err.msg);
	assert_int_equal(s->nr_softirqs, 3);
	assert_int_equal(s->nr_cpus, 2);
	assert_int_equal(s->cpu[1], 2);
	for (i = 0; i < 3; i++) {
		assert_string_equal(s->name[i], names[i]);
		assert_int_equal(s->count[i * 2], i + 1);
		assert_int_equal(s->count[i * 2 + 1], 200 + i + 1);
	}
	bw_kernel_softirqs_free(f->k, s);
	sched_close(f);
	free(f);
}

static void test_no_schedstats_no_psi(void **state)
{
	struct sched_opts o = {0};
	struct sched_fixture *f = calloc(1, sizeof(*f));
	struct bw_error err = {0};
	struct bw_schedstat *ss = NULL;
	struct bw_pressure *p;
	int i;

	(void)state;
	sched_open(f, &o);
	assert_int_equal(bw_kernel_schedstat(f->k, &ss, &err), -BW_ENOTSUP);
	assert_null(ss);
	assert_string_equal(err.msg,
			    "no rq.yld_count in the BTF: a kernel without CONFIG_SCHEDSTATS");
	if (bw_kernel_pressure(f->k, &p, &err))
		fail_msg("pressure: %s", err.msg);
	for (i = 0; i < BW_PSI_NR; i++)
		assert_string_equal(p->res[i].absent, "no PSI in this kernel (CONFIG_PSI off)");
	bw_kernel_pressure_free(f->k, p);
	sched_close(f);
	free(f);
}

/* The value named name of the watch's last sample; fails the test when there is none. */
static const struct bw_watch_value *watch_get(const struct bw_watch *w, const char *name)
{
	const struct bw_watch_value *v;
	size_t n = bw_watch_values(w, &v), i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	fail_msg("no value %s", name);
	return NULL;
}

static bool watch_has(const struct bw_watch *w, const char *prefix)
{
	const struct bw_watch_value *v;
	size_t n = bw_watch_values(w, &v), i;

	for (i = 0; i < n; i++)
		if (!strncmp(v[i].name, prefix, strlen(prefix)))
			return true;
	return false;
}

static uint64_t watch_ok(const struct bw_watch *w, const char *name)
{
	const struct bw_watch_value *v = watch_get(w, name);

	if (!v->ok)
		fail_msg("%s: %s", name, v->error);
	return v->value;
}

static void watch_absent(const struct bw_watch *w, const char *name, const char *why)
{
	const struct bw_watch_value *v = watch_get(w, name);

	assert_false(v->ok);
	assert_string_equal(v->error, why);
}

/* The fixture opened with o, a watch of wo compiled on it and sampled once at time t. */
static struct bw_watch *watch_start(struct sched_fixture *f, const struct sched_opts *o,
				    const struct bw_watch_opts *wo, uint64_t t)
{
	struct bw_error err = {0};
	struct bw_watch *w;

	sched_open(f, o);
	if (bw_watch_open(f->k, wo, &w, &err))
		fail_msg("watch: %s", err.msg);
	if (bw_watch_sample(w, t, &err))
		fail_msg("sample: %s", err.msg);
	return w;
}

static void watch_stop(struct sched_fixture *f, struct bw_watch *w)
{
	bw_watch_close(w);
	sched_close(f);
	free(f);
}

/* The compiled walks on a possible mask with a hole (CPU 1), a kernel without CONFIG_SCHEDSTATS
 * and without PSI: those say why, the others sample, and follow memory that changes. */
static void test_watch_hole_absent(void **state)
{
	struct bw_watch_opts wo = {
		.stat = true, .softirqs = true, .schedstat = true, .pressure = true};
	struct sched_opts o = {0};
	struct sched_fixture *f = calloc(1, sizeof(*f));
	const struct bw_watch_value *v;
	struct bw_watch *w = watch_start(f, &o, &wo, 1000000000ull);
	struct bw_error err = {0};
	uint64_t cpu0 = 0x1000000;

	(void)state;
	assert_int_equal(watch_ok(w, "stat.cpu0.user"), 100);
	assert_int_equal(watch_ok(w, "stat.cpu2.user"), 300);
	assert_false(watch_has(w, "stat.cpu1."));
	assert_false(watch_has(w, "softirqs.cpu1."));
	assert_int_equal(watch_ok(w, "stat.cpu0.idle"), 780);
	assert_int_equal(watch_ok(w, "stat.cpu2.iowait"), 245);
	assert_int_equal(watch_ok(w, "stat.cpu.user"), 401);
	assert_int_equal(watch_ok(w, "stat.intr"), 10 + 30 + 1 + 100 + 1 + 300);
	assert_int_equal(watch_ok(w, "stat.ctxt"), 4000);
	assert_int_equal(watch_ok(w, "stat.processes"), 4242);
	assert_int_equal(watch_ok(w, "stat.procs_blocked"), 1);
	assert_int_equal(watch_ok(w, "softirqs.cpu0.HI"), 1);
	assert_int_equal(watch_ok(w, "softirqs.cpu2.NET_RX"), 203);
	watch_absent(w, "schedstat",
		     "no rq.yld_count in the BTF: a kernel without CONFIG_SCHEDSTATS");
	assert_false(watch_has(w, "schedstat.cpu"));
	watch_absent(w, "pressure.cpu", "no PSI in this kernel (CONFIG_PSI off)");
	watch_absent(w, "pressure.irq", "no PSI in this kernel (CONFIG_PSI off)");

	/* Memory moves: CPU 0's user time +0.5 s, NET_RX of CPU 2 +7, a fork; then 0.5 s. */
	kb_put_u64(&f->kk.mem, cpu0 + PCPU_KCS, NSEC + 5000000 + NSEC / 2);
	kb_put_u32(&f->kk.mem, cpu0 + 2 * 0x100000 + PCPU_KSTAT + 8 + 2 * 4, 210);
	kb_put_u64(&f->kk.mem, IMG_PA + OFF_FORKS, 4243);
	assert_int_equal(bw_watch_sample(w, 1500000000ull, &err), 0);
	v = watch_get(w, "stat.cpu0.user");
	assert_true(v->ok && v->has_delta && !v->reset);
	assert_int_equal(v->value, 150);
	assert_int_equal(v->delta, 50);
	assert_true(v->rate > 99.9 && v->rate < 100.1); /* 50 ticks in 0.5 s: one CPU's worth */
	assert_int_equal(watch_get(w, "stat.cpu.user")->delta, 50);
	assert_int_equal(watch_get(w, "softirqs.cpu2.NET_RX")->delta, 7);
	assert_int_equal(watch_get(w, "stat.processes")->delta, 1);
	assert_int_equal(watch_get(w, "softirqs.cpu0.HI")->delta, 0);
	/* A counter going back (a torn or reset value) is a reset, not a negative rate. */
	kb_put_u64(&f->kk.mem, IMG_PA + OFF_FORKS, 1);
	assert_int_equal(bw_watch_sample(w, 2000000000ull, &err), 0);
	v = watch_get(w, "stat.processes");
	assert_true(v->ok && v->reset);
	assert_int_equal(v->delta, 0);
	watch_stop(f, w);
}

/* A possible but offline CPU has softirqs (as /proc/softirqs) but no stat line; a column and a
 * symbol the kernel lacks say so. */
static void test_watch_offline_missing(void **state)
{
	struct bw_watch_opts wo = {.stat = true, .softirqs = true};
	struct sched_opts o = {.cpu1_possible = true, .lack_guest_nice = true, .lack_forks = true};
	struct sched_fixture *f = calloc(1, sizeof(*f));
	struct bw_watch *w = watch_start(f, &o, &wo, 1);

	(void)state;
	assert_false(watch_has(w, "stat.cpu1."));
	assert_int_equal(watch_ok(w, "softirqs.cpu1.TIMER"), 102);
	watch_absent(w, "stat.cpu0.guest_nice", "enum cpu_usage_stat lacks it");
	watch_absent(w, "stat.cpu.guest_nice", "enum cpu_usage_stat lacks it");
	watch_absent(w, "stat.processes", "no total_forks symbol");
	assert_int_equal(watch_ok(w, "stat.cpu0.guest"), 900);
	assert_int_equal(watch_ok(w, "stat.cpu.user"), 601); /* possible CPUs, offline too */
	assert_int_equal(watch_ok(w, "stat.procs_running"), 4);
	watch_stop(f, w);
}

/* 7.x idle accounting: idle and iowait computed from the batch as the dump walk does. */
static void test_watch_kcs_idle(void **state)
{
	struct bw_watch_opts wo = {.stat = true};
	struct sched_opts o = {.kcs_idle = true};
	struct sched_fixture *f = calloc(1, sizeof(*f));
	struct bw_watch *w = watch_start(f, &o, &wo, 1);
	struct bw_error err = {0};

	(void)state;
	assert_int_equal(watch_ok(w, "stat.cpu0.idle"), 620);
	assert_int_equal(watch_ok(w, "stat.cpu2.iowait"), 2100);
	/* The timekeeper moves on 0.4 s: CPU 0's open idle period grows by as much. */
	kb_put_u64(&f->kk.mem, IMG_PA + OFF_TK_CORE + 24, 100 * NSEC + 400000000ull);
	assert_int_equal(bw_watch_sample(w, 2, &err), 0);
	assert_int_equal(watch_ok(w, "stat.cpu0.idle"), 660);
	watch_stop(f, w);
}

/* A guest writing while the watch samples: bytes of the per-CPU objects, the timekeeper and the
 * globals the walks read flip between samples (xorshift). Every value stays readable (the memory
 * is there), each sample takes as many reads as compiled, and counters going back are resets. */
static void test_watch_changing_memory(void **state)
{
	struct bw_watch_opts wo = {
		.stat = true, .softirqs = true, .schedstat = true, .pressure = true};
	struct sched_opts opts[2] = {{.cpu1_possible = true}, {.kcs_idle = true}};
	uint32_t x = 0x9e3779b9u, o, i, n;

	(void)state;
	for (o = 0; o < 2; o++) {
		struct sched_fixture *f = calloc(1, sizeof(*f));
		const struct bw_watch_value *v;
		struct bw_watch_stats st;
		struct bw_error err = {0};
		struct bw_watch *w;
		size_t nv, j;

		sched_open(f, &opts[o]);
		if (bw_watch_open(f->k, &wo, &w, &err))
			fail_msg("watch: %s", err.msg);
		for (i = 0; i < 2000; i++) {
			for (n = 0; n < 4; n++) {
				uint64_t pa;

				x ^= x << 13;
				x ^= x >> 17;
				x ^= x << 5;
				pa = x & 1 ? IMG_PA + OFF_TK_CORE + x % 0xd0
					   : 0x1000000 + (x >> 8) % 3 * 0x100000 + 0x8000 +
						     (x >> 12) % 0x500;
				kb_put(&f->kk.mem, pa, &(uint8_t){(uint8_t)(x >> 24)}, 1);
			}
			assert_int_equal(bw_watch_sample(w, (uint64_t)i * 100000000u, &err), 0);
			nv = bw_watch_values(w, &v);
			for (j = 0; j < nv; j++) {
				assert_true(v[j].ok == !v[j].error);
				/* Only what the kernel lacks is never read. */
				assert_true(v[j].ok || !strcmp(v[j].name, "schedstat") ||
					    !strncmp(v[j].name, "pressure.", 9) ||
					    !strcmp(v[j].name, "stat.processes"));
				assert_true(!v[j].reset || (v[j].delta == 0 && v[j].rate == 0));
			}
		}
		bw_watch_get_stats(w, &st);
		assert_int_equal(st.samples, 2000);
		assert_int_equal(st.recompiles, 0);
		bw_watch_close(w);
		sched_close(f);
		free(f);
	}
}

static void test_psi_avg_split(void **state)
{
	uint64_t w, h;

	(void)state;
	bw_psi_avg_split(2048 * 3 + 1024, &w, &h); /* 3.50 */
	assert_int_equal(w, 3);
	assert_int_equal(h, 50);
	bw_psi_avg_split(2047, &w, &h); /* 0.99 (truncated, as LOAD_FRAC) */
	assert_int_equal(w, 0);
	assert_int_equal(h, 99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat_possible_hole),
		cmocka_unit_test(test_stat_offline_missing),
		cmocka_unit_test(test_stat_kcs_idle),
		cmocka_unit_test(test_softirqs),
		cmocka_unit_test(test_no_schedstats_no_psi),
		cmocka_unit_test(test_psi_avg_split),
		cmocka_unit_test(test_watch_hole_absent),
		cmocka_unit_test(test_watch_offline_missing),
		cmocka_unit_test(test_watch_kcs_idle),
		cmocka_unit_test(test_watch_changing_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
