/* SPDX-License-Identifier: MIT */
/*
 * bw_kernel_tasks and bw_kernel_runqueues on a synthetic kernel (tests/unit/kimage_builder.c):
 * the test writes task_structs, the init_task.tasks ring, signal->thread_head rings, the
 * per-CPU run queues and a fair rbtree with a group entity, and expects what it wrote, with the
 * state letters /proc/PID/stat prints for each state value (fs/proc/array.c): every letter
 * R S D T t X Z P I, TASK_IDLE as I, frozen and rtlock waits as D. Broken lists and trees fail.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "btfwalk.h"
#include "kimage_builder.h"

#define TASKS_PA 0x1900000ull /* task i at TASKS_PA + i * 0x200 */
#define SIGNAL_PA 0x1980000ull
#define GROUP_PA 0x19c0000ull /* a group sched_entity, then its cfs_rq */
#define PF_KTHREAD 0x00200000u
#define NTASKS 15

struct fixture {
	struct kb_kernel kk;
	struct bw_mem *mem;
	struct bw_kernel *k;
	uint64_t va[NTASKS]; /* 0: init_task */
};

static uint64_t pa_of(const struct fixture *f, uint64_t va)
{
	return va == f->kk.init_task ? f->kk.init_task_pa : va - KB_PAGE_OFFSET;
}

static void put_task(struct fixture *f, int i, int pid, int tgid, int parent, uint32_t state,
		     uint32_t exit_state, uint32_t flags, uint32_t cpu, const char *comm)
{
	struct kb_mem *m = &f->kk.mem;
	uint64_t pa = pa_of(f, f->va[i]);

	kb_put_u32(m, pa + KB_TASK_CPU, cpu);
	kb_put_u32(m, pa + KB_TASK_STATE, state);
	kb_put_u32(m, pa + KB_TASK_FLAGS, flags);
	kb_put_u32(m, pa + KB_TASK_EXIT_STATE, exit_state);
	kb_put_u32(m, pa + KB_TASK_PID, (uint32_t)pid);
	kb_put_u32(m, pa + KB_TASK_TGID, (uint32_t)tgid);
	kb_put_u64(m, pa + KB_TASK_PARENT, f->va[parent]);
	kb_put(m, pa + KB_TASK_COMM, comm, strlen(comm) + 1);
}

/* A list_head ring: head, then the nodes in order (addresses of list_heads). */
static void ring(struct fixture *f, uint64_t head, const uint64_t *nodes, int n)
{
	uint64_t all[NTASKS + 1];
	int i;

	all[0] = head;
	memcpy(all + 1, nodes, (size_t)n * 8);
	for (i = 0; i <= n; i++) {
		uint64_t pa = all[i] >= KB_IMAGE_VADDR
				      ? all[i] - f->kk.init_task + f->kk.init_task_pa
				      : all[i] - KB_PAGE_OFFSET;

		kb_put_u64(&f->kk.mem, pa, all[(i + 1) % (n + 1)]);
		kb_put_u64(&f->kk.mem, pa + 8, all[(i + n) % (n + 1)]);
	}
}

/* Task i's signal_struct (number sig) with these threads on its thread_head. */
static void threads(struct fixture *f, int sig, const int *tids, int n)
{
	uint64_t s = KB_PAGE_OFFSET + SIGNAL_PA + (uint64_t)sig * 64, nodes[NTASKS];
	int i;

	for (i = 0; i < n; i++) {
		nodes[i] = f->va[tids[i]] + KB_TASK_THREAD_NODE;
		kb_put_u64(&f->kk.mem, pa_of(f, f->va[tids[i]]) + KB_TASK_SIGNAL, s);
	}
	ring(f, s + 8, nodes, n);
}

/* rb_node of task i's sched_entity (or any rb_node address): parent and children. */
static void rb(struct fixture *f, uint64_t node, uint64_t parent, uint64_t left, uint64_t right)
{
	uint64_t pa = node - KB_PAGE_OFFSET;

	kb_put_u64(&f->kk.mem, pa, parent | (parent ? 0 : 1)); /* the root is black */
	kb_put_u64(&f->kk.mem, pa + 8, right);
	kb_put_u64(&f->kk.mem, pa + 16, left);
}

static uint64_t rq_pa(int cpu)
{
	return 0x1000000ull + (uint64_t)cpu * 0x100000 + KB_PCPU_RQ;
}

