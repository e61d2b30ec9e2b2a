// SPDX-License-Identifier: MIT
/*
 * Sampling a compiled query: one batch of physical reads, the re-check of what a booting kernel
 * fills late, then each value decoded; a value whose read failed is read again alone, so one
 * bad value does not take the sample down.
 */
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "watch/watch_impl.h"

#define WATCH_DEFAULT_STALL 5

int bw_watch_open(const struct bw_kernel *k, const struct bw_watch_opts *opts,
		  struct bw_watch **out, struct bw_error *err)
{
	struct bw_watch *w;
	int ret;

	if (!k || !opts || !out || (!opts->exprs && opts->nexprs))
		return bw_fail(err, BW_EINVAL, "bw_watch_open: NULL argument");
	*out = NULL;
	if (opts->nexprs > BW_WATCH_MAX_EXPRS)
		return bw_fail(err, BW_ELIMIT, "%zu expressions, at most %u", opts->nexprs,
			       BW_WATCH_MAX_EXPRS);
	w = bw_zalloc(k->alloc, sizeof(*w));
	if (!w)
		return bw_fail(err, BW_ENOMEM, "out of memory for the watch");
	w->k = k;
	w->alloc = k->alloc;
	w->opts = *opts;
	w->stall_samples = opts->stall_samples ? opts->stall_samples : WATCH_DEFAULT_STALL;
	ret = watch_compile(w, err);
	if (ret) {
		bw_watch_close(w);
		return ret;
	}
	w->compiled = true;
	*out = w;
	return 0;
}

void bw_watch_close(struct bw_watch *w)
{
	if (!w)
		return;
	watch_uncompile(w);
	bw_free(w->alloc, w->cpus);
	bw_free(w->alloc, w);
}

/* Read r alone into the buffer; err gets why it failed. */
int watch_read_one(struct bw_watch *w, const struct watch_read *r, struct bw_error *err)
{
	int ret = bw_mem_readv(w->k->mem, w->iovs + r->iov, r->niov, err);

	if (ret && ret != -BW_EGONE)
		bw_kernel_prefix(err, "reading 0x%llx", (unsigned long long)r->vaddr);
	return ret;
}

/* Whether a late-filled value changed since compile; BW_EMISMATCH for page_offset_base. */
static int watch_changed(struct bw_watch *w, bool *changed, struct bw_error *err)
{
	uint32_t i;

	*changed = false;
	for (i = 0; i < w->nchecks; i++) {
		const struct watch_read *r = &w->reads[w->checks[i].read];

		if (!memcmp(w->checks[i].snap, w->buf + r->off, r->len))
			continue;
		if (i == w->pob_check)
			return bw_fail(err, BW_EMISMATCH,
				       "page_offset_base changed since the kernel was opened (it "
				       "was booting): open it again");
		*changed = true;
	}
	return 0;
}

/* Carry the previous values over a recompile, by name. */
static int watch_recompile(struct bw_watch *w, struct bw_error *err)
{
	size_t n = w->nvals, i, j;
	struct {
		uint64_t prev;
		bool prev_ok;
	} *keep = bw_alloc_array(w->alloc, n ? n : 1, sizeof(*keep));
	char **names = bw_alloc_array(w->alloc, n ? n : 1, sizeof(*names));
	int ret;

	if (!keep || !names) {
		bw_free(w->alloc, keep);
		bw_free(w->alloc, names);
		return bw_fail(err, BW_ENOMEM, "out of memory");
	}
	for (i = 0; i < n; i++) {
		keep[i].prev = w->slots[i].prev;
		keep[i].prev_ok = w->slots[i].prev_ok;
		names[i] = w->names[i];
		w->names[i] = NULL;
	}
	watch_uncompile(w);
	ret = watch_compile(w, err);
	w->compiled = !ret;
	for (i = 0; !ret && i < w->nvals; i++)
		for (j = 0; j < n; j++)
			if (names[j] && !strcmp(names[j], w->names[i])) {
				w->slots[i].prev = keep[j].prev;
				w->slots[i].prev_ok = keep[j].prev_ok;
				break;
			}
	for (i = 0; i < n; i++)
		bw_free(w->alloc, names[i]);
	bw_free(w->alloc, names);
	bw_free(w->alloc, keep);
	w->stats.recompiles++;
	return ret;
}

