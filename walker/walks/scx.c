/* SPDX-License-Identifier: MIT */
/*
 * sched_ext state, as /sys/kernel/sched_ext/ shows it: the layout (which symbols, structures and
 * members this kernel has) is resolved once from the BTF and symbols, then the globals, the root
 * scheduler, its per-CPU event counters and each CPU's scx runqueue are read.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "btfwalk/scx.h"
#include "kernel/kernel_impl.h"

#define SCX_ABSENT UINT64_MAX

struct scx_layout {
	uint64_t state_var;	 /* address of the atomic_t */
	uint32_t state_enum;	 /* BTF id of enum scx_enable_state / scx_ops_enable_state */
	uint64_t seq[3];	 /* nr_rejected, hotplug_seq, enable_seq (0: no symbol) */
	uint64_t switching_all;	 /* 0: no symbol */
	uint64_t root_var;	 /* &scx_root; 0: none */
	uint64_t ops_var;	 /* &scx_ops (before the root scheduler object); 0: none */
	uint64_t name_off;	 /* of ops.name in the root object (or in scx_ops) */
	uint64_t watchdog_off;	 /* scx_sched.watchdog_timeout; SCX_ABSENT if none */
	uint64_t pcpu_off;	 /* scx_sched.pcpu or .event_stats_cpu; SCX_ABSENT if none */
	uint64_t events_in_pcpu; /* offset of the event stats in the per-CPU object */
	uint32_t events_type;	 /* struct scx_event_stats */
	uint64_t runqueues, rq_nr_running, rq_local_nr;
};

static const char *const scx_seq_syms[3] = {"scx_nr_rejected", "scx_hotplug_seq", "scx_enable_seq"};
static const uint32_t scx_seq_bits[3] = {BW_SCX_HAS_NR_REJECTED, BW_SCX_HAS_HOTPLUG_SEQ,
					 BW_SCX_HAS_ENABLE_SEQ};

static int scx_notsup(struct bw_error *err, const char *what)
{
	return bw_fail(err, BW_ENOTSUP,
		       "no sched_ext in this kernel: %s (CONFIG_SCHED_CLASS_EXT off)", what);
}

/* Offset of path in struct sname and the path's byte size; SCX_ABSENT if the BTF lacks it. */
static uint64_t scx_member(const struct bw_kernel *k, const char *sname, const char *path,
			   uint64_t *size)
{
	struct bw_member_loc loc;
	uint64_t sz;
	uint32_t id;

	if (size)
		*size = 0;
	if (bw_kernel_type_named(k, sname, BW_KIND_STRUCT, &id, NULL) ||
	    bw_btf_path(k->btf, id, path, &loc, NULL) || loc.bitfield_size ||
	    bw_btf_sizeof(k->btf, loc.type, &sz, NULL))
		return SCX_ABSENT;
	if (size)
		*size = sz;
	return loc.byte_offset;
}

static int scx_layout_state(const struct bw_kernel *k, struct scx_layout *l, struct bw_error *err)
{
	static const char *const vars[] = {"scx_enable_state_var", "scx_ops_enable_state_var"};
	static const char *const enums[] = {"scx_enable_state", "scx_ops_enable_state"};
	size_t i;

	for (i = 0; i < 2; i++)
		if (bw_kernel_symbol_quiet(k, vars[i], &l->state_var) &&
		    !bw_btf_find(k->btf, enums[i], BW_KIND_ENUM, &l->state_enum, NULL))
			return 0;
	return bw_fail(err, BW_ENOENT,
		       "sched_ext state unknown: no symbol scx_enable_state_var with enum "
		       "scx_enable_state (nor the scx_ops_ names before 6.14)");
}

static void scx_layout_root(const struct bw_kernel *k, struct scx_layout *l)
{
	uint64_t size;

	l->name_off = l->watchdog_off = l->pcpu_off = SCX_ABSENT;
	if (bw_kernel_symbol_quiet(k, "scx_root", &l->root_var)) {
		l->name_off = scx_member(k, "scx_sched", "ops.name", NULL);
		l->watchdog_off = scx_member(k, "scx_sched", "watchdog_timeout", &size);
		if (size != 8)
			l->watchdog_off = SCX_ABSENT;
		l->pcpu_off = scx_member(k, "scx_sched", "pcpu", NULL);
		l->events_in_pcpu = scx_member(k, "scx_sched_pcpu", "event_stats", NULL);
		if (l->pcpu_off == SCX_ABSENT || l->events_in_pcpu == SCX_ABSENT) {
			l->pcpu_off = scx_member(k, "scx_sched", "event_stats_cpu", NULL);
			l->events_in_pcpu = 0;
		}
	} else if (bw_kernel_symbol_quiet(k, "scx_ops", &l->ops_var)) {
		l->root_var = 0; /* a failed lookup may have written it */
		l->name_off = scx_member(k, "sched_ext_ops", "name", NULL);
	} else {
		l->root_var = l->ops_var = 0;
	}
	if (bw_kernel_type_named(k, "scx_event_stats", BW_KIND_STRUCT, &l->events_type, NULL))
		l->pcpu_off = SCX_ABSENT;
}

