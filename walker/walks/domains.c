/* SPDX-License-Identifier: MIT */
/*
 * Scheduler domains per CPU, as /sys/kernel/debug/sched/domains/cpuN/domainM/ shows them: the
 * layout is resolved once from the BTF (struct rq, struct sched_domain, struct sched_group, the
 * __SD_* flag enum), then each CPU's runqueues.sd and its ->parent chain are read.
 */
#include <string.h>
#include "internal.h"
#include "btfwalk/domains.h"
#include "kernel/kernel_impl.h"

#define SD_ABSENT UINT64_MAX

static const char *const sd_field_names[BW_SD_NR_FIELDS] = {
	[BW_SD_MIN_INTERVAL] = "min_interval",
	[BW_SD_MAX_INTERVAL] = "max_interval",
	[BW_SD_BUSY_FACTOR] = "busy_factor",
	[BW_SD_IMBALANCE_PCT] = "imbalance_pct",
	[BW_SD_CACHE_NICE_TRIES] = "cache_nice_tries",
	[BW_SD_BALANCE_INTERVAL] = "balance_interval",
	[BW_SD_MAX_NEWIDLE_LB_COST] = "max_newidle_lb_cost",
	[BW_SD_SPAN_WEIGHT] = "span_weight",
};

struct sd_layout {
	uint64_t runqueues;
	uint64_t rq_sd, parent, level, flags, name, groups, group_flags, span;
	uint64_t field_off[BW_SD_NR_FIELDS], field_size[BW_SD_NR_FIELDS];
};

const char *bw_sd_field_name(int field)
{
	return field >= 0 && field < BW_SD_NR_FIELDS ? sd_field_names[field] : NULL;
}

/* Offset of member name of struct sname, its size in *size; SD_ABSENT if the BTF lacks it. */
static uint64_t sd_member(const struct bw_kernel *k, const char *sname, const char *name,
			  uint64_t *size)
{
	struct bw_member_loc loc;
	uint64_t sz;
	uint32_t id;

	if (size)
		*size = 0;
	if (bw_kernel_type_named(k, sname, BW_KIND_STRUCT, &id, NULL) ||
	    bw_btf_member_find(k->btf, id, name, &loc, NULL) || loc.bitfield_size ||
	    bw_btf_sizeof(k->btf, loc.type, &sz, NULL))
		return SD_ABSENT;
	if (size)
		*size = sz;
	return loc.byte_offset;
}

static int sd_required(const struct bw_kernel *k, const char *sname, const char *name,
		       uint64_t want_size, uint64_t *off, struct bw_error *err)
{
	uint64_t size = 0;

	*off = sd_member(k, sname, name, &size);
	if (*off == SD_ABSENT || size != want_size)
		return bw_fail(err, BW_ENOTSUP,
			       "no scheduler domains in this kernel: no %llu-byte %s.%s in the BTF",
			       (unsigned long long)want_size, sname, name);
	return 0;
}

/* Flag names from the enum holding __SD_FLAG_CNT: __SD_X = bit gives "SD_X". */
static void sd_flag_names(const struct bw_kernel *k, struct bw_domains *d)
{
	uint32_t id, n = bw_btf_type_cnt(k->btf), i;
	struct bw_enumerator e;
	struct bw_type t;

	for (id = 1; id < n; id++) {
		if (bw_btf_type(k->btf, id, &t, NULL) || t.kind != BW_KIND_ENUM ||
		    bw_btf_enum_value(k->btf, id, "__SD_FLAG_CNT", &e, NULL))
			continue;
		for (i = 0; i < t.vlen; i++) {
			if (bw_btf_enumerator(k->btf, id, i, &e, NULL) ||
			    strncmp(e.name, "__SD_", 5) || !strcmp(e.name, "__SD_FLAG_CNT") ||
			    e.value < 0 || e.value >= BW_DOMAINS_FLAG_BITS)
				continue;
			d->flag_names[e.value] = e.name + 2;
		}
		return;
	}
}

