/* SPDX-License-Identifier: MIT */
/*
 * Each online CPU's run queue: rq.curr, rq.nr_running and the queued tasks of each scheduling
 * class the BTF has (fair rbtree with group entities descended, rt priority lists, deadline
 * rbtree, sched_ext local DSQ). Layout resolved once from the BTF; queues walked with the
 * bounded walks of kernel/iter.h. See include/btfwalk/tasks.h.
 */
#include <string.h>
#include "internal.h"
#include "kernel/iter.h"
#include "walks/walk_impl.h"

struct rq_layout {
	struct bw_task_layout task;
	struct bw_field nr_running, curr, cfs, rt, dl, scx_dsq;
	/* fair */
	uint64_t cfs_timeline, se_run_node, task_se;
	struct bw_field se_my_q;
	/* rt */
	uint64_t rt_queue, rt_queue_len, rt_queue_stride, rt_run_list, task_rt;
	struct bw_field rt_my_q;
	/* deadline */
	uint64_t dl_root, dl_rb_node, task_dl;
	struct bw_field dl_server;
	/* sched_ext */
	uint64_t dsq_list, task_dsq_node;
	struct bw_field dsq_flags;
	uint64_t dsq_cursor;
};

struct rq_walk {
	const struct bw_kernel *k;
	struct rq_layout l;
	const struct bw_runq_fns *fns;
	struct bw_runq_cpu cpu;
	enum bw_sched_class cls;
	unsigned depth;	 /* group nesting */
	uint64_t count;	 /* queued entries of this CPU */
	uint64_t groups; /* group entities of this CPU descended into */
	bool stopped;
	struct bw_error *err;
};

static uint64_t rq_off(const struct bw_kernel *k, const char *sname, const char *path, bool *ok)
{
	struct bw_field f;

	bw_walk_field_opt(k, sname, path, &f);
	*ok = *ok && f.present;
	return f.off;
}

static int rq_layout_init(const struct bw_kernel *k, struct rq_layout *l, struct bw_error *err)
{
	struct bw_enumerator e;
	struct bw_field q;
	struct bw_array arr;
	bool ok;
	int ret;

	memset(l, 0, sizeof(*l));
	ret = bw_walk_field(k, "rq", "nr_running", &l->nr_running, err);
	if (!ret)
		ret = bw_walk_field(k, "rq", "curr", &l->curr, err);
	if (ret)
		return ret;
	ok = true;
	bw_walk_field_opt(k, "rq", "cfs", &l->cfs);
	l->cfs_timeline = rq_off(k, "cfs_rq", "tasks_timeline", &ok);
	l->se_run_node = rq_off(k, "sched_entity", "run_node", &ok);
	l->task_se = rq_off(k, "task_struct", "se", &ok);
	l->cfs.present = l->cfs.present && ok;
	bw_walk_field_opt(k, "sched_entity", "my_q", &l->se_my_q);

	ok = true;
	bw_walk_field_opt(k, "rq", "rt", &l->rt);
	bw_walk_field_opt(k, "rt_rq", "active.queue", &q);
	l->rt_queue = q.off;
	l->rt_run_list = rq_off(k, "sched_rt_entity", "run_list", &ok);
	l->task_rt = rq_off(k, "task_struct", "rt", &ok);
	if (!q.present || bw_btf_array(k->btf, q.type, &arr, NULL) || !arr.nelems ||
	    arr.nelems > 1024 || bw_btf_sizeof(k->btf, arr.type, &l->rt_queue_stride, NULL))
		ok = false;
	else
		l->rt_queue_len = arr.nelems;
	l->rt.present = l->rt.present && ok;
	bw_walk_field_opt(k, "sched_rt_entity", "my_q", &l->rt_my_q);

	ok = true;
	bw_walk_field_opt(k, "rq", "dl", &l->dl);
	l->dl_root = rq_off(k, "dl_rq", "root", &ok);
	l->dl_rb_node = rq_off(k, "sched_dl_entity", "rb_node", &ok);
	l->task_dl = rq_off(k, "task_struct", "dl", &ok);
	l->dl.present = l->dl.present && ok;
	bw_walk_field_opt(k, "sched_dl_entity", "dl_server", &l->dl_server);

	ok = true;
	bw_walk_field_opt(k, "rq", "scx.local_dsq.list", &l->scx_dsq);
	/* 6.12 names the task's DSQ link dsq_list.node; earlier sched_ext trees dsq_node. */
	l->task_dsq_node = rq_off(k, "task_struct", "scx.dsq_list.node", &ok);
	bw_walk_field_opt(k, "task_struct", "scx.dsq_list.flags", &l->dsq_flags);
	l->scx_dsq.present = l->scx_dsq.present && ok;
	if (!bw_btf_enum_value(k->btf, 0, "SCX_DSQ_LNODE_ITER_CURSOR", &e, NULL))
		l->dsq_cursor = (uint64_t)e.value;
	return bw_task_layout_init(k, &l->task, err);
}

