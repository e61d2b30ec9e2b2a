// SPDX-License-Identifier: MIT
/*
 * The scheduler walks (stat, softirqs, schedstat, pressure) in a compiled query: each walk's plan
 * is run once through a recording source, which turns every integer it reads into a piece of the
 * batch (pieces near each other on a page share one read); each sample then runs the same walk code through a
 * replaying source that hands it those integers from the batch in the same order. The values
 * point into the walk's own result struct.
 */
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "watch/watch_impl.h"

#define WATCH_MAX_SPAN 1024u /* bytes a batch read may grow to, to cover pieces near each other */
#define WATCH_NEARBY 16u     /* the last reads of a walk a piece may join */

static const struct bw_sched_walk *const watch_walk_desc[WATCH_NWALKS] = {
	&bw_stat_walk, &bw_softirqs_walk, &bw_schedstat_rq_walk, &bw_pressure_walk};

struct watch_player {
	struct bw_watch *w;
	const struct watch_walk *wk;
	uint32_t pos;
	bool batch_ok;
	uint32_t last_read; /* !batch_ok: the read last taken alone, and how it went */
	int last_ret;
	struct bw_error last_err;
};

static int watch_int_size(uint64_t addr, uint32_t size, struct bw_error *err)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return bw_fail(err, BW_ENOTSUP, "reading a %u-byte integer at 0x%llx", size,
			       (unsigned long long)addr);
	return 0;
}

/* The read of the walk being recorded that can grow to cover [addr, addr + size): one of its last
 * few, on the same page, the union no wider than WATCH_MAX_SPAN; UINT32_MAX: none. */
static uint32_t watch_nearby(struct bw_watch *w, const struct watch_walk *wk, uint64_t addr,
			     uint32_t size)
{
	uint32_t i = (uint32_t)w->nreads;

	while (i > wk->read0 && i + WATCH_NEARBY > w->nreads) {
		const struct watch_read *r = &w->reads[--i];
		uint64_t lo = r->vaddr < addr ? r->vaddr : addr;
		uint64_t hi = r->vaddr + r->len > addr + size ? r->vaddr + r->len : addr + size;

		if (lo / BW_X86_PAGE_SIZE == (hi - 1) / BW_X86_PAGE_SIZE &&
		    hi - lo <= WATCH_MAX_SPAN)
			return i;
	}
	return UINT32_MAX;
}

/* The recording source: each read becomes a tape entry, and grows a nearby batch read or adds
 * one; the walk sees zeros. */
static int watch_record(void *ctx, uint64_t addr, uint32_t size, uint64_t *v, struct bw_error *err)
{
	struct bw_watch *w = ctx;
	const struct watch_walk *wk = &w->walks[w->nwalks];
	struct watch_tape *t;
	uint32_t read;
	int ret = watch_int_size(addr, size, err);

	if (ret)
		return ret;
	*v = 0;
	if (w->ntape == w->tape_cap) {
		size_t cap = w->tape_cap ? w->tape_cap * 2 : 256;

		if (cap > BW_WATCH_MAX_READS)
			return bw_fail(err, BW_ELIMIT, "more than %u reads per sample",
				       BW_WATCH_MAX_READS);
		t = bw_realloc(w->alloc, w->tape, cap * sizeof(*t));
		if (!t)
			return bw_fail(err, BW_ENOMEM, "out of memory for %zu reads", cap);
		w->tape = t;
		w->tape_cap = cap;
	}
	read = watch_nearby(w, wk, addr, size);
	if (read != UINT32_MAX) {
		struct watch_read *r = &w->reads[read];
		uint64_t end = r->vaddr + r->len > addr + size ? r->vaddr + r->len : addr + size;

		r->vaddr = r->vaddr < addr ? r->vaddr : addr;
		r->len = (uint32_t)(end - r->vaddr);
	} else {
		ret = watch_add_read(w, addr, size, &read, err);
		if (ret)
			return ret;
	}
	w->tape[w->ntape++] = (struct watch_tape){addr, size, read};
	return 0;
}

