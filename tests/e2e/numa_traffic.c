/* numa_traffic: make every per-node NUMA event counter move on every node of a small guest.
 *
 * Runs as a static binary in the e2e guest's initramfs. Raw syscalls only (no libnuma).
 * For each node R (the node whose CPUs we run on) and each node N:
 *   - MPOL_BIND to N:            numa_hit on N; local_node on N if N == R, else other_node on N
 *   - MPOL_INTERLEAVE over all:  interleave_hit (and numa_hit) on every node
 *   - MPOL_PREFERRED N, sized past N's free memory: the spill-over lands on another node M:
 *                                numa_miss on M, numa_foreign on N
 *     (N's free memory is first taken by its huge page pool, which costs no page touching, so
 *     only a few MiB need faulting in; without hugetlb the whole free memory is touched.)
 * Prints one line per phase and "numa_traffic: done" at the end. Exit status 0 on success.
 *
 * "numa_traffic post PAGES": for each node N, from a CPU of another node, bind PAGES pages to N
 * (numa_hit and other_node on N grow by at least PAGES), then interleave 2*PAGES pages over all
 * nodes (interleave_hit on each of two nodes grows by PAGES). The harness runs it after reading
 * numastat, whose read folds every per-CPU count into its zone: these events then sit in the
 * per-CPU counters (the kernel folds NUMA events only when they are read), so a walker that
 * misses the per-CPU deltas reads below before + PAGES.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MPOL_DEFAULT 0
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define MAXNODES 64

static long page_size;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long xmbind(void *addr, unsigned long len, int mode, const unsigned long *mask, unsigned long maxnode)
{
	return syscall(SYS_mbind, addr, len, mode, mask, maxnode, 0UL);
}

static long xset_mempolicy(int mode, const unsigned long *mask, unsigned long maxnode)
{
	return syscall(SYS_set_mempolicy, mode, mask, maxnode);
}

static int read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
	return 0;
}

/* Parse a cpulist/nodelist like "0-1,3" into a bit set. */
static int parse_list(const char *s, unsigned long *bits, int max)
{
	int count = 0;

	while (*s && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b = a;

		if (end == s)
			break;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (long i = a; i <= b && i < max; i++) {
			bits[i / (8 * sizeof(long))] |= 1UL << (i % (8 * sizeof(long)));
			count++;
		}
		s = *end == ',' ? end + 1 : end;
	}
	return count;
}

static long numastat(int node, const char *counter)
{
	char path[128], buf[1024], *p;
	size_t n = strlen(counter);

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/numastat", node);
	if (read_file(path, buf, sizeof(buf)))
		return -1;
	for (p = buf; (p = strstr(p, counter)); p += n)
		if ((p == buf || p[-1] == '\n') && p[n] == ' ')
			return strtol(p + n + 1, NULL, 10);
	return -1;
}

static long node_free_kb(int node)
{
	char path[128], buf[4096], *p;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", node);
	if (read_file(path, buf, sizeof(buf)) || !(p = strstr(buf, "MemFree:")))
		return -1;
	return strtol(p + 8, NULL, 10);
}

