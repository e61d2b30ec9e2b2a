/* SPDX-License-Identifier: MIT */
/* Ask an opened kernel view what a caller would: info, symbols, per-CPU offsets, reads, path
 * expressions with their values printed, and the NUMA counters. */
#ifndef FUZZ_KERNEL_QUERIES_H
#define FUZZ_KERNEL_QUERIES_H

#include "btfwalk.h"

/* Evaluate expr; on success read and print the value. Returns what bw_kernel_eval returned. */
int fuzz_eval(const struct bw_kernel *k, const char *expr);

void fuzz_query_kernel(const struct bw_kernel *k);

#endif
