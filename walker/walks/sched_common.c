/* SPDX-License-Identifier: MIT */
/* Possible CPUs and absent-tolerant BTF lookups for the scheduler walks (see sched_impl.h). */
#include <string.h>
#include "internal.h"
#include "walks/sched_impl.h"

void sched_cpus_free(const struct bw_kernel *k, struct sched_cpus *c)
{
	bw_free(k->alloc, c->id);
	bw_free(k->alloc, c->off);
	bw_free(k->alloc, c->online);
	memset(c, 0, sizeof(*c));
}

int sched_cpus_get(const struct bw_kernel *k, struct sched_cpus *c, struct bw_error *err)
{
	uint64_t possible, online, pw = 0, ow = 0;
	uint32_t cpu;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	ret = bw_kernel_need_percpu(k, err);
	if (!ret)
		ret = bw_kernel_symbol(k, "__cpu_possible_mask", &possible, err);
	if (!ret)
		ret = bw_kernel_symbol(k, "__cpu_online_mask", &online, err);
	if (ret)
		return ret;
	c->id = bw_alloc_array(k->alloc, k->nr_cpu_ids, sizeof(*c->id));
	c->off = bw_alloc_array(k->alloc, k->nr_cpu_ids, sizeof(*c->off));
	c->online = bw_alloc_array(k->alloc, k->nr_cpu_ids, sizeof(*c->online));
	if (!c->id || !c->off || !c->online) {
		sched_cpus_free(k, c);
		return bw_fail(err, BW_ENOMEM, "out of memory");
	}
	for (cpu = 0; cpu < k->nr_cpu_ids && !ret; cpu++) {
		if (cpu % 64 == 0) {
			ret = bw_kernel_read_uint(k, possible + cpu / 8, 8, &pw, err);
			if (!ret)
				ret = bw_kernel_read_uint(k, online + cpu / 8, 8, &ow, err);
			if (ret)
				break;
		}
		if (!((pw >> (cpu % 64)) & 1))
			continue;
		c->id[c->nr] = cpu;
		c->online[c->nr] = (ow >> (cpu % 64)) & 1;
		ret = bw_kernel_percpu_offset(k, cpu, &c->off[c->nr], err);
		c->nr++;
	}
	if (!ret && !c->nr)
		ret = bw_fail(err, BW_EFORMAT, "__cpu_possible_mask at 0x%llx has no CPU below %u",
			      (unsigned long long)possible, k->nr_cpu_ids);
	if (ret)
		sched_cpus_free(k, c);
	return ret;
}

static bool sched_type(const struct bw_kernel *k, const char *type, uint32_t *id)
{
	return !bw_kernel_type_named(k, type, BW_KIND_STRUCT, id, NULL) ||
	       !bw_kernel_type_named(k, type, BW_KIND_TYPEDEF, id, NULL);
}

void sched_field(const struct bw_kernel *k, const char *type, const char *path,
		 struct sched_field *f)
{
	struct bw_member_loc loc;
	struct bw_array arr;
	uint32_t id, rtype;

	memset(f, 0, sizeof(*f));
	if (!sched_type(k, type, &id) || bw_btf_path(k->btf, id, path, &loc, NULL) ||
	    bw_btf_resolve(k->btf, loc.type, &rtype, NULL))
		return;
	f->off = loc.byte_offset;
	if (loc.bitfield_size) {
		f->bit_off = (uint32_t)(loc.bit_offset % 8);
		f->bit_size = loc.bitfield_size;
		f->size = (f->bit_off + f->bit_size + 7) / 8;
	} else if (!bw_btf_array(k->btf, rtype, &arr, NULL)) {
		if (bw_btf_sizeof(k->btf, arr.type, &f->size, NULL))
			return;
		f->nelems = arr.nelems;
	} else if (bw_btf_sizeof(k->btf, rtype, &f->size, NULL)) {
		return;
	}
	f->found = true;
}

uint64_t sched_sizeof(const struct bw_kernel *k, const char *type)
{
	uint64_t size;
	uint32_t id;

	if (!sched_type(k, type, &id) || bw_btf_sizeof(k->btf, id, &size, NULL))
		return 0;
	return size;
}

bool sched_enum(const struct bw_kernel *k, const char *name, int64_t *value)
{
	struct bw_enumerator e;

	if (bw_btf_enum_value(k->btf, 0, name, &e, NULL))
		return false;
	*value = e.value;
	return true;
}

int bw_walk_src_read(const struct bw_walk_src *src, uint64_t addr, uint32_t size, uint64_t *v,
		     struct bw_error *err)
{
	if (src->read)
		return src->read(src->ctx, addr, size, v, err);
	return bw_kernel_read_uint(src->k, addr, size, v, err);
}

