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
};

struct bw_expr_step {
	enum bw_expr_op op;
	char name[BW_EXPR_MAX_NAME];
	uint64_t n;   /* index, CPU number or address */
	int kind;     /* OBJECT_AT: BW_KIND_STRUCT, BW_KIND_UNION, or BW_KIND_UNKN (any) */
	uint32_t end; /* offset in the text just past this step (for messages) */
};

struct bw_expr {
	uint32_t nsteps;
	struct bw_expr_step *steps;
};

/* Parse; syntax errors are BW_EINVAL "column C: ..." (1-based). Free with bw_expr_free. */
int bw_expr_parse(const char *text, const struct bw_allocator *alloc, struct bw_expr *out,
		  struct bw_error *err);
void bw_expr_free(const struct bw_allocator *alloc, struct bw_expr *e);

/* bw_kernel_eval, and how many pointers it followed (0: the address depends only on symbols,
 * per-CPU offsets and BTF, not on pointers read from memory). */
int bw_kernel_eval_chased(const struct bw_kernel *k, const char *expr, struct bw_value *out,
			  uint32_t *chased, struct bw_error *err);

/* How a scalar value is stored: nbytes at its address, then bits from bit shift. */
struct bw_scalar {
	uint32_t nbytes, shift, bits;
	bool is_signed;
};
int bw_value_scalar(const struct bw_kernel *k, const struct bw_value *v, struct bw_scalar *out,
		    struct bw_error *err);
/* The value in buf (s->nbytes bytes), sign-extended when signed. */
uint64_t bw_scalar_decode(const struct bw_scalar *s, const uint8_t *buf);

#endif
