/* SPDX-License-Identifier: MIT */
/* Test helper: container types in the synthetic kernel's BTF (see kimage_iter.h). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "kimage_iter.h"

#define KB_BITS(type, member) ((uint32_t)offsetof(type, member) * 8)

/* A struct's member records follow its header, so a pointer to the struct made right after
 * them has the next id: self-referencing members use id + 1. */
void kb_iter_btf(struct kb_btf *b, uint32_t int_, uint32_t char_, uint32_t ulong, uint32_t uint_,
		 int xa_chunk_shift)
{
	uint32_t lh, hn, hnp, hh, rbn, rbnp, rbr, rbc, vp, xa, xap, u8, arr, xan, idr, charp, item,
		cont;
	uint32_t chunk = 1u << (xa_chunk_shift ? xa_chunk_shift : 6);

	lh = kb_btf_struct(b, "list_head", sizeof(struct kb_list_head), 2, false);
	kb_btf_member(b, "next", lh + 1, KB_BITS(struct kb_list_head, next), 0);
	kb_btf_member(b, "prev", lh + 1, KB_BITS(struct kb_list_head, prev), 0);
	kb_btf_ptr(b, lh);
	hn = kb_btf_struct(b, "hlist_node", sizeof(struct kb_hlist_node), 2, false);
	kb_btf_member(b, "next", hn + 1, KB_BITS(struct kb_hlist_node, next), 0);
	kb_btf_member(b, "pprev", hn + 2, KB_BITS(struct kb_hlist_node, pprev), 0);
	hnp = kb_btf_ptr(b, hn);
	kb_btf_ptr(b, hnp);
	hh = kb_btf_struct(b, "hlist_head", 8, 1, false);
	kb_btf_member(b, "first", hnp, 0, 0);

	rbn = kb_btf_struct(b, "rb_node", sizeof(struct kb_rb_node), 3, false);
	kb_btf_member(b, "__rb_parent_color", ulong, KB_BITS(struct kb_rb_node, parent_color), 0);
	kb_btf_member(b, "rb_right", rbn + 1, KB_BITS(struct kb_rb_node, right), 0);
	kb_btf_member(b, "rb_left", rbn + 1, KB_BITS(struct kb_rb_node, left), 0);
	rbnp = kb_btf_ptr(b, rbn);
	rbr = kb_btf_struct(b, "rb_root", 8, 1, false);
	kb_btf_member(b, "rb_node", rbnp, 0, 0);
	rbc = kb_btf_struct(b, "rb_root_cached", 16, 2, false);
	kb_btf_member(b, "rb_root", rbr, 0, 0);
	kb_btf_member(b, "rb_leftmost", rbnp, 64, 0);

	vp = kb_btf_ptr(b, 0);
	xa = kb_btf_struct(b, "xarray", sizeof(struct kb_xarray), 3, false);
	kb_btf_member(b, "xa_lock", uint_, KB_BITS(struct kb_xarray, lock), 0);
	kb_btf_member(b, "xa_flags", uint_, KB_BITS(struct kb_xarray, flags), 0);
	kb_btf_member(b, "xa_head", vp, KB_BITS(struct kb_xarray, head), 0);
	xap = kb_btf_ptr(b, xa);
	u8 = kb_btf_int(b, "unsigned char", 1, 0);
	arr = kb_btf_array(b, vp, int_, chunk);
	xan = kb_btf_struct(b, "xa_node", KB_XA_NODE_SLOTS + chunk * 8 + 24, 8, false);
	kb_btf_member(b, "shift", u8, KB_XA_NODE_SHIFT * 8, 0);
	kb_btf_member(b, "offset", u8, KB_XA_NODE_OFFSET * 8, 0);
	kb_btf_member(b, "count", u8, 16, 0);
	kb_btf_member(b, "nr_values", u8, 24, 0);
	kb_btf_member(b, "parent", xan + 1, KB_XA_NODE_PARENT * 8, 0);
	kb_btf_member(b, "array", xap, KB_XA_NODE_ARRAY * 8, 0);
	kb_btf_member(b, "private_list", lh, 24 * 8, 0);
	kb_btf_member(b, "slots", arr, KB_XA_NODE_SLOTS * 8, 0);
	kb_btf_ptr(b, xan);
	idr = kb_btf_struct(b, "idr", sizeof(struct kb_idr), 3, false);
	kb_btf_member(b, "idr_rt", xa, KB_BITS(struct kb_idr, rt), 0);
	kb_btf_member(b, "idr_base", uint_, KB_BITS(struct kb_idr, base), 0);
	kb_btf_member(b, "idr_next", uint_, KB_BITS(struct kb_idr, next), 0);

	charp = kb_btf_ptr(b, char_);
	arr = kb_btf_array(b, char_, int_, 4);
	item = kb_btf_struct(b, "bw_item", sizeof(struct kb_item), 8, false);
	kb_btf_member(b, "id", int_, KB_BITS(struct kb_item, id), 0);
	kb_btf_member(b, "name", arr, KB_BITS(struct kb_item, name), 0);
	kb_btf_member(b, "link", lh, KB_BITS(struct kb_item, link), 0);
	kb_btf_member(b, "hnode", hn, KB_BITS(struct kb_item, hnode), 0);
	kb_btf_member(b, "rb", rbn, KB_BITS(struct kb_item, rb), 0);
	kb_btf_member(b, "label", charp, KB_BITS(struct kb_item, label), 0);
	kb_btf_member(b, "other", item + 1, KB_BITS(struct kb_item, other), 0);
	kb_btf_member(b, "children", lh, KB_BITS(struct kb_item, children), 0);
	kb_btf_ptr(b, item);

	cont = kb_btf_struct(b, "bw_containers", sizeof(struct kb_containers), 6, false);
	kb_btf_member(b, "list", lh, KB_BITS(struct kb_containers, list), 0);
	kb_btf_member(b, "hlist", hh, KB_BITS(struct kb_containers, hlist_first), 0);
	kb_btf_member(b, "rb", rbr, KB_BITS(struct kb_containers, rb), 0);
	kb_btf_member(b, "rbc", rbc, KB_BITS(struct kb_containers, rbc_root), 0);
	kb_btf_member(b, "xa", xa, KB_BITS(struct kb_containers, xa), 0);
	kb_btf_member(b, "idr", idr, KB_BITS(struct kb_containers, idr), 0);
	kb_btf_var(b, "bw_test_containers", cont);
}

