/* SPDX-License-Identifier: MIT */
/*
 * The synthetic image's scheduler state (see kimage.h): per-CPU times, idle accounting,
 * interrupt and softirq counts, the timekeeper, schedstat counters, two scheduler domains per
 * CPU, psi_system and sched_ext's globals, laid out from whichever variant of
 * fixtures/seeds/sched_types.h the BTF was built from. Values are distinct per CPU and field so
 * that a walk reading the wrong one shows.
 */
#include <string.h>
#include "kimage_impl.h"

#define KB_NOW_NS 5000000000000ull /* the timekeeper's base: 5000 s */
#define KB_SCX_PCPU 0xc00u	   /* scx_sched.pcpu's per-CPU allocation, in each CPU's area */

static void kb_put_field(struct kb *b, uint64_t base, const char *type, const char *path,
			 uint64_t v, size_t n)
{
	kb_put(b, base + kb_offsetof(b, type, path), v, n);
}

static void kb_put_bit(struct kb *b, uint64_t base, const char *type, const char *path)
{
	uint64_t bit = kb_bitoffsetof(b, type, path);

	kb_put(b, base + bit / 8, b->img[base + bit / 8] | 1u << (bit % 8), 1);
}

/* The timekeeper: timekeeper_data[TIMEKEEPER_CORE].timekeeper (7.x), or tk_core.timekeeper
 * (6.x), whose type is an anonymous struct { seqcount_raw_spinlock_t seq; struct timekeeper
 * timekeeper; } (kernel/time/timekeeping.c) that BTF does not carry: the C layout puts the
 * timekeeper (8-byte aligned: it holds u64s) after seq. */
static void kb_timekeeper(struct kb *b)
{
	int64_t core = kb_enum(b, "TIMEKEEPER_CORE");
	uint64_t tk;

	if (core >= 0) {
		uint64_t size = kb_sizeof(b, "tk_data", BW_KIND_STRUCT);

		tk = kb_static(b, size * kb_enum(b, "TIMEKEEPERS_MAX"));
		kb_sym(b, "timekeeper_data", 'D', IMG(tk));
		tk += core * size + kb_offsetof(b, "tk_data", "timekeeper");
	} else {
		uint64_t seq =
			(kb_sizeof(b, "seqcount_raw_spinlock_t", BW_KIND_STRUCT) + 7) & ~7ull;

		tk = kb_static(b, seq + kb_sizeof(b, "timekeeper", BW_KIND_STRUCT));
		kb_sym(b, "tk_core", 'D', IMG(tk));
		tk += seq;
	}
	kb_put_field(b, tk, "timekeeper", "tkr_mono.base", KB_NOW_NS, 8);
	kb_put_field(b, tk, "timekeeper", "tkr_mono.shift", 8, 4);
	kb_put_field(b, tk, "timekeeper", "tkr_mono.xtime_nsec", 123456789ull << 8, 8);
}

/* Idle time: CPU 1 is idle now (since 1 s before the timekeeper), CPU 2 in iowait. */
static void kb_idle(struct kb *b, unsigned cpu)
{
	uint64_t entry = KB_NOW_NS - 1000000000ull + cpu * 1000;

	if (kb_has(b, "kernel_cpustat", "idle_elapse")) {
		uint64_t kcs = kb_percpu(b, "kernel_cpustat", cpu);

		kb_put_field(b, kcs, "kernel_cpustat", "idle_elapse", cpu == 1 || cpu == 2, 1);
		kb_put_field(b, kcs, "kernel_cpustat", "idle_entrytime", entry, 8);
		kb_put_field(b, kcs, "kernel_cpustat", "idle_stealtime[1]", 5000, 8);
		return;
	}
	uint64_t ts = kb_percpu(b, "tick_cpu_sched", cpu);

	kb_put_field(b, ts, "tick_sched", "idle_entrytime", entry, 8);
	kb_put_field(b, ts, "tick_sched", "idle_exittime", entry - 7000, 8);
	kb_put_field(b, ts, "tick_sched", "idle_sleeptime", 40000000000ull * (cpu + 1), 8);
	kb_put_field(b, ts, "tick_sched", "iowait_sleeptime", 300000000ull * (cpu + 1), 8);
	if (cpu != 1 && cpu != 2)
		return;
	if (kb_has(b, "tick_sched", "idle_active"))
		kb_put_bit(b, ts, "tick_sched", "idle_active");
	else
		kb_put_field(b, ts, "tick_sched", "flags", 1u << 2, 8); /* TS_FLAG_IDLE_ACTIVE */
}

