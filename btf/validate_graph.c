/* SPDX-License-Identifier: MIT */
/*
 * The type graph: cycles found without recursion (a depth-first search with an explicit stack
 * and colours over "contains by value" edges, then pointer/modifier chains followed with
 * marks). In post-order, when all a type contains is done, its size, alignment and resolved
 * kind are noted and the rules that need them are checked (validate_sizes.c), so queries need
 * no walk.
 */
#include "btf_impl.h"

#define btfgraph_fail(btf, err, id, code, ...) bw_btfi_type_fail(btf, id, err, code, __VA_ARGS__)

enum { BTFGRAPH_WHITE, BTFGRAPH_GREY, BTFGRAPH_BLACK, BTFGRAPH_PTR_GREY, BTFGRAPH_PTR_BLACK };

struct btfgraph {
	struct bw_btf *btf;
	struct bw_error *err;
	uint8_t *colour;
	uint8_t *depth; /* typedef/modifier hops from a type of this blob to a non-modifier */
};

struct btfgraph_frame {
	const uint8_t *child; /* the next child's type id field */
	uint32_t idx;	      /* type index in this blob */
	uint32_t left;	      /* children not visited yet */
	uint32_t stride;      /* bytes between children's id fields */
};

/* Kinds that contain other types by value (variables and sections too: their checks need
 * their types' sizes). */
#define BTFGRAPH_CONTAINERS                                                                        \
	((1u << BW_KIND_ARRAY) | (1u << BW_KIND_STRUCT) | (1u << BW_KIND_UNION) |                  \
	 (1u << BW_KIND_TYPEDEF) | (1u << BW_KIND_CONST) | (1u << BW_KIND_VOLATILE) |              \
	 (1u << BW_KIND_RESTRICT) | (1u << BW_KIND_TYPE_TAG) | (1u << BW_KIND_VAR) |               \
	 (1u << BW_KIND_DATASEC))

/* Leaves with nothing to note or check but that they have no size. */
#define BTFGRAPH_UNSIZED ((1u << BW_KIND_FUNC) | (1u << BW_KIND_FUNC_PROTO) | (1u << BW_KIND_FWD))

static bool btfgraph_is_leaf(int kind)
{
	return !((BTFGRAPH_CONTAINERS >> kind) & 1);
}

/* A frame for idx: where the ids of the types it contains by value are (what its size, layout
 * or checks depend on). */
static struct btfgraph_frame btfgraph_frame_of(const struct bw_btf *btf, uint32_t idx)
{
	const uint8_t *t = btf->types + btf->offs[idx];
	int kind = btf->kinds[idx];
	uint32_t vlen = bw_btfi_info_vlen(bw_btfi_rd32(t + 4));

	if (kind == BW_KIND_ARRAY) /* element and index */
		return (struct btfgraph_frame){t + BW_BTF_TYPE_LEN, idx, 2, 4};
	if (kind == BW_KIND_STRUCT || kind == BW_KIND_UNION)
		return (struct btfgraph_frame){t + BW_BTF_TYPE_LEN + 4, idx, vlen,
					       BW_BTF_MEMBER_LEN};
	if (kind == BW_KIND_DATASEC)
		return (struct btfgraph_frame){t + BW_BTF_TYPE_LEN, idx, vlen, BW_BTF_SECINFO_LEN};
	return (struct btfgraph_frame){t + 8, idx, 1, 0}; /* modifiers and VAR: their type */
}

static uint8_t btfgraph_log2(uint32_t v)
{
	uint8_t lg = 0;

	while (v > 1) {
		v >>= 1;
		lg++;
	}
	return lg;
}

/* Modifier hops from id (of this blob, finished, or of the base) to a non-modifier. */
static uint32_t btfgraph_depth_of(const struct btfgraph *g, uint32_t id)
{
	const struct bw_btf *btf = g->btf;
	uint32_t hops = 0;

	if (id >= btf->start_id)
		return g->depth[id - btf->start_id];
	/* A base type: its chains are validated, so this walk ends within the cap. */
	while (id && bw_btfi_is_modifier(bw_btfi_kind(btf, id)) &&
	       hops <= BW_BTF_MAX_RESOLVE_DEPTH) {
		id = bw_btfi_rd32(bw_btfi_rec(btf, id) + 8);
		hops++;
	}
	return hops;
}

/* The facts of a type without size, alignment or modifiers; idx is done. */
static inline void btfgraph_unsized(struct btfgraph *g, uint32_t idx, int kind)
{
	g->colour[idx] = BTFGRAPH_BLACK;
	g->btf->rkinds[idx] = (uint8_t)kind;
	g->btf->sizes[idx] = BW_BTFI_NO_SIZE;
	g->btf->align_log2[idx] = BW_BTFI_NO_ALIGN;
}

