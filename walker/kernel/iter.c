/* SPDX-License-Identifier: MIT */
/*
 * Walks of list_head rings, hlists, red-black trees and xarrays/IDRs in kernel memory, bounded
 * by an element cap and checked link by link (see iter.h). Memory that is hostile or changes
 * while it is read gives an error naming the step and the address, never a loop.
 */
#include "internal.h"
#include "kernel/iter.h"

/* Brent's cycle detection over the sequence of visited nodes: constant memory, and a node seen
 * twice (which a well-formed container never yields) is reported within 2 * (tail + period). */
struct iter_brent {
	uint64_t saved;
	uint64_t power;
	uint64_t lam;
};

static void iter_brent_init(struct iter_brent *b, uint64_t start)
{
	b->saved = start;
	b->power = 1;
	b->lam = 0;
}

static bool iter_brent_seen(struct iter_brent *b, uint64_t node)
{
	if (node == b->saved)
		return true;
	if (++b->lam == b->power) {
		b->saved = node;
		b->power *= 2;
		b->lam = 0;
	}
	return false;
}

static uint64_t iter_limit(const struct bw_iter_walk *w)
{
	return w->limit && w->limit < BW_KERNEL_MAX_ITER ? w->limit : BW_KERNEL_MAX_ITER;
}

int bw_iter_member(const struct bw_kernel *k, const char *name, const char *member, uint64_t *off,
		   uint64_t *size, struct bw_error *err)
{
	struct bw_member_loc loc;
	uint32_t id;
	int ret = bw_btf_find(k->btf, name, BW_KIND_STRUCT, &id, NULL);

	if (ret)
		return bw_fail(err, BW_ENOENT, "the BTF has no struct %s", name);
	ret = bw_btf_member_find(k->btf, id, member, &loc, NULL);
	if (ret || loc.bitfield_size)
		return bw_fail(err, BW_ENOENT, "the BTF's struct %s (type %u) has no member %s",
			       name, id, member);
	*off = loc.byte_offset;
	if (size)
		return bw_btf_sizeof(k->btf, loc.type, size, err);
	return 0;
}

static int iter_ptr(const struct bw_kernel *k, uint64_t addr, uint64_t *out, const char *what,
		    struct bw_error *err)
{
	int ret = bw_kernel_read_uint(k, addr, 8, out, err);

	if (ret)
		return bw_kernel_prefix(err, "reading %s at 0x%llx", what,
					(unsigned long long)addr);
	return 0;
}

/* Element checks shared by the linked walks: the cap, a repeat, container_of. */
static int iter_visit(const struct bw_iter_walk *w, struct iter_brent *b, const char *kind,
		      uint64_t anchor, uint64_t idx, uint64_t node, struct bw_error *err)
{
	int ret;

	if (idx >= iter_limit(w))
		return bw_fail(err, BW_ELIMIT, "%s at 0x%llx: more than %llu elements", kind,
			       (unsigned long long)anchor, (unsigned long long)iter_limit(w));
	if (iter_brent_seen(b, node))
		return bw_fail(err, BW_EFORMAT,
			       "%s at 0x%llx: cycle: node 0x%llx (element %llu) was seen before",
			       kind, (unsigned long long)anchor, (unsigned long long)node,
			       (unsigned long long)idx);
	if (node < w->entry_off)
		return bw_fail(
			err, BW_EFORMAT,
			"%s at 0x%llx: element %llu: node 0x%llx is below its offset %llu in "
			"the entry",
			kind, (unsigned long long)anchor, (unsigned long long)idx,
			(unsigned long long)node, (unsigned long long)w->entry_off);
	ret = w->fn(w->ctx, idx, node - w->entry_off);
	return ret > 0 ? 1 : ret;
}

int bw_iter_list(const struct bw_kernel *k, uint64_t head, const struct bw_iter_walk *w,
		 struct bw_error *err)
{
	uint64_t next_off, prev_off, node, prev = head, back = 0, idx;
	struct iter_brent b;
	int ret = bw_iter_member(k, "list_head", "next", &next_off, NULL, err);

