/* SPDX-License-Identifier: MIT */
/*
 * The type graph: cycles found without recursion, and each type's facts (size, alignment,
 * resolved kind) noted when all it contains by value is done, checking the rules that need
 * them (validate_sizes.c), so queries need no walk.
 *
 * One pass in id order. When it reaches type i, every type of a lower id is done, so most
 * types are finished on the spot: leaves (functions, pointers, integers: the most) at once,
 * and a container from its children's facts when they are all of lower ids. Only a container
 * with a child not done yet starts a depth-first search with an explicit stack and colours
 * over "contains by value" edges, where a grey type met again contains itself. The search
 * finishes types in the same order as a search from every type in id order would, so the
 * first error is the same. Leaves have no colour: finishing one again changes nothing. Colours
 * are in the facts (no table of their own), written after the rest of a type's facts.
 *
 * Pointer/modifier chains have one target each; a cycle of them needs an edge to a type of
 * an id not lower, so only chains from such edges are followed (noted by the pass above); a
 * cycle found that way is looked for again from every pointer in id order for the message.
 */
#include "btf_impl.h"

#define btfgraph_fail(btf, err, id, code, ...) bw_btfi_type_fail(btf, id, err, code, __VA_ARGS__)

enum { BTFGRAPH_WHITE, BTFGRAPH_GREY, BTFGRAPH_BLACK, BTFGRAPH_PTR_GREY, BTFGRAPH_PTR_BLACK };

