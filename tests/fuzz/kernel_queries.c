/* SPDX-License-Identifier: MIT */
#include <string.h>
#include "kernel_queries.h"
#include "support.h"

static const char *const exprs[] = {
	"node_data[0]->node_zones[0].vm_numa_event[0]",
	"node_data[1]->node_zones[2].per_cpu_zonestats",
	"node_data[1]->node_zones[3].zone_pgdat->node_id",
	"node_data[0]->node_zones[1].name",
	"node_data[0]->node_zones[0].contiguous",
	"node_data[3]->node_id",
	"runqueues@cpu0.nr_running",
	"runqueues@cpu3.self->self->cpu",
	"numa_node@cpu1",
	"init_uts_ns.name.release",
	"init_uts_ns",
	"node_states[1].bits[0]",
	"__per_cpu_offset[3]",
	"nr_cpu_ids",
	"(node_data[0])->node_zonelists[0]._zonerefs[0].zone->name",
};

int fuzz_eval(const struct bw_kernel *k, const char *expr)
{
	struct bw_value v;
	struct bw_error err;
	struct fuzz_stop stop = {.left = 64};
	uint64_t u;
	int rc;

	rc = bw_kernel_eval(k, expr, &v, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		return rc;
	}
	rc = bw_kernel_value_u64(k, &v, &u, &err);
	if (rc)
		fuzz_check_error(rc, &err);
	rc = bw_kernel_value_print(k, &v, fuzz_null_sink, NULL, &err);
	if (rc)
		fuzz_check_error(rc, &err);
	rc = bw_kernel_value_print(k, &v, fuzz_stop_sink, &stop, &err);
	FUZZ_ASSERT(rc <= 0);
	return 0;
}

static void query_numa(const struct bw_kernel *k)
{
	struct bw_numa_stats *stats = NULL;
	struct bw_error err;
	int rc;

	rc = bw_kernel_numa_stats(k, &stats, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		return;
	}
	FUZZ_ASSERT(stats->nr_items <= BW_NUMA_MAX_ITEMS);
	FUZZ_ASSERT(stats->nr_nodes <= BW_NUMA_MAX_NODES);
	for (uint32_t i = 0; i < stats->nr_items; i++)
		FUZZ_ASSERT(stats->enum_name[i] && stats->sysfs_name[i]);
	for (uint32_t n = 0; n < stats->nr_nodes; n++)
		FUZZ_ASSERT(stats->nodes[n].node < BW_NUMA_MAX_NODES);
	bw_kernel_numa_stats_free(k, stats);
}

static void query_domains(const struct bw_kernel *k)
{
	struct bw_domains *d = NULL;
	struct bw_error err;
	int rc;

	rc = bw_kernel_domains(k, &d, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		return;
	}
	FUZZ_ASSERT(d->nr_domains_total <= BW_DOMAINS_MAX_TOTAL);
	for (uint32_t c = 0; c < d->nr_cpus; c++) {
		FUZZ_ASSERT(d->cpus[c].nr_domains <= BW_DOMAINS_MAX_LEVELS);
		for (uint32_t i = 0; i < d->cpus[c].nr_domains; i++)
			FUZZ_ASSERT(memchr(d->cpus[c].domains[i].name, 0, BW_DOMAINS_NAME_MAX));
	}
	bw_kernel_domains_free(k, d);
}

static void query_scx(const struct bw_kernel *k)
{
	struct bw_scx *s = NULL;
	struct bw_error err;
	int rc;

	rc = bw_kernel_scx(k, &s, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		return;
	}
	FUZZ_ASSERT(s->nr_events <= BW_SCX_MAX_EVENTS);
	FUZZ_ASSERT(memchr(s->name, 0, sizeof(s->name)) && memchr(s->state_name, 0, 32));
	bw_kernel_scx_free(k, s);
}

static int check_record(void *ctx, const struct bw_printk_record *r)
{
	(void)ctx;
	FUZZ_ASSERT(r->level <= 7 && r->text && r->text[r->text_len] == '\0');
	FUZZ_ASSERT(r->subsystem && r->device && (!r->lost || !r->text_len));
	return 0;
}

