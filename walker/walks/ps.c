/* SPDX-License-Identifier: MIT */
/*
 * Every task: the CPUs' idle tasks, then init_task.tasks (thread-group leaders) and each
 * leader's threads, read through the bounded walks of kernel/iter.h. The task_struct layout is
 * resolved once from the BTF; each task is read whole and its fields taken from the bytes.
 * See include/btfwalk/tasks.h.
 */
#include <string.h>
#include "internal.h"
#include "kernel/iter.h"
#include "walks/walk_impl.h"

/* include/linux/sched.h: not in the BTF (#defines), stable since 5.14 (FROZEN: 6.1). */
#define PS_TASK_REPORT 0x7fu /* RUNNING..PARKED */
#define PS_TASK_UNINTERRUPTIBLE 0x2u
#define PS_TASK_NOLOAD 0x400u
#define PS_TASK_IDLE (PS_TASK_UNINTERRUPTIBLE | PS_TASK_NOLOAD)
#define PS_TASK_REPORT_IDLE 0x80u
#define PS_TASK_RTLOCK_WAIT 0x1000u
#define PS_TASK_FROZEN 0x8000u
#define PS_PF_KTHREAD 0x00200000u

int bw_walk_percpu(const struct bw_kernel *k, const char *sym, uint32_t cpu, uint64_t *addr,
		   struct bw_error *err)
{
	uint64_t base, off;
	int ret = bw_kernel_symbol(k, sym, &base, err);

	if (!ret)
		ret = bw_kernel_percpu_offset(k, cpu, &off, err);
	if (ret)
		return ret;
	*addr = base + off;
	return 0;
}

int bw_task_layout_init(const struct bw_kernel *k, struct bw_task_layout *l, struct bw_error *err)
{
	struct bw_field f;
	int ret;

	memset(l, 0, sizeof(*l));
	ret = bw_walk_sizeof(k, "task_struct", &l->size, err);
	if (!ret && l->size > BW_WALK_MAX_STRUCT)
		ret = bw_fail(err, BW_ELIMIT, "struct task_struct has %llu bytes (cap %u)",
			      (unsigned long long)l->size, BW_WALK_MAX_STRUCT);
	if (!ret)
		ret = bw_walk_field(k, "task_struct", "pid", &l->pid, err);
	if (!ret)
		ret = bw_walk_field(k, "task_struct", "tgid", &l->tgid, err);
	if (!ret)
		ret = bw_walk_field(k, "task_struct", "exit_state", &l->exit_state, err);
	if (!ret)
		ret = bw_walk_field(k, "task_struct", "flags", &l->flags, err);
	if (!ret)
		ret = bw_walk_field(k, "task_struct", "comm", &l->comm, err);
	if (!ret)
		ret = bw_walk_field(k, "task_struct", "real_parent", &l->real_parent, err);
	if (!ret)
		ret = bw_walk_field(k, "task_struct", "signal", &l->signal, err);
	if (!ret)
		ret = bw_walk_field(k, "task_struct", "tasks", &f, err);
	if (ret)
		return ret;
	l->tasks_off = f.off;
	/* 5.14 renamed state to __state (and made it unsigned int). */
	bw_walk_field_opt(k, "task_struct", "__state", &l->state);
	if (!l->state.present && (ret = bw_walk_field(k, "task_struct", "state", &l->state, err)))
		return ret;
	/* The CPU moved into thread_info (x86, 5.16); older kernels have task_struct.cpu. */
	bw_walk_field_opt(k, "task_struct", "thread_info.cpu", &l->cpu);
	if (!l->cpu.present && (ret = bw_walk_field(k, "task_struct", "cpu", &l->cpu, err)))
		return ret;
	bw_walk_field_opt(k, "task_struct", "thread_node", &f);
	l->thread_node_off = f.off;
	l->thread_head = f.present;
	if (l->thread_head) {
		ret = bw_walk_field(k, "signal_struct", "thread_head", &f, err);
		l->thread_head_off = f.off;
	} else {
		ret = bw_walk_field(k, "task_struct", "thread_group", &f, err);
		l->thread_group_off = f.off;
	}
	if (ret)
		return ret;
	if (!l->pid.size || !l->tgid.size || !l->state.size || !l->flags.size ||
	    !l->real_parent.size || !l->signal.size || !l->cpu.size || !l->comm.bytes)
		return bw_fail(err, BW_ENOTSUP, "task_struct members of unexpected sizes");
	l->buf = bw_alloc(k->alloc, (size_t)l->size);
	if (!l->buf)
		return bw_fail(err, BW_ENOMEM, "out of memory for a task_struct");
	return 0;
}

