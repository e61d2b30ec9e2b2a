/* SPDX-License-Identifier: MIT */
/*
 * /proc/stat: per-CPU times from kernel_cpustat, idle and iowait as fs/proc/stat.c computes them
 * (see include/btfwalk/sched.h for the rules and the choice of "now"), and the intr, ctxt,
 * processes, procs_running and procs_blocked counters. The layout and CPUs are resolved once
 * from the BTF (a plan), then read per CPU as often as wanted.
 */
#include <string.h>
#include "internal.h"
#include "walks/sched_impl.h"

#define STAT_USER_HZ 100	   /* x86 USER_HZ: the ABI unit of /proc/stat, not in the BTF */
#define STAT_TS_FLAG_IDLE_ACTIVE 2 /* bit of tick_sched.flags (kernel/time/tick-sched.h) */
#define STAT_MAX_IRQ_FIELDS 32

enum stat_idle_mode { STAT_IDLE_CPUSTAT, STAT_IDLE_TICK_SCHED, STAT_IDLE_KCS };

static const char *const stat_enum[BW_STAT_NR_COLS] = {
	"CPUTIME_USER", "CPUTIME_NICE",	   "CPUTIME_SYSTEM", "CPUTIME_IDLE",  "CPUTIME_IOWAIT",
	"CPUTIME_IRQ",	"CPUTIME_SOFTIRQ", "CPUTIME_STEAL",  "CPUTIME_GUEST", "CPUTIME_GUEST_NICE",
};
static const char *const stat_col[BW_STAT_NR_COLS] = {
	"user", "nice",	   "system", "idle",  "iowait",
	"irq",	"softirq", "steal",  "guest", "guest_nice",
};
/* irq_cpustat_t members arch_irq_stat_cpu() adds on 6.x x86 (x86_platform_ipis separately). */
static const char *const stat_irq_names[] = {
	"__nmi_count",	      "apic_timer_irqs",      "irq_spurious_count", "apic_perf_irqs",
	"apic_irq_work_irqs", "icr_read_retry_count", "irq_resched_count",  "irq_call_count",
	"irq_thermal_count",  "irq_threshold_count",
};

struct stat_global {
	const char *sym;
	uint64_t addr;
	uint64_t size; /* 0: absent */
};

struct stat_layout {
	uint64_t kcs; /* per-CPU kernel_cpustat */
	struct sched_field cpustat;
	int64_t idx[BW_STAT_NR_COLS]; /* -1: the BTF lacks the enumerator */
	const char *col_absent[BW_STAT_NR_COLS];

	enum stat_idle_mode idle;
	uint64_t ts; /* per-CPU tick_cpu_sched */
	struct sched_field ts_idle, ts_iowait, ts_entry, ts_exit, ts_active, ts_flags;
	struct sched_field kcs_elapse, kcs_entry, kcs_steal;

	bool tk;
	uint64_t tk_addr; /* the core struct timekeeper */
	struct sched_field tk_base, tk_xtime, tk_shift;

	uint64_t rq; /* per-CPU runqueues */
	struct sched_field nr_running, nr_switches, nr_iowait;
	uint64_t kstat;
	struct sched_field irqs_sum;
	uint64_t irq_stat;
	struct sched_field irq_field[STAT_MAX_IRQ_FIELDS], irq_platform, irq_counts;
	uint32_t nr_irq_fields;
	int64_t irq_tlb, irq_platform_idx; /* counts[] indexes; -1 none */
	struct stat_global platform_cb, mce_exc, mce_poll, irq_err, irq_mis, total_forks,
		nohz_active;
};

static void stat_global(const struct bw_kernel *k, const char *sym, uint64_t size,
			struct stat_global *g)
{
	g->sym = sym;
	g->size = bw_kernel_symbol_quiet(k, sym, &g->addr) ? size : 0;
}

static int stat_global_read(const struct bw_walk_src *src, const struct stat_global *g,
			    uint64_t off, uint64_t *v, struct bw_error *err)
{
	int ret = bw_walk_src_read(src, g->addr + off, (uint32_t)g->size, v, err);

	return ret ? bw_kernel_prefix(err, "%s", g->sym) : 0;
}