static int check_task(void *ctx, const struct bw_task *t)
{
	(void)ctx;
	FUZZ_ASSERT(t->state && strchr("RSDTtXZPI", t->state) &&
		    strlen(t->comm) <= BW_TASK_COMM_MAX);
	return 0;
}

static int check_rq(void *ctx, const struct bw_runq_cpu *rq)
{
	return check_task(ctx, &rq->curr);
}

static int check_queued(void *ctx, const struct bw_runq_cpu *rq, enum bw_sched_class c,
			const struct bw_task *t)
{
	(void)rq;
	FUZZ_ASSERT((unsigned)c < BW_SCHED_NR);
	return check_task(ctx, t);
}

/* A follower that stops after a few records, as a reader polling a live ring would. */
static int follow_record(void *ctx, const struct bw_printk_record *r)
{
	unsigned *left = ctx;

	check_record(NULL, r);
	return --*left == 0;
}

/* dmesg --follow: three polls with one cursor (the first stops early), then a cursor from
 * another ring (past the head, or behind the tail). */
static void query_follow(const struct bw_kernel *k)
{
	struct bw_printk_cursor cur = {0}, stale = {UINT64_MAX / 2, UINT64_MAX >> 3, true};
	struct bw_printk_summary sum;
	struct bw_error err;
	unsigned left;
	int rc, i;

	for (i = 0; i < 3; i++) {
		left = i ? 1000 : 3;
		rc = bw_kernel_printk_follow(k, &cur, follow_record, &left, &sum, &err);
		if (rc) {
			fuzz_check_error(rc, &err);
			break;
		}
		FUZZ_ASSERT(cur.started && sum.nr_records <= sum.nr_descs);
	}
	left = 1000;
	rc = bw_kernel_printk_follow(k, &stale, follow_record, &left, NULL, &err);
	if (rc)
		fuzz_check_error(rc, &err);
}

/* dmesg, ps, runq: answer or fail cleanly on whatever the image holds. */
static void query_printk(const struct bw_kernel *k)
{
	struct bw_printk_summary sum;
	struct bw_error err;
	int rc = bw_kernel_printk(k, check_record, NULL, &sum, &err);

	if (rc)
		fuzz_check_error(rc, &err);
	else
		FUZZ_ASSERT(sum.nr_records <= sum.nr_descs && sum.nr_lost <= sum.nr_records);
}

static void query_tasks(const struct bw_kernel *k)
{
	struct bw_error err;
	int rc = bw_kernel_tasks(k, check_task, NULL, &err);

	if (rc)
		fuzz_check_error(rc, &err);
}

static void query_runq(const struct bw_kernel *k)
{
	struct bw_runq_fns fns = {check_rq, check_queued, NULL};
	struct bw_error err;
	int rc = bw_kernel_runqueues(k, &fns, &err);

	if (rc)
		fuzz_check_error(rc, &err);
}

static void query_stat(const struct bw_kernel *k)
{
	struct bw_stat *st = NULL;
	struct bw_error err;
	int rc = bw_kernel_stat(k, &st, &err);

	if (rc) {
		fuzz_check_error(rc, &err);
		return;
	}
	FUZZ_ASSERT(st->nr_cpus >= 1 && st->idle_source && st->user_hz);
	for (uint32_t c = 0; c < st->nr_cpus; c++)
		FUZZ_ASSERT(c == 0 || st->cpus[c].cpu > st->cpus[c - 1].cpu);
	for (int i = 0; i < BW_STAT_NR_COLS; i++)
		FUZZ_ASSERT(st->col_name[i]);
	bw_kernel_stat_free(k, st);
}

static void query_softirqs(const struct bw_kernel *k)
{
	struct bw_softirqs *s = NULL;
	struct bw_error err;
	int rc = bw_kernel_softirqs(k, &s, &err);

	if (rc) {
		fuzz_check_error(rc, &err);
		return;
	}
	FUZZ_ASSERT(s->nr_softirqs >= 1 && s->nr_softirqs <= BW_SOFTIRQ_MAX && s->nr_cpus >= 1);
	for (uint32_t i = 0; i < s->nr_softirqs; i++)
		FUZZ_ASSERT(memchr(s->name[i], 0, BW_SOFTIRQ_NAME));
	bw_kernel_softirqs_free(k, s);
}

