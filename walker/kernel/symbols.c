/* SPDX-License-Identifier: MIT */
/*
 * Kernel symbols: VMCOREINFO's SYMBOL() entries first, then a System.map / kallsyms file when
 * given, else the kernel's own kallsyms tables decoded from the dump; per-CPU variables the BTF
 * places in .data..percpu resolve through __per_cpu_start as a last resort.
 */
#include <string.h>
#include "internal.h"
#include "kernel/kernel_impl.h"
#include "mem/mem_impl.h"

/* Symbols VMCOREINFO always carries, to tell a link-time System.map from runtime addresses. */
static const char *const ksym_anchors[] = {"_stext", "init_uts_ns", "init_top_pgt", "node_data"};

/*
 * System.map holds link-time addresses, /proc/kallsyms runtime ones: compare an address both
 * the file and VMCOREINFO give; the difference must be 0 or the KASLR offset.
 */
static int ksym_file_delta(struct bw_kernel *k, const char *path, struct bw_error *err)
{
	size_t i;

	for (i = 0; i < sizeof(ksym_anchors) / sizeof(ksym_anchors[0]); i++) {
		uint64_t vi_addr, file_addr;

		if (bw_vmcoreinfo_symbol(k->vi, ksym_anchors[i], &vi_addr, NULL) ||
		    bw_symtab_lookup(k->symtab, ksym_anchors[i], &file_addr, NULL))
			continue;
		if (vi_addr == file_addr) {
			k->symtab_delta = 0;
			return 0;
		}
		if (vi_addr - file_addr == k->kaslr_offset) {
			k->symtab_delta = k->kaslr_offset;
			return 0;
		}
		return bw_fail(err, BW_EMISMATCH,
			       "symbols file %s does not belong to the dumped kernel: %s is 0x%llx "
			       "there and 0x%llx in VMCOREINFO (KERNELOFFSET 0x%llx)",
			       path, ksym_anchors[i], (unsigned long long)file_addr,
			       (unsigned long long)vi_addr, (unsigned long long)k->kaslr_offset);
	}
	/* Nothing to compare with: assume a System.map, the usual file. */
	k->symtab_delta = k->kaslr_offset;
	return 0;
}

static int ksym_vread(void *ctx, uint64_t vaddr, void *buf, size_t len)
{
	return bw_kernel_read(ctx, vaddr, buf, len, NULL);
}

/*
 * Opened tables that answer every anchor VMCOREINFO also gives with VMCOREINFO's address (and
 * at least one): the markers and seqs_of_names used are the kernel's. 1 when they do not.
 */
static int ksym_open_checked(struct bw_kernel *k, const struct bw_kallsyms_tables *t,
			     struct bw_error *err)
{
	size_t i, agree = 0;
	int ret;

	ret = bw_kallsyms_open(t, ksym_vread, k, k->alloc, &k->symtab, err);
	if (ret || !t->seqs_of_names)
		return ret;
	for (i = 0; i < sizeof(ksym_anchors) / sizeof(ksym_anchors[0]); i++) {
		uint64_t vi_addr, addr;

		if (bw_vmcoreinfo_symbol(k->vi, ksym_anchors[i], &vi_addr, NULL))
			continue;
		if (bw_symtab_lookup(k->symtab, ksym_anchors[i], &addr, NULL) || addr != vi_addr)
			break;
		agree++;
	}
	if (agree && i == sizeof(ksym_anchors) / sizeof(ksym_anchors[0]))
		return 0;
	bw_symtab_free(k->symtab);
	k->symtab = NULL;
	return 1;
}

/*
 * VMCOREINFO does not name kallsyms_markers and kallsyms_seqs_of_names; scripts/kallsyms lays
 * them out next to the tables it does name, in one of two orders:
 *  - names, markers, token_table, token_index, offsets, [relative_base,] seqs_of_names (6.2+):
 *    the markers end at token_table, seqs_of_names follows what ends last;
 *  - names, markers, seqs_of_names, token_table... (6.1 stable): seqs_of_names ends at
 *    token_table, the markers at seqs_of_names.
 * Each table starts 8-aligned, except in 7.x (seqs_of_names right after the offsets). Each guess is kept only if ksym_open_checked agrees; none: the
 * tables are used without them (decoded whole on the first lookup).
 */
static int ksym_open_guessing(struct bw_kernel *k, struct bw_kallsyms_tables *t,
			      struct bw_error *err)
{
	uint64_t seqs[3], n, m, last_end;
	uint8_t raw[4];
	size_t i, pad;

	if (bw_kernel_read(k, t->num_syms, raw, 4, NULL))
		return bw_kallsyms_open(t, ksym_vread, k, k->alloc, &k->symtab, err);
	n = bw_le32(raw);
	m = (n + 255) / 256;
	last_end = t->relative_base ? t->relative_base + 8 : t->offsets + 4 * n;
	seqs[0] = last_end; /* 7.x: tables no longer aligned */
	seqs[1] = (last_end + 7) & ~7ull;
	seqs[2] = (t->token_table - 3 * n) & ~7ull;
	for (i = 0; i < 3; i++) {
		uint64_t markers_end = i < 2 ? t->token_table : seqs[2];

		for (pad = 0; pad <= 4; pad += 4) {
			t->seqs_of_names = seqs[i];
			t->markers = markers_end - pad - 4 * m;
			if (!ksym_open_checked(k, t, NULL))
				return 0;
		}
	}
	t->seqs_of_names = t->markers = 0;
	return bw_kallsyms_open(t, ksym_vread, k, k->alloc, &k->symtab, err);
}