static void build(struct fixture *f)
{
	struct kb_kernel_opts o = {.levels = 4, .symbols_in_vmcoreinfo = true};
	struct bw_mem_range range = {0, 0};
	struct kb_mem *m;
	struct bw_error e;
	uint64_t leaders[12], se[NTASKS], group = KB_PAGE_OFFSET + GROUP_PA;
	int i, n = 0;

	memset(f, 0, sizeof(*f));
	assert_int_equal(kb_kernel_build(&f->kk, &o), 0);
	m = &f->kk.mem;
	f->va[0] = f->kk.init_task;
	for (i = 1; i < NTASKS; i++)
		f->va[i] = KB_PAGE_OFFSET + TASKS_PA + (uint64_t)i * 0x200;
	for (i = 0; i < NTASKS; i++)
		se[i] = f->va[i] + KB_TASK_SE; /* run_node is at 0 in sched_entity */
	put_task(f, 0, 0, 0, 0, 0, 0, PF_KTHREAD | 2, 0, "swapper/0");
	put_task(f, 1, 0, 0, 0, 0, 0, PF_KTHREAD | 2, 2, "swapper/2");
	put_task(f, 2, 1, 1, 0, 0x1, 0, 0x400100, 2, "init");
	put_task(f, 3, 2, 2, 0, 0x1, 0, PF_KTHREAD, 0, "kthreadd");
	put_task(f, 4, 3, 3, 3, 0x402, 0, PF_KTHREAD, 0, "kworker/0:1");	/* TASK_IDLE */
	put_task(f, 5, 4, 4, 3, 0x40, 0, PF_KTHREAD, 2, "cpuhp/2");		/* PARKED */
	put_task(f, 6, 10, 10, 2, 0x0, 0, 0x400000, 0, "app");			/* RUNNING */
	put_task(f, 7, 11, 10, 2, 0x8000, 0, 0x400040, 0, "app-frozen");	/* FROZEN */
	put_task(f, 8, 12, 10, 2, 0x1000, 0, 0x400040, 2, "app-rtlock");	/* RTLOCK_WAIT */
	put_task(f, 9, 20, 20, 2, 0x8, 0, 0x400000, 2, "traced");		/* __TASK_TRACED */
	put_task(f, 10, 21, 21, 2, 0x80, 0x20, 0x400004, 0, "zombie");		/* EXIT_ZOMBIE */
	put_task(f, 11, 22, 22, 2, 0x80, 0x10, 0x400004, 0, "dead");		/* EXIT_DEAD */
	put_task(f, 12, 23, 23, 2, 0x4, 0, 0x400000, 0, "stopped");		/* __TASK_STOPPED */
	put_task(f, 13, 24, 24, 2, 0x102, 0, 0x400000, 2, "killable");		/* KILLABLE */
	put_task(f, 14, 25, 25, 3, 0x2402, 0, PF_KTHREAD, 0, "idle-freezable"); /* IDLE|FREEZABLE */
	for (i = 2; i < NTASKS; i++)
		if (i != 7 && i != 8)
			leaders[n++] = f->va[i] + KB_TASK_TASKS;
	ring(f, f->va[0] + KB_TASK_TASKS, leaders, n);
	for (i = 2; i < NTASKS; i++) {
		int tids[3] = {i, 7, 8};

		if (i != 7 && i != 8)
			threads(f, i, tids, i == 6 ? 3 : 1);
	}
	/* CPU 0: app runs; the fair tree holds stopped (23) < app-frozen (11) > a group entity
	 * whose own cfs_rq holds idle-freezable (25). In order: 23, 11, 25. */
	kb_put_u32(m, rq_pa(0), 4);
	kb_put_u64(m, rq_pa(0) + KB_RQ_CURR, f->va[6]);
	kb_put_u64(m, rq_pa(0) + KB_RQ_IDLE, f->va[0]);
	rb(f, se[7], 0, se[12], group);
	rb(f, se[12], se[7], 0, 0);
	rb(f, group, se[7], 0, 0);
	kb_put_u64(m, GROUP_PA + 24, group + 32); /* my_q */
	rb(f, se[14], 0, 0, 0);
	kb_put_u64(m, GROUP_PA + 32 + 8, se[14]);
	kb_put_u64(m, GROUP_PA + 32 + 16, se[14]);
	kb_put_u64(m, rq_pa(0) + KB_RQ_CFS + 8, se[7]);
	kb_put_u64(m, rq_pa(0) + KB_RQ_CFS + 16, se[12]);
	/* CPU 2: idle, nothing queued. CPU 1 is offline. */
	kb_put_u64(m, rq_pa(2) + KB_RQ_CURR, f->va[1]);
	kb_put_u64(m, rq_pa(2) + KB_RQ_IDLE, f->va[1]);

	range.size = m->size;
	assert_int_equal(bw_mem_open_callback(&range, 1, kb_mem_read, m, NULL, &f->mem, &e), 0);
	if (bw_kernel_open(f->mem, NULL, &f->k, &e))
		fail_msg("%s", e.msg);
}

static void teardown(struct fixture *f)
{
	bw_kernel_close(f->k);
	bw_mem_close(f->mem);
	kb_kernel_free(&f->kk);
}

struct seen {
	int n;
	char line[32][80];
};

