/* SPDX-License-Identifier: MIT */
/*
 * Target 3a: VMCOREINFO text. Parse it, and check every answer against a reading of the text
 * done here from the header's contract (include/btfwalk/mem.h): lines end at '\n', the text at
 * len or the first NUL, a trailing '\r' is dropped, lines without '=' or with an empty key are
 * skipped, the first value of a repeated key wins, foreach visits every line in order, and the
 * typed getters accept exactly the number forms they name.
 */
#include <stdlib.h>
#include <string.h>
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REF_MAX_LINES 4096
#define CHECK_MAX_LINES 256 /* lookups checked per input, to keep each run fast */
#define KEY_MAX 255

struct ref_line {
	const char *key, *value; /* NUL-terminated copies in ref.buf */
};

struct ref {
	char *buf;
	size_t n;
	struct ref_line line[REF_MAX_LINES];
};

/* Split a private copy of the text the way the contract says. False if too many lines. */
static bool ref_parse(struct ref *r, const char *text, size_t len)
{
	const char *nul = memchr(text, '\0', len);
	char *p, *end;

	if (nul)
		len = (size_t)(nul - text);
	r->buf = malloc(len + 1);
	if (!r->buf)
		return false;
	memcpy(r->buf, text, len);
	r->buf[len] = '\0';
	r->n = 0;
	for (p = r->buf, end = r->buf + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end, *eq;

		*eol = '\0';
		if (eol > p && eol[-1] == '\r')
			eol[-1] = '\0';
		eq = strchr(p, '=');
		if (eq && eq != p) {
			if (r->n == REF_MAX_LINES)
				return false;
			*eq = '\0';
			r->line[r->n].key = p;
			r->line[r->n].value = eq + 1;
			r->n++;
		}
		p = eol + 1;
	}
	return true;
}

static const char *ref_first(const struct ref *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->line[i].key, key))
			return r->line[i].value;
	return NULL;
}

