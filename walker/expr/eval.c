/* SPDX-License-Identifier: MIT */
/*
 * Path expression steps: each moves an lvalue (type + kernel address) through the BTF and
 * memory. Dereferences are counted against BW_KERNEL_MAX_CHASE. Fan-outs, aggregates and the
 * messages naming the failing part of the expression are in each.c.
 */
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "expr/expr_impl.h"

int bw_expr_resolved(struct bw_expr_eval *e, struct bw_type *t)
{
	uint32_t id;
	int ret = bw_btf_resolve(e->k->btf, e->v.type, &id, e->err);

	if (!ret)
		ret = bw_btf_type(e->k->btf, id, t, e->err);
	return ret;
}

/* Follow the pointer v holds: *target gets the pointer's value, e->v.type its pointee. */
static int keval_deref(struct bw_expr_eval *e, const struct bw_type *ptr, uint64_t *target)
{
	int ret;

	if (++e->chased > BW_KERNEL_MAX_CHASE)
		return bw_fail(e->err, BW_ELIMIT, "more than %u pointer dereferences",
			       BW_KERNEL_MAX_CHASE);
	if (!ptr->type)
		return bw_fail(e->err, BW_EINVAL, "cannot dereference a void pointer");
	ret = bw_kernel_read_uint(e->k, e->v.addr, 8, target, e->err);
	if (ret)
		return bw_kernel_prefix(e->err, "reading pointer at 0x%llx",
					(unsigned long long)e->v.addr);
	if (!*target)
		return bw_fail(e->err, BW_EFAULT, "NULL pointer (at 0x%llx)",
			       (unsigned long long)e->v.addr);
	e->v.type = ptr->type;
	return 0;
}

static int keval_member(struct bw_expr_eval *e, const struct bw_expr_step *s)
{
	struct bw_member_loc loc;
	struct bw_type t;
	uint64_t target;
	int ret;

	if (e->v.array_len)
		return bw_fail(e->err, BW_EINVAL, "is an array: index it before '%s%s'",
			       s->op == BW_EXPR_ARROW ? "->" : ".", s->name);
	ret = bw_expr_resolved(e, &t);
	if (ret)
		return ret;
	if (s->op == BW_EXPR_ARROW) {
		if (t.kind != BW_KIND_PTR)
			return bw_fail(e->err, BW_EINVAL, "is a %s, not a pointer: use '.%s'",
				       bw_kind_name(t.kind), s->name);
		ret = keval_deref(e, &t, &target);
		if (ret)
			return ret;
		e->v.addr = target;
		ret = bw_expr_resolved(e, &t);
		if (ret)
			return ret;
	} else if (t.kind == BW_KIND_PTR) {
		return bw_fail(e->err, BW_EINVAL, "is a pointer: use '->%s'", s->name);
	}
	if (t.kind != BW_KIND_STRUCT && t.kind != BW_KIND_UNION)
		return bw_fail(e->err, BW_EINVAL, "is a %s, which has no member '%s'",
			       bw_kind_name(t.kind), s->name);
	ret = bw_btf_member_find(e->k->btf, t.id, s->name, &loc, e->err);
	if (ret)
		return bw_fail(e->err, BW_ENOENT, "%s %s has no member '%s'",
			       t.kind == BW_KIND_STRUCT ? "struct" : "union",
			       t.name[0] ? t.name : "(anon)", s->name);
	e->v.type = loc.type;
	e->v.addr += loc.bit_offset / 8;
	e->v.bit_offset = loc.bitfield_size ? (uint32_t)(loc.bit_offset % 8) : 0;
	e->v.bitfield_size = loc.bitfield_size;
	return 0;
}

static int keval_element(struct bw_expr_eval *e, uint64_t base, uint64_t n)
{
	uint64_t size, off;
	int ret = bw_btf_sizeof(e->k->btf, e->v.type, &size, e->err);

	if (ret)
		return ret;
	if (bw_mul_overflow(n, size, &off) || bw_add_overflow(base, off, &e->v.addr))
		return bw_fail(e->err, BW_EFAULT, "index %llu overflows the address space",
			       (unsigned long long)n);
	return 0;
}

