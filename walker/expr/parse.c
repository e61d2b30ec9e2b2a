/* SPDX-License-Identifier: MIT */
/*
 * Path expression parser: turns "node_data[1]->node_zones[2].vm_numa_event[0]" into a flat list
 * of postfix steps. Every construct of the grammar is postfix, so parentheses only group and the
 * result needs no tree. The grammar is documented in include/btfwalk/kernel.h.
 */
#include <string.h>
#include "internal.h"
#include "expr/expr_impl.h"

struct expr_parser {
	const char *text;
	size_t len;
	size_t pos;
	struct bw_expr *out;
	uint32_t cap;
	const struct bw_allocator *alloc;
	struct bw_error *err;
};

static int expr_syntax(struct expr_parser *p, const char *what)
{
	if (p->pos >= p->len)
		return bw_fail(p->err, BW_EINVAL, "column %zu: %s, found end of expression",
			       p->pos + 1, what);
	return bw_fail(p->err, BW_EINVAL, "column %zu: %s, found '%c'", p->pos + 1, what,
		       p->text[p->pos]);
}

static void expr_skip_space(struct expr_parser *p)
{
	while (p->pos < p->len && (p->text[p->pos] == ' ' || p->text[p->pos] == '\t'))
		p->pos++;
}

static bool expr_is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool expr_is_ident_char(char c)
{
	return expr_is_ident_start(c) || (c >= '0' && c <= '9');
}

static struct bw_expr_step *expr_push(struct expr_parser *p, enum bw_expr_op op)
{
	struct bw_expr_step *s;

	if (p->out->nsteps == BW_EXPR_MAX_STEPS) {
		bw_fail(p->err, BW_ELIMIT, "column %zu: more than %u steps in one expression",
			p->pos + 1, BW_EXPR_MAX_STEPS);
		return NULL;
	}
	if (p->out->nsteps == p->cap) {
		uint32_t ncap = p->cap ? p->cap * 2 : 8;
		void *n = bw_realloc(p->alloc, p->out->steps, (size_t)ncap * sizeof(*s));

		if (!n) {
			bw_fail(p->err, BW_ENOMEM, "out of memory parsing expression");
			return NULL;
		}
		p->out->steps = n;
		p->cap = ncap;
	}
	s = &p->out->steps[p->out->nsteps++];
	memset(s, 0, sizeof(*s));
	s->op = op;
	return s;
}

static int expr_name(struct expr_parser *p, char *name, const char *what)
{
	size_t start;

	expr_skip_space(p);
	if (p->pos >= p->len || !expr_is_ident_start(p->text[p->pos]))
		return expr_syntax(p, what);
	start = p->pos;
	while (p->pos < p->len && expr_is_ident_char(p->text[p->pos]))
		p->pos++;
	if (p->pos - start >= BW_EXPR_MAX_NAME)
		return bw_fail(p->err, BW_ELIMIT, "column %zu: name longer than %u characters",
			       start + 1, BW_EXPR_MAX_NAME - 1);
	memcpy(name, p->text + start, p->pos - start);
	name[p->pos - start] = '\0';
	return 0;
}

/* Decimal or 0x-hex, no sign. */
static int expr_number(struct expr_parser *p, uint64_t *out, const char *what)
{
	size_t start;
	unsigned base = 10;
	uint64_t v = 0;

	expr_skip_space(p);
	start = p->pos;
	if (p->pos + 1 < p->len && p->text[p->pos] == '0' &&
	    (p->text[p->pos + 1] == 'x' || p->text[p->pos + 1] == 'X')) {
		base = 16;
		p->pos += 2;
	}
	while (p->pos < p->len) {
		char c = p->text[p->pos];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			break;
		if (bw_mul_overflow(v, base, &v) || bw_add_overflow(v, d, &v))
			return bw_fail(p->err, BW_EINVAL, "column %zu: number too large",
				       start + 1);
		p->pos++;
	}
	if (p->pos == start || (base == 16 && p->pos == start + 2)) {
		p->pos = start + (base == 16 ? 2 : 0);
		return expr_syntax(p, what);
	}
	if (p->pos < p->len && expr_is_ident_char(p->text[p->pos]))
		return expr_syntax(p, "expected a number");
	*out = v;
	return 0;
}