/* Set node's 2 MiB huge page pool size; returns the size the kernel reached, -1 if unsupported. */
static long set_hugepages(int node, long count)
{
	char path[128], buf[64];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/hugepages/hugepages-2048kB/nr_hugepages", node);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%ld\n", count);
	fclose(f); /* a partial pool is fine: the write may report ENOMEM */
	if (read_file(path, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

static int run_on_node(int node)
{
	char path[128], buf[1024];
	cpu_set_t set;
	unsigned long bits[1024 / (8 * sizeof(long))] = { 0 };

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", node);
	if (read_file(path, buf, sizeof(buf)) || parse_list(buf, bits, 1024) == 0)
		return -1;
	CPU_ZERO(&set);
	for (int i = 0; i < 1024; i++)
		if (bits[i / (8 * sizeof(long))] & (1UL << (i % (8 * sizeof(long)))))
			CPU_SET(i, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -1;
	sched_yield();
	return 0;
}

/* Map len bytes, apply the policy to the range, and fault every page in. The mapping is
 * returned when keep is set (NULL on error), else unmapped ((void *)1 on success). */
static void *touch_keep(size_t len, int mode, const unsigned long *mask, int keep)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		return NULL;
	}
	madvise(p, len, MADV_NOHUGEPAGE); /* one event per 4 KiB page, whatever THP says */
	if (xmbind(p, len, mode, mask, MAXNODES + 1)) {
		perror("mbind");
		munmap(p, len);
		return NULL;
	}
	if (madvise(p, len, MADV_POPULATE_WRITE))
		for (size_t off = 0; off < len; off += (size_t)page_size)
			p[off] = 1;
	if (keep)
		return p;
	munmap(p, len);
	return (void *)1;
}

static int touch(size_t len, int mode, const unsigned long *mask)
{
	return touch_keep(len, mode, mask, 0) ? 0 : -1;
}

int main(int argc, char **argv)
{
	char buf[256];
	unsigned long online[1] = { 0 }, mask[1];
	int nodes[MAXNODES], nnodes = 0, cpus_nodes = 0;
	size_t chunk = (size_t)(argc > 1 ? atol(argv[1]) : 8) << 20; /* MiB per bind/interleave phase */

	page_size = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (read_file("/sys/devices/system/node/online", buf, sizeof(buf)) || parse_list(buf, online, MAXNODES) < 2) {
		fprintf(stderr, "numa_traffic: need at least 2 online nodes (online: %s)\n", buf);
		return 1;
	}
	for (int n = 0; n < MAXNODES; n++)
		if (online[0] & (1UL << n))
			nodes[nnodes++] = n;

	if (argc == 3 && !strcmp(argv[1], "post")) {
		size_t len = (size_t)atol(argv[2]) * (size_t)page_size;

		for (int i = 0; i < nnodes; i++) {
			if (run_on_node(nodes[(i + 1) % nnodes]))
				return 1;
			mask[0] = 1UL << nodes[i];
			if (touch(len, MPOL_BIND, mask))
				return 1;
		}
		if (nnodes == 2 && touch(2 * len, MPOL_INTERLEAVE, online))
			return 1;
		printf("numa_traffic: post %s pages per node done\n", argv[2]);
		return 0;
	}

	for (int r = 0; r < nnodes; r++) {
		int here = nodes[r];

		if (run_on_node(here)) {
			printf("numa_traffic: node%d has no CPU, staying put\n", here);
		} else {
			cpus_nodes++;
		}
		for (int i = 0; i < nnodes; i++) {
			mask[0] = 1UL << nodes[i];
			if (touch(chunk, MPOL_BIND, mask))
				return 1;
			printf("numa_traffic: on node%d: bind node%d %zu MiB\n", here, nodes[i], chunk >> 20);
		}
		if (touch(chunk, MPOL_INTERLEAVE, online))
			return 1;
		printf("numa_traffic: on node%d: interleave %zu MiB\n", here, chunk >> 20);
	}
	/* Preferred policy past the preferred node's free memory: the rest spills to another node.
	 * Chunks are added until the preferred node's numa_foreign shows the spill (the kernel may
	 * find more on the node than MemFree says: per-CPU page lists, reclaim), up to free + 64 MiB. */
	for (int i = 0; i < nnodes; i++) {
		enum { CHUNK = 4 << 20, MAXCHUNKS = 256 };
		static void *maps[MAXCHUNKS];
		double t0 = now(), t1;
		long huge = node_free_kb(nodes[i]), free_kb, foreign0, foreign = 0;
		int nmaps = 0;

		huge = set_hugepages(nodes[i], huge > (24 << 10) ? (huge - (16 << 10)) / 2048 : 0);
		t1 = now();
		free_kb = node_free_kb(nodes[i]);
		foreign0 = numastat(nodes[i], "numa_foreign");
		if (free_kb < 0 || foreign0 < 0) {
			fprintf(stderr, "numa_traffic: cannot read node%d meminfo/numastat\n", nodes[i]);
			return 1;
		}
		run_on_node(nodes[(i + 1) % nnodes]);
		mask[0] = 1UL << nodes[i];
		while (nmaps < MAXCHUNKS && (long)nmaps * (CHUNK >> 10) < free_kb + (64 << 10)) {
			if (!(maps[nmaps] = touch_keep(CHUNK, MPOL_PREFERRED, mask, 1)))
				return 1;
			nmaps++;
			foreign = numastat(nodes[i], "numa_foreign") - foreign0;
			/* past free memory and 1 MiB of spill seen: enough */
			if ((long)nmaps * (CHUNK >> 10) > free_kb && foreign >= 256)
				break;
		}
		for (int m = 0; m < nmaps; m++)
			munmap(maps[m], CHUNK);
		if (huge > 0)
			set_hugepages(nodes[i], 0);
		printf("numa_traffic: preferred node%d %d MiB (node free was %ld MiB, %ld huge pages held): "
		       "%ld pages spilled; %.2f s + %.2f s\n", nodes[i], nmaps * (CHUNK >> 20), free_kb >> 10,
		       huge, foreign, t1 - t0, now() - t1);
		if (foreign <= 0) {
			fprintf(stderr, "numa_traffic: nothing spilled from node%d\n", nodes[i]);
			return 1;
		}
	}
	xset_mempolicy(MPOL_DEFAULT, NULL, 0);
	printf("numa_traffic: done (%d nodes, %d with CPUs)\n", nnodes, cpus_nodes);
	return 0;
}
