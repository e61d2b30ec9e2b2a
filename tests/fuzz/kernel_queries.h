/* SPDX-License-Identifier: MIT */
/* Ask an opened kernel view what a caller would: info, symbols, per-CPU offsets, reads, path
 * expressions with their values printed, and every built-in walk: numa, stat, softirqs,
 * schedstat, pressure, domains, scx, dmesg (whole and followed), ps and runq. */
#ifndef FUZZ_KERNEL_QUERIES_H
#define FUZZ_KERNEL_QUERIES_H

#include "btfwalk.h"

/* Evaluate expr; on success read and print the value. Returns what bw_kernel_eval returned. */
int fuzz_eval(const struct bw_kernel *k, const char *expr);

void fuzz_query_kernel(const struct bw_kernel *k);
/* The built-in walks, each a query that checks what it gets (fuzz_query_kernel ends with all). */
typedef void (*fuzz_walk_fn)(const struct bw_kernel *k);
extern const fuzz_walk_fn fuzz_walks[];
extern const size_t fuzz_nr_walks;

/* Open the kernel in mem; query it when it opens, else check the error says why. */
void fuzz_open_and_query(const struct bw_mem *mem, const struct bw_kernel_opts *opts);

#endif
