/* SPDX-License-Identifier: MIT */
/*
 * btfwalk scheduler and CPU state: what /proc/stat, /proc/softirqs, /proc/schedstat and
 * /proc/pressure/{cpu,memory,io,irq} print, read from a dump or a live guest through the
 * kernel's BTF (x86-64). Offsets, array lengths, enum values and names come from the dump's BTF;
 * the few constants the BTF cannot carry are named where they are used (USER_HZ, FSHIFT, the
 * tick_sched flag bit, the schedstat version number inferred from the layout).
 *
 * Every call fills a struct the caller frees with the matching _free function. A value this
 * kernel does not have (no CONFIG_SCHEDSTATS, PSI disabled, no PSI_IRQ, a field a version
 * lacks) is not an error: its `absent` string says why (static text, NULL when the value is
 * valid). Errors: BW_ENOENT when per-CPU symbols are unknown (give a System.map or kallsyms),
 * BW_ENOTSUP when the BTF lacks what a walk cannot do without (kernel_cpustat, kstat), read
 * errors naming the address, BW_ELIMIT past a cap below.
 */
#ifndef BTFWALK_SCHED_H
#define BTFWALK_SCHED_H

#include "common.h"
#include "kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A counter that this kernel may not have. */
struct bw_sched_value {
	uint64_t value;
	const char *absent; /* NULL: value is valid; else why not (static text) */
};

/* ---- /proc/stat ----
 *
 * Per possible CPU, kernel_cpustat.cpustat[] (indexes from enum cpu_usage_stat) in ns, idle and
 * iowait as fs/proc/stat.c computes them for online CPUs on NO_HZ kernels:
 * - 6.x: tick_cpu_sched's idle_sleeptime / iowait_sleeptime (when tick_nohz_active), plus the
 *   idle period in progress (idle_active: the bitfield, or bit 2 of tick_sched.flags,
 *   TS_FLAG_IDLE_ACTIVE, on kernels where it became a flag) counted from idle_entrytime to "now"
 *   into iowait if the runqueue's nr_iowait != 0, else into idle; truncated to microseconds.
 * - kernels whose kernel_cpustat carries idle_elapse (7.x): cpustat[IDLE/IOWAIT] plus, while
 *   idle_elapse, now - idle_entrytime less the idle_stealtime[iowait] still to subtract.
 * "now" is the kernel's CLOCK_MONOTONIC as far as memory tells: the largest of the timekeeper's
 * last update (tk_core / timekeeper_data[TIMEKEEPER_CORE] .timekeeper.tkr_mono: base +
 * xtime_nsec >> shift) and every CPU's recorded idle entry/exit times. The clocksource cycles
 * since the last update are not in memory, so "now" is early by at most the time since the last
 * timekeeping update or idle transition on any CPU (one tick, 1/HZ, while any CPU is busy);
 * now_ns says which value was used. Offline CPUs, and kernels without NO_HZ, use cpustat as is.
 * Not followed: nohz_full CPUs with generic vtime accounting, whose running task's time since
 * its last vtime update kcpustat_cpu_fetch() adds (none unless booted with nohz_full=).
 * Ticks are ns / (NSEC_PER_SEC / USER_HZ), USER_HZ being 100 on x86 (an ABI constant).
 * The aggregate sums possible CPUs (as the kernel's "cpu" line), in ns, then converts.
 * intr: kstat.irqs_sum plus the architecture's per-CPU counters (irq_stat: the named fields
 * arch_irq_stat_cpu() adds, or counts[] less IRQ_COUNT_TLB, which CALL_FUNCTION already counts;
 * the platform IPI only when x86_platform_ipi_callback is set; mce_exception_count and
 * mce_poll_count where per-CPU variables), over possible CPUs, plus irq_err_count and
 * irq_mis_count where they are globals. ctxt: rq->nr_switches over possible CPUs. processes:
 * total_forks. procs_running: rq->nr_running over online CPUs. procs_blocked: rq->nr_iowait over
 * possible CPUs.
 */
