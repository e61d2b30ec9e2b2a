/* SPDX-License-Identifier: MIT */
/* Struct layouts from the BTF for the built-in walks, and fields taken out of bytes read. */
#include <string.h>
#include "internal.h"
#include "walks/walk_impl.h"

int bw_walk_sizeof(const struct bw_kernel *k, const char *sname, uint64_t *size,
		   struct bw_error *err)
{
	uint32_t id;

	if (bw_kernel_type_named(k, sname, BW_KIND_STRUCT, &id, NULL) ||
	    bw_btf_sizeof(k->btf, id, size, NULL))
		return bw_fail(err, BW_ENOTSUP, "no struct %s in the BTF", sname);
	return 0;
}

static int walk_field_find(const struct bw_kernel *k, const char *sname, const char *path,
			   struct bw_field *f)
{
	struct bw_member_loc loc;
	uint64_t size;
	uint32_t id;

	memset(f, 0, sizeof(*f));
	if (bw_kernel_type_named(k, sname, BW_KIND_STRUCT, &id, NULL) ||
	    bw_btf_path(k->btf, id, path, &loc, NULL) ||
	    bw_btf_resolve(k->btf, loc.type, &f->type, NULL))
		return -1;
	if (loc.bitfield_size) {
		/* Read the aligned 8 bytes holding the bitfield, or fewer near the start. */
		f->off = loc.bit_offset / 64 * 8;
		f->shift = (uint32_t)(loc.bit_offset - f->off * 8);
		f->bits = loc.bitfield_size;
		f->size = 8;
		f->bytes = 8;
		if (f->shift + f->bits > 64)
			return -1;
	} else {
		if (bw_btf_sizeof(k->btf, f->type, &size, NULL))
			return -1;
		f->off = loc.byte_offset;
		f->bytes = size;
		f->size = size == 1 || size == 2 || size == 4 || size == 8 ? (uint32_t)size : 0;
	}
	f->present = true;
	return 0;
}

int bw_walk_field(const struct bw_kernel *k, const char *sname, const char *path,
		  struct bw_field *f, struct bw_error *err)
{
	if (walk_field_find(k, sname, path, f))
		return bw_fail(err, BW_ENOTSUP, "no member %s.%s in the BTF", sname, path);
	return 0;
}

void bw_walk_field_opt(const struct bw_kernel *k, const char *sname, const char *path,
		       struct bw_field *f)
{
	if (walk_field_find(k, sname, path, f))
		memset(f, 0, sizeof(*f));
}

uint64_t bw_walk_get(const unsigned char *buf, size_t len, const struct bw_field *f)
{
	uint64_t v = 0;
	uint32_t i, n;

	if (!f->present || !f->size || f->off >= len)
		return 0;
	/* A bitfield's 8-byte window may pass the end of a small struct: take what is there. */
	n = len - f->off < f->size ? (uint32_t)(len - f->off) : f->size;
	for (i = n; i > 0; i--) /* x86-64 is little-endian */
		v = v << 8 | buf[f->off + i - 1];
	if (f->bits)
		v = (v >> f->shift) & (f->bits == 64 ? UINT64_MAX : (1ull << f->bits) - 1);
	return v;
}

int bw_walk_read(const struct bw_kernel *k, uint64_t addr, void *buf, uint64_t size,
		 struct bw_error *err)
{
	if (size > BW_WALK_MAX_STRUCT)
		return bw_fail(err, BW_ELIMIT, "a %llu-byte struct at 0x%llx (cap %u)",
			       (unsigned long long)size, (unsigned long long)addr,
			       BW_WALK_MAX_STRUCT);
	return bw_kernel_read(k, addr, buf, (size_t)size, err);
}