static int expr_expect(struct expr_parser *p, char c, const char *what)
{
	expr_skip_space(p);
	if (p->pos >= p->len || p->text[p->pos] != c)
		return expr_syntax(p, what);
	p->pos++;
	return 0;
}

static int expr_fanout(struct expr_parser *p)
{
	if (++p->out->nfanout > BW_KERNEL_MAX_FANOUT)
		return bw_fail(p->err, BW_ELIMIT,
			       "column %zu: more than %u iterations in one "
			       "expression",
			       p->pos + 1, BW_KERNEL_MAX_FANOUT);
	return 0;
}

/* "@cpu" N or "@cpu*", p->pos at '@'. */
static int expr_cpu(struct expr_parser *p, struct bw_expr_step *s)
{
	p->pos++;
	expr_skip_space(p);
	if (p->len - p->pos < 3 || memcmp(p->text + p->pos, "cpu", 3))
		return expr_syntax(p, "expected 'cpu' after '@'");
	p->pos += 3;
	expr_skip_space(p);
	if (p->pos < p->len && p->text[p->pos] == '*') {
		p->pos++;
		s->all_cpus = true;
		return expr_fanout(p);
	}
	return expr_number(p, &s->n, "expected a CPU number or '*' after '@cpu'");
}

static const struct {
	const char *name;
	int fanout;
	bool needs_member;
} expr_iters[] = {
	{"list", BW_FANOUT_LIST, true},	    {"hlist", BW_FANOUT_HLIST, true},
	{"rbtree", BW_FANOUT_RBTREE, true}, {"xarray", BW_FANOUT_XARRAY, false},
	{"idr", BW_FANOUT_IDR, false},
};

/* The member path after the element type: name { "." name }. */
static int expr_member_path(struct expr_parser *p, struct bw_expr_step *s)
{
	size_t n = 0;

	while (p->pos < p->len && p->text[p->pos] == '.') {
		char part[BW_EXPR_MAX_NAME];
		size_t len;
		int ret;

		p->pos++;
		ret = expr_name(p, part, "expected a member name after '.'");
		if (ret)
			return ret;
		len = strlen(part);
		if (n + !!n + len >= BW_EXPR_MAX_NAME)
			return bw_fail(p->err, BW_ELIMIT,
				       "column %zu: member path longer than %u characters",
				       p->pos + 1, BW_EXPR_MAX_NAME - 1);
		if (n)
			s->member[n++] = '.';
		memcpy(s->member + n, part, len + 1);
		n += len;
		expr_skip_space(p);
	}
	return 0;
}

/* "[" kind ":" ["struct" | "union"] type { "." member } "]", p->pos just past '['. */
static int expr_parse_iter(struct expr_parser *p, struct bw_expr_step *s)
{
	char kw[BW_EXPR_MAX_NAME];
	size_t i, at = p->pos;
	int ret = expr_name(p, kw, "expected an index or an iteration after '['");

	if (ret)
		return ret;
	for (i = 0; i < sizeof(expr_iters) / sizeof(expr_iters[0]); i++)
		if (!strcmp(kw, expr_iters[i].name))
			break;
	if (i == sizeof(expr_iters) / sizeof(expr_iters[0])) {
		p->pos = at;
		return expr_syntax(p, "expected an index, 'list', 'hlist', 'rbtree', 'xarray' or "
				      "'idr' after '['");
	}
	s->op = BW_EXPR_ITER;
	s->fanout = expr_iters[i].fanout;
	ret = expr_expect(p, ':', "expected ':' after the iteration kind");
	if (!ret)
		ret = expr_name(p, s->name, "expected the element type after ':'");
	if (!ret && (!strcmp(s->name, "struct") || !strcmp(s->name, "union"))) {
		s->kind = s->name[0] == 's' ? BW_KIND_STRUCT : BW_KIND_UNION;
		ret = expr_name(p, s->name, "expected a type name");
	}
	if (ret)
		return ret;
	expr_skip_space(p);
	ret = expr_member_path(p, s);
	if (ret)
		return ret;
	if (expr_iters[i].needs_member && !s->member[0])
		return expr_syntax(p, "expected '.' and the member that links the elements");
	if (p->pos >= p->len || p->text[p->pos] != ']')
		return expr_syntax(p, "expected ']'");
	p->pos++;
	return expr_fanout(p);
}

