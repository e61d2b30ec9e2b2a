/* SPDX-License-Identifier: MIT */
/*
 * /proc/softirqs: kstat.softirqs[] of every possible CPU, one row per enumerator of the enum
 * that ends in NR_SOFTIRQS, named as the kernel's softirq_to_name[] (the enumerator less its
 * "_SOFTIRQ" suffix). Layout and CPUs resolved once (a plan), then one read per (softirq, CPU).
 */
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "walks/sched_impl.h"

struct softirq_layout {
	uint64_t kstat;		  /* per-CPU symbol */
	struct sched_field count; /* kernel_stat.softirqs */
	uint32_t nr;
};

static int softirq_layout_init(const struct bw_kernel *k, struct softirq_layout *l,
			       struct bw_softirqs *s, struct bw_error *err)
{
	int64_t nr;
	uint32_t id, i;

	memset(l, 0, sizeof(*l));
	sched_field(k, "kernel_stat", "softirqs", &l->count);
	if (!l->count.found || !l->count.nelems)
		return bw_fail(err, BW_ENOTSUP, "no kernel_stat.softirqs array in the BTF");
	if (!sched_enum(k, "NR_SOFTIRQS", &nr) || !sched_enum_id(k, "NR_SOFTIRQS", &id))
		return bw_fail(err, BW_ENOTSUP, "no enumerator NR_SOFTIRQS in the BTF");
	if (nr <= 0 || nr > BW_SOFTIRQ_MAX)
		return bw_fail(err, nr > 0 ? BW_ELIMIT : BW_EFORMAT,
			       "NR_SOFTIRQS is %lld (expected 1..%d)", (long long)nr,
			       BW_SOFTIRQ_MAX);
	if ((uint64_t)nr != l->count.nelems)
		return bw_fail(err, BW_EFORMAT,
			       "NR_SOFTIRQS is %lld but kernel_stat.softirqs has %u elements",
			       (long long)nr, l->count.nelems);
	l->nr = (uint32_t)nr;
	for (i = 0; i < l->nr; i++) {
		const char *name = bw_btf_enum_name(k->btf, id, i);
		size_t len = name ? strlen(name) : 0;

		if (len > 8 && !strcmp(name + len - 8, "_SOFTIRQ"))
			len -= 8;
		if (!name)
			snprintf(s->name[i], BW_SOFTIRQ_NAME, "%u", i);
		else
			snprintf(s->name[i], BW_SOFTIRQ_NAME, "%.*s", (int)len, name);
	}
	return bw_kernel_symbol(k, "kstat", &l->kstat, err);
}

struct bw_softirqs_plan {
	struct softirq_layout l;
	struct sched_cpus c;
};

static int softirq_read(const void *plan, const struct bw_walk_src *src, void *out,
			struct bw_error *err)
{
	const struct bw_softirqs_plan *p = plan;
	struct bw_softirqs *s = out;
	const struct sched_cpus *c = &p->c;
	uint32_t i, j;
	int ret;

	memset(s->count, 0, (size_t)c->nr * p->l.nr * sizeof(*s->count));
	for (j = 0; j < c->nr; j++) {
		s->cpu[j] = c->id[j];
		for (i = 0; i < p->l.nr; i++) {
			ret = sched_read_elem(src, p->l.kstat + c->off[j], &p->l.count, i,
					      &s->count[(size_t)i * c->nr + j], err);
			if (ret)
				return bw_kernel_prefix(err, "kstat@cpu%u.softirqs[%u]", c->id[j],
							i);
		}
	}
	return 0;
}

static int softirq_init(const struct bw_kernel *k, void *plan, void *out, struct bw_error *err)
{
	struct bw_softirqs_plan *p = plan;
	struct bw_softirqs *s = out;
	int ret = softirq_layout_init(k, &p->l, s, err);

	if (!ret)
		ret = sched_cpus_get(k, &p->c, err);
	if (ret)
		return ret;
	s->nr_softirqs = p->l.nr;
	s->nr_cpus = p->c.nr;
	s->cpu = bw_alloc_array(k->alloc, p->c.nr, sizeof(*s->cpu));
	s->count = bw_alloc_array(k->alloc, (size_t)p->c.nr * p->l.nr, sizeof(*s->count));
	return s->cpu && s->count ? 0
				  : bw_fail(err, BW_ENOMEM, "out of memory for %u CPUs", p->c.nr);
}

static void softirq_fini(const struct bw_kernel *k, void *plan, void *out)
{
	struct bw_softirqs *s = out;

	if (plan)
		sched_cpus_free(k, &((struct bw_softirqs_plan *)plan)->c);
	if (s) {
		bw_free(k->alloc, s->cpu);
		bw_free(k->alloc, s->count);
	}
}

const struct bw_sched_walk bw_softirqs_walk = {"softirqs",
					       sizeof(struct bw_softirqs_plan),
					       sizeof(struct bw_softirqs),
					       softirq_init,
					       softirq_read,
					       softirq_fini};

int bw_kernel_softirqs(const struct bw_kernel *k, struct bw_softirqs **out, struct bw_error *err)
{
	struct bw_error local;
	void *s = NULL;
	int ret;

	if (!err)
		err = &local;
	if (!k || !out)
		return bw_fail(err, BW_EINVAL, "bw_kernel_softirqs: k and out must not be NULL");
	ret = bw_sched_walk_once(k, &bw_softirqs_walk, &s, err);
	*out = s;
	return ret;
}

void bw_kernel_softirqs_free(const struct bw_kernel *k, struct bw_softirqs *s)
{
	if (s)
		bw_sched_walk_free(k, &bw_softirqs_walk, NULL, s);
}
