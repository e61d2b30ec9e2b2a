/* SPDX-License-Identifier: MIT */
/*
 * Evaluating a path expression to all its values: the steps run on one lvalue until a fan-out
 * ("@cpu*" or "[list: ...]"), which runs the rest of the steps once per CPU or element, with a
 * label saying which. Aggregates fold the values into one number. Errors on an element's own
 * data go to the caller with the element; any other error stops the evaluation.
 */
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "expr/expr_impl.h"
#include "kernel/iter.h"

struct each {
	const struct bw_kernel *k;
	const char *text;
	const struct bw_expr *x;
	bw_value_fn fn;
	void *ctx;
	struct bw_value_label label;
	uint32_t fan_end[BW_KERNEL_MAX_FANOUT]; /* text offset past each fan-out of the label */
	uint64_t elements; /* over all fan-outs, against BW_KERNEL_MAX_ELEMENTS */
	bool stopped;	   /* fn asked to stop */
	bool failed;	   /* err holds the evaluation's error */
	struct bw_error *err;
	/* Aggregate so far. */
	uint64_t count, acc;
	bool acc_signed;
};

static int each_from(struct each *c, const struct bw_expr_eval *e, uint32_t i);

void bw_kernel_label_format(const struct bw_value_label *label, char *buf, size_t len)
{
	size_t used = 0;
	uint32_t i;

	if (!len)
		return;
	buf[0] = '\0';
	for (i = 0; i < label->depth && i < BW_KERNEL_MAX_FANOUT && used < len; i++) {
		int n = snprintf(buf + used, len - used,
				 label->level[i].kind == BW_FANOUT_CPU ? "cpu%llu" : "[%llu]",
				 (unsigned long long)label->level[i].index);

		if (n < 0)
			return;
		used += (size_t)n;
	}
}

/* Step i failed with inner: an element's data error goes to fn, anything else stops. */
static int each_failed(struct each *c, uint32_t i, const struct bw_error *inner)
{
	const struct bw_expr_step *s = &c->x->steps[i];
	char where[160];

	if (c->label.depth && !c->x->agg &&
	    (inner->code == BW_EFAULT || inner->code == BW_EFORMAT)) {
		uint32_t from = c->fan_end[c->label.depth - 1];
		struct bw_error ee;

		/* The label says which element: name the steps after its fan-out. */
		bw_fail(&ee, inner->code, "%.*s: %s", (int)(s->end - from), c->text + from,
			inner->msg);
		if (c->fn(c->ctx, &c->label, NULL, &ee)) {
			c->stopped = true;
			return 1;
		}
		return 0;
	}
	bw_kernel_label_format(&c->label, where, sizeof(where));
	if (c->label.depth)
		bw_fail(c->err, inner->code, "%.*s (at %s): %s", (int)s->end, c->text, where,
			inner->msg);
	else
		bw_fail(c->err, inner->code, "%.*s: %s", (int)s->end, c->text, inner->msg);
	c->failed = true;
	return -inner->code;
}

static int each_stop(struct each *c, int code, const char *fmt, ...) BW_PRINTF(3, 4);