static int expr_parse_chain(struct expr_parser *p, unsigned depth);

/* "*" "(" ["struct" | "union"] name "*" ")" N, p->pos at '*'. */
static int expr_parse_object_at(struct expr_parser *p)
{
	struct bw_expr_step *s = expr_push(p, BW_EXPR_OBJECT_AT);
	int ret;

	if (!s)
		return -p->err->code;
	p->pos++;
	ret = expr_expect(p, '(', "expected '(' after '*'");
	if (!ret)
		ret = expr_name(p, s->name, "expected a type name after '*('");
	if (!ret && (!strcmp(s->name, "struct") || !strcmp(s->name, "union"))) {
		s->kind = s->name[0] == 's' ? BW_KIND_STRUCT : BW_KIND_UNION;
		ret = expr_name(p, s->name, "expected a type name");
	}
	if (!ret)
		ret = expr_expect(p, '*', "expected '*' after the type name");
	if (!ret)
		ret = expr_expect(p, ')', "expected ')' after the type");
	if (!ret)
		ret = expr_number(p, &s->n, "expected an address");
	s->end = (uint32_t)p->pos;
	return ret;
}

static int expr_parse_primary(struct expr_parser *p, unsigned depth)
{
	struct bw_expr_step *s;
	int ret;

	expr_skip_space(p);
	if (p->pos < p->len && p->text[p->pos] == '(') {
		if (depth >= BW_EXPR_MAX_PARENS)
			return bw_fail(p->err, BW_ELIMIT,
				       "column %zu: parentheses nested deeper than %u", p->pos + 1,
				       BW_EXPR_MAX_PARENS);
		p->pos++;
		ret = expr_parse_chain(p, depth + 1);
		if (ret)
			return ret;
		expr_skip_space(p);
		if (p->pos >= p->len || p->text[p->pos] != ')')
			return expr_syntax(p, "expected ')'");
		p->pos++;
		return 0;
	}
	if (p->pos < p->len && p->text[p->pos] == '*')
		return expr_parse_object_at(p);
	s = expr_push(p, BW_EXPR_SYMBOL);
	if (!s)
		return -p->err->code;
	ret = expr_name(p, s->name, "expected a symbol, '(' or '*('");
	if (ret)
		return ret;
	expr_skip_space(p);
	if (p->pos < p->len && p->text[p->pos] == '@') {
		s->op = BW_EXPR_SYMBOL_CPU;
		ret = expr_cpu(p, s);
		if (ret)
			return ret;
	}
	s->end = (uint32_t)p->pos;
	return 0;
}