static int rq_emit(struct rq_walk *w, uint64_t task)
{
	struct bw_task t;
	int ret;

	if (++w->count > BW_TASKS_MAX)
		return bw_fail(w->err, BW_ELIMIT, "CPU %u: more than %u queued tasks", w->cpu.cpu,
			       BW_TASKS_MAX);
	ret = bw_task_read(w->k, &w->l.task, task, &t, w->err);
	if (ret)
		return ret;
	if (w->fns->queued && w->fns->queued(w->fns->ctx, &w->cpu, w->cls, &t)) {
		w->stopped = true;
		return 1;
	}
	return 0;
}

static int rq_cfs(struct rq_walk *w, uint64_t cfs_rq);

static int rq_group(struct rq_walk *w)
{
	if (++w->groups > BW_RUNQ_MAX_GROUPS)
		return bw_fail(w->err, BW_ELIMIT, "CPU %u: more than %u queued task groups",
			       w->cpu.cpu, BW_RUNQ_MAX_GROUPS);
	return 0;
}

/* A sched_entity of a cfs_rq: a task's, or a group's whose own cfs_rq is my_q. */
static int rq_fair_entity(void *ctx, uint64_t index, uint64_t se)
{
	struct rq_walk *w = ctx;
	uint64_t my_q = 0;
	int ret;

	(void)index;
	if (w->l.se_my_q.present) {
		ret = bw_kernel_read_uint(w->k, se + w->l.se_my_q.off, 8, &my_q, w->err);
		if (ret)
			return bw_kernel_prefix(w->err, "sched_entity 0x%llx: my_q",
						(unsigned long long)se);
	}
	if (my_q)
		return (ret = rq_group(w)) ? ret : rq_cfs(w, my_q);
	return rq_emit(w, se - w->l.task_se);
}

static int rq_cfs(struct rq_walk *w, uint64_t cfs_rq)
{
	struct bw_iter_walk it = {rq_fair_entity, w, w->l.se_run_node, BW_TASKS_MAX};
	int ret;

	if (++w->depth > BW_RUNQ_MAX_GROUP_DEPTH)
		return bw_fail(w->err, BW_ELIMIT, "CPU %u: task groups nested deeper than %u",
			       w->cpu.cpu, BW_RUNQ_MAX_GROUP_DEPTH);
	ret = bw_iter_rbtree(w->k, cfs_rq + w->l.cfs_timeline, true, &it, w->err);
	w->depth--;
	return ret ? ret : (w->stopped ? 1 : 0);
}

static int rq_rt_rq(struct rq_walk *w, uint64_t rt_rq);

static int rq_rt_entity(void *ctx, uint64_t index, uint64_t rt_se)
{
	struct rq_walk *w = ctx;
	uint64_t my_q = 0;
	int ret;

	(void)index;
	if (w->l.rt_my_q.present) {
		ret = bw_kernel_read_uint(w->k, rt_se + w->l.rt_my_q.off, 8, &my_q, w->err);
		if (ret)
			return bw_kernel_prefix(w->err, "sched_rt_entity 0x%llx: my_q",
						(unsigned long long)rt_se);
	}
	if (my_q)
		return (ret = rq_group(w)) ? ret : rq_rt_rq(w, my_q);
	return rq_emit(w, rt_se - w->l.task_rt);
}

static int rq_rt_rq(struct rq_walk *w, uint64_t rt_rq)
{
	struct bw_iter_walk it = {rq_rt_entity, w, w->l.rt_run_list, BW_TASKS_MAX};
	uint64_t prio;
	int ret = 0;

	if (++w->depth > BW_RUNQ_MAX_GROUP_DEPTH)
		return bw_fail(w->err, BW_ELIMIT, "CPU %u: rt groups nested deeper than %u",
			       w->cpu.cpu, BW_RUNQ_MAX_GROUP_DEPTH);
	for (prio = 0; prio < w->l.rt_queue_len && !ret && !w->stopped; prio++)
		ret = bw_iter_list(w->k, rt_rq + w->l.rt_queue + prio * w->l.rt_queue_stride, &it,
				   w->err);
	w->depth--;
	return ret ? ret : (w->stopped ? 1 : 0);
}

static int rq_dl_entity(void *ctx, uint64_t index, uint64_t dl_se)
{
	struct rq_walk *w = ctx;
	uint64_t server = 0;
	int ret;

	(void)index;
	if (w->l.dl_server.present) {
		ret = bw_kernel_read_uint(w->k, dl_se + w->l.dl_server.off, w->l.dl_server.size,
					  &server, w->err);
		if (ret)
			return bw_kernel_prefix(w->err, "sched_dl_entity 0x%llx",
						(unsigned long long)dl_se);
		server = (server >> w->l.dl_server.shift) & 1;
	}
	return server ? 0 : rq_emit(w, dl_se - w->l.task_dl);
}

