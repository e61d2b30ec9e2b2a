/* SPDX-License-Identifier: MIT */
/* Built-in walks split into a resolve phase and a read phase (not installed). */
#ifndef BTFWALK_WALKS_IMPL_H
#define BTFWALK_WALKS_IMPL_H

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

#endif
