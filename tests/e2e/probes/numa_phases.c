/* numa_phases: NUMA traffic at a known pace between quiet phases, for btfwalk watch's e2e check.
 *
 * numa_phases QUIET_S TRAFFIC_S QUIET_S PAGES_PER_10MS
 * From CPU 0 (node 0), every 10 ms (absolute deadlines) it faults in PAGES_PER_10MS pages bound
 * to node 1 (MPOL_BIND), then unmaps them: numa_hit and other_node of node 1 grow at a steady
 * pace. A child spins on the last CPU the whole time (a busy runqueue). At every phase boundary
 * it reads every node's numastat and prints, on one line, its CLOCK_MONOTONIC time and the
 * counters:  "numa_phases: PHASE EDGE t=SECONDS node0 numa_hit=... ... node1 ..." and at the end
 * "numa_phases: traffic rate node1 numa_hit=R/s" measured by itself, then "numa_phases: done".
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MPOL_BIND 2
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Prints both nodes' numastat on the current line; returns node 1's numa_hit. */
static long numastat(void)
{
	long hit1 = -1;
	int node;

	for (node = 0; node < 2; node++) {
		char path[64], name[32];
		long v;
		FILE *f;

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/numastat", node);
		f = fopen(path, "r");
		if (!f)
			continue;
		printf(" node%d", node);
		while (fscanf(f, "%31s %ld", name, &v) == 2) {
			printf(" %s=%ld", name, v);
			if (node == 1 && !strcmp(name, "numa_hit"))
				hit1 = v;
		}
		fclose(f);
	}
	return hit1;
}

static long edge(const char *phase, const char *what, double *t)
{
	long hit;

	*t = now();
	printf("numa_phases: %s %s t=%.6f", phase, what, *t);
	hit = numastat();
	printf("\n");
	fflush(stdout);
	return hit;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void sleep_until(struct timespec *ts, long ns)
{
	ts->tv_nsec += ns;
	while (ts->tv_nsec >= 1000000000L) {
		ts->tv_nsec -= 1000000000L;
		ts->tv_sec++;
	}
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, ts, NULL);
}

int main(int argc, char **argv)
{
	double quiet1, traffic, quiet2, t0, t1, t;
	long pages, hit0, hit1, psz = sysconf(_SC_PAGESIZE);
	unsigned long node1 = 2;
	struct timespec ts;
	pid_t spinner;
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);

	if (argc != 5)
		return fprintf(stderr, "usage: numa_phases QUIET_S TRAFFIC_S QUIET_S PAGES\n"), 2;
	quiet1 = atof(argv[1]);
	traffic = atof(argv[2]);
	quiet2 = atof(argv[3]);
	pages = atol(argv[4]);
	spinner = fork();
	if (spinner == 0) {
		pin(ncpu - 1);
		for (;;)
			;
	}
	pin(0);
	if (syscall(SYS_set_mempolicy, MPOL_BIND, &node1, 64UL))
		return perror("set_mempolicy"), 1;
	edge("quiet1", "start", &t);
	usleep((useconds_t)(quiet1 * 1e6));
	edge("quiet1", "end", &t);
	hit0 = edge("traffic", "start", &t0);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	while (now() - t0 < traffic) {
		char *p = mmap(NULL, (size_t)(pages * psz), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return perror("mmap"), 1;
		if (madvise(p, (size_t)(pages * psz), MADV_POPULATE_WRITE))
			for (long i = 0; i < pages; i++)
				p[i * psz] = 1;
		munmap(p, (size_t)(pages * psz));
		sleep_until(&ts, 10000000L);
	}
	hit1 = edge("traffic", "end", &t1);
	edge("quiet2", "start", &t);
	usleep((useconds_t)(quiet2 * 1e6));
	edge("quiet2", "end", &t);
	kill(spinner, SIGKILL);
	waitpid(spinner, NULL, 0);
	printf("numa_phases: traffic rate node1 numa_hit=%.1f/s over %.3f s\n",
	       (double)(hit1 - hit0) / (t1 - t0), t1 - t0);
	printf("numa_phases: done\n");
	return 0;
}