struct btfgraph {
	struct bw_btf *btf;
	struct bw_error *err;
	uint32_t *starts; /* pointer/modifier chains to follow: types whose target is a pointer or
			     modifier of an id not lower */
	uint32_t nr_starts;
	uint32_t cap_starts;
	struct bw_btfi_fact leaf[32]; /* a leaf's facts, by kind: all of a BTFGRAPH_RUN kind's */
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

/* Leaves whose facts are the same for all of their kind: done in runs. */
#define BTFGRAPH_RUN (BTFGRAPH_UNSIZED | (1u << BW_KIND_PTR))

/* Kinds whose chains are followed for pointer/modifier cycles. */
#define BTFGRAPH_CHAINS                                                                            \
	((1u << BW_KIND_PTR) | (1u << BW_KIND_TYPEDEF) | (1u << BW_KIND_CONST) |                   \
	 (1u << BW_KIND_VOLATILE) | (1u << BW_KIND_RESTRICT) | (1u << BW_KIND_TYPE_TAG))

static inline bool btfgraph_is_leaf(int kind)
{
	return !((BTFGRAPH_CONTAINERS >> kind) & 1);
}

static inline bool btfgraph_in_chain(int kind)
{
	return (BTFGRAPH_CHAINS >> kind) & 1;
}

/* A frame for idx: where the ids of the types it contains by value are (what its size, layout
 * or checks depend on). */
static inline struct btfgraph_frame btfgraph_frame_of(const struct bw_btf *btf, uint32_t idx)
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

/* Whether all that frame f's type contains is done: of an id below done, or finished. */
static inline bool btfgraph_ready(const struct btfgraph *g, struct btfgraph_frame f, uint32_t done)
{
	uint32_t child;

	for (; f.left; f.left--, f.child += f.stride) {
		child = bw_btfi_rd32(f.child);
		if (child >= done &&
		    g->btf->facts[child - g->btf->start_id].colour != BTFGRAPH_BLACK)
			return false;
	}
	return true;
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

/* Modifier hops from modifier id (of this blob, finished, or of the base) to a non-modifier. */
static uint32_t btfgraph_depth_of(const struct bw_btf *btf, uint32_t id)
{
	uint32_t hops = 0;

	if (id >= btf->start_id)
		return btf->facts[id - btf->start_id].depth;
	/* A base type: its chains are validated, so this walk ends within the cap. */
	while (id && bw_btfi_is_modifier(bw_btfi_kind(btf, id)) &&
	       hops <= BW_BTF_MAX_RESOLVE_DEPTH) {
		id = bw_btfi_rd32(bw_btfi_rec(btf, id) + 8);
		hops++;
	}
	return hops;
}

/* The chain from idx (whose target is target) is to be followed if the target is a pointer or
 * modifier of this blob, of an id not lower. */
static int btfgraph_note_chain(struct btfgraph *g, uint32_t idx, uint32_t target)
{
	struct bw_btf *btf = g->btf;
	uint32_t *ns;

	if (target < btf->start_id + idx || !btfgraph_in_chain(btf->kinds[target - btf->start_id]))
		return 0;
	if (g->nr_starts == g->cap_starts) {
		ns = bw_btfi_tab_grow(btf, g->starts, (size_t)g->cap_starts * sizeof(*ns),
				      (size_t)g->cap_starts * 2 * sizeof(*ns));
		if (!ns)
			return bw_fail(g->err, BW_ENOMEM,
				       "BTF: no memory for %u pointer/modifier chains",
				       g->cap_starts * 2);
		g->starts = ns;
		g->cap_starts *= 2;
	}
	g->starts[g->nr_starts++] = idx;
	return 0;
}

/* Modifier idx (its target finished): its facts are its target's. */
static int btfgraph_modifier(struct btfgraph *g, uint32_t idx, uint32_t st)
{
	struct bw_btf *btf = g->btf;
	struct bw_btfi_fact f = bw_btfi_fact_of(btf, st);
	uint32_t depth =
		bw_btfi_is_modifier(bw_btfi_kind(btf, st)) ? btfgraph_depth_of(btf, st) : 0;

	if (depth >= BW_BTF_MAX_RESOLVE_DEPTH)
		return btfgraph_fail(btf, g->err, btf->start_id + idx, BW_ELIMIT,
				     "more than %u typedef/"
				     "modifier hops to a type",
				     BW_BTF_MAX_RESOLVE_DEPTH);
	f.depth = (uint8_t)(depth + 1);
	btf->facts[idx] = f;
	return btfgraph_note_chain(g, idx, st);
}

/* Type index idx of that kind: all it contains by value is done; note its facts and check its
 * rules. Finishing a leaf again changes nothing. */
static int btfgraph_finish(struct btfgraph *g, uint32_t idx, int kind)
{
	struct bw_btf *btf = g->btf;
	uint32_t st = bw_btfi_rd32(btf->types + btf->offs[idx] + 8);
	struct bw_btfi_fact *f = &btf->facts[idx];

	*f = g->leaf[kind]; /* no size or alignment, but a pointer's */
	switch (kind) {
	case BW_KIND_INT:
	case BW_KIND_ENUM:
	case BW_KIND_ENUM64:
	case BW_KIND_FLOAT:
		f->size = st;
		/* 16-byte scalars (__int128, long double) are 16-aligned on 64-bit ABIs. */
		if (st == 16 && btf->ptr_size == 8)
			f->align_log2 = 4;
		else
			f->align_log2 = btfgraph_log2(st < btf->ptr_size ? st : btf->ptr_size);
		return 0;
	case BW_KIND_PTR: /* its chain is noted when the pass in id order reaches it */
		return 0;
	case BW_KIND_DATASEC:
		f->size = st;
		return bw_btfi_check_datasec(btf, idx, g->err);
	case BW_KIND_VAR:
		return bw_btfi_check_var(btf, idx, g->err);
	case BW_KIND_DECL_TAG:
		return bw_btfi_check_decl_tag(btf, idx, g->err);
	case BW_KIND_ARRAY:
		return bw_btfi_check_array(btf, idx, g->err);
	case BW_KIND_STRUCT:
	case BW_KIND_UNION:
		f->size = st;
		return bw_btfi_check_members(btf, idx, g->err);
	default:
		if (bw_btfi_is_modifier(kind))
			return btfgraph_modifier(g, idx, st);
		return 0; /* FUNC, FUNC_PROTO, FWD: no size */
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
 * Depth-first search from container root, with an explicit stack, over "contains by value"
 * edges (modifier -> target, array -> element and index, struct -> member): a grey type met
 * again is a type that contains itself. Types of lower ids than root (and the base's) are done.
 */
static int btfgraph_search(struct btfgraph *g, struct btfgraph_frame root,
			   struct btfgraph_frame **stack, uint32_t *cap)
{
	struct bw_btf *btf = g->btf;
	uint32_t done = btf->start_id + root.idx, depth = 1, child;
	struct btfgraph_frame *top, f;
	struct bw_btfi_fact *facts = btf->facts;
	int ret = 0;

	facts[root.idx].colour = BTFGRAPH_GREY;
	(*stack)[0] = root;
	while (depth && !ret) {
		top = &(*stack)[depth - 1];
		if (!top->left) {
			ret = btfgraph_finish(g, top->idx, btf->kinds[top->idx]);
			facts[top->idx].colour = BTFGRAPH_BLACK;
			depth--;
			continue;
		}
		child = bw_btfi_rd32(top->child);
		top->child += top->stride;
		top->left--;
		if (child < done)
			continue;
		child -= btf->start_id;
		if (facts[child].colour == BTFGRAPH_GREY) {
			ret = btfgraph_fail(btf, g->err, btf->start_id + top->idx, BW_EFORMAT,
					    "reference cycle: [%u] contains itself by value",
					    btf->start_id + child);
		} else if (facts[child].colour != BTFGRAPH_WHITE) {
			continue;
		} else if (btfgraph_is_leaf(btf->kinds[child])) {
			ret = btfgraph_finish(g, child, btf->kinds[child]);
			facts[child].colour = BTFGRAPH_BLACK;
		} else if (f = btfgraph_frame_of(btf, child), btfgraph_ready(g, f, done)) {
			/* As if its frame were pushed and found nothing to visit. */
			ret = btfgraph_finish(g, child, btf->kinds[child]);
			facts[child].colour = BTFGRAPH_BLACK;
		} else if (depth < *cap || !(ret = btfgraph_grow(g, stack, cap))) {
			facts[child].colour = BTFGRAPH_GREY;
			(*stack)[depth++] = f;
		}
	}
	return ret;
}

/*
 * The facts of a run of types from index i of BTFGRAPH_RUN kinds, the most (in a loop of its
 * own: its variables stay in registers); the index after it. A pointer whose chain is to be
 * followed ends the run.
 */
static uint32_t btfgraph_run(const struct btfgraph *g, uint32_t i)
{
	const struct bw_btf *btf = g->btf;
	struct bw_btfi_fact *facts = btf->facts;
	const uint8_t *kinds = btf->kinds, *types = btf->types;
	const uint32_t *offs = btf->offs;
	uint32_t n = btf->nr_types, done = btf->start_id + i;

	for (; i < n; i++, done++) {
		int kind = kinds[i];

		if (!((BTFGRAPH_RUN >> kind) & 1))
			break;
		if (kind == BW_KIND_PTR) {
			uint32_t target = bw_btfi_rd32(types + offs[i] + 8);

			if (target >= done && btfgraph_in_chain(kinds[target - btf->start_id]))
				break;
		}
		facts[i] = g->leaf[kind];
	}
	return i;
}

/* Every type in id order: leaves at once, containers by a search when not done already. */
static int btfgraph_value_cycles(struct btfgraph *g)
{
	struct bw_btf *btf = g->btf;
	uint32_t cap = 64, i, target;
	struct btfgraph_frame *stack;
	int ret = 0;

	stack = bw_btfi_tab_alloc(btf, cap, sizeof(*stack));
	if (!stack)
		return bw_fail(g->err, BW_ENOMEM, "BTF: no memory for the cycle search");
	for (i = 0; !ret; i++) {
		int kind;

		i = btfgraph_run(g, i);
		if (i == btf->nr_types)
			break;
		kind = btf->kinds[i];
		if (kind == BW_KIND_PTR) {
			btf->facts[i] = g->leaf[kind];
			target = bw_btfi_rd32(btf->types + btf->offs[i] + 8);
			ret = btfgraph_note_chain(g, i, target);
		} else if (btfgraph_is_leaf(kind)) {
			ret = btfgraph_finish(g, i, kind);
		} else if (btf->facts[i].colour == BTFGRAPH_WHITE) {
			/* Most containers need no search: what they contain is done. Their colour
			 * is never read again (later searches take lower ids as done). */
			struct btfgraph_frame f = btfgraph_frame_of(btf, i);

			if (btfgraph_ready(g, f, btf->start_id + i))
				ret = btfgraph_finish(g, i, kind);
			else
				ret = btfgraph_search(g, f, &stack, &cap);
		}
	}
	bw_btfi_tab_free(btf, stack);
	return ret;
}

/*
 * Follow the chain from i (pointers and modifiers, one target each), marking its path grey,
 * then black: 1 if it comes back to its path (a cycle), 0 if it ends (at another kind, the
 * base, or a chain followed before).
 */
static int btfgraph_chain(const struct btfgraph *g, uint32_t i, uint32_t *at)
{
	const struct bw_btf *btf = g->btf;
	struct bw_btfi_fact *facts = btf->facts;
	uint32_t j, id;

	for (j = i; btfgraph_in_chain(btf->kinds[j]);) {
		if (facts[j].colour == BTFGRAPH_PTR_GREY) {
			*at = j;
			return 1;
		}
		if (facts[j].colour == BTFGRAPH_PTR_BLACK)
			break;
		facts[j].colour = BTFGRAPH_PTR_GREY;
		id = bw_btfi_rd32(btf->types + btf->offs[j] + 8);
		if (id < btf->start_id)
			break;
		j = id - btf->start_id;
	}
	for (j = i; facts[j].colour == BTFGRAPH_PTR_GREY;) {
		facts[j].colour = BTFGRAPH_PTR_BLACK;
		id = bw_btfi_rd32(btf->types + btf->offs[j] + 8);
		if (id < btf->start_id)
			break;
		j = id - btf->start_id;
	}
	return 0;
}

/* Pointer/modifier cycles: a cycle of modifiers alone is a value cycle (found above), so
 * every cycle left has a pointer. */
static int btfgraph_pointer_cycles(const struct btfgraph *g)
{
	const struct bw_btf *btf = g->btf;
	uint32_t i, at;

	for (i = 0; i < g->nr_starts; i++)
		if (btfgraph_chain(g, g->starts[i], &at))
			break;
	if (i == g->nr_starts)
		return 0;
	/* There is a cycle: name it as a search from every pointer in id order does. */
	for (i = 0; i < btf->nr_types; i++)
		btf->facts[i].colour = BTFGRAPH_BLACK;
	for (i = 0; i < btf->nr_types; i++)
		if (btf->kinds[i] == BW_KIND_PTR && btfgraph_chain(g, i, &at))
			break;
	return btfgraph_fail(btf, g->err, btf->start_id + at, BW_EFORMAT,
			     "pointer/modifier cycle through [%u]", btf->start_id + i);
}

int bw_btfi_check_graph(struct bw_btf *btf, struct bw_error *err)
{
	size_t n = btf->nr_types ? btf->nr_types : 1;
	struct btfgraph g = {.btf = btf, .err = err, .cap_starts = 64};
	int ret = 0, kind;
	uint32_t i;

	for (kind = 0; kind < 32; kind++)
		g.leaf[kind] = (struct bw_btfi_fact){BW_BTFI_NO_SIZE, (uint8_t)kind,
						     BW_BTFI_NO_ALIGN, 0, 0};
	g.leaf[BW_KIND_PTR].size = btf->ptr_size;
	g.leaf[BW_KIND_PTR].align_log2 = btfgraph_log2(btf->ptr_size);

	btf->facts = bw_btfi_tab_alloc(btf, n, sizeof(*btf->facts));
	g.starts = bw_btfi_tab_alloc(btf, g.cap_starts, sizeof(*g.starts));
	if (!btf->facts || !g.starts)
		ret = bw_fail(err, BW_ENOMEM, "BTF: no memory for the sizes of %u types",
			      btf->nr_types);
	/* Only the colours start white; every type's facts are written before they are read. */
	for (i = 0; !ret && i < btf->nr_types; i++)
		btf->facts[i].colour = BTFGRAPH_WHITE;
	if (!ret)
		ret = btfgraph_value_cycles(&g);
	if (!ret)
		ret = btfgraph_pointer_cycles(&g);
	bw_btfi_tab_free(btf, g.starts);
	return ret;
}

#undef btfgraph_fail
#undef BTFGRAPH_CONTAINERS
#undef BTFGRAPH_UNSIZED
#undef BTFGRAPH_RUN
#undef BTFGRAPH_CHAINS
