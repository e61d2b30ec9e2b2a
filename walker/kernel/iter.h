/* SPDX-License-Identifier: MIT */
/*
 * Bounded, cycle-safe walks of the kernel's containers (internal; used by expr/ and walks/):
 * list_head rings, hlists, red-black trees and xarrays/IDRs. Every offset (list_head.next,
 * rb_node.rb_left, xa_node.slots, ...) and the xarray chunk size (the length of xa_node.slots)
 * come from the dump's BTF.
 *
 * Each walk calls fn(ctx, index, addr) once per element, in order:
 * - list: index 0, 1, ...; addr = node - entry_off (container_of). The head is not an element
 *   (as list_for_each_entry), so walking init_task.tasks gives every task but init_task.
 * - hlist: the same from hlist_head.first to a NULL next.
 * - rbtree: in order (rb_first, rb_next); addr = rb_node - entry_off.
 * - xarray: index = the entry's index, addr = the raw entry (a pointer, or a value entry with
 *   bit 0 set); NULL, sibling, retry and zero entries are skipped. idr: index + idr_base.
 * fn returns 0 to go on, > 0 to stop (the walk returns 0), < 0 to fail (the walk returns that
 * value and leaves err to fn).
 *
 * Errors name the container's address, the step and the node:
 * - BW_ELIMIT past limit elements (0: BW_KERNEL_MAX_ITER), past BW_KERNEL_MAX_ITER xarray nodes,
 *   or an rbtree deeper than BW_ITER_MAX_RB_DEPTH (no red-black tree of 2^32 nodes is).
 * - BW_EFORMAT for a broken link: node->next->prev != node (list), *node->pprev != node
 *   (hlist), a child whose parent is not the node it hangs from (rbtree, xarray; also an
 *   xa_node's offset, shift and array), a NULL list next, an rb_root_cached whose rb_leftmost is
 *   not the first node; and for a cycle (a node seen again, found by Brent's algorithm in
 *   constant memory, which also catches memory that changes while it is walked).
 * - BW_EFAULT (from the read) for a node outside the dump, BW_ENOENT/BW_EFORMAT when the BTF
 *   lacks a member these walks need.
 * Memory: constant (rbtree: a stack of BW_ITER_MAX_RB_DEPTH nodes; xarray: one slot cursor per
 * level, at most 64 levels).
 */
#ifndef BTFWALK_KERNEL_ITER_H
#define BTFWALK_KERNEL_ITER_H

#include "kernel/kernel_impl.h"

#define BW_ITER_MAX_RB_DEPTH 64

typedef int (*bw_iter_fn)(void *ctx, uint64_t index, uint64_t addr);

struct bw_iter_walk {
	bw_iter_fn fn;
	void *ctx;
	uint64_t entry_off; /* container_of: subtracted from each node (lists, rbtrees) */
	uint64_t limit;	    /* elements; 0 or more than BW_KERNEL_MAX_ITER: BW_KERNEL_MAX_ITER */
};

/* head: address of the struct list_head / hlist_head that anchors the list. */
int bw_iter_list(const struct bw_kernel *k, uint64_t head, const struct bw_iter_walk *w,
		 struct bw_error *err);
int bw_iter_hlist(const struct bw_kernel *k, uint64_t head, const struct bw_iter_walk *w,
		  struct bw_error *err);
/* root: address of a struct rb_root, or of a struct rb_root_cached (cached: rb_leftmost is
 * checked against the first node). */
int bw_iter_rbtree(const struct bw_kernel *k, uint64_t root, bool cached,
		   const struct bw_iter_walk *w, struct bw_error *err);
/* xa: address of a struct xarray; idr: of a struct idr (its idr_rt, indexes + idr_base). */
int bw_iter_xarray(const struct bw_kernel *k, uint64_t xa, const struct bw_iter_walk *w,
		   struct bw_error *err);
int bw_iter_idr(const struct bw_kernel *k, uint64_t idr, const struct bw_iter_walk *w,
		struct bw_error *err);

/* Byte offset (and size, if size is not NULL) of member of struct name, from the BTF. */
int bw_iter_member(const struct bw_kernel *k, const char *name, const char *member, uint64_t *off,
		   uint64_t *size, struct bw_error *err);

#endif