static void query_schedstat(const struct bw_kernel *k)
{
	struct bw_schedstat *s = NULL;
	struct bw_error err;
	int rc = bw_kernel_schedstat(k, &s, &err);

	if (rc) {
		fuzz_check_error(rc, &err);
		return;
	}
	for (uint32_t c = 0; c < s->nr_cpus; c++) {
		FUZZ_ASSERT(s->cpus[c].nr_domains <= BW_SCHEDSTAT_MAX_DOMAINS);
		for (uint32_t d = 0; d < s->cpus[c].nr_domains; d++) {
			const struct bw_schedstat_domain *sd = &s->cpus[c].domain[d];

			FUZZ_ASSERT(sd->nr_values <= BW_SCHEDSTAT_MAX_VALUES);
			FUZZ_ASSERT(memchr(sd->name, 0, sizeof(sd->name)) &&
				    memchr(sd->span, 0, sizeof(sd->span)));
		}
	}
	FUZZ_ASSERT(s->nr_domain_values <= BW_SCHEDSTAT_MAX_VALUES);
	bw_kernel_schedstat_free(k, s);
}

static void query_pressure(const struct bw_kernel *k)
{
	struct bw_pressure *p = NULL;
	struct bw_error err;
	int rc = bw_kernel_pressure(k, &p, &err);

	if (rc) {
		fuzz_check_error(rc, &err);
		return;
	}
	for (int i = 0; i < BW_PSI_NR; i++)
		FUZZ_ASSERT(p->res[i].name && (!p->res[i].absent || !p->res[i].some.present));
	bw_kernel_pressure_free(k, p);
}

const fuzz_walk_fn fuzz_walks[] = {
	query_numa, query_stat,	  query_softirqs, query_schedstat, query_pressure, query_domains,
	query_scx,  query_printk, query_follow,	  query_tasks,	   query_runq,
};
const size_t fuzz_nr_walks = sizeof(fuzz_walks) / sizeof(fuzz_walks[0]);

void fuzz_query_kernel(const struct bw_kernel *k)
{
	struct bw_kernel_info info;
	struct bw_error err;
	uint64_t addr, pa;
	uint8_t buf[0x2010];
	int rc;

	bw_kernel_get_info(k, &info);
	FUZZ_ASSERT(info.release != NULL);
	FUZZ_ASSERT(info.paging_levels == 4 || info.paging_levels == 5);
	FUZZ_ASSERT(bw_kernel_btf(k) != NULL && bw_kernel_vmcoreinfo(k) != NULL);
	for (uint32_t cpu = 0; cpu <= info.nr_cpus && cpu < 8; cpu++) {
		rc = bw_kernel_percpu_offset(k, cpu, &addr, &err);
		if (rc)
			fuzz_check_error(rc, &err);
	}
	rc = bw_kernel_percpu_offset(k, UINT32_MAX, &addr, &err);
	FUZZ_ASSERT(rc < 0);
	for (size_t i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++)
		fuzz_eval(k, exprs[i]);
	if (!bw_kernel_symbol(k, "node_data", &addr, &err)) {
		rc = bw_kernel_vtop(k, addr, &pa, &err);
		if (rc)
			fuzz_check_error(rc, &err);
		/* Spans three pages. */
		rc = bw_kernel_read(k, addr - 8, buf, sizeof(buf), &err);
		if (rc)
			fuzz_check_error(rc, &err);
	}
	rc = bw_kernel_read(k, UINT64_MAX - 3, buf, 8, &err);
	FUZZ_ASSERT(rc < 0);
	rc = bw_kernel_vtop(k, 0xffffc90000001000ull, &pa, &err);
	if (rc)
		fuzz_check_error(rc, &err);
	for (size_t i = 0; i < fuzz_nr_walks; i++)
		fuzz_walks[i](k);
}

void fuzz_open_and_query(const struct bw_mem *mem, const struct bw_kernel_opts *opts)
{
	struct bw_kernel *k;
	struct bw_error err;
	int rc = bw_kernel_open(mem, opts, &k, &err);

	if (rc) {
		fuzz_check_error(rc, &err);
		return;
	}
	fuzz_query_kernel(k);
	bw_kernel_close(k);
}