	if (!ret)
		ret = bw_iter_member(k, "list_head", "prev", &prev_off, NULL, err);
	if (!ret)
		ret = iter_ptr(k, head + next_off, &node, "list head's next", err);
	if (ret)
		return ret;
	iter_brent_init(&b, head);
	for (idx = 0; node != head; idx++) {
		if (!node)
			return bw_fail(err, BW_EFORMAT,
				       "list at 0x%llx: element %llu: node 0x%llx has a NULL next",
				       (unsigned long long)head, (unsigned long long)idx,
				       (unsigned long long)prev);
		ret = iter_ptr(k, node + prev_off, &back, "list node's prev", err);
		if (ret)
			return bw_kernel_prefix(err, "list at 0x%llx: element %llu",
						(unsigned long long)head, (unsigned long long)idx);
		if (back != prev)
			return bw_fail(err, BW_EFORMAT,
				       "list at 0x%llx: element %llu: broken link: 0x%llx->next is "
				       "0x%llx but its prev is 0x%llx",
				       (unsigned long long)head, (unsigned long long)idx,
				       (unsigned long long)prev, (unsigned long long)node,
				       (unsigned long long)back);
		ret = iter_visit(w, &b, "list", head, idx, node, err);
		if (ret)
			return ret > 0 ? 0 : ret;
		prev = node;
		ret = iter_ptr(k, node + next_off, &node, "list node's next", err);
		if (ret)
			return bw_kernel_prefix(err, "list at 0x%llx: element %llu",
						(unsigned long long)head, (unsigned long long)idx);
	}
	return 0;
}

int bw_iter_hlist(const struct bw_kernel *k, uint64_t head, const struct bw_iter_walk *w,
		  struct bw_error *err)
{
	uint64_t first_off, next_off, pprev_off, node, link, back = 0, idx;
	struct iter_brent b;
	int ret = bw_iter_member(k, "hlist_head", "first", &first_off, NULL, err);

	if (!ret)
		ret = bw_iter_member(k, "hlist_node", "next", &next_off, NULL, err);
	if (!ret)
		ret = bw_iter_member(k, "hlist_node", "pprev", &pprev_off, NULL, err);
	link = head + first_off;
	if (!ret)
		ret = iter_ptr(k, link, &node, "hlist head's first", err);
	if (ret)
		return ret;
	iter_brent_init(&b, head);
	for (idx = 0; node; idx++) {
		ret = iter_ptr(k, node + pprev_off, &back, "hlist node's pprev", err);
		if (ret)
			return bw_kernel_prefix(err, "hlist at 0x%llx: element %llu",
						(unsigned long long)head, (unsigned long long)idx);
		if (back != link)
			return bw_fail(err, BW_EFORMAT,
				       "hlist at 0x%llx: element %llu: broken link: node 0x%llx, "
				       "linked from 0x%llx, has pprev 0x%llx",
				       (unsigned long long)head, (unsigned long long)idx,
				       (unsigned long long)node, (unsigned long long)link,
				       (unsigned long long)back);
		ret = iter_visit(w, &b, "hlist", head, idx, node, err);
		if (ret)
			return ret > 0 ? 0 : ret;
		link = node + next_off;
		ret = iter_ptr(k, link, &node, "hlist node's next", err);
		if (ret)
			return bw_kernel_prefix(err, "hlist at 0x%llx: element %llu",
						(unsigned long long)head, (unsigned long long)idx);
	}
	return 0;
}

struct iter_rb {
	const struct bw_kernel *k;
	uint64_t root;
	uint64_t parent_off, left_off, right_off;
	struct bw_error *err;
};

/* child of parent (0 for the root): its parent pointer (__rb_parent_color & ~3) must agree. */
static int iter_rb_child(const struct iter_rb *r, uint64_t parent, uint64_t child, const char *side)
{
	uint64_t pc = 0;
	int ret = iter_ptr(r->k, child + r->parent_off, &pc, "rb_node's parent", r->err);

	if (ret)
		return bw_kernel_prefix(r->err, "rbtree at 0x%llx", (unsigned long long)r->root);
	if ((pc & ~3ull) != parent)
		return bw_fail(r->err, BW_EFORMAT,
			       "rbtree at 0x%llx: broken link: node 0x%llx, the %s of 0x%llx, has "
			       "parent 0x%llx",
			       (unsigned long long)r->root, (unsigned long long)child, side,
			       (unsigned long long)parent, (unsigned long long)(pc & ~3ull));
	return 0;
}

