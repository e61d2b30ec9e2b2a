// SPDX-License-Identifier: MIT
/*
 * Compiling a query: expressions with fixed addresses, the NUMA plan's pieces and the runqueue
 * fields become kernel-virtual reads, translated once to physical pieces; the values a booting
 * kernel fills late are read too, to be compared on every sample.
 */
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "watch/watch_impl.h"

int watch_add_read(struct bw_watch *w, uint64_t vaddr, uint32_t len, uint32_t *idx,
		   struct bw_error *err)
{
	if (w->nreads >= BW_WATCH_MAX_READS)
		return bw_fail(err, BW_ELIMIT, "more than %u reads per sample", BW_WATCH_MAX_READS);
	if (w->nreads == w->reads_cap) {
		size_t cap = w->reads_cap ? w->reads_cap * 2 : 64;
		struct watch_read *r = bw_realloc(w->alloc, w->reads, cap * sizeof(*r));

		if (!r)
			return bw_fail(err, BW_ENOMEM, "out of memory for %zu reads", cap);
		w->reads = r;
		w->reads_cap = cap;
	}
	w->reads[w->nreads] = (struct watch_read){vaddr, len, (uint32_t)w->buf_len, 0, 0};
	*idx = (uint32_t)w->nreads++;
	w->buf_len += (len + 7u) & ~7u;
	return 0;
}

static int watch_add_iov(struct bw_watch *w, uint64_t paddr, size_t off, size_t len,
			 struct bw_error *err)
{
	if (w->niovs == w->iovs_cap) {
		size_t cap = w->iovs_cap ? w->iovs_cap * 2 : 64;
		struct bw_mem_iov *v = bw_realloc(w->alloc, w->iovs, cap * sizeof(*v));

		if (!v)
			return bw_fail(err, BW_ENOMEM, "out of memory for %zu reads", cap);
		w->iovs = v;
		w->iovs_cap = cap;
	}
	/* buf is not allocated yet: keep the offset, pointers are set in watch_translate. */
	w->iovs[w->niovs++] = (struct bw_mem_iov){paddr, (void *)(uintptr_t)off, len};
	return 0;
}

/* Physical pieces of read r, split at page boundaries. */
static int watch_translate_read(struct bw_watch *w, struct watch_read *r, struct bw_error *err)
{
	uint64_t vaddr = r->vaddr;
	size_t done = 0;
	int ret;

	r->iov = (uint32_t)w->niovs;
	while (done < r->len) {
		size_t chunk = (size_t)(BW_X86_PAGE_SIZE - (vaddr & (BW_X86_PAGE_SIZE - 1)));
		uint64_t paddr;

		if (chunk > r->len - done)
			chunk = r->len - done;
		ret = bw_kernel_vtop(w->k, vaddr, &paddr, err);
		if (!ret)
			ret = watch_add_iov(w, paddr, r->off + done, chunk, err);
		if (ret)
			return ret;
		vaddr += chunk;
		done += chunk;
	}
	r->niov = (uint32_t)(w->niovs - r->iov);
	return 0;
}

/* A value of the query; name is copied. */
int watch_add_value(struct bw_watch *w, const char *name, bool counter, struct watch_slot **slot,
		    struct bw_error *err)
{
	size_t n = strlen(name);
	char *copy;

	if (w->nvals % 64 == 0) {
		size_t cap = w->nvals + 64;
		struct watch_slot *s = bw_realloc(w->alloc, w->slots, cap * sizeof(*s));
		struct bw_watch_value *v;
		char **names;

		if (s)
			w->slots = s;
		v = s ? bw_realloc(w->alloc, w->vals, cap * sizeof(*v)) : NULL;
		if (v)
			w->vals = v;
		names = v ? bw_realloc(w->alloc, w->names, cap * sizeof(*names)) : NULL;
		if (!names)
			return bw_fail(err, BW_ENOMEM, "out of memory for %zu values", cap);
		w->names = names;
	}
	copy = bw_alloc(w->alloc, n + 1);
	if (!copy)
		return bw_fail(err, BW_ENOMEM, "out of memory for value %s", name);
	memcpy(copy, name, n + 1);
	w->names[w->nvals] = copy;
	memset(&w->slots[w->nvals], 0, sizeof(w->slots[0]));
	memset(&w->vals[w->nvals], 0, sizeof(w->vals[0]));
	w->vals[w->nvals].name = copy;
	w->vals[w->nvals].counter = counter;
	*slot = &w->slots[w->nvals++];
	return 0;
}

/* An expression: a fixed-address read when it follows no pointer, else evaluated per sample. */
static int watch_add_expr(struct bw_watch *w, const char *name, const char *expr, bool counter,
			  struct bw_error *err)
{
	struct watch_slot *s;
	struct bw_value v;
	struct bw_expr x;
	uint32_t chased = 0;
	int ret;