/* Type index idx: all it contains by value is done; note its facts and check its rules. */
static int btfgraph_finish(struct btfgraph *g, uint32_t idx)
{
	struct bw_btf *btf = g->btf;
	const uint8_t *t = btf->types + btf->offs[idx];
	uint32_t id = btf->start_id + idx, st = bw_btfi_rd32(t + 8), depth;
	int kind = btf->kinds[idx];

	/* Every type gets all its facts here, once: first those of a type without size. */
	btfgraph_unsized(g, idx, kind);
	switch (kind) {
	case BW_KIND_INT:
	case BW_KIND_ENUM:
	case BW_KIND_ENUM64:
	case BW_KIND_FLOAT:
		btf->sizes[idx] = st;
		/* 16-byte scalars (__int128, long double) are 16-aligned on 64-bit ABIs. */
		if (st == 16 && btf->ptr_size == 8)
			btf->align_log2[idx] = 4;
		else
			btf->align_log2[idx] =
				btfgraph_log2(st < btf->ptr_size ? st : btf->ptr_size);
		return 0;
	case BW_KIND_DATASEC:
		btf->sizes[idx] = st;
		return bw_btfi_check_datasec(btf, idx, g->err);
	case BW_KIND_VAR:
		return bw_btfi_check_var(btf, idx, g->err);
	case BW_KIND_DECL_TAG:
		return bw_btfi_check_decl_tag(btf, idx, g->err);
	case BW_KIND_PTR:
		btf->sizes[idx] = btf->ptr_size;
		btf->align_log2[idx] = btfgraph_log2(btf->ptr_size);
		return 0;
	case BW_KIND_ARRAY:
		return bw_btfi_check_array(btf, idx, g->err);
	case BW_KIND_STRUCT:
	case BW_KIND_UNION:
		btf->sizes[idx] = st;
		return bw_btfi_check_members(btf, idx, g->err);
	default:
		if (!bw_btfi_is_modifier(kind))
			return 0; /* FUNC, FUNC_PROTO, FWD: no size */
		depth = bw_btfi_is_modifier(bw_btfi_kind(btf, st)) ? btfgraph_depth_of(g, st) : 0;
		if (depth >= BW_BTF_MAX_RESOLVE_DEPTH)
			return btfgraph_fail(btf, g->err, id, BW_ELIMIT,
					     "more than %u typedef/"
					     "modifier hops to a type",
					     BW_BTF_MAX_RESOLVE_DEPTH);
		g->depth[idx] = (uint8_t)(depth + 1);
		btf->rkinds[idx] = (uint8_t)bw_btfi_rkind_of(btf, st);
		btf->sizes[idx] = bw_btfi_size_of(btf, st);
		btf->align_log2[idx] = bw_btfi_align_of(btf, st);
		return 0;
	}
}

static int btfgraph_grow(struct btfgraph *g, struct btfgraph_frame **stack, uint32_t *cap)
{
	struct btfgraph_frame *ns;

	ns = bw_btfi_tab_grow(g->btf, *stack, (size_t)*cap * sizeof(**stack),
			      (size_t)*cap * 2 * sizeof(**stack));
	if (!ns)
		return bw_fail(g->err, BW_ENOMEM, "BTF: no memory for a %u-deep cycle search",
			       *cap * 2);
	*stack = ns;
	*cap *= 2;
	return 0;
}

/*
 * Depth-first search, with an explicit stack, over "contains by value" edges (modifier ->
 * target, array -> element and index, struct -> member): a grey node met again is a type that
 * contains itself. Base types are done already and never point into this blob.
 */
