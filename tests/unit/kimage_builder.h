/* SPDX-License-Identifier: MIT */
/*
 * Test helper: lays out a synthetic x86-64 kernel in a buffer of "physical memory": a BTF blob
 * written type by type, page tables (4- or 5-level, 4 KiB / 2 MiB pages), VMCOREINFO text, and
 * typed objects placed at kernel virtual addresses. Tests expect exactly the values they wrote.
 * No library calls here (this file is linked into every unit test binary).
 */
#ifndef KIMAGE_BUILDER_H
#define KIMAGE_BUILDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* ---- BTF writer ---- */
struct kb_btf {
	unsigned char types[1 << 16];
	size_t tlen;
	char strs[1 << 14];
	size_t slen;
	uint32_t nr; /* last type id */
};

void kb_btf_init(struct kb_btf *b);
uint32_t kb_btf_int(struct kb_btf *b, const char *name, uint32_t size, uint32_t encoding);
uint32_t kb_btf_ptr(struct kb_btf *b, uint32_t target);
uint32_t kb_btf_array(struct kb_btf *b, uint32_t elem, uint32_t index_type, uint32_t n);
uint32_t kb_btf_typedef(struct kb_btf *b, const char *name, uint32_t type);
/* STRUCT/UNION header; follow with exactly vlen kb_btf_member() calls. */
uint32_t kb_btf_struct(struct kb_btf *b, const char *name, uint32_t size, uint32_t vlen,
		       bool is_union);
void kb_btf_member(struct kb_btf *b, const char *name, uint32_t type, uint32_t bit_offset,
		   uint32_t bitfield_size);
/* ENUM header (4 bytes); follow with exactly vlen kb_btf_enumerator() calls. */
uint32_t kb_btf_enum(struct kb_btf *b, const char *name, uint32_t vlen);
void kb_btf_enumerator(struct kb_btf *b, const char *name, int32_t value);
uint32_t kb_btf_var(struct kb_btf *b, const char *name, uint32_t type);
/* DATASEC header; follow with vlen kb_btf_secinfo() calls. */
uint32_t kb_btf_datasec(struct kb_btf *b, const char *name, uint32_t size, uint32_t vlen);
void kb_btf_secinfo(struct kb_btf *b, uint32_t var, uint32_t offset, uint32_t size);
/* The whole blob (header, types, strings) into out; returns its size. */
size_t kb_btf_finish(const struct kb_btf *b, unsigned char *out, size_t max);

/* ---- Physical memory with page tables ---- */
struct kb_mem {
	unsigned char *ram; /* physical 0 .. size */
	uint64_t size;
	uint64_t next_table; /* bump allocator for page-table pages */
	uint64_t tables_end;
	uint64_t root;
	int levels;
	uint64_t hole_start, hole_size; /* a physical range reported absent */
};

/* ram of size bytes; page tables are allocated from [tables, tables_end). */
int kb_mem_init(struct kb_mem *m, uint64_t size, int levels, uint64_t tables, uint64_t tables_end);
void kb_mem_free(struct kb_mem *m);
/* Map [vaddr, vaddr+len) to paddr with pages of page_size (4 KiB or 2 MiB). */
int kb_map(struct kb_mem *m, uint64_t vaddr, uint64_t paddr, uint64_t len, uint64_t page_size);
/* bw_mem_read_fn for bw_mem_open_callback. */
int kb_mem_read(void *ctx, uint64_t paddr, void *buf, size_t len);
void kb_put(struct kb_mem *m, uint64_t paddr, const void *data, size_t len);
void kb_put_u64(struct kb_mem *m, uint64_t paddr, uint64_t v);
void kb_put_u32(struct kb_mem *m, uint64_t paddr, uint32_t v);

/* ---- A small kernel laid out with all of the above (see kimage_builder.c) ---- */
#define KB_NR_CPUS 3   /* nr_cpu_ids; CPU 1 is offline */
#define KB_NR_ZONES 4  /* __MAX_NR_ZONES */
#define KB_NR_ITEMS 6  /* NR_VM_NUMA_EVENT_ITEMS */
#define KB_MAX_NODES 3 /* nodes 0 and 2 online, 1 offline */
#define KB_RELEASE "6.99.0-btfwalk-test"
#define KB_KASLR 0x2600000ull
#define KB_PHYS_BASE 0x600000ull
#define KB_PAGE_OFFSET 0xffff9a4b40000000ull
#define KB_IMAGE_VADDR (0xffffffff81000000ull + KB_KASLR)

/* The printk ring (prb -> printk_rb_static): the builder writes its geometry and array
 * pointers; tests write head/tail ids (at these offsets of the ring) and the records. */
#define KB_PRB_COUNT_BITS 3 /* 8 descriptors */
#define KB_PRB_DATA_BITS 8  /* 256 bytes of text */
#define KB_PRB_DESC_SIZE 24 /* state_var, text_blk_lpos.begin, .next */
#define KB_PRB_INFO_SIZE                                                                           \
	88 /* seq 0, ts_nsec 8, text_len 16, facility 18, flags:5 level:3 19,
			       caller_id 20, dev_info.subsystem 24, dev_info.device 40 */
