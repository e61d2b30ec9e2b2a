/* SPDX-License-Identifier: MIT */
/* btfwalk ps | runq: every task, and each CPU's run queue, from a dump; text or JSON. */
#include <stdio.h>
#include <string.h>
#include "btfwalk.h"
#include "cli.h"

struct tasks_out {
	bool json;
	uint64_t nr;
	int64_t last_cpu; /* runq: the CPU whose object is open */
	int cls;	  /* runq: the class whose list is open, -1 none */
	int first;	  /* runq: the first class present */
	bool has[BW_SCHED_NR], printed[BW_SCHED_NR];
};

static int tasks_usage(const char *verb)
{
	fprintf(stderr,
		"usage: btfwalk %s [--btf FILE] [--symbols FILE] [--cr3 ADDR] "
		"[--no-crosscheck] [--json] DUMP...\n",
		verb);
	return 2;
}

static void tasks_json_task(const struct bw_task *t)
{
	printf("{\"pid\": %d, \"tgid\": %d, \"ppid\": %d, \"state\": \"%c\", \"cpu\": %u, "
	       "\"kthread\": %s, \"idle\": %s, \"comm\": ",
	       t->pid, t->tgid, t->ppid, t->state, t->cpu, t->kthread ? "true" : "false",
	       t->idle ? "true" : "false");
	cli_json_string(t->comm);
	printf(", \"task\": \"0x%llx\"}", (unsigned long long)t->addr);
}

static int ps_task(void *ctx, const struct bw_task *t)
{
	struct tasks_out *o = ctx;

	if (o->json) {
		printf("%s\n", o->nr ? "," : "");
		tasks_json_task(t);
	} else {
		printf("%7d %7d %7d %c %4u %c %-16s 0x%llx\n", t->pid, t->tgid, t->ppid, t->state,
		       t->cpu,
		       t->idle	    ? 'i'
		       : t->kthread ? 'k'
				    : '-',
		       t->comm, (unsigned long long)t->addr);
	}
	o->nr++;
	return ferror(stdout) ? 1 : 0;
}

static int tasks_ps(const struct bw_kernel *k, struct tasks_out *o, struct bw_error *err)
{
	int ret;

	if (o->json)
		printf("{\"tasks\": [");
	else
		printf("%7s %7s %7s %s %4s %s %-16s %s\n", "PID", "TGID", "PPID", "S", "CPU", "K",
		       "COMM", "TASK");
	ret = bw_kernel_tasks(k, ps_task, o, err);
	if (o->json)
		printf("%s]}\n", o->nr ? "\n" : "");
	return ret;
}

/* Close the open CPU's queued lists (present classes without tasks as []) and object. */
static void runq_close(struct tasks_out *o)
{
	int c;

	if (o->last_cpu < 0)
		return;
	if (!o->json) {
		printf("\n");
		return;
	}
	if (o->cls >= 0)
		printf("]");
	for (c = 0; c < BW_SCHED_NR; c++)
		if (o->has[c] && !o->printed[c])
			printf("%s\"%s\": []", o->cls >= 0 || c != o->first ? ", " : "",
			       bw_sched_class_name((enum bw_sched_class)c));
	printf("}}");
}

static int runq_cpu(void *ctx, const struct bw_runq_cpu *rq)
{
	struct tasks_out *o = ctx;
	int c;

	runq_close(o);
	if (o->json) {
		printf("%s\n{\"cpu\": %u, \"nr_running\": %llu, \"curr\": ",
		       o->last_cpu < 0 ? "" : ",", rq->cpu, (unsigned long long)rq->nr_running);
		tasks_json_task(&rq->curr);
		printf(", \"queued\": {");
	} else {
		printf("CPU %u: nr_running %llu, current %d %s%s\n", rq->cpu,
		       (unsigned long long)rq->nr_running, rq->curr.pid, rq->curr.comm,
		       rq->curr.idle ? " (idle)" : "");
	}
	o->last_cpu = rq->cpu;
	o->cls = -1;
	o->first = -1;
	for (c = 0; c < BW_SCHED_NR; c++) {
		o->has[c] = rq->has_class[c];
		o->printed[c] = false;
		if (o->has[c] && o->first < 0)
			o->first = c;
	}
	return ferror(stdout) ? 1 : 0;
}

static int runq_queued(void *ctx, const struct bw_runq_cpu *rq, enum bw_sched_class c,
		       const struct bw_task *t)
{
	struct tasks_out *o = ctx;

	(void)rq;
	if (!o->json) {
		printf("  %-4s %7d %c %s\n", bw_sched_class_name(c), t->pid, t->state, t->comm);
		return ferror(stdout) ? 1 : 0;
	}
	if (o->cls != (int)c) {
		printf("%s\"%s\": [", o->cls >= 0 ? "], " : "", bw_sched_class_name(c));
		o->cls = (int)c;
		o->printed[c] = true;
	} else {
		printf(", ");
	}
	tasks_json_task(t);
	return ferror(stdout) ? 1 : 0;
}

static int tasks_runq(const struct bw_kernel *k, struct tasks_out *o, struct bw_error *err)
{
	struct bw_runq_fns fns = {runq_cpu, runq_queued, o};
	int ret;

	if (o->json)
		printf("{\"cpus\": [");
	ret = bw_kernel_runqueues(k, &fns, err);
	runq_close(o);
	if (o->json)
		printf("%s]}\n", o->last_cpu >= 0 ? "\n" : "");
	return ret;
}

int cli_tasks(int argc, char **argv)
{
	struct tasks_out o = {.last_cpu = -1, .cls = -1, .first = -1};
	struct bw_error err;
	struct cli_dump d;
	int i, ret;

	memset(&d, 0, sizeof(d));
	d.verb = argv[0];
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			o.json = true;
		else if (cli_dump_arg(argc, argv, &i, &d))
			return tasks_usage(d.verb);
	}
	ret = cli_dump_open(&d);
	if (ret)
		return ret == 2 ? tasks_usage(d.verb) : ret;
	ret = strcmp(d.verb, "runq") ? tasks_ps(d.k, &o, &err) : tasks_runq(d.k, &o, &err);
	if (ret) {
		fflush(stdout);
		fprintf(stderr, "btfwalk %s: %s\n", d.verb, err.msg);
		ret = 1;
	}
	return cli_dump_close(&d, ret);
}