static int each_stop(struct each *c, int code, const char *fmt, ...)
{
	char msg[BW_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bw_fail(c->err, code, "%s: %s", c->text, msg);
	c->failed = true;
	return -code;
}

static bool each_signed(const struct bw_kernel *k, const struct bw_value *v)
{
	struct bw_type t;
	struct bw_int in;
	uint32_t id;

	if (bw_btf_resolve(k->btf, v->type, &id, NULL) || bw_btf_type(k->btf, id, &t, NULL))
		return false;
	if (t.kind == BW_KIND_ENUM || t.kind == BW_KIND_ENUM64)
		return t.kflag;
	return t.kind == BW_KIND_INT && !bw_btf_int(k->btf, id, &in, NULL) &&
	       (in.encoding & BW_INT_SIGNED);
}

static int each_fold(struct each *c, const struct bw_value *v)
{
	struct bw_error e;
	char where[160];
	uint64_t x;

	c->count++;
	if (c->x->agg == BW_EXPR_AGG_COUNT)
		return 0;
	if (bw_kernel_value_u64(c->k, v, &x, &e)) {
		bw_kernel_label_format(&c->label, where, sizeof(where));
		return each_stop(c, e.code, "%s%s%s", where, where[0] ? ": " : "", e.msg);
	}
	if (c->count == 1) {
		c->acc = x;
		c->acc_signed = each_signed(c->k, v);
		return 0;
	}
	switch (c->x->agg) {
	case BW_EXPR_AGG_SUM:
		if (c->acc_signed) {
			int64_t a = (int64_t)c->acc, b = (int64_t)x;

			if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
				return each_stop(c, BW_ELIMIT, "the sum overflows 64 bits");
			c->acc = (uint64_t)(a + b);
		} else if (bw_add_overflow(c->acc, x, &c->acc)) {
			return each_stop(c, BW_ELIMIT, "the sum overflows 64 bits");
		}
		break;
	case BW_EXPR_AGG_MAX:
		if (c->acc_signed ? (int64_t)x > (int64_t)c->acc : x > c->acc)
			c->acc = x;
		break;
	case BW_EXPR_AGG_MIN:
		if (c->acc_signed ? (int64_t)x < (int64_t)c->acc : x < c->acc)
			c->acc = x;
		break;
	}
	return 0;
}

static int each_deliver(struct each *c, const struct bw_value *v)
{
	if (c->x->agg)
		return each_fold(c, v);
	if (c->fn(c->ctx, &c->label, v, NULL)) {
		c->stopped = true;
		return 1;
	}
	return 0;
}

/* Run steps i+1.. on one element, labelled at depth d. */
static int each_element(struct each *c, const struct bw_expr_eval *base, uint32_t i, int kind,
			uint64_t index, uint64_t addr, uint32_t type)
{
	uint32_t d = c->label.depth;
	struct bw_expr_eval e = *base;
	int ret;

	if (++c->elements > BW_KERNEL_MAX_ELEMENTS)
		return each_stop(c, BW_ELIMIT, "more than %u elements in all",
				 BW_KERNEL_MAX_ELEMENTS);
	memset(&e.v, 0, sizeof(e.v));
	e.v.type = type;
	e.v.addr = addr;
	c->label.level[d].kind = kind;
	c->label.level[d].index = index;
	c->label.level[d].addr = addr;
	c->label.depth = d + 1;
	c->fan_end[d] = c->x->steps[i].end;
	ret = each_from(c, &e, i + 1);
	c->label.depth = d;
	return ret;
}

static int each_cpus(struct each *c, struct bw_expr_eval *e, uint32_t i)
{
	const struct bw_expr_step *s = &c->x->steps[i];
	uint64_t base;
	uint32_t cpu;
	int ret;

	if (s->op == BW_EXPR_SYMBOL_CPU) {
		ret = bw_expr_symbol(e, s);
		base = e->v.addr;
	} else if (e->v.bitfield_size) {
		ret = bw_fail(e->err, BW_EINVAL, "is a bitfield");
	} else {
		ret = bw_expr_percpu_base(e, &base);
	}
	if (ret)
		return each_failed(c, i, e->err);
	for (cpu = 0; cpu < c->k->nr_cpu_ids; cpu++) {
		struct bw_error inner;
		struct bw_expr_eval one = *e;

		one.err = &inner;
		ret = bw_expr_cpu(&one, base, cpu);
		if (ret)
			return each_failed(c, i, &inner);
		ret = each_element(c, e, i, BW_FANOUT_CPU, cpu, one.v.addr, e->v.type);
		if (ret)
			return ret;
	}
	if (!c->k->nr_cpu_ids) {
		uint64_t off;

		/* Says why per-CPU data is unknown. */
		bw_kernel_percpu_offset(c->k, 0, &off, e->err);
		return each_failed(c, i, e->err);
	}
	return 0;
}

/* What each container kind walks, and the struct that links its elements. */
static const struct {
	const char *anchor, *anchor2, *link;
} each_kinds[] = {
	[BW_FANOUT_LIST] = {"list_head", NULL, "list_head"},
	[BW_FANOUT_HLIST] = {"hlist_head", NULL, "hlist_node"},
	[BW_FANOUT_RBTREE] = {"rb_root", "rb_root_cached", "rb_node"},
	[BW_FANOUT_XARRAY] = {"xarray", NULL, NULL},
	[BW_FANOUT_IDR] = {"idr", NULL, NULL},
};

struct each_walk {
	struct each *c;
	const struct bw_expr_eval *base;
	uint32_t step;
	uint32_t type;	 /* the element type */
	uint64_t offset; /* of the member path in it (xarray, idr: applied here) */
};

static int each_walk_fn(void *ctx, uint64_t index, uint64_t addr)
{
	struct each_walk *w = ctx;
	struct each *c = w->c;
	int kind = c->x->steps[w->step].fanout;

	if (kind == BW_FANOUT_XARRAY || kind == BW_FANOUT_IDR) {
		if ((addr & 1) || addr < w->offset) {
			struct bw_error inner;
			uint32_t d = c->label.depth;
			int ret;

			bw_fail(&inner, BW_EFORMAT, "entry %llu is %s 0x%llx, not a pointer",
				(unsigned long long)index, (addr & 1) ? "the value entry" : "",
				(unsigned long long)addr);
			c->label.level[d].kind = kind;
			c->label.level[d].index = index;
			c->label.level[d].addr = addr;
			c->label.depth = d + 1;
			c->fan_end[d] = c->x->steps[w->step].end;
			ret = each_failed(c, w->step, &inner);
			c->label.depth = d;
			return ret;
		}
		addr -= w->offset;
	}
	return each_element(c, w->base, w->step, kind, index, addr, w->type);
}

/* The element type and member offset of "[kind: T.m]", checked against the operand. */
static int each_iter_prepare(struct each *c, struct bw_expr_eval *e, const struct bw_expr_step *s,
			     struct each_walk *w, bool *cached)
{
	const struct bw_btf *btf = c->k->btf;
	struct bw_member_loc loc;
	struct bw_type t, mt;
	uint32_t id;
	int ret;

	if (e->v.array_len || e->v.bitfield_size)
		return bw_fail(e->err, BW_EINVAL, "is an array or a bitfield, not a struct %s",
			       each_kinds[s->fanout].anchor);
	ret = bw_expr_resolved(e, &t);
	if (ret)
		return ret;
	*cached = each_kinds[s->fanout].anchor2 && !strcmp(t.name, each_kinds[s->fanout].anchor2);
	if (t.kind != BW_KIND_STRUCT || (strcmp(t.name, each_kinds[s->fanout].anchor) && !*cached))
		return bw_fail(e->err, BW_EINVAL, "is a %s %s, not a struct %s%s%s",
			       bw_kind_name(t.kind), t.name[0] ? t.name : "(anon)",
			       each_kinds[s->fanout].anchor,
			       *cached || !each_kinds[s->fanout].anchor2 ? "" : " or struct ",
			       each_kinds[s->fanout].anchor2 ? each_kinds[s->fanout].anchor2 : "");
	if (bw_btf_find(btf, s->name, s->kind, &id, NULL))
		return bw_fail(e->err, BW_ENOENT, "no type '%s%s' in the BTF",
			       s->kind == BW_KIND_STRUCT  ? "struct "
			       : s->kind == BW_KIND_UNION ? "union "
							  : "",
			       s->name);
	w->type = id;
	w->offset = 0;
	if (!s->member[0])
		return 0;
	ret = bw_btf_path(btf, id, s->member, &loc, e->err);
	if (ret)
		return ret;
	if (loc.bitfield_size)
		return bw_fail(e->err, BW_EINVAL, "%s.%s is a bitfield", s->name, s->member);
	w->offset = loc.byte_offset;
	if (!each_kinds[s->fanout].link)
		return 0;
	if (bw_btf_resolve(btf, loc.type, &id, e->err) || bw_btf_type(btf, id, &mt, e->err))
		return -e->err->code;
	if (mt.kind != BW_KIND_STRUCT || strcmp(mt.name, each_kinds[s->fanout].link))
		return bw_fail(e->err, BW_EINVAL, "%s.%s is a %s %s, not a struct %s", s->name,
			       s->member, bw_kind_name(mt.kind), mt.name[0] ? mt.name : "(anon)",
			       each_kinds[s->fanout].link);
	return 0;
}

static int each_iter(struct each *c, struct bw_expr_eval *e, uint32_t i)
{
	const struct bw_expr_step *s = &c->x->steps[i];
	struct each_walk w = {.c = c, .base = e, .step = i};
	struct bw_iter_walk iw = {.fn = each_walk_fn, .ctx = &w};
	struct bw_error inner;
	bool cached = false;
	int ret = each_iter_prepare(c, e, s, &w, &cached);

	if (ret)
		return each_failed(c, i, e->err);
	if (s->fanout != BW_FANOUT_XARRAY && s->fanout != BW_FANOUT_IDR)
		iw.entry_off = w.offset;
	switch (s->fanout) {
	case BW_FANOUT_LIST:
		ret = bw_iter_list(c->k, e->v.addr, &iw, &inner);
		break;
	case BW_FANOUT_HLIST:
		ret = bw_iter_hlist(c->k, e->v.addr, &iw, &inner);
		break;
	case BW_FANOUT_RBTREE:
		ret = bw_iter_rbtree(c->k, e->v.addr, cached, &iw, &inner);
		break;
	case BW_FANOUT_XARRAY:
		ret = bw_iter_xarray(c->k, e->v.addr, &iw, &inner);
		break;
	default:
		ret = bw_iter_idr(c->k, e->v.addr, &iw, &inner);
		break;
	}
	if (c->failed)
		return -c->err->code;
	if (c->stopped)
		return 1;
	return ret ? each_failed(c, i, &inner) : 0;
}

/* Steps i.. from the lvalue e: 0 done, 1 stopped by fn, < 0 failed (c->err set). */
static int each_from(struct each *c, const struct bw_expr_eval *from, uint32_t i)
{
	struct bw_error inner = {0};
	struct bw_expr_eval e = *from;

	e.err = &inner;
	for (; i < c->x->nsteps; i++) {
		const struct bw_expr_step *s = &c->x->steps[i];

		if (s->all_cpus)
			return each_cpus(c, &e, i);
		if (s->op == BW_EXPR_ITER)
			return each_iter(c, &e, i);
		if (bw_expr_step_eval(&e, s))
			return each_failed(c, i, &inner);
	}
	return each_deliver(c, &e.v);
}

/* Evaluate the parsed x: 0 (also when fn stopped it) or < 0 with err set. */
static int each_run(const struct bw_kernel *k, const char *text, struct each *c,
		    const struct bw_expr *x, struct bw_error *err)
{
	struct bw_error local;
	struct bw_expr_eval e = {.k = k};
	int ret;

	c->k = k;
	c->text = text;
	c->x = x;
	c->err = err ? err : &local;
	ret = each_from(c, &e, 0);
	if (ret > 0)
		ret = 0;
	if (!ret && x->agg != BW_EXPR_AGG_NONE && x->agg != BW_EXPR_AGG_COUNT && !c->count)
		ret = each_stop(c, BW_ENOENT, "%s of no values",
				x->agg == BW_EXPR_AGG_SUM   ? "sum"
				: x->agg == BW_EXPR_AGG_MAX ? "max"
							    : "min");
	return ret;
}

static int each_parse(const struct bw_kernel *k, const char *text, struct bw_expr *x,
		      struct bw_error *err)
{
	struct bw_error inner;
	int ret = bw_expr_parse(text, k->alloc, x, &inner);

	if (ret)
		return bw_fail(err, inner.code, "%s: %s", text ? text : "(null)", inner.msg);
	return 0;
}

static void each_result(const struct each *c, struct bw_value *out)
{
	memset(out, 0, sizeof(*out));
	out->computed = true;
	out->computed_signed = c->acc_signed;
	out->number = c->x->agg == BW_EXPR_AGG_COUNT ? c->count : c->count ? c->acc : 0;
}

static int each_one_fn(void *ctx, const struct bw_value_label *label, const struct bw_value *v,
		       const struct bw_error *elem_err)
{
	(void)label;
	(void)elem_err;
	*(struct bw_value *)ctx = *v;
	return 0;
}

int bw_kernel_eval(const struct bw_kernel *k, const char *expr, struct bw_value *out,
		   struct bw_error *err)
{
	struct each c = {.fn = each_one_fn, .ctx = out};
	struct bw_expr x;
	int ret;

	if (!k || !out)
		return bw_fail(err, BW_EINVAL, "bw_kernel_eval: k and out must not be NULL");
	ret = each_parse(k, expr, &x, err);
	if (ret)
		return ret;
	if (x.nfanout && !x.agg)
		ret = bw_fail(err, BW_EINVAL,
			      "%s: yields a value per CPU or element: use bw_kernel_eval_each, or "
			      "an aggregate (sum, max, min, count)",
			      expr);
	else
		ret = each_run(k, expr, &c, &x, err);
	if (!ret && x.agg)
		each_result(&c, out);
	bw_expr_free(k->alloc, &x);
	return ret;
}

int bw_kernel_eval_each(const struct bw_kernel *k, const char *expr, bw_value_fn fn, void *ctx,
			struct bw_error *err)
{
	struct each c = {.fn = fn, .ctx = ctx};
	struct bw_value_label top = {0};
	struct bw_value v;
	struct bw_expr x;
	int ret;

	if (!k || !fn)
		return bw_fail(err, BW_EINVAL, "bw_kernel_eval_each: k and fn must not be NULL");
	ret = each_parse(k, expr, &x, err);
	if (ret)
		return ret;
	ret = each_run(k, expr, &c, &x, err);
	if (!ret && x.agg) {
		each_result(&c, &v);
		fn(ctx, &top, &v, NULL);
	}
	bw_expr_free(k->alloc, &x);
	return ret;
}