static int keval_index(struct bw_expr_eval *e, uint64_t n)
{
	struct bw_array arr;
	struct bw_type t;
	uint64_t target;
	int ret;

	if (e->v.array_len) {
		if (n >= e->v.array_len)
			return bw_fail(e->err, BW_EINVAL, "index %llu out of bounds (%u elements)",
				       (unsigned long long)n, e->v.array_len);
		e->v.array_len = 0;
		return keval_element(e, e->v.addr, n);
	}
	ret = bw_expr_resolved(e, &t);
	if (ret)
		return ret;
	if (t.kind == BW_KIND_ARRAY) {
		ret = bw_btf_array(e->k->btf, t.id, &arr, e->err);
		if (ret)
			return ret;
		/* nelems 0 is a flexible array member: its length is not in the type. */
		if (arr.nelems && n >= arr.nelems)
			return bw_fail(e->err, BW_EINVAL, "index %llu out of bounds (%u elements)",
				       (unsigned long long)n, arr.nelems);
		e->v.type = arr.type;
		return keval_element(e, e->v.addr, n);
	}
	if (t.kind == BW_KIND_PTR) {
		ret = keval_deref(e, &t, &target);
		if (ret)
			return ret;
		return keval_element(e, target, n);
	}
	return bw_fail(e->err, BW_EINVAL, "is a %s: cannot index it", bw_kind_name(t.kind));
}

/* The target of a __percpu pointer: CPU n's object is target + __per_cpu_offset[n]. */
int bw_expr_percpu_base(struct bw_expr_eval *e, uint64_t *target)
{
	struct bw_type t;
	int ret;

	if (e->v.array_len)
		return bw_fail(e->err, BW_EINVAL, "is an array, not a per-CPU pointer");
	ret = bw_expr_resolved(e, &t);
	if (ret)
		return ret;
	if (t.kind != BW_KIND_PTR)
		return bw_fail(e->err, BW_EINVAL, "is a %s, not a per-CPU pointer",
			       bw_kind_name(t.kind));
	return keval_deref(e, &t, target);
}

int bw_expr_cpu(struct bw_expr_eval *e, uint64_t base, uint64_t cpu)
{
	uint64_t off;
	int ret;

	if (cpu > UINT32_MAX)
		return bw_fail(e->err, BW_EINVAL, "CPU %llu out of range", (unsigned long long)cpu);
	ret = bw_kernel_percpu_offset(e->k, (uint32_t)cpu, &off, e->err);
	if (ret)
		return ret;
	e->v.addr = base + off;
	return 0;
}

/* The variable's type and address; for a per-CPU variable, the address in the per-CPU section
 * (keval_cpu then moves it to a CPU's copy). */
int bw_expr_symbol(struct bw_expr_eval *e, const struct bw_expr_step *s)
{
	const struct bw_kernel_var *var;
	struct bw_secinfo si;
	struct bw_type t;
	bool is_percpu;
	uint32_t id;
	int ret;

	memset(&e->v, 0, sizeof(e->v));
	if (!bw_btf_find(e->k->btf, s->name, BW_KIND_VAR, &id, NULL) &&
	    !bw_btf_type(e->k->btf, id, &t, NULL)) {
		e->v.type = t.type;
	} else if ((var = bw_kernel_var_find(e->k, s->name))) {
		e->v.type = var->type;
		e->v.array_len = var->array_len;
	} else {
		return bw_fail(e->err, BW_ENOENT,
			       "no type for '%s': the BTF has no variable of that name", s->name);
	}
	ret = bw_kernel_symbol(e->k, s->name, &e->v.addr, e->err);
	if (ret)
		return ret;
	is_percpu = !bw_btf_datasec_var(e->k->btf, ".data..percpu", s->name, &si, NULL);
	if (s->op == BW_EXPR_SYMBOL_CPU && !is_percpu)
		return bw_fail(e->err, BW_EINVAL, "'%s' is not a per-CPU variable", s->name);
	if (s->op == BW_EXPR_SYMBOL && is_percpu)
		return bw_fail(e->err, BW_EINVAL,
			       "'%s' is a per-CPU variable: use %s@cpuN or %s@cpu*", s->name,
			       s->name, s->name);
	return 0;
}

static int keval_object_at(struct bw_expr_eval *e, const struct bw_expr_step *s)
{
	uint32_t id;

	memset(&e->v, 0, sizeof(e->v));
	if (bw_btf_find(e->k->btf, s->name, s->kind, &id, NULL))
		return bw_fail(e->err, BW_ENOENT, "no type '%s%s' in the BTF",
			       s->kind == BW_KIND_STRUCT  ? "struct "
			       : s->kind == BW_KIND_UNION ? "union "
							  : "",
			       s->name);
	e->v.type = id;
	e->v.addr = s->n;
	return 0;
}

