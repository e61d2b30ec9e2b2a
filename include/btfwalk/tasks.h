/* SPDX-License-Identifier: MIT */
/*
 * btfwalk tasks and run queues read from a dump: what `ps` and crash's `runq` show.
 *
 * bw_kernel_tasks: every task. First each possible CPU's idle task (runqueues@cpuN.idle: pid 0,
 * "swapper/N", idle = true), then every process on init_task.tasks (init_task itself is CPU 0's
 * idle task) and, for each, its threads: signal->thread_head through task_struct.thread_node
 * where the BTF has them (6.1+), else the leader's thread_group ring. Per task:
 * - pid, tgid; ppid = real_parent->tgid (what /proc/PID/stat shows; 0 for the idle tasks);
 * - state: the letter of /proc/PID/stat (fs/proc/array.c task_state_array[task_state_index()]):
 *   (__state, or state before 5.14, | exit_state) & TASK_REPORT, with TASK_IDLE reported as
 *   'I', frozen and rtlock waits as 'D', then its highest bit picks "RSDTtXZPI";
 * - cpu: task_struct.thread_info.cpu, or task_struct.cpu where the BTF has that instead;
 * - kthread: PF_KTHREAD in task_struct.flags; comm.
 * The task-state bits and PF_KTHREAD are #defines the BTF does not carry: the values are those
 * of Linux 5.14..7.x (TASK_RTLOCK_WAIT 0x1000, TASK_FROZEN 0x8000 since 6.1).
 *
 * bw_kernel_runqueues: per online CPU, rq.curr, rq.nr_running, and the queued tasks of each
 * class the BTF has: fair (cfs_rq.tasks_timeline of sched_entity.run_node; group entities,
 * with a non-NULL my_q, are descended into, up to BW_RUNQ_MAX_GROUP_DEPTH), rt (every list of
 * rt_rq.active.queue[] of sched_rt_entity.run_list, groups descended likewise), deadline
 * (dl_rq.root of sched_dl_entity.rb_node; dl server entities, 6.8+, are not tasks and are
 * skipped) and sched_ext (rq.scx.local_dsq.list, iterator cursors skipped; tasks a sched_ext
 * scheduler holds in its global or custom queues belong to no CPU and are not listed). The
 * running task is out of the fair tree and the local DSQ while it runs; rt and deadline keep it
 * queued, so there it is both rq.curr and queued.
 *
 * Both walk hostile memory with the bounded, cycle-checked list and tree walks of
 * walker/kernel/iter.h: at most BW_TASKS_MAX tasks (and as many queued per CPU), BW_ELIMIT past
 * that; a broken or cyclic list is BW_EFORMAT naming the node. A CPU's queues descend into at
 * most BW_RUNQ_MAX_GROUPS group entities (a kernel queues a group only above a runnable task;
 * hostile memory can make every entity of a level point to the same next level, which without
 * this cap is exponential in the depth), BW_ELIMIT past that. Memory: one task_struct buffer.
 * BW_ENOTSUP when the BTF lacks what a walk needs, BW_ENOENT without per-CPU symbols.
 */
#ifndef BTFWALK_TASKS_H
#define BTFWALK_TASKS_H

#include "common.h"
#include "kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BW_TASKS_MAX (1u << 20)
#define BW_TASK_COMM_MAX 64 /* bytes of comm kept (TASK_COMM_LEN is 16) */
#define BW_RUNQ_MAX_GROUP_DEPTH 16
#define BW_RUNQ_MAX_GROUPS 4096 /* group entities descended into per CPU (fair and rt) */

struct bw_task {
	uint64_t addr; /* of the task_struct */
	int32_t pid, tgid, ppid;
	char state; /* R S D T t X Z P I */
	uint32_t cpu;
	uint32_t flags; /* PF_* */
	bool kthread;
	bool idle; /* a CPU's idle task */
	char comm[BW_TASK_COMM_MAX + 1];
};

/* Return 0 to go on, non-zero to stop (the walk then returns 0). The task is valid during the
 * call only. */
typedef int (*bw_task_fn)(void *ctx, const struct bw_task *task);

int bw_kernel_tasks(const struct bw_kernel *k, bw_task_fn fn, void *ctx, struct bw_error *err);

enum bw_sched_class { BW_SCHED_FAIR, BW_SCHED_RT, BW_SCHED_DL, BW_SCHED_EXT, BW_SCHED_NR };

/* The class names "fair", "rt", "dl", "ext". */
const char *bw_sched_class_name(enum bw_sched_class c);

struct bw_runq_cpu {
	uint32_t cpu;
	uint64_t nr_running;
	struct bw_task curr;
	bool has_class[BW_SCHED_NR]; /* the BTF has this class's queue */
};

/* Per online CPU: cpu(ctx, rq) once, then queued(ctx, rq, class, task) for each queued task,
 * class by class. Either may be NULL; a non-zero return stops the walk (which returns 0). */
struct bw_runq_fns {
	int (*cpu)(void *ctx, const struct bw_runq_cpu *rq);
	int (*queued)(void *ctx, const struct bw_runq_cpu *rq, enum bw_sched_class c,
		      const struct bw_task *task);
	void *ctx;
};

int bw_kernel_runqueues(const struct bw_kernel *k, const struct bw_runq_fns *fns,
			struct bw_error *err);

#ifdef __cplusplus
}
#endif
#endif