static int sd_layout_init(const struct bw_kernel *k, struct sd_layout *l, struct bw_error *err)
{
	uint64_t size;
	uint32_t id;
	int ret, f;

	memset(l, 0, sizeof(*l));
	if ((ret = sd_required(k, "rq", "sd", 8, &l->rq_sd, err)) ||
	    (ret = sd_required(k, "sched_domain", "parent", 8, &l->parent, err)) ||
	    (ret = sd_required(k, "sched_domain", "level", 4, &l->level, err)) ||
	    (ret = sd_required(k, "sched_domain", "flags", 4, &l->flags, err)))
		return ret;
	ret = bw_kernel_symbol(k, "runqueues", &l->runqueues, err);
	if (ret)
		return ret;
	for (f = 0; f < BW_SD_NR_FIELDS; f++) {
		l->field_off[f] = sd_member(k, "sched_domain", sd_field_names[f], &size);
		l->field_size[f] = size;
		if (l->field_off[f] != SD_ABSENT && size != 1 && size != 2 && size != 4 &&
		    size != 8)
			l->field_off[f] = SD_ABSENT;
	}
	l->name = sd_member(k, "sched_domain", "name", &size);
	if (size != 8)
		l->name = SD_ABSENT;
	l->groups = sd_member(k, "sched_domain", "groups", &size);
	if (size != 8)
		l->groups = SD_ABSENT;
	l->group_flags = sd_member(k, "sched_group", "flags", &size);
	if (size != 4)
		l->group_flags = SD_ABSENT;
	l->span = sd_member(k, "sched_domain", "span", NULL);
	if (l->span == SD_ABSENT) {
		if ((ret = bw_kernel_type_named(k, "sched_domain", BW_KIND_STRUCT, &id, err)) ||
		    (ret = bw_btf_sizeof(k->btf, id, &size, err)))
			return ret;
		l->span = size;
	}
	return 0;
}

/* A C string of at most cap - 1 bytes at addr, cut there. */
static int sd_read_string(const struct bw_kernel *k, uint64_t addr, char *buf, size_t cap,
			  struct bw_error *err)
{
	size_t i;
	int ret;

	for (i = 0; i + 1 < cap; i++) {
		ret = bw_kernel_read(k, addr + i, &buf[i], 1, err);
		if (ret)
			return ret;
		if (!buf[i])
			return 0;
	}
	buf[i] = '\0';
	return 0;
}

static int sd_read_one(const struct bw_kernel *k, const struct sd_layout *l,
		       const struct bw_domains *d, uint64_t sd, struct bw_sched_domain *out,
		       struct bw_error *err)
{
	uint64_t v, ptr;
	uint32_t w;
	int ret, f;

	out->addr = sd;
	if ((ret = bw_kernel_read_uint(k, sd + l->level, 4, &v, err)))
		return ret;
	out->level = (int32_t)(uint32_t)v;
	if ((ret = bw_kernel_read_uint(k, sd + l->flags, 4, &v, err)))
		return ret;
	out->flags = (uint32_t)v;
	for (f = 0; f < BW_SD_NR_FIELDS; f++) {
		if (l->field_off[f] == SD_ABSENT)
			continue;
		ret = bw_kernel_read_uint(k, sd + l->field_off[f], l->field_size[f], &out->value[f],
					  err);
		if (ret)
			return ret;
		out->present |= 1u << f;
	}
	if (l->name != SD_ABSENT) {
		if ((ret = bw_kernel_read_uint(k, sd + l->name, 8, &ptr, err)))
			return ret;
		if (ptr && (ret = sd_read_string(k, ptr, out->name, sizeof(out->name), err)))
			return bw_kernel_prefix(err, "sched_domain at 0x%llx: name",
						(unsigned long long)sd);
		out->has_name = true;
	}
	if (l->groups != SD_ABSENT && l->group_flags != SD_ABSENT) {
		if ((ret = bw_kernel_read_uint(k, sd + l->groups, 8, &ptr, err)))
			return ret;
		if (ptr) {
			ret = bw_kernel_read_uint(k, ptr + l->group_flags, 4, &v, err);
			if (ret)
				return bw_kernel_prefix(err, "sched_domain at 0x%llx: groups",
							(unsigned long long)sd);
			out->groups_flags = (uint32_t)v;
			out->has_groups_flags = true;
		}
	}
	for (w = 0; w < d->span_words; w++) {
		if ((ret = bw_kernel_read_uint(k, sd + l->span + (uint64_t)w * 8, 8, &v, err)))
			return bw_kernel_prefix(err, "sched_domain at 0x%llx: span",
						(unsigned long long)sd);
		/* Bits at nr_cpu_ids and above are not CPUs. */
		if (w == d->span_words - 1 && d->nr_cpu_ids % 64)
			v &= (1ull << (d->nr_cpu_ids % 64)) - 1;
		out->span[w] = v;
	}
	return 0;
}