static void kb_irqs(struct kb *b, unsigned cpu)
{
	static const char *const named[] = {"__nmi_count",	 "apic_timer_irqs",
					    "x86_platform_ipis", "irq_resched_count",
					    "irq_call_count",	 "irq_tlb_count"};
	uint64_t is = kb_percpu(b, "irq_stat", cpu);
	uint64_t ks = kb_percpu(b, "kstat", cpu);

	kb_put_field(b, ks, "kernel_stat", "irqs_sum", 100000 + 1000 * cpu, 8);
	for (unsigned i = 0; i < 10; i++)
		kb_put(b, ks + kb_offsetof(b, "kernel_stat", "softirqs") + 4 * i, 10 * i + cpu + 1,
		       4);
	if (kb_has(b, "irq_cpustat_t", "counts")) {
		for (unsigned i = 0; i < 11; i++)
			kb_put(b, is + kb_offsetof(b, "irq_cpustat_t", "counts") + 4 * i,
			       i + 1 + cpu, 4);
	} else {
		for (unsigned i = 0; i < sizeof(named) / sizeof(named[0]); i++)
			kb_put_field(b, is, "irq_cpustat_t", named[i], i + 1 + cpu, 4);
	}
	kb_put(b, kb_percpu(b, "mce_exception_count", cpu), cpu, 4);
	kb_put(b, kb_percpu(b, "mce_poll_count", cpu), 2 * cpu, 4);
}

static void kb_schedstat(struct kb *b, unsigned cpu, uint64_t rq)
{
	static const char *const rq_names[] = {"yld_count", "sched_count", "sched_goidle",
					       "ttwu_count", "ttwu_local"};

	for (unsigned i = 0; i < sizeof(rq_names) / sizeof(rq_names[0]); i++)
		kb_put_field(b, rq, "rq", rq_names[i], 100 * cpu + i + 1, 4);
	kb_put_field(b, rq, "rq", "rq_cpu_time", 7000000ull * (cpu + 1), 8);
	kb_put_field(b, rq, "rq", "rq_sched_info.run_delay", 800000ull * (cpu + 1), 8);
	kb_put_field(b, rq, "rq", "rq_sched_info.pcount", 900 + cpu, 8);
}

