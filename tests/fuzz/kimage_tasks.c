/* SPDX-License-Identifier: MIT */
/*
 * The synthetic image's tasks, run queues and printk ring (see kimage.h):
 * - init_task and an idle task per CPU; processes on init_task.tasks, one with three threads
 *   (signal->thread_head, or the 6.1 thread_group ring), a kernel thread and a zombie;
 * - CPU 0: two tasks in the fair rbtree and one in an rt priority list; CPU 1: a task group
 *   entity whose my_q holds a task, and a deadline task next to a dl_server entity; CPU 2: a
 *   sched_ext local DSQ with a task and an iterator cursor; CPU 3: empty queues;
 * - a 16-descriptor, 512-byte printk ring whose ids wrap past the id mask and whose text blocks
 *   wrap past the data ring's end, with a dataless record, and a last record committed but not
 *   finalized (a follow stops there).
 */
#include <string.h>
#include "kimage_impl.h"

#define KB_NTASKS 11
#define KB_PF_KTHREAD 0x00200000u

struct kb_task {
	int pid, tgid, leader; /* leader: index of the thread-group leader */
	unsigned state, exit_state, flags, cpu;
	const char *comm;
};

/* 0: init_task; 1..3: idle tasks of CPUs 1..3; the rest are on init_task.tasks. */
static const struct kb_task kb_task_defs[KB_NTASKS + 3] = {
	{0, 0, 0, 0, 0, KB_PF_KTHREAD, 0, "swapper/0"},
	{0, 0, 1, 0, 0, KB_PF_KTHREAD, 1, "swapper/1"},
	{0, 0, 2, 0, 0, KB_PF_KTHREAD, 2, "swapper/2"},
	{0, 0, 3, 0, 0, KB_PF_KTHREAD, 3, "swapper/3"},
	{1, 1, 4, 1, 0, 0x400100, 0, "systemd"},	     /* 4: CPU 0 fair */
	{2, 2, 5, 1, 0, KB_PF_KTHREAD, 2, "kthreadd"},	     /* 5: CPU 2 curr */
	{100, 100, 6, 0, 0, 0x400000, 0, "app"},	     /* 6: CPU 0 fair */
	{101, 100, 6, 0, 0, 0x400040, 0, "app-worker"},	     /* 7: CPU 0 curr */
	{102, 100, 6, 0x402, 0, 0x400040, 3, "app-io"},	     /* 8: D (TASK_IDLE: I) */
	{200, 200, 9, 0, 0, KB_PF_KTHREAD, 0, "irq/9-acpi"}, /* 9: CPU 0 rt */
	{201, 201, 10, 0, 0, 0x400000, 1, "dl-task"},	     /* 10: CPU 1 deadline */
	{202, 202, 11, 0, 0, 0x400000, 2, "scx-task"},	     /* 11: CPU 2 sched_ext */
	{203, 203, 12, 0, 0, 0x400000, 1, "in-a-cgroup"},    /* 12: CPU 1 fair, in a group */
	{204, 204, 13, 0, 0x20, 0x40000c, 3, "zombie"},	     /* 13: EXIT_ZOMBIE */
};

struct kb_rq {
	uint64_t task_size, se, rt, dl, scx, run_node, rt_run_list, dl_rb_node, dsq_node;
	uint64_t rb_parent, rb_right, rb_left, tasks[KB_NTASKS + 3];
};