int bw_iter_rbtree(const struct bw_kernel *k, uint64_t root, bool cached,
		   const struct bw_iter_walk *w, struct bw_error *err)
{
	struct iter_rb r = {.k = k, .root = root, .err = err};
	uint64_t stack[BW_ITER_MAX_RB_DEPTH];
	uint64_t node_off, root_off = 0, leftmost_off = 0, leftmost = 0, cur, idx = 0;
	unsigned depth = 0;
	struct iter_brent b;
	int ret = bw_iter_member(k, "rb_root", "rb_node", &node_off, NULL, err);

	if (!ret)
		ret = bw_iter_member(k, "rb_node", "__rb_parent_color", &r.parent_off, NULL, err);
	if (!ret)
		ret = bw_iter_member(k, "rb_node", "rb_left", &r.left_off, NULL, err);
	if (!ret)
		ret = bw_iter_member(k, "rb_node", "rb_right", &r.right_off, NULL, err);
	if (!ret && cached)
		ret = bw_iter_member(k, "rb_root_cached", "rb_root", &root_off, NULL, err);
	if (!ret && cached)
		ret = bw_iter_member(k, "rb_root_cached", "rb_leftmost", &leftmost_off, NULL, err);
	if (!ret && cached)
		ret = iter_ptr(k, root + leftmost_off, &leftmost, "rb_root_cached's leftmost", err);
	if (!ret)
		ret = iter_ptr(k, root + root_off + node_off, &cur, "rb_root's node", err);
	if (!ret && cur)
		ret = iter_rb_child(&r, 0, cur, "root");
	if (ret)
		return ret;
	iter_brent_init(&b, 0);
	for (;;) {
		uint64_t next;

		while (cur) {
			if (depth == BW_ITER_MAX_RB_DEPTH)
				return bw_fail(err, BW_ELIMIT,
					       "rbtree at 0x%llx: deeper than %u levels at node "
					       "0x%llx",
					       (unsigned long long)root, BW_ITER_MAX_RB_DEPTH,
					       (unsigned long long)cur);
			stack[depth++] = cur;
			ret = iter_ptr(k, cur + r.left_off, &next, "rb_node's left", err);
			if (!ret && next)
				ret = iter_rb_child(&r, cur, next, "left child");
			if (ret)
				return ret;
			cur = next;
		}
		if (!depth)
			break;
		cur = stack[--depth];
		if (cached && idx == 0 && cur != leftmost)
			return bw_fail(err, BW_EFORMAT,
				       "rbtree at 0x%llx: rb_leftmost is 0x%llx but the first node "
				       "is 0x%llx",
				       (unsigned long long)root, (unsigned long long)leftmost,
				       (unsigned long long)cur);
		ret = iter_visit(w, &b, "rbtree", root, idx++, cur, err);
		if (ret)
			return ret > 0 ? 0 : ret;
		ret = iter_ptr(k, cur + r.right_off, &next, "rb_node's right", err);
		if (!ret && next)
			ret = iter_rb_child(&r, cur, next, "right child");
		if (ret)
			return ret;
		cur = next;
	}
	if (cached && idx == 0 && leftmost)
		return bw_fail(err, BW_EFORMAT, "rbtree at 0x%llx: empty but rb_leftmost is 0x%llx",
			       (unsigned long long)root, (unsigned long long)leftmost);
	return 0;
}

/* ---- xarray (include/linux/xarray.h): entries ending in binary 10 are internal: a node
 * pointer + 2 when above 4096, else sibling (< chunk - 1), retry (256) or zero (257). ---- */

#define ITER_XA_MAX_LEVELS 64

struct iter_xa {
	const struct bw_kernel *k;
	const struct bw_iter_walk *w;
	uint64_t xa;
	uint64_t base; /* idr_base */
	uint64_t shift_off, shift_size, offset_off, offset_size, parent_off, array_off, slots_off;
	uint32_t chunk, chunk_shift;
	uint64_t elems, nodes;
	struct bw_error *err;
};

static bool iter_xa_is_node(uint64_t entry)
{
	return (entry & 3) == 2 && entry > 4096;
}

