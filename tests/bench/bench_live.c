/* SPDX-License-Identifier: MIT */
/*
 * bench_live QMP_SOCKET BTFWALK_CLI FILE@PHYSADDR...: what sampling a running guest costs.
 *  - attach + open: bw_mem_open_qemu + bw_kernel_open on the QMP socket (best and median of 5),
 *    split into the attach, the open, and of the open the BTF validation: bw_btf_open_mem on
 *    the same blob (__start_BTF..__stop_BTF read out of the guest), already in memory;
 *  - per sample, over the guest's backend files mapped by this process (bw_mem_open_mapped) and
 *    over the QEMU process's memory (process_vm_readv): the NUMA query, and a 10-expression
 *    query (4 CPUs' rq.nr_running and rq.clock, jiffies_64, vm_node_stat[0]);
 *  - what a script does today: run `btfwalk numa` once per sample (fork + exec + open + walk),
 *    on the files and with --qemu; and the ratio to the compiled query.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "btfwalk.h"

extern char **environ;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "bench_live: %s: %s\n", what, why);
	exit(1);
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static const struct bw_watch_expr ten[] = {
	{"runqueues@cpu0.nr_running", false},
	{"runqueues@cpu1.nr_running", false},
	{"runqueues@cpu2.nr_running", false},
	{"runqueues@cpu3.nr_running", false},
	{"runqueues@cpu0.clock", true},
	{"runqueues@cpu1.clock", true},
	{"runqueues@cpu2.clock", true},
	{"runqueues@cpu3.clock", true},
	{"jiffies_64", true},
	{"vm_node_stat[0].counter", true},
};

enum bench_query { BENCH_NUMA, BENCH_TEN, BENCH_SCHED };

/* What a kernel lacks is named "WALK" or "WALK.PART" (one dot at most): watch.h. */
static int bench_dots(const char *name)
{
	int n = 0;

	while ((name = strchr(name, '.')))
		n++, name++;
	return n;
}

/* Microseconds per sample of a query (best of 3 runs of n samples). BENCH_SCHED: the stat,
 * softirqs, schedstat and pressure walks; a value the kernel lacks (never ok) is named, the
 * others must all be read. */
static double per_sample(const struct bw_kernel *k, enum bench_query q, int n,
			 struct bw_watch_stats *st)
{
	struct bw_watch_opts o = {0};
	struct bw_watch *w;
	struct bw_error err;
	double best = 1e9;
	int r, i;

	if (q == BENCH_NUMA)
		o.numa = true;
	else if (q == BENCH_TEN)
		o.exprs = ten, o.nexprs = 10;
	else
		o.stat = o.softirqs = o.schedstat = o.pressure = true;
	if (bw_watch_open(k, &o, &w, &err))
		die("bw_watch_open", err.msg);
	for (r = 0; r < 3; r++) {
		double t = now();

		for (i = 0; i < n; i++)
			if (bw_watch_sample(w, (uint64_t)i, &err))
				die("bw_watch_sample", err.msg);
		t = (now() - t) / n * 1e6;
		if (t < best)
			best = t;
	}
	bw_watch_get_stats(w, st);
	{
		const struct bw_watch_value *v;
		size_t nv = bw_watch_values(w, &v), j;

		for (j = 0; j < nv; j++)
			if (!v[j].ok && (q != BENCH_SCHED || bench_dots(v[j].name) > 1))
				die(v[j].name, v[j].error);
			else if (!v[j].ok)
				printf("  (%s: %s)\n", v[j].name, v[j].error);
		if (q == BENCH_SCHED)
			printf("scheduler walks: %zu values\n", nv);
	}
	bw_watch_close(w);
	return best;
}

/* Milliseconds per run of argv (best of n). */
static double cli_run(char **argv, int n)
{
	double best = 1e9;
	int i;

	for (i = 0; i < n; i++) {
		posix_spawn_file_actions_t fa;
		double t = now();
		int status;
		pid_t pid;

		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
		if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ))
			die("posix_spawn", argv[0]);
		waitpid(pid, &status, 0);
		posix_spawn_file_actions_destroy(&fa);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			die("CLI run failed", argv[1]);
		t = (now() - t) * 1e3;
		if (t < best)
			best = t;
	}
	return best;
}

