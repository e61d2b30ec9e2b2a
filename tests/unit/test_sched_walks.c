/* SPDX-License-Identifier: MIT */
/*
 * The domains and scx walks on a synthetic kernel (kimage_builder plus the types below): three
 * CPUs, CPU 1 offline and in no domain; CPUs 0 and 2 each in an "MC" and a "NUMA" domain whose
 * span {0,2} has a hole at CPU 1 and garbage above nr_cpu_ids; then the corners: a ->parent
 * cycle, a 7.x layout (no span member, no name), a kernel without sched_domain.level, and
 * sched_ext attached, detached, absent, and in its 6.12 layout. Every expected value is one this file wrote.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "btfwalk.h"
#include "kimage_builder.h"

/* Layout of the synthetic types (byte offsets). */
#define SD_PARENT 0
#define SD_GROUPS 8
#define SD_MIN_INTERVAL 16
#define SD_MAX_INTERVAL 24
#define SD_BUSY_FACTOR 32
#define SD_IMBALANCE_PCT 36
#define SD_CACHE_NICE_TRIES 40
#define SD_FLAGS 44
#define SD_LEVEL 48
#define SD_BALANCE_INTERVAL 52
#define SD_MAX_NEWIDLE 56
#define SD_NAME 64
#define SD_SPAN_WEIGHT 72
#define SD_SIZE 80 /* span[] starts here, with or without the member */
#define SG_FLAGS 8
#define RQ_SD 8
#define RQ_SCX 16 /* scx_rq: local_dsq (lock, nr) then nr_running */
#define SCHED_PCPU 128
#define SCHED_WATCHDOG 136
#define PCPU_EVENTS 8

/* Where objects go: physical addresses in the builder's free range, and per-CPU offsets. */
#define PA_SD(cpu, lvl) (KB_FREE_PA + 0x1000 * (cpu) + 0x100 * (lvl))
#define PA_SG (KB_FREE_PA + 0x8000)
#define PA_NAMES (KB_FREE_PA + 0x9000)
#define PA_GLOBALS (KB_FREE_PA + 0xa000) /* state, nr_rejected, hotplug, enable, switch_all */
#define PA_ROOT (KB_FREE_PA + 0xb000)
#define PCPU_RQ KB_PCPU_FREE
#define PCPU_SCHED (KB_PCPU_FREE + 0x1000)
#define VA(pa) (KB_PAGE_OFFSET + (pa))

/* V_OLD_SCX: sched_ext as in 6.12/6.13: scx_ops_enable_state_var, the global scx_ops. */
enum variant { V_FULL, V_7X, V_NO_LEVEL, V_NO_SCX, V_OLD_SCX };

