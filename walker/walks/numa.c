/* SPDX-License-Identifier: MIT */
/*
 * Per-node NUMA event counters, as /sys/devices/system/node/nodeN/numastat prints them:
 * node_read_numastat() folds every online CPU's per-CPU deltas of populated zones into the zone
 * counters, then sums the node's zones. Here the same sum is taken without folding: for each
 * online node, zone.vm_numa_event[i] over all zones, plus per_cpu_zonestat.vm_numa_event[i] of
 * every online CPU for populated zones. Every offset, size, count and name comes from the BTF.
 */
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "walks/walks_impl.h"

struct numa_layout {
	uint64_t nodemask_addr; /* the online-node bitmap */
	uint32_t nodemask_bits;
	uint64_t node_data_addr;
	uint32_t node_data_len;
	uint64_t node_zones_off, zone_size;
	uint32_t nr_zones;
	uint64_t event_off, event_size; /* zone.vm_numa_event and its element size */
	uint64_t present_off;		/* zone.present_pages; UINT64_MAX when absent */
	uint64_t pcp_off;		/* zone.per_cpu_zonestats */
	uint64_t pcp_event_off, pcp_event_size;
	uint32_t nr_items;
	uint64_t *cpu_off; /* __per_cpu_offset[] of the online CPUs */
	uint32_t *cpu_id;  /* their numbers */
	uint32_t nr_cpus;
};

#define NUMA_MAX_ZONES 16
#define NUMA_MAX_WORK (1u << 20)

static const struct {
	const char *enum_name, *sysfs_name;
} numa_sysfs_names[] = {
	{"NUMA_HIT", "numa_hit"},	  {"NUMA_MISS", "numa_miss"},
	{"NUMA_FOREIGN", "numa_foreign"}, {"NUMA_INTERLEAVE_HIT", "interleave_hit"},
	{"NUMA_LOCAL", "local_node"},	  {"NUMA_OTHER", "other_node"},
};

static int numa_notsup(struct bw_error *err, const char *what)
{
	return bw_fail(err, BW_ENOTSUP,
		       "no NUMA event counters in this kernel: %s (CONFIG_NUMA off or a kernel "
		       "before 5.14?)",
		       what);
}

/* Offset and resolved type of a member path of struct sname. */
static int numa_member(const struct bw_kernel *k, const char *sname, const char *path,
		       struct bw_member_loc *loc, uint32_t *rtype, struct bw_error *err)
{
	uint32_t id;
	char what[128];

	if (bw_kernel_type_named(k, sname, BW_KIND_STRUCT, &id, NULL) ||
	    bw_btf_path(k->btf, id, path, loc, NULL) ||
	    bw_btf_resolve(k->btf, loc->type, rtype, NULL)) {
		snprintf(what, sizeof(what), "no %s.%s in the BTF", sname, path);
		return numa_notsup(err, what);
	}
	return 0;
}

/* An array member: offset, element count and element size. */
static int numa_array_member(const struct bw_kernel *k, const char *sname, const char *path,
			     uint64_t *off, uint32_t *nelems, uint64_t *elem_size,
			     struct bw_error *err)
{
	struct bw_member_loc loc;
	struct bw_array arr;
	uint32_t rtype;
	int ret = numa_member(k, sname, path, &loc, &rtype, err);

	if (ret)
		return ret;
	if (bw_btf_array(k->btf, rtype, &arr, NULL) || !arr.nelems ||
	    bw_btf_sizeof(k->btf, arr.type, elem_size, NULL)) {
		char what[128];

		snprintf(what, sizeof(what), "%s.%s is not a sized array", sname, path);
		return numa_notsup(err, what);
	}
	*off = loc.byte_offset;
	*nelems = arr.nelems;
	return 0;
}