static int expr_parse_postfix(struct expr_parser *p, struct bw_expr_step **sp)
{
	const char *t = p->text;
	struct bw_expr_step *s;
	int ret;

	if (t[p->pos] == '.' || (t[p->pos] == '-' && p->pos + 1 < p->len && t[p->pos + 1] == '>')) {
		bool arrow = t[p->pos] == '-';

		s = expr_push(p, arrow ? BW_EXPR_ARROW : BW_EXPR_MEMBER);
		if (!s)
			return -p->err->code;
		p->pos += arrow ? 2 : 1;
		ret = expr_name(p, s->name,
				arrow ? "expected a member name after '->'"
				      : "expected a member name after '.'");
	} else if (t[p->pos] == '[') {
		s = expr_push(p, BW_EXPR_INDEX);
		if (!s)
			return -p->err->code;
		p->pos++;
		expr_skip_space(p);
		if (p->pos < p->len && expr_is_ident_start(t[p->pos]))
			ret = expr_parse_iter(p, s);
		else
			ret = expr_number(p, &s->n, "expected an index after '['");
		if (!ret && s->op == BW_EXPR_INDEX) {
			expr_skip_space(p);
			if (p->pos >= p->len || t[p->pos] != ']')
				ret = expr_syntax(p, "expected ']'");
			else
				p->pos++;
		}
	} else if (t[p->pos] == '@') {
		s = expr_push(p, BW_EXPR_PERCPU);
		if (!s)
			return -p->err->code;
		ret = expr_cpu(p, s);
	} else {
		*sp = NULL;
		return 0;
	}
	if (ret)
		return ret;
	s->end = (uint32_t)p->pos;
	*sp = s;
	return 0;
}

static int expr_parse_chain(struct expr_parser *p, unsigned depth)
{
	int ret = expr_parse_primary(p, depth);

	while (!ret) {
		struct bw_expr_step *s = NULL;

		expr_skip_space(p);
		if (p->pos >= p->len)
			break;
		ret = expr_parse_postfix(p, &s);
		if (!ret && !s)
			break;
	}
	return ret;
}

static const char *const expr_aggs[] = {
	[BW_EXPR_AGG_SUM] = "sum",
	[BW_EXPR_AGG_MAX] = "max",
	[BW_EXPR_AGG_MIN] = "min",
	[BW_EXPR_AGG_COUNT] = "count",
};

/* [ ("sum" | "max" | "min" | "count") "(" ] expr [ ")" ]: an aggregate wraps it all. */
static int expr_parse_top(struct expr_parser *p)
{
	char name[BW_EXPR_MAX_NAME];
	size_t at;
	int agg, ret;

	expr_skip_space(p);
	at = p->pos;
	if (!expr_name(p, name, "")) {
		expr_skip_space(p);
		for (agg = BW_EXPR_AGG_SUM; agg <= BW_EXPR_AGG_COUNT; agg++)
			if (!strcmp(name, expr_aggs[agg]) && p->pos < p->len &&
			    p->text[p->pos] == '(')
				break;
		if (agg <= BW_EXPR_AGG_COUNT) {
			p->out->agg = agg;
			p->pos++;
			ret = expr_parse_chain(p, 1);
			if (!ret)
				ret = expr_expect(p, ')', "expected ')' closing the aggregate");
			return ret;
		}
	}
	p->pos = at;
	return expr_parse_chain(p, 0);
}

int bw_expr_parse(const char *text, const struct bw_allocator *alloc, struct bw_expr *out,
		  struct bw_error *err)
{
	struct bw_error local;
	struct expr_parser p = {
		.text = text,
		.alloc = alloc,
		.out = out,
		.err = err ? err : &local,
	};
	int ret;

	memset(out, 0, sizeof(*out));
	if (!text)
		return bw_fail(err, BW_EINVAL, "expression is NULL");
	while (p.len <= BW_EXPR_MAX_LEN && text[p.len])
		p.len++;
	if (p.len > BW_EXPR_MAX_LEN)
		return bw_fail(err, BW_ELIMIT, "expression longer than %u characters",
			       BW_EXPR_MAX_LEN);
	ret = expr_parse_top(&p);
	if (!ret) {
		expr_skip_space(&p);
		if (p.pos < p.len)
			ret = expr_syntax(&p, p.text[p.pos] == ')'
						      ? "unbalanced ')'"
						      : "expected '.', '->', '[' or '@cpu'");
	}
	if (ret)
		bw_expr_free(alloc, out);
	return ret;
}

void bw_expr_free(const struct bw_allocator *alloc, struct bw_expr *e)
{
	bw_free(alloc, e->steps);
	e->steps = NULL;
	e->nsteps = 0;
}
