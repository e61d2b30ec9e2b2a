/* SPDX-License-Identifier: MIT */
/* Built-in walks split into a resolve phase and a read phase (not installed). */
#ifndef BTFWALK_WALKS_IMPL_H
#define BTFWALK_WALKS_IMPL_H

#include "btfwalk/sched.h"
#include "kernel/kernel_impl.h"

/* One read of the NUMA walk: nr_items counters of item_size bytes at vaddr, added to a node. */
struct bw_numa_piece {
	uint64_t vaddr;
	uint32_t node; /* index into the plan's nodes */
	uint32_t item_size;
	uint32_t zone;
	uint32_t cpu; /* UINT32_MAX: the zone's own counters; else a CPU's per-CPU counters */
};

/*
 * The NUMA walk resolved: every online node, and where its zone counters and the unfolded
 * per-CPU counters of its populated zones are (node_data[], zone.per_cpu_zonestats,
 * zone.present_pages and __per_cpu_offset[] read once). Reading it is then the pieces alone.
 */
struct bw_numa_plan {
	uint32_t nr_items;
	const char *enum_name[BW_NUMA_MAX_ITEMS];
	const char *sysfs_name[BW_NUMA_MAX_ITEMS];
	uint32_t nr_nodes;
	uint32_t *node_ids;
	struct bw_numa_piece *pieces;
	size_t npieces;
};

int bw_numa_plan_build(const struct bw_kernel *k, struct bw_numa_plan *plan, struct bw_error *err);
void bw_numa_plan_free(const struct bw_kernel *k, struct bw_numa_plan *plan);
/* Add the nr_items little-endian counters in buf (one piece's bytes) to value[]. */
void bw_numa_piece_add(const struct bw_numa_plan *plan, const struct bw_numa_piece *p,
		       const uint8_t *buf, uint64_t *value);

/* Prefix err (which holds a failed read of p) with what p is, e.g.
 * "node_data[1]->node_zones[2].per_cpu_zonestats@cpu3.vm_numa_event". */
int bw_numa_piece_error(const struct bw_numa_plan *plan, const struct bw_numa_piece *p,
			struct bw_error *err);

/*
 * Where the read phase of the scheduler walks (stat, softirqs, schedstat, pressure) gets its
 * integers: read NULL is k's memory (a dump, or one live read each); walker/watch/ records the
 * reads of a first run and replays them from its batch on every sample. So a walk's reads must
 * depend on its plan alone (layout, CPUs), never on what it read: the same addresses and sizes in
 * the same order on every run; only what it computes from them may depend on the values.
 */
struct bw_walk_src {
	const struct bw_kernel *k;
	int (*read)(void *ctx, uint64_t addr, uint32_t size, uint64_t *v, struct bw_error *err);
	void *ctx;
};
int bw_walk_src_read(const struct bw_walk_src *src, uint64_t addr, uint32_t size, uint64_t *v,
		     struct bw_error *err);

/*
 * The scheduler walks resolved once (layout from the BTF, the CPUs read from the masks with their
 * per-CPU offsets) into a plan, with a result struct sized for them; read fills the result (every
 * field reset first) through src, as often as wanted. A walk this kernel lacks (no
 * CONFIG_SCHEDSTATS, no kernel_cpustat) fails to build with the error its dump verb gives.
 */
struct bw_sched_walk {
	const char *name;	    /* "stat", "softirqs", "schedstat", "pressure" */
	size_t plan_size, out_size; /* allocated zeroed by bw_sched_walk_build */
	int (*init)(const struct bw_kernel *k, void *plan, void *out, struct bw_error *err);
	int (*read)(const void *plan, const struct bw_walk_src *src, void *out,
		    struct bw_error *err);
	/* What init allocated inside plan and out (either may be NULL); NULL: nothing. */
	void (*fini)(const struct bw_kernel *k, void *plan, void *out);
};
/* bw_stat: bw_stat_walk; bw_softirqs; bw_schedstat with its domains (the dump verb), or the
 * runqueue counters alone, following no pointer (what a compiled query reads); bw_pressure. */
extern const struct bw_sched_walk bw_stat_walk, bw_softirqs_walk, bw_schedstat_walk,
	bw_schedstat_rq_walk, bw_pressure_walk;

int bw_sched_walk_build(const struct bw_kernel *k, const struct bw_sched_walk *wk, void **plan,
			void **out, struct bw_error *err);
/* Either may be NULL. */
void bw_sched_walk_free(const struct bw_kernel *k, const struct bw_sched_walk *wk, void *plan,
			void *out);
/* What a dump verb does: build, read k's memory, free the plan; *out is the result. */
int bw_sched_walk_once(const struct bw_kernel *k, const struct bw_sched_walk *wk, void **out,
		       struct bw_error *err);

#endif
