/* SPDX-License-Identifier: MIT */
/*
 * /proc/schedstat: the version line (inferred from the layout, see include/btfwalk/sched.h),
 * jiffies, and per online CPU the runqueue's counters and each scheduler domain's, in the order
 * kernel/sched/stats.c prints them. Layout and CPUs resolved once (a plan), then read per CPU
 * and domain.
 */
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "walks/sched_impl.h"

#define SCHEDSTAT_MAX_SPAN_BITS 1024 /* of the span printed; nr_cpu_ids past it: BW_ELIMIT */

/* The rq line after the CPU number; NULL is the constant 0 stats.c prints second. */
static const char *const schedstat_rq_names[BW_SCHEDSTAT_CPU_VALUES] = {
	"yld_count",
	"legacy",
	"sched_count",
	"sched_goidle",
	"ttwu_count",
	"ttwu_local",
	"rq_cpu_time",
	"rq_sched_info.run_delay",
	"rq_sched_info.pcount",
};
/* Per idle type, as stats.c prints them; a kernel has either lb_imbalance or the four parts. */
static const char *const schedstat_lb_names[] = {
	"lb_count",	     "lb_balanced",	  "lb_failed",	       "lb_imbalance",
	"lb_imbalance_load", "lb_imbalance_util", "lb_imbalance_task", "lb_imbalance_misfit",
	"lb_gained",	     "lb_hot_gained",	  "lb_nobusyq",	       "lb_nobusyg",
};
static const char *const schedstat_tail_names[] = {
	"alb_count",	"alb_failed",	    "alb_pushed",	"sbe_count",
	"sbe_balanced", "sbe_pushed",	    "sbf_count",	"sbf_balanced",
	"sbf_pushed",	"ttwu_wake_remote", "ttwu_move_affine", "ttwu_move_balance",
};

#define SCHEDSTAT_NR_LB (sizeof(schedstat_lb_names) / sizeof(schedstat_lb_names[0]))
#define SCHEDSTAT_NR_TAIL (sizeof(schedstat_tail_names) / sizeof(schedstat_tail_names[0]))

struct schedstat_layout {
	uint64_t rq, jiffies, key;
	struct sched_field key_enabled;
	bool has_key;
	struct sched_field rq_field[BW_SCHEDSTAT_CPU_VALUES], rq_sd;
	struct sched_field parent, name, span;
	struct sched_field lb[SCHEDSTAT_NR_LB], tail[SCHEDSTAT_NR_TAIL];
	uint32_t nr_itypes;
};

static void schedstat_version(const struct bw_kernel *k, struct bw_schedstat *s)
{
	struct sched_field f;
	int64_t v;

	sched_field(k, "sched_domain", "lb_imbalance_load", &f);
	if (f.found) {
		s->version = 17;
		s->domain_names = true;
	} else if (sched_enum(k, "__CPU_NOT_IDLE", &v) && v == 0) {
		s->version = 16;
	} else {
		s->version = 15;
	}
}

static int schedstat_domain_layout(const struct bw_kernel *k, struct schedstat_layout *l,
				   struct bw_schedstat *s, struct bw_error *err)
{
	uint32_t id, t, n = 0;
	size_t j;