static int iter_xa_layout(struct iter_xa *x)
{
	const struct bw_kernel *k = x->k;
	struct bw_member_loc loc;
	struct bw_array arr;
	struct bw_type t;
	uint32_t id;
	int ret = bw_iter_member(k, "xa_node", "shift", &x->shift_off, &x->shift_size, x->err);

	if (!ret)
		ret = bw_iter_member(k, "xa_node", "offset", &x->offset_off, &x->offset_size,
				     x->err);
	if (!ret)
		ret = bw_iter_member(k, "xa_node", "parent", &x->parent_off, NULL, x->err);
	if (!ret)
		ret = bw_iter_member(k, "xa_node", "array", &x->array_off, NULL, x->err);
	if (!ret)
		ret = bw_iter_member(k, "xa_node", "slots", &x->slots_off, NULL, x->err);
	if (ret)
		return ret;
	/* XA_CHUNK_SIZE is the length of slots[]. */
	if (bw_btf_find(k->btf, "xa_node", BW_KIND_STRUCT, &id, NULL) ||
	    bw_btf_member_find(k->btf, id, "slots", &loc, NULL) ||
	    bw_btf_resolve(k->btf, loc.type, &id, NULL) || bw_btf_type(k->btf, id, &t, NULL) ||
	    t.kind != BW_KIND_ARRAY || bw_btf_array(k->btf, id, &arr, NULL))
		return bw_fail(x->err, BW_EFORMAT, "the BTF's xa_node.slots is not an array");
	x->chunk = arr.nelems;
	for (x->chunk_shift = 1; x->chunk_shift <= 8; x->chunk_shift++)
		if (1u << x->chunk_shift == x->chunk)
			break;
	if (x->chunk_shift > 8 ||
	    (x->shift_size != 1 && x->shift_size != 2 && x->shift_size != 4 &&
	     x->shift_size != 8) ||
	    x->shift_size != x->offset_size)
		return bw_fail(x->err, BW_EFORMAT,
			       "the BTF's xa_node has %u slots (expected a power of two, 2..256) "
			       "or a %llu-byte shift",
			       x->chunk, (unsigned long long)x->shift_size);
	return 0;
}

/* Check the node that entry points to: parent, array, its offset in the parent, its shift. */
static int iter_xa_node(struct iter_xa *x, uint64_t node, uint64_t parent, uint64_t offset,
			uint64_t shift)
{
	uint64_t got_shift, got_offset, got_parent, got_array;
	int ret;

	if (++x->nodes > BW_KERNEL_MAX_ITER)
		return bw_fail(x->err, BW_ELIMIT, "xarray at 0x%llx: more than %u nodes",
			       (unsigned long long)x->xa, BW_KERNEL_MAX_ITER);
	ret = bw_kernel_read_uint(x->k, node + x->shift_off, x->shift_size, &got_shift, x->err);
	if (!ret)
		ret = bw_kernel_read_uint(x->k, node + x->offset_off, x->offset_size, &got_offset,
					  x->err);
	if (!ret)
		ret = iter_ptr(x->k, node + x->parent_off, &got_parent, "xa_node's parent", x->err);
	if (!ret)
		ret = iter_ptr(x->k, node + x->array_off, &got_array, "xa_node's array", x->err);
	if (ret)
		return bw_kernel_prefix(x->err, "xarray at 0x%llx: node 0x%llx",
					(unsigned long long)x->xa, (unsigned long long)node);
	if (got_parent != parent || got_array != x->xa || (parent && got_offset != offset))
		return bw_fail(x->err, BW_EFORMAT,
			       "xarray at 0x%llx: broken link: node 0x%llx in slot %llu of 0x%llx "
			       "has parent 0x%llx, offset %llu, array 0x%llx",
			       (unsigned long long)x->xa, (unsigned long long)node,
			       (unsigned long long)offset, (unsigned long long)parent,
			       (unsigned long long)got_parent, (unsigned long long)got_offset,
			       (unsigned long long)got_array);
	if (parent ? got_shift != shift : (got_shift % x->chunk_shift || got_shift >= 64))
		return bw_fail(x->err, BW_EFORMAT,
			       "xarray at 0x%llx: node 0x%llx has shift %llu (expected %s%llu)",
			       (unsigned long long)x->xa, (unsigned long long)node,
			       (unsigned long long)got_shift,
			       parent ? "" : "a multiple of the chunk shift below 64, not ",
			       (unsigned long long)(parent ? shift : got_shift));
	return 0;
}

static int iter_xa_entry(struct iter_xa *x, uint64_t index, uint64_t entry)
{
	uint64_t i;
	int ret;

	/* Siblings, retry and zero entries: internal and not a node. */
	if (!entry || (entry & 3) == 2)
		return 0;
	if (x->elems >= iter_limit(x->w))
		return bw_fail(x->err, BW_ELIMIT, "xarray at 0x%llx: more than %llu elements",
			       (unsigned long long)x->xa, (unsigned long long)iter_limit(x->w));
	x->elems++;
	if (bw_add_overflow(index, x->base, &i))
		return bw_fail(x->err, BW_EFORMAT,
			       "idr at 0x%llx: index %llu + base %llu overflows",
			       (unsigned long long)x->xa, (unsigned long long)index,
			       (unsigned long long)x->base);
	ret = x->w->fn(x->w->ctx, i, entry);
	return ret > 0 ? 1 : ret;
}