static int sd_read_cpu(const struct bw_kernel *k, const struct sd_layout *l, struct bw_domains *d,
		       uint32_t cpu, struct bw_error *err)
{
	struct bw_domains_cpu *c = &d->cpus[d->nr_cpus++];
	uint64_t chain[BW_DOMAINS_MAX_LEVELS], off, sd;
	uint32_t n = 0, i;
	int ret;

	c->cpu = cpu;
	if ((ret = bw_kernel_cpu_online(k, cpu, &c->online, err)) ||
	    (ret = bw_kernel_percpu_offset(k, cpu, &off, err)))
		return ret;
	ret = bw_kernel_read_uint(k, l->runqueues + off + l->rq_sd, 8, &sd, err);
	if (ret)
		return bw_kernel_prefix(err, "runqueues@cpu%u.sd", cpu);
	for (; sd; n++) {
		if (n == BW_DOMAINS_MAX_LEVELS)
			return bw_fail(
				err, BW_ELIMIT,
				"CPU %u: more than %u scheduler domains up the ->parent chain "
				"(a cycle?)",
				cpu, BW_DOMAINS_MAX_LEVELS);
		chain[n] = sd;
		ret = bw_kernel_read_uint(k, sd + l->parent, 8, &sd, err);
		if (ret)
			return bw_kernel_prefix(err, "CPU %u domain%u ->parent", cpu, n);
	}
	if (!n)
		return 0;
	d->nr_domains_total += n;
	if (d->nr_domains_total > BW_DOMAINS_MAX_TOTAL)
		return bw_fail(err, BW_ELIMIT, "more than %u scheduler domains in all (at CPU %u)",
			       BW_DOMAINS_MAX_TOTAL, cpu);
	c->domains = bw_alloc_array(k->alloc, n, sizeof(*c->domains));
	if (!c->domains)
		return bw_fail(err, BW_ENOMEM, "out of memory");
	memset(c->domains, 0, n * sizeof(*c->domains));
	for (i = 0; i < n; i++) {
		c->domains[i].span = bw_alloc_array(k->alloc, d->span_words, 8);
		if (!c->domains[i].span)
			return bw_fail(err, BW_ENOMEM, "out of memory");
		c->nr_domains++;
		ret = sd_read_one(k, l, d, chain[i], &c->domains[i], err);
		if (ret)
			return bw_kernel_prefix(err, "CPU %u domain%u", cpu, i);
	}
	return 0;
}

int bw_kernel_domains(const struct bw_kernel *k, struct bw_domains **out, struct bw_error *err)
{
	struct bw_error local;
	struct sd_layout l;
	struct bw_domains *d;
	uint32_t cpu;
	int ret;

	if (!err)
		err = &local;
	if (!k || !out)
		return bw_fail(err, BW_EINVAL, "bw_kernel_domains: k and out must not be NULL");
	*out = NULL;
	ret = sd_layout_init(k, &l, err);
	if (ret)
		return ret;
	if (!k->per_cpu_offset_addr)
		return bw_fail(
			err, BW_ENOENT,
			"per-CPU runqueues unknown: no __per_cpu_offset/nr_cpu_ids (symbols: "
			"%s)",
			k->symbols_source);
	d = bw_zalloc(k->alloc, sizeof(*d));
	if (d)
		d->cpus = bw_alloc_array(k->alloc, k->nr_cpu_ids, sizeof(*d->cpus));
	if (!d || !d->cpus) {
		bw_kernel_domains_free(k, d);
		return bw_fail(err, BW_ENOMEM, "out of memory");
	}
	memset(d->cpus, 0, k->nr_cpu_ids * sizeof(*d->cpus));
	d->nr_cpu_ids = k->nr_cpu_ids;
	d->span_words = (k->nr_cpu_ids + 63) / 64;
	sd_flag_names(k, d);
	for (cpu = 0; cpu < k->nr_cpu_ids && !ret; cpu++)
		ret = sd_read_cpu(k, &l, d, cpu, err);
	if (ret) {
		bw_kernel_domains_free(k, d);
		return ret;
	}
	*out = d;
	return 0;
}

void bw_kernel_domains_free(const struct bw_kernel *k, struct bw_domains *d)
{
	uint32_t c, i;

	if (!d)
		return;
	for (c = 0; d->cpus && c < d->nr_cpus; c++) {
		for (i = 0; i < d->cpus[c].nr_domains; i++)
			bw_free(k->alloc, d->cpus[c].domains[i].span);
		bw_free(k->alloc, d->cpus[c].domains);
	}
	bw_free(k->alloc, d->cpus);
	bw_free(k->alloc, d);
}

#undef SD_ABSENT