/* Two levels per CPU: SMT-like pairs {0,1} {2,3} ("MC"), then all four ("PKG"). */
static void kb_domains(struct kb *b, unsigned cpu, uint64_t rq)
{
	uint64_t sd_size = kb_sizeof(b, "sched_domain", BW_KIND_STRUCT);
	uint64_t sg_size = kb_sizeof(b, "sched_group", BW_KIND_STRUCT);
	uint64_t lb = kb_has(b, "sched_domain", "lb_imbalance_load") ? 0 : 1;
	uint64_t sd[2], names = kb_static(b, 8);

	kb_puts(b, names, "MC");
	kb_puts(b, names + 3, "PKG");
	for (int l = 1; l >= 0; l--) {
		uint64_t sg = kb_obj(b, sg_size + 8);

		sd[l] = kb_obj(b, sd_size + 8);
		kb_put_field(b, sd[l], "sched_domain", "parent", l ? 0 : kb_va(b, sd[1]), 8);
		kb_put_field(b, sd[l], "sched_domain", "groups", kb_va(b, sg), 8);
		kb_put_field(b, sd[l], "sched_domain", "level", l, 4);
		kb_put_field(b, sd[l], "sched_domain", "flags", l ? 0x4c2f : 0x4aef, 4);
		kb_put_field(b, sd[l], "sched_domain", "name", kb_va(b, names + 3 * l), 8);
		kb_put_field(b, sd[l], "sched_domain", "min_interval", 2 << l, 8);
		kb_put_field(b, sd[l], "sched_domain", "max_interval", 4 << l, 8);
		kb_put_field(b, sd[l], "sched_domain", "busy_factor", 16, 4);
		kb_put_field(b, sd[l], "sched_domain", "imbalance_pct", 110 + 7 * l, 4);
		kb_put_field(b, sd[l], "sched_domain", "balance_interval", 2 << l, 4);
		kb_put_field(b, sd[l], "sched_domain", "max_newidle_lb_cost", 3000 + cpu, 8);
		kb_put_field(b, sd[l], "sched_domain", "span_weight", l ? 4 : 2, 4);
		kb_put_field(b, sd[l], "sched_domain", "span", l ? 0xf : 3u << (cpu & 2), 8);
		kb_put_field(b, sd[l], "sched_domain", "lb_count[1]", 50 + cpu + l, 4);
		kb_put_field(b, sd[l], "sched_domain", "lb_gained[2]", 7 + l, 4);
		kb_put_field(b, sd[l], "sched_domain", "ttwu_move_balance", 9 + cpu, 4);
		if (lb)
			kb_put_field(b, sd[l], "sched_domain", "lb_imbalance[0]", 11, 4);
		else
			kb_put_field(b, sd[l], "sched_domain", "lb_imbalance_task[0]", 12, 4);
		kb_put_field(b, sg, "sched_group", "next", kb_va(b, sg), 8);
		kb_put_field(b, sg, "sched_group", "flags", l ? 0x4000 : 0x280, 4);
	}
	kb_put_field(b, rq, "rq", "sd", kb_va(b, sd[0]), 8);
}

static void kb_psi(struct kb *b)
{
	uint64_t size = kb_sizeof(b, "psi_group", BW_KIND_STRUCT);
	uint64_t psi = kb_static(b, size), total = kb_offsetof(b, "psi_group", "total");
	uint64_t avg = kb_offsetof(b, "psi_group", "avg");
	int64_t states = kb_enum(b, "NR_PSI_STATES") - 1;

	kb_sym(b, "psi_system", 'D', IMG(psi));
	for (int64_t s = 0; s < states; s++) {
		kb_put(b, psi + total + 8 * s, 1000000ull * (s + 1) + 999, 8); /* [PSI_AVGS][s] */
		kb_put(b, psi + total + 8 * (states + s), 77, 8);	       /* [PSI_POLL][s] */
		for (unsigned w = 0; w < 3; w++)
			kb_put(b, psi + avg + 8 * (3 * s + w), (s + 1) * 2048 + w * 512, 8);
	}
	kb_sym(b, "psi_disabled", 'D', IMG(kb_static(b, 16)));
}

