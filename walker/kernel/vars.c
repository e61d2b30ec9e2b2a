/* SPDX-License-Identifier: MIT */
/*
 * Types of well-known kernel variables. A kernel's BTF carries VARs only for per-CPU variables
 * (unless pahole encoded global variables too), so "node_data" or "init_uts_ns" would have no
 * type. Their declarations are stable kernel ABI; this table names them, and every type and
 * length is still looked up in the BTF (or VMCOREINFO) of the dumped kernel.
 */
#include <string.h>
#include "internal.h"
#include "kernel/kernel_impl.h"

enum kvar_len {
	KVAR_SCALAR,
	KVAR_LEN_VMCOREINFO, /* LENGTH(name) */
	KVAR_LEN_ENUM,	     /* the value of enumerator len_name */
	KVAR_LEN_CPUS,	     /* nr_cpu_ids */
};

struct kvar_decl {
	const char *name;
	int kind; /* of the base type */
	const char *base;
	bool pointer; /* the element is a pointer to base */
	enum kvar_len len;
	const char *len_name;
};

/* One entry a line, sorted by name (so that additions merge). */
/* clang-format off */
static const struct kvar_decl kvar_decls[] = {
	{"__cpu_online_mask", BW_KIND_STRUCT, "cpumask", false, KVAR_SCALAR, NULL},
	{"__cpu_possible_mask", BW_KIND_STRUCT, "cpumask", false, KVAR_SCALAR, NULL},
	{"__cpu_present_mask", BW_KIND_STRUCT, "cpumask", false, KVAR_SCALAR, NULL},
	{"__num_online_cpus", BW_KIND_TYPEDEF, "atomic_t", false, KVAR_SCALAR, NULL},
	{"__per_cpu_offset", BW_KIND_INT, "long unsigned int", false, KVAR_LEN_CPUS, NULL},
	{"_totalram_pages", BW_KIND_TYPEDEF, "atomic_long_t", false, KVAR_SCALAR, NULL},
	{"init_mm", BW_KIND_STRUCT, "mm_struct", false, KVAR_SCALAR, NULL},
	{"init_nsproxy", BW_KIND_STRUCT, "nsproxy", false, KVAR_SCALAR, NULL},
	{"init_pid_ns", BW_KIND_STRUCT, "pid_namespace", false, KVAR_SCALAR, NULL},
	{"init_task", BW_KIND_STRUCT, "task_struct", false, KVAR_SCALAR, NULL},
	{"init_uts_ns", BW_KIND_STRUCT, "uts_namespace", false, KVAR_SCALAR, NULL},
	{"jiffies_64", BW_KIND_TYPEDEF, "u64", false, KVAR_SCALAR, NULL},
	{"max_pfn", BW_KIND_INT, "long unsigned int", false, KVAR_SCALAR, NULL},
	{"node_data", BW_KIND_STRUCT, "pglist_data", true, KVAR_LEN_VMCOREINFO, "node_data"},
	{"node_online_map", BW_KIND_TYPEDEF, "nodemask_t", false, KVAR_SCALAR, NULL},
	{"node_states", BW_KIND_TYPEDEF, "nodemask_t", false, KVAR_LEN_ENUM, "NR_NODE_STATES"},
	{"nr_cpu_ids", BW_KIND_INT, "unsigned int", false, KVAR_SCALAR, NULL},
	{"nr_node_ids", BW_KIND_INT, "unsigned int", false, KVAR_SCALAR, NULL},
	{"nr_online_nodes", BW_KIND_INT, "unsigned int", false, KVAR_SCALAR, NULL},
	{"page_offset_base", BW_KIND_INT, "long unsigned int", false, KVAR_SCALAR, NULL},
	{"prb", BW_KIND_STRUCT, "printk_ringbuffer", true, KVAR_SCALAR, NULL},
	{"scx_root", BW_KIND_STRUCT, "scx_sched", true, KVAR_SCALAR, NULL},
	{"vm_node_stat", BW_KIND_TYPEDEF, "atomic_long_t", false, KVAR_LEN_ENUM, "NR_VM_NODE_STAT_ITEMS"},
	{"vm_numa_event", BW_KIND_TYPEDEF, "atomic_long_t", false, KVAR_LEN_ENUM, "NR_VM_NUMA_EVENT_ITEMS"},
	{"vm_zone_stat", BW_KIND_TYPEDEF, "atomic_long_t", false, KVAR_LEN_ENUM, "NR_VM_ZONE_STAT_ITEMS"},
};
/* clang-format on */
_Static_assert(sizeof(kvar_decls) / sizeof(kvar_decls[0]) <= BW_KERNEL_MAX_KNOWN_VARS,
	       "raise BW_KERNEL_MAX_KNOWN_VARS");


/* A PTR type to target, as the BTF has one for any pointer the kernel uses. */
static uint32_t kvar_pointer_to(const struct bw_btf *btf, uint32_t target)
{
	uint32_t id, n = bw_btf_type_cnt(btf);

	for (id = 1; id < n; id++) {
		struct bw_type t;

		if (!bw_btf_type(btf, id, &t, NULL) && t.kind == BW_KIND_PTR && t.type == target)
			return id;
	}
	return 0;
}

static uint32_t kvar_length(const struct bw_kernel *k, const struct kvar_decl *d)
{
	struct bw_enumerator e;
	uint64_t len;

	switch (d->len) {
	case KVAR_LEN_VMCOREINFO:
		if (bw_vmcoreinfo_length(k->vi, d->len_name, &len, NULL) || !len ||
		    len > UINT32_MAX)
			return 0;
		return (uint32_t)len;
	case KVAR_LEN_ENUM:
		if (bw_btf_enum_value(k->btf, 0, d->len_name, &e, NULL) || e.value <= 0 ||
		    e.value > UINT32_MAX)
			return 0;
		return (uint32_t)e.value;
	case KVAR_LEN_CPUS:
		return k->nr_cpu_ids;
	case KVAR_SCALAR:
		break;
	}
	return 0;
}

void bw_kernel_vars_init(struct bw_kernel *k)
{
	size_t i;

	k->nr_vars = 0;
	for (i = 0; i < sizeof(kvar_decls) / sizeof(kvar_decls[0]); i++) {
		const struct kvar_decl *d = &kvar_decls[i];
		struct bw_kernel_var *v = &k->vars[k->nr_vars];
		uint32_t id;

		if (k->nr_vars == BW_KERNEL_MAX_KNOWN_VARS)
			break;
		if (bw_btf_find(k->btf, d->base, d->kind, &id, NULL))
			continue;
		if (d->pointer && !(id = kvar_pointer_to(k->btf, id)))
			continue;
		v->name = d->name;
		v->type = id;
		v->array_len = kvar_length(k, d);
		if (d->len != KVAR_SCALAR && !v->array_len)
			continue;
		k->nr_vars++;
	}
}

const struct bw_kernel_var *bw_kernel_var_find(const struct bw_kernel *k, const char *name)
{
	uint32_t i;

	for (i = 0; i < k->nr_vars; i++)
		if (!strcmp(k->vars[i].name, name))
			return &k->vars[i];
	return NULL;
}