/* bw_btf_open_mem on the kernel's own BTF blob, copied out of the guest and touched first
 * (best of 5, ms): the part of bw_kernel_open that is BTF validation. */
static double btf_validate_ms(const struct bw_kernel *k)
{
	uint64_t start, stop;
	struct bw_error err;
	double best = 1e9;
	unsigned char *blob;
	int i;

	if (bw_kernel_symbol(k, "__start_BTF", &start, &err) ||
	    bw_kernel_symbol(k, "__stop_BTF", &stop, &err))
		die("BTF symbols", err.msg);
	if (stop <= start || stop - start > (1u << 30) || !(blob = malloc(stop - start)))
		die("BTF blob", "bad size");
	if (bw_kernel_read(k, start, blob, stop - start, &err))
		die("BTF blob", err.msg);
	for (i = 0; i < 5; i++) {
		struct bw_btf *btf;
		double t = now();

		if (bw_btf_open_mem(blob, stop - start, NULL, &btf, &err))
			die("bw_btf_open_mem", err.msg);
		t = (now() - t) * 1e3;
		bw_btf_close(btf);
		if (t < best)
			best = t;
	}
	free(blob);
	return best;
}

int main(int argc, char **argv)
{
	struct bw_mem_mapping maps[8];
	struct bw_watch_stats st;
	struct bw_error err;
	struct bw_mem *mem;
	struct bw_kernel *k;
	double open_ms[5], attach_ms[5], kopen_ms[5], open_cpu_ms[5], map_open_ms = 0, btf_ms,
		numa_map, ten_map, numa_qemu, ten_qemu, cli_files, cli_qemu, sched_map, sched_qemu;
	char *cli_argv[16];
	int i, nmaps = argc - 3;

	if (argc < 4 || nmaps > 8)
		die("usage", "bench_live QMP_SOCKET BTFWALK_CLI FILE@PHYSADDR...");
	for (i = 0; i < 5; i++) {
		double t = now(), c = cpu_now();

		if (bw_mem_open_qemu(argv[1], NULL, &mem, &err))
			die("bw_mem_open_qemu", err.msg);
		attach_ms[i] = (now() - t) * 1e3;
		if (bw_kernel_open(mem, NULL, &k, &err))
			die("bw_kernel_open", err.msg);
		open_ms[i] = (now() - t) * 1e3;
		kopen_ms[i] = open_ms[i] - attach_ms[i];
		open_cpu_ms[i] = (cpu_now() - c) * 1e3;
		if (i < 4) {
			bw_kernel_close(k);
			bw_mem_close(mem);
		}
	}
	qsort(open_ms, 5, sizeof(open_ms[0]), cmp_double);
	qsort(attach_ms, 5, sizeof(attach_ms[0]), cmp_double);
	qsort(open_cpu_ms, 5, sizeof(open_cpu_ms[0]), cmp_double);
	qsort(kopen_ms, 5, sizeof(kopen_ms[0]), cmp_double);
	btf_ms = btf_validate_ms(k);
	numa_qemu = per_sample(k, BENCH_NUMA, 2000, &st);
	printf("NUMA query: %u reads per sample\n", st.reads);
	ten_qemu = per_sample(k, BENCH_TEN, 2000, &st);
	printf("10-expression query: %u reads per sample, %u evaluated per sample\n", st.reads,
	       st.dynamic);
	sched_qemu = per_sample(k, BENCH_SCHED, 2000, &st);
	printf("scheduler-walk query: %u reads per sample\n", st.reads);
	bw_kernel_close(k);
	bw_mem_close(mem);

	for (i = 0; i < nmaps; i++) {
		const char *spec = argv[3 + i], *at = strrchr(spec, '@');
		char path[4096];
		struct stat sb;
		int fd;

		if (!at || (size_t)(at - spec) >= sizeof(path))
			die("FILE@PHYSADDR", spec);
		memcpy(path, spec, (size_t)(at - spec));
		path[at - spec] = '\0';
		fd = open(path, O_RDONLY);
		if (fd < 0 || fstat(fd, &sb))
			die("open", path);
		maps[i].start = strtoull(at + 1, NULL, 0);
		maps[i].size = (uint64_t)sb.st_size;
		maps[i].addr = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
		if (maps[i].addr == MAP_FAILED)
			die("mmap", path);
		close(fd);
	}
	{
		double t = now();

		if (bw_mem_open_mapped(maps, (size_t)nmaps, NULL, &mem, &err))
			die("bw_mem_open_mapped", err.msg);
		if (bw_kernel_open(mem, NULL, &k, &err))
			die("bw_kernel_open (mapped)", err.msg);
		map_open_ms = (now() - t) * 1e3;
	}
	numa_map = per_sample(k, BENCH_NUMA, 20000, &st);
	ten_map = per_sample(k, BENCH_TEN, 20000, &st);
	sched_map = per_sample(k, BENCH_SCHED, 20000, &st);
	bw_kernel_close(k);
	bw_mem_close(mem);

	cli_argv[0] = argv[2];
	cli_argv[1] = (char *)"numa";
	for (i = 0; i < nmaps; i++)
		cli_argv[2 + i] = argv[3 + i];
	cli_argv[2 + nmaps] = NULL;
	cli_files = cli_run(cli_argv, 10);
	cli_argv[2] = (char *)"--qemu";
	cli_argv[3] = argv[1];
	cli_argv[4] = NULL;
	cli_qemu = cli_run(cli_argv, 5);

	printf("\n%-44s %12s %10s\n", "", "cost", "target");
	printf("%-44s %9.1f ms %10s\n", "attach + open over QMP (best of 5)", open_ms[0],
	       "<= 50 ms");
	printf("%-44s %9.1f ms\n", "attach + open over QMP (median of 5)", open_ms[2]);
	printf("%-44s %9.1f ms\n", "  attach: QMP connect, mtree, gpa2hva (best)", attach_ms[0]);
	printf("%-44s %9.1f ms\n", "  open: bw_kernel_open (best of 5)", kopen_ms[0]);
	printf("%-44s %9.1f ms\n", "    of which BTF validation (best of 5)", btf_ms);
	printf("%-44s %9.1f ms\n", "    open outside BTF validation", kopen_ms[0] - btf_ms);
	printf("%-44s %9.1f ms\n", "  CPU time of this process (best of 5)", open_cpu_ms[0]);
	printf("%-44s %9.1f ms\n", "open over mapped files (bw_kernel_open)", map_open_ms);
	printf("%-44s %9.2f us %10s\n", "NUMA sample, mapped backend files", numa_map, "<= 5 us");
	printf("%-44s %9.2f us %10s\n", "10-expression sample, mapped backend files", ten_map,
	       "<= 5 us");
	printf("%-44s %9.2f us\n", "stat+softirqs+schedstat+pressure, mapped", sched_map);
	printf("%-44s %9.2f us %10s\n", "NUMA sample, QEMU process memory", numa_qemu, "<= 50 us");
	printf("%-44s %9.2f us %10s\n", "10-expression sample, QEMU process memory", ten_qemu,
	       "<= 50 us");
	printf("%-44s %9.2f us\n", "stat+softirqs+schedstat+pressure, QEMU memory", sched_qemu);
	printf("%-44s %9.1f ms   ratio %.0fx\n", "btfwalk numa FILES, once per sample", cli_files,
	       cli_files * 1e3 / numa_map);
	printf("%-44s %9.1f ms   ratio %.0fx\n", "btfwalk numa --qemu, once per sample", cli_qemu,
	       cli_qemu * 1e3 / numa_qemu);
	return 0;
}