static int scx_layout_init(const struct bw_kernel *k, struct scx_layout *l, struct bw_error *err)
{
	uint64_t size;
	size_t i;
	int ret;

	memset(l, 0, sizeof(*l));
	if (scx_member(k, "rq", "scx", NULL) == SCX_ABSENT)
		return scx_notsup(err, "no struct rq member scx in the BTF");
	l->rq_nr_running = scx_member(k, "rq", "scx.nr_running", &size);
	if (l->rq_nr_running == SCX_ABSENT || size != 4)
		return scx_notsup(err, "no 4-byte rq.scx.nr_running in the BTF");
	l->rq_local_nr = scx_member(k, "rq", "scx.local_dsq.nr", &size);
	if (l->rq_local_nr == SCX_ABSENT || size != 4)
		return scx_notsup(err, "no 4-byte rq.scx.local_dsq.nr in the BTF");
	ret = scx_layout_state(k, l, err);
	if (ret)
		return ret;
	for (i = 0; i < 3; i++)
		if (!bw_kernel_symbol_quiet(k, scx_seq_syms[i], &l->seq[i]))
			l->seq[i] = 0;
	if (!bw_kernel_symbol_quiet(k, "scx_switching_all", &l->switching_all))
		l->switching_all = 0;
	scx_layout_root(k, l);
	return bw_kernel_symbol(k, "runqueues", &l->runqueues, err);
}

/* "SCX_ENABLED" -> "enabled", as scx_enable_state_str[] spells it. */
static void scx_state_name(const struct bw_kernel *k, const struct scx_layout *l, struct bw_scx *s)
{
	const char *name = bw_btf_enum_name(k->btf, l->state_enum, s->state);
	size_t i;

	if (!name) {
		snprintf(s->state_name, sizeof(s->state_name), "unknown(%lld)",
			 (long long)s->state);
		return;
	}
	if (!strncmp(name, "SCX_OPS_", 8))
		name += 8;
	else if (!strncmp(name, "SCX_", 4))
		name += 4;
	for (i = 0; name[i] && i + 1 < sizeof(s->state_name); i++)
		s->state_name[i] = (char)tolower((unsigned char)name[i]);
	s->state_name[i] = '\0';
}

static int scx_read_globals(const struct bw_kernel *k, const struct scx_layout *l, struct bw_scx *s,
			    struct bw_error *err)
{
	uint64_t v;
	size_t i;
	int ret;

	if ((ret = bw_kernel_read_uint(k, l->state_var, 4, &v, err)))
		return bw_kernel_prefix(err, "sched_ext state");
	s->state = (int32_t)(uint32_t)v;
	scx_state_name(k, l, s);
	for (i = 0; i < 3; i++) {
		if (!l->seq[i])
			continue;
		if ((ret = bw_kernel_read_uint(k, l->seq[i], 8, &v, err)))
			return bw_kernel_prefix(err, "%s", scx_seq_syms[i]);
		*(i == 0   ? &s->nr_rejected
		  : i == 1 ? &s->hotplug_seq
			   : &s->enable_seq) = (int64_t)v;
		s->present |= scx_seq_bits[i];
	}
	if (l->switching_all) {
		if ((ret = bw_kernel_read_uint(k, l->switching_all, 1, &v, err)))
			return bw_kernel_prefix(err, "scx_switching_all");
		s->switch_all = v != 0;
		s->present |= BW_SCX_HAS_SWITCH_ALL;
	}
	return 0;
}

static int scx_read_name(const struct bw_kernel *k, uint64_t addr, struct bw_scx *s,
			 struct bw_error *err)
{
	int ret = bw_kernel_read(k, addr, s->name, sizeof(s->name), err);

	if (ret)
		return bw_kernel_prefix(err, "sched_ext ops.name");
	s->name[sizeof(s->name) - 1] = '\0';
	s->present |= BW_SCX_HAS_NAME;
	return 0;
}

/* Every s64 member of struct scx_event_stats, summed over the CPUs' copies. */
static int scx_read_events(const struct bw_kernel *k, const struct scx_layout *l, struct bw_scx *s,
			   struct bw_error *err)
{
	struct bw_member m;
	struct bw_type t;
	uint64_t pcpu, off, v, size;
	uint32_t i, cpu;
	int ret;