static void add_types(struct kb_btf *b, void *ctx)
{
	enum variant v = *(enum variant *)ctx;
	uint32_t i32, u32, ul, s64, ch, cptr, span, sg, sg_ptr, sd_ptr, rq_n, id, dsq, scx_rq,
		names, ops, ev, pcpu;

	i32 = kb_btf_int(b, "int", 4, 1);
	u32 = kb_btf_int(b, "unsigned int", 4, 0);
	ul = kb_btf_int(b, "long unsigned int", 8, 0);
	s64 = kb_btf_typedef(b, "s64", kb_btf_int(b, "long long int", 8, 1));
	ch = kb_btf_int(b, "char", 1, 2);
	cptr = kb_btf_ptr(b, ch);
	span = kb_btf_array(b, ul, i32, 0);
	sg = kb_btf_struct(b, "sched_group", 16, 2, false);
	kb_btf_member(b, "next", cptr, 0, 0);
	kb_btf_member(b, "flags", i32, SG_FLAGS * 8, 0);
	sg_ptr = kb_btf_ptr(b, sg);
	sd_ptr = kb_btf_ptr(b, b->nr + 2); /* the struct right after this pointer */
	kb_btf_struct(b, "sched_domain", SD_SIZE, v == V_7X ? 12 : 14, false);
	kb_btf_member(b, "parent", sd_ptr, SD_PARENT * 8, 0);
	kb_btf_member(b, "groups", sg_ptr, SD_GROUPS * 8, 0);
	kb_btf_member(b, "min_interval", ul, SD_MIN_INTERVAL * 8, 0);
	kb_btf_member(b, "max_interval", ul, SD_MAX_INTERVAL * 8, 0);
	kb_btf_member(b, "busy_factor", u32, SD_BUSY_FACTOR * 8, 0);
	kb_btf_member(b, "imbalance_pct", u32, SD_IMBALANCE_PCT * 8, 0);
	kb_btf_member(b, "cache_nice_tries", u32, SD_CACHE_NICE_TRIES * 8, 0);
	kb_btf_member(b, "flags", i32, SD_FLAGS * 8, 0);
	kb_btf_member(b, v == V_NO_LEVEL ? "lvl" : "level", i32, SD_LEVEL * 8, 0);
	kb_btf_member(b, "balance_interval", u32, SD_BALANCE_INTERVAL * 8, 0);
	kb_btf_member(b, "max_newidle_lb_cost", ul, SD_MAX_NEWIDLE * 8, 0);
	if (v != V_7X)
		kb_btf_member(b, "name", cptr, SD_NAME * 8, 0);
	kb_btf_member(b, "span_weight", u32, SD_SPAN_WEIGHT * 8, 0);
	if (v != V_7X)
		kb_btf_member(b, "span", span, SD_SIZE * 8, 0);
	/* The flag enum (sd_flags.h order); bit 3 has no name. */
	kb_btf_enum(b, "", 4);
	kb_btf_enumerator(b, "__SD_BALANCE_NEWIDLE", 0);
	kb_btf_enumerator(b, "__SD_SHARE_LLC", 1);
	kb_btf_enumerator(b, "__SD_NUMA", 2);
	kb_btf_enumerator(b, "__SD_FLAG_CNT", 4);

	rq_n = v == V_NO_SCX ? 2 : 3;
	if (v != V_NO_SCX) {
		dsq = kb_btf_struct(b, "scx_dispatch_q", 8, 2, false);
		kb_btf_member(b, "lock", i32, 0, 0);
		kb_btf_member(b, "nr", u32, 32, 0);
		scx_rq = kb_btf_struct(b, "scx_rq", 16, 2, false);
		kb_btf_member(b, "local_dsq", dsq, 0, 0);
		kb_btf_member(b, "nr_running", u32, 64, 0);
		bool old = v == V_OLD_SCX;

		kb_btf_enum(b, old ? "scx_ops_enable_state" : "scx_enable_state", 4);
		kb_btf_enumerator(b, old ? "SCX_OPS_ENABLING" : "SCX_ENABLING", 0);
		kb_btf_enumerator(b, old ? "SCX_OPS_ENABLED" : "SCX_ENABLED", 1);
		kb_btf_enumerator(b, old ? "SCX_OPS_DISABLING" : "SCX_DISABLING", 2);
		kb_btf_enumerator(b, old ? "SCX_OPS_DISABLED" : "SCX_DISABLED", 3);
		names = kb_btf_array(b, ch, i32, 128);
		ops = kb_btf_struct(b, "sched_ext_ops", 128, 1, false);
		kb_btf_member(b, "name", names, 0, 0);
		ev = kb_btf_struct(b, "scx_event_stats", 16, 2, false);
		kb_btf_member(b, "SCX_EV_SELECT_CPU_FALLBACK", s64, 0, 0);
		kb_btf_member(b, "SCX_EV_REFILL_SLICE_DFL", s64, 64, 0);
		pcpu = kb_btf_struct(b, "scx_sched_pcpu", 24, 2, false);
		kb_btf_member(b, "sch", cptr, 0, 0);
		kb_btf_member(b, "event_stats", ev, PCPU_EVENTS * 8, 0);
		id = kb_btf_ptr(b, pcpu);
		kb_btf_struct(b, "scx_sched", 144, 3, false);
		kb_btf_member(b, "ops", ops, 0, 0);
		kb_btf_member(b, "pcpu", id, SCHED_PCPU * 8, 0);
		kb_btf_member(b, "watchdog_timeout", ul, SCHED_WATCHDOG * 8, 0);
	}
	kb_btf_struct(b, "rq", 64, rq_n, false);
	kb_btf_member(b, "nr_running", u32, 0, 0);
	kb_btf_member(b, "sd", sd_ptr, RQ_SD * 8, 0);
	if (v != V_NO_SCX)
		kb_btf_member(b, "scx", scx_rq, RQ_SCX * 8, 0);
}

