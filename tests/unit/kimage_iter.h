/* SPDX-License-Identifier: MIT */
/*
 * Test helper: the kernel's container types (list_head, hlist, rb_node, rb_root(_cached),
 * xarray, xa_node, idr) in the synthetic kernel's BTF, with offsets taken from the C mirrors
 * below by offsetof, an element type (struct bw_item) and a struct of anchors (variable
 * bw_test_containers). Tests lay out lists, trees and xarrays in the scratch range themselves.
 */
#ifndef KIMAGE_ITER_H
#define KIMAGE_ITER_H

#include <stdint.h>
#include "kimage_builder.h"

struct kb_list_head {
	uint64_t next, prev;
};

struct kb_hlist_node {
	uint64_t next, pprev;
};

struct kb_rb_node {
	uint64_t parent_color, right, left;
};

struct kb_xarray {
	uint32_t lock, flags;
	uint64_t head;
};

struct kb_idr {
	struct kb_xarray rt;
	uint32_t base, next;
};

/* struct bw_item: what the lists, trees and xarrays of the tests hold. */
struct kb_item {
	int32_t id;
	char name[4];
	struct kb_list_head link;
	struct kb_hlist_node hnode;
	struct kb_rb_node rb;
	uint64_t label; /* char * */
	uint64_t other; /* struct bw_item * */
	struct kb_list_head children;
};

/* struct bw_containers, the type of bw_test_containers. */
struct kb_containers {
	struct kb_list_head list;
	uint64_t hlist_first;		 /* struct hlist_head */
	uint64_t rb;			 /* struct rb_root */
	uint64_t rbc_root, rbc_leftmost; /* struct rb_root_cached */
	struct kb_xarray xa;
	struct kb_idr idr;
};

/* xa_node: shift, offset, count, nr_values (u8), parent, array, private_list, slots[chunk]. */
#define KB_XA_NODE_SHIFT 0
#define KB_XA_NODE_OFFSET 1
#define KB_XA_NODE_PARENT 8
#define KB_XA_NODE_ARRAY 16
#define KB_XA_NODE_SLOTS 40

/* Physical range free for the tests' objects, direct-mapped at KB_PAGE_OFFSET + pa. */
#define KB_SCRATCH_PA 0x1800000ull
#define KB_SCRATCH_SIZE 0x2000000ull
#define KB_CONTAINERS_IMAGE_OFF 0x4000 /* bw_test_containers in the image */

/* Direct-map address of a physical address, and back. */
uint64_t kb_dm(uint64_t pa);
uint64_t kb_dm_pa(uint64_t va);
void kb_put_va_u64(struct kb_mem *m, uint64_t va, uint64_t v);
uint64_t kb_get_va_u64(const struct kb_mem *m, uint64_t va);

/* Link the list_heads at nodes[0..n) into the ring anchored at head (all virtual addresses). */
void kb_list_link(struct kb_mem *m, uint64_t head, const uint64_t *nodes, size_t n);
/* The hlist_nodes at nodes[0..n) after the hlist_head at head. */
void kb_hlist_link(struct kb_mem *m, uint64_t head, const uint64_t *nodes, size_t n);
/* A binary search tree of the rb_nodes at nodes[0..n), whose in-order sequence is nodes[] in
 * that order, hung from the rb_root at root; pivot(lo, hi) picks each subtree's root (NULL:
 * the middle). Returns the depth. */
unsigned kb_rb_build(struct kb_mem *m, uint64_t root, const uint64_t *nodes, size_t n,
		     size_t (*pivot)(size_t lo, size_t hi));

/* An xarray built the kernel's way: nodes of 1 << chunk_shift slots allocated from
 * [next, end) (physical), the head written to the xarray at xa. */
struct kb_xa {
	struct kb_mem *m;
	uint64_t xa; /* virtual address of the struct xarray */
	uint64_t head;
	int chunk_shift;
	uint64_t next, end;
};
void kb_xa_init(struct kb_xa *x, struct kb_mem *m, uint64_t xa, int chunk_shift, uint64_t next,
		uint64_t end);
/* Store entry (a pointer, or a value/internal entry as given) at index. Returns the node
 * (virtual address) holding it, 0 when it is the head. */
uint64_t kb_xa_store(struct kb_xa *x, uint64_t index, uint64_t entry);

/* Called by kb_build_btf: the types above; xa_chunk_shift 0 means 6 (64 slots). */
void kb_iter_btf(struct kb_btf *b, uint32_t int_, uint32_t char_, uint32_t ulong, uint32_t uint_,
		 int xa_chunk_shift);

#endif
