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

int bw_softirqs_plan_read(const struct bw_softirqs_plan *p, const struct bw_walk_src *src,
			  struct bw_softirqs *s, struct bw_error *err)
{
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

void bw_softirqs_plan_free(const struct bw_kernel *k, struct bw_softirqs_plan *p)
{
	if (!p)
		return;
	sched_cpus_free(k, &p->c);
	bw_free(k->alloc, p);
}

int bw_softirqs_plan_build(const struct bw_kernel *k, struct bw_softirqs_plan **out,
			   struct bw_softirqs **sout, struct bw_error *err)
{
	struct bw_softirqs_plan *p;
	struct bw_softirqs *s;
	int ret;

	*out = NULL;
	*sout = NULL;
	p = bw_zalloc(k->alloc, sizeof(*p));
	s = bw_zalloc(k->alloc, sizeof(*s));
	if (!p || !s) {
		bw_free(k->alloc, p);
		bw_free(k->alloc, s);
		return bw_fail(err, BW_ENOMEM, "out of memory");
	}
	ret = softirq_layout_init(k, &p->l, s, err);
	if (!ret)
		ret = sched_cpus_get(k, &p->c, err);
	if (!ret) {
		s->nr_softirqs = p->l.nr;
		s->nr_cpus = p->c.nr;
		s->cpu = bw_alloc_array(k->alloc, p->c.nr, sizeof(*s->cpu));
		s->count = bw_alloc_array(k->alloc, (size_t)p->c.nr * p->l.nr, sizeof(*s->count));
		if (!s->cpu || !s->count)
			ret = bw_fail(err, BW_ENOMEM, "out of memory");
	}
	if (ret) {
		bw_softirqs_plan_free(k, p);
		bw_kernel_softirqs_free(k, s);
		return ret;
	}
	*out = p;
	*sout = s;
	return 0;
}

int bw_kernel_softirqs(const struct bw_kernel *k, struct bw_softirqs **out, struct bw_error *err)
{
	struct bw_softirqs_plan *p;
	struct bw_softirqs *s;
	struct bw_error local;
	int ret;

	if (!err)
		err = &local;
	if (!k || !out)
		return bw_fail(err, BW_EINVAL, "bw_kernel_softirqs: k and out must not be NULL");
	*out = NULL;
	ret = bw_softirqs_plan_build(k, &p, &s, err);
	if (ret)
		return ret;
	ret = bw_softirqs_plan_read(p, &(struct bw_walk_src){k, NULL, NULL}, s, err);
	bw_softirqs_plan_free(k, p);
	if (ret) {
		bw_kernel_softirqs_free(k, s);
		return ret;
	}
	*out = s;
	return 0;
}

void bw_kernel_softirqs_free(const struct bw_kernel *k, struct bw_softirqs *s)
{
	if (!s)
		return;
	bw_free(k->alloc, s->cpu);
	bw_free(k->alloc, s->count);
	bw_free(k->alloc, s);
}
