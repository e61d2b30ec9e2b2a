/* SPDX-License-Identifier: MIT */
/* The kernel view's internals: shared by walker/kernel/, and used by expr/ and walks/ (not installed). */
#ifndef BTFWALK_KERNEL_IMPL_H
#define BTFWALK_KERNEL_IMPL_H

#include "btfwalk/kernel.h"
#include "internal.h"

/* x86-64 layout constants the kernel does not publish in VMCOREINFO or BTF. */
#define BW_X86_START_KERNEL_MAP 0xffffffff80000000ull
#define BW_X86_KERNEL_IMAGE_SIZE_DEFAULT (1ull << 30) /* with CONFIG_RANDOMIZE_BASE */
#define BW_X86_PAGE_SIZE 4096ull

/* A kernel variable whose type the BTF does not carry (no VAR): see vars.c. */
struct bw_kernel_var {
	const char *name;
	uint32_t type;	    /* element type when array_len != 0, else the variable's type */
	uint32_t array_len; /* 0: not an array */
};

#define BW_KERNEL_MAX_KNOWN_VARS 32

struct bw_kernel {
	const struct bw_allocator *alloc;
	const struct bw_mem *mem;

	char *vmcoreinfo_text; /* owned copy when found by scanning memory */
	struct bw_vmcoreinfo *vi;
	uint64_t vmcoreinfo_paddr; /* 0: from the ELF note */
	const char *release;
	const char *build_id;

	uint64_t kaslr_offset;
	uint64_t phys_base;
	uint64_t image_size; /* of the kernel-image mapping at BW_X86_START_KERNEL_MAP */
	uint64_t page_offset_base;
	uint64_t direct_map_size;
	struct bw_pgtable pgtable;

	struct bw_symtab *symtab;
	uint64_t symtab_delta; /* added to image-range addresses of a System.map */
	const char *symbols_source;
	char kallsyms_error[BW_ERRMSG_MAX]; /* why the dump's kallsyms tables did not decode */

	const struct bw_btf *btf;
	struct bw_btf *owned_btf;
	void *btf_data; /* BTF bytes read out of the dump */
	const char *btf_source;

	uint32_t nr_cpu_ids;
	uint32_t nr_online_cpus;
	uint64_t per_cpu_offset_addr; /* &__per_cpu_offset[0]; 0 when unknown */

	struct bw_kernel_var vars[BW_KERNEL_MAX_KNOWN_VARS];
	uint32_t nr_vars;
};

/* read.c: bootstrap translation before page tables are known */
int bw_kernel_image_pa(const struct bw_kernel *k, uint64_t vaddr, uint64_t *paddr);

/* symbols.c */
int bw_kernel_symbols_load(struct bw_kernel *k, const char *path, struct bw_error *err);
/* A symbol if any source has it; false otherwise (no error text). */
bool bw_kernel_symbol_quiet(const struct bw_kernel *k, const char *name, uint64_t *addr);

/* btf.c */
int bw_kernel_btf_load(struct bw_kernel *k, const struct bw_kernel_opts *opts,
		       struct bw_error *err);

/* crosscheck.c */
int bw_kernel_crosscheck(const struct bw_kernel *k, struct bw_error *err);

/* percpu.c: nr_cpu_ids, online CPUs, __per_cpu_offset */
int bw_kernel_percpu_init(struct bw_kernel *k, struct bw_error *err);
/* 0 when per-CPU data can be read (nr_cpu_ids and __per_cpu_offset known); else BW_ENOENT
 * saying why, for the walks that need it. */
int bw_kernel_need_percpu(const struct bw_kernel *k, struct bw_error *err);
/* Bit cpu of __cpu_online_mask. */
int bw_kernel_cpu_online(const struct bw_kernel *k, uint32_t cpu, bool *online,
			 struct bw_error *err);

/* vars.c */
void bw_kernel_vars_init(struct bw_kernel *k);
const struct bw_kernel_var *bw_kernel_var_find(const struct bw_kernel *k, const char *name);

/* read.c: typed helpers */
/* Prefix err->msg (err must not be NULL and must hold an error) with "FMT: "; returns -code. */
int bw_kernel_prefix(struct bw_error *err, const char *fmt, ...) BW_PRINTF(2, 3);
int bw_kernel_read_uint(const struct bw_kernel *k, uint64_t vaddr, uint64_t size, uint64_t *out,
			struct bw_error *err);
/* Find a named type of kind (STRUCT, UNION, ENUM or TYPEDEF) and resolve it. */
int bw_kernel_type_named(const struct bw_kernel *k, const char *name, int kind, uint32_t *id,
			 struct bw_error *err);

#endif