uint64_t kb_dm(uint64_t pa)
{
	return KB_PAGE_OFFSET + pa;
}

uint64_t kb_dm_pa(uint64_t va)
{
	if (va >= KB_IMAGE_VADDR)
		return va - KB_IMAGE_VADDR +
		       (KB_IMAGE_VADDR - 0xffffffff80000000ull + KB_PHYS_BASE);
	return va - KB_PAGE_OFFSET;
}

void kb_put_va_u64(struct kb_mem *m, uint64_t va, uint64_t v)
{
	kb_put_u64(m, kb_dm_pa(va), v);
}

uint64_t kb_get_va_u64(const struct kb_mem *m, uint64_t va)
{
	uint64_t v;

	memcpy(&v, m->ram + kb_dm_pa(va), 8);
	return v;
}

void kb_list_link(struct kb_mem *m, uint64_t head, const uint64_t *nodes, size_t n)
{
	uint64_t prev = head;
	size_t i;

	for (i = 0; i < n; i++) {
		kb_put_va_u64(m, prev + offsetof(struct kb_list_head, next), nodes[i]);
		kb_put_va_u64(m, nodes[i] + offsetof(struct kb_list_head, prev), prev);
		prev = nodes[i];
	}
	kb_put_va_u64(m, prev + offsetof(struct kb_list_head, next), head);
	kb_put_va_u64(m, head + offsetof(struct kb_list_head, prev), prev);
}

void kb_hlist_link(struct kb_mem *m, uint64_t head, const uint64_t *nodes, size_t n)
{
	uint64_t link = head;
	size_t i;

	kb_put_va_u64(m, head, 0);
	for (i = 0; i < n; i++) {
		kb_put_va_u64(m, link, nodes[i]);
		kb_put_va_u64(m, nodes[i] + offsetof(struct kb_hlist_node, pprev), link);
		link = nodes[i] + offsetof(struct kb_hlist_node, next);
		kb_put_va_u64(m, link, 0);
	}
}

