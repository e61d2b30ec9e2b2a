/* SPDX-License-Identifier: MIT */
/*
 * Printing a typed value as C-like text: integers in decimal, enums with their enumerator name,
 * pointers in hex, char arrays as quoted strings, arrays and structs with member names. Nesting
 * is capped at BW_KERNEL_PRINT_MAX_DEPTH and output at BW_KERNEL_PRINT_MAX_VALUES scalars.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "kernel/kernel_impl.h"

struct vprint {
	const struct bw_kernel *k;
	bw_write_fn write;
	void *ctx;
	uint32_t budget;
	bool stopped;
	struct bw_error *err;
};

static void vprint_out(struct vprint *p, const char *fmt, ...) BW_PRINTF(2, 3);

static void vprint_out(struct vprint *p, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	if (p->stopped)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (p->write(p->ctx, buf, (size_t)n))
		p->stopped = true;
}

static void vprint_indent(struct vprint *p, unsigned depth)
{
	unsigned i;

	for (i = 0; i < depth; i++)
		vprint_out(p, "\t");
}

/* A char array prints as a string; s8/u8 (typedefs of signed/unsigned char) print as numbers. */
static bool vprint_is_char(const struct bw_btf *btf, uint32_t id)
{
	struct bw_type t;
	struct bw_int in;
	int hops;

	for (hops = 0; hops < BW_BTF_MAX_RESOLVE_DEPTH; hops++) {
		if (bw_btf_type(btf, id, &t, NULL))
			return false;
		if (t.kind != BW_KIND_CONST && t.kind != BW_KIND_VOLATILE &&
		    t.kind != BW_KIND_RESTRICT)
			break;
		id = t.type;
	}
	if (t.kind != BW_KIND_INT || t.size != 1 || bw_btf_int(btf, id, &in, NULL))
		return false;
	return (in.encoding & BW_INT_CHAR) || !strcmp(t.name, "char");
}

/* A failure below the top level is printed in place, so the rest of a struct still shows. */
static int vprint_failed(struct vprint *p, unsigned depth, struct bw_error *e)
{
	if (depth == 0) {
		if (p->err)
			*p->err = *e;
		return -e->code;
	}
	vprint_out(p, "<unreadable: %s>", e->msg);
	return 0;
}

/* A C string literal: \n \t \r \" \\ as such, other bytes outside ' '..'~' in octal. */
static void vprint_escaped(struct vprint *p, const char *buf, size_t len, bool more)
{
	size_t i;

	vprint_out(p, "\"");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '"' || c == '\\')
			vprint_out(p, "\\%c", c);
		else if (c == '\n')
			vprint_out(p, "\\n");
		else if (c == '\t')
			vprint_out(p, "\\t");
		else if (c == '\r')
			vprint_out(p, "\\r");
		else if (c >= 0x20 && c < 0x7f)
			vprint_out(p, "%c", c);
		else
			vprint_out(p, "\\%03o", c);
	}
	vprint_out(p, more ? "\"..." : "\"");
}

/* A char array of len bytes: up to its first NUL. */
static int vprint_string(struct vprint *p, uint64_t addr, uint64_t len, unsigned depth)
{
	char buf[BW_KERNEL_PRINT_MAX_STRING];
	struct bw_error e;
	bool more = len > sizeof(buf);
	size_t n;

	if (more)
		len = sizeof(buf);
	if (bw_kernel_read(p->k, addr, buf, (size_t)len, &e))
		return vprint_failed(p, depth, &e);
	for (n = 0; n < len && buf[n]; n++)
		;
	vprint_escaped(p, buf, n, more && n == len);
	return 0;
}

/* The string a char pointer points to, read a page at most at a time up to its NUL. */
static void vprint_cstring(struct vprint *p, uint64_t addr)
{
	char buf[BW_KERNEL_PRINT_MAX_STRING];
	size_t n = 0;

	if (!addr) {
		vprint_out(p, "NULL");
		return;
	}
	while (n < sizeof(buf)) {
		size_t chunk = (size_t)(BW_X86_PAGE_SIZE - ((addr + n) & (BW_X86_PAGE_SIZE - 1)));
		struct bw_error e;
		size_t i;

		if (chunk > sizeof(buf) - n)
			chunk = sizeof(buf) - n;
		if (bw_kernel_read(p->k, addr + n, buf + n, chunk, &e)) {
			vprint_out(p, "0x%llx <unreadable: %s>", (unsigned long long)addr, e.msg);
			return;
		}
		for (i = 0; i < chunk; i++)
			if (!buf[n + i]) {
				vprint_escaped(p, buf, n + i, false);
				return;
			}
		n += chunk;
	}
	vprint_escaped(p, buf, n, true);
}

static int vprint_value(struct vprint *p, const struct bw_value *v, unsigned depth);

