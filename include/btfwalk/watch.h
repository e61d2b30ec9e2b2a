/* SPDX-License-Identifier: MIT */
/*
 * btfwalk watch: open once, sample many. A compiled query over a kernel (bw_kernel_open on a
 * live source: bw_mem_open_qemu, bw_mem_open_mapped, or backend files by path) resolves its
 * expressions and built-in walks once (symbols, BTF offsets and sizes, per-CPU bases, page-table
 * translations) into a list of physical reads, and each sample is then one batch of reads
 * (one process_vm_readv on a QEMU source), plus a re-evaluation of the expressions that follow
 * pointers. Between samples it gives deltas and per-second rates.
 *
 * What a booting kernel fills late is re-checked on every sample, in the same batch: the online
 * CPU mask and __per_cpu_offset[] (a change recompiles the query: bw_watch_stats counts it) and
 * page_offset_base (a change from what bw_kernel_open saw is BW_EMISMATCH: reopen the kernel).
 *
 * A value that cannot be read in a sample (a pointer chase that meets a half-updated structure,
 * memory that is not there) has ok false and error saying why; the other values of the sample
 * stand. The library reads no clock: the caller passes its own time to bw_watch_sample.
 */
#ifndef BTFWALK_WATCH_H
#define BTFWALK_WATCH_H

#include "kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BW_WATCH_MAX_EXPRS 1024	      /* expressions in one query */
#define BW_WATCH_MAX_READS (1u << 20) /* physical reads one sample may take (BW_ELIMIT) */

struct bw_watch;

struct bw_watch_expr {
	const char *expr; /* a path expression (kernel.h) naming an integer, enum or pointer */
	bool counter;	  /* a counter: going backwards is a reset, not a negative rate */
};

struct bw_watch_opts {
	const struct bw_watch_expr *exprs;
	size_t nexprs;
	/* The NUMA walk: counters "numa.nodeN.NAME" (NAME as sysfs numastat prints it). */
	bool numa;
	/* Every online CPU's runqueue: "rq.cpuN.clock" (counter) and "rq.cpuN.nr_running". */
	bool runqueues;
	/* A CPU whose rq.clock has not advanced for this many samples while nr_running > 0 is
	 * stalled (0: 5). */
	uint32_t stall_samples;
	/*
	 * The scheduler walks of sched.h, compiled: the same code as bw_kernel_stat & co., its
	 * reads recorded once and replayed from the sample's batch (no pointer is followed).
	 * stat: "stat.cpuN.COL" per online CPU and "stat.cpu.COL" summed over possible CPUs, COL
	 *   user nice system idle iowait irq softirq steal guest guest_nice, in USER_HZ ticks as
	 *   /proc/stat prints them (rate 100: one CPU's worth); idle and iowait of NO_HZ kernels
	 *   computed as bw_kernel_stat does, from the tick_sched / kernel_cpustat idle times and
	 *   the timekeeper read in the same batch (so "now" is the last timekeeping update or idle
	 *   transition: up to a tick early; a batch is not atomic, so a CPU entering or leaving
	 *   idle while it is read can step its idle back once: a reset, never a negative rate);
	 *   counters "stat.intr", "stat.ctxt", "stat.processes";
	 *   gauges "stat.procs_running", "stat.procs_blocked".
	 * softirqs: counters "softirqs.cpuN.NAME" per possible CPU, NAME from the kernel's enum
	 *   (HI, TIMER, NET_TX, NET_RX, BLOCK, ...).
	 * schedstat: counters "schedstat.cpuN.NAME" per online CPU, NAME yld_count sched_count
	 *   sched_goidle ttwu_count ttwu_local rq_cpu_time run_delay pcount (the runqueue columns
	 *   of /proc/schedstat, no domain lines); gauge "schedstat.enabled" (sched_schedstats).
	 * pressure: per resource R (cpu memory io irq) and line L (some full, as /proc/pressure/R
	 *   has them) counter "pressure.R.L.total" (us, as of the kernel's last aggregation) and
	 *   gauges "pressure.R.L.avg10" / avg60 / avg300 in hundredths of a percent.
	 * What this kernel lacks is a value that is never ok, its error saying why: the whole walk
	 * ("schedstat": no CONFIG_SCHEDSTATS; "stat", ...) or a part ("pressure.irq": no PSI_IRQ;
	 * "pressure.cpu" & co.: PSI off or disabled; "stat.intr": no kstat.irqs_sum; ...). A read
	 * that fails in a sample fails that walk's values for the sample, with its error; a read
	 * with no page when compiled fails them until the query is compiled again. Their reads
	 * count against BW_WATCH_MAX_READS (adjacent ones are merged into one).
	 */
	bool stat, softirqs, schedstat, pressure;
};

/*
 * Compile the query. k (and its memory) must outlive the watch. Errors are those of the walks
 * and expressions (a bad expression is BW_EINVAL naming it; a value that cannot be read at
 * compile time is no error: it is read again every sample).
 */
int bw_watch_open(const struct bw_kernel *k, const struct bw_watch_opts *opts,
		  struct bw_watch **out, struct bw_error *err);
void bw_watch_close(struct bw_watch *w);

struct bw_watch_value {
	const char *name; /* "numa.node0.numa_hit", "rq.cpu1.clock", or the expression */
	bool counter;
	bool ok;	   /* read in the last sample; when false, error says why */
	const char *error; /* NULL when ok */
	uint64_t value;
	bool has_delta; /* the previous sample read it too */
	int64_t delta;	/* value minus the previous value (0 on a reset) */
	double rate;	/* delta per second of the caller's clock (0 on a reset) */
	bool reset;	/* a counter went backwards */
};

/*
 * Take a sample at time_ns (the caller's monotonic clock, in nanoseconds). 0 when the sample
 * was taken (some values may still have failed: see each value's ok); BW_EGONE when the
 * source went away (QEMU exited); BW_EMISMATCH when page_offset_base changed (open the kernel
 * again). When a recompile (the online mask or __per_cpu_offset[] changed) fails, that error,
 * and the next sample compiles again: a later sample may succeed.
 */
int bw_watch_sample(struct bw_watch *w, uint64_t time_ns, struct bw_error *err);

/* The values of the last sample, in a fixed order: expressions, then NUMA, runqueues, stat,
 * softirqs, schedstat and pressure. */
size_t bw_watch_values(const struct bw_watch *w, const struct bw_watch_value **out);

struct bw_watch_cpu {
	uint32_t cpu;
	uint32_t still; /* samples in a row whose rq.clock did not advance while nr_running > 0 */
	bool stalled;	/* still >= stall_samples */
};
/* The online CPUs' stall state (runqueues only; 0 otherwise). */
size_t bw_watch_cpus(const struct bw_watch *w, const struct bw_watch_cpu **out);

struct bw_watch_stats {
	uint64_t samples;
	uint32_t reads;	     /* physical reads per sample (static values and walks) */
	uint32_t dynamic;    /* expressions re-evaluated every sample (they follow pointers) */
	uint32_t recompiles; /* the online mask or __per_cpu_offset[] changed */
};
void bw_watch_get_stats(const struct bw_watch *w, struct bw_watch_stats *out);

#ifdef __cplusplus
}
#endif
#endif
