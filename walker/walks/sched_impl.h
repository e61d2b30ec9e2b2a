/* SPDX-License-Identifier: MIT */
/*
 * What the scheduler walks (stat, softirqs, schedstat, pressure) share: the possible CPUs with
 * their per-CPU offsets, and BTF lookups that answer "absent" instead of failing, so that each
 * walk can say per value what this kernel lacks. Internal to walker/walks/.
 */
#ifndef BTFWALK_WALKS_SCHED_IMPL_H
#define BTFWALK_WALKS_SCHED_IMPL_H

#include "btfwalk/sched.h"
#include "walks/walks_impl.h"

/* The possible CPUs (bits of __cpu_possible_mask below nr_cpu_ids), in order. */
struct sched_cpus {
	uint32_t nr;
	uint32_t *id;
	uint64_t *off; /* __per_cpu_offset[id] */
	bool *online;  /* bit of __cpu_online_mask */
};
int sched_cpus_get(const struct bw_kernel *k, struct sched_cpus *c, struct bw_error *err);
void sched_cpus_free(const struct bw_kernel *k, struct sched_cpus *c);

/* A member of a struct or typedef'd struct, found by path. found == false: not in this BTF. */
struct sched_field {
	bool found;
	uint64_t off;	   /* bytes from the start of the struct */
	uint64_t size;	   /* of the member (of one element for arrays) */
	uint32_t nelems;   /* 0: not an array */
	uint32_t bit_off;  /* bitfields: bit offset within the byte at off */
	uint32_t bit_size; /* 0: not a bitfield */
};
void sched_field(const struct bw_kernel *k, const char *type, const char *path,
		 struct sched_field *f);
/* Size of a named struct/typedef; 0 if absent. */
uint64_t sched_sizeof(const struct bw_kernel *k, const char *type);
/* Size of the BTF VAR name (per-CPU variables); 0 if absent. */
uint64_t sched_var_size(const struct bw_kernel *k, const char *name);
/* Size of the BTF integer type name ("int", "long unsigned int"); 0 if absent. */
uint64_t sched_int_size(const struct bw_kernel *k, const char *name);
/* Value of enumerator name (any enum); false if absent. */
bool sched_enum(const struct bw_kernel *k, const char *name, int64_t *value);
/* The enum type holding enumerator name; false if none. */
bool sched_enum_id(const struct bw_kernel *k, const char *name, uint32_t *id);
/* Read an integer field of an object at addr (bitfields too) through src. */
int sched_read(const struct bw_walk_src *src, uint64_t addr, const struct sched_field *f,
	       uint64_t *v, struct bw_error *err);
/* Read element i of an array field. */
int sched_read_elem(const struct bw_walk_src *src, uint64_t addr, const struct sched_field *f,
		    uint32_t i, uint64_t *v, struct bw_error *err);
/* A static key (struct static_key_false/true) is enabled: key.enabled != 0. */
int sched_static_key(const struct bw_kernel *k, const char *sym, bool *on, struct bw_error *err);
/* The same in two steps: where the key is (resolved once), then its state through src. */
int sched_static_key_field(const struct bw_kernel *k, const char *sym, uint64_t *addr,
			   struct sched_field *f, struct bw_error *err);
int sched_static_key_read(const struct bw_walk_src *src, uint64_t addr, const struct sched_field *f,
			  bool *on, struct bw_error *err);

#endif