static int vprint_scalar(struct vprint *p, const struct bw_value *v, const struct bw_type *t,
			 unsigned depth)
{
	struct bw_error e;
	struct bw_int in;
	uint64_t x;

	if (bw_kernel_value_u64(p->k, v, &x, &e))
		return vprint_failed(p, depth, &e);
	if (t->kind == BW_KIND_PTR && vprint_is_char(p->k->btf, t->type)) {
		vprint_cstring(p, x);
	} else if (t->kind == BW_KIND_PTR) {
		vprint_out(p, "0x%llx", (unsigned long long)x);
	} else if (t->kind == BW_KIND_ENUM || t->kind == BW_KIND_ENUM64) {
		const char *name = bw_btf_enum_name(p->k->btf, t->id, (int64_t)x);

		if (t->kflag)
			vprint_out(p, "%lld", (long long)x);
		else
			vprint_out(p, "%llu", (unsigned long long)x);
		if (name)
			vprint_out(p, " (%s)", name);
	} else if (!bw_btf_int(p->k->btf, t->id, &in, NULL) && (in.encoding & BW_INT_SIGNED)) {
		vprint_out(p, "%lld", (long long)x);
	} else {
		vprint_out(p, "%llu", (unsigned long long)x);
	}
	return 0;
}

static int vprint_array(struct vprint *p, uint32_t elem, uint64_t addr, uint64_t nelems,
			unsigned depth)
{
	struct bw_value ev = {.type = elem};
	struct bw_error e;
	uint64_t size, i;

	if (vprint_is_char(p->k->btf, elem))
		return vprint_string(p, addr, nelems, depth);
	if (bw_btf_sizeof(p->k->btf, elem, &size, &e))
		return vprint_failed(p, depth, &e);
	vprint_out(p, "[");
	for (i = 0; i < nelems && !p->stopped; i++) {
		if (i == BW_KERNEL_PRINT_MAX_ELEMS) {
			vprint_out(p, ", ... (%llu more)", (unsigned long long)(nelems - i));
			break;
		}
		if (i)
			vprint_out(p, ", ");
		ev.addr = addr + i * size;
		vprint_value(p, &ev, depth + 1);
	}
	vprint_out(p, "]");
	return 0;
}

static int vprint_struct(struct vprint *p, const struct bw_type *t, uint64_t addr, unsigned depth)
{
	uint32_t i;

	if (depth >= BW_KERNEL_PRINT_MAX_DEPTH) {
		vprint_out(p, "{...}");
		return 0;
	}
	vprint_out(p, "{\n");
	for (i = 0; i < t->vlen && !p->stopped; i++) {
		struct bw_member m;
		struct bw_error e;
		struct bw_value mv = {0};

		vprint_indent(p, depth + 1);
		if (bw_btf_member(p->k->btf, t->id, i, &m, &e)) {
			vprint_out(p, "<bad member %u: %s>\n", i, e.msg);
			continue;
		}
		mv.type = m.type;
		mv.addr = addr + m.bit_offset / 8;
		if (m.bitfield_size) {
			mv.bit_offset = m.bit_offset % 8;
			mv.bitfield_size = m.bitfield_size;
		}
		vprint_out(p, ".%s = ", m.name[0] ? m.name : "(anon)");
		vprint_value(p, &mv, depth + 1);
		vprint_out(p, ",\n");
	}
	vprint_indent(p, depth);
	vprint_out(p, "}");
	return 0;
}

static int vprint_value(struct vprint *p, const struct bw_value *v, unsigned depth)
{
	struct bw_error e;
	struct bw_array arr;
	struct bw_type t;
	uint32_t id;

	if (p->stopped)
		return 0;
	if (p->budget == 0) {
		vprint_out(p, "...");
		p->stopped = true;
		return 0;
	}
	p->budget--;
	if (v->computed) {
		if (v->computed_signed)
			vprint_out(p, "%lld", (long long)v->number);
		else
			vprint_out(p, "%llu", (unsigned long long)v->number);
		return 0;
	}
	if (depth > BW_KERNEL_PRINT_MAX_DEPTH) {
		vprint_out(p, "...");
		return 0;
	}
	if (v->array_len)
		return vprint_array(p, v->type, v->addr, v->array_len, depth);
	if (bw_btf_resolve(p->k->btf, v->type, &id, &e) || bw_btf_type(p->k->btf, id, &t, &e))
		return vprint_failed(p, depth, &e);
	switch (t.kind) {
	case BW_KIND_INT:
	case BW_KIND_ENUM:
	case BW_KIND_ENUM64:
	case BW_KIND_PTR:
		return vprint_scalar(p, v, &t, depth);
	case BW_KIND_ARRAY:
		if (bw_btf_array(p->k->btf, id, &arr, &e))
			return vprint_failed(p, depth, &e);
		return vprint_array(p, arr.type, v->addr, arr.nelems, depth);
	case BW_KIND_STRUCT:
	case BW_KIND_UNION:
		return vprint_struct(p, &t, v->addr, depth);
	default:
		vprint_out(p, "<%s>", bw_kind_name(t.kind));
		return 0;
	}
}

int bw_kernel_value_print(const struct bw_kernel *k, const struct bw_value *v, bw_write_fn write,
			  void *ctx, struct bw_error *err)
{
	struct vprint p = {
		.k = k,
		.write = write,
		.ctx = ctx,
		.budget = BW_KERNEL_PRINT_MAX_VALUES,
		.err = err,
	};

	unsigned char probe;
	int ret;

	if (!k || !v || !write)
		return bw_fail(err, BW_EINVAL, "bw_kernel_value_print: NULL argument");
	/* An object that is not in the dump at all is an error, not a struct of "unreadable". */
	ret = v->computed ? 0 : bw_kernel_read(k, v->addr, &probe, 1, err);
	if (ret)
		return ret;
	return vprint_value(&p, v, 0);
}
