/* SPDX-License-Identifier: MIT */
/*
 * Target 3b: System.map / /proc/kallsyms text. Parse it, then look up every name that appears
 * as the third word of a line, and a few that cannot be there.
 */
#include <string.h>
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME_MAX_LEN 512
#define ABSENT "\x01none"

static bool contains(const char *text, size_t size, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i + n <= size; i++)
		if (!memcmp(text + i, s, n))
			return true;
	return false;
}

/* The third whitespace-separated word of line [p, end), copied to out; false if none. */
static bool third_word(const char *p, const char *end, char *out)
{
	for (int word = 0; word < 3; word++) {
		const char *start;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		start = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		if (p == start)
			return false;
		if (word == 2) {
			size_t n = (size_t)(p - start);

			if (n >= NAME_MAX_LEN || memchr(start, '\0', n))
				return false;
			memcpy(out, start, n);
			out[n] = '\0';
		}
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *end = text + size, *line = text;
	struct fuzz_alloc fa;
	struct bw_symtab *st = NULL;
	struct bw_error err;
	char name[NAME_MAX_LEN];
	uint64_t addr;
	int rc;

	fuzz_alloc_init(&fa, 0);
	rc = bw_symtab_parse(text, size, &fa.a, &st, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		FUZZ_ASSERT(fa.live == 0);
		return 0;
	}
	FUZZ_ASSERT(bw_symtab_count(st) <= BW_SYMTAB_MAX_SYMBOLS);
	FUZZ_ASSERT(bw_symtab_count(st) <= size);
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end;

		if (third_word(line, eol, name)) {
			rc = bw_symtab_lookup(st, name, &addr, &err);
			if (rc)
				fuzz_check_error(rc, &err);
		}
		line = eol + 1;
	}
	rc = bw_symtab_lookup(st, "", &addr, &err);
	FUZZ_ASSERT(rc < 0);
	fuzz_check_error(rc, &err);
	/* A name the text does not contain cannot be found. */
	rc = bw_symtab_lookup(st, ABSENT, &addr, &err);
	if (!contains(text, size, ABSENT))
		FUZZ_ASSERT(rc == -BW_ENOENT);
	bw_symtab_free(st);
	FUZZ_ASSERT(fa.live == 0);
	return 0;
}
