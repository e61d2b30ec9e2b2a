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
 * Caps on what one dump may declare (BW_ELIMIT past them).
 */
#define BW_MEM_MAX_FILES 256	     /* specs given to one bw_mem_open */
#define BW_MEM_MAX_RANGES (1u << 20) /* present ranges (PT_LOADs, raw files, callback ranges) */
#define BW_MEM_MAX_NOTES (1u << 16)  /* ELF notes in one core file */
#define BW_MEM_MAX_CPUS 8192	     /* CPUs with register notes */

/*
 * Open dump files. Each spec is "PATH" (format from content: ELF core when it starts with the ELF
 * magic, else raw with file offset = physical address) or "PATH@PHYSADDR" (raw file whose first
 * byte is at PHYSADDR; hex with 0x or decimal; a suffix after the last '@' that is not a number is
 * part of the path). Files are opened and read with pread(2) as memory is asked for, never mapped
 * and never read whole: opening costs the headers, not the size of the dump, and a file truncated
 * or shrunk while open makes a read BW_EIO naming the path, the file offset and the physical
 * address, never a signal (SIGBUS) in the caller. The descriptors stay open until bw_mem_close.
 * Empty files are BW_EFORMAT. Formats recognized but not read are
 * BW_ENOTSUP rather than raw: kdump-compressed/diskdump, makedumpfile flattened, Windows dumps.
 *
 * ELF cores (QEMU dump-guest-memory, kdump /proc/vmcore): 64-bit little-endian ET_CORE of an
 * x86-64 machine only (BW_ENOTSUP otherwise; the message names the machine, e.g. AArch64). The
 * ELF header, program headers and the notes used are read into buffers the bw_mem owns. Each PT_LOAD gives [p_paddr, p_paddr + p_filesz) backed by the file.
 * When p_filesz < p_memsz the tail [p_filesz, p_memsz) is absent (BW_EFAULT), not zeros: dump
 * filters (makedumpfile) use such tails for pages they dropped, and a dropped page read as zeros
 * would be a silently wrong counter. A PT_LOAD wholly inside another PT_LOAD of the same core is
 * the same memory described twice (kdump's kernel-text segment) and is ignored; any other overlap,
 * within a file or between files, is BW_EFORMAT naming both ranges, as is a core without PT_LOAD.
 * PT_NOTE segments give the VMCOREINFO note (the first one), x86-64 NT_PRSTATUS notes and QEMU's
 * "QEMU" CPU-state notes; other notes are skipped. e_phnum PN_XNUM (count in section header 0)
 * is understood. A program header, note or segment reaching past the end of the file is
 * BW_EFORMAT naming its index or file offset.
 */
int bw_mem_open(const char *const *specs, size_t nspecs, const struct bw_allocator *alloc,
		struct bw_mem **out, struct bw_error *err);

/*
 * A caller-held memory: read(ctx, paddr, buf, len) returns 0, or non-zero when absent. The
 * callback may be called from several threads at once when the bw_mem is shared (see common.h).
 */
typedef int (*bw_mem_read_fn)(void *ctx, uint64_t paddr, void *buf, size_t len);
int bw_mem_open_callback(const struct bw_mem_range *ranges, size_t nranges, bw_mem_read_fn read,
			 void *ctx, const struct bw_allocator *alloc, struct bw_mem **out,
			 struct bw_error *err);

void bw_mem_close(struct bw_mem *mem);

/*
 * Caller-held mappings of guest RAM (zero copy): a harness that is its own VMM, or one that maps
 * a guest's memory-backend-files itself. Each mapping is [start, start + size) of guest physical
 * memory at addr in this process; reads are memcpy from it, so every read sees the guest's
 * current bytes. The caller keeps every mapping valid until bw_mem_close and answers for it: a
 * file-backed mapping whose file shrinks raises SIGBUS in the reading thread (open such files by
 * path with bw_mem_open instead, which reads with pread and turns a short file into an error).
 * Overlapping mappings are BW_EFORMAT; a NULL addr with a non-zero size is BW_EINVAL.
 */
struct bw_mem_mapping {
	uint64_t start; /* guest physical address */
	uint64_t size;	/* bytes */
	const void *addr;
};
int bw_mem_open_mapped(const struct bw_mem_mapping *maps, size_t nmaps,
		       const struct bw_allocator *alloc, struct bw_mem **out, struct bw_error *err);