enum bw_stat_col {
	BW_STAT_USER,
	BW_STAT_NICE,
	BW_STAT_SYSTEM,
	BW_STAT_IDLE,
	BW_STAT_IOWAIT,
	BW_STAT_IRQ,
	BW_STAT_SOFTIRQ,
	BW_STAT_STEAL,
	BW_STAT_GUEST,
	BW_STAT_GUEST_NICE,
	BW_STAT_NR_COLS
};

struct bw_stat_cpu {
	uint32_t cpu;
	bool online;
	uint64_t ns[BW_STAT_NR_COLS];
	uint64_t ticks[BW_STAT_NR_COLS];
	bool idle_in_progress; /* an idle period was open at the dump (counted up to now_ns) */
};

struct bw_stat {
	uint32_t user_hz;
	const char *col_name[BW_STAT_NR_COLS];	 /* "user", "nice", ... */
	const char *col_absent[BW_STAT_NR_COLS]; /* column whose enumerator the BTF lacks */
	const char *idle_source; /* "tick_sched", "kernel_cpustat" (7.x) or "cpustat" */
	uint64_t now_ns;	 /* CLOCK_MONOTONIC used for open idle periods; 0 if unknown */
	const char *now_source;	 /* "timekeeper", "idle entry/exit" or NULL */
	uint64_t total_ns[BW_STAT_NR_COLS];
	uint64_t total_ticks[BW_STAT_NR_COLS];
	uint32_t nr_cpus; /* possible CPUs, in order; /proc/stat prints the online ones */
	struct bw_stat_cpu *cpus;
	struct bw_sched_value intr, ctxt, processes, procs_running, procs_blocked;
};

int bw_kernel_stat(const struct bw_kernel *k, struct bw_stat **out, struct bw_error *err);
void bw_kernel_stat_free(const struct bw_kernel *k, struct bw_stat *st);

/* ---- /proc/softirqs ----
 *
 * kstat.softirqs[] of every possible CPU; rows are the enumerators of the enum holding
 * NR_SOFTIRQS, named as /proc/softirqs does (the enumerator less "_SOFTIRQ": HI, TIMER,
 * NET_TX, ...). At most BW_SOFTIRQ_MAX rows (BW_ELIMIT).
 */
#define BW_SOFTIRQ_MAX 32
#define BW_SOFTIRQ_NAME 32

struct bw_softirqs {
	uint32_t nr_softirqs;
	char name[BW_SOFTIRQ_MAX][BW_SOFTIRQ_NAME];
	uint32_t nr_cpus; /* possible CPUs */
	uint32_t *cpu;	  /* [nr_cpus] CPU numbers */
	uint64_t *count;  /* [softirq * nr_cpus + cpu index] */
};

int bw_kernel_softirqs(const struct bw_kernel *k, struct bw_softirqs **out, struct bw_error *err);
void bw_kernel_softirqs_free(const struct bw_kernel *k, struct bw_softirqs *s);

/* ---- /proc/schedstat ----
 *
 * The version is not in the BTF; it is inferred from the layout as kernel/sched/stats.c's
 * SCHEDSTAT_VERSION moved with it: 17 when sched_domain has lb_imbalance_load (the domain line
 * then carries the domain's name), 16 when enum cpu_idle_type's 0 is __CPU_NOT_IDLE, else 15.
 * timestamp: jiffies. Per online CPU the runqueue's yld_count, 0, sched_count, sched_goidle,
 * ttwu_count, ttwu_local, rq_cpu_time, rq_sched_info.run_delay, rq_sched_info.pcount, then
 * each domain from rq->sd up the parents: its span (as %*pb prints it, nr_cpu_ids bits), the
 * lb_* counters per idle type in enum cpu_idle_type order, and the alb/sbe/sbf/ttwu counters.
 * Where the BTF has no sched_domain.span (7.x: the flexible array is not encoded), the span is
 * read right after the struct, where sched_domain_span() finds it.
 * Without CONFIG_SCHEDSTATS (no rq->yld_count) the call fails with BW_ENOTSUP. `enabled` is the
 * sched_schedstats static key (kernel.sched_schedstats): off, most counters stand still.
 * Caps: BW_SCHEDSTAT_MAX_DOMAINS levels per CPU, BW_SCHEDSTAT_MAX_VALUES values per domain.
 */