/* The walk's reads grew while it was recorded: lay them out in the sample buffer again. */
static void watch_walk_layout(struct bw_watch *w, const struct watch_walk *wk)
{
	size_t off = wk->read0 < w->nreads ? w->reads[wk->read0].off : w->buf_len;
	uint32_t i;

	for (i = wk->read0; i < w->nreads; i++) {
		w->reads[i].off = (uint32_t)off;
		off += (w->reads[i].len + 7u) & ~7u;
	}
	w->buf_len = off;
}

/* The replaying source: the next tape entry's integer from the batch. */
static int watch_replay(void *ctx, uint64_t addr, uint32_t size, uint64_t *v, struct bw_error *err)
{
	struct watch_player *p = ctx;
	struct bw_watch *w = p->w;
	const struct watch_tape *t;
	const uint8_t *b;
	uint64_t x = 0;
	uint32_t i;

	if (p->pos >= p->wk->tape_end || w->tape[p->pos].addr != addr ||
	    w->tape[p->pos].size != size)
		return bw_fail(err, BW_EFORMAT,
			       "%s: read of %u bytes at 0x%llx is not the one compiled (entry %u)",
			       watch_walk_desc[p->wk->kind]->name, size, (unsigned long long)addr,
			       p->pos);
	t = &w->tape[p->pos++];
	if (!p->batch_ok && t->read != p->last_read) {
		p->last_read = t->read;
		p->last_ret = watch_read_one(w, &w->reads[t->read], &p->last_err);
	}
	if (!p->batch_ok && p->last_ret) {
		*err = p->last_err;
		return p->last_ret;
	}
	b = w->buf + w->reads[t->read].off + (t->addr - w->reads[t->read].vaddr);
	for (i = size; i > 0; i--) /* x86-64 is little-endian */
		x = x << 8 | b[i - 1];
	*v = x;
	return 0;
}

/* A value that is never ok: what this kernel lacks, or a walk it cannot do. */
static int watch_absent(struct bw_watch *w, const char *name, const char *why, struct bw_error *err)
{
	struct watch_slot *s;
	int ret = watch_add_value(w, name, false, &s, err);

	if (!ret) {
		s->kind = WATCH_ABSENT;
		snprintf(s->err, sizeof(s->err), "%s", why);
	}
	return ret;
}

static int watch_walk_value(struct bw_watch *w, const char *name, bool counter, const uint64_t *src,
			    enum watch_conv conv, struct bw_error *err)
{
	struct watch_slot *s;
	int ret = watch_add_value(w, name, counter, &s, err);

	if (!ret) {
		s->kind = WATCH_WALK;
		s->walk = w->nwalks - 1; /* the walk being compiled */
		s->src = src;
		s->conv = conv;
	}
	return ret;
}

static int watch_sched_value(struct bw_watch *w, const char *name, bool counter,
			     const struct bw_sched_value *v, struct bw_error *err)
{
	return v->absent ? watch_absent(w, name, v->absent, err)
			 : watch_walk_value(w, name, counter, &v->value, WATCH_AS_IS, err);
}

