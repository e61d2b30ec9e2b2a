/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

const char *bw_strerror(int code)
{
	static const char *const names[] = {
		[BW_OK] = "OK",		  [BW_EINVAL] = "EINVAL", [BW_EFORMAT] = "EFORMAT",
		[BW_ENOENT] = "ENOENT",	  [BW_ENOMEM] = "ENOMEM", [BW_EIO] = "EIO",
		[BW_EFAULT] = "EFAULT",	  [BW_ELIMIT] = "ELIMIT", [BW_EMISMATCH] = "EMISMATCH",
		[BW_ENOTSUP] = "ENOTSUP", [BW_EGONE] = "EGONE",	  [BW_ENOTREADY] = "ENOTREADY",
	};

	if (code < 0)
		code = -code;
	if ((size_t)code >= sizeof(names) / sizeof(names[0]))
		return "EUNKNOWN";
	return names[code];
}

int bw_fail(struct bw_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;

		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}

bool bw_parse_u64(const char *s, size_t len, unsigned base, uint64_t *out)
{
	const char *end = s + len;
	bool hex_prefix = len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	uint64_t v = 0;

	if (hex_prefix && base != 10) {
		base = 16;
		s += 2;
	} else if (base == 0) {
		base = 10;
	}
	if (s == end)
		return false;
	for (; s < end; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

void *bw_alloc(const struct bw_allocator *a, size_t size)
{
	if (size == 0)
		size = 1;
	return a ? a->malloc(a->ctx, size) : malloc(size);
}

void *bw_zalloc(const struct bw_allocator *a, size_t size)
{
	void *p = bw_alloc(a, size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *bw_alloc_array(const struct bw_allocator *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return bw_alloc(a, n * size);
}

void *bw_realloc(const struct bw_allocator *a, void *ptr, size_t size)
{
	if (size == 0)
		size = 1;
	return a ? a->realloc(a->ctx, ptr, size) : realloc(ptr, size);
}

void bw_free(const struct bw_allocator *a, void *ptr)
{
	if (!ptr)
		return;
	if (a)
		a->free(a->ctx, ptr);
	else
		free(ptr);
}