	if ((ret = bw_kernel_read_uint(k, s->root + l->pcpu_off, 8, &pcpu, err)))
		return bw_kernel_prefix(err, "scx_root per-CPU pointer");
	if (bw_btf_type(k->btf, l->events_type, &t, NULL))
		return 0;
	for (i = 0; i < t.vlen; i++) {
		if (bw_btf_member(k->btf, l->events_type, i, &m, NULL) || m.bitfield_size ||
		    bw_btf_sizeof(k->btf, m.type, &size, NULL) || size != 8 || !m.name[0])
			continue;
		if (s->nr_events == BW_SCX_MAX_EVENTS)
			return bw_fail(err, BW_ELIMIT,
				       "struct scx_event_stats has more than %u "
				       "counters",
				       BW_SCX_MAX_EVENTS);
		s->event_names[s->nr_events] = m.name;
		for (cpu = 0; cpu < k->nr_cpu_ids; cpu++) {
			if ((ret = bw_kernel_percpu_offset(k, cpu, &off, err)))
				return ret;
			ret = bw_kernel_read_uint(
				k, pcpu + off + l->events_in_pcpu + m.bit_offset / 8, 8, &v, err);
			if (ret)
				return bw_kernel_prefix(err, "CPU %u event %s", cpu, m.name);
			s->events[s->nr_events] += (int64_t)v;
		}
		s->nr_events++;
	}
	s->present |= BW_SCX_HAS_EVENTS;
	return 0;
}

static int scx_read_root(const struct bw_kernel *k, const struct scx_layout *l, struct bw_scx *s,
			 struct bw_error *err)
{
	int ret;

	if (l->ops_var) {
		/* Before the root object: scx_ops is all zero while nothing is attached. */
		if (l->name_off == SCX_ABSENT)
			return 0;
		ret = scx_read_name(k, l->ops_var + l->name_off, s, err);
		if (!ret && !s->name[0])
			s->present &= ~(uint32_t)BW_SCX_HAS_NAME;
		return ret;
	}
	if (!l->root_var)
		return 0;
	if ((ret = bw_kernel_read_uint(k, l->root_var, 8, &s->root, err)))
		return bw_kernel_prefix(err, "scx_root");
	if (!s->root)
		return 0;
	if (l->name_off != SCX_ABSENT && (ret = scx_read_name(k, s->root + l->name_off, s, err)))
		return ret;
	if (l->watchdog_off != SCX_ABSENT) {
		ret = bw_kernel_read_uint(k, s->root + l->watchdog_off, 8, &s->watchdog_timeout,
					  err);
		if (ret)
			return bw_kernel_prefix(err, "scx_root->watchdog_timeout");
		s->present |= BW_SCX_HAS_WATCHDOG;
	}
	return l->pcpu_off == SCX_ABSENT ? 0 : scx_read_events(k, l, s, err);
}

static int scx_read_cpus(const struct bw_kernel *k, const struct scx_layout *l, struct bw_scx *s,
			 struct bw_error *err)
{
	uint64_t off, v;
	uint32_t cpu;
	int ret;

	for (cpu = 0; cpu < k->nr_cpu_ids; cpu++) {
		struct bw_scx_cpu *c = &s->cpus[s->nr_cpus++];

		c->cpu = cpu;
		if ((ret = bw_kernel_cpu_online(k, cpu, &c->online, err)) ||
		    (ret = bw_kernel_percpu_offset(k, cpu, &off, err)))
			return ret;
		if ((ret = bw_kernel_read_uint(k, l->runqueues + off + l->rq_nr_running, 4, &v,
					       err)))
			return bw_kernel_prefix(err, "runqueues@cpu%u.scx.nr_running", cpu);
		c->nr_running = (uint32_t)v;
		if ((ret = bw_kernel_read_uint(k, l->runqueues + off + l->rq_local_nr, 4, &v, err)))
			return bw_kernel_prefix(err, "runqueues@cpu%u.scx.local_dsq.nr", cpu);
		c->local_dsq_nr = (uint32_t)v;
	}
	return 0;
}

int bw_kernel_scx(const struct bw_kernel *k, struct bw_scx **out, struct bw_error *err)
{
	struct bw_error local;
	struct scx_layout l;
	struct bw_scx *s;
	int ret;

	if (!err)
		err = &local;
	if (!k || !out)
		return bw_fail(err, BW_EINVAL, "bw_kernel_scx: k and out must not be NULL");
	*out = NULL;
	ret = scx_layout_init(k, &l, err);
	if (ret)
		return ret;
	if (!k->per_cpu_offset_addr)
		return bw_fail(
			err, BW_ENOENT,
			"per-CPU runqueues unknown: no __per_cpu_offset/nr_cpu_ids (symbols: "
			"%s)",
			k->symbols_source);
	s = bw_zalloc(k->alloc, sizeof(*s));
	if (s)
		s->cpus = bw_alloc_array(k->alloc, k->nr_cpu_ids, sizeof(*s->cpus));
	if (!s || !s->cpus) {
		bw_kernel_scx_free(k, s);
		return bw_fail(err, BW_ENOMEM, "out of memory");
	}
	ret = scx_read_globals(k, &l, s, err);
	if (!ret)
		ret = scx_read_root(k, &l, s, err);
	if (!ret)
		ret = scx_read_cpus(k, &l, s, err);
	if (ret) {
		bw_kernel_scx_free(k, s);
		return ret;
	}
	*out = s;
	return 0;
}

void bw_kernel_scx_free(const struct bw_kernel *k, struct bw_scx *s)
{
	if (!s)
		return;
	bw_free(k->alloc, s->cpus);
	bw_free(k->alloc, s);
}

#undef SCX_ABSENT