static int watch_stat_values(struct bw_watch *w, const struct bw_stat *st, struct bw_error *err)
{
	uint32_t j, i;
	char name[96];
	int ret = 0;

	for (j = 0; j <= st->nr_cpus && !ret; j++) {
		const struct bw_stat_cpu *c = j < st->nr_cpus ? &st->cpus[j] : NULL;

		if (c && !c->online)
			continue;
		for (i = 0; i < BW_STAT_NR_COLS && !ret; i++) {
			if (c)
				snprintf(name, sizeof(name), "stat.cpu%u.%s", c->cpu,
					 st->col_name[i]);
			else
				snprintf(name, sizeof(name), "stat.cpu.%s", st->col_name[i]);
			ret = st->col_absent[i]
				      ? watch_absent(w, name, st->col_absent[i], err)
				      : watch_walk_value(w, name, true,
							 c ? &c->ticks[i] : &st->total_ticks[i],
							 WATCH_AS_IS, err);
		}
	}
	if (!ret)
		ret = watch_sched_value(w, "stat.intr", true, &st->intr, err);
	if (!ret)
		ret = watch_sched_value(w, "stat.ctxt", true, &st->ctxt, err);
	if (!ret)
		ret = watch_sched_value(w, "stat.processes", true, &st->processes, err);
	if (!ret)
		ret = watch_sched_value(w, "stat.procs_running", false, &st->procs_running, err);
	if (!ret)
		ret = watch_sched_value(w, "stat.procs_blocked", false, &st->procs_blocked, err);
	return ret;
}

static int watch_softirq_values(struct bw_watch *w, const struct bw_softirqs *s,
				struct bw_error *err)
{
	uint32_t j, i;
	char name[96];
	int ret = 0;

	for (j = 0; j < s->nr_cpus && !ret; j++)
		for (i = 0; i < s->nr_softirqs && !ret; i++) {
			snprintf(name, sizeof(name), "softirqs.cpu%u.%s", s->cpu[j], s->name[i]);
			ret = watch_walk_value(w, name, true, &s->count[(size_t)i * s->nr_cpus + j],
					       WATCH_AS_IS, err);
		}
	return ret;
}

static int watch_schedstat_values(struct bw_watch *w, const struct bw_schedstat *s,
				  struct bw_error *err)
{
	uint32_t j, i;
	char name[96];
	int ret = watch_sched_value(w, "schedstat.enabled", false, &s->enabled, err);

	for (j = 0; j < s->nr_cpus && !ret; j++)
		for (i = 0; i < BW_SCHEDSTAT_CPU_VALUES && !ret; i++) {
			const char *n = s->cpu_value_name[i], *dot;

			if (!strcmp(n, "legacy")) /* the constant 0 of the rq line */
				continue;
			dot = strchr(n, '.');
			snprintf(name, sizeof(name), "schedstat.cpu%u.%s", s->cpus[j].cpu,
				 dot ? dot + 1 : n);
			ret = watch_walk_value(w, name, true, &s->cpus[j].value[i], WATCH_AS_IS,
					       err);
		}
	return ret;
}

static int watch_psi_line(struct bw_watch *w, const char *res, const char *line,
			  const struct bw_psi_line *l, struct bw_error *err)
{
	static const char *const win[3] = {"avg10", "avg60", "avg300"};
	char name[96];
	int i, ret;

	if (!l->present)
		return 0;
	snprintf(name, sizeof(name), "pressure.%s.%s.total", res, line);
	ret = watch_walk_value(w, name, true, &l->total_us, WATCH_AS_IS, err);
	for (i = 0; i < 3 && !ret; i++) {
		snprintf(name, sizeof(name), "pressure.%s.%s.%s", res, line, win[i]);
		ret = watch_walk_value(w, name, false, &l->avg[i], WATCH_PSI_AVG, err);
	}
	return ret;
}

static int watch_pressure_values(struct bw_watch *w, const struct bw_pressure *p,
				 struct bw_error *err)
{
	char name[64];
	int i, ret = 0;

	for (i = 0; i < BW_PSI_NR && !ret; i++) {
		const struct bw_psi_resource *r = &p->res[i];

		if (r->absent) {
			snprintf(name, sizeof(name), "pressure.%s", r->name);
			ret = watch_absent(w, name, r->absent, err);
			continue;
		}
		ret = watch_psi_line(w, r->name, "some", &r->some, err);
		if (!ret)
			ret = watch_psi_line(w, r->name, "full", &r->full, err);
	}
	return ret;
}