	sched_field(k, "rq", "sd", &l->rq_sd);
	sched_field(k, "sched_domain", "parent", &l->parent);
	sched_field(k, "sched_domain", "name", &l->name);
	sched_field(k, "sched_domain", "span", &l->span);
	if (!l->rq_sd.found || !l->parent.found) {
		l->rq_sd.found = false; /* !CONFIG_SMP: no domain lines */
		return 0;
	}
	/* Kernels whose BTF drops the flexible span[] keep it right after the struct. */
	if (!l->span.found) {
		l->span.off = sched_sizeof(k, "sched_domain");
		l->span.off = (l->span.off + 7) / 8 * 8;
	}
	if (!sched_enum(k, "CPU_MAX_IDLE_TYPES", &(int64_t){0}) ||
	    !sched_enum_id(k, "CPU_MAX_IDLE_TYPES", &id))
		return bw_fail(err, BW_ENOTSUP, "no enum cpu_idle_type in the BTF");
	for (j = 0; j < SCHEDSTAT_NR_LB; j++)
		sched_field(k, "sched_domain", schedstat_lb_names[j], &l->lb[j]);
	for (j = 0; j < SCHEDSTAT_NR_TAIL; j++)
		sched_field(k, "sched_domain", schedstat_tail_names[j], &l->tail[j]);
	if (!l->lb[0].found || !l->lb[0].nelems)
		return bw_fail(err, BW_ENOTSUP, "no sched_domain.lb_count array in the BTF");
	l->nr_itypes = l->lb[0].nelems;
	for (t = 0; t < l->nr_itypes; t++) {
		const char *iname = bw_btf_enum_name(k->btf, id, t);

		for (j = 0; j < SCHEDSTAT_NR_LB; j++) {
			if (!l->lb[j].found)
				continue;
			if (l->lb[j].nelems != l->nr_itypes)
				return bw_fail(err, BW_EFORMAT,
					       "sched_domain.%s has %u elements, lb_count %u",
					       schedstat_lb_names[j], l->lb[j].nelems,
					       l->nr_itypes);
			if (n == BW_SCHEDSTAT_MAX_VALUES)
				return bw_fail(err, BW_ELIMIT, "more than %d domain values",
					       BW_SCHEDSTAT_MAX_VALUES);
			snprintf(s->domain_value_name[n++], BW_SCHEDSTAT_VALUE_NAME, "%s[%s]",
				 schedstat_lb_names[j], iname ? iname : "?");
		}
	}
	for (j = 0; j < SCHEDSTAT_NR_TAIL; j++) {
		if (!l->tail[j].found)
			return bw_fail(err, BW_ENOTSUP, "no sched_domain.%s in the BTF",
				       schedstat_tail_names[j]);
		if (n == BW_SCHEDSTAT_MAX_VALUES)
			return bw_fail(err, BW_ELIMIT, "more than %d domain values",
				       BW_SCHEDSTAT_MAX_VALUES);
		snprintf(s->domain_value_name[n++], BW_SCHEDSTAT_VALUE_NAME, "%s",
			 schedstat_tail_names[j]);
	}
	s->nr_domain_values = n;
	return 0;
}

static int schedstat_layout_init(const struct bw_kernel *k, bool domains,
				 struct schedstat_layout *l, struct bw_schedstat *s,
				 struct bw_error *err)
{
	struct bw_error ignored;
	uint32_t i;
	int ret = 0;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < BW_SCHEDSTAT_CPU_VALUES; i++) {
		s->cpu_value_name[i] = schedstat_rq_names[i];
		if (i == 1)
			continue;
		sched_field(k, "rq", schedstat_rq_names[i], &l->rq_field[i]);
		if (!l->rq_field[i].found)
			return bw_fail(err, BW_ENOTSUP,
				       "no rq.%s in the BTF: a kernel without CONFIG_SCHEDSTATS",
				       schedstat_rq_names[i]);
	}
	schedstat_version(k, s);
	l->has_key =
		!sched_static_key_field(k, "sched_schedstats", &l->key, &l->key_enabled, &ignored);
	if (domains)
		ret = schedstat_domain_layout(k, l, s, err);
	if (!ret)
		ret = bw_kernel_symbol(k, "runqueues", &l->rq, err);
	if (!ret && !bw_kernel_symbol_quiet(k, "jiffies", &l->jiffies))
		ret = bw_kernel_symbol(k, "jiffies_64", &l->jiffies, err);
	return ret;
}

/* cpumask_pr_args(span) through %*pb: 32-bit hex chunks, most significant first, joined by
 * commas; the first chunk has only as many digits as its bits need. */
static void schedstat_span(const uint64_t *bits, uint32_t nbits, char *out, size_t size)
{
	uint32_t chunk = nbits % 32 ? nbits % 32 : 32;
	int32_t i = (int32_t)((nbits + 31) / 32 * 32) - 32;
	size_t len = 0;

	out[0] = '\0';
	for (; i >= 0 && len < size; i -= 32) {
		uint32_t val =
			(uint32_t)(bits[i / 64] >> (i % 64)) & (uint32_t)((1ull << chunk) - 1);
		int n = snprintf(out + len, size - len, "%s%0*x", len ? "," : "",
				 (int)((chunk + 3) / 4), val);

		if (n < 0)
			break;
		len += (size_t)n;
		chunk = 32;
	}
}

