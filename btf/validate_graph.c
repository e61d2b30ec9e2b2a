/* SPDX-License-Identifier: MIT */
/*
 * The type graph: cycles found without recursion (a depth-first search with an explicit stack
 * and colours over "contains by value" edges, then pointer/modifier chains followed with
 * marks), and on the way, in post-order, each type's alignment and size, so queries need no
 * walk and no recursion.
 */
#include "btf_impl.h"

#define btfgraph_fail(btf, err, id, code, ...) bw_btfi_type_fail(btf, id, err, code, __VA_ARGS__)

enum { BTFGRAPH_WHITE, BTFGRAPH_GREY, BTFGRAPH_BLACK, BTFGRAPH_PTR_GREY, BTFGRAPH_PTR_BLACK };

static bool btfgraph_is_modifier(int kind)
{
	return kind == BW_KIND_TYPEDEF || kind == BW_KIND_CONST || kind == BW_KIND_VOLATILE ||
	       kind == BW_KIND_RESTRICT || kind == BW_KIND_TYPE_TAG;
}

/* The idx-th type that id contains by value (what its size depends on); 0 when no more. */
static uint32_t btfgraph_value_child(const struct bw_btf *btf, uint32_t id, uint32_t idx)
{
	const uint8_t *t = bw_btfi_rec(btf, id);
	uint32_t info = bw_btfi_rd32(t + 4);
	int kind = bw_btfi_info_kind(info);

	if (btfgraph_is_modifier(kind))
		return idx == 0 ? bw_btfi_rd32(t + 8) : 0;
	if (kind == BW_KIND_ARRAY)
		return idx == 0 ? bw_btfi_rd32(t + BW_BTF_TYPE_LEN) : 0;
	if ((kind == BW_KIND_STRUCT || kind == BW_KIND_UNION) && idx < bw_btfi_info_vlen(info))
		return bw_btfi_rd32(t + BW_BTF_TYPE_LEN + idx * BW_BTF_MEMBER_LEN + 4);
	return 0;
}

static uint32_t btfgraph_value_children(const struct bw_btf *btf, uint32_t id)
{
	uint32_t info = bw_btfi_info(btf, id);
	int kind = bw_btfi_info_kind(info);

	if (btfgraph_is_modifier(kind) || kind == BW_KIND_ARRAY)
		return 1;
	if (kind == BW_KIND_STRUCT || kind == BW_KIND_UNION)
		return bw_btfi_info_vlen(info);
	return 0;
}

static uint32_t btfgraph_size_of(const struct bw_btf *btf, uint32_t id)
{
	const struct bw_btf *o;

	if (!id)
		return BW_BTFI_NO_SIZE;
	o = bw_btfi_owner(btf, id);
	return o->sizes[id - o->start_id];
}

/* Size of id, all of whose value children have theirs; arrays beyond 4 GiB are an error. */
static int btfgraph_size(const struct bw_btf *btf, uint32_t id, uint32_t *size,
		       struct bw_error *err)
{
	const uint8_t *t = bw_btfi_rec(btf, id);
	int kind = bw_btfi_info_kind(bw_btfi_rd32(t + 4));
	uint64_t total;
	uint32_t elem;

	switch (kind) {
	case BW_KIND_INT:
	case BW_KIND_STRUCT:
	case BW_KIND_UNION:
	case BW_KIND_ENUM:
	case BW_KIND_ENUM64:
	case BW_KIND_FLOAT:
	case BW_KIND_DATASEC:
		*size = bw_btfi_rd32(t + 8);
		return 0;
	case BW_KIND_PTR:
		*size = btf->ptr_size;
		return 0;
	case BW_KIND_ARRAY:
		elem = btfgraph_size_of(btf, bw_btfi_rd32(t + BW_BTF_TYPE_LEN));
		*size = elem;
		if (elem == BW_BTFI_NO_SIZE)
			return 0;
		total = (uint64_t)elem * bw_btfi_rd32(t + BW_BTF_TYPE_LEN + 8);
		if (total >= BW_BTFI_NO_SIZE)
			return btfgraph_fail(btf, err, id, BW_EFORMAT, "%u elements of %u bytes "
					     "exceed 4 GiB", bw_btfi_rd32(t + BW_BTF_TYPE_LEN + 8),
					     elem);
		*size = (uint32_t)total;
		return 0;
	default:
		*size = btfgraph_is_modifier(kind) ? btfgraph_size_of(btf, bw_btfi_rd32(t + 8))
						 : BW_BTFI_NO_SIZE;
		return 0;
	}
}