static int numa_enum_value(const struct bw_kernel *k, const char *ename, const char *name,
			   int64_t *value, struct bw_error *err)
{
	struct bw_enumerator e;
	uint32_t id;

	if (bw_btf_find(k->btf, ename, BW_KIND_ENUM, &id, NULL) &&
	    bw_btf_find(k->btf, ename, BW_KIND_ENUM64, &id, NULL)) {
		char what[128];

		snprintf(what, sizeof(what), "no enum %s in the BTF", ename);
		return numa_notsup(err, what);
	}
	if (bw_btf_enum_value(k->btf, id, name, &e, NULL)) {
		char what[128];

		snprintf(what, sizeof(what), "enum %s has no %s", ename, name);
		return numa_notsup(err, what);
	}
	*value = e.value;
	return 0;
}

static int numa_nodemask(const struct bw_kernel *k, struct numa_layout *l, struct bw_error *err)
{
	uint64_t states, mask_size;
	int64_t n_online;
	uint32_t id;
	int ret;

	if (bw_kernel_type_named(k, "nodemask_t", BW_KIND_TYPEDEF, &id, NULL) ||
	    bw_btf_sizeof(k->btf, id, &mask_size, NULL) || !mask_size || mask_size % 8)
		return numa_notsup(err, "no nodemask_t in the BTF");
	l->nodemask_bits =
		mask_size * 8 > BW_NUMA_MAX_NODES ? BW_NUMA_MAX_NODES : (uint32_t)(mask_size * 8);
	if (bw_kernel_symbol_quiet(k, "node_states", &states)) {
		ret = numa_enum_value(k, "node_states", "N_ONLINE", &n_online, err);
		if (ret)
			return ret;
		if (n_online < 0 || n_online > 64)
			return bw_fail(err, BW_EFORMAT, "enum node_states N_ONLINE is %lld",
				       (long long)n_online);
		l->nodemask_addr = states + (uint64_t)n_online * mask_size;
		return 0;
	}
	/* VMCOREINFO's node_online_map is &node_states[N_ONLINE]. */
	return bw_kernel_symbol(k, "node_online_map", &l->nodemask_addr, err);
}

static int numa_layout_init(const struct bw_kernel *k, struct numa_layout *l, struct bw_error *err)
{
	struct bw_member_loc loc;
	uint32_t rtype, zones_len, pcp_items, id;
	uint64_t len, elem;
	int64_t max_zones;
	int ret;

	memset(l, 0, sizeof(*l));
	ret = numa_nodemask(k, l, err);
	if (ret)
		return ret;
	if (!bw_kernel_symbol_quiet(k, "node_data", &l->node_data_addr))
		return numa_notsup(err, "no symbol node_data");
	l->node_data_len = l->nodemask_bits;
	if (!bw_vmcoreinfo_length(k->vi, "node_data", &len, NULL) && len < l->node_data_len)
		l->node_data_len = (uint32_t)len;

	ret = numa_array_member(k, "pglist_data", "node_zones", &l->node_zones_off, &zones_len,
				&l->zone_size, err);
	if (ret)
		return ret;
	ret = numa_enum_value(k, "zone_type", "__MAX_NR_ZONES", &max_zones, err);
	if (ret)
		return ret;
	if (zones_len > NUMA_MAX_ZONES)
		return bw_fail(err, BW_ELIMIT, "pglist_data.node_zones has %u zones (cap %u)",
			       zones_len, NUMA_MAX_ZONES);
	if (max_zones <= 0 || (uint64_t)max_zones != zones_len)
		return bw_fail(err, BW_EFORMAT,
			       "enum zone_type __MAX_NR_ZONES is %lld but pglist_data.node_zones "
			       "has %u elements",
			       (long long)max_zones, zones_len);
	l->nr_zones = zones_len;

	ret = numa_array_member(k, "zone", "vm_numa_event", &l->event_off, &l->nr_items,
				&l->event_size, err);
	if (ret)
		return ret;
	if (l->nr_items > BW_NUMA_MAX_ITEMS || l->event_size > 8)
		return bw_fail(err, BW_ELIMIT, "zone.vm_numa_event has %u elements of %llu bytes",
			       l->nr_items, (unsigned long long)l->event_size);
	ret = numa_array_member(k, "per_cpu_zonestat", "vm_numa_event", &l->pcp_event_off,
				&pcp_items, &l->pcp_event_size, err);
	if (ret)
		return ret;
	if (pcp_items != l->nr_items || l->pcp_event_size > 8)
		return bw_fail(err, BW_EFORMAT,
			       "per_cpu_zonestat.vm_numa_event has %u elements, zone's has %u",
			       pcp_items, l->nr_items);
	ret = numa_member(k, "zone", "per_cpu_zonestats", &loc, &rtype, err);
	if (ret)
		return ret;
	l->pcp_off = loc.byte_offset;
	l->present_off = UINT64_MAX;
	if (!bw_kernel_type_named(k, "zone", BW_KIND_STRUCT, &id, NULL) &&
	    !bw_btf_path(k->btf, id, "present_pages", &loc, NULL) &&
	    !bw_btf_sizeof(k->btf, loc.type, &elem, NULL) && elem == 8)
		l->present_off = loc.byte_offset;
	return 0;
}