static void stat_layout_idle(const struct bw_kernel *k, struct stat_layout *l)
{
	sched_field(k, "kernel_cpustat", "idle_elapse", &l->kcs_elapse);
	sched_field(k, "kernel_cpustat", "idle_entrytime", &l->kcs_entry);
	sched_field(k, "kernel_cpustat", "idle_stealtime", &l->kcs_steal);
	if (l->kcs_elapse.found && l->kcs_entry.found) {
		l->idle = STAT_IDLE_KCS;
		return;
	}
	sched_field(k, "tick_sched", "idle_sleeptime", &l->ts_idle);
	sched_field(k, "tick_sched", "iowait_sleeptime", &l->ts_iowait);
	sched_field(k, "tick_sched", "idle_entrytime", &l->ts_entry);
	sched_field(k, "tick_sched", "idle_exittime", &l->ts_exit);
	sched_field(k, "tick_sched", "idle_active", &l->ts_active);
	if (!l->ts_active.found)
		sched_field(k, "tick_sched", "flags", &l->ts_flags);
	if (l->ts_idle.found && l->ts_iowait.found && l->ts_entry.found &&
	    (l->ts_active.found || l->ts_flags.found) &&
	    bw_kernel_symbol_quiet(k, "tick_cpu_sched", &l->ts)) {
		stat_global(k, "tick_nohz_active", sched_int_size(k, "int"), &l->nohz_active);
		if (l->nohz_active.size)
			l->idle = STAT_IDLE_TICK_SCHED;
	}
}

/* The core timekeeper: tk_core.timekeeper (6.x), timekeeper_data[TIMEKEEPER_CORE] (7.x). */
static void stat_layout_timekeeper(const struct bw_kernel *k, struct stat_layout *l)
{
	struct sched_field f;
	uint64_t addr, seq, align;
	uint32_t id;
	int64_t core;

	sched_field(k, "timekeeper", "tkr_mono.base", &l->tk_base);
	sched_field(k, "timekeeper", "tkr_mono.xtime_nsec", &l->tk_xtime);
	sched_field(k, "timekeeper", "tkr_mono.shift", &l->tk_shift);
	if (!l->tk_base.found || !l->tk_xtime.found || !l->tk_shift.found)
		return;
	sched_field(k, "tk_data", "timekeeper", &f);
	if (f.found && bw_kernel_symbol_quiet(k, "timekeeper_data", &addr) &&
	    sched_enum(k, "TIMEKEEPER_CORE", &core) && core >= 0 && core < 16) {
		l->tk_addr = addr + (uint64_t)core * sched_sizeof(k, "tk_data") + f.off;
		l->tk = true;
		return;
	}
	/* tk_core is an anonymous struct { seqcount_raw_spinlock_t seq; struct timekeeper
	 * timekeeper; } the BTF does not carry: the member follows seq at its alignment. */
	seq = sched_sizeof(k, "seqcount_raw_spinlock_t");
	if (!seq || !bw_kernel_symbol_quiet(k, "tk_core", &addr) ||
	    bw_kernel_type_named(k, "timekeeper", BW_KIND_STRUCT, &id, NULL) ||
	    bw_btf_alignof(k->btf, id, &align, NULL) || !align)
		return;
	l->tk_addr = addr + (seq + align - 1) / align * align;
	l->tk = true;
}