static void kb_task(struct kb *b, const struct kb_rq *r, unsigned i, uint64_t signal)
{
	const struct kb_task *d = &kb_task_defs[i];
	uint64_t t = r->tasks[i];
	const char *cpu = kb_has(b, "task_struct", "thread_info.cpu") ? "thread_info.cpu" : "cpu";

	kb_put(b, t + kb_offsetof(b, "task_struct", "pid"), (uint32_t)d->pid, 4);
	kb_put(b, t + kb_offsetof(b, "task_struct", "tgid"), (uint32_t)d->tgid, 4);
	kb_put(b, t + kb_offsetof(b, "task_struct", "__state"), d->state, 4);
	kb_put(b, t + kb_offsetof(b, "task_struct", "exit_state"), d->exit_state, 4);
	kb_put(b, t + kb_offsetof(b, "task_struct", "flags"), d->flags, 4);
	kb_put(b, t + kb_offsetof(b, "task_struct", cpu), d->cpu, 4);
	kb_puts(b, t + kb_offsetof(b, "task_struct", "comm"), d->comm);
	kb_put(b, t + kb_offsetof(b, "task_struct", "real_parent"),
	       kb_va(b, r->tasks[d->pid == 1 || d->pid == 2 || i < 4 ? 0 : 4]), 8);
	kb_put(b, t + kb_offsetof(b, "task_struct", "signal"), kb_va(b, signal), 8);
	kb_put(b, t + kb_offsetof(b, "task_struct", "group_leader"), kb_va(b, r->tasks[d->leader]),
	       8);
}

/* A node of a red-black tree: parent (black when it is the root), children. */
static void kb_rb(struct kb *b, const struct kb_rq *r, uint64_t node, uint64_t parent,
		  uint64_t left, uint64_t right)
{
	kb_put(b, node + r->rb_parent, parent ? kb_va(b, parent) : 1, 8);
	kb_put(b, node + r->rb_left, left ? kb_va(b, left) : 0, 8);
	kb_put(b, node + r->rb_right, right ? kb_va(b, right) : 0, 8);
}

/* An rb_root_cached at root holding node (and its subtree), leftmost first. */
static void kb_rb_root(struct kb *b, uint64_t root, uint64_t node, uint64_t leftmost)
{
	kb_put(b, root + kb_offsetof(b, "rb_root_cached", "rb_root.rb_node"), kb_va(b, node), 8);
	kb_put(b, root + kb_offsetof(b, "rb_root_cached", "rb_leftmost"), kb_va(b, leftmost), 8);
}

static void kb_processes(struct kb *b, const struct kb_rq *r)
{
	uint64_t tasks_off = kb_offsetof(b, "task_struct", "tasks"), procs[KB_NTASKS + 3];
	uint64_t signal[KB_NTASKS + 3], threads[KB_NTASKS + 3];
	bool head = kb_has(b, "task_struct", "thread_node");
	const char *link = head ? "thread_node" : "thread_group";
	size_t n = 0, nt;

	for (unsigned i = 0; i < KB_NTASKS + 3; i++)
		signal[i] = kb_obj(b, kb_sizeof(b, "signal_struct", BW_KIND_STRUCT));
	for (unsigned i = 0; i < KB_NTASKS + 3; i++) {
		kb_task(b, r, i, signal[kb_task_defs[i].leader]);
		if (kb_task_defs[i].leader != (int)i)
			continue;
		if (i >= 4)
			procs[n++] = r->tasks[i] + tasks_off;
		/* The leader's threads: itself (thread_head only) and those naming it. */
		nt = 0;
		for (unsigned j = 0; j < KB_NTASKS + 3; j++)
			if (kb_task_defs[j].leader == (int)i && (head || j != i))
				threads[nt++] = r->tasks[j] + kb_offsetof(b, "task_struct", link);
		if (head)
			kb_list(b, signal[i] + kb_offsetof(b, "signal_struct", "thread_head"),
				threads, nt);
		else
			kb_list(b, r->tasks[i] + kb_offsetof(b, "task_struct", link), threads, nt);
		kb_put(b, signal[i] + kb_offsetof(b, "signal_struct", "nr_threads"), nt + !head, 4);
	}
	kb_list(b, r->tasks[0] + tasks_off, procs, n);
}