static int schedstat_domain(const struct bw_walk_src *src, const struct schedstat_layout *l,
			    uint64_t sd, struct bw_schedstat_domain *d, struct bw_error *err)
{
	const struct bw_kernel *k = src->k;
	uint64_t bits[SCHEDSTAT_MAX_SPAN_BITS / 64], name, v;
	uint32_t t, w, n = 0;
	size_t j;
	int ret = 0;

	if (l->name.found && !sched_read(src, sd, &l->name, &name, err) && name) {
		ret = bw_kernel_read(k, name, d->name, sizeof(d->name) - 1, err);
		d->name[sizeof(d->name) - 1] = '\0';
		if (ret)
			return bw_kernel_prefix(err, "sched_domain at 0x%llx: name",
						(unsigned long long)sd);
	}
	for (w = 0; w < (k->nr_cpu_ids + 63) / 64 && !ret; w++)
		ret = bw_kernel_read_uint(k, sd + l->span.off + w * 8ull, 8, &bits[w], err);
	if (ret)
		return bw_kernel_prefix(err, "sched_domain at 0x%llx: span",
					(unsigned long long)sd);
	schedstat_span(bits, k->nr_cpu_ids, d->span, sizeof(d->span));
	for (t = 0; t < l->nr_itypes && !ret; t++)
		for (j = 0; j < SCHEDSTAT_NR_LB && !ret; j++)
			if (l->lb[j].found) {
				ret = sched_read_elem(src, sd, &l->lb[j], t, &v, err);
				d->value[n++] = v;
			}
	for (j = 0; j < SCHEDSTAT_NR_TAIL && !ret; j++) {
		ret = sched_read(src, sd, &l->tail[j], &v, err);
		d->value[n++] = v;
	}
	d->nr_values = n;
	return ret ? bw_kernel_prefix(err, "sched_domain at 0x%llx", (unsigned long long)sd) : 0;
}

static int schedstat_cpu(const struct bw_walk_src *src, const struct schedstat_layout *l,
			 uint32_t cpu, uint64_t off, struct bw_schedstat_cpu *out,
			 struct bw_error *err)
{
	uint64_t rq = l->rq + off, sd = 0;
	uint32_t i;
	int ret = 0;

	out->cpu = cpu;
	for (i = 0; i < BW_SCHEDSTAT_CPU_VALUES && !ret; i++)
		if (i != 1)
			ret = sched_read(src, rq, &l->rq_field[i], &out->value[i], err);
	if (!ret && l->rq_sd.found)
		ret = sched_read(src, rq, &l->rq_sd, &sd, err);
	if (ret)
		return bw_kernel_prefix(err, "runqueues@cpu%u", cpu);
	for (; sd && !ret; out->nr_domains++) {
		if (out->nr_domains == BW_SCHEDSTAT_MAX_DOMAINS)
			return bw_fail(err, BW_ELIMIT, "cpu%u: more than %d domain levels", cpu,
				       BW_SCHEDSTAT_MAX_DOMAINS);
		memset(&out->domain[out->nr_domains], 0, sizeof(out->domain[0]));
		ret = schedstat_domain(src, l, sd, &out->domain[out->nr_domains], err);
		if (!ret)
			ret = sched_read(src, sd, &l->parent, &sd, err);
	}
	return ret;
}

struct bw_schedstat_plan {
	struct schedstat_layout l;
	struct sched_cpus c;
};

static int schedstat_read(const void *plan, const struct bw_walk_src *src, void *out,
			  struct bw_error *err)
{
	const struct bw_schedstat_plan *p = plan;
	struct bw_schedstat *s = out;
	const struct schedstat_layout *l = &p->l;
	const struct sched_cpus *c = &p->c;
	bool on;
	uint32_t j;
	int ret;

