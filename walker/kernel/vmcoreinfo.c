// SPDX-License-Identifier: MIT
/* The kernel's VMCOREINFO text: KEY=VALUE lines, indexed by key, read through typed getters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "btfwalk/mem.h"

struct vmcoreinfo_entry {
	const char *key;
	const char *value;
	uint32_t line; /* order in the text, so the first of repeated keys wins */
};

struct bw_vmcoreinfo {
	struct bw_allocator alloc_copy;
	const struct bw_allocator *alloc;
	char *text;			  /* private copy, '=' and line ends replaced by NULs */
	struct vmcoreinfo_entry *entries; /* text order */
	struct vmcoreinfo_entry *sorted;  /* by key, then line */
	size_t count;
};

static int vmcoreinfo_entry_cmp(const void *a, const void *b)
{
	const struct vmcoreinfo_entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Cut the private copy at '=' and line ends into entries (room for max); -1 past the cap. */
static long vmcoreinfo_split(char *text, size_t len, struct vmcoreinfo_entry *entries, size_t max)
{
	size_t pos = 0, n = 0;

	while (pos < len) {
		char *line = text + pos, *nl = memchr(line, '\n', len - pos), *eq;
		size_t llen = nl ? (size_t)(nl - line) : len - pos;

		pos += llen + 1;
		line[llen] = '\0'; /* the copy has one spare byte past len */
		if (llen && line[llen - 1] == '\r')
			line[llen - 1] = '\0';
		eq = strchr(line, '=');
		if (!eq || eq == line)
			continue;
		if (n == max)
			return -1;
		*eq = '\0';
		entries[n] = (struct vmcoreinfo_entry){line, eq + 1, (uint32_t)n};
		n++;
	}
	return (long)n;
}

/* Lines in the text, capped one past the key cap: an upper bound on the entries. */
static size_t vmcoreinfo_count_lines(const char *text, size_t len)
{
	size_t n = 1, pos = 0;
	const char *nl;

	while (n <= BW_VMCOREINFO_MAX_KEYS && (nl = memchr(text + pos, '\n', len - pos))) {
		pos = (size_t)(nl - text) + 1;
		n++;
	}
	return n;
}

int bw_vmcoreinfo_parse(const char *text, size_t len, const struct bw_allocator *alloc,
			struct bw_vmcoreinfo **out, struct bw_error *err)
{
	struct bw_vmcoreinfo *vi;
	const char *nul;
	size_t max;
	long n;
	int ret;

	if (!out || (!text && len))
		return bw_fail(err, BW_EINVAL, "bw_vmcoreinfo_parse: NULL argument");
	*out = NULL;
	nul = len ? memchr(text, '\0', len) : NULL;
	if (nul)
		len = (size_t)(nul - text);
	if (len > BW_VMCOREINFO_MAX_SIZE)
		return bw_fail(err, BW_ELIMIT, "VMCOREINFO text of %zu bytes, at most %u", len,
			       BW_VMCOREINFO_MAX_SIZE);
	vi = bw_zalloc(alloc, sizeof(*vi));
	if (!vi)
		return bw_fail(err, BW_ENOMEM, "out of memory for VMCOREINFO");
	if (alloc) {
		vi->alloc_copy = *alloc;
		vi->alloc = &vi->alloc_copy;
	}
	max = len ? vmcoreinfo_count_lines(text, len) : 0;
	vi->text = bw_alloc(vi->alloc, len + 1);
	vi->entries = bw_alloc_array(vi->alloc, max, sizeof(*vi->entries));
	vi->sorted = bw_alloc_array(vi->alloc, max, sizeof(*vi->sorted));
	if (!vi->text || !vi->entries || !vi->sorted) {
		ret = bw_fail(err, BW_ENOMEM, "out of memory for %zu bytes of VMCOREINFO", len);
		goto fail;
	}
	if (len)
		memcpy(vi->text, text, len);
	vi->text[len] = '\0';
	n = vmcoreinfo_split(vi->text, len, vi->entries, BW_VMCOREINFO_MAX_KEYS);
	if (n < 0) {
		ret = bw_fail(err, BW_ELIMIT, "VMCOREINFO has more than %u keys",
			      BW_VMCOREINFO_MAX_KEYS);
		goto fail;
	}
	if (n == 0) {
		ret = bw_fail(err, BW_EFORMAT, "VMCOREINFO text (%zu bytes) has no KEY=VALUE line",
			      len);
		goto fail;
	}
	vi->count = (size_t)n;
	memcpy(vi->sorted, vi->entries, vi->count * sizeof(*vi->sorted));
	qsort(vi->sorted, vi->count, sizeof(*vi->sorted), vmcoreinfo_entry_cmp);
	*out = vi;
	return 0;
fail:
	bw_vmcoreinfo_free(vi);
	return ret;
}

void bw_vmcoreinfo_free(struct bw_vmcoreinfo *vi)
{
	if (!vi)
		return;
	bw_free(vi->alloc, vi->text);
	bw_free(vi->alloc, vi->entries);
	bw_free(vi->alloc, vi->sorted);
	bw_free(vi->alloc, vi);
}

const char *bw_vmcoreinfo_get(const struct bw_vmcoreinfo *vi, const char *key)
{
	size_t lo = 0, hi;

	if (!vi || !key)
		return NULL;
	/* First entry whose key is >= key: the earliest line among repeats. */
	hi = vi->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(vi->sorted[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < vi->count && !strcmp(vi->sorted[lo].key, key))
		return vi->sorted[lo].value;
	return NULL;
}

/* Strict numbers: every character a digit of the base, no sign unless allowed, no overflow. */
static bool vmcoreinfo_parse_s64(const char *s, int64_t *out)
{
	bool neg = *s == '-';
	uint64_t v;

	if (!bw_parse_u64(s + neg, strlen(s + neg), 10, &v))
		return false;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return false;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > INT64_MAX)
			return false;
		*out = (int64_t)v;
	}
	return true;
}

