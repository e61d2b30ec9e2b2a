/* SPDX-License-Identifier: MIT */
/*
 * btfwalk kernel view: a dump (struct bw_mem) plus the kernel's layout (VMCOREINFO, KASLR offset,
 * phys_base, page tables), its symbols and its BTF, giving typed reads of kernel data, path
 * expressions, and the per-node NUMA event counters.
 */
#ifndef BTFWALK_KERNEL_H
#define BTFWALK_KERNEL_H

#include "common.h"
#include "btf.h"
#include "mem.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BW_KERNEL_MAX_CHASE 64	      /* pointer dereferences in one expression */
#define BW_KERNEL_MAX_CPUS 8192	      /* nr_cpu_ids above this is BW_ELIMIT (x86 MAXSMP) */
#define BW_KERNEL_MAX_SYMFILE (1u << 28) /* bytes of a System.map / kallsyms file */
#define BW_KERNEL_BTF_SCAN (256u << 20) /* bytes of the kernel image scanned for BTF */
/* Printing caps: nesting, array elements shown, scalars in all, bytes of one string. */
#define BW_KERNEL_PRINT_MAX_DEPTH 8
#define BW_KERNEL_PRINT_MAX_ELEMS 64
#define BW_KERNEL_PRINT_MAX_VALUES 4096
#define BW_KERNEL_PRINT_MAX_STRING 4096

struct bw_kernel;

struct bw_kernel_opts {
	const struct bw_allocator *alloc; /* NULL: libc */
	const char *btf_path;		  /* NULL: the BTF read out of the dump */
	const struct bw_btf *btf;	  /* caller-owned BTF instead of btf_path */
	const char *symbols_path;	  /* System.map or kallsyms text; NULL: VMCOREINFO+kallsyms */
	uint64_t cr3;			  /* 0: init_top_pgt from VMCOREINFO */
	bool no_crosscheck;		  /* skip the VMCOREINFO OFFSET/SIZE vs BTF comparison */
};

/* Find the kernel in mem. mem must outlive the kernel. */
int bw_kernel_open(const struct bw_mem *mem, const struct bw_kernel_opts *opts,
		   struct bw_kernel **out, struct bw_error *err);
void bw_kernel_close(struct bw_kernel *k);

struct bw_kernel_info {
	const char *release;	   /* OSRELEASE */
	const char *build_id;	   /* BUILD-ID, NULL if absent */
	uint64_t kaslr_offset;	   /* KERNELOFFSET */
	uint64_t phys_base;
	uint64_t page_offset_base; /* start of the direct map */
	uint64_t pgtable_root;	   /* physical address of the top-level page table used */
	int paging_levels;	   /* 4 or 5 */
	uint32_t nr_cpus;	   /* possible CPUs with a per-CPU area */
	uint32_t nr_online_cpus;
	const char *btf_source;	    /* "file", "dump", "caller" */
	const char *symbols_source; /* "file", "kallsyms", "vmcoreinfo" */
};
void bw_kernel_get_info(const struct bw_kernel *k, struct bw_kernel_info *info);

const struct bw_btf *bw_kernel_btf(const struct bw_kernel *k);
const struct bw_vmcoreinfo *bw_kernel_vmcoreinfo(const struct bw_kernel *k);

/* Kernel virtual address -> physical (image, direct map, then page-table walk). */
int bw_kernel_vtop(const struct bw_kernel *k, uint64_t vaddr, uint64_t *paddr,
		   struct bw_error *err);
/* Read kernel virtual memory (may span pages). */
int bw_kernel_read(const struct bw_kernel *k, uint64_t vaddr, void *buf, size_t len,
		   struct bw_error *err);
int bw_kernel_symbol(const struct bw_kernel *k, const char *name, uint64_t *addr,
		     struct bw_error *err);
/* __per_cpu_offset[cpu]. */
int bw_kernel_percpu_offset(const struct bw_kernel *k, uint32_t cpu, uint64_t *offset,
			    struct bw_error *err);

/* ---- Path expressions ----
 *
 *   expr    := primary { "." member | "->" member | "[" N "]" }
 *   primary := symbol | "(" expr ")" | symbol "@cpu" N        (per-CPU variable of CPU N)
 *
 * e.g. "node_data[1]->node_zones[2].vm_numa_event[0]", "runqueues@cpu3.nr_running",
 * "init_uts_ns.name.release". A symbol's type comes from its BTF VAR. "[N]" on a pointer indexes
 * through it. See the README for the full grammar.
 */
struct bw_value {
	uint32_t type;	       /* BTF type id (unresolved) */
	uint64_t addr;	       /* kernel virtual address of the object */
	uint32_t bit_offset;   /* for bitfields: bits from addr */
	uint32_t bitfield_size; /* 0 when not a bitfield */
	uint32_t array_len;	/* non-zero: an array of array_len objects of type `type` (a kernel
				   variable whose array type the BTF does not carry, e.g. node_data) */
};
int bw_kernel_eval(const struct bw_kernel *k, const char *expr, struct bw_value *out,
		   struct bw_error *err);
/* Read an integer, enum, pointer or bitfield value (sign-extended when signed). */
int bw_kernel_value_u64(const struct bw_kernel *k, const struct bw_value *v, uint64_t *out,
			struct bw_error *err);
/* Print a value as C-like text: scalars, char arrays as strings, structs with member names. */
int bw_kernel_value_print(const struct bw_kernel *k, const struct bw_value *v, bw_write_fn write,
			  void *ctx, struct bw_error *err);

/* ---- NUMA event counters (what /sys/devices/system/node/nodeN/numastat shows) ---- */

#define BW_NUMA_MAX_ITEMS 16
#define BW_NUMA_MAX_NODES 1024

struct bw_numa_node {
	uint32_t node;
	uint64_t value[BW_NUMA_MAX_ITEMS]; /* zone counters summed, plus unfolded per-CPU deltas */
};

struct bw_numa_stats {
	uint32_t nr_items;			       /* from enum numa_stat_item / array length */
	const char *enum_name[BW_NUMA_MAX_ITEMS];      /* "NUMA_HIT", ... */
	const char *sysfs_name[BW_NUMA_MAX_ITEMS];     /* "numa_hit", ... */
	uint32_t nr_nodes;			       /* online nodes */
	struct bw_numa_node *nodes;
};

int bw_kernel_numa_stats(const struct bw_kernel *k, struct bw_numa_stats **out,
			 struct bw_error *err);
void bw_kernel_numa_stats_free(const struct bw_kernel *k, struct bw_numa_stats *stats);

#ifdef __cplusplus
}
#endif
#endif