#define BW_SCHEDSTAT_MAX_DOMAINS 16
#define BW_SCHEDSTAT_MAX_VALUES 64
#define BW_SCHEDSTAT_NAME 32
#define BW_SCHEDSTAT_CPU_VALUES 9
#define BW_SCHEDSTAT_VALUE_NAME 48

struct bw_schedstat_domain {
	char name[BW_SCHEDSTAT_NAME]; /* sd->name ("SMT", "MC", "PKG", "NUMA", ...) */
	char span[BW_SCHEDSTAT_NAME * 8];
	uint32_t nr_values;
	uint64_t value[BW_SCHEDSTAT_MAX_VALUES];
};

struct bw_schedstat_cpu {
	uint32_t cpu;
	uint64_t value[BW_SCHEDSTAT_CPU_VALUES];
	uint32_t nr_domains;
	struct bw_schedstat_domain domain[BW_SCHEDSTAT_MAX_DOMAINS];
};

struct bw_schedstat {
	uint32_t version;
	bool domain_names; /* the domain line prints the name (version >= 17) */
	uint64_t timestamp;
	struct bw_sched_value enabled; /* sched_schedstats key: 1 on, 0 off */
	const char *cpu_value_name[BW_SCHEDSTAT_CPU_VALUES];
	uint32_t nr_domain_values;
	/* "lb_count[CPU_IDLE]", ..., "ttwu_move_balance" */
	char domain_value_name[BW_SCHEDSTAT_MAX_VALUES][BW_SCHEDSTAT_VALUE_NAME];
	uint32_t nr_cpus; /* online CPUs */
	struct bw_schedstat_cpu *cpus;
};

int bw_kernel_schedstat(const struct bw_kernel *k, struct bw_schedstat **out, struct bw_error *err);
void bw_kernel_schedstat_free(const struct bw_kernel *k, struct bw_schedstat *s);

/* ---- /proc/pressure/{cpu,memory,io,irq} ----
 *
 * psi_system: avg[state][0..2] (fixed point, FSHIFT 11 as include/linux/sched/loadavg.h, shown
 * as LOAD_INT.LOAD_FRAC) and total[PSI_AVGS][state] / 1000 (us), state = resource * 2 + full.
 * The totals are those of the kernel's last aggregation (psi_avgs_work every 2 s, or a read of
 * the /proc file); per-CPU time not yet aggregated is not added. "cpu full" of the system group
 * is printed as zeros, as the kernel does; irq has only "full". Absent: PSI disabled
 * (psi_disabled static key, psi=0 or CONFIG_PSI_DEFAULT_DISABLED without psi=1), no psi_system
 * (no CONFIG_PSI), no PSI_IRQ (no CONFIG_IRQ_TIME_ACCOUNTING).
 */
enum bw_psi_res { BW_PSI_CPU, BW_PSI_MEMORY, BW_PSI_IO, BW_PSI_IRQ, BW_PSI_NR };

struct bw_psi_line {
	bool present;	 /* false: the file has no such line (irq "some") */
	uint64_t avg[3]; /* raw fixed point: avg10, avg60, avg300 */
	uint64_t total_us;
};

struct bw_psi_resource {
	const char *name;   /* "cpu", "memory", "io", "irq" */
	const char *absent; /* why there is no /proc/pressure/NAME */
	struct bw_psi_line some, full;
};

struct bw_pressure {
	struct bw_psi_resource res[BW_PSI_NR];
};

int bw_kernel_pressure(const struct bw_kernel *k, struct bw_pressure **out, struct bw_error *err);
void bw_kernel_pressure_free(const struct bw_kernel *k, struct bw_pressure *p);
/* The integer and hundredths of a PSI average as the kernel prints "%lu.%02lu". */
void bw_psi_avg_split(uint64_t avg, uint64_t *whole, uint64_t *hundredths);

#ifdef __cplusplus
}
#endif
#endif