static int sched_read_at(const struct bw_walk_src *src, uint64_t addr, const struct sched_field *f,
			 uint64_t *v, struct bw_error *err)
{
	int ret;

	if (f->size == 0 || f->size > 8)
		return bw_fail(err, BW_ENOTSUP, "field of %llu bytes at 0x%llx is not an integer",
			       (unsigned long long)f->size, (unsigned long long)addr);
	ret = bw_walk_src_read(src, addr, (uint32_t)f->size, v, err);
	if (ret || !f->bit_size)
		return ret;
	*v = (*v >> f->bit_off) & (f->bit_size >= 64 ? ~0ull : (1ull << f->bit_size) - 1);
	return 0;
}

int sched_read(const struct bw_walk_src *src, uint64_t addr, const struct sched_field *f,
	       uint64_t *v, struct bw_error *err)
{
	return sched_read_at(src, addr + f->off, f, v, err);
}

int sched_read_elem(const struct bw_walk_src *src, uint64_t addr, const struct sched_field *f,
		    uint32_t i, uint64_t *v, struct bw_error *err)
{
	if (i >= f->nelems)
		return bw_fail(err, BW_EINVAL, "index %u past an array of %u at 0x%llx", i,
			       f->nelems, (unsigned long long)(addr + f->off));
	return sched_read_at(src, addr + f->off + (uint64_t)i * f->size, f, v, err);
}

int sched_static_key_field(const struct bw_kernel *k, const char *sym, uint64_t *addr,
			   struct sched_field *f, struct bw_error *err)
{
	sched_field(k, "static_key_false", "key.enabled", f);
	if (!f->found)
		return bw_fail(err, BW_ENOTSUP, "no static_key_false.key.enabled in the BTF");
	return bw_kernel_symbol(k, sym, addr, err);
}

int sched_static_key_read(const struct bw_walk_src *src, uint64_t addr, const struct sched_field *f,
			  bool *on, struct bw_error *err)
{
	uint64_t v;
	int ret = sched_read(src, addr, f, &v, err);

	if (!ret)
		*on = (int32_t)v > 0;
	return ret;
}

int sched_static_key(const struct bw_kernel *k, const char *sym, bool *on, struct bw_error *err)
{
	struct sched_field f;
	uint64_t addr;
	int ret = sched_static_key_field(k, sym, &addr, &f, err);

	return ret ? ret
		   : sched_static_key_read(&(struct bw_walk_src){k, NULL, NULL}, addr, &f, on, err);
}

bool sched_enum_id(const struct bw_kernel *k, const char *name, uint32_t *id)
{
	uint32_t i, n = bw_btf_type_cnt(k->btf);
	struct bw_enumerator e;
	struct bw_type t;

	for (i = 1; i < n; i++)
		if (!bw_btf_type(k->btf, i, &t, NULL) &&
		    (t.kind == BW_KIND_ENUM || t.kind == BW_KIND_ENUM64) &&
		    !bw_btf_enum_value(k->btf, i, name, &e, NULL)) {
			*id = i;
			return true;
		}
	return false;
}

uint64_t sched_var_size(const struct bw_kernel *k, const char *name)
{
	struct bw_type t;
	uint64_t size;
	uint32_t id;

	if (bw_btf_find(k->btf, name, BW_KIND_VAR, &id, NULL) ||
	    bw_btf_type(k->btf, id, &t, NULL) || bw_btf_sizeof(k->btf, t.type, &size, NULL))
		return 0;
	return size;
}

uint64_t sched_int_size(const struct bw_kernel *k, const char *name)
{
	uint64_t size;
	uint32_t id;

	if (bw_btf_find(k->btf, name, BW_KIND_INT, &id, NULL) ||
	    bw_btf_sizeof(k->btf, id, &size, NULL))
		return 0;
	return size;
}

int bw_sched_walk_build(const struct bw_kernel *k, const struct bw_sched_walk *wk, void **plan,
			void **out, struct bw_error *err)
{
	int ret;

	*plan = bw_zalloc(k->alloc, wk->plan_size);
	*out = bw_zalloc(k->alloc, wk->out_size);
	ret = *plan && *out ? wk->init(k, *plan, *out, err)
			    : bw_fail(err, BW_ENOMEM, "out of memory for the %s walk", wk->name);
	if (ret) {
		bw_sched_walk_free(k, wk, *plan, *out);
		*plan = *out = NULL;
	}
	return ret;
}

void bw_sched_walk_free(const struct bw_kernel *k, const struct bw_sched_walk *wk, void *plan,
			void *out)
{
	if (wk->fini)
		wk->fini(k, plan, out);
	bw_free(k->alloc, plan);
	bw_free(k->alloc, out);
}

int bw_sched_walk_once(const struct bw_kernel *k, const struct bw_sched_walk *wk, void **out,
		       struct bw_error *err)
{
	void *plan;
	int ret = bw_sched_walk_build(k, wk, &plan, out, err);

	if (ret)
		return ret;
	ret = wk->read(plan, &(struct bw_walk_src){k, NULL, NULL}, *out, err);
	bw_sched_walk_free(k, wk, plan, ret ? *out : NULL);
	if (ret)
		*out = NULL;
	return ret;
}
