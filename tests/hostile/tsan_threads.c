/* SPDX-License-Identifier: MIT */
/*
 * tsan_threads DUMP... : one opened dump, one kernel view and its BTF, read from 8 threads at
 * once (expressions, values, the NUMA walk, BTF lookups, raw memory). Built with
 * -fsanitize=thread by check-tsan.sh: any data race is a ThreadSanitizer report and a non-zero
 * exit. Every thread must also get the same answers as the main thread did alone.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "btfwalk.h"

#define NTHREADS 8
#define ROUNDS 20

struct shared {
	const struct bw_kernel *k;
	const struct bw_mem *mem;
	const struct bw_btf *btf;
	uint64_t want_cpus, want_hit;
	uint32_t want_task;
	uint8_t want_page[64];
	uint64_t page;
	int failures;
};

/* The values every thread reads: online CPUs, node 0's first counter, task_struct's id. */
static int answers(const struct shared *s, uint64_t *cpus, uint64_t *hit, uint32_t *task,
		   uint8_t *page, struct bw_error *err)
{
	struct bw_numa_stats *st;
	struct bw_value v;
	int ret;

	ret = bw_kernel_eval(s->k, "nr_cpu_ids", &v, err);
	if (!ret)
		ret = bw_kernel_value_u64(s->k, &v, cpus, err);
	if (!ret)
		ret = bw_kernel_numa_stats(s->k, &st, err);
	if (ret)
		return ret;
	*hit = st->nodes[0].value[0];
	bw_kernel_numa_stats_free(s->k, st);
	ret = bw_btf_find(s->btf, "task_struct", BW_KIND_STRUCT, task, err);
	if (!ret)
		ret = bw_mem_read(s->mem, s->page, page, 64, err);
	return ret;
}

static void *worker(void *arg)
{
	struct shared *s = arg;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		struct bw_error err = {0};
		uint64_t cpus, hit;
		uint32_t task;
		uint8_t page[64];

		if (answers(s, &cpus, &hit, &task, page, &err) || cpus != s->want_cpus ||
		    hit != s->want_hit || task != s->want_task ||
		    memcmp(page, s->want_page, sizeof(page))) {
			fprintf(stderr, "thread answer differs: %s\n", err.msg);
			__atomic_add_fetch(&s->failures, 1, __ATOMIC_SEQ_CST);
			return NULL;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct bw_mem_range r;
	struct bw_kernel *k;
	struct bw_error err = {0};
	struct shared s = {0};
	pthread_t t[NTHREADS];
	struct bw_mem *mem;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: tsan_threads DUMP...\n");
		return 2;
	}
	if (bw_mem_open((const char *const *)argv + 1, (size_t)argc - 1, NULL, &mem, &err) ||
	    bw_kernel_open(mem, NULL, &k, &err)) {
		fprintf(stderr, "open: %s\n", err.msg);
		return 1;
	}
	bw_mem_ranges(mem, &r, 1);
	s.k = k;
	s.mem = mem;
	s.btf = bw_kernel_btf(k);
	s.page = r.start + r.size / 2;
	if (answers(&s, &s.want_cpus, &s.want_hit, &s.want_task, s.want_page, &err)) {
		fprintf(stderr, "alone: %s\n", err.msg);
		return 1;
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, worker, &s);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	bw_kernel_close(k);
	bw_mem_close(mem);
	if (s.failures)
		return 1;
	printf("%d threads x %d rounds agree (nr_cpu_ids %llu)\n", NTHREADS, ROUNDS,
	       (unsigned long long)s.want_cpus);
	return 0;
}