/* sched_ext: 6.12's scx_ops, or 6.16+'s scx_root with per-CPU event counters. */
static void kb_scx(struct kb *b)
{
	bool root = kb_enum(b, "SCX_ENABLED") >= 0;
	uint64_t state = kb_static(b, 4), seq = kb_static(b, 24), all = kb_static(b, 1);

	kb_sym(b, root ? "scx_enable_state_var" : "scx_ops_enable_state_var", 'D', IMG(state));
	kb_put(b, state, root ? kb_enum(b, "SCX_ENABLED") : kb_enum(b, "SCX_OPS_ENABLED"), 4);
	kb_sym(b, "scx_nr_rejected", 'D', IMG(seq));
	kb_sym(b, "scx_hotplug_seq", 'D', IMG(seq + 8));
	kb_put(b, seq, 3, 8);
	kb_put(b, seq + 8, 12, 8);
	kb_sym(b, "scx_switching_all", 'D', IMG(all));
	kb_put(b, all, 1, 1);
	if (!root) {
		uint64_t ops = kb_static(b, kb_sizeof(b, "sched_ext_ops", BW_KIND_STRUCT));

		kb_sym(b, "scx_ops", 'D', IMG(ops));
		kb_puts(b, ops + kb_offsetof(b, "sched_ext_ops", "name"), "simple");
		return;
	}
	uint64_t sch = kb_obj(b, kb_sizeof(b, "scx_sched", BW_KIND_STRUCT)), var = kb_static(b, 8);
	uint64_t ev = kb_offsetof(b, "scx_sched_pcpu", "event_stats");

	kb_sym(b, "scx_enable_seq", 'D', IMG(seq + 16));
	kb_put(b, seq + 16, 5, 8);
	kb_sym(b, "scx_root", 'D', IMG(var));
	kb_put(b, var, kb_va(b, sch), 8);
	kb_puts(b, sch + kb_offsetof(b, "scx_sched", "ops.name"), "rusty");
	kb_put_field(b, sch, "scx_sched", "watchdog_timeout", 30000, 8);
	kb_put_field(b, sch, "scx_sched", "pcpu", KB_SCX_PCPU, 8);
	for (unsigned cpu = 0; cpu < KIMAGE_CPUS; cpu++)
		for (unsigned i = 0; i < 5; i++)
			kb_put(b, PA_PERCPU + cpu * PERCPU_STRIDE + KB_SCX_PCPU + ev + 8 * i,
			       10 * i + cpu, 8);
}

void kb_sched(struct kb *b)
{
	uint64_t cpustat = kb_offsetof(b, "kernel_cpustat", "cpustat");
	uint64_t v = kb_static(b, 48), schedstats = kb_static(b, 16);

	if (b->failed)
		return;
	for (unsigned cpu = 0; cpu < KIMAGE_CPUS; cpu++) {
		uint64_t rq = kb_percpu(b, "runqueues", cpu);

		for (unsigned i = 0; i < 10; i++)
			kb_put(b, kb_percpu(b, "kernel_cpustat", cpu) + cpustat + 8 * i,
			       1000000000ull * (i + 1) + 10000000ull * cpu, 8);
		kb_idle(b, cpu);
		kb_irqs(b, cpu);
		kb_put_field(b, rq, "rq", "nr_switches", 5000 + cpu, 8);
		kb_put_field(b, rq, "rq", "nr_iowait", cpu == 2, 4);
		kb_schedstat(b, cpu, rq);
		kb_domains(b, cpu, rq);
	}
	kb_timekeeper(b);
	/* tick_nohz_active, total_forks, irq_err_count, irq_mis_count, x86_platform_ipi_callback,
	 * jiffies_64 */
	kb_sym(b, "tick_nohz_active", 'D', IMG(v));
	kb_put(b, v, 1, 4);
	kb_sym(b, "total_forks", 'D', IMG(v + 8));
	kb_put(b, v + 8, 4242, 8);
	kb_sym(b, "irq_err_count", 'D', IMG(v + 16));
	kb_put(b, v + 16, 2, 4);
	kb_sym(b, "irq_mis_count", 'D', IMG(v + 20));
	kb_put(b, v + 20, 1, 4);
	kb_sym(b, "x86_platform_ipi_callback", 'D', IMG(v + 24));
	kb_put(b, v + 24, IMG(0x100), 8);
	kb_sym(b, "jiffies_64", 'D', IMG(v + 32));
	kb_put(b, v + 32, 4294967296ull + 300000, 8);
	kb_sym(b, "sched_schedstats", 'D', IMG(schedstats));
	kb_put(b, schedstats + kb_offsetof(b, "static_key_false", "key.enabled"), 1, 4);
	kb_psi(b);
	kb_scx(b);
}