	s->timestamp = 0;
	s->enabled = (struct bw_sched_value){0, "no sched_schedstats static key"};
	s->nr_cpus = 0;
	/* Not the whole array: each CPU's domains (kilobytes) are cleared as they are read. */
	for (j = 0; j < c->nr; j++) {
		s->cpus[j].cpu = 0;
		s->cpus[j].nr_domains = 0;
		memset(s->cpus[j].value, 0, sizeof(s->cpus[j].value));
	}
	if (src->k->nr_cpu_ids > SCHEDSTAT_MAX_SPAN_BITS)
		return bw_fail(err, BW_ELIMIT, "nr_cpu_ids %u: spans past %d CPUs not printed",
			       src->k->nr_cpu_ids, SCHEDSTAT_MAX_SPAN_BITS);
	ret = bw_walk_src_read(src, l->jiffies, 8, &s->timestamp, err);
	if (ret)
		return bw_kernel_prefix(err, "jiffies");
	if (l->has_key) {
		ret = sched_static_key_read(src, l->key, &l->key_enabled, &on, err);
		if (ret)
			return bw_kernel_prefix(err, "sched_schedstats");
		s->enabled = (struct bw_sched_value){on, NULL};
	}
	for (j = 0; j < c->nr && !ret; j++)
		if (c->online[j])
			ret = schedstat_cpu(src, l, c->id[j], c->off[j], &s->cpus[s->nr_cpus++],
					    err);
	return ret;
}

static int schedstat_init(const struct bw_kernel *k, bool domains, void *plan, void *out,
			  struct bw_error *err)
{
	struct bw_schedstat_plan *p = plan;
	struct bw_schedstat *s = out;
	int ret = schedstat_layout_init(k, domains, &p->l, s, err);

	if (!ret)
		ret = sched_cpus_get(k, &p->c, err);
	if (!ret) {
		s->cpus = bw_alloc_array(k->alloc, p->c.nr, sizeof(*s->cpus));
		if (!s->cpus)
			ret = bw_fail(err, BW_ENOMEM, "out of memory for %u CPUs", p->c.nr);
	}
	return ret;
}

static int schedstat_init_all(const struct bw_kernel *k, void *plan, void *out,
			      struct bw_error *err)
{
	return schedstat_init(k, true, plan, out, err);
}

static int schedstat_init_rq(const struct bw_kernel *k, void *plan, void *out, struct bw_error *err)
{
	return schedstat_init(k, false, plan, out, err);
}

static void schedstat_fini(const struct bw_kernel *k, void *plan, void *out)
{
	if (plan)
		sched_cpus_free(k, &((struct bw_schedstat_plan *)plan)->c);
	if (out)
		bw_free(k->alloc, ((struct bw_schedstat *)out)->cpus);
}

const struct bw_sched_walk bw_schedstat_walk = {"schedstat",
						sizeof(struct bw_schedstat_plan),
						sizeof(struct bw_schedstat),
						schedstat_init_all,
						schedstat_read,
						schedstat_fini};
const struct bw_sched_walk bw_schedstat_rq_walk = {"schedstat",
						   sizeof(struct bw_schedstat_plan),
						   sizeof(struct bw_schedstat),
						   schedstat_init_rq,
						   schedstat_read,
						   schedstat_fini};

int bw_kernel_schedstat(const struct bw_kernel *k, struct bw_schedstat **out, struct bw_error *err)
{
	struct bw_error local;
	void *s = NULL;
	int ret;

	if (!err)
		err = &local;
	if (!k || !out)
		return bw_fail(err, BW_EINVAL, "bw_kernel_schedstat: k and out must not be NULL");
	ret = bw_sched_walk_once(k, &bw_schedstat_walk, &s, err);
	*out = s;
	return ret;
}

void bw_kernel_schedstat_free(const struct bw_kernel *k, struct bw_schedstat *s)
{
	if (s)
		bw_sched_walk_free(k, &bw_schedstat_walk, NULL, s);
}

#undef SCHEDSTAT_MAX_SPAN_BITS
#undef SCHEDSTAT_NR_LB
#undef SCHEDSTAT_NR_TAIL