static int collect(void *ctx, const struct bw_task *t)
{
	struct seen *s = ctx;

	assert_true(s->n < 32);
	snprintf(s->line[s->n++], 80, "%d %d %d %c %u %c %s", t->pid, t->tgid, t->ppid, t->state,
		 t->cpu,
		 t->idle      ? 'i'
		 : t->kthread ? 'k'
			      : '-',
		 t->comm);
	return 0;
}

static void test_tasks_all(void **state)
{
	static const char *const want[] = {
		"0 0 0 R 0 i swapper/0", "0 0 0 R 2 i swapper/2",    "1 1 0 S 2 - init",
		"2 2 0 S 0 k kthreadd",	 "3 3 2 I 0 k kworker/0:1",  "4 4 2 P 2 k cpuhp/2",
		"10 10 1 R 0 - app",	 "11 10 1 D 0 - app-frozen", "12 10 1 D 2 - app-rtlock",
		"20 20 1 t 2 - traced",	 "21 21 1 Z 0 - zombie",     "22 22 1 X 0 - dead",
		"23 23 1 T 0 - stopped", "24 24 1 D 2 - killable",   "25 25 2 I 0 k idle-freezable",
	};
	struct fixture f;
	struct bw_error e;
	struct seen s = {0};
	size_t i;

	(void)state;
	build(&f);
	if (bw_kernel_tasks(f.k, collect, &s, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(s.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(s.line[i], want[i]);
	teardown(&f);
}

struct rq_seen {
	char text[512];
};

static int rq_cpu(void *ctx, const struct bw_runq_cpu *rq)
{
	struct rq_seen *s = ctx;
	size_t n = strlen(s->text);

	snprintf(s->text + n, sizeof(s->text) - n, "cpu%u nr=%llu curr=%d:", rq->cpu,
		 (unsigned long long)rq->nr_running, rq->curr.pid);
	return 0;
}

static int rq_task(void *ctx, const struct bw_runq_cpu *rq, enum bw_sched_class c,
		   const struct bw_task *t)
{
	struct rq_seen *s = ctx;
	size_t n = strlen(s->text);

	(void)rq;
	snprintf(s->text + n, sizeof(s->text) - n, " %s/%d", bw_sched_class_name(c), t->pid);
	return 0;
}

static void test_runqueues(void **state)
{
	struct rq_seen s = {{0}};
	struct bw_runq_fns fns = {rq_cpu, rq_task, &s};
	struct fixture f;
	struct bw_error e;

	(void)state;
	build(&f);
	if (bw_kernel_runqueues(f.k, &fns, &e))
		fail_msg("%s", e.msg);
	assert_string_equal(s.text, "cpu0 nr=4 curr=10: fair/23 fair/11 fair/25cpu2 nr=0 curr=0:");
	teardown(&f);
}

/* A task list whose links disagree, and a tree node whose parent pointer is wrong, fail with
 * EFORMAT naming the node instead of looping or reading on. */
static void test_tasks_broken(void **state)
{
	struct rq_seen rs = {{0}};
	struct bw_runq_fns fns = {rq_cpu, rq_task, &rs};
	struct seen s = {0};
	struct fixture f;
	struct bw_error e;

	(void)state;
	build(&f);
	/* kworker's tasks.next points back at kthreadd's: a cycle with a broken prev link. */
	kb_put_u64(&f.kk.mem, pa_of(&f, f.va[4]) + KB_TASK_TASKS, f.va[3] + KB_TASK_TASKS);
	assert_int_equal(bw_kernel_tasks(f.k, collect, &s, &e), -BW_EFORMAT);
	assert_true(s.n >= 4 && s.n < 15);
	/* stopped's se claims another parent */
	kb_put_u64(&f.kk.mem, pa_of(&f, f.va[12]) + KB_TASK_SE, f.va[13] + KB_TASK_SE);
	assert_int_equal(bw_kernel_runqueues(f.k, &fns, &e), -BW_EFORMAT);
	assert_non_null(strstr(e.msg, "parent"));
	teardown(&f);
}

/* Two leaders with one signal_struct (traced now claims app's): app's three threads are listed
 * once, not once per leader, and traced, on no thread ring now, is not listed. */
static void test_tasks_shared_signal(void **state)
{
	struct seen s = {0};
	struct fixture f;
	struct bw_error e;
	int i, apps = 0;

	(void)state;
	build(&f);
	kb_put_u64(&f.kk.mem, pa_of(&f, f.va[9]) + KB_TASK_SIGNAL,
		   KB_PAGE_OFFSET + SIGNAL_PA + 6 * 64);
	if (bw_kernel_tasks(f.k, collect, &s, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(s.n, 14);
	for (i = 0; i < s.n; i++) {
		apps += strstr(s.line[i], " app") != NULL;
		assert_null(strstr(s.line[i], "traced"));
	}
	assert_int_equal(apps, 3);
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tasks_all),
		cmocka_unit_test(test_runqueues),
		cmocka_unit_test(test_tasks_broken),
		cmocka_unit_test(test_tasks_shared_signal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
