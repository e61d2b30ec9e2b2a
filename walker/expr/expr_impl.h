/* SPDX-License-Identifier: MIT */
/* Path expressions: the parsed form shared by parse.c and eval.c (not installed). */
#ifndef BTFWALK_EXPR_IMPL_H
#define BTFWALK_EXPR_IMPL_H

#include "kernel/kernel_impl.h"

#define BW_EXPR_MAX_LEN 4096  /* characters of one expression */
#define BW_EXPR_MAX_STEPS 256 /* postfix steps */
#define BW_EXPR_MAX_PARENS 32 /* nesting of parentheses */
#define BW_EXPR_MAX_NAME 128  /* characters of one symbol or member name */

enum bw_expr_op {
	BW_EXPR_SYMBOL,	    /* name */
	BW_EXPR_SYMBOL_CPU, /* name @cpu N: CPU N's copy of a per-CPU variable */
	BW_EXPR_MEMBER,	    /* . name */
	BW_EXPR_ARROW,	    /* -> name */
	BW_EXPR_INDEX,	    /* [ N ] */
	BW_EXPR_PERCPU,	    /* @cpu N on a __percpu pointer */
	BW_EXPR_OBJECT_AT,  /* *(struct name *)N: the object at address N */
	BW_EXPR_ITER,	    /* [kind: struct name.member]: each element of a container */
};

/* sum(...), max(...), min(...), count(...) around the whole expression. */
enum bw_expr_agg {
	BW_EXPR_AGG_NONE,
	BW_EXPR_AGG_SUM,
	BW_EXPR_AGG_MAX,
	BW_EXPR_AGG_MIN,
	BW_EXPR_AGG_COUNT,
};

struct bw_expr_step {
	enum bw_expr_op op;
	char name[BW_EXPR_MAX_NAME];
	uint64_t n;    /* index, CPU number or address */
	int kind;      /* OBJECT_AT, ITER: BW_KIND_STRUCT, BW_KIND_UNION, or BW_KIND_UNKN (any) */
	bool all_cpus; /* SYMBOL_CPU, PERCPU: "@cpu*" */
	int fanout;    /* ITER: enum bw_fanout (LIST, HLIST, RBTREE, XARRAY, IDR) */
	char member[BW_EXPR_MAX_NAME]; /* ITER: member path in the element type; "" none */
	uint32_t end;		       /* offset in the text just past this step (for messages) */
};

struct bw_expr {
	uint32_t nsteps;
	struct bw_expr_step *steps;
	int agg;	  /* enum bw_expr_agg */
	uint32_t nfanout; /* steps with all_cpus or op ITER (at most BW_KERNEL_MAX_FANOUT) */
};

/* Parse; syntax errors are BW_EINVAL "column C: ..." (1-based). Free with bw_expr_free. */
int bw_expr_parse(const char *text, const struct bw_allocator *alloc, struct bw_expr *out,
		  struct bw_error *err);
void bw_expr_free(const struct bw_allocator *alloc, struct bw_expr *e);

/* eval.c: the steps on one lvalue. err receives each failure's reason (no expression text). */
struct bw_expr_eval {
	const struct bw_kernel *k;
	struct bw_value v;
	uint32_t chased; /* dereferences so far, against BW_KERNEL_MAX_CHASE */
	struct bw_error *err;
};
/* Any step but ITER; SYMBOL_CPU and PERCPU with all_cpus are the callers' (see below). */
int bw_expr_step_eval(struct bw_expr_eval *e, const struct bw_expr_step *s);
/* e->v = the variable; a per-CPU one at its per-CPU-section address (move it with
 * bw_expr_cpu). */
int bw_expr_symbol(struct bw_expr_eval *e, const struct bw_expr_step *s);
/* Dereference the __percpu pointer e->v into *target (its per-CPU-section address). */
int bw_expr_percpu_base(struct bw_expr_eval *e, uint64_t *target);
/* e->v.addr = base + __per_cpu_offset[cpu]. */
int bw_expr_cpu(struct bw_expr_eval *e, uint64_t base, uint64_t cpu);
/* The resolved type of e->v. */
int bw_expr_resolved(struct bw_expr_eval *e, struct bw_type *t);

#endif