static int rq_scx_node(void *ctx, uint64_t index, uint64_t task)
{
	struct rq_walk *w = ctx;
	uint64_t flags = 0;
	int ret;

	(void)index;
	if (w->l.dsq_cursor && w->l.dsq_flags.present) {
		ret = bw_kernel_read_uint(w->k, task + w->l.dsq_flags.off, w->l.dsq_flags.size,
					  &flags, w->err);
		if (ret)
			return ret;
		if (flags & w->l.dsq_cursor)
			return 0; /* an iterator's cursor, not a task */
	}
	return rq_emit(w, task);
}

static int rq_classes(struct rq_walk *w, uint64_t rq)
{
	const struct rq_layout *l = &w->l;
	struct bw_iter_walk it;
	int ret = 0;

	w->count = w->groups = 0;
	if (l->cfs.present) {
		w->cls = BW_SCHED_FAIR;
		ret = rq_cfs(w, rq + l->cfs.off);
	}
	if (!ret && l->rt.present) {
		w->cls = BW_SCHED_RT;
		ret = rq_rt_rq(w, rq + l->rt.off);
	}
	if (!ret && l->dl.present) {
		w->cls = BW_SCHED_DL;
		it = (struct bw_iter_walk){rq_dl_entity, w, l->dl_rb_node, BW_TASKS_MAX};
		ret = bw_iter_rbtree(w->k, rq + l->dl.off + l->dl_root, true, &it, w->err);
	}
	if (!ret && !w->stopped && l->scx_dsq.present) {
		w->cls = BW_SCHED_EXT;
		it = (struct bw_iter_walk){rq_scx_node, w, l->task_dsq_node, BW_TASKS_MAX};
		ret = bw_iter_list(w->k, rq + l->scx_dsq.off, &it, w->err);
	}
	return ret;
}

static int rq_cpu(struct rq_walk *w, uint32_t cpu)
{
	uint64_t rq, curr;
	int ret;

	memset(&w->cpu, 0, sizeof(w->cpu));
	w->cpu.cpu = cpu;
	w->cpu.has_class[BW_SCHED_FAIR] = w->l.cfs.present;
	w->cpu.has_class[BW_SCHED_RT] = w->l.rt.present;
	w->cpu.has_class[BW_SCHED_DL] = w->l.dl.present;
	w->cpu.has_class[BW_SCHED_EXT] = w->l.scx_dsq.present;
	ret = bw_walk_percpu(w->k, "runqueues", cpu, &rq, w->err);
	if (!ret)
		ret = bw_kernel_read_uint(w->k, rq + w->l.nr_running.off, w->l.nr_running.size,
					  &w->cpu.nr_running, w->err);
	if (!ret)
		ret = bw_kernel_read_uint(w->k, rq + w->l.curr.off, 8, &curr, w->err);
	if (!ret)
		ret = bw_task_read(w->k, &w->l.task, curr, &w->cpu.curr, w->err);
	if (ret)
		return bw_kernel_prefix(w->err, "runqueues@cpu%u", cpu);
	if (w->fns->cpu && w->fns->cpu(w->fns->ctx, &w->cpu)) {
		w->stopped = true;
		return 1;
	}
	return rq_classes(w, rq);
}

int bw_kernel_runqueues(const struct bw_kernel *k, const struct bw_runq_fns *fns,
			struct bw_error *err)
{
	struct bw_error local;
	struct rq_walk w;
	uint32_t cpu;
	int ret;

	if (!err)
		err = &local;
	if (!k || !fns)
		return bw_fail(err, BW_EINVAL, "bw_kernel_runqueues: k and fns must not be NULL");
	ret = bw_kernel_need_percpu(k, err);
	if (ret)
		return ret;
	memset(&w, 0, sizeof(w));
	w.k = k;
	w.fns = fns;
	w.err = err;
	ret = rq_layout_init(k, &w.l, err);
	for (cpu = 0; !ret && !w.stopped && cpu < k->nr_cpu_ids; cpu++) {
		bool online;

		ret = bw_kernel_cpu_online(k, cpu, &online, err);
		if (!ret && online)
			ret = rq_cpu(&w, cpu);
		if (ret > 0)
			ret = 0;
	}
	bw_task_layout_free(k, &w.l.task);
	return ret < 0 ? ret : 0;
}

const char *bw_sched_class_name(enum bw_sched_class c)
{
	static const char *const names[BW_SCHED_NR] = {"fair", "rt", "dl", "ext"};

	return (unsigned)c < BW_SCHED_NR ? names[c] : "?";
}
