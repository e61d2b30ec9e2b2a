/* sclass: one SCHED_DEADLINE and one SCHED_FIFO task on the same CPU, for the rt and deadline
 * queue listings of `btfwalk runq` on a real guest.
 *
 * "sclass CPU SECONDS": sets kernel.sched_rt_runtime_us to -1 (no RT throttling, and no
 * deadline admission control, which would refuse a deadline task whose affinity does not span
 * its root domain), forks a child that pins itself to CPU, becomes SCHED_FIFO (priority 10) and
 * spins; then the parent becomes SCHED_DEADLINE with runtime = deadline = period = 100 ms
 * (never throttled: its runtime lasts until its deadline), pins itself to CPU and spins. The
 * deadline task is then always CPU's current task or queued in its deadline queue (when the
 * fair server of 6.12+ runs), and the FIFO task always waits in CPU's rt queue. Both die of
 * SIGALRM after SECONDS. Every other task on CPU waits meanwhile (with the fair server, 6.12+:
 * for 950 ms of every second), so the harness keeps SECONDS short. Prints "sclass: fifo PID
 * deadline PID cpu CPU" once both run.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SCHED_DEADLINE_POLICY 6 /* SCHED_DEADLINE in include/uapi/linux/sched.h */

struct sched_attr_v0 { /* struct sched_attr of include/uapi/linux/sched/types.h, first version */
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sclass: sched_setaffinity");
		exit(1);
	}
}

static void spin(unsigned seconds)
{
	volatile unsigned long x = 0;

	alarm(seconds);
	for (;;)
		x++;
}

int main(int argc, char **argv)
{
	struct sched_attr_v0 attr = {.size = sizeof(attr), .sched_policy = SCHED_DEADLINE_POLICY};
	struct sched_param fifo = {.sched_priority = 10};
	int cpu, seconds, ready[2];
	FILE *f;
	char c;
	pid_t child;

	if (argc != 3) {
		fprintf(stderr, "usage: sclass CPU SECONDS\n");
		return 2;
	}
	cpu = atoi(argv[1]);
	seconds = atoi(argv[2]);
	f = fopen("/proc/sys/kernel/sched_rt_runtime_us", "w");
	if (!f || fputs("-1\n", f) < 0 || fclose(f)) {
		perror("sclass: kernel.sched_rt_runtime_us = -1");
		return 1;
	}
	pin(cpu ? 0
		: 1); /* both set up elsewhere: once the FIFO task spins on CPU, nothing else runs there */
	if (pipe(ready))
		return 1;
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		pin(cpu);
		if (sched_setscheduler(0, SCHED_FIFO, &fifo)) {
			perror("sclass: sched_setscheduler(SCHED_FIFO)");
			exit(1);
		}
		if (write(ready[1], "r", 1) != 1)
			exit(1);
		spin(seconds);
	}
	if (read(ready[0], &c, 1) != 1) {
		fprintf(stderr, "sclass: the FIFO child failed\n");
		return 1;
	}
	attr.sched_runtime = attr.sched_deadline = attr.sched_period = 100 * 1000 * 1000;
	if (syscall(SYS_sched_setattr, 0, &attr, 0)) {
		perror("sclass: sched_setattr(SCHED_DEADLINE)");
		return 1;
	}
	pin(cpu);
	printf("sclass: fifo %d deadline %d cpu %d\n", (int)child, (int)getpid(), sched_getcpu());
	fflush(stdout);
	spin(seconds);
}