/* The value of "KIND(name)", or of the bare key KIND when name is NULL. */
static int vmcoreinfo_lookup(const struct bw_vmcoreinfo *vi, const char *kind, const char *name,
			     char *key, size_t keysz, const char **value, struct bw_error *err)
{
	int n;

	if (!vi || (!name && !kind))
		return bw_fail(err, BW_EINVAL, "bw_vmcoreinfo: NULL argument");
	n = name ? snprintf(key, keysz, "%s(%s)", kind, name) : snprintf(key, keysz, "%s", kind);
	if (n < 0 || (size_t)n >= keysz)
		return bw_fail(err, BW_ENOENT, "VMCOREINFO key %s(%.64s...) is too long", kind,
			       name ? name : "");
	*value = bw_vmcoreinfo_get(vi, key);
	if (!*value)
		return bw_fail(err, BW_ENOENT, "VMCOREINFO has no %s", key);
	return 0;
}

static int vmcoreinfo_get_u64(const struct bw_vmcoreinfo *vi, const char *kind, const char *name,
			      unsigned base, uint64_t *out, struct bw_error *err)
{
	char key[BW_VMCOREINFO_MAX_KEY_LEN + 1];
	const char *value;
	int ret = vmcoreinfo_lookup(vi, kind, name, key, sizeof(key), &value, err);

	if (ret)
		return ret;
	if (!out || !bw_parse_u64(value, strlen(value), base, out))
		return bw_fail(err, BW_EFORMAT, "VMCOREINFO %s=%.64s is not a%s number", key, value,
			       base == 16 ? " hex" : "n unsigned decimal");
	return 0;
}

static int vmcoreinfo_get_s64(const struct bw_vmcoreinfo *vi, const char *kind, const char *name,
			      int64_t *out, struct bw_error *err)
{
	char key[BW_VMCOREINFO_MAX_KEY_LEN + 1];
	const char *value;
	int ret = vmcoreinfo_lookup(vi, kind, name, key, sizeof(key), &value, err);

	if (ret)
		return ret;
	if (!out || !vmcoreinfo_parse_s64(value, out))
		return bw_fail(err, BW_EFORMAT, "VMCOREINFO %s=%.64s is not a decimal number", key,
			       value);
	return 0;
}

int bw_vmcoreinfo_symbol(const struct bw_vmcoreinfo *vi, const char *name, uint64_t *out,
			 struct bw_error *err)
{
	return vmcoreinfo_get_u64(vi, "SYMBOL", name ? name : "", 16, out, err);
}

int bw_vmcoreinfo_number(const struct bw_vmcoreinfo *vi, const char *name, int64_t *out,
			 struct bw_error *err)
{
	return vmcoreinfo_get_s64(vi, "NUMBER", name ? name : "", out, err);
}

int bw_vmcoreinfo_offset(const struct bw_vmcoreinfo *vi, const char *name, uint64_t *out,
			 struct bw_error *err)
{
	return vmcoreinfo_get_u64(vi, "OFFSET", name ? name : "", 10, out, err);
}

int bw_vmcoreinfo_size(const struct bw_vmcoreinfo *vi, const char *name, uint64_t *out,
		       struct bw_error *err)
{
	return vmcoreinfo_get_u64(vi, "SIZE", name ? name : "", 10, out, err);
}

int bw_vmcoreinfo_length(const struct bw_vmcoreinfo *vi, const char *name, uint64_t *out,
			 struct bw_error *err)
{
	return vmcoreinfo_get_u64(vi, "LENGTH", name ? name : "", 10, out, err);
}

int bw_vmcoreinfo_kerneloffset(const struct bw_vmcoreinfo *vi, uint64_t *out, struct bw_error *err)
{
	return vmcoreinfo_get_u64(vi, "KERNELOFFSET", NULL, 16, out, err);
}

int bw_vmcoreinfo_pagesize(const struct bw_vmcoreinfo *vi, uint64_t *out, struct bw_error *err)
{
	return vmcoreinfo_get_u64(vi, "PAGESIZE", NULL, 10, out, err);
}

int bw_vmcoreinfo_crashtime(const struct bw_vmcoreinfo *vi, int64_t *out, struct bw_error *err)
{
	return vmcoreinfo_get_s64(vi, "CRASHTIME", NULL, out, err);
}

int bw_vmcoreinfo_foreach(const struct bw_vmcoreinfo *vi,
			  int (*fn)(void *ctx, const char *key, const char *value), void *ctx)
{
	size_t i;

	if (!vi || !fn)
		return 0;
	for (i = 0; i < vi->count; i++) {
		int ret = fn(ctx, vi->entries[i].key, vi->entries[i].value);

		if (ret)
			return ret;
	}
	return 0;
}
