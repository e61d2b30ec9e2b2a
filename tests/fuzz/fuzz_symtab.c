/* SPDX-License-Identifier: MIT */
/*
 * Target 3b: System.map / /proc/kallsyms text. Parse it; when every line is in the canonical
 * form the kernel writes ("%016lx %c %s" and an optional "\t[module]", '\r' allowed, empty
 * lines allowed), also check the result against the text: the parse succeeds unless every
 * address is zero, each symbol comes back by index as written, and a lookup returns the
 * header's winner (the kernel's global symbol, then its local one, then a module's; the first
 * in file order among equals).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REF_MAX 1024
#define NAME_MAX_LEN 511
#define ABSENT "\x01none"

struct ref_sym {
	uint64_t addr;
	char type;
	char name[NAME_MAX_LEN + 1];
	char module[NAME_MAX_LEN + 1]; /* "" for the kernel */
};

static bool is_name_char(char c)
{
	return c > ' ' && c < 0x7f && c != '[' && c != ']';
}

/* One canonical line [p, end) into *s. */
static bool ref_line(const char *p, const char *end, struct ref_sym *s)
{
	const char *n;
	size_t len;

	if (end > p && end[-1] == '\r')
		end--;
	if (end - p < 20)
		return false;
	for (int i = 0; i < 16; i++)
		if (!isxdigit((unsigned char)p[i]))
			return false;
	if (p[16] != ' ' || !isalpha((unsigned char)p[17]) || p[18] != ' ')
		return false;
	s->addr = strtoull(p, NULL, 16);
	s->type = p[17];
	for (n = p + 19; n < end && is_name_char(*n); n++)
		;
	len = (size_t)(n - (p + 19));
	if (!len || len > NAME_MAX_LEN)
		return false;
	memcpy(s->name, p + 19, len);
	s->name[len] = '\0';
	s->module[0] = '\0';
	if (n == end)
		return true;
	if (end - n < 4 || n[0] != '\t' || n[1] != '[' || end[-1] != ']')
		return false;
	for (const char *m = n + 2; m < end - 1; m++)
		if (!is_name_char(*m))
			return false;
	len = (size_t)(end - 1 - (n + 2));
	if (!len || len > NAME_MAX_LEN)
		return false;
	memcpy(s->module, n + 2, len);
	s->module[len] = '\0';
	return true;
}

/* All lines canonical (or empty)? Fills syms; false if not, or too many. */
static bool ref_parse(const char *text, size_t len, struct ref_sym *syms, size_t *n)
{
	const char *nul = memchr(text, '\0', len), *p, *end;

	if (nul)
		len = (size_t)(nul - text);
	*n = 0;
	for (p = text, end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;

		if (!(eol == p || (eol == p + 1 && *p == '\r'))) {
			if (*n == REF_MAX || !ref_line(p, eol, &syms[*n]))
				return false;
			(*n)++;
		}
		p = eol + 1;
	}
	return true;
}

/* 0: kernel global, 1: kernel local, 2: module. */
static int rank(const struct ref_sym *s)
{
	return s->module[0] ? 2 : isupper((unsigned char)s->type) ? 0 : 1;
}

static const struct ref_sym *ref_lookup(const struct ref_sym *syms, size_t n, const char *name)
{
	const struct ref_sym *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(syms[i].name, name) && (!best || rank(&syms[i]) < rank(best)))
			best = &syms[i];
	return best;
}

static bool contains(const char *text, size_t size, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i + n <= size; i++)
		if (!memcmp(text + i, s, n))
			return true;
	return false;
}

static void check_against(const struct bw_symtab *st, const struct ref_sym *syms, size_t n)
{
	struct bw_error err;
	struct bw_symbol sym;
	uint64_t addr;

	FUZZ_ASSERT(bw_symtab_count(st) == n);
	for (size_t i = 0; i < n; i++) {
		const struct ref_sym *want = ref_lookup(syms, n, syms[i].name);

		FUZZ_ASSERT(bw_symtab_get(st, i, &sym) == 0);
		FUZZ_ASSERT(sym.addr == syms[i].addr && sym.type == syms[i].type);
		FUZZ_ASSERT(!strcmp(sym.name, syms[i].name));
		FUZZ_ASSERT(syms[i].module[0] ? sym.module && !strcmp(sym.module, syms[i].module)
					      : sym.module == NULL);
		FUZZ_ASSERT_OK(bw_symtab_lookup(st, syms[i].name, &addr, &err), &err);
		FUZZ_ASSERT(addr == want->addr);
	}
	FUZZ_ASSERT(bw_symtab_get(st, n, &sym) == -BW_ENOENT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ref_sym syms[REF_MAX];
	const char *text = (const char *)data;
	struct fuzz_alloc fa;
	struct bw_symtab *st = NULL;
	struct bw_error err;
	uint64_t addr, any = 0;
	size_t n = 0;
	bool canonical = ref_parse(text, size, syms, &n);
	int rc;

	for (size_t i = 0; i < n; i++)
		any |= syms[i].addr;
	fuzz_alloc_init(&fa, 0, size);
	rc = bw_symtab_parse(text, size, &fa.a, &st, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		/* A canonical file is refused only when it hides every address or has none. */
		FUZZ_ASSERT(!canonical || !any);
		FUZZ_ASSERT(fa.live == 0);
		return 0;
	}
	FUZZ_ASSERT(bw_symtab_count(st) >= 1 && bw_symtab_count(st) <= size);
	if (canonical)
		check_against(st, syms, n);
	rc = bw_symtab_lookup(st, "", &addr, &err);
	FUZZ_ASSERT(rc < 0);
	fuzz_check_error(rc, &err);
	rc = bw_symtab_lookup(st, ABSENT, &addr, &err);
	if (!contains(text, size, ABSENT))
		FUZZ_ASSERT(rc == -BW_ENOENT);
	bw_symtab_free(st);
	FUZZ_ASSERT(fa.live == 0);
	return 0;
}