/* Depth-first over the nodes below the root node, one slot cursor per level. Shifts strictly
 * decrease downwards, so the depth is at most 64 / chunk_shift + 1 whatever memory says. */
static int iter_xa_tree(struct iter_xa *x, uint64_t root)
{
	uint64_t node[ITER_XA_MAX_LEVELS], base[ITER_XA_MAX_LEVELS], shift[ITER_XA_MAX_LEVELS];
	uint32_t slot[ITER_XA_MAX_LEVELS];
	int level = 0, ret;

	ret = iter_xa_node(x, root, 0, 0, 0);
	if (!ret)
		ret = bw_kernel_read_uint(x->k, root + x->shift_off, x->shift_size, &shift[0],
					  x->err);
	if (ret)
		return ret;
	node[0] = root;
	base[0] = 0;
	slot[0] = 0;
	while (level >= 0) {
		uint64_t entry, index = 0, child, off;

		if (slot[level] == x->chunk) {
			level--;
			continue;
		}
		off = (uint64_t)slot[level] << shift[level];
		ret = iter_ptr(x->k, node[level] + x->slots_off + 8ull * slot[level], &entry,
			       "xa_node slot", x->err);
		if (ret)
			return bw_kernel_prefix(x->err, "xarray at 0x%llx",
						(unsigned long long)x->xa);
		if (entry && (off >> shift[level] != slot[level] ||
			      bw_add_overflow(base[level], off, &index)))
			return bw_fail(
				x->err, BW_EFORMAT,
				"xarray at 0x%llx: node 0x%llx: slot %u is beyond index 2^64",
				(unsigned long long)x->xa, (unsigned long long)node[level],
				slot[level]);
		slot[level]++;
		if (!iter_xa_is_node(entry)) {
			ret = iter_xa_entry(x, index, entry);
			if (ret)
				return ret;
			continue;
		}
		child = entry - 2;
		if (shift[level] < x->chunk_shift)
			return bw_fail(x->err, BW_EFORMAT,
				       "xarray at 0x%llx: node 0x%llx at shift %llu has a node "
				       "0x%llx in slot %u",
				       (unsigned long long)x->xa, (unsigned long long)node[level],
				       (unsigned long long)shift[level], (unsigned long long)child,
				       slot[level] - 1);
		ret = iter_xa_node(x, child, node[level], slot[level] - 1,
				   shift[level] - x->chunk_shift);
		if (ret)
			return ret;
		node[level + 1] = child;
		base[level + 1] = index;
		shift[level + 1] = shift[level] - x->chunk_shift;
		slot[level + 1] = 0;
		level++;
	}
	return 0;
}

static int iter_xa_walk(struct iter_xa *x)
{
	uint64_t head_off, head;
	int ret = bw_iter_member(x->k, "xarray", "xa_head", &head_off, NULL, x->err);

	if (!ret)
		ret = iter_xa_layout(x);
	if (!ret)
		ret = iter_ptr(x->k, x->xa + head_off, &head, "xarray's head", x->err);
	if (ret)
		return ret;
	if (iter_xa_is_node(head))
		ret = iter_xa_tree(x, head - 2);
	else
		ret = iter_xa_entry(x, 0, head);
	return ret > 0 ? 0 : ret;
}

int bw_iter_xarray(const struct bw_kernel *k, uint64_t xa, const struct bw_iter_walk *w,
		   struct bw_error *err)
{
	struct iter_xa x = {.k = k, .w = w, .xa = xa, .err = err};

	return iter_xa_walk(&x);
}

int bw_iter_idr(const struct bw_kernel *k, uint64_t idr, const struct bw_iter_walk *w,
		struct bw_error *err)
{
	struct iter_xa x = {.k = k, .w = w, .err = err};
	uint64_t rt_off, base_off, base_size;
	int ret = bw_iter_member(k, "idr", "idr_rt", &rt_off, NULL, err);

	if (!ret)
		ret = bw_iter_member(k, "idr", "idr_base", &base_off, &base_size, err);
	if (!ret)
		ret = bw_kernel_read_uint(k, idr + base_off, base_size, &x.base, err);
	if (ret)
		return ret;
	x.xa = idr + rt_off;
	return iter_xa_walk(&x);
}

#undef ITER_XA_MAX_LEVELS
