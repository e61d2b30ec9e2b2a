/* SPDX-License-Identifier: MIT */
/*
 * btfwalk kernel view: a dump (struct bw_mem) plus the kernel's layout (VMCOREINFO, KASLR offset,
 * phys_base, page tables), its symbols and its BTF, giving typed reads of kernel data, path
 * expressions, and the per-node NUMA event counters. x86-64 kernels only.
 *
 * How bw_kernel_open finds things (a dump alone is enough):
 * - VMCOREINFO: the ELF core's VMCOREINFO note; else the kernel's own copy in memory, found at
 *   the start of a page (vmcoreinfo_data) or 24 bytes in (vmcoreinfo_note), the first copy with
 *   SYMBOL(init_top_pgt). OSRELEASE, KERNELOFFSET, NUMBER(phys_base) are required. Memory
 *   with no VMCOREINFO text at all, or whose text lacks SYMBOL(init_top_pgt) (the kernel
 *   appends it last), is a guest still booting: BW_ENOTREADY, "kernel not ready yet: ...", and
 *   a later open may succeed.
 * - Translation: kernel-image addresses (START_KERNEL_map .. + NUMBER(KERNEL_IMAGE_SIZE))
 *   through phys_base, as the kernel's __pa_symbol(); direct-map addresses through the
 *   page_offset_base variable (KASLR-randomized) up to the end of physical memory; everything
 *   else through a 4- or 5-level (NUMBER(pgtable_l5_enabled), else CR4.LA57 from QEMU notes)
 *   page-table walk from init_top_pgt, opts.cr3, or else the first CPU's CR3 in the notes.
 * - Symbols, first match wins: VMCOREINFO SYMBOL(); opts.symbols_path (System.map: link-time
 *   addresses, detected by comparing a symbol VMCOREINFO also has, and KERNELOFFSET added to
 *   kernel-image addresses; /proc/kallsyms: runtime addresses as they are; any other difference
 *   is BW_EMISMATCH); else the kernel's kallsyms tables in the dump (VMCOREINFO's
 *   SYMBOL(kallsyms_*), Linux 6.0+; searched through kallsyms_seqs_of_names where its place is
 *   confirmed, see bw_kallsyms_open, else decoded whole on the first lookup); per-CPU variables the BTF places in .data..percpu resolve
 *   as __per_cpu_start + offset. Without symbols beyond VMCOREINFO, per-CPU data is unknown
 *   (info reports 0 CPUs) and the NUMA walk says which symbols are missing.
 * - BTF: opts.btf, opts.btf_path, else read out of the dump between __start_BTF and __stop_BTF,
 *   else found by scanning BW_KERNEL_BTF_SCAN bytes of the kernel image from _stext (up to the
 *   first byte absent from the dump). A BTF range or a scanned blob is copied only when as many
 *   distinct bytes of the dump back it as it claims (pages, PT_LOADs or files that alias the
 *   same bytes count once): BW_EFORMAT otherwise, so its size cannot amplify memory.
 * - Cross-check (unless opts.no_crosscheck): every VMCOREINFO OFFSET(s.m), SIZE(s) and
 *   LENGTH(s.m) whose struct/union/typedef the BTF has must equal the BTF's value (names the
 *   BTF lacks are skipped), and init_uts_ns.name.release read through the BTF must equal
 *   OSRELEASE; else BW_EMISMATCH naming the first difference.
 * - Per-CPU: nr_cpu_ids, __cpu_online_mask, __per_cpu_offset[].
 */
#ifndef BTFWALK_KERNEL_H
#define BTFWALK_KERNEL_H

#include "common.h"
#include "btf.h"
#include "mem.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BW_KERNEL_MAX_CHASE 64		 /* pointer dereferences in one expression */
#define BW_KERNEL_MAX_ITER (1u << 20)	 /* elements of one list, tree or xarray walk */
#define BW_KERNEL_MAX_CPUS 8192		 /* nr_cpu_ids cap (x86 MAXSMP): BW_ELIMIT */
#define BW_KERNEL_MAX_SYMFILE (1u << 28) /* bytes of a System.map / kallsyms file */
#define BW_KERNEL_BTF_SCAN (256u << 20)	 /* bytes of the kernel image scanned for BTF */
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
	const char *symbols_path; /* System.map or kallsyms text; NULL: VMCOREINFO+kallsyms */
	uint64_t cr3;		  /* 0: init_top_pgt from VMCOREINFO */
	bool no_crosscheck;	  /* skip the VMCOREINFO OFFSET/SIZE vs BTF comparison */
};