static void stat_layout_irq(const struct bw_kernel *k, struct stat_layout *l)
{
	size_t i;

	l->irq_tlb = l->irq_platform_idx = -1;
	if (!bw_kernel_symbol_quiet(k, "irq_stat", &l->irq_stat))
		return;
	sched_field(k, "irq_cpustat_t", "counts", &l->irq_counts);
	if (l->irq_counts.found) {
		if (!sched_enum(k, "IRQ_COUNT_TLB", &l->irq_tlb))
			l->irq_tlb = -1;
		if (!sched_enum(k, "IRQ_COUNT_X86_PLATFORM_IPI", &l->irq_platform_idx))
			l->irq_platform_idx = -1;
	} else {
		for (i = 0; i < sizeof(stat_irq_names) / sizeof(stat_irq_names[0]); i++) {
			sched_field(k, "irq_cpustat_t", stat_irq_names[i],
				    &l->irq_field[l->nr_irq_fields]);
			if (l->irq_field[l->nr_irq_fields].found)
				l->nr_irq_fields++;
		}
		sched_field(k, "irq_cpustat_t", "x86_platform_ipis", &l->irq_platform);
	}
	stat_global(k, "x86_platform_ipi_callback", 8, &l->platform_cb);
	stat_global(k, "mce_exception_count", sched_var_size(k, "mce_exception_count"),
		    &l->mce_exc);
	stat_global(k, "mce_poll_count", sched_var_size(k, "mce_poll_count"), &l->mce_poll);
	stat_global(k, "irq_err_count", sched_sizeof(k, "atomic_t"), &l->irq_err);
	stat_global(k, "irq_mis_count", sched_sizeof(k, "atomic_t"), &l->irq_mis);
}

static int stat_layout_init(const struct bw_kernel *k, struct stat_layout *l, struct bw_error *err)
{
	int64_t v;
	int i;

	memset(l, 0, sizeof(*l));
	sched_field(k, "kernel_cpustat", "cpustat", &l->cpustat);
	if (!l->cpustat.found || !l->cpustat.nelems || l->cpustat.size != 8)
		return bw_fail(err, BW_ENOTSUP, "no kernel_cpustat.cpustat u64 array in the BTF");
	for (i = 0; i < BW_STAT_NR_COLS; i++) {
		l->idx[i] = -1;
		if (!sched_enum(k, stat_enum[i], &v))
			l->col_absent[i] = "enum cpu_usage_stat lacks it";
		else if (v < 0 || v >= l->cpustat.nelems)
			l->col_absent[i] = "enumerator beyond kernel_cpustat.cpustat[]";
		else
			l->idx[i] = v;
	}
	stat_layout_idle(k, l);
	stat_layout_timekeeper(k, l);
	sched_field(k, "rq", "nr_running", &l->nr_running);
	sched_field(k, "rq", "nr_switches", &l->nr_switches);
	sched_field(k, "rq", "nr_iowait", &l->nr_iowait);
	if (!bw_kernel_symbol_quiet(k, "runqueues", &l->rq))
		l->nr_running.found = l->nr_switches.found = l->nr_iowait.found = false;
	sched_field(k, "kernel_stat", "irqs_sum", &l->irqs_sum);
	if (!bw_kernel_symbol_quiet(k, "kstat", &l->kstat))
		l->irqs_sum.found = false;
	stat_layout_irq(k, l);
	stat_global(k, "total_forks", sched_int_size(k, "long unsigned int"), &l->total_forks);
	return bw_kernel_symbol(k, "kernel_cpustat", &l->kcs, err);
}

/* The architecture's interrupt counts of one CPU (arch_irq_stat_cpu). The platform IPI count
 * is read whether or not it is added: which reads a walk takes must not depend on values. */
static int stat_irq_cpu(const struct bw_walk_src *src, const struct stat_layout *l, uint64_t off,
			bool platform, uint64_t *sum, struct bw_error *err)
{
	uint64_t base = l->irq_stat + off, v = 0;
	uint32_t i;
	int ret = 0;

	if (l->irq_counts.found) {
		for (i = 0; i < l->irq_counts.nelems && !ret; i++) {
			if (i == l->irq_tlb)
				continue;
			ret = sched_read_elem(src, base, &l->irq_counts, i, &v, err);
			if (i != l->irq_platform_idx || platform)
				*sum += v;
		}
	} else {
		for (i = 0; i < l->nr_irq_fields && !ret; i++) {
			ret = sched_read(src, base, &l->irq_field[i], &v, err);
			*sum += v;
		}
		if (!ret && l->irq_platform.found) {
			ret = sched_read(src, base, &l->irq_platform, &v, err);
			*sum += platform ? v : 0;
		}
	}
	if (!ret && l->mce_exc.size) {
		ret = stat_global_read(src, &l->mce_exc, off, &v, err);
		*sum += v;
	}
	if (!ret && l->mce_poll.size) {
		ret = stat_global_read(src, &l->mce_poll, off, &v, err);
		*sum += v;
	}
	return ret;
}

