/* SPDX-License-Identifier: MIT */
/* Building a symbol table symbol by symbol, and one answered from the kernel's kallsyms tables
 * (for the kallsyms decoder; not installed). */
#ifndef BTFWALK_SYMTAB_IMPL_H
#define BTFWALK_SYMTAB_IMPL_H

#include "btfwalk/mem.h"

int bw_symtab_new(const struct bw_allocator *alloc, struct bw_symtab **out, struct bw_error *err);
/* name and module (NULL for the kernel) need not be NUL-terminated. */
int bw_symtab_add(struct bw_symtab *st, const char *name, size_t len, char type, uint64_t addr,
		  const char *module, size_t module_len, struct bw_error *err);
/* Build the name index once every symbol is in. */
int bw_symtab_index(struct bw_symtab *st, struct bw_error *err);

/* kallsyms.c: the kernel's tables, opened (tokens, markers read) but not decoded. */
struct bw_kallsyms;

#define BW_KALLSYMS_MAX_EXPANSION 8 /* expanded bytes per compressed byte, over all names */

/* Decode every symbol into a new indexed table (what bw_kallsyms_load returns). */
int bw_kallsyms_decode(const struct bw_kallsyms *ks, const struct bw_allocator *alloc,
		       struct bw_symtab **out, struct bw_error *err);
uint32_t bw_kallsyms_count(const struct bw_kallsyms *ks);
/* Has kallsyms_seqs_of_names and markers: bw_kallsyms_lookup can answer. */
bool bw_kallsyms_sorted(const struct bw_kallsyms *ks);
int bw_kallsyms_lookup(const struct bw_kallsyms *ks, const char *name, uint64_t *addr,
		       struct bw_error *err);
void bw_kallsyms_free(struct bw_kallsyms *ks, const struct bw_allocator *alloc);

/* symtab.c: a table answered from ks (owned from then on, also when this fails). */
int bw_symtab_new_kallsyms(const struct bw_allocator *alloc, struct bw_kallsyms *ks,
			   struct bw_symtab **out, struct bw_error *err);

#endif