int bw_expr_step_eval(struct bw_expr_eval *e, const struct bw_expr_step *s)
{
	switch (s->op) {
	case BW_EXPR_OBJECT_AT:
		return keval_object_at(e, s);
	case BW_EXPR_SYMBOL:
		return bw_expr_symbol(e, s);
	case BW_EXPR_SYMBOL_CPU: {
		int ret = bw_expr_symbol(e, s);

		return ret ? ret : bw_expr_cpu(e, e->v.addr, s->n);
	}
	case BW_EXPR_MEMBER:
	case BW_EXPR_ARROW:
		if (e->v.bitfield_size)
			return bw_fail(e->err, BW_EINVAL, "is a bitfield");
		return keval_member(e, s);
	case BW_EXPR_INDEX:
		if (e->v.bitfield_size)
			return bw_fail(e->err, BW_EINVAL, "is a bitfield");
		return keval_index(e, s->n);
	case BW_EXPR_PERCPU: {
		uint64_t target;
		int ret;

		if (e->v.bitfield_size)
			return bw_fail(e->err, BW_EINVAL, "is a bitfield");
		ret = bw_expr_percpu_base(e, &target);
		return ret ? ret : bw_expr_cpu(e, target, s->n);
	}
	case BW_EXPR_ITER:
		break;
	}
	return bw_fail(e->err, BW_EINVAL, "bad step");
}

int bw_value_scalar(const struct bw_kernel *k, const struct bw_value *v, struct bw_scalar *out,
		    struct bw_error *err)
{
	struct bw_type t;
	struct bw_int in;
	uint32_t id;
	int ret;

	if (v->computed)
		return bw_fail(err, BW_EINVAL, "a computed number is not stored in memory");
	if (v->array_len)
		return bw_fail(err, BW_EINVAL, "value at 0x%llx is an array, not a scalar",
			       (unsigned long long)v->addr);
	ret = bw_btf_resolve(k->btf, v->type, &id, err);
	if (!ret)
		ret = bw_btf_type(k->btf, id, &t, err);
	if (ret)
		return ret;
	memset(out, 0, sizeof(*out));
	switch (t.kind) {
	case BW_KIND_INT:
		ret = bw_btf_int(k->btf, id, &in, err);
		if (ret)
			return ret;
		out->is_signed = in.encoding & BW_INT_SIGNED;
		break;
	case BW_KIND_ENUM:
	case BW_KIND_ENUM64:
		out->is_signed = t.kflag;
		break;
	case BW_KIND_PTR:
		t.size = 8;
		break;
	default:
		return bw_fail(err, BW_EINVAL, "type %u at 0x%llx is a %s, not a scalar", v->type,
			       (unsigned long long)v->addr, bw_kind_name(t.kind));
	}
	if (v->bitfield_size) {
		/* In 64 bits: a caller-built value may hold any bit_offset (no wrap to a small
		 * count, then no shift by 64 or more). */
		uint64_t nbytes = ((uint64_t)v->bit_offset + v->bitfield_size + 7) / 8;

		if (v->bitfield_size > 64 || nbytes > 8)
			return bw_fail(err, BW_ENOTSUP, "bitfield of %u bits at bit %u of 0x%llx",
				       v->bitfield_size, v->bit_offset,
				       (unsigned long long)v->addr);
		out->nbytes = (uint32_t)nbytes;
		out->shift = v->bit_offset;
		out->bits = v->bitfield_size;
	} else {
		if (t.size != 1 && t.size != 2 && t.size != 4 && t.size != 8)
			return bw_fail(err, BW_ENOTSUP, "reading a %u-byte integer at 0x%llx",
				       t.size, (unsigned long long)v->addr);
		out->nbytes = t.size;
		out->bits = t.size * 8;
	}
	return 0;
}

uint64_t bw_scalar_decode(const struct bw_scalar *s, const uint8_t *buf)
{
	uint64_t raw = 0;
	uint32_t i;

	/* x86-64 is little-endian. */
	for (i = s->nbytes; i-- > 0;)
		raw = raw << 8 | buf[i];
	raw >>= s->shift;
	if (s->bits < 64) {
		raw &= (1ull << s->bits) - 1;
		if (s->is_signed && (raw >> (s->bits - 1)) & 1)
			raw |= ~0ull << s->bits;
	}
	return raw;
}

int bw_kernel_value_u64(const struct bw_kernel *k, const struct bw_value *v, uint64_t *out,
			struct bw_error *err)
{
	struct bw_scalar s;
	uint8_t b[8] = {0};
	int ret;

	if (v->computed) {
		*out = v->number;
		return 0;
	}
	ret = bw_value_scalar(k, v, &s, err);
	if (!ret)
		ret = bw_kernel_read(k, v->addr, b, s.nbytes, err);
	if (ret)
		return ret;
	*out = bw_scalar_decode(&s, b);
	return 0;
}