static void numa_names(const struct bw_kernel *k, struct bw_numa_stats *st)
{
	uint32_t id, i, j;

	if (bw_btf_find(k->btf, "numa_stat_item", BW_KIND_ENUM, &id, NULL))
		id = 0;
	for (i = 0; i < st->nr_items; i++) {
		const char *name = id ? bw_btf_enum_name(k->btf, id, (int64_t)i) : NULL;

		st->enum_name[i] = name ? name : "?";
		st->sysfs_name[i] = NULL;
		for (j = 0; name && j < sizeof(numa_sysfs_names) / sizeof(numa_sysfs_names[0]); j++)
			if (!strcmp(name, numa_sysfs_names[j].enum_name))
				st->sysfs_name[i] = numa_sysfs_names[j].sysfs_name;
		if (!st->sysfs_name[i])
			st->sysfs_name[i] = st->enum_name[i];
	}
}

/* Room for one more piece. */
static int numa_piece(const struct bw_kernel *k, struct bw_numa_plan *plan, size_t *cap,
		      uint64_t vaddr, uint32_t node, uint64_t item_size, uint32_t zone,
		      uint32_t cpu, struct bw_error *err)
{
	/* A crafted dump could repeat one node and zone many times: bound the work. */
	if (plan->npieces >= NUMA_MAX_WORK)
		return bw_fail(err, BW_ELIMIT, "more than %u (zone, CPU) pairs to sum",
			       NUMA_MAX_WORK);
	if (plan->npieces == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct bw_numa_piece *p;

		p = bw_realloc(k->alloc, plan->pieces, ncap * sizeof(*p));
		if (!p)
			return bw_fail(err, BW_ENOMEM, "out of memory");
		plan->pieces = p;
		*cap = ncap;
	}
	plan->pieces[plan->npieces++] =
		(struct bw_numa_piece){vaddr, node, (uint32_t)item_size, zone, cpu};
	return 0;
}

/* The unfolded per-CPU counters of one zone. */
static int numa_zone_percpu(const struct bw_kernel *k, struct numa_layout *l,
			    struct bw_numa_plan *plan, size_t *cap, uint64_t zone, uint32_t node,
			    uint32_t z, struct bw_error *err)
{
	uint64_t present = 1, pcp;
	uint32_t c;
	int ret;

	/* Only populated zones are folded (for_each_populated_zone in fold_vm_numa_events);
	 * the others share boot_zonestats, whose early-boot counts sysfs never shows. */
	if (l->present_off != UINT64_MAX) {
		ret = bw_kernel_read_uint(k, zone + l->present_off, 8, &present, err);
		if (ret)
			return ret;
	}
	ret = bw_kernel_read_uint(k, zone + l->pcp_off, 8, &pcp, err);
	if (ret || !present || !pcp)
		return ret;
	for (c = 0; c < l->nr_cpus && !ret; c++)
		ret = numa_piece(k, plan, cap, pcp + l->cpu_off[c] + l->pcp_event_off, node,
				 l->pcp_event_size, z, l->cpu_id[c], err);
	return ret;
}