static void stat_now_candidate(struct bw_stat *st, uint64_t t, const char *source)
{
	if ((int64_t)t > 0 && t > st->now_ns) {
		st->now_ns = t;
		st->now_source = source;
	}
}

/* "now": the timekeeper's last update, or a later idle entry/exit any CPU recorded. */
static int stat_now(const struct bw_walk_src *src, const struct stat_layout *l,
		    const struct sched_cpus *c, struct bw_stat *st, struct bw_error *err)
{
	uint64_t base, xtime, shift, t;
	uint32_t j;
	int ret;

	if (l->tk) {
		ret = sched_read(src, l->tk_addr, &l->tk_base, &base, err);
		if (!ret)
			ret = sched_read(src, l->tk_addr, &l->tk_xtime, &xtime, err);
		if (!ret)
			ret = sched_read(src, l->tk_addr, &l->tk_shift, &shift, err);
		if (ret)
			return bw_kernel_prefix(err, "timekeeper at 0x%llx",
						(unsigned long long)l->tk_addr);
		stat_now_candidate(st, base + (shift < 64 ? xtime >> shift : 0), "timekeeper");
	}
	for (j = 0; j < c->nr; j++) {
		if (l->idle == STAT_IDLE_KCS) {
			ret = sched_read(src, l->kcs + c->off[j], &l->kcs_entry, &t, err);
			if (ret)
				return ret;
			stat_now_candidate(st, t, "idle entry/exit");
		} else if (l->idle == STAT_IDLE_TICK_SCHED) {
			ret = sched_read(src, l->ts + c->off[j], &l->ts_entry, &t, err);
			if (ret)
				return ret;
			stat_now_candidate(st, t, "idle entry/exit");
			if (l->ts_exit.found) {
				ret = sched_read(src, l->ts + c->off[j], &l->ts_exit, &t, err);
				if (ret)
					return ret;
				stat_now_candidate(st, t, "idle entry/exit");
			}
		}
	}
	return 0;
}

/* Idle and iowait of one online CPU on a NO_HZ kernel (get_idle_time/get_iowait_time); read
 * always, used when nohz (tick_nohz_active, or kernel_cpustat's own idle accounting). */
static int stat_idle_cpu(const struct bw_walk_src *src, const struct stat_layout *l, uint64_t off,
			 bool iowait, bool nohz, uint64_t now, struct bw_stat_cpu *cpu,
			 struct bw_error *err)
{
	uint64_t idle, io, active, entry, steal[2] = {0, 0};
	uint32_t i;
	int ret;

	if (l->idle == STAT_IDLE_TICK_SCHED) {
		uint64_t ts = l->ts + off;

		ret = sched_read(src, ts, &l->ts_idle, &idle, err);
		if (!ret)
			ret = sched_read(src, ts, &l->ts_iowait, &io, err);
		if (!ret)
			ret = sched_read(src, ts, &l->ts_entry, &entry, err);
		if (!ret)
			ret = sched_read(src, ts, l->ts_active.found ? &l->ts_active : &l->ts_flags,
					 &active, err);
		if (ret)
			return bw_kernel_prefix(err, "tick_cpu_sched@cpu%u", cpu->cpu);
		if (!l->ts_active.found)
			active = (active >> STAT_TS_FLAG_IDLE_ACTIVE) & 1;
	} else {
		uint64_t kc = l->kcs + off;

		idle = cpu->ns[BW_STAT_IDLE];
		io = cpu->ns[BW_STAT_IOWAIT];
		ret = sched_read(src, kc, &l->kcs_elapse, &active, err);
		if (!ret)
			ret = sched_read(src, kc, &l->kcs_entry, &entry, err);
		for (i = 0; !ret && l->kcs_steal.found && i < 2; i++)
			ret = l->kcs_steal.nelems
				      ? (i < l->kcs_steal.nelems
						 ? sched_read_elem(src, kc, &l->kcs_steal, i,
								   &steal[i], err)
						 : 0)
				      : sched_read(src, kc, &l->kcs_steal, &steal[i], err);
		if (ret)
			return bw_kernel_prefix(err, "kernel_cpustat@cpu%u", cpu->cpu);
	}
	if (!nohz)
		return 0;
	if (active && now > entry) {
		uint64_t delta = now - entry;

		if (l->idle == STAT_IDLE_KCS)
			delta -= steal[iowait] < delta ? steal[iowait] : delta;
		if (iowait)
			io += delta;
		else
			idle += delta;
		cpu->idle_in_progress = true;
	}
	/* ktime_to_us() then * NSEC_PER_USEC, as fs/proc/stat.c */
	cpu->ns[BW_STAT_IDLE] = idle / 1000 * 1000;
	cpu->ns[BW_STAT_IOWAIT] = io / 1000 * 1000;
	return 0;
}

