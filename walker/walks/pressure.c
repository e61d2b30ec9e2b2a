/* SPDX-License-Identifier: MIT */
/*
 * /proc/pressure/{cpu,memory,io,irq} from psi_system, as kernel/sched/psi.c's psi_show() prints
 * them (see include/btfwalk/sched.h). Layout resolved once (a plan), then read as often as wanted.
 */
#include <string.h>
#include "internal.h"
#include "walks/sched_impl.h"

#define PSI_FSHIFT 11 /* include/linux/sched/loadavg.h: not in the BTF */

static const struct {
	const char *name, *res;
} pressure_res[BW_PSI_NR] = {
	{"cpu", "PSI_CPU"}, {"memory", "PSI_MEM"}, {"io", "PSI_IO"}, {"irq", "PSI_IRQ"}};

struct pressure_layout {
	uint64_t group; /* &psi_system */
	struct sched_field total, avg;
	uint32_t nr_states;	/* states with a total: total[] / NR_PSI_AGGREGATORS */
	uint32_t nr_windows;	/* avg[] / nr_states: 3 */
	uint64_t avgs;		/* PSI_AVGS */
	int64_t res[BW_PSI_NR]; /* enum psi_res values; -1 absent */
	const char *absent;	/* the whole of PSI */
};

void bw_psi_avg_split(uint64_t avg, uint64_t *whole, uint64_t *hundredths)
{
	*whole = avg >> PSI_FSHIFT;
	*hundredths = ((avg & ((1u << PSI_FSHIFT) - 1)) * 100) >> PSI_FSHIFT;
}

static int pressure_layout_init(const struct bw_kernel *k, struct pressure_layout *l,
				struct bw_error *err)
{
	int64_t naggr, avgs;
	bool disabled;
	int i;

	memset(l, 0, sizeof(*l));
	sched_field(k, "psi_group", "total", &l->total);
	sched_field(k, "psi_group", "avg", &l->avg);
	if (!l->total.found || !l->avg.found ||
	    !bw_kernel_symbol_quiet(k, "psi_system", &l->group) ||
	    !sched_enum(k, "NR_PSI_AGGREGATORS", &naggr) || !sched_enum(k, "PSI_AVGS", &avgs)) {
		l->absent = "no PSI in this kernel (CONFIG_PSI off)";
		return 0;
	}
	if (naggr <= 0 || avgs < 0 || avgs >= naggr || !l->total.nelems ||
	    l->total.nelems % (uint64_t)naggr || !l->avg.nelems)
		return bw_fail(err, BW_EFORMAT,
			       "psi_group.total has %u elements for %lld aggregators",
			       l->total.nelems, (long long)naggr);
	l->nr_states = l->total.nelems / (uint32_t)naggr;
	l->nr_windows = l->avg.nelems / l->nr_states;
	if (l->nr_windows != 3 || l->avg.nelems % l->nr_states)
		return bw_fail(err, BW_EFORMAT, "psi_group.avg has %u elements for %u states",
			       l->avg.nelems, l->nr_states);
	l->avgs = (uint64_t)avgs;
	if (sched_static_key(k, "psi_disabled", &disabled, err))
		return bw_kernel_prefix(err, "psi_disabled");
	if (disabled)
		l->absent = "PSI disabled (psi=0, or CONFIG_PSI_DEFAULT_DISABLED without psi=1)";
	for (i = 0; i < BW_PSI_NR; i++)
		if (!sched_enum(k, pressure_res[i].res, &l->res[i]) || l->res[i] < 0 ||
		    (uint64_t)l->res[i] * 2 >= l->nr_states)
			l->res[i] = -1;
	return 0;
}

static int pressure_line(const struct bw_walk_src *src, const struct pressure_layout *l,
			 uint32_t state, struct bw_psi_line *line, struct bw_error *err)
{
	uint64_t total;
	uint32_t w;
	int ret;

	line->present = true;
	for (w = 0; w < 3; w++) {
		ret = sched_read_elem(src, l->group, &l->avg, state * 3 + w, &line->avg[w], err);
		if (ret)
			return bw_kernel_prefix(err, "psi_system.avg[%u][%u]", state, w);
	}
	ret = sched_read_elem(src, l->group, &l->total, (uint32_t)l->avgs * l->nr_states + state,
			      &total, err);
	if (ret)
		return bw_kernel_prefix(err, "psi_system.total[PSI_AVGS][%u]", state);
	line->total_us = total / 1000;
	return 0;
}

struct bw_pressure_plan {
	struct pressure_layout l;
};

static int pressure_read(const void *plan, const struct bw_walk_src *src, void *out,
			 struct bw_error *err)
{
	const struct bw_pressure_plan *p = plan;
	struct bw_pressure *pr = out;
	const struct pressure_layout *l = &p->l;
	int i, ret = 0;

	memset(pr, 0, sizeof(*pr));
	for (i = 0; i < BW_PSI_NR && !ret; i++) {
		struct bw_psi_resource *r = &pr->res[i];
		uint32_t some = (uint32_t)l->res[i] * 2;

		r->name = pressure_res[i].name;
		if (l->absent) {
			r->absent = l->absent;
			continue;
		}
		if (l->res[i] < 0) {
			r->absent = i == BW_PSI_IRQ ? "no PSI_IRQ (CONFIG_IRQ_TIME_ACCOUNTING off)"
						    : "no such resource in enum psi_res";
			continue;
		}
		/* irq has only "full" (its state is res * 2); the system's cpu "full" is 0. */
		if (i == BW_PSI_IRQ)
			ret = pressure_line(src, l, some, &r->full, err);
		else
			ret = pressure_line(src, l, some, &r->some, err);
		if (!ret && i != BW_PSI_IRQ) {
			r->full.present = true;
			if (i != BW_PSI_CPU)
				ret = pressure_line(src, l, some + 1, &r->full, err);
		}
	}
	return ret;
}

static int pressure_init(const struct bw_kernel *k, void *plan, void *out, struct bw_error *err)
{
	(void)out;
	return pressure_layout_init(k, &((struct bw_pressure_plan *)plan)->l, err);
}

const struct bw_sched_walk bw_pressure_walk = {"pressure",
					       sizeof(struct bw_pressure_plan),
					       sizeof(struct bw_pressure),
					       pressure_init,
					       pressure_read,
					       NULL};

int bw_kernel_pressure(const struct bw_kernel *k, struct bw_pressure **out, struct bw_error *err)
{
	struct bw_error local;
	void *p = NULL;
	int ret;

	if (!err)
		err = &local;
	if (!k || !out)
		return bw_fail(err, BW_EINVAL, "bw_kernel_pressure: k and out must not be NULL");
	ret = bw_sched_walk_once(k, &bw_pressure_walk, &p, err);
	*out = p;
	return ret;
}

void bw_kernel_pressure_free(const struct bw_kernel *k, struct bw_pressure *p)
{
	if (p)
		bw_free(k->alloc, p);
}

#undef PSI_FSHIFT