/* __per_cpu_offset[] of every online CPU, read once. */
static int numa_online_cpus(const struct bw_kernel *k, struct numa_layout *l, struct bw_error *err)
{
	uint32_t cpu;
	int ret;

	l->cpu_off = bw_alloc_array(k->alloc, k->nr_cpu_ids, sizeof(*l->cpu_off));
	l->cpu_id = bw_alloc_array(k->alloc, k->nr_cpu_ids, sizeof(*l->cpu_id));
	if (!l->cpu_off || !l->cpu_id)
		return bw_fail(err, BW_ENOMEM, "out of memory");
	for (cpu = 0; cpu < k->nr_cpu_ids; cpu++) {
		bool online;

		ret = bw_kernel_cpu_online(k, cpu, &online, err);
		if (!ret && online)
			ret = bw_kernel_percpu_offset(k, cpu, &l->cpu_off[l->nr_cpus], err);
		if (!ret && online)
			l->cpu_id[l->nr_cpus++] = cpu;
		if (ret)
			return ret;
	}
	return 0;
}

static int numa_node(const struct bw_kernel *k, struct numa_layout *l, uint32_t node,
		     struct bw_numa_plan *plan, size_t *cap, struct bw_error *err)
{
	uint32_t idx = plan->nr_nodes, z;
	uint64_t pgdat, zone;
	int ret;

	if (node >= l->node_data_len)
		return bw_fail(err, BW_EFORMAT, "online node %u beyond node_data[%u]", node,
			       l->node_data_len);
	ret = bw_kernel_read_uint(k, l->node_data_addr + (uint64_t)node * 8, 8, &pgdat, err);
	if (ret)
		return bw_kernel_prefix(err, "node_data[%u]", node);
	if (!pgdat)
		return bw_fail(err, BW_EFORMAT, "node_data[%u] is NULL for an online node", node);
	plan->node_ids[plan->nr_nodes++] = node;
	for (z = 0; z < l->nr_zones; z++) {
		zone = pgdat + l->node_zones_off + (uint64_t)z * l->zone_size;
		ret = numa_piece(k, plan, cap, zone + l->event_off, idx, l->event_size, z,
				 UINT32_MAX, err);
		if (!ret)
			ret = numa_zone_percpu(k, l, plan, cap, zone, idx, z, err);
		if (ret)
			return bw_kernel_prefix(err, "node_data[%u]->node_zones[%u]", node, z);
	}
	return 0;
}

static int numa_plan_nodes(const struct bw_kernel *k, struct numa_layout *l,
			   struct bw_numa_plan *plan, struct bw_error *err)
{
	uint64_t word = 0;
	size_t cap = 0;
	uint32_t node;
	int ret = 0;

	plan->node_ids = bw_alloc_array(k->alloc, l->nodemask_bits, sizeof(*plan->node_ids));
	if (!plan->node_ids)
		return bw_fail(err, BW_ENOMEM, "out of memory");
	for (node = 0; node < l->nodemask_bits && !ret; node++) {
		if (node % 64 == 0) {
			ret = bw_kernel_read_uint(k, l->nodemask_addr + node / 8, 8, &word, err);
			if (ret)
				break;
		}
		if ((word >> (node % 64)) & 1)
			ret = numa_node(k, l, node, plan, &cap, err);
	}
	return ret;
}

int bw_numa_plan_build(const struct bw_kernel *k, struct bw_numa_plan *plan, struct bw_error *err)
{
	struct numa_layout l;
	struct bw_numa_stats names;
	int ret;

	memset(plan, 0, sizeof(*plan));
	ret = numa_layout_init(k, &l, err);
	if (ret)
		return ret;
	if (bw_kernel_need_percpu(k, err))
		return bw_kernel_prefix(err, "cannot add the per-CPU deltas");
	ret = numa_online_cpus(k, &l, err);
	if (!ret)
		ret = numa_plan_nodes(k, &l, plan, err);
	bw_free(k->alloc, l.cpu_off);
	bw_free(k->alloc, l.cpu_id);
	if (ret) {
		bw_numa_plan_free(k, plan);
		return ret;
	}
	plan->nr_items = names.nr_items = l.nr_items;
	numa_names(k, &names);
	memcpy(plan->enum_name, names.enum_name, sizeof(names.enum_name));
	memcpy(plan->sysfs_name, names.sysfs_name, sizeof(names.sysfs_name));
	return 0;
}