static const char *const sym_names[] = {
	"runqueues",	  "scx_enable_state_var", "scx_nr_rejected", "scx_hotplug_seq",
	"scx_enable_seq", "scx_switching_all",	  "scx_root",
};
static const char *const old_sym_names[] = {
	"runqueues",	  "scx_ops_enable_state_var", "scx_nr_rejected", "scx_hotplug_seq",
	"scx_enable_seq", "scx_switching_all",	      "scx_ops",
};
static const uint64_t sym_addrs[] = {
	PCPU_RQ,
	VA(PA_GLOBALS),
	VA(PA_GLOBALS + 8),
	VA(PA_GLOBALS + 16),
	VA(PA_GLOBALS + 24),
	VA(PA_GLOBALS + 32),
	VA(PA_GLOBALS + 40),
};
static const uint64_t old_sym_addrs[] = {
	PCPU_RQ,
	VA(PA_GLOBALS),
	VA(PA_GLOBALS + 8),
	VA(PA_GLOBALS + 16),
	VA(PA_GLOBALS + 24),
	VA(PA_GLOBALS + 32),
	VA(PA_ROOT),
};

struct fixture {
	enum variant v;
	struct kb_kernel kk;
	struct bw_mem *mem;
	struct bw_kernel *k;
};

static void put_sd(struct kb_mem *m, uint32_t cpu, uint32_t lvl, uint64_t parent)
{
	uint64_t sd = PA_SD(cpu, lvl);

	kb_put_u64(m, sd + SD_PARENT, parent);
	kb_put_u64(m, sd + SD_GROUPS, lvl ? 0 : VA(PA_SG));
	kb_put_u64(m, sd + SD_MIN_INTERVAL, 2 + lvl);
	kb_put_u64(m, sd + SD_MAX_INTERVAL, 4 + lvl);
	kb_put_u32(m, sd + SD_BUSY_FACTOR, 16);
	kb_put_u32(m, sd + SD_IMBALANCE_PCT, 110 + lvl);
	kb_put_u32(m, sd + SD_CACHE_NICE_TRIES, lvl);
	kb_put_u32(m, sd + SD_FLAGS, lvl ? 0xd : 0x3); /* NEWIDLE|NUMA|bit 3, NEWIDLE|SHARE_LLC */
	kb_put_u32(m, sd + SD_LEVEL, lvl ? 3 : 1);
	kb_put_u32(m, sd + SD_BALANCE_INTERVAL, 8 * (cpu + 1) + lvl);
	kb_put_u64(m, sd + SD_MAX_NEWIDLE, 1000 * cpu + lvl);
	kb_put_u64(m, sd + SD_NAME, VA(PA_NAMES + 16 * lvl));
	kb_put_u32(m, sd + SD_SPAN_WEIGHT, 2);
	kb_put_u64(m, sd + SD_SIZE, 0xf0 | 0x5); /* CPUs 0, 2; bits past nr_cpu_ids */
}

