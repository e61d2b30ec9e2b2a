/* SPDX-License-Identifier: MIT */
/*
 * btfwalk memory sources and kernel-layout parsers: guest physical memory from dump files or a
 * caller's callback, the VMCOREINFO text, symbol files, the kernel's kallsyms tables, and x86-64
 * page-table translation. Every input here is treated as hostile: reads are bounds-checked and a
 * read of absent memory is BW_EFAULT naming the address, never zeros.
 */
#ifndef BTFWALK_MEM_H
#define BTFWALK_MEM_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Physical memory ---- */

struct bw_mem;

struct bw_mem_range {
	uint64_t start; /* physical address */
	uint64_t size;	/* bytes */
};

/*
 * Open dump files. Each spec is "PATH" (format from content: ELF core, else raw with file offset =
 * physical address) or "PATH@PHYSADDR" (raw file whose first byte is at PHYSADDR; hex with 0x or
 * decimal). Files are mapped, never read whole. Overlapping ranges are BW_EFORMAT.
 */
int bw_mem_open(const char *const *specs, size_t nspecs, const struct bw_allocator *alloc,
		struct bw_mem **out, struct bw_error *err);

/* A caller-held memory: read(ctx, paddr, buf, len) returns 0, or non-zero when absent. */
typedef int (*bw_mem_read_fn)(void *ctx, uint64_t paddr, void *buf, size_t len);
int bw_mem_open_callback(const struct bw_mem_range *ranges, size_t nranges, bw_mem_read_fn read,
			 void *ctx, const struct bw_allocator *alloc, struct bw_mem **out,
			 struct bw_error *err);

void bw_mem_close(struct bw_mem *mem);

/* Read len bytes at physical address paddr; BW_EFAULT names the first absent address. */
int bw_mem_read(const struct bw_mem *mem, uint64_t paddr, void *buf, size_t len,
		struct bw_error *err);

/* The present ranges, sorted by address. Returns the count (stores at most max). */
size_t bw_mem_ranges(const struct bw_mem *mem, struct bw_mem_range *out, size_t max);

/* ELF core notes: the VMCOREINFO note text (NULL, *len 0 when none). */
const char *bw_mem_vmcoreinfo_note(const struct bw_mem *mem, size_t *len);

/* Per-CPU registers from ELF core notes (QEMU's "QEMU" notes carry CR3/CR4). */
struct bw_cpu_regs {
	uint64_t cr3, cr4;
	uint64_t rip, rsp;
	bool has_cr; /* cr3/cr4 are known */
};
size_t bw_mem_cpu_regs(const struct bw_mem *mem, struct bw_cpu_regs *out, size_t max);

/* ---- VMCOREINFO ---- */

#define BW_VMCOREINFO_MAX_SIZE (1u << 20) /* bytes of text */
#define BW_VMCOREINFO_MAX_KEYS 16384

struct bw_vmcoreinfo;

/* Parse "KEY=VALUE\n" lines (the text need not be NUL-terminated). */
int bw_vmcoreinfo_parse(const char *text, size_t len, const struct bw_allocator *alloc,
			struct bw_vmcoreinfo **out, struct bw_error *err);
void bw_vmcoreinfo_free(struct bw_vmcoreinfo *vi);
/* Raw value of a full key ("OSRELEASE", "SYMBOL(node_data)", "OFFSET(zone.vm_stat)"); NULL. */
const char *bw_vmcoreinfo_get(const struct bw_vmcoreinfo *vi, const char *key);
/* Typed getters: SYMBOL(name) hex, NUMBER(name) decimal, OFFSET(name)/SIZE(name)/LENGTH(name)
 * decimal, KERNELOFFSET hex. */
int bw_vmcoreinfo_symbol(const struct bw_vmcoreinfo *vi, const char *name, uint64_t *out,
			 struct bw_error *err);
int bw_vmcoreinfo_number(const struct bw_vmcoreinfo *vi, const char *name, int64_t *out,
			 struct bw_error *err);
int bw_vmcoreinfo_offset(const struct bw_vmcoreinfo *vi, const char *name, uint64_t *out,
			 struct bw_error *err);
int bw_vmcoreinfo_size(const struct bw_vmcoreinfo *vi, const char *name, uint64_t *out,
		       struct bw_error *err);
int bw_vmcoreinfo_length(const struct bw_vmcoreinfo *vi, const char *name, uint64_t *out,
			 struct bw_error *err);
/* Visit every key/value in text order; stop when fn returns non-zero. */
int bw_vmcoreinfo_foreach(const struct bw_vmcoreinfo *vi,
			  int (*fn)(void *ctx, const char *key, const char *value), void *ctx);

/* ---- Symbols ---- */

#define BW_SYMTAB_MAX_SYMBOLS (1u << 24)

struct bw_symtab;

/* Parse System.map or /proc/kallsyms text: "ADDR TYPE NAME [module]" lines. */
int bw_symtab_parse(const char *text, size_t len, const struct bw_allocator *alloc,
		    struct bw_symtab **out, struct bw_error *err);
void bw_symtab_free(struct bw_symtab *st);
int bw_symtab_lookup(const struct bw_symtab *st, const char *name, uint64_t *addr,
		     struct bw_error *err);
size_t bw_symtab_count(const struct bw_symtab *st);

/* ---- The kernel's own kallsyms tables ---- */

/* Reads kernel virtual memory; returns 0 or non-zero when absent. */
typedef int (*bw_vread_fn)(void *ctx, uint64_t vaddr, void *buf, size_t len);

/* Where the tables are (kernel virtual addresses, as VMCOREINFO's SYMBOL() entries give them,
 * KASLR offset already applied); 0 for a table the kernel does not have. */
struct bw_kallsyms_tables {
	uint64_t num_syms, names, token_table, token_index, markers;
	uint64_t offsets, relative_base, addresses, seqs_of_names;
};

#define BW_KALLSYMS_MAX_SYMBOLS (1u << 22)

/* Decode the tables (both the pre-7.0 encoding and the one 7.0 introduced) into a symbol table. */
int bw_kallsyms_load(const struct bw_kallsyms_tables *tables, bw_vread_fn vread, void *ctx,
		     const struct bw_allocator *alloc, struct bw_symtab **out,
		     struct bw_error *err);

/* ---- Address translation (x86-64) ---- */

/* Reads 8-byte page-table entries from physical memory; returns 0 or non-zero when absent. */
struct bw_pgtable {
	const struct bw_mem *mem;
	uint64_t root;	/* physical address of the top-level table (CR3 without flag bits) */
	int levels;	/* 4 or 5 */
};

/* Translate vaddr; *page_size gets 4 KiB, 2 MiB or 1 GiB. BW_EFAULT names the level and entry. */
int bw_pgtable_translate(const struct bw_pgtable *pt, uint64_t vaddr, uint64_t *paddr,
			 uint64_t *page_size, struct bw_error *err);

#ifdef __cplusplus
}
#endif
#endif
