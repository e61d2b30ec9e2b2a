/* SPDX-License-Identifier: MIT */
/* What every fuzz target shares: an assertion that counts as a crash, text sinks, and an
 * allocator that counts live blocks and bytes against a budget and can fail on a chosen call. */
#ifndef FUZZ_SUPPORT_H
#define FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include "btfwalk.h"

/* A broken promise of the API is a finding: print it and abort so libFuzzer saves the input. */
#define FUZZ_ASSERT(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fuzz_fail(__FILE__, __LINE__, #cond);                                      \
	} while (0)

/* A call that must succeed: on failure, print what the library said. */
#define FUZZ_ASSERT_OK(call, errp)                                                                 \
	do {                                                                                       \
		if ((call) != 0)                                                                   \
			fuzz_fail_err(__FILE__, __LINE__, #call, errp);                            \
	} while (0)

_Noreturn void fuzz_fail(const char *file, int line, const char *what);
_Noreturn void fuzz_fail_err(const char *file, int line, const char *what,
			     const struct bw_error *err);

/* A failed call must say why: a negative BW_E* code that matches err and a non-empty message. */
void fuzz_check_error(int rc, const struct bw_error *err);

/* Sink that accepts everything (checks the text is what len says). */
int fuzz_null_sink(void *ctx, const char *text, size_t len);

/* Sink (ctx: struct fuzz_stop) that asks the writer to stop once `left` bytes have come, and
 * treats any call after that as a broken promise. */
struct fuzz_stop {
	size_t left;
	bool stopped;
};
int fuzz_stop_sink(void *ctx, const char *text, size_t len);

struct fuzz_alloc {
	struct bw_allocator a;
	size_t calls;	/* malloc + realloc calls so far */
	size_t fail_at; /* 1-based call that returns NULL; 0: never */
	size_t live;	/* blocks not yet freed */
	size_t bytes;	/* bytes held now (usable sizes) */
	size_t budget;	/* more than this held at once is a finding */
};

/*
 * The library's memory budget for an input of input_len bytes: FUZZ_MEM_BASE plus
 * FUZZ_MEM_PER_BYTE per input byte, held at once through this allocator (README, "Hostile
 * input"). Going past it aborts with the numbers, so libFuzzer saves the input as a finding.
 */
#define FUZZ_MEM_BASE (16u << 20)
#define FUZZ_MEM_PER_BYTE 16u
void fuzz_alloc_init(struct fuzz_alloc *fa, size_t fail_at, size_t input_len);

/* FNV-1a of the input: picks deterministic variations (alignment, failing call) per input. */
uint32_t fuzz_hash(const uint8_t *data, size_t len);

#endif