/*
 * A running QEMU, by its QMP socket (any QEMU: no special memory setup in the VM). Opening
 * connects to the socket (unix stream), reads the greeting, sends qmp_capabilities, asks
 * "info mtree -f" (human-monitor-command) for the RAM ranges of the guest's "memory" address
 * space and "gpa2hva" for where each range starts in QEMU, and takes QEMU's pid from the
 * socket's peer credentials (SO_PEERCRED). Reads then copy from the QEMU process with
 * process_vm_readv(2), batched by bw_mem_readv: every read sees the guest's current bytes,
 * running or paused. The socket stays open (and QEMU accepts one QMP client per -qmp socket at a
 * time, so another client waits until bw_mem_close).
 * Errors: BW_EIO naming the socket (connect, a reply later than BW_QMP_TIMEOUT_MS, a closed
 * connection); BW_EFORMAT for a reply that is not what QMP sends (the replies are hostile input:
 * lines are capped at BW_QMP_MAX_REPLY bytes, ranges at BW_QMP_MAX_RANGES); BW_ENOENT when
 * mtree shows no RAM. The host's refusal to let this process read QEMU's memory comes with the
 * first read, as BW_EIO saying why (EPERM: another user's process, the value of
 * /proc/sys/kernel/yama/ptrace_scope, no CAP_SYS_PTRACE) and which setting allows it; a read
 * after QEMU exited is BW_EGONE. A guest's RAM added or removed after opening is not seen.
 */
#define BW_QMP_MAX_REPLY (1u << 20) /* bytes of one QMP reply line */
#define BW_QMP_MAX_RANGES 256	    /* RAM ranges taken from info mtree -f */
#define BW_QMP_TIMEOUT_MS 10000	    /* per QMP reply */
int bw_mem_open_qemu(const char *qmp_path, const struct bw_allocator *alloc, struct bw_mem **out,
		     struct bw_error *err);

/* Read len bytes at physical address paddr; BW_EFAULT names the first absent address. */
int bw_mem_read(const struct bw_mem *mem, uint64_t paddr, void *buf, size_t len,
		struct bw_error *err);

/*
 * Several reads at once: one process_vm_readv(2) call per BW_MEM_READV_BATCH pieces on a QEMU
 * source, plain reads otherwise. 0 when every read succeeded; else the error of the first that
 * failed (BW_EFAULT naming its address, BW_EGONE when the source went away), and the contents
 * of every buffer are unspecified: read the pieces one by one to tell which failed.
 */
#define BW_MEM_READV_BATCH 1024
struct bw_mem_iov {
	uint64_t paddr;
	void *buf;
	size_t len;
};
int bw_mem_readv(const struct bw_mem *mem, const struct bw_mem_iov *iov, size_t n,
		 struct bw_error *err);

/* The present ranges, sorted by address. Returns the count (stores at most max). */
size_t bw_mem_ranges(const struct bw_mem *mem, struct bw_mem_range *out, size_t max);

/*
 * ELF core notes: the VMCOREINFO note text (NULL, *len 0 when none), a copy owned by mem. A note
 * larger than BW_VMCOREINFO_MAX_SIZE is kept to BW_VMCOREINFO_MAX_SIZE + 1 bytes, enough for
 * bw_vmcoreinfo_parse to refuse it.
 */
const char *bw_mem_vmcoreinfo_note(const struct bw_mem *mem, size_t *len);

/*
 * Per-CPU registers from ELF core notes, CPU i from the i-th NT_PRSTATUS ("CORE") note and the
 * i-th "QEMU" note (QEMUCPUState, which carries CR3/CR4). Returns the count (stores at most max).
 */
struct bw_cpu_regs {
	uint64_t cr3, cr4;
	uint64_t rip, rsp;
	bool has_cr; /* cr3/cr4 are known (a QEMU note) */
	bool has_ip; /* rip/rsp are known (an x86-64 NT_PRSTATUS or QEMU note) */
};
size_t bw_mem_cpu_regs(const struct bw_mem *mem, struct bw_cpu_regs *out, size_t max);

/*
 * Find the kernel's VMCOREINFO text in memory, for dumps without the ELF note (raw images, QEMU
 * dumps of guests without a vmcoreinfo device). The kernel keeps the text in a page of its own
 * (vmcoreinfo_data) that starts with "OSRELEASE=", and a copy behind an ELF note header
 * (vmcoreinfo_note); this checks the first bytes of every present page for either and copies the
 * text (up to its NUL, at most size - 1 bytes) into buf, NUL-terminated. *paddr gets where the text
 * starts. Reads only a few bytes per page, but touches every page: cost is linear in the dump.
 * BW_ENOENT when no page qualifies. Ranges that alias the same file bytes do not multiply the
 * work: after twice as many pages as the distinct bytes present make (plus one per range) the
 * scan stops with BW_ELIMIT.
 */