static void watch_numa(struct bw_watch *w, bool batch_ok, struct bw_error *err)
{
	const struct bw_numa_plan *p = &w->plan;
	uint32_t n, r = w->numa_read0;

	for (n = 0; n < p->nr_nodes; n++) {
		w->node_ok[n] = true;
		memset(w->node_sum[n], 0, sizeof(w->node_sum[n]));
		for (; r < w->node_read_end[n]; r++) {
			const struct watch_read *rd = &w->reads[r];
			const struct bw_numa_piece *pc = &p->pieces[r - w->numa_read0];

			if (!w->node_ok[n])
				continue;
			if (!batch_ok && watch_read_one(w, rd, err)) {
				bw_numa_piece_error(p, pc, err);
				memcpy(w->node_err[n], err->msg, sizeof(err->msg));
				w->node_ok[n] = false;
				continue;
			}
			bw_numa_piece_add(p, pc, w->buf + rd->off, w->node_sum[n]);
		}
	}
}

static uint64_t watch_psi_avg(uint64_t avg)
{
	uint64_t whole, hundredths;

	bw_psi_avg_split(avg, &whole, &hundredths);
	return whole * 100 + hundredths;
}

static void watch_value(struct bw_watch *w, size_t i, bool batch_ok, struct bw_error *err)
{
	struct watch_slot *s = &w->slots[i];
	struct bw_watch_value *v = &w->vals[i];
	struct bw_value bv;
	int ret = 0;

	switch (s->kind) {
	case WATCH_STATIC:
		if (!batch_ok)
			ret = watch_read_one(w, &w->reads[s->read], err);
		if (!ret)
			v->value = bw_scalar_decode(&s->sc, w->buf + w->reads[s->read].off);
		break;
	case WATCH_DYNAMIC:
		ret = bw_kernel_eval(w->k, s->expr, &bv, err);
		if (!ret)
			ret = bw_kernel_value_u64(w->k, &bv, &v->value, err);
		break;
	case WATCH_NUMA:
		if (w->node_ok[s->node])
			v->value = w->node_sum[s->node][s->item];
		else
			ret = bw_fail(err, BW_EFAULT, "%s", w->node_err[s->node]);
		break;
	case WATCH_WALK:
		v->ok = w->walks[s->walk].ok;
		v->error = v->ok ? NULL : w->walks[s->walk].err;
		if (v->ok)
			v->value = s->conv == WATCH_PSI_AVG ? watch_psi_avg(*s->src) : *s->src;
		return;
	case WATCH_ABSENT:
		v->ok = false;
		v->error = s->err;
		return;
	}
	v->ok = !ret;
	v->error = NULL;
	if (ret) {
		memcpy(s->err, err->msg, sizeof(s->err));
		v->error = s->err;
	}
}

int bw_watch_sample(struct bw_watch *w, uint64_t time_ns, struct bw_error *err)
{
	struct bw_error local, one;
	bool batch_ok, changed;
	size_t i;
	int ret;

	if (!err)
		err = &local;
	if (!w)
		return bw_fail(err, BW_EINVAL, "bw_watch_sample: NULL watch");
	if (!w->compiled) {
		ret = watch_recompile(w, err);
		if (ret)
			return bw_kernel_prefix(err, "compiling the query again");
	}
	ret = bw_mem_readv(w->k->mem, w->iovs, w->niovs, &one);
	if (ret == -BW_EGONE)
		return bw_fail(err, BW_EGONE, "%s", one.msg);
	batch_ok = !ret;
	if (batch_ok) {
		ret = watch_changed(w, &changed, err);
		if (ret)
			return ret;
		if (changed) {
			/* The online mask or a per-CPU base moved (a booting kernel): compile again. */
			ret = watch_recompile(w, err);
			if (ret)
				return bw_kernel_prefix(err, "compiling the query again");
			ret = bw_mem_readv(w->k->mem, w->iovs, w->niovs, &one);
			if (ret == -BW_EGONE)
				return bw_fail(err, BW_EGONE, "%s", one.msg);
			batch_ok = !ret;
		}
	}
	if (w->has_plan)
		watch_numa(w, batch_ok, &one);
	ret = watch_walks_sample(w, batch_ok, &one);
	if (ret == -BW_EGONE)
		return bw_fail(err, BW_EGONE, "%s", one.msg);
	for (i = 0; i < w->nvals; i++) {
		watch_value(w, i, batch_ok, &one);
		if (!w->vals[i].ok && one.code == BW_EGONE)
			return bw_fail(err, BW_EGONE, "%s", one.msg);
	}
	watch_deltas(w, time_ns);
	w->stats.samples++;
	return 0;
}

size_t bw_watch_values(const struct bw_watch *w, const struct bw_watch_value **out)
{
	if (out)
		*out = w ? w->vals : NULL;
	return w ? w->nvals : 0;
}

size_t bw_watch_cpus(const struct bw_watch *w, const struct bw_watch_cpu **out)
{
	if (out)
		*out = w ? w->cpus : NULL;
	return w && w->opts.runqueues ? w->ncpus : 0;
}

void bw_watch_get_stats(const struct bw_watch *w, struct bw_watch_stats *out)
{
	*out = w->stats;
}

#undef WATCH_DEFAULT_STALL