void bw_task_layout_free(const struct bw_kernel *k, struct bw_task_layout *l)
{
	bw_free(k->alloc, l->buf);
	l->buf = NULL;
}

/* fs/proc/array.c: task_state_array[__task_state_index(state, exit_state)]. */
static char ps_state_letter(uint32_t state, uint32_t exit_state)
{
	static const char letters[] = "RSDTtXZPI";
	uint32_t report = (state | exit_state) & PS_TASK_REPORT;
	unsigned idx = 0;

	if ((state & PS_TASK_IDLE) == PS_TASK_IDLE)
		report = PS_TASK_REPORT_IDLE;
	if (state & (PS_TASK_RTLOCK_WAIT | PS_TASK_FROZEN))
		report = PS_TASK_UNINTERRUPTIBLE;
	while (report) { /* fls() */
		idx++;
		report >>= 1;
	}
	return letters[idx];
}

int bw_task_read(const struct bw_kernel *k, const struct bw_task_layout *l, uint64_t addr,
		 struct bw_task *t, struct bw_error *err)
{
	const unsigned char *b = l->buf;
	uint64_t parent, ptgid, n = l->comm.bytes;
	int ret;

	ret = bw_walk_read(k, addr, l->buf, l->size, err);
	if (ret)
		return bw_kernel_prefix(err, "task_struct at 0x%llx", (unsigned long long)addr);
	memset(t, 0, sizeof(*t));
	t->addr = addr;
	t->pid = (int32_t)bw_walk_get(b, l->size, &l->pid);
	t->tgid = (int32_t)bw_walk_get(b, l->size, &l->tgid);
	t->state = ps_state_letter((uint32_t)bw_walk_get(b, l->size, &l->state),
				   (uint32_t)bw_walk_get(b, l->size, &l->exit_state));
	t->cpu = (uint32_t)bw_walk_get(b, l->size, &l->cpu);
	t->flags = (uint32_t)bw_walk_get(b, l->size, &l->flags);
	t->kthread = t->flags & PS_PF_KTHREAD;
	if (n > BW_TASK_COMM_MAX)
		n = BW_TASK_COMM_MAX;
	memcpy(t->comm, b + l->comm.off, (size_t)n);
	t->comm[n] = '\0';
	parent = bw_walk_get(b, l->size, &l->real_parent);
	/* /proc shows 0 for the parent of pid 0 and of tasks whose parent is themselves. */
	if (t->pid && parent && parent != addr) {
		ret = bw_kernel_read_uint(k, parent + l->tgid.off, l->tgid.size, &ptgid, err);
		if (ret)
			return bw_kernel_prefix(err, "pid %d: real_parent 0x%llx", t->pid,
						(unsigned long long)parent);
		t->ppid = (int32_t)ptgid;
	}
	return 0;
}

struct ps_walk {
	const struct bw_kernel *k;
	struct bw_task_layout l;
	bw_task_fn fn;
	void *ctx;
	struct bw_error *err;
	uint64_t count;
	bool stopped;
	/* signal_structs whose threads were listed: an open-addressing set, 0 is empty */
	uint64_t *signals;
	size_t nsignals, cap;
};

static size_t ps_slot(uint64_t signal, size_t cap)
{
	return (size_t)((signal * 0x9e3779b97f4a7c15ull) >> 32) & (cap - 1);
}

/*
 * Adds signal to the set: 1 when it was there already, 0 when added, BW_ENOMEM. The set stays
 * at most half full; it grows with the processes listed, which the list walk bounds.
 */
static int ps_signal_seen(struct ps_walk *w, uint64_t signal)
{
	size_t i;

	if (2 * (w->nsignals + 1) > w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64, j;
		uint64_t *slots = bw_alloc_array(w->k->alloc, cap, sizeof(*slots));

		if (!slots)
			return bw_fail(w->err, BW_ENOMEM, "out of memory for %zu signal_structs", cap);
		memset(slots, 0, cap * sizeof(*slots));
		for (j = 0; j < w->cap; j++) {
			if (!w->signals[j])
				continue;
			for (i = ps_slot(w->signals[j], cap); slots[i]; i = (i + 1) & (cap - 1))
				;
			slots[i] = w->signals[j];
		}
		bw_free(w->k->alloc, w->signals);
		w->signals = slots;
		w->cap = cap;
	}
	for (i = ps_slot(signal, w->cap); w->signals[i]; i = (i + 1) & (w->cap - 1))
		if (w->signals[i] == signal)
			return 1;
	w->signals[i] = signal;
	w->nsignals++;
	return 0;
}

