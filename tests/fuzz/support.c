/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include "support.h"

void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: API contract broken: %s\n", file, line, what);
	abort();
}

void fuzz_fail_err(const char *file, int line, const char *what, const struct bw_error *err)
{
	fprintf(stderr, "%s:%d: API contract broken: %s failed: %s: %s\n", file, line, what,
		bw_strerror(err->code), err->msg);
	abort();
}

void fuzz_check_error(int rc, const struct bw_error *err)
{
	FUZZ_ASSERT(rc < 0);
	FUZZ_ASSERT(err->code == -rc);
	FUZZ_ASSERT(err->msg[0] != '\0');
	FUZZ_ASSERT(memchr(err->msg, '\0', sizeof(err->msg)) != NULL);
}

int fuzz_null_sink(void *ctx, const char *text, size_t len)
{
	volatile char last = 0;

	(void)ctx;
	/* Touch every byte so ASan sees a bad (text, len) pair. */
	for (size_t i = 0; i < len; i++)
		last ^= text[i];
	(void)last;
	return 0;
}

int fuzz_stop_sink(void *ctx, const char *text, size_t len)
{
	struct fuzz_stop *stop = ctx;

	FUZZ_ASSERT(!stop->stopped);
	fuzz_null_sink(NULL, text, len);
	if (len >= stop->left) {
		stop->stopped = true;
		return 1;
	}
	stop->left -= len;
	return 0;
}

static int fuzz_alloc_should_fail(struct fuzz_alloc *fa)
{
	fa->calls++;
	return fa->fail_at && fa->calls == fa->fail_at;
}

/* Count a block in; past the budget is a finding. */
static void fuzz_alloc_hold(struct fuzz_alloc *fa, void *p)
{
	fa->bytes += malloc_usable_size(p);
	if (fa->bytes > fa->budget) {
		fprintf(stderr, "memory budget: %zu bytes held, budget %zu\n", fa->bytes,
			fa->budget);
		fuzz_fail(__FILE__, __LINE__,
			  "bytes held <= FUZZ_MEM_BASE + FUZZ_MEM_PER_BYTE * input");
	}
}

static void *fuzz_malloc(void *ctx, size_t size)
{
	struct fuzz_alloc *fa = ctx;
	void *p;

	FUZZ_ASSERT(size > 0);
	if (fuzz_alloc_should_fail(fa))
		return NULL;
	p = malloc(size);
	if (p) {
		fa->live++;
		fuzz_alloc_hold(fa, p);
	}
	return p;
}

static void *fuzz_realloc(void *ctx, void *ptr, size_t size)
{
	struct fuzz_alloc *fa = ctx;
	size_t old = ptr ? malloc_usable_size(ptr) : 0;
	void *p;

	FUZZ_ASSERT(size > 0);
	if (fuzz_alloc_should_fail(fa))
		return NULL;
	p = realloc(ptr, size);
	if (!p)
		return NULL;
	if (!ptr)
		fa->live++;
	fa->bytes -= old;
	fuzz_alloc_hold(fa, p);
	return p;
}

static void fuzz_free(void *ctx, void *ptr)
{
	struct fuzz_alloc *fa = ctx;

	if (!ptr)
		return;
	FUZZ_ASSERT(fa->live > 0);
	fa->live--;
	fa->bytes -= malloc_usable_size(ptr);
	free(ptr);
}

void fuzz_alloc_init(struct fuzz_alloc *fa, size_t fail_at, size_t input_len)
{
	memset(fa, 0, sizeof(*fa));
	fa->a.malloc = fuzz_malloc;
	fa->a.realloc = fuzz_realloc;
	fa->a.free = fuzz_free;
	fa->a.ctx = fa;
	fa->fail_at = fail_at;
	fa->budget = FUZZ_MEM_BASE + (input_len > (SIZE_MAX - FUZZ_MEM_BASE) / FUZZ_MEM_PER_BYTE
					      ? SIZE_MAX - FUZZ_MEM_BASE
					      : input_len * FUZZ_MEM_PER_BYTE);
}

uint32_t fuzz_hash(const uint8_t *data, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}