static void fixture_open(struct fixture *f, enum variant v)
{
	struct kb_kernel_opts o = {.levels = 4, .symbols_in_vmcoreinfo = true};
	struct bw_mem_range range = {0, 0};
	struct bw_error err = {0};
	struct kb_mem *m;
	uint32_t cpu;

	memset(f, 0, sizeof(*f));
	f->v = v;
	o.extra_btf = add_types;
	o.own_runqueues = true;
	o.extra_ctx = &f->v;
	o.extra_sym_names = v == V_OLD_SCX ? old_sym_names : sym_names;
	o.extra_sym_addrs = v == V_OLD_SCX ? old_sym_addrs : sym_addrs;
	o.nr_extra_syms = sizeof(sym_names) / sizeof(sym_names[0]);
	assert_int_equal(kb_kernel_build(&f->kk, &o), 0);
	m = &f->kk.mem;
	kb_put(m, PA_NAMES, "MC", 3);
	kb_put(m, PA_NAMES + 16, "NUMA", 5);
	kb_put_u32(m, PA_SG + SG_FLAGS, 0x2);
	for (cpu = 0; cpu < KB_NR_CPUS; cpu += 2) {
		put_sd(m, cpu, 0, VA(PA_SD(cpu, 1)));
		put_sd(m, cpu, 1, 0);
		kb_put_u64(m, KB_PCPU_AREA_PA(cpu) + PCPU_RQ + RQ_SD, VA(PA_SD(cpu, 0)));
	}
	for (cpu = 0; cpu < KB_NR_CPUS; cpu++) {
		uint64_t rq = KB_PCPU_AREA_PA(cpu) + PCPU_RQ;
		uint64_t ev = KB_PCPU_AREA_PA(cpu) + PCPU_SCHED + PCPU_EVENTS;

		kb_put_u32(m, rq + RQ_SCX + 4, cpu == 2 ? 3 : 0); /* local_dsq.nr */
		kb_put_u32(m, rq + RQ_SCX + 8, cpu + 1);	  /* nr_running */
		kb_put_u64(m, ev, 100 + cpu);
		kb_put_u64(m, ev + 8, (uint64_t)-1); /* s64 -1 on each CPU */
	}
	/* sched_ext enabled, btfwalk_test attached. */
	kb_put_u32(m, PA_GLOBALS, 1);
	kb_put_u64(m, PA_GLOBALS + 8, 4);
	kb_put_u64(m, PA_GLOBALS + 16, 7);
	kb_put_u64(m, PA_GLOBALS + 24, 2);
	kb_put(m, PA_GLOBALS + 32, "\1", 1);
	kb_put_u64(m, PA_GLOBALS + 40, VA(PA_ROOT));
	kb_put(m, PA_ROOT, "btfwalk_test", 13);
	kb_put_u64(m, PA_ROOT + SCHED_PCPU, PCPU_SCHED);
	kb_put_u64(m, PA_ROOT + SCHED_WATCHDOG, 7500);
	range.size = m->size;
	assert_int_equal(bw_mem_open_callback(&range, 1, kb_mem_read, m, NULL, &f->mem, &err), 0);
	if (bw_kernel_open(f->mem, NULL, &f->k, &err))
		fail_msg("open: %s", err.msg);
}

static void fixture_close(struct fixture *f)
{
	bw_kernel_close(f->k);
	bw_mem_close(f->mem);
	kb_kernel_free(&f->kk);
}

static void check_domain(const struct bw_domains *d, uint32_t cpu, uint32_t lvl, bool named)
{
	const struct bw_sched_domain *sd = &d->cpus[cpu].domains[lvl];

	assert_int_equal(sd->addr, VA(PA_SD(cpu, lvl)));
	assert_int_equal(sd->level, lvl ? 3 : 1);
	assert_int_equal(sd->flags, lvl ? 0xd : 0x3);
	assert_int_equal(sd->has_name, named);
	assert_string_equal(sd->name, named ? (lvl ? "NUMA" : "MC") : "");
	assert_int_equal(sd->has_groups_flags, !lvl);
	assert_int_equal(sd->groups_flags, lvl ? 0 : 0x2);
	assert_int_equal(sd->span[0], 0x5);
	assert_int_equal(sd->present, (1u << BW_SD_NR_FIELDS) - 1);
	assert_int_equal(sd->value[BW_SD_MIN_INTERVAL], 2 + lvl);
	assert_int_equal(sd->value[BW_SD_MAX_INTERVAL], 4 + lvl);
	assert_int_equal(sd->value[BW_SD_BUSY_FACTOR], 16);
	assert_int_equal(sd->value[BW_SD_IMBALANCE_PCT], 110 + lvl);
	assert_int_equal(sd->value[BW_SD_CACHE_NICE_TRIES], lvl);
	assert_int_equal(sd->value[BW_SD_BALANCE_INTERVAL], 8 * (cpu + 1) + lvl);
	assert_int_equal(sd->value[BW_SD_MAX_NEWIDLE_LB_COST], 1000 * cpu + lvl);
	assert_int_equal(sd->value[BW_SD_SPAN_WEIGHT], 2);
}

static void check_tree(enum variant v)
{
	struct bw_domains *d;
	struct bw_error err = {0};
	struct fixture f;
	uint32_t cpu;

	fixture_open(&f, v);
	if (bw_kernel_domains(f.k, &d, &err))
		fail_msg("domains: %s", err.msg);
	assert_int_equal(d->nr_cpu_ids, KB_NR_CPUS);
	assert_int_equal(d->span_words, 1);
	assert_string_equal(d->flag_names[0], "SD_BALANCE_NEWIDLE");
	assert_string_equal(d->flag_names[1], "SD_SHARE_LLC");
	assert_string_equal(d->flag_names[2], "SD_NUMA");
	assert_null(d->flag_names[3]);
	assert_int_equal(d->nr_cpus, KB_NR_CPUS);
	for (cpu = 0; cpu < KB_NR_CPUS; cpu++) {
		assert_int_equal(d->cpus[cpu].cpu, cpu);
		assert_int_equal(d->cpus[cpu].online, cpu != 1);
		assert_int_equal(d->cpus[cpu].nr_domains, cpu == 1 ? 0 : 2);
	}
	for (cpu = 0; cpu < KB_NR_CPUS; cpu += 2) {
		check_domain(d, cpu, 0, v != V_7X);
		check_domain(d, cpu, 1, v != V_7X);
	}
	assert_string_equal(bw_sd_field_name(BW_SD_IMBALANCE_PCT), "imbalance_pct");
	assert_null(bw_sd_field_name(BW_SD_NR_FIELDS));
	bw_kernel_domains_free(f.k, d);
	fixture_close(&f);
}

