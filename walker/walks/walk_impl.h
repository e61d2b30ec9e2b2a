/* SPDX-License-Identifier: MIT */
/*
 * Shared by the built-in walks (not installed): each walk resolves its layout from the BTF once
 * (struct sizes, member offsets and widths), then reads whole structs and takes fields out of
 * the bytes read.
 */
#ifndef BTFWALK_WALK_IMPL_H
#define BTFWALK_WALK_IMPL_H

#include "kernel/kernel_impl.h"
#include "btfwalk/tasks.h"

#define BW_WALK_MAX_STRUCT (64u << 10) /* bytes of one struct read whole (task_struct ~ 10K) */

/* A member of a struct as laid out in this kernel's BTF. */
struct bw_field {
	uint64_t off;	/* byte offset of the member (of its storage unit for a bitfield) */
	uint32_t size;	/* bytes read: the member's size, or the bitfield's storage unit */
	uint32_t shift; /* bitfields: bits from off */
	uint32_t bits;	/* bitfields: width; 0 otherwise */
	uint64_t bytes; /* the member's whole size (arrays, structs) */
	uint32_t type;	/* the member's type id (resolved) */
	bool present;	/* false when an optional member is missing from the BTF */
};

/* Size of struct sname (typedefs resolved). BW_ENOTSUP naming it when the BTF lacks it. */
int bw_walk_sizeof(const struct bw_kernel *k, const char *sname, uint64_t *size,
		   struct bw_error *err);
/* Member path (bw_btf_path syntax) of struct sname. BW_ENOTSUP naming it when absent; a member
 * wider than 8 bytes gets size 0 (an aggregate: use off only). */
int bw_walk_field(const struct bw_kernel *k, const char *sname, const char *path,
		  struct bw_field *f, struct bw_error *err);
/* The same for a member some kernels lack: f->present tells. */
void bw_walk_field_opt(const struct bw_kernel *k, const char *sname, const char *path,
		       struct bw_field *f);
/* An integer field from buf (len bytes holding the struct); 0 when f is absent or outside buf. */
uint64_t bw_walk_get(const unsigned char *buf, size_t len, const struct bw_field *f);
/* Read a whole struct of size bytes at addr into buf (size <= BW_WALK_MAX_STRUCT). */
int bw_walk_read(const struct bw_kernel *k, uint64_t addr, void *buf, uint64_t size,
		 struct bw_error *err);

/* ps.c: a task_struct's layout and one task read whole (used by runq.c too). */
struct bw_task_layout {
	uint64_t size;
	struct bw_field pid, tgid, state, exit_state, flags, comm, real_parent, cpu;
	uint64_t tasks_off; /* task_struct.tasks */
	/* Threads: signal->thread_head of thread_node (6.1+), else the thread_group ring. */
	struct bw_field signal;
	uint64_t thread_node_off, thread_head_off, thread_group_off;
	bool thread_head;
	unsigned char *buf; /* size bytes */
};
int bw_task_layout_init(const struct bw_kernel *k, struct bw_task_layout *l, struct bw_error *err);
void bw_task_layout_free(const struct bw_kernel *k, struct bw_task_layout *l);
/* Read the task at addr into t (l->buf is overwritten). */
int bw_task_read(const struct bw_kernel *k, const struct bw_task_layout *l, uint64_t addr,
		 struct bw_task *t, struct bw_error *err);
/* Address of per-CPU variable sym in cpu's area. */
int bw_walk_percpu(const struct bw_kernel *k, const char *sym, uint32_t cpu, uint64_t *addr,
		   struct bw_error *err);

#endif