#define KB_PRB_HEAD_ID 24
#define KB_PRB_TAIL_ID 32

/* Tasks and run queues: struct task_struct and struct rq in this layout; the builder places
 * init_task (zeroed) in the image and runqueues (zeroed) in each CPU's per-CPU area at
 * KB_PCPU_RQ; tests write the tasks, lists and trees. list_head: next 0, prev 8; rb_node:
 * __rb_parent_color 0, rb_right 8, rb_left 16; rb_root_cached: rb_node 0, rb_leftmost 8;
 * signal_struct.thread_head 8; cfs_rq.tasks_timeline 8; sched_entity: run_node 0, my_q 24. */
#define KB_TASK_SIZE 256
#define KB_TASK_CPU 8 /* thread_info.cpu */
#define KB_TASK_STATE 16
#define KB_TASK_FLAGS 20
#define KB_TASK_EXIT_STATE 24
#define KB_TASK_PID 28
#define KB_TASK_TGID 32
#define KB_TASK_PARENT 40
#define KB_TASK_SIGNAL 48
#define KB_TASK_TASKS 56
#define KB_TASK_THREAD_NODE 72
#define KB_TASK_COMM 88
#define KB_TASK_SE 104
#define KB_RQ_SIZE 48
#define KB_RQ_CURR 8
#define KB_RQ_IDLE 16
#define KB_RQ_CFS 24
#define KB_PCPU_RQ 0x200

struct kb_kernel_opts {
	int levels;		    /* 4 or 5 */
	bool bad_size_zone;	    /* VMCOREINFO SIZE(zone) off by 8 */
	bool bad_release;	    /* init_uts_ns.name.release differs from OSRELEASE */
	bool symbols_in_vmcoreinfo; /* every symbol as SYMBOL(); else only the usual ones */
	bool no_numa_events;	    /* struct zone without vm_numa_event (as before 5.14) */
	bool unmapped_kallsyms;	    /* SYMBOL(kallsyms_*) point at unmapped addresses */
	/* For tests of other walks: more BTF types after the builder's, and more symbols (in
	 * System.map, and in VMCOREINFO with symbols_in_vmcoreinfo). */
	void (*extra_btf)(struct kb_btf *b, void *ctx);
	bool own_runqueues; /* the test's extra_btf and symbols give struct rq and runqueues */
	void *extra_ctx;
	const char *const *extra_sym_names;
	const uint64_t *extra_sym_addrs;
	size_t nr_extra_syms; /* at most KB_MAX_EXTRA_SYMS */
	int xa_chunk_shift;	    /* xa_node.slots has 1 << this entries (0: 64) */
};

/* Memory the builder leaves to tests: physical [KB_FREE_PA, +16 MiB) (direct-mapped at
 * KB_PAGE_OFFSET + pa), and per-CPU offsets from KB_PCPU_FREE up to 0x100000 in every CPU's
 * area (at physical KB_PCPU_AREA_PA(cpu)). */
#define KB_MAX_EXTRA_SYMS 16
#define KB_FREE_PA 0x2000000ull
#define KB_PCPU_FREE 0x4000ull
#define KB_PCPU_AREA_PA(cpu) (0x1000000ull + (uint64_t)(cpu)*0x100000)

struct kb_kernel {
	struct kb_mem mem;
	char system_map[4096]; /* System.map text with link-time addresses */
	char vmcoreinfo[4096];
	/* Values written, for tests to expect. */
	uint64_t zone_event[KB_MAX_NODES][KB_NR_ZONES][KB_NR_ITEMS];
	uint64_t pcp_event[KB_MAX_NODES][KB_NR_ZONES][KB_NR_CPUS][KB_NR_ITEMS];
	bool zone_populated[KB_NR_ZONES];
	uint64_t per_cpu_offset[KB_NR_CPUS];
	uint64_t node_data_addr, pgdat_addr[KB_MAX_NODES];
	uint64_t pcpu_var_off; /* per-CPU variable bw_test_pcpu */
	uint32_t pcpu_nr_running[KB_NR_CPUS];
	uint64_t vmalloc_obj;	  /* a struct reachable only through 4 KiB page-table entries */
	uint64_t btf_pa, btf_len; /* where the BTF blob is */
	uint64_t pgtables_pa;	  /* first byte of the page tables (after the BTF) */
	uint64_t prb_ring_pa, prb_descs_pa, prb_infos_pa, prb_data_pa;
	uint64_t init_task, init_task_pa;
	uint64_t containers_addr, containers_pa; /* bw_test_containers (kimage_iter.h) */
};

int kb_kernel_build(struct kb_kernel *kk, const struct kb_kernel_opts *o);
void kb_kernel_free(struct kb_kernel *kk);
/* What sysfs would print for node/item: zone sums plus online CPUs' deltas of populated zones. */
uint64_t kb_kernel_expected(const struct kb_kernel *kk, uint32_t node, uint32_t item);

#endif