static void test_domains(void **state)
{
	(void)state;
	check_tree(V_FULL);
}

/* 7.x: no span member (the mask is at sizeof(struct sched_domain)) and no name. */
static void test_domains_7x_layout(void **state)
{
	(void)state;
	check_tree(V_7X);
}

static void test_domains_cycle(void **state)
{
	struct bw_domains *d = NULL;
	struct bw_error err = {0};
	struct fixture f;

	(void)state;
	fixture_open(&f, V_FULL);
	kb_put_u64(&f.kk.mem, PA_SD(2, 1) + SD_PARENT, VA(PA_SD(2, 0)));
	assert_int_equal(bw_kernel_domains(f.k, &d, &err), -BW_ELIMIT);
	assert_null(d);
	assert_string_equal(err.msg, "CPU 2: more than 32 scheduler domains up the ->parent chain "
				     "(a cycle?)");
	fixture_close(&f);
}

static void test_domains_no_level(void **state)
{
	struct bw_domains *d = NULL;
	struct bw_error err = {0};
	struct fixture f;

	(void)state;
	fixture_open(&f, V_NO_LEVEL);
	assert_int_equal(bw_kernel_domains(f.k, &d, &err), -BW_ENOTSUP);
	assert_string_equal(err.msg, "no scheduler domains in this kernel: no 4-byte "
				     "sched_domain.level in the BTF");
	fixture_close(&f);
}

static void test_domains_unreadable_name(void **state)
{
	struct bw_domains *d = NULL;
	struct bw_error err = {0};
	struct fixture f;
	const char *want = "CPU 0 domain1: sched_domain at 0xffff9a4b42000100: name: reading ";

	(void)state;
	fixture_open(&f, V_FULL);
	f.kk.mem.hole_start = PA_NAMES + 16;
	f.kk.mem.hole_size = 1;
	assert_int_equal(bw_kernel_domains(f.k, &d, &err), -BW_EFAULT);
	assert_memory_equal(err.msg, want, strlen(want));
	fixture_close(&f);
}

static void test_scx_enabled(void **state)
{
	struct bw_scx *s;
	struct bw_error err = {0};
	struct fixture f;
	uint32_t cpu;

	(void)state;
	fixture_open(&f, V_FULL);
	if (bw_kernel_scx(f.k, &s, &err))
		fail_msg("scx: %s", err.msg);
	assert_int_equal(s->state, 1);
	assert_string_equal(s->state_name, "enabled");
	assert_int_equal(s->present, BW_SCX_HAS_SWITCH_ALL | BW_SCX_HAS_NR_REJECTED |
					     BW_SCX_HAS_HOTPLUG_SEQ | BW_SCX_HAS_ENABLE_SEQ |
					     BW_SCX_HAS_WATCHDOG | BW_SCX_HAS_EVENTS |
					     BW_SCX_HAS_NAME);
	assert_true(s->switch_all);
	assert_int_equal(s->nr_rejected, 4);
	assert_int_equal(s->hotplug_seq, 7);
	assert_int_equal(s->enable_seq, 2);
	assert_int_equal(s->root, VA(PA_ROOT));
	assert_string_equal(s->name, "btfwalk_test");
	assert_int_equal(s->watchdog_timeout, 7500);
	assert_int_equal(s->nr_events, 2);
	assert_string_equal(s->event_names[0], "SCX_EV_SELECT_CPU_FALLBACK");
	assert_string_equal(s->event_names[1], "SCX_EV_REFILL_SLICE_DFL");
	assert_int_equal(s->events[0], 100 + 101 + 102); /* every CPU, offline ones too */
	assert_int_equal(s->events[1], -3);
	assert_int_equal(s->nr_cpus, KB_NR_CPUS);
	for (cpu = 0; cpu < KB_NR_CPUS; cpu++) {
		assert_int_equal(s->cpus[cpu].online, cpu != 1);
		assert_int_equal(s->cpus[cpu].nr_running, cpu + 1);
		assert_int_equal(s->cpus[cpu].local_dsq_nr, cpu == 2 ? 3 : 0);
	}
	bw_kernel_scx_free(f.k, s);
	fixture_close(&f);
}

