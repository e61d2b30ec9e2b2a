/* SPDX-License-Identifier: MIT */
/* A compiled query's internals, shared by the files of walker/watch/ (not installed). */
#ifndef BTFWALK_WATCH_IMPL_H
#define BTFWALK_WATCH_IMPL_H

#include "btfwalk/watch.h"
#include "expr/expr_impl.h"
#include "walks/walks_impl.h"

/* One kernel-virtual read of a sample, translated to physical pieces (iovs) at compile time. */
struct watch_read {
	uint64_t vaddr;
	uint32_t len, off; /* off: into the sample buffer */
	uint32_t iov, niov;
};

enum watch_slot_kind {
	WATCH_STATIC,  /* a fixed address: one read of the batch */
	WATCH_DYNAMIC, /* follows pointers (or failed at compile): evaluated every sample */
	WATCH_NUMA,    /* item of a node of the NUMA plan */
};

struct watch_slot {
	enum watch_slot_kind kind;
	const char *expr;
	bool owned; /* expr is the watch's own copy */
	struct bw_scalar sc;
	uint32_t read;	     /* STATIC */
	uint32_t node, item; /* NUMA */
	char err[BW_ERRMSG_MAX];
	uint64_t prev;
	bool prev_ok;
};

struct watch_check {
	uint32_t read;
	uint8_t *snap; /* the bytes at compile time */
};

struct bw_watch {
	const struct bw_kernel *k;
	const struct bw_allocator *alloc;
	struct bw_watch_opts opts;
	uint32_t stall_samples;

	/* compiled */
	struct watch_read *reads;
	size_t nreads, reads_cap;
	struct bw_mem_iov *iovs;
	size_t niovs, iovs_cap;
	uint8_t *buf;
	size_t buf_len;
	struct watch_check checks[3]; /* page_offset_base, __per_cpu_offset[], online mask */
	uint32_t nchecks;
	uint32_t pob_check; /* index into checks of page_offset_base, UINT32_MAX: none */
	struct bw_numa_plan plan;
	bool has_plan;
	uint32_t numa_read0;
	uint32_t *node_read_end; /* per plan node: one past its last read */
	uint64_t (*node_sum)[BW_NUMA_MAX_ITEMS];
	char (*node_err)[BW_ERRMSG_MAX];
	bool *node_ok;

	/* values */
	struct watch_slot *slots;
	struct bw_watch_value *vals;
	char **names;
	size_t nvals;
	uint32_t rq_first; /* index of rq.cpu0.clock; the runqueue values come in pairs */
	struct bw_watch_cpu *cpus;
	uint32_t ncpus;

	bool compiled; /* false after a recompile failed: the next sample compiles again */
	uint64_t prev_ns;
	bool has_prev;
	struct bw_watch_stats stats;
};

/* compile.c */
int watch_compile(struct bw_watch *w, struct bw_error *err);
void watch_uncompile(struct bw_watch *w);
/* delta.c: deltas, rates and stalls once every value of a sample is read */
void watch_deltas(struct bw_watch *w, uint64_t time_ns);

#endif