static uint8_t btfgraph_align_of(const struct bw_btf *btf, uint32_t id)
{
	const struct bw_btf *o;

	if (!id)
		return BW_BTFI_NO_ALIGN;
	o = bw_btfi_owner(btf, id);
	return o->align_log2[id - o->start_id];
}

static uint8_t btfgraph_log2(uint64_t v)
{
	uint8_t lg = 0;

	while (v > 1) {
		v >>= 1;
		lg++;
	}
	return lg;
}

/*
 * Alignment of id, all of whose value children have theirs: as the compiler lays out, and
 * like libbpf's btf__align_of, a struct whose member offsets or size break its members'
 * alignment is packed (1).
 */
static uint8_t btfgraph_align(const struct bw_btf *btf, uint32_t id)
{
	const uint8_t *t = bw_btfi_rec(btf, id);
	uint32_t info = bw_btfi_rd32(t + 4), size = bw_btfi_rd32(t + 8), i;
	int kind = bw_btfi_info_kind(info);
	uint8_t max = 0, a;

	switch (kind) {
	case BW_KIND_INT:
	case BW_KIND_ENUM:
	case BW_KIND_ENUM64:
	case BW_KIND_FLOAT:
		/* 16-byte scalars (__int128, long double) are 16-aligned on 64-bit ABIs. */
		if (size == 16 && btf->ptr_size == 8)
			return 4;
		return btfgraph_log2(size < btf->ptr_size ? size : btf->ptr_size);
	case BW_KIND_PTR:
		return btfgraph_log2(btf->ptr_size);
	case BW_KIND_ARRAY:
		return btfgraph_align_of(btf, bw_btfi_rd32(t + BW_BTF_TYPE_LEN));
	case BW_KIND_STRUCT:
	case BW_KIND_UNION:
		for (i = 0; i < bw_btfi_info_vlen(info); i++) {
			const uint8_t *m = t + BW_BTF_TYPE_LEN + i * BW_BTF_MEMBER_LEN;
			uint32_t off = bw_btfi_rd32(m + 8);
			bool bitfield = bw_btfi_info_kflag(info) && (off >> 24);

			a = btfgraph_align_of(btf, bw_btfi_rd32(m + 4));
			if (a == BW_BTFI_NO_ALIGN)
				return BW_BTFI_NO_ALIGN;
			if (!bitfield && (off & 0xffffff) % (8u << a))
				return 0;
			if (a > max)
				max = a;
		}
		return size % (1u << max) ? 0 : max;
	default:
		if (btfgraph_is_modifier(kind))
			return btfgraph_align_of(btf, bw_btfi_rd32(t + 8));
		return BW_BTFI_NO_ALIGN;
	}
}

struct btfgraph_frame {
	uint32_t idx;  /* type index in this blob */
	uint32_t next; /* next child to visit */
};

/*
 * Depth-first search, with an explicit stack, over "contains by value" edges (modifier ->
 * target, array -> element, struct -> member): a grey node met again is a cycle, i.e. a type
 * that contains itself. Base types are acyclic already and never point into this blob.
 */
