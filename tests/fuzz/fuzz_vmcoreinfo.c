/* SPDX-License-Identifier: MIT */
/*
 * Target 3a: VMCOREINFO text. Parse it, then visit every key and ask for it back, raw and
 * through the typed getter its form calls for (SYMBOL(x), OFFSET(x), ...).
 */
#include <string.h>
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct visit {
	const struct bw_vmcoreinfo *vi;
	size_t keys;
};

/* If key is "FORM(name)", copy name to out and return true. */
static bool key_arg(const char *key, const char *form, char *out, size_t cap)
{
	size_t flen = strlen(form), klen = strlen(key);

	if (klen < flen + 2 || strncmp(key, form, flen) || key[flen] != '(' || key[klen - 1] != ')')
		return false;
	if (klen - flen - 2 >= cap)
		return false;
	memcpy(out, key + flen + 1, klen - flen - 2);
	out[klen - flen - 2] = '\0';
	return true;
}

static int visit_key(void *ctx, const char *key, const char *value)
{
	struct visit *v = ctx;
	struct bw_error err;
	char name[256];
	uint64_t u;
	int64_t s;
	int rc = 1;

	FUZZ_ASSERT(key != NULL && value != NULL);
	v->keys++;
	/* Every key the parser reports can be asked for (a later duplicate may win). */
	FUZZ_ASSERT(bw_vmcoreinfo_get(v->vi, key) != NULL);
	if (key_arg(key, "SYMBOL", name, sizeof(name)))
		rc = bw_vmcoreinfo_symbol(v->vi, name, &u, &err);
	else if (key_arg(key, "NUMBER", name, sizeof(name)))
		rc = bw_vmcoreinfo_number(v->vi, name, &s, &err);
	else if (key_arg(key, "OFFSET", name, sizeof(name)))
		rc = bw_vmcoreinfo_offset(v->vi, name, &u, &err);
	else if (key_arg(key, "SIZE", name, sizeof(name)))
		rc = bw_vmcoreinfo_size(v->vi, name, &u, &err);
	else if (key_arg(key, "LENGTH", name, sizeof(name)))
		rc = bw_vmcoreinfo_length(v->vi, name, &u, &err);
	if (rc < 0)
		fuzz_check_error(rc, &err);
	return 0;
}

static int stop_at_first(void *ctx, const char *key, const char *value)
{
	size_t *calls = ctx;

	(void)key;
	(void)value;
	return ++*calls;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_alloc fa;
	struct bw_vmcoreinfo *vi = NULL;
	struct bw_error err;
	struct visit v = { 0 };
	size_t calls = 0;
	uint64_t u;
	int64_t s;
	int rc;

	fuzz_alloc_init(&fa, 0);
	rc = bw_vmcoreinfo_parse((const char *)data, size, &fa.a, &vi, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		FUZZ_ASSERT(fa.live == 0);
		return 0;
	}
	v.vi = vi;
	bw_vmcoreinfo_foreach(vi, visit_key, &v);
	FUZZ_ASSERT(v.keys <= BW_VMCOREINFO_MAX_KEYS);
	bw_vmcoreinfo_foreach(vi, stop_at_first, &calls);
	FUZZ_ASSERT(calls <= 1);
	(void)bw_vmcoreinfo_get(vi, "OSRELEASE");
	(void)bw_vmcoreinfo_get(vi, "");
	rc = bw_vmcoreinfo_symbol(vi, "KERNELOFFSET", &u, &err);
	rc |= bw_vmcoreinfo_number(vi, "phys_base", &s, &err);
	rc |= bw_vmcoreinfo_symbol(vi, "node_data", &u, &err);
	rc |= bw_vmcoreinfo_offset(vi, "zone.vm_stat", &u, &err);
	(void)rc;
	bw_vmcoreinfo_free(vi);
	FUZZ_ASSERT(fa.live == 0);
	return 0;
}
