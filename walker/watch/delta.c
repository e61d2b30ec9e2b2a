// SPDX-License-Identifier: MIT
/* Between two samples: deltas, per-second rates, counter resets, and stalled runqueues. */
#include "internal.h"
#include "watch/watch_impl.h"

static void watch_stalls(struct bw_watch *w)
{
	uint32_t c;

	for (c = 0; c < w->ncpus; c++) {
		const struct bw_watch_value *clock = &w->vals[w->rq_first + 2 * c];
		const struct bw_watch_value *running = &w->vals[w->rq_first + 2 * c + 1];
		struct bw_watch_cpu *cpu = &w->cpus[c];

		if (clock->ok && running->ok && clock->has_delta && clock->delta == 0 &&
		    running->value > 0)
			cpu->still++;
		else if (clock->ok)
			cpu->still = 0;
		cpu->stalled = cpu->still >= w->stall_samples;
	}
}

void watch_deltas(struct bw_watch *w, uint64_t time_ns)
{
	double dt = w->has_prev && time_ns > w->prev_ns ? (double)(time_ns - w->prev_ns) / 1e9 : 0;
	size_t i;

	for (i = 0; i < w->nvals; i++) {
		struct watch_slot *s = &w->slots[i];
		struct bw_watch_value *v = &w->vals[i];

		v->has_delta = v->ok && s->prev_ok && w->has_prev;
		v->delta = 0;
		v->rate = 0;
		v->reset = false;
		if (v->has_delta) {
			v->reset = v->counter && v->value < s->prev;
			if (!v->reset) {
				v->delta = (int64_t)(v->value - s->prev);
				v->rate = dt > 0 ? (double)v->delta / dt : 0;
			}
		}
		if (v->ok) {
			s->prev = v->value;
			s->prev_ok = true;
		}
	}
	if (w->opts.runqueues)
		watch_stalls(w);
	w->prev_ns = time_ns;
	w->has_prev = true;
}
