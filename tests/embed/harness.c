/* SPDX-License-Identifier: MIT */
/*
 * A "minimal harness": what a VM test harness embeds. It holds guest RAM in its own mappings (here:
 * the per-node memory-backend files, mapped by the harness itself), hands btfwalk a read callback
 * and a counting allocator, and prints each node's NUMA counters as "node N name value" lines.
 * Built from the amalgamation alone: cc -std=c11 -static harness.c btfwalk.c
 *
 * usage: harness FILE@PHYSADDR...
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "btfwalk.h"

#define MAX_FILES 8

struct guest_ram {
	struct bw_mem_range range[MAX_FILES];
	const unsigned char *data[MAX_FILES];
	size_t n;
};

static int guest_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	const struct guest_ram *ram = ctx;

	for (size_t i = 0; i < ram->n; i++) {
		const struct bw_mem_range *r = &ram->range[i];

		if (paddr >= r->start && len <= r->size && paddr - r->start <= r->size - len) {
			memcpy(buf, ram->data[i] + (paddr - r->start), len);
			return 0;
		}
	}
	return -1;
}

struct counting_alloc {
	size_t live;
};

static void *count_malloc(void *ctx, size_t size)
{
	size_t *p = malloc(sizeof(size_t) + size);

	if (!p)
		return NULL;
	((struct counting_alloc *)ctx)->live++;
	*p = size;
	return p + 1;
}

static void *count_realloc(void *ctx, void *ptr, size_t size)
{
	size_t *p;

	if (!ptr)
		return count_malloc(ctx, size);
	p = realloc((size_t *)ptr - 1, sizeof(size_t) + size);
	if (!p)
		return NULL;
	*p = size;
	return p + 1;
}

static void count_free(void *ctx, void *ptr)
{
	if (!ptr)
		return;
	((struct counting_alloc *)ctx)->live--;
	free((size_t *)ptr - 1);
}

static int map_file(struct guest_ram *ram, const char *spec)
{
	char path[4096];
	const char *at = strrchr(spec, '@');
	struct stat st;
	void *p;
	int fd;

	if (!at || (size_t)(at - spec) >= sizeof(path) || ram->n == MAX_FILES)
		return -1;
	memcpy(path, spec, at - spec);
	path[at - spec] = 0;
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	ram->range[ram->n].start = strtoull(at + 1, NULL, 0);
	ram->range[ram->n].size = st.st_size;
	ram->data[ram->n++] = p;
	return 0;
}

int main(int argc, char **argv)
{
	struct counting_alloc counter = { 0 };
	struct bw_allocator alloc = { count_malloc, count_realloc, count_free, &counter };
	struct guest_ram ram = { .n = 0 };
	struct bw_kernel_opts opts = { .alloc = &alloc };
	struct bw_numa_stats *stats;
	struct bw_kernel *kernel;
	struct bw_mem *mem;
	struct bw_error err;

	for (int i = 1; i < argc; i++) {
		if (map_file(&ram, argv[i])) {
			fprintf(stderr, "harness: cannot map %s\n", argv[i]);
			return 1;
		}
	}
	if (bw_mem_open_callback(ram.range, ram.n, guest_read, &ram, &alloc, &mem, &err) ||
	    bw_kernel_open(mem, &opts, &kernel, &err) ||
	    bw_kernel_numa_stats(kernel, &stats, &err)) {
		fprintf(stderr, "harness: %s\n", err.msg);
		return 1;
	}
	for (uint32_t n = 0; n < stats->nr_nodes; n++)
		for (uint32_t i = 0; i < stats->nr_items; i++)
			printf("node %u %s %llu\n", stats->nodes[n].node, stats->sysfs_name[i],
			       (unsigned long long)stats->nodes[n].value[i]);
	bw_kernel_numa_stats_free(kernel, stats);
	bw_kernel_close(kernel);
	bw_mem_close(mem);
	if (counter.live) {
		fprintf(stderr, "harness: %zu allocations not freed\n", counter.live);
		return 1;
	}
	return 0;
}