/* The kallsyms tables VMCOREINFO points at (Linux 6.0 and later with CONFIG_KALLSYMS). */
static int ksym_from_dump(struct bw_kernel *k, struct bw_error *err)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{"kallsyms_num_syms", offsetof(struct bw_kallsyms_tables, num_syms)},
		{"kallsyms_names", offsetof(struct bw_kallsyms_tables, names)},
		{"kallsyms_token_table", offsetof(struct bw_kallsyms_tables, token_table)},
		{"kallsyms_token_index", offsetof(struct bw_kallsyms_tables, token_index)},
		{"kallsyms_markers", offsetof(struct bw_kallsyms_tables, markers)},
		{"kallsyms_offsets", offsetof(struct bw_kallsyms_tables, offsets)},
		{"kallsyms_relative_base", offsetof(struct bw_kallsyms_tables, relative_base)},
		{"kallsyms_addresses", offsetof(struct bw_kallsyms_tables, addresses)},
		{"kallsyms_seqs_of_names", offsetof(struct bw_kallsyms_tables, seqs_of_names)},
	};
	struct bw_kallsyms_tables t;
	size_t i;
	int ret;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		uint64_t addr = 0;

		bw_vmcoreinfo_symbol(k->vi, fields[i].name, &addr, NULL);
		memcpy((char *)&t + fields[i].off, &addr, sizeof(addr));
	}
	if (!t.num_syms || !t.names || !t.token_table || !t.token_index)
		return 1; /* not there: not an error */
	if (!t.markers && !t.seqs_of_names && t.offsets)
		return ksym_open_guessing(k, &t, err);
	ret = ksym_open_checked(k, &t, err);
	if (ret > 0) { /* named, yet not the kernel's order: use them unsorted */
		t.seqs_of_names = 0;
		ret = bw_kallsyms_open(&t, ksym_vread, k, k->alloc, &k->symtab, err);
	}
	return ret;
}

int bw_kernel_symbols_load(struct bw_kernel *k, const char *path, struct bw_error *err)
{
	int ret;

	if (path) {
		uint8_t *text = NULL;
		size_t len = 0;

		ret = bw_read_all(k->alloc, path, BW_KERNEL_MAX_SYMFILE, BW_KERNEL_MAX_SYMFILE,
				  &text, &len, err);
		if (ret)
			return ret;
		ret = bw_symtab_parse((const char *)text, len, k->alloc, &k->symtab, err);
		bw_free(k->alloc, text);
		if (ret)
			return ret;
		k->symbols_source = "file";
		return ksym_file_delta(k, path, err);
	}
	/* A dump whose kallsyms tables are damaged still opens: VMCOREINFO's symbols remain. */
	ret = ksym_from_dump(k, err);
	if (ret < 0) {
		memcpy(k->kallsyms_error, err->msg, sizeof(k->kallsyms_error));
		k->symtab = NULL;
	}
	k->symbols_source = ret == 0 ? "kallsyms" : "vmcoreinfo";
	return 0;
}

bool bw_kernel_symbol_quiet(const struct bw_kernel *k, const char *name, uint64_t *addr)
{
	struct bw_secinfo si;
	uint64_t base;

	if (!bw_vmcoreinfo_symbol(k->vi, name, addr, NULL))
		return true;
	if (k->symtab && !bw_symtab_lookup(k->symtab, name, addr, NULL)) {
		/* Only image addresses move with KASLR (not zero-based per-CPU symbols). */
		if (*addr >= BW_X86_START_KERNEL_MAP)
			*addr += k->symtab_delta;
		return true;
	}
	if (k->btf && strcmp(name, "__per_cpu_start") &&
	    !bw_btf_datasec_var(k->btf, ".data..percpu", name, &si, NULL) &&
	    bw_kernel_symbol_quiet(k, "__per_cpu_start", &base)) {
		*addr = base + si.offset;
		return true;
	}
	return false;
}

int bw_kernel_symbol(const struct bw_kernel *k, const char *name, uint64_t *addr,
		     struct bw_error *err)
{
	if (!name)
		return bw_fail(err, BW_EINVAL, "symbol name is NULL");
	if (bw_kernel_symbol_quiet(k, name, addr))
		return 0;
	if (k->symtab)
		return bw_fail(err, BW_ENOENT, "symbol '%s' not found in VMCOREINFO or %s", name,
			       !strcmp(k->symbols_source, "file") ? "the symbols file"
								  : "the kernel's kallsyms");
	if (k->kallsyms_error[0])
		return bw_fail(
			err, BW_ENOENT,
			"symbol '%s' not found: VMCOREINFO has no SYMBOL(%s) and the kernel's "
			"kallsyms tables did not decode (%s); give --symbols",
			name, name, k->kallsyms_error);
	return bw_fail(
		err, BW_ENOENT,
		"symbol '%s' not found: VMCOREINFO has no SYMBOL(%s) and no kallsyms tables; "
		"give a System.map or /proc/kallsyms file (--symbols)",
		name, name);
}