void bw_numa_plan_free(const struct bw_kernel *k, struct bw_numa_plan *plan)
{
	bw_free(k->alloc, plan->node_ids);
	bw_free(k->alloc, plan->pieces);
	memset(plan, 0, sizeof(*plan));
}

void bw_numa_piece_add(const struct bw_numa_plan *plan, const struct bw_numa_piece *p,
		       const uint8_t *buf, uint64_t *value)
{
	uint32_t i, b;

	for (i = 0; i < plan->nr_items; i++) {
		uint64_t v = 0;

		for (b = p->item_size; b-- > 0;)
			v = v << 8 | buf[i * p->item_size + b];
		value[i] += v;
	}
}

int bw_numa_piece_error(const struct bw_numa_plan *plan, const struct bw_numa_piece *p,
			struct bw_error *err)
{
	if (p->cpu == UINT32_MAX)
		return bw_kernel_prefix(err, "node_data[%u]->node_zones[%u].vm_numa_event",
					plan->node_ids[p->node], p->zone);
	return bw_kernel_prefix(
		err, "node_data[%u]->node_zones[%u].per_cpu_zonestats@cpu%u.vm_numa_event",
		plan->node_ids[p->node], p->zone, p->cpu);
}

int bw_kernel_numa_stats(const struct bw_kernel *k, struct bw_numa_stats **out,
			 struct bw_error *err)
{
	uint8_t buf[BW_NUMA_MAX_ITEMS * 8];
	struct bw_error local;
	struct bw_numa_plan plan;
	struct bw_numa_stats *st;
	size_t i;
	int ret;

	if (!err)
		err = &local;
	if (!k || !out)
		return bw_fail(err, BW_EINVAL, "bw_kernel_numa_stats: k and out must not be NULL");
	*out = NULL;
	ret = bw_numa_plan_build(k, &plan, err);
	if (ret)
		return ret;
	st = bw_zalloc(k->alloc, sizeof(*st));
	if (st)
		st->nodes = bw_alloc_array(k->alloc, plan.nr_nodes ? plan.nr_nodes : 1,
					   sizeof(*st->nodes));
	if (!st || !st->nodes) {
		bw_numa_plan_free(k, &plan);
		bw_kernel_numa_stats_free(k, st);
		return bw_fail(err, BW_ENOMEM, "out of memory");
	}
	st->nr_items = plan.nr_items;
	memcpy(st->enum_name, plan.enum_name, sizeof(st->enum_name));
	memcpy(st->sysfs_name, plan.sysfs_name, sizeof(st->sysfs_name));
	st->nr_nodes = plan.nr_nodes;
	memset(st->nodes, 0, plan.nr_nodes * sizeof(*st->nodes));
	for (i = 0; i < plan.nr_nodes; i++)
		st->nodes[i].node = plan.node_ids[i];
	for (i = 0; i < plan.npieces && !ret; i++) {
		const struct bw_numa_piece *p = &plan.pieces[i];

		ret = bw_kernel_read(k, p->vaddr, buf, plan.nr_items * p->item_size, err);
		if (ret)
			bw_numa_piece_error(&plan, p, err);
		else
			bw_numa_piece_add(&plan, p, buf, st->nodes[p->node].value);
	}
	bw_numa_plan_free(k, &plan);
	if (ret) {
		bw_kernel_numa_stats_free(k, st);
		return ret;
	}
	*out = st;
	return 0;
}

void bw_kernel_numa_stats_free(const struct bw_kernel *k, struct bw_numa_stats *stats)
{
	if (!stats)
		return;
	bw_free(k->alloc, stats->nodes);
	bw_free(k->alloc, stats);
}

#undef NUMA_MAX_ZONES
#undef NUMA_MAX_WORK