static int stat_cpu(const struct bw_walk_src *src, const struct stat_layout *l,
		    const struct sched_cpus *c, uint32_t j, bool platform, bool nohz,
		    struct bw_stat *st, struct bw_error *err)
{
	struct bw_stat_cpu *cpu = &st->cpus[j];
	uint64_t off = c->off[j], v;
	int ret = 0, i;

	cpu->cpu = c->id[j];
	cpu->online = c->online[j];
	for (i = 0; i < BW_STAT_NR_COLS && !ret; i++)
		if (l->idx[i] >= 0)
			ret = sched_read_elem(src, l->kcs + off, &l->cpustat, (uint32_t)l->idx[i],
					      &cpu->ns[i], err);
	if (ret)
		return bw_kernel_prefix(err, "kernel_cpustat@cpu%u", cpu->cpu);
	v = 0;
	if (l->nr_iowait.found) {
		ret = sched_read(src, l->rq + off, &l->nr_iowait, &v, err);
		if (ret)
			return bw_kernel_prefix(err, "runqueues@cpu%u.nr_iowait", cpu->cpu);
		v = (uint64_t)(int64_t)(int32_t)v;
		st->procs_blocked.value += v;
	}
	if (cpu->online && l->idle != STAT_IDLE_CPUSTAT) {
		ret = stat_idle_cpu(src, l, off, v != 0, nohz, st->now_ns, cpu, err);
		if (ret)
			return ret;
	}
	for (i = 0; i < BW_STAT_NR_COLS; i++) {
		cpu->ticks[i] = cpu->ns[i] / (1000000000u / STAT_USER_HZ);
		st->total_ns[i] += cpu->ns[i];
	}
	if (l->nr_switches.found) {
		ret = sched_read(src, l->rq + off, &l->nr_switches, &v, err);
		st->ctxt.value += v;
	}
	if (!ret && l->nr_running.found && cpu->online) {
		ret = sched_read(src, l->rq + off, &l->nr_running, &v, err);
		st->procs_running.value += v;
	}
	if (ret)
		return bw_kernel_prefix(err, "runqueues@cpu%u", cpu->cpu);
	if (l->irqs_sum.found) {
		ret = sched_read(src, l->kstat + off, &l->irqs_sum, &v, err);
		if (ret)
			return bw_kernel_prefix(err, "kstat@cpu%u.irqs_sum", cpu->cpu);
		st->intr.value += v;
		if (l->irq_stat) {
			ret = stat_irq_cpu(src, l, off, platform, &st->intr.value, err);
			if (ret)
				return bw_kernel_prefix(err, "irq_stat@cpu%u", cpu->cpu);
		}
	}
	return 0;
}

struct bw_stat_plan {
	struct stat_layout l;
	struct sched_cpus c;
};

static int stat_read(const void *plan, const struct bw_walk_src *src, void *out,
		     struct bw_error *err)
{
	const struct bw_stat_plan *p = plan;
	struct bw_stat *st = out;
	const struct stat_layout *l = &p->l;
	const struct sched_cpus *c = &p->c;
	struct bw_stat_cpu *cpus = st->cpus;
	uint64_t v = 0, nohz = 1;
	uint32_t j;
	int ret = 0, i;