	ret = bw_expr_parse(expr, w->alloc, &x, err);
	if (ret)
		return bw_kernel_prefix(err, "%s", expr);
	bw_expr_free(w->alloc, &x);
	ret = watch_add_value(w, name, counter, &s, err);
	if (ret)
		return ret;
	s->expr = expr;
	s->kind = WATCH_DYNAMIC;
	/* Values behind pointers, and computed ones (aggregates), are evaluated every sample. */
	if (bw_kernel_eval_chased(w->k, expr, &v, &chased, NULL) || chased || v.computed)
		return 0;
	ret = bw_value_scalar(w->k, &v, &s->sc, err);
	if (ret)
		return bw_kernel_prefix(err, "%s", expr);
	s->kind = WATCH_STATIC;
	return watch_add_read(w, v.addr, s->sc.nbytes, &s->read, err);
}

static int watch_add_numa(struct bw_watch *w, struct bw_error *err)
{
	struct bw_numa_plan *p = &w->plan;
	uint32_t n, i, idx;
	size_t pc;
	int ret;

	ret = bw_numa_plan_build(w->k, p, err);
	if (ret)
		return ret;
	w->has_plan = true;
	w->node_read_end = bw_alloc_array(w->alloc, p->nr_nodes + 1, sizeof(*w->node_read_end));
	w->node_sum = bw_alloc_array(w->alloc, p->nr_nodes + 1, sizeof(*w->node_sum));
	w->node_err = bw_alloc_array(w->alloc, p->nr_nodes + 1, sizeof(*w->node_err));
	w->node_ok = bw_alloc_array(w->alloc, p->nr_nodes + 1, sizeof(*w->node_ok));
	if (!w->node_read_end || !w->node_sum || !w->node_err || !w->node_ok)
		return bw_fail(err, BW_ENOMEM, "out of memory for the NUMA walk");
	w->numa_read0 = (uint32_t)w->nreads;
	for (pc = 0; pc < p->npieces; pc++) {
		ret = watch_add_read(w, p->pieces[pc].vaddr, p->nr_items * p->pieces[pc].item_size,
				     &idx, err);
		if (ret)
			return ret;
		w->node_read_end[p->pieces[pc].node] = idx + 1;
	}
	for (n = 0; n < p->nr_nodes; n++) {
		for (i = 0; i < p->nr_items; i++) {
			struct watch_slot *s;
			char name[96];

			snprintf(name, sizeof(name), "numa.node%u.%s", p->node_ids[n],
				 p->sysfs_name[i]);
			ret = watch_add_value(w, name, true, &s, err);
			if (ret)
				return ret;
			s->kind = WATCH_NUMA;
			s->node = n;
			s->item = i;
		}
	}
	return 0;
}

static int watch_add_runqueues(struct bw_watch *w, struct bw_error *err)
{
	static const char *const field[] = {"clock", "nr_running"};
	uint32_t cpu, f;
	int ret;

	w->rq_first = (uint32_t)w->nvals;
	w->ncpus = w->k->nr_cpu_ids;
	if (!w->ncpus)
		return bw_fail(err, BW_ENOENT, "runqueues: per-CPU data unknown (no nr_cpu_ids)");
	if (!w->cpus) {
		w->cpus = bw_alloc_array(w->alloc, w->ncpus, sizeof(*w->cpus));
		if (!w->cpus)
			return bw_fail(err, BW_ENOMEM, "out of memory for %u CPUs", w->ncpus);
		memset(w->cpus, 0, w->ncpus * sizeof(*w->cpus));
	}
	for (cpu = 0; cpu < w->ncpus; cpu++) {
		w->cpus[cpu].cpu = cpu;
		for (f = 0; f < 2; f++) {
			char name[64], expr[64];

			snprintf(name, sizeof(name), "rq.cpu%u.%s", cpu, field[f]);
			snprintf(expr, sizeof(expr), "runqueues@cpu%u.%s", cpu, field[f]);
			ret = watch_add_expr(w, name, expr, f == 0, err);
			if (ret)
				return ret;
			/* A dynamic slot evaluates the expression each sample: give it a copy. */
			if (w->slots[w->nvals - 1].kind == WATCH_DYNAMIC) {
				size_t n = strlen(expr) + 1;
				char *copy = bw_alloc(w->alloc, n);

				if (!copy)
					return bw_fail(err, BW_ENOMEM, "out of memory");
				memcpy(copy, expr, n);
				w->slots[w->nvals - 1].expr = copy;
				w->slots[w->nvals - 1].owned = true;
			}
		}
	}
	return 0;
}