static void kb_runqueues(struct kb *b, const struct kb_rq *r)
{
	static const unsigned curr[KIMAGE_CPUS] = {7, 1, 5, 3};
	uint64_t queue = kb_offsetof(b, "rt_rq", "active.queue");
	uint64_t qsize = kb_sizeof(b, "list_head", BW_KIND_STRUCT);
	uint64_t nq = (kb_sizeof(b, "rt_prio_array", BW_KIND_STRUCT) -
		       kb_offsetof(b, "rt_prio_array", "queue")) /
		      qsize;
	uint64_t rq[KIMAGE_CPUS], node;

	for (unsigned cpu = 0; cpu < KIMAGE_CPUS; cpu++) {
		rq[cpu] = kb_percpu(b, "runqueues", cpu);
		kb_put(b, rq[cpu] + kb_offsetof(b, "rq", "curr"), kb_va(b, r->tasks[curr[cpu]]), 8);
		kb_put(b, rq[cpu] + kb_offsetof(b, "rq", "idle"), kb_va(b, r->tasks[cpu]), 8);
		for (uint64_t p = 0; p < nq; p++)
			kb_list(b, rq[cpu] + kb_offsetof(b, "rq", "rt") + queue + p * qsize, NULL,
				0);
		kb_list(b, rq[cpu] + kb_offsetof(b, "rq", "scx.local_dsq.list"), NULL, 0);
	}
	/* CPU 0: systemd (root) and app (its right child) in the fair tree; irq/9 at rt prio 2. */
	uint64_t se1 = r->tasks[4] + r->se + r->run_node, se2 = r->tasks[6] + r->se + r->run_node;

	kb_rb(b, r, se1, 0, 0, se2);
	kb_rb(b, r, se2, se1, 0, 0);
	kb_rb_root(b, rq[0] + kb_offsetof(b, "rq", "cfs.tasks_timeline"), se1, se1);
	node = r->tasks[9] + r->rt + r->rt_run_list;
	kb_list(b, rq[0] + kb_offsetof(b, "rq", "rt") + queue + 2 * qsize, &node, 1);

	/* CPU 1: a group entity whose cfs_rq holds in-a-cgroup; dl-task with a dl_server left. */
	uint64_t group = kb_obj(b, kb_sizeof(b, "sched_entity", BW_KIND_STRUCT));
	uint64_t cfs_rq = kb_obj(b, kb_sizeof(b, "cfs_rq", BW_KIND_STRUCT));
	uint64_t server = kb_obj(b, kb_sizeof(b, "sched_dl_entity", BW_KIND_STRUCT));
	uint64_t dl = r->tasks[10] + r->dl + r->dl_rb_node;
	uint64_t bit = kb_bitoffsetof(b, "sched_dl_entity", "dl_server");

	kb_put(b, group + kb_offsetof(b, "sched_entity", "my_q"), kb_va(b, cfs_rq), 8);
	kb_rb(b, r, group + r->run_node, 0, 0, 0);
	kb_rb_root(b, rq[1] + kb_offsetof(b, "rq", "cfs.tasks_timeline"), group + r->run_node,
		   group + r->run_node);
	node = r->tasks[12] + r->se + r->run_node;
	kb_rb(b, r, node, 0, 0, 0);
	kb_rb_root(b, cfs_rq + kb_offsetof(b, "cfs_rq", "tasks_timeline"), node, node);
	kb_put(b, server + bit / 8, 1u << (bit % 8), 1);
	kb_rb(b, r, dl, 0, server + r->dl_rb_node, 0);
	kb_rb(b, r, server + r->dl_rb_node, dl, 0, 0);
	kb_rb_root(b, rq[1] + kb_offsetof(b, "rq", "dl.root"), dl, server + r->dl_rb_node);

	/* CPU 2: scx-task, then an iterator's cursor, on the local DSQ. */
	uint64_t cursor = kb_obj(b, kb_sizeof(b, "scx_dsq_list_node", BW_KIND_STRUCT));
	uint64_t dsq[2] = {r->tasks[11] + r->scx + r->dsq_node, cursor};

	kb_put(b, cursor + kb_offsetof(b, "scx_dsq_list_node", "flags"),
	       kb_enum(b, "SCX_DSQ_LNODE_ITER_CURSOR"), 4);
	kb_list(b, rq[2] + kb_offsetof(b, "rq", "scx.local_dsq.list"), dsq, 2);
	kb_put(b, rq[2] + kb_offsetof(b, "rq", "scx.local_dsq.nr"), 1, 4);
	kb_put(b, rq[2] + kb_offsetof(b, "rq", "scx.nr_running"), 1, 4);
}