static int btfgraph_value_cycles(struct bw_btf *btf, struct bw_error *err, uint8_t *colour)
{
	struct btfgraph_frame *stack, *top;
	uint32_t cap = 64, depth, i, id, child;
	int ret = 0;

	stack = bw_alloc_array(btf->alloc, cap, sizeof(*stack));
	if (!stack)
		return bw_fail(err, BW_ENOMEM, "BTF: no memory for the cycle search");
	for (i = 0; i < btf->nr_types && !ret; i++) {
		if (colour[i] != BTFGRAPH_WHITE)
			continue;
		colour[i] = BTFGRAPH_GREY;
		stack[0].idx = i;
		stack[0].next = 0;
		depth = 1;
		while (depth && !ret) {
			top = &stack[depth - 1];
			id = btf->start_id + top->idx;
			if (top->next >= btfgraph_value_children(btf, id)) {
				colour[top->idx] = BTFGRAPH_BLACK;
				btf->align_log2[top->idx] = btfgraph_align(btf, id);
				ret = btfgraph_size(btf, id, &btf->sizes[top->idx], err);
				depth--;
				continue;
			}
			child = btfgraph_value_child(btf, id, top->next++);
			if (child < btf->start_id)
				continue;
			child -= btf->start_id;
			if (colour[child] == BTFGRAPH_GREY) {
				ret = btfgraph_fail(btf, err, id, BW_EFORMAT, "reference cycle: [%u] contains "
						  "itself by value through [%u]",
						  btf->start_id + child, id);
			} else if (colour[child] == BTFGRAPH_WHITE) {
				if (depth == cap) {
					struct btfgraph_frame *ns;

					ns = bw_realloc(btf->alloc, stack,
							(size_t)cap * 2 * sizeof(*stack));
					if (!ns) {
						ret = bw_fail(err, BW_ENOMEM, "BTF: no memory for a "
							      "%u-deep cycle search", cap * 2);
						break;
					}
					stack = ns;
					cap *= 2;
				}
				colour[child] = BTFGRAPH_GREY;
				stack[depth].idx = child;
				stack[depth].next = 0;
				depth++;
			}
		}
	}
	bw_free(btf->alloc, stack);
	return ret;
}

/* Pointers and modifiers form chains with one target each: follow them, marking the path. */
static int btfgraph_pointer_cycles(const struct bw_btf *btf, struct bw_error *err, uint8_t *colour)
{
	uint32_t i;

	for (i = 0; i < btf->nr_types; i++) {
		uint32_t j = i, id;
		int kind;

		if (colour[i] != BTFGRAPH_BLACK)
			continue;
		for (;;) {
			id = btf->start_id + j;
			kind = bw_btfi_kind(btf, id);
			if (kind != BW_KIND_PTR && !btfgraph_is_modifier(kind))
				break;
			if (colour[j] == BTFGRAPH_PTR_GREY)
				return btfgraph_fail(btf, err, id, BW_EFORMAT, "pointer/modifier cycle through "
						   "[%u]", btf->start_id + i);
			if (colour[j] == BTFGRAPH_PTR_BLACK)
				break;
			colour[j] = BTFGRAPH_PTR_GREY;
			id = bw_btfi_rd32(bw_btfi_rec(btf, id) + 8);
			if (id < btf->start_id)
				break;
			j = id - btf->start_id;
		}
		for (j = i; colour[j] == BTFGRAPH_PTR_GREY;) {
			colour[j] = BTFGRAPH_PTR_BLACK;
			id = bw_btfi_rd32(bw_btfi_rec(btf, btf->start_id + j) + 8);
			if (id < btf->start_id)
				break;
			j = id - btf->start_id;
		}
		if (colour[i] == BTFGRAPH_BLACK)
			colour[i] = BTFGRAPH_PTR_BLACK;
	}
	return 0;
}

int bw_btfi_check_graph(struct bw_btf *btf, struct bw_error *err)
{
	size_t n = btf->nr_types ? btf->nr_types : 1;
	uint8_t *colour;
	int ret;

	btf->align_log2 = bw_alloc(btf->alloc, n);
	btf->sizes = bw_alloc_array(btf->alloc, n, sizeof(*btf->sizes));
	colour = bw_zalloc(btf->alloc, n);
	if (!btf->align_log2 || !btf->sizes || !colour) {
		bw_free(btf->alloc, colour);
		return bw_fail(err, BW_ENOMEM, "BTF: no memory for the sizes of %u types",
			       btf->nr_types);
	}
	ret = btfgraph_value_cycles(btf, err, colour);
	if (!ret)
		ret = btfgraph_pointer_cycles(btf, err, colour);
	bw_free(btf->alloc, colour);
	return ret;
}

#undef btfgraph_fail
