/* SPDX-License-Identifier: MIT */
/* Building a symbol table symbol by symbol (for the kallsyms decoder; not installed). */
#ifndef BTFWALK_SYMTAB_IMPL_H
#define BTFWALK_SYMTAB_IMPL_H

#include "btfwalk/mem.h"

int bw_symtab_new(const struct bw_allocator *alloc, struct bw_symtab **out, struct bw_error *err);
/* name and module (NULL for the kernel) need not be NUL-terminated. */
int bw_symtab_add(struct bw_symtab *st, const char *name, size_t len, char type, uint64_t addr,
		  const char *module, size_t module_len, struct bw_error *err);
/* Build the name index once every symbol is in. */
int bw_symtab_index(struct bw_symtab *st, struct bw_error *err);

#endif