/* Find the kernel in mem. mem must outlive the kernel. */
int bw_kernel_open(const struct bw_mem *mem, const struct bw_kernel_opts *opts,
		   struct bw_kernel **out, struct bw_error *err);
void bw_kernel_close(struct bw_kernel *k);

struct bw_kernel_info {
	const char *release;   /* OSRELEASE */
	const char *build_id;  /* BUILD-ID, NULL if absent */
	uint64_t kaslr_offset; /* KERNELOFFSET */
	uint64_t phys_base;
	uint64_t page_offset_base; /* start of the direct map */
	uint64_t pgtable_root;	   /* physical address of the top-level page table used */
	int paging_levels;	   /* 4 or 5 */
	uint32_t nr_cpus;	   /* possible CPUs with a per-CPU area */
	uint32_t nr_online_cpus;
	const char *btf_source;	       /* "file", "dump", "caller" */
	const char *symbols_source;    /* "file", "kallsyms", "vmcoreinfo" */
	const char *vmcoreinfo_source; /* "note" (ELF core) or "memory" (found by scanning) */
	uint64_t vmcoreinfo_paddr;     /* where the text was found in memory; 0 for "note" */
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
 *   top     := expr | ("sum" | "max" | "min" | "count") "(" expr ")"
 *   expr    := primary { postfix }
 *   primary := symbol [ cpu ] | "(" expr ")" | "*" "(" [ "struct" | "union" ] type "*" ")" N
 *   postfix := "." member | "->" member | "[" N "]" | cpu | "[" iter ":" elem "]"
 *   cpu     := "@cpu" N | "@cpu" "*"
 *   iter    := "list" | "hlist" | "rbtree" | "xarray" | "idr"
 *   elem    := [ "struct" | "union" ] type { "." member { "[" N "]" } }
 *   symbol, member, type := [A-Za-z_][A-Za-z0-9_]*      N := decimal | 0x hex (no sign)
 *   Spaces and tabs may appear between tokens.
 *
 * Meaning, as in C unless said:
 * - symbol: the kernel variable at the symbol's address. Its type is the BTF VAR of that name;
 *   kernels' BTF has VARs only for per-CPU variables, so well-known globals have their declared
 *   types built in (walker/kernel/vars.c: init_task, init_pid_ns, init_uts_ns, node_data, prb,
 *   __per_cpu_offset, nr_cpu_ids, ...), every type and array length still looked up in this
 *   kernel's BTF or VMCOREINFO.
 * - symbol "@cpu" N: CPU N's copy of a per-CPU variable (&sym + __per_cpu_offset[N]). A per-CPU
 *   variable without "@cpu" is an error, and so is "@cpu" on a variable that is not per-CPU.
 * - "@cpu" N after anything else: the operand must be a __percpu pointer (e.g.
 *   zone.per_cpu_zonestats); gives the object it points to in CPU N's area, i.e.
 *   *per_cpu_ptr(p, N). "(runqueues)@cpu1" is therefore an error: write "runqueues@cpu1".
 * - "@cpu*": the same for every CPU below nr_cpu_ids, in order (a fan-out, below).
 * - "*(struct T *)N": the object of type T at kernel virtual address N (an address from a log
 *   or from another read); without "struct"/"union", T is any BTF type of that name (typedef).
 * - "." on a struct/union, "->" on a pointer to one; members of anonymous members are found.
 * - "[N]" on an array is bounds-checked (flexible arrays are not); on a pointer it indexes
 *   through it (*(p + N)).
 * - "[iter: T.m]" walks the container the operand is and gives each element, as the kernel's
 *   container_of(node, T, m) (a fan-out). The operand must be a struct list_head (list),
 *   hlist_head (hlist), rb_root or rb_root_cached (rbtree), xarray (xarray) or idr (idr), and
 *   T.m (a member path, e.g. "task_struct.se.run_node", "task_struct.pid_links[1]") a
 *   list_head, hlist_node or rb_node:
 *   - list: list_for_each_entry order; the head itself is not an element, so
 *     "init_task.tasks[list: struct task_struct.tasks]" gives every process but init_task.
 *   - hlist: from first to NULL. rbtree: in order (rb_first, rb_next).
 *   - xarray, idr: each present entry in index order, a pointer to T (".m": to member m of a
 *     T); the index is the entry's (idr: + idr_base), e.g. the pid in init_pid_ns.idr. NULL,
 *     sibling, retry and zero entries are skipped; a value entry (bit 0 set) is an element error.
 *   Walks check every link back (next->prev, *pprev, rb and xa_node parents), find cycles in
 *   constant memory, and stop at BW_KERNEL_MAX_ITER elements in one walk (BW_ELIMIT).
 * - sum/max/min/count(expr): one number from all the values of expr (scalars, compared and
 *   added as their type's signedness says; count takes any values). Sum overflow is BW_ELIMIT;
 *   max/min of no values is BW_ENOENT. An element error fails the aggregate.
 *
 * Fan-outs ("@cpu*" and "[iter: ...]") make the expression yield one value per element, and
 * nest: "runqueues@cpu*.cfs.tasks_timeline[rbtree: struct task_struct.se.run_node].pid" yields
 * each queued fair task of each CPU. Such an expression is evaluated by bw_kernel_eval_each,
 * which labels each value with the CPU or index at each fan-out.
 *
 * Caps: BW_KERNEL_MAX_CHASE dereferences on the way to each value, BW_KERNEL_MAX_FANOUT
 * fan-outs, BW_KERNEL_MAX_ELEMENTS elements over all walks of one evaluation, 4096 characters,
 * 256 postfix steps, 32 nested parentheses, 127-character names and member paths (BW_ELIMIT).
 * Syntax errors are BW_EINVAL "EXPR: column C: expected ..., found ...". An evaluation error
 * names the expression up to the failing step, the element (label) when in a fan-out, and why,
 * e.g. "node_data[1]->node_zones: reading pointer at 0xffff...: <why>".
 * Evaluation reads only the pointers it follows; the value itself is read by the calls below.
 * e.g. "node_data[1]->node_zones[2].vm_numa_event[0].counter", "runqueues@cpu3.nr_running",
 * "node_data[0]->node_zones[1].per_cpu_zonestats@cpu2.vm_numa_event[4]",
 * "*(struct task_struct *)0xffff8f4fd0192100.comm", "init_uts_ns.name.release",
 * "init_pid_ns.idr[idr: struct pid].numbers[0].nr", "max(runqueues@cpu*.nr_running)".
 */
#define BW_KERNEL_MAX_FANOUT 8		      /* "@cpu*" and "[iter: ...]" in one expression */
#define BW_KERNEL_MAX_ELEMENTS (1u << 22)     /* elements over all walks of one evaluation */

struct bw_value {
	uint32_t type;		/* BTF type id (unresolved); 0 for a computed number */
	uint64_t addr;		/* kernel virtual address of the object */
	uint32_t bit_offset;	/* for bitfields: bits from addr */
	uint32_t bitfield_size; /* 0 when not a bitfield */
	/* Non-zero: an array of array_len objects of type `type` (a kernel variable whose array
	 * type the BTF does not carry, e.g. node_data). */
	uint32_t array_len;
	/* The result of sum/max/min/count: no object (addr 0), the number itself. */
	bool computed;
	bool computed_signed; /* number is an int64_t */
	uint64_t number;
};

/* Single-valued expressions (no fan-out, or an aggregate); a fan-out is BW_EINVAL here. */
int bw_kernel_eval(const struct bw_kernel *k, const char *expr, struct bw_value *out,
		   struct bw_error *err);

enum bw_fanout {
	BW_FANOUT_CPU = 1, /* index: the CPU number */
	BW_FANOUT_LIST,	   /* index: the position, from 0 */
	BW_FANOUT_HLIST,   /* index: the position */
	BW_FANOUT_RBTREE,  /* index: the position in order */
	BW_FANOUT_XARRAY,  /* index: the entry's index */
	BW_FANOUT_IDR,	   /* index: the id (entry index + idr_base) */
};

/* Where a value of a fan-out came from: one level per fan-out passed, outermost first. */
struct bw_value_label {
	uint32_t depth;
	struct {
		int kind;      /* enum bw_fanout */
		uint64_t index;
		uint64_t addr; /* the element (container_of'd entry), or the CPU's copy */
	} level[BW_KERNEL_MAX_FANOUT];
};

/*
 * fn gets each value in order with its label; v is NULL and elem_err set when the steps after a
 * fan-out failed for this element on its data (BW_EFAULT: e.g. a NULL mm of a kernel thread;
 * BW_EFORMAT: e.g. a broken list inside this element): the walk goes on. Any other error (no
 * such member, a type error, a cap) stops the evaluation with that error. fn returns 0 to go
 * on, non-zero to stop (bw_kernel_eval_each then returns 0). A single-valued expression calls
 * fn once with depth 0.
 */
typedef int (*bw_value_fn)(void *ctx, const struct bw_value_label *label,
			   const struct bw_value *v, const struct bw_error *elem_err);
int bw_kernel_eval_each(const struct bw_kernel *k, const char *expr, bw_value_fn fn, void *ctx,
			struct bw_error *err);
/* The label as text, e.g. "cpu2[17]" (CPU 2, element 17 of a walk); "" for depth 0. */
void bw_kernel_label_format(const struct bw_value_label *label, char *buf, size_t len);

/* Read an integer, enum, pointer or bitfield value (sign-extended when signed), or the number
 * of a computed value. */
int bw_kernel_value_u64(const struct bw_kernel *k, const struct bw_value *v, uint64_t *out,
			struct bw_error *err);
/*
 * Print a value as C-like text: integers in decimal (signed as the BTF says), enums as
 * "2 (ZONE_NORMAL)", pointers in hex, char arrays and char pointers as quoted C strings (up to
 * the first NUL, at most BW_KERNEL_PRINT_MAX_STRING bytes, then "..."; \n \t \r \" \\ and
 * three-digit octal escapes; a NULL char pointer as NULL, an unreadable one as its address
 * and "<unreadable: why>"), computed numbers in decimal,
 * other arrays as "[a, b, ...]", structs/unions as "{\n\t.member = value,\n}" with tabs per level.
 * Caps: BW_KERNEL_PRINT_MAX_DEPTH nesting ("{...}" below), BW_KERNEL_PRINT_MAX_ELEMS elements per
 * array, BW_KERNEL_PRINT_MAX_VALUES values in all ("..." then stops). A failure to read the value
 * itself is an error; inside a struct or array it prints "<unreadable: why>" and goes on.
 */
int bw_kernel_value_print(const struct bw_kernel *k, const struct bw_value *v, bw_write_fn write,
			  void *ctx, struct bw_error *err);

/* ---- NUMA event counters (what /sys/devices/system/node/nodeN/numastat shows) ----
 *
 * For each node set in node_states[N_ONLINE] (N_ONLINE from enum node_states; VMCOREINFO's
 * node_online_map when node_states is not a known symbol): node_data[node] ->
 * pglist_data.node_zones[z] for z < __MAX_NR_ZONES (enum zone_type, must equal the array
 * length), summing zone.vm_numa_event[i] (atomic_long_t) over zones, plus, for zones with
 * present_pages != 0 and each online CPU, per_cpu_zonestat.vm_numa_event[i] through
 * zone.per_cpu_zonestats + __per_cpu_offset[cpu]: what node_read_numastat() prints after
 * fold_vm_numa_events() (which folds populated zones of online CPUs only). Items and their names
 * come from enum numa_stat_item and the array length; sysfs names map NUMA_HIT numa_hit,
 * NUMA_MISS numa_miss, NUMA_FOREIGN numa_foreign, NUMA_INTERLEAVE_HIT interleave_hit,
 * NUMA_LOCAL local_node, NUMA_OTHER other_node (an unknown enumerator keeps its enum name).
 * BW_ENOTSUP when the BTF lacks any of these (no CONFIG_NUMA, kernels before 5.14), BW_ENOENT
 * when per-CPU symbols are unknown, BW_ELIMIT past BW_NUMA_MAX_ITEMS counters, 16 zones or 2^20
 * (populated zone, online CPU) pairs in all; nodes numbered BW_NUMA_MAX_NODES and up are not read.
 */

#define BW_NUMA_MAX_ITEMS 16
#define BW_NUMA_MAX_NODES 1024

struct bw_numa_node {
	uint32_t node;
	uint64_t value[BW_NUMA_MAX_ITEMS]; /* zone counters summed, plus unfolded per-CPU deltas */
};

struct bw_numa_stats {
	uint32_t nr_items;			   /* from enum numa_stat_item / array length */
	const char *enum_name[BW_NUMA_MAX_ITEMS];  /* "NUMA_HIT", ... */
	const char *sysfs_name[BW_NUMA_MAX_ITEMS]; /* "numa_hit", ... */
	uint32_t nr_nodes;			   /* online nodes */
	struct bw_numa_node *nodes;
};

int bw_kernel_numa_stats(const struct bw_kernel *k, struct bw_numa_stats **out,
			 struct bw_error *err);
void bw_kernel_numa_stats_free(const struct bw_kernel *k, struct bw_numa_stats *stats);

#ifdef __cplusplus
}
#endif
#endif