static int ps_emit(struct ps_walk *w, uint64_t addr, bool idle)
{
	struct bw_task t;
	int ret;

	if (++w->count > BW_TASKS_MAX)
		return bw_fail(w->err, BW_ELIMIT, "more than %u tasks", BW_TASKS_MAX);
	ret = bw_task_read(w->k, &w->l, addr, &t, w->err);
	if (ret)
		return ret;
	t.idle = idle;
	if (w->fn(w->ctx, &t)) {
		w->stopped = true;
		return 1;
	}
	return 0;
}

static int ps_thread(void *ctx, uint64_t index, uint64_t addr)
{
	(void)index;
	return ps_emit(ctx, addr, false);
}

static int ps_process(void *ctx, uint64_t index, uint64_t leader)
{
	struct ps_walk *w = ctx;
	struct bw_iter_walk it = {ps_thread, w, 0, BW_TASKS_MAX};
	uint64_t signal;
	int ret;

	(void)index;
	if (!w->l.thread_head) { /* the leader, then the rest of its thread_group ring */
		ret = ps_emit(w, leader, false);
		if (ret)
			return ret;
		it.entry_off = w->l.thread_group_off;
		return bw_iter_list(w->k, leader + w->l.thread_group_off, &it, w->err);
	}
	ret = bw_kernel_read_uint(w->k, leader + w->l.signal.off, 8, &signal, w->err);
	if (ret)
		return bw_kernel_prefix(w->err, "task 0x%llx: signal", (unsigned long long)leader);
	/*
	 * A thread group has one leader on init_task.tasks. Two leaders with one signal_struct (a
	 * torn live read, or a hostile dump) would list its threads again, once per leader: P
	 * leaders times T threads from a few pages. The threads are listed once.
	 */
	ret = signal ? ps_signal_seen(w, signal) : 0;
	if (ret)
		return ret < 0 ? ret : 0;
	it.entry_off = w->l.thread_node_off;
	ret = bw_iter_list(w->k, signal + w->l.thread_head_off, &it, w->err);
	return ret ? ret : (w->stopped ? 1 : 0);
}

int bw_kernel_tasks(const struct bw_kernel *k, bw_task_fn fn, void *ctx, struct bw_error *err)
{
	struct bw_error local;
	struct ps_walk w;
	struct bw_iter_walk it;
	struct bw_field idle;
	uint64_t init_task, rq, task;
	uint32_t cpu;
	int ret;

	if (!err)
		err = &local;
	if (!k || !fn)
		return bw_fail(err, BW_EINVAL, "bw_kernel_tasks: k and fn must not be NULL");
	memset(&w, 0, sizeof(w));
	w.k = k;
	w.fn = fn;
	w.ctx = ctx;
	w.err = err;
	ret = bw_task_layout_init(k, &w.l, err);
	if (!ret)
		ret = bw_walk_field(k, "rq", "idle", &idle, err);
	if (!ret)
		ret = bw_kernel_symbol(k, "init_task", &init_task, err);
	if (!ret)
		ret = bw_kernel_need_percpu(k, err);
	for (cpu = 0; !ret && cpu < k->nr_cpu_ids && !w.stopped; cpu++) {
		bool online;

		ret = bw_kernel_cpu_online(k, cpu, &online, err);
		if (ret || !online)
			continue;
		ret = bw_walk_percpu(k, "runqueues", cpu, &rq, err);
		if (!ret)
			ret = bw_kernel_read_uint(k, rq + idle.off, 8, &task, err);
		if (!ret)
			ret = ps_emit(&w, task, true);
		if (ret > 0)
			ret = 0;
	}
	if (!ret && !w.stopped) {
		it = (struct bw_iter_walk){ps_process, &w, w.l.tasks_off, BW_TASKS_MAX};
		ret = bw_iter_list(k, init_task + w.l.tasks_off, &it, err);
	}
	bw_task_layout_free(k, &w.l);
	bw_free(k->alloc, w.signals);
	return ret < 0 ? ret : 0;
}

#undef PS_TASK_REPORT
#undef PS_TASK_UNINTERRUPTIBLE
#undef PS_TASK_NOLOAD
#undef PS_TASK_IDLE
#undef PS_TASK_REPORT_IDLE
#undef PS_TASK_RTLOCK_WAIT
#undef PS_TASK_FROZEN
#undef PS_PF_KTHREAD
