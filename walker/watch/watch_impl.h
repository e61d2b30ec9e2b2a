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
	WATCH_WALK,    /* a scheduler walk's result (sched.c) */
	WATCH_ABSENT,  /* what this kernel lacks: never ok, err says why */
};

/* How a WATCH_WALK value is taken from the walk's result. */
enum watch_conv { WATCH_AS_IS, WATCH_PSI_AVG /* fixed point to hundredths of a percent */ };

struct watch_slot {
	enum watch_slot_kind kind;
	const char *expr;
	bool owned; /* expr is the watch's own copy */
	struct bw_scalar sc;
	uint32_t read;	     /* STATIC */
	uint32_t node, item; /* NUMA */
	uint32_t walk;	     /* WALK: index into walks */
	const uint64_t *src; /* WALK: in the walk's result */
	enum watch_conv conv;
	char err[BW_ERRMSG_MAX];
	uint64_t prev;
	bool prev_ok;
};

struct watch_check {
	uint32_t read;
	uint8_t *snap; /* the bytes at compile time */
};

/* One read of a walk's recorded run: size bytes at addr, inside batch read `read`. */
struct watch_tape {
	uint64_t addr;
	uint32_t size, read;
};

enum watch_walk_kind { WATCH_STAT, WATCH_SOFTIRQS, WATCH_SCHEDSTAT, WATCH_PRESSURE, WATCH_NWALKS };

/* A scheduler walk compiled: its plan, its result, and the tape of its reads. */
struct watch_walk {
	enum watch_walk_kind kind;
	void *plan, *out;
	uint32_t tape0, tape_end; /* its entries of the tape */
	uint32_t read0, read_end; /* its batch reads */
	bool dead;		  /* a read could not be translated at compile: err says why */
	bool ok;		  /* read in the last sample */
	char err[BW_ERRMSG_MAX];
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

	struct watch_tape *tape;
	size_t ntape, tape_cap;
	struct watch_walk walks[WATCH_NWALKS];
	uint32_t nwalks;

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
int watch_add_read(struct bw_watch *w, uint64_t vaddr, uint32_t len, uint32_t *idx,
		   struct bw_error *err);
int watch_add_value(struct bw_watch *w, const char *name, bool counter, struct watch_slot **slot,
		    struct bw_error *err);
/* watch.c: read r alone into the buffer */
int watch_read_one(struct bw_watch *w, const struct watch_read *r, struct bw_error *err);
/* sched.c: the scheduler walks compiled (record), replayed per sample, and freed */
int watch_add_walks(struct bw_watch *w, struct bw_error *err);
/* The walk whose batch reads include read i, or NULL. */
struct watch_walk *watch_walk_of_read(struct bw_watch *w, uint32_t i);
/* Replay every walk from the batch (batch_ok false: read each piece alone); BW_EGONE when the
 * source went away, else 0 (a walk that failed has ok false and err). */
int watch_walks_sample(struct bw_watch *w, bool batch_ok, struct bw_error *err);
void watch_walks_free(struct bw_watch *w);
/* delta.c: deltas, rates and stalls once every value of a sample is read */
void watch_deltas(struct bw_watch *w, uint64_t time_ns);

#endif