void kb_tasks(struct kb *b)
{
	struct kb_rq r = {
		.task_size = kb_sizeof(b, "task_struct", BW_KIND_STRUCT),
		.se = kb_offsetof(b, "task_struct", "se"),
		.rt = kb_offsetof(b, "task_struct", "rt"),
		.dl = kb_offsetof(b, "task_struct", "dl"),
		.scx = kb_offsetof(b, "task_struct", "scx"),
		.run_node = kb_offsetof(b, "sched_entity", "run_node"),
		.rt_run_list = kb_offsetof(b, "sched_rt_entity", "run_list"),
		.dl_rb_node = kb_offsetof(b, "sched_dl_entity", "rb_node"),
		.dsq_node = kb_offsetof(b, "sched_ext_entity", "dsq_list.node"),
		.rb_parent = kb_offsetof(b, "rb_node", "__rb_parent_color"),
		.rb_right = kb_offsetof(b, "rb_node", "rb_right"),
		.rb_left = kb_offsetof(b, "rb_node", "rb_left"),
	};

	if (b->failed)
		return;
	for (unsigned i = 0; i < KB_NTASKS + 3; i++)
		r.tasks[i] = i ? kb_obj(b, r.task_size) : kb_static(b, r.task_size);
	kb_sym(b, "init_task", 'D', IMG(r.tasks[0]));
	kb_processes(b, &r);
	kb_runqueues(b, &r);
}

struct kb_record {
	unsigned state; /* 2: finalized, 1: committed */
	unsigned level, facility;
	uint32_t caller;
	const char *text; /* NULL: dataless */
	const char *subsystem, *device;
};

static const struct kb_record kb_records[] = {
	{2, 5, 0, 0x80000000u, "Linux version " KIMAGE_RELEASE " (fuzz)", "", ""},
	{2, 6, 0, 0x80000000u, "smpboot: CPU0: Fuzz CPU family 6", "", ""},
	{2, 6, 0, 1, NULL, "", ""},
	{2, 6, 0, 0x80000002u, "usb 1-1: new high-speed USB device", "usb", "+usb:1-1"},
	{2, 4, 3, 1, "systemd[1]: Started fuzz.service.", "", ""},
	{2, 3, 0, 100, "app[100]: segfault at 0 ip 0 sp 0 error 4", "", ""},
	{2, 6, 0, 0x80000001u, "sched_ext: BPF scheduler \"rusty\" enabled", "", ""},
	{1, 6, 0, 0x80000003u, "still being written", "", ""},
};