static bool all_of(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

static const char *const hex = "0123456789abcdefABCDEF", *const dec = "0123456789";

/* SYMBOL(x), KERNELOFFSET: hex, optional 0x/0X. Plain forms of up to 16 digits must parse to their
 * value; anything with a character no form allows must be BW_EFORMAT. */
static void check_hex(const char *value, int rc, uint64_t got)
{
	/* The parser also takes "0X", as strtoull does. */
	const char *digits = strncmp(value, "0x", 2) && strncmp(value, "0X", 2) ? value : value + 2;

	if (all_of(digits, hex) && strlen(digits) <= 16) {
		FUZZ_ASSERT(rc == 0 && got == strtoull(digits, NULL, 16));
	} else if (!all_of(digits, hex)) {
		FUZZ_ASSERT(rc == -BW_EFORMAT);
	}
}

static void check_udec(const char *value, int rc, uint64_t got)
{
	if (all_of(value, dec) && strlen(value) <= 19)
		FUZZ_ASSERT(rc == 0 && got == strtoull(value, NULL, 10));
	else if (!all_of(value[0] == '+' ? value + 1 : value, dec))
		FUZZ_ASSERT(rc == -BW_EFORMAT);
}

static void check_sdec(const char *value, int rc, int64_t got)
{
	const char *digits = value[0] == '-' || value[0] == '+' ? value + 1 : value;

	if (value[0] != '+' && all_of(digits, dec) && strlen(digits) <= 18)
		FUZZ_ASSERT(rc == 0 && got == strtoll(value, NULL, 10));
	else if (!all_of(digits, dec))
		FUZZ_ASSERT(rc == -BW_EFORMAT);
}

/* If key is "FORM(name)" with a name the getters can find, copy name to out. */
static bool key_arg(const char *key, const char *form, char *out)
{
	size_t flen = strlen(form), klen = strlen(key);

	if (klen < flen + 2 || strncmp(key, form, flen) || key[flen] != '(' || key[klen - 1] != ')')
		return false;
	/* The cap is on the whole key: a longer one is never found by the typed getters. */
	if (klen > BW_VMCOREINFO_MAX_KEY_LEN || memchr(key + flen + 1, ')', klen - flen - 2) ||
	    memchr(key + flen + 1, '(', klen - flen - 2))
		return false;
	memcpy(out, key + flen + 1, klen - flen - 2);
	out[klen - flen - 2] = '\0';
	return true;
}

static void check_typed(const struct bw_vmcoreinfo *vi, const char *key, const char *value)
{
	struct bw_error err;
	char name[KEY_MAX + 1];
	uint64_t u = 0;
	int64_t s = 0;
	int rc;

	if (key_arg(key, "SYMBOL", name)) {
		rc = bw_vmcoreinfo_symbol(vi, name, &u, &err);
		check_hex(value, rc, u);
	} else if (key_arg(key, "NUMBER", name)) {
		rc = bw_vmcoreinfo_number(vi, name, &s, &err);
		check_sdec(value, rc, s);
	} else if (key_arg(key, "OFFSET", name)) {
		rc = bw_vmcoreinfo_offset(vi, name, &u, &err);
		check_udec(value, rc, u);
	} else if (key_arg(key, "SIZE", name)) {
		rc = bw_vmcoreinfo_size(vi, name, &u, &err);
		check_udec(value, rc, u);
	} else if (key_arg(key, "LENGTH", name)) {
		rc = bw_vmcoreinfo_length(vi, name, &u, &err);
		check_udec(value, rc, u);
	} else if (!strcmp(key, "KERNELOFFSET")) {
		rc = bw_vmcoreinfo_kerneloffset(vi, &u, &err);
		check_hex(value, rc, u);
	} else if (!strcmp(key, "PAGESIZE")) {
		rc = bw_vmcoreinfo_pagesize(vi, &u, &err);
		check_udec(value, rc, u);
	} else if (!strcmp(key, "CRASHTIME")) {
		rc = bw_vmcoreinfo_crashtime(vi, &s, &err);
		check_sdec(value, rc, s);
	} else {
		return;
	}
	if (rc)
		fuzz_check_error(rc, &err);
}

struct visit {
	const struct ref *ref;
	size_t next;
	size_t stop_after;
};

static int visit_line(void *ctx, const char *key, const char *value)
{
	struct visit *v = ctx;

	FUZZ_ASSERT(v->next < v->ref->n);
	FUZZ_ASSERT(!strcmp(key, v->ref->line[v->next].key));
	FUZZ_ASSERT(!strcmp(value, v->ref->line[v->next].value));
	v->next++;
	return v->next == v->stop_after ? 7 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ref ref;
	struct fuzz_alloc fa;
	struct bw_vmcoreinfo *vi = NULL;
	struct bw_error err;
	struct visit v = { .ref = &ref };
	int rc;

	if (!ref_parse(&ref, (const char *)data, size)) {
		free(ref.buf);
		return 0;
	}
	fuzz_alloc_init(&fa, 0, size);
	rc = bw_vmcoreinfo_parse((const char *)data, size, &fa.a, &vi, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		FUZZ_ASSERT(ref.n == 0 && rc == -BW_EFORMAT);
		FUZZ_ASSERT(fa.live == 0);
		free(ref.buf);
		return 0;
	}
	FUZZ_ASSERT(ref.n > 0);
	FUZZ_ASSERT(bw_vmcoreinfo_foreach(vi, visit_line, &v) == 0 && v.next == ref.n);
	v.next = 0;
	v.stop_after = 1;
	FUZZ_ASSERT(bw_vmcoreinfo_foreach(vi, visit_line, &v) == 7 && v.next == 1);
	for (size_t i = 0; i < ref.n && i < CHECK_MAX_LINES; i++) {
		const char *key = ref.line[i].key, *first = ref_first(&ref, key), *got;

		got = bw_vmcoreinfo_get(vi, key);
		FUZZ_ASSERT(got != NULL && !strcmp(got, first));
		if (ref.line[i].value == first)
			check_typed(vi, key, first);
	}
	FUZZ_ASSERT(bw_vmcoreinfo_get(vi, "") == NULL);
	bw_vmcoreinfo_free(vi);
	FUZZ_ASSERT(fa.live == 0);
	free(ref.buf);
	return 0;
}