/* Compile one walk: plan, recorded run, values. A walk this kernel cannot do is one value
 * named after it that says why. */
static int watch_add_walk(struct bw_watch *w, enum watch_walk_kind kind, struct bw_error *err)
{
	const struct bw_sched_walk *desc = watch_walk_desc[kind];
	struct watch_walk *wk = &w->walks[w->nwalks];
	struct bw_walk_src rec = {w->k, watch_record, w};
	int ret;

	memset(wk, 0, sizeof(*wk));
	wk->kind = kind;
	ret = bw_sched_walk_build(w->k, desc, &wk->plan, &wk->out, err);
	if (ret)
		return ret == -BW_ENOMEM ? ret : watch_absent(w, desc->name, err->msg, err);
	wk->tape0 = (uint32_t)w->ntape;
	wk->read0 = (uint32_t)w->nreads;
	ret = desc->read(wk->plan, &rec, wk->out, err);
	wk->tape_end = (uint32_t)w->ntape;
	wk->read_end = (uint32_t)w->nreads;
	watch_walk_layout(w, wk);
	w->nwalks++; /* from here on, uncompile frees it */
	if (ret == -BW_ENOMEM || ret == -BW_ELIMIT)
		return ret;
	if (ret) { /* a field this walk cannot read as an integer: never replayed */
		wk->dead = true;
		return watch_absent(w, desc->name, err->msg, err);
	}
	switch (kind) {
	case WATCH_STAT:
		return watch_stat_values(w, wk->out, err);
	case WATCH_SOFTIRQS:
		return watch_softirq_values(w, wk->out, err);
	case WATCH_SCHEDSTAT:
		return watch_schedstat_values(w, wk->out, err);
	default:
		return watch_pressure_values(w, wk->out, err);
	}
}

int watch_add_walks(struct bw_watch *w, struct bw_error *err)
{
	const bool want[WATCH_NWALKS] = {w->opts.stat, w->opts.softirqs, w->opts.schedstat,
					 w->opts.pressure};
	int kind, ret = 0;

	for (kind = 0; kind < WATCH_NWALKS && !ret; kind++)
		if (want[kind])
			ret = watch_add_walk(w, (enum watch_walk_kind)kind, err);
	return ret;
}

struct watch_walk *watch_walk_of_read(struct bw_watch *w, uint32_t i)
{
	uint32_t n;

	for (n = 0; n < w->nwalks; n++)
		if (i >= w->walks[n].read0 && i < w->walks[n].read_end)
			return &w->walks[n];
	return NULL;
}

int watch_walks_sample(struct bw_watch *w, bool batch_ok, struct bw_error *err)
{
	struct watch_player p = {.w = w, .batch_ok = batch_ok};
	struct bw_walk_src play = {w->k, watch_replay, &p};
	uint32_t n;
	int ret;

	for (n = 0; n < w->nwalks; n++) {
		struct watch_walk *wk = &w->walks[n];

		wk->ok = false;
		if (wk->dead)
			continue;
		p.wk = wk;
		p.pos = wk->tape0;
		p.last_read = UINT32_MAX;
		ret = watch_walk_desc[wk->kind]->read(wk->plan, &play, wk->out, err);
		if (ret == -BW_EGONE)
			return ret;
		wk->ok = !ret;
		if (ret)
			memcpy(wk->err, err->msg, sizeof(wk->err));
	}
	return 0;
}

void watch_walks_free(struct bw_watch *w)
{
	uint32_t n;

	for (n = 0; n < w->nwalks; n++)
		bw_sched_walk_free(w->k, watch_walk_desc[w->walks[n].kind], w->walks[n].plan,
				   w->walks[n].out);
	bw_free(w->alloc, w->tape);
	w->tape = NULL;
	w->ntape = w->tape_cap = 0;
	w->nwalks = 0;
}

#undef WATCH_MAX_SPAN
#undef WATCH_NEARBY