void kb_printk(struct kb *b)
{
	const unsigned cbits = 4, sbits = 9, n = sizeof(kb_records) / sizeof(kb_records[0]);
	const uint64_t mask = UINT64_MAX >> 2, count = 1u << cbits, dsize = 1u << sbits;
	uint64_t desc_size = kb_sizeof(b, "prb_desc", BW_KIND_STRUCT);
	uint64_t info_size = kb_sizeof(b, "printk_info", BW_KIND_STRUCT);
	uint64_t rb = kb_static(b, kb_sizeof(b, "printk_ringbuffer", BW_KIND_STRUCT));
	uint64_t descs = kb_static(b, count * desc_size), infos = kb_static(b, count * info_size);
	uint64_t data = kb_static(b, dsize), prb = kb_static(b, 8);
	uint64_t tail = mask - 2, lpos = 3 * dsize + 400, tail_lpos = lpos;
	bool comm = kb_has(b, "printk_info", "comm");

	if (b->failed)
		return;
	kb_sym(b, "printk_rb_static", 'D', IMG(rb));
	kb_sym(b, "prb", 'D', IMG(prb));
	kb_put(b, prb, kb_va(b, rb), 8);
	for (unsigned i = 0; i < n; i++) {
		const struct kb_record *rec = &kb_records[i];
		uint64_t id = (tail + i) & mask, idx = id & (count - 1);
		uint64_t d = descs + idx * desc_size, in = infos + idx * info_size;
		uint64_t len = rec->text ? strlen(rec->text) : 0, size = (8 + len + 7) & ~7ull;
		uint64_t begin = 3, next = 3; /* NO_LPOS */

		if (rec->text) {
			begin = lpos;
			if ((lpos & (dsize - 1)) + size > dsize)
				lpos = (lpos | (dsize - 1)) + 1; /* the block goes to the start */
			kb_put(b, data + (lpos & (dsize - 1)), id, 8);
			memcpy(b->img + data + (lpos & (dsize - 1)) + 8, rec->text, len);
			next = lpos += size;
		}
		kb_put(b, d + kb_offsetof(b, "prb_desc", "state_var"),
		       (uint64_t)rec->state << 62 | id, 8);
		kb_put(b, d + kb_offsetof(b, "prb_desc", "text_blk_lpos.begin"), begin, 8);
		kb_put(b, d + kb_offsetof(b, "prb_desc", "text_blk_lpos.next"), next, 8);
		kb_put(b, in + kb_offsetof(b, "printk_info", "seq"), 1613 + i, 8);
		kb_put(b, in + kb_offsetof(b, "printk_info", "ts_nsec"), 37000000ull * (i + 1), 8);
		kb_put(b, in + kb_offsetof(b, "printk_info", "text_len"), len, 2);
		kb_put(b, in + kb_offsetof(b, "printk_info", "facility"), rec->facility, 1);
		/* flags:5 then level:3 share a byte: LOG_NEWLINE (2) and the level */
		kb_put(b, in + kb_bitoffsetof(b, "printk_info", "level") / 8,
		       2u | rec->level << (kb_bitoffsetof(b, "printk_info", "level") % 8), 1);
		kb_put(b, in + kb_offsetof(b, "printk_info", "caller_id"), rec->caller, 4);
		kb_puts(b, in + kb_offsetof(b, "printk_info", "dev_info.subsystem"),
			rec->subsystem);
		kb_puts(b, in + kb_offsetof(b, "printk_info", "dev_info.device"), rec->device);
		if (comm)
			kb_puts(b, in + kb_offsetof(b, "printk_info", "comm"),
				rec->caller & 0x80000000u ? "swapper/0" : "systemd");
	}
	kb_put(b, rb + kb_offsetof(b, "printk_ringbuffer", "desc_ring.count_bits"), cbits, 4);
	kb_put(b, rb + kb_offsetof(b, "printk_ringbuffer", "desc_ring.descs"), kb_va(b, descs), 8);
	kb_put(b, rb + kb_offsetof(b, "printk_ringbuffer", "desc_ring.infos"), kb_va(b, infos), 8);
	kb_put(b, rb + kb_offsetof(b, "printk_ringbuffer", "desc_ring.head_id"),
	       (tail + n - 1) & mask, 8);
	kb_put(b, rb + kb_offsetof(b, "printk_ringbuffer", "desc_ring.tail_id"), tail, 8);
	kb_put(b, rb + kb_offsetof(b, "printk_ringbuffer", "text_data_ring.size_bits"), sbits, 4);
	kb_put(b, rb + kb_offsetof(b, "printk_ringbuffer", "text_data_ring.data"), kb_va(b, data),
	       8);
	kb_put(b, rb + kb_offsetof(b, "printk_ringbuffer", "text_data_ring.head_lpos"), lpos, 8);
	kb_put(b, rb + kb_offsetof(b, "printk_ringbuffer", "text_data_ring.tail_lpos"), tail_lpos,
	       8);
}