static void test_scx_disabled(void **state)
{
	struct bw_scx *s;
	struct bw_error err = {0};
	struct fixture f;

	(void)state;
	fixture_open(&f, V_FULL);
	kb_put_u32(&f.kk.mem, PA_GLOBALS, 3);
	kb_put_u64(&f.kk.mem, PA_GLOBALS + 40, 0);
	kb_put_u32(&f.kk.mem, PA_GLOBALS + 32, 0);
	if (bw_kernel_scx(f.k, &s, &err))
		fail_msg("scx: %s", err.msg);
	assert_string_equal(s->state_name, "disabled");
	assert_false(s->switch_all);
	assert_int_equal(s->root, 0);
	assert_int_equal(s->present & (BW_SCX_HAS_NAME | BW_SCX_HAS_EVENTS | BW_SCX_HAS_WATCHDOG),
			 0);
	assert_int_equal(s->nr_events, 0);
	/* A state the enum does not name. */
	bw_kernel_scx_free(f.k, s);
	kb_put_u32(&f.kk.mem, PA_GLOBALS, 9);
	if (bw_kernel_scx(f.k, &s, &err))
		fail_msg("scx: %s", err.msg);
	assert_string_equal(s->state_name, "unknown(9)");
	bw_kernel_scx_free(f.k, s);
	fixture_close(&f);
}

/* 6.12/6.13: the name is in the global scx_ops; no root object, so no events or watchdog. */
static void test_scx_old_layout(void **state)
{
	struct bw_scx *s;
	struct bw_error err = {0};
	struct fixture f;

	(void)state;
	fixture_open(&f, V_OLD_SCX);
	if (bw_kernel_scx(f.k, &s, &err))
		fail_msg("scx: %s", err.msg);
	assert_string_equal(s->state_name, "enabled");
	assert_int_equal(s->present, BW_SCX_HAS_SWITCH_ALL | BW_SCX_HAS_NR_REJECTED |
					     BW_SCX_HAS_HOTPLUG_SEQ | BW_SCX_HAS_ENABLE_SEQ |
					     BW_SCX_HAS_NAME);
	assert_string_equal(s->name, "btfwalk_test");
	assert_int_equal(s->root, 0);
	assert_int_equal(s->cpus[2].local_dsq_nr, 3);
	bw_kernel_scx_free(f.k, s);
	/* Nothing attached: scx_ops is all zero, no name. */
	kb_put(&f.kk.mem, PA_ROOT, "", 1);
	kb_put_u32(&f.kk.mem, PA_GLOBALS, 3);
	if (bw_kernel_scx(f.k, &s, &err))
		fail_msg("scx: %s", err.msg);
	assert_string_equal(s->state_name, "disabled");
	assert_int_equal(s->present & BW_SCX_HAS_NAME, 0);
	bw_kernel_scx_free(f.k, s);
	fixture_close(&f);
}

static void test_scx_absent(void **state)
{
	struct bw_scx *s = NULL;
	struct bw_error err = {0};
	struct fixture f;

	(void)state;
	fixture_open(&f, V_NO_SCX);
	assert_int_equal(bw_kernel_scx(f.k, &s, &err), -BW_ENOTSUP);
	assert_null(s);
	assert_string_equal(err.msg, "no sched_ext in this kernel: no struct rq member scx in the "
				     "BTF (CONFIG_SCHED_CLASS_EXT off)");
	fixture_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domains),
		cmocka_unit_test(test_domains_7x_layout),
		cmocka_unit_test(test_domains_cycle),
		cmocka_unit_test(test_domains_no_level),
		cmocka_unit_test(test_domains_unreadable_name),
		cmocka_unit_test(test_scx_enabled),
		cmocka_unit_test(test_scx_disabled),
		cmocka_unit_test(test_scx_old_layout),
		cmocka_unit_test(test_scx_absent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