#define BW_MEM_PAGE_SIZE 4096u
int bw_mem_find_vmcoreinfo(const struct bw_mem *mem, char *buf, size_t size, size_t *len,
			   uint64_t *paddr, struct bw_error *err);

/* ---- VMCOREINFO ---- */

#define BW_VMCOREINFO_MAX_SIZE (1u << 20) /* bytes of text */
#define BW_VMCOREINFO_MAX_KEYS 16384
#define BW_VMCOREINFO_MAX_KEY_LEN 255 /* typed getters never find a longer key ("NUMBER(name)") */

struct bw_vmcoreinfo;

/*
 * Parse "KEY=VALUE\n" lines (the text need not be NUL-terminated; it ends at len or at the first
 * NUL, as the kernel's NUL-padded page does). A trailing '\r' is dropped. Lines without '=' or
 * with an empty key are garbage and skipped, so text found by scanning memory parses too; text
 * with no KEY=VALUE line at all is BW_EFORMAT. When a key repeats, lookups return its first value
 * (the kernel never repeats one); bw_vmcoreinfo_foreach still visits every line. Values are not
 * checked until a typed getter reads them.
 */
int bw_vmcoreinfo_parse(const char *text, size_t len, const struct bw_allocator *alloc,
			struct bw_vmcoreinfo **out, struct bw_error *err);
void bw_vmcoreinfo_free(struct bw_vmcoreinfo *vi);
/*
 * Raw value of a full key ("OSRELEASE", "BUILD-ID", "SYMBOL(node_data)", "OFFSET(zone.vm_stat)");
 * NULL when absent. OSRELEASE and BUILD-ID (hex text) are read this way.
 */
const char *bw_vmcoreinfo_get(const struct bw_vmcoreinfo *vi, const char *key);
/*
 * Typed getters, by the name inside the parentheses: SYMBOL(name) hex (the kernel prints %lx, no
 * 0x; an 0x prefix is accepted), NUMBER(name) signed decimal, OFFSET(name)/SIZE(name)/LENGTH(name)
 * unsigned decimal. BW_ENOENT when the key is absent, BW_EFORMAT when its value is not a number of
 * that form (empty, trailing garbage, out of range).
 */
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
/* KERNELOFFSET (hex, the KASLR offset), PAGESIZE (decimal), CRASHTIME (signed decimal seconds). */
int bw_vmcoreinfo_kerneloffset(const struct bw_vmcoreinfo *vi, uint64_t *out, struct bw_error *err);
int bw_vmcoreinfo_pagesize(const struct bw_vmcoreinfo *vi, uint64_t *out, struct bw_error *err);
int bw_vmcoreinfo_crashtime(const struct bw_vmcoreinfo *vi, int64_t *out, struct bw_error *err);
/* Visit every key/value in text order; stop when fn returns non-zero (returned). */
int bw_vmcoreinfo_foreach(const struct bw_vmcoreinfo *vi,
			  int (*fn)(void *ctx, const char *key, const char *value), void *ctx);

/* ---- Symbols ---- */

#define BW_SYMTAB_MAX_SYMBOLS (1u << 24)
#define BW_SYMTAB_MAX_NAME_LEN 511 /* bytes of a name (the kernel's KSYM_NAME_LEN - 1) */

struct bw_symtab;

struct bw_symbol {
	const char *name;
	const char *module; /* NULL for the kernel itself */
	uint64_t addr;
	char type; /* nm-style: 'T' text, 'D' data, 'b' local bss... */
};

/*
 * Parse System.map or /proc/kallsyms text: "ADDR TYPE NAME" or "ADDR TYPE NAME\t[module]" lines,
 * ADDR hex, fields separated by spaces or tabs; a trailing '\r' and empty lines are allowed. The
 * text ends at len or at a NUL. Any other line is BW_EFORMAT naming its line number (these files
 * are machine-written: a bad line means a wrong file). A file whose addresses are all zero (the
 * kernel's kptr_restrict hid them) is BW_EFORMAT too, as is one with no symbol.
 */
int bw_symtab_parse(const char *text, size_t len, const struct bw_allocator *alloc,
		    struct bw_symtab **out, struct bw_error *err);
void bw_symtab_free(struct bw_symtab *st);
/*
 * Address of name. Names repeat (static symbols, module copies): the kernel's own global symbol
 * (upper-case type) wins, then the kernel's local one, then a module's; among equals the first in
 * file order. BW_ENOENT names the symbol.
 */
int bw_symtab_lookup(const struct bw_symtab *st, const char *name, uint64_t *addr,
		     struct bw_error *err);
size_t bw_symtab_count(const struct bw_symtab *st);
/* The index-th symbol in file (or kallsyms table) order; BW_ENOENT past the end. */
int bw_symtab_get(const struct bw_symtab *st, size_t index, struct bw_symbol *out);

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
#define BW_KALLSYMS_MAX_TOKEN_LEN 255 /* bytes of one token-table string */