static unsigned kb_rb_sub(struct kb_mem *m, uint64_t parent, const uint64_t *nodes, size_t lo,
			  size_t hi, size_t (*pivot)(size_t, size_t), uint64_t *top)
{
	unsigned dl, dr;
	size_t mid;
	uint64_t node, left, right;

	if (lo >= hi) {
		*top = 0;
		return 0;
	}
	mid = pivot ? pivot(lo, hi) : lo + (hi - lo) / 2;
	node = nodes[mid];
	dl = kb_rb_sub(m, node, nodes, lo, mid, pivot, &left);
	dr = kb_rb_sub(m, node, nodes, mid + 1, hi, pivot, &right);
	/* Colour bit 1 (black) set on every other level: the walker must mask it. */
	kb_put_va_u64(m, node + offsetof(struct kb_rb_node, parent_color), parent | (dl & 1));
	kb_put_va_u64(m, node + offsetof(struct kb_rb_node, left), left);
	kb_put_va_u64(m, node + offsetof(struct kb_rb_node, right), right);
	*top = node;
	return 1 + (dl > dr ? dl : dr);
}

unsigned kb_rb_build(struct kb_mem *m, uint64_t root, const uint64_t *nodes, size_t n,
		     size_t (*pivot)(size_t lo, size_t hi))
{
	uint64_t top;
	unsigned depth = kb_rb_sub(m, 0, nodes, 0, n, pivot, &top);

	kb_put_va_u64(m, root, top);
	return depth;
}

void kb_xa_init(struct kb_xa *x, struct kb_mem *m, uint64_t xa, int chunk_shift, uint64_t next,
		uint64_t end)
{
	memset(x, 0, sizeof(*x));
	x->m = m;
	x->xa = xa;
	x->chunk_shift = chunk_shift;
	x->next = next;
	x->end = end;
	kb_put_va_u64(m, xa + offsetof(struct kb_xarray, head), 0);
}

static uint64_t kb_xa_node_new(struct kb_xa *x, unsigned shift, unsigned offset, uint64_t parent)
{
	uint64_t size = KB_XA_NODE_SLOTS + (8ull << x->chunk_shift) + 24;
	uint64_t pa = x->next;
	unsigned char hdr[2] = {(unsigned char)shift, (unsigned char)offset};

	if (pa + size > x->end)
		abort();
	x->next += (size + 63) & ~63ull;
	memset(x->m->ram + pa, 0, size);
	kb_put(x->m, pa + KB_XA_NODE_SHIFT, hdr, 2);
	kb_put_u64(x->m, pa + KB_XA_NODE_PARENT, parent);
	kb_put_u64(x->m, pa + KB_XA_NODE_ARRAY, x->xa);
	return kb_dm(pa);
}

static bool kb_xa_is_node(uint64_t e)
{
	return (e & 3) == 2 && e > 4096;
}

uint64_t kb_xa_store(struct kb_xa *x, uint64_t index, uint64_t entry)
{
	uint64_t chunk = 1ull << x->chunk_shift, node, slot;
	unsigned shift;

	if (!x->head && !index) {
		x->head = entry;
		kb_put_va_u64(x->m, x->xa + offsetof(struct kb_xarray, head), entry);
		return 0;
	}
	/* Grow until the root node covers index. */
	for (;;) {
		bool is_node = kb_xa_is_node(x->head);
		unsigned s = is_node ? ((unsigned char *)x->m->ram)[kb_dm_pa(x->head - 2)] : 0;

		if (is_node && (s + x->chunk_shift >= 64 || index >> (s + x->chunk_shift) == 0))
			break;
		node = kb_xa_node_new(x, is_node ? s + x->chunk_shift : 0, 0, 0);
		kb_put_va_u64(x->m, node + KB_XA_NODE_SLOTS, x->head);
		if (is_node)
			kb_put_va_u64(x->m, x->head - 2 + KB_XA_NODE_PARENT, node);
		x->head = node + 2;
	}
	kb_put_va_u64(x->m, x->xa + offsetof(struct kb_xarray, head), x->head);
	node = x->head - 2;
	for (;;) {
		shift = ((unsigned char *)x->m->ram)[kb_dm_pa(node)];
		slot = node + KB_XA_NODE_SLOTS + 8 * ((index >> shift) & (chunk - 1));
		if (!shift) {
			kb_put_va_u64(x->m, slot, entry);
			return node;
		}
		if (!kb_get_va_u64(x->m, slot))
			kb_put_va_u64(x->m, slot,
				      kb_xa_node_new(x, shift - x->chunk_shift,
						     (unsigned)((index >> shift) & (chunk - 1)),
						     node) +
					      2);
		node = kb_get_va_u64(x->m, slot) - 2;
	}
}