	memset(st, 0, sizeof(*st));
	memset(cpus, 0, (size_t)c->nr * sizeof(*cpus));
	st->cpus = cpus;
	st->nr_cpus = c->nr;
	st->user_hz = STAT_USER_HZ;
	for (i = 0; i < BW_STAT_NR_COLS; i++) {
		st->col_name[i] = stat_col[i];
		st->col_absent[i] = l->col_absent[i];
	}
	st->idle_source = l->idle == STAT_IDLE_KCS	    ? "kernel_cpustat"
			  : l->idle == STAT_IDLE_TICK_SCHED ? "tick_sched"
							    : "cpustat";
	if (l->idle != STAT_IDLE_CPUSTAT)
		ret = stat_now(src, l, c, st, err);
	if (!ret && l->idle == STAT_IDLE_TICK_SCHED)
		ret = stat_global_read(src, &l->nohz_active, 0, &nohz, err);
	if (!ret && l->platform_cb.size)
		ret = stat_global_read(src, &l->platform_cb, 0, &v, err);
	for (j = 0; j < c->nr && !ret; j++)
		ret = stat_cpu(src, l, c, j, v != 0, nohz != 0, st, err);
	if (ret)
		return ret;
	for (i = 0; i < BW_STAT_NR_COLS; i++)
		st->total_ticks[i] = st->total_ns[i] / (1000000000u / STAT_USER_HZ);
	if (l->irq_err.size && l->irqs_sum.found) {
		ret = stat_global_read(src, &l->irq_err, 0, &v, err);
		st->intr.value += (uint32_t)v;
	}
	if (!ret && l->irq_mis.size && l->irqs_sum.found) {
		ret = stat_global_read(src, &l->irq_mis, 0, &v, err);
		st->intr.value += (uint32_t)v;
	}
	if (!ret && l->total_forks.size)
		ret = stat_global_read(src, &l->total_forks, 0, &st->processes.value, err);
	if (!l->irqs_sum.found)
		st->intr.absent = "no kstat.irqs_sum in this kernel";
	if (!l->nr_switches.found)
		st->ctxt.absent = "no runqueues / rq.nr_switches";
	if (!l->total_forks.size)
		st->processes.absent = "no total_forks symbol";
	if (!l->nr_running.found)
		st->procs_running.absent = "no runqueues / rq.nr_running";
	if (!l->nr_iowait.found)
		st->procs_blocked.absent = "no rq.nr_iowait in this kernel";
	return ret;
}

static int stat_init(const struct bw_kernel *k, void *plan, void *out, struct bw_error *err)
{
	struct bw_stat_plan *p = plan;
	struct bw_stat *st = out;
	int ret = stat_layout_init(k, &p->l, err);

	if (!ret)
		ret = sched_cpus_get(k, &p->c, err);
	if (!ret) {
		st->cpus = bw_alloc_array(k->alloc, p->c.nr, sizeof(*st->cpus));
		if (!st->cpus)
			ret = bw_fail(err, BW_ENOMEM, "out of memory for %u CPUs", p->c.nr);
	}
	return ret;
}

static void stat_fini(const struct bw_kernel *k, void *plan, void *out)
{
	if (plan)
		sched_cpus_free(k, &((struct bw_stat_plan *)plan)->c);
	if (out)
		bw_free(k->alloc, ((struct bw_stat *)out)->cpus);
}

const struct bw_sched_walk bw_stat_walk = {
	"stat",	  sizeof(struct bw_stat_plan), sizeof(struct bw_stat), stat_init, stat_read,
	stat_fini};

int bw_kernel_stat(const struct bw_kernel *k, struct bw_stat **out, struct bw_error *err)
{
	struct bw_error local;
	void *st = NULL;
	int ret;

	if (!err)
		err = &local;
	if (!k || !out)
		return bw_fail(err, BW_EINVAL, "bw_kernel_stat: k and out must not be NULL");
	ret = bw_sched_walk_once(k, &bw_stat_walk, &st, err);
	*out = st;
	return ret;
}

void bw_kernel_stat_free(const struct bw_kernel *k, struct bw_stat *st)
{
	if (st)
		bw_sched_walk_free(k, &bw_stat_walk, NULL, st);
}

#undef STAT_USER_HZ
#undef STAT_TS_FLAG_IDLE_ACTIVE
#undef STAT_MAX_IRQ_FIELDS
