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
 * per-CPU offsets) with a result struct sized for them; _read fills it (every field reset first)
 * through src, as often as wanted. A plan that finds its walk missing from this kernel (no
 * CONFIG_SCHEDSTATS, no kernel_cpustat) fails with the error the dump verb gives.
 */
struct bw_stat_plan;
int bw_stat_plan_build(const struct bw_kernel *k, struct bw_stat_plan **out, struct bw_stat **st,
		       struct bw_error *err);
int bw_stat_plan_read(const struct bw_stat_plan *p, const struct bw_walk_src *src,
		      struct bw_stat *st, struct bw_error *err);
void bw_stat_plan_free(const struct bw_kernel *k, struct bw_stat_plan *p);

struct bw_softirqs_plan;
int bw_softirqs_plan_build(const struct bw_kernel *k, struct bw_softirqs_plan **out,
			   struct bw_softirqs **s, struct bw_error *err);
int bw_softirqs_plan_read(const struct bw_softirqs_plan *p, const struct bw_walk_src *src,
			  struct bw_softirqs *s, struct bw_error *err);
void bw_softirqs_plan_free(const struct bw_kernel *k, struct bw_softirqs_plan *p);

/* domains false: the runqueue counters alone (no pointer is followed: what a compiled query
 * reads); true: the sched_domain lines too (the dump verb). */
struct bw_schedstat_plan;
int bw_schedstat_plan_build(const struct bw_kernel *k, bool domains, struct bw_schedstat_plan **out,
			    struct bw_schedstat **s, struct bw_error *err);
int bw_schedstat_plan_read(const struct bw_schedstat_plan *p, const struct bw_walk_src *src,
			   struct bw_schedstat *s, struct bw_error *err);
void bw_schedstat_plan_free(const struct bw_kernel *k, struct bw_schedstat_plan *p);

struct bw_pressure_plan;
int bw_pressure_plan_build(const struct bw_kernel *k, struct bw_pressure_plan **out,
			   struct bw_pressure **pr, struct bw_error *err);
int bw_pressure_plan_read(const struct bw_pressure_plan *p, const struct bw_walk_src *src,
			  struct bw_pressure *pr, struct bw_error *err);
void bw_pressure_plan_free(const struct bw_kernel *k, struct bw_pressure_plan *p);

#endif