/* The late-filled values, read at compile time as the snapshot samples compare with. */
static int watch_add_checks(struct bw_watch *w, struct bw_error *err)
{
	const struct bw_kernel *k = w->k;
	uint64_t addr;
	int ret;

	w->pob_check = UINT32_MAX;
	if (k->page_offset_base && bw_kernel_symbol_quiet(k, "page_offset_base", &addr)) {
		w->pob_check = w->nchecks;
		ret = watch_add_read(w, addr, 8, &w->checks[w->nchecks++].read, err);
		if (ret)
			return ret;
	}
	if (!k->per_cpu_offset_addr)
		return 0;
	ret = watch_add_read(w, k->per_cpu_offset_addr, k->nr_cpu_ids * 8,
			     &w->checks[w->nchecks++].read, err);
	if (!ret && bw_kernel_symbol_quiet(k, "__cpu_online_mask", &addr))
		ret = watch_add_read(w, addr, (k->nr_cpu_ids + 63) / 64 * 8,
				     &w->checks[w->nchecks++].read, err);
	return ret;
}

void watch_uncompile(struct bw_watch *w)
{
	size_t i;

	for (i = 0; i < w->nchecks; i++) {
		bw_free(w->alloc, w->checks[i].snap);
		w->checks[i].snap = NULL;
	}
	for (i = 0; i < w->nvals; i++) {
		bw_free(w->alloc, w->names[i]);
		if (w->slots[i].owned)
			bw_free(w->alloc, (char *)w->slots[i].expr);
	}
	if (w->has_plan)
		bw_numa_plan_free(w->k, &w->plan);
	watch_walks_free(w);
	bw_free(w->alloc, w->node_read_end);
	bw_free(w->alloc, w->node_sum);
	bw_free(w->alloc, w->node_err);
	bw_free(w->alloc, w->node_ok);
	bw_free(w->alloc, w->reads);
	bw_free(w->alloc, w->iovs);
	bw_free(w->alloc, w->buf);
	bw_free(w->alloc, w->slots);
	bw_free(w->alloc, w->vals);
	bw_free(w->alloc, w->names);
	w->has_plan = false;
	w->node_read_end = NULL;
	w->node_sum = NULL;
	w->node_err = NULL;
	w->node_ok = NULL;
	w->reads = NULL;
	w->iovs = NULL;
	w->buf = NULL;
	w->slots = NULL;
	w->vals = NULL;
	w->names = NULL;
	w->nreads = w->reads_cap = w->niovs = w->iovs_cap = w->buf_len = w->nvals = 0;
	w->nchecks = 0;
}

int watch_compile(struct bw_watch *w, struct bw_error *err)
{
	size_t i;
	int ret;

	ret = watch_add_checks(w, err);
	for (i = 0; !ret && i < w->opts.nexprs; i++)
		ret = watch_add_expr(w, w->opts.exprs[i].expr, w->opts.exprs[i].expr,
				     w->opts.exprs[i].counter, err);
	if (!ret && w->opts.numa)
		ret = watch_add_numa(w, err);
	if (!ret && w->opts.runqueues)
		ret = watch_add_runqueues(w, err);
	if (!ret)
		ret = watch_add_walks(w, err);
	for (i = 0; !ret && i < w->nreads; i++) {
		struct watch_walk *wk;

		ret = watch_translate_read(w, &w->reads[i], err);
		/* A walk's piece that has no page now fails that walk's values, not the query. */
		wk = ret && ret != -BW_ENOMEM ? watch_walk_of_read(w, (uint32_t)i) : NULL;
		if (wk) {
			if (!wk->dead)
				memcpy(wk->err, err->msg, sizeof(wk->err));
			wk->dead = true;
			w->niovs = w->reads[i].iov;
			w->reads[i].niov = 0;
			ret = 0;
		}
	}
	if (ret)
		return ret;
	w->buf = bw_zalloc(w->alloc, w->buf_len ? w->buf_len : 1);
	if (!w->buf)
		return bw_fail(err, BW_ENOMEM, "out of memory for a %zu-byte sample", w->buf_len);
	for (i = 0; i < w->niovs; i++)
		w->iovs[i].buf = w->buf + (uintptr_t)w->iovs[i].buf;
	for (i = 0; !ret && i < w->nchecks; i++) {
		const struct watch_read *r = &w->reads[w->checks[i].read];

		ret = bw_mem_readv(w->k->mem, w->iovs + r->iov, r->niov, err);
		if (ret)
			break;
		w->checks[i].snap = bw_alloc(w->alloc, r->len);
		if (!w->checks[i].snap)
			return bw_fail(err, BW_ENOMEM, "out of memory");
		memcpy(w->checks[i].snap, w->buf + r->off, r->len);
	}
	w->stats.reads = (uint32_t)w->nreads;
	w->stats.dynamic = 0;
	for (i = 0; i < w->nvals; i++)
		w->stats.dynamic += w->slots[i].kind == WATCH_DYNAMIC;
	return ret;
}