/*
 * Decode the tables into a symbol table (kallsyms order, which is address order; types as
 * /proc/kallsyms shows them for the kernel itself). num_syms, names, token_table and token_index
 * are required (BW_ENOENT names the missing one). Addresses come from:
 *  - offsets with relative_base (before Linux 7.0): relative_base + (u32)offset; when any offset
 *    is negative the table is the "absolute per-CPU" form (CONFIG_KALLSYMS_ABSOLUTE_PERCPU of
 *    older x86-64 SMP kernels), where offset >= 0 is an absolute value and offset < 0 means
 *    relative_base - 1 - offset;
 *  - offsets without relative_base (7.0 dropped the symbol): place-relative, the address of
 *    offsets[i] plus the signed offsets[i];
 *  - addresses (kernels without CONFIG_KALLSYMS_BASE_RELATIVE): absolute 8-byte values.
 * markers and seqs_of_names are not needed. Names use the one- or two-byte length prefix (6.1+
 * "big" symbols). BW_EFORMAT for an empty or over-long (> BW_SYMTAB_MAX_NAME_LEN) name, a token
 * without its NUL within BW_KALLSYMS_MAX_TOKEN_LEN, or addresses out of order (what a wrong
 * encoding or garbage gives); BW_EFAULT naming the address when vread fails; BW_ELIMIT past
 * BW_KALLSYMS_MAX_SYMBOLS, or when the names expand to more than 8 times the compressed bytes
 * read (real kernels: under 2), so memory stays a small multiple of the bytes the tables hold.
 */
int bw_kallsyms_load(const struct bw_kallsyms_tables *tables, bw_vread_fn vread, void *ctx,
		     const struct bw_allocator *alloc, struct bw_symtab **out,
		     struct bw_error *err);
/*
 * Open the tables for lookups without decoding them: reads kallsyms_num_syms, the token table
 * and, when seqs_of_names is given, the markers (read from markers and checked against the names
 * when given, else placed by reading every name's length once). Then bw_symtab_lookup is a binary
 * search of seqs_of_names (the kernel's strcmp order: CONFIG_LTO_CLANG kernels sort by names cut
 * at their first '.', so such suffixed names may not be found) that expands about log2(count)
 * names; without seqs_of_names the first lookup decodes every name as bw_kallsyms_load does.
 * bw_symtab_count is kallsyms_num_syms; the first bw_symtab_get decodes every name (its error,
 * e.g. -BW_EFORMAT, is returned by that and every later call). Errors found while answering
 * (a name that does not decode, an out-of-range seqs_of_names entry, vread failing) are returned
 * by the lookup that met them. vread is called with ctx until bw_symtab_free, from the calling
 * thread; lookups, count and get may run in several threads at once if vread may.
 * Errors at open: as bw_kallsyms_load for the parts read, and BW_EFORMAT naming the marker for
 * markers that do not index these names.
 */
int bw_kallsyms_open(const struct bw_kallsyms_tables *tables, bw_vread_fn vread, void *ctx,
		     const struct bw_allocator *alloc, struct bw_symtab **out,
		     struct bw_error *err);

/* ---- Address translation (x86-64) ---- */

/* Reads 8-byte page-table entries from physical memory. */
struct bw_pgtable {
	const struct bw_mem *mem;
	uint64_t root;	  /* physical address of the top-level table (CR3; flag bits ignored) */
	int levels;	  /* 4 or 5 */
	uint64_t me_mask; /* memory-encryption bit(s) to clear from every entry (AMD SME's C-bit,
			   * VMCOREINFO NUMBER(sme_mask)); 0 when memory is not encrypted */
};

/*
 * Translate vaddr; *page_size gets 4 KiB, 2 MiB or 1 GiB. An entry's physical address is its bits
 * 12..51 less me_mask (flags, NX, protection keys and the huge-page PAT bit are ignored).
 * BW_EFAULT when vaddr is not canonical for the paging mode, or when an entry is not present or
 * not in the dump: the message names the level (PML5/PML4/PDPT/PD/PT), the entry's physical
 * address and value, and vaddr. A PS bit in a PML5/PML4 entry (reserved) is BW_EFAULT as well.
 * BW_EINVAL for levels other than 4 and 5. The walk is at most 5 reads deep.
 */
int bw_pgtable_translate(const struct bw_pgtable *pt, uint64_t vaddr, uint64_t *paddr,
			 uint64_t *page_size, struct bw_error *err);

#ifdef __cplusplus
}
#endif
#endif
