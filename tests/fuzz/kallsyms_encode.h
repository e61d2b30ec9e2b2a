/* SPDX-License-Identifier: MIT */
/* Encode symbols as the kernel's kallsyms tables (one token per character, absolute addresses),
 * for the synthetic kernel image's "no symbol file" path. */
#ifndef FUZZ_KALLSYMS_ENCODE_H
#define FUZZ_KALLSYMS_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ksym {
	const char *name;
	char type; /* 'T', 'D', 'A', ... */
	uint64_t addr;
};

/* Table offsets from the start of the encoded block. */
struct ksym_layout {
	size_t num_syms, names, markers, token_table, token_index, addresses, seqs_of_names;
};

/* Write the tables for syms (sorted by address) into out[0..cap); the size used, 0 if it does
 * not fit. */
size_t kallsyms_encode(const struct ksym *syms, size_t n, uint8_t *out, size_t cap,
		       struct ksym_layout *where);

#endif