static int btfgraph_value_cycles(struct btfgraph *g)
{
	struct bw_btf *btf = g->btf;
	struct btfgraph_frame *stack, *top;
	uint32_t cap = 64, depth, i, child;
	int ret = 0;

	stack = bw_btfi_tab_alloc(btf, cap, sizeof(*stack));
	if (!stack)
		return bw_fail(g->err, BW_ENOMEM, "BTF: no memory for the cycle search");
	for (i = 0; i < btf->nr_types && !ret; i++) {
		if (g->colour[i] != BTFGRAPH_WHITE)
			continue;
		/* Most types (functions, pointers, integers) contain nothing by value. */
		if (btfgraph_is_leaf(btf->kinds[i])) {
			if ((BTFGRAPH_UNSIZED >> btf->kinds[i]) & 1)
				btfgraph_unsized(g, i, btf->kinds[i]);
			else
				ret = btfgraph_finish(g, i);
			continue;
		}
		g->colour[i] = BTFGRAPH_GREY;
		stack[0] = btfgraph_frame_of(btf, i);
		depth = 1;
		while (depth && !ret) {
			top = &stack[depth - 1];
			if (!top->left) {
				ret = btfgraph_finish(g, top->idx);
				depth--;
				continue;
			}
			child = bw_btfi_rd32(top->child);
			top->child += top->stride;
			top->left--;
			if (child < btf->start_id)
				continue;
			child -= btf->start_id;
			if (g->colour[child] == BTFGRAPH_GREY) {
				ret = btfgraph_fail(
					btf, g->err, btf->start_id + top->idx, BW_EFORMAT,
					"reference cycle: [%u] contains itself by value",
					btf->start_id + child);
			} else if (g->colour[child] != BTFGRAPH_WHITE) {
				continue;
			} else if (btfgraph_is_leaf(btf->kinds[child])) {
				ret = btfgraph_finish(g, child);
			} else if (depth < cap || !(ret = btfgraph_grow(g, &stack, &cap))) {
				g->colour[child] = BTFGRAPH_GREY;
				stack[depth++] = btfgraph_frame_of(btf, child);
			}
		}
	}
	bw_btfi_tab_free(btf, stack);
	return ret;
}

/* Pointers and modifiers form chains with one target each: follow them, marking the path. */
static int btfgraph_pointer_cycles(const struct btfgraph *g)
{
	const struct bw_btf *btf = g->btf;
	uint8_t *colour = g->colour;
	uint32_t i, j, id;

	for (i = 0; i < btf->nr_types; i++) {
		/*
		 * Chains go on at pointers and modifiers only, and start at pointers: a cycle of
		 * modifiers alone is a value cycle (found above), so every cycle left has a pointer.
		 */
		if (btf->kinds[i] != BW_KIND_PTR || colour[i] != BTFGRAPH_BLACK)
			continue;
		for (j = i;;) {
			int kind = btf->kinds[j];

			if (kind != BW_KIND_PTR && !bw_btfi_is_modifier(kind))
				break;
			if (colour[j] == BTFGRAPH_PTR_GREY)
				return btfgraph_fail(btf, g->err, btf->start_id + j, BW_EFORMAT,
						     "pointer/modifier cycle through [%u]",
						     btf->start_id + i);
			if (colour[j] == BTFGRAPH_PTR_BLACK)
				break;
			colour[j] = BTFGRAPH_PTR_GREY;
			id = bw_btfi_rd32(btf->types + btf->offs[j] + 8);
			if (id < btf->start_id)
				break;
			j = id - btf->start_id;
		}
		for (j = i; colour[j] == BTFGRAPH_PTR_GREY;) {
			colour[j] = BTFGRAPH_PTR_BLACK;
			id = bw_btfi_rd32(btf->types + btf->offs[j] + 8);
			if (id < btf->start_id)
				break;
			j = id - btf->start_id;
		}
		colour[i] = BTFGRAPH_PTR_BLACK;
	}
	return 0;
}

int bw_btfi_check_graph(struct bw_btf *btf, struct bw_error *err)
{
	size_t n = btf->nr_types ? btf->nr_types : 1;
	struct btfgraph g = {.btf = btf, .err = err};
	int ret = 0;

	btf->align_log2 = bw_btfi_tab_alloc(btf, n, 1);
	btf->rkinds = bw_btfi_tab_alloc(btf, n, 1);
	btf->sizes = bw_btfi_tab_alloc(btf, n, sizeof(*btf->sizes));
	g.colour = bw_btfi_tab_zalloc(btf, n, 1);
	g.depth = bw_btfi_tab_alloc(btf, n, 1);
	if (!btf->align_log2 || !btf->rkinds || !btf->sizes || !g.colour || !g.depth)
		ret = bw_fail(err, BW_ENOMEM, "BTF: no memory for the sizes of %u types",
			      btf->nr_types);
	/* No filling: btfgraph_finish writes each type's facts (and a modifier's depth) once, and
	 * only finished types' facts are read. */
	if (!ret)
		ret = btfgraph_value_cycles(&g);
	if (!ret)
		ret = btfgraph_pointer_cycles(&g);
	bw_btfi_tab_free(btf, g.depth);
	bw_btfi_tab_free(btf, g.colour);
	return ret;
}

#undef btfgraph_fail
#undef BTFGRAPH_CONTAINERS
#undef BTFGRAPH_UNSIZED
