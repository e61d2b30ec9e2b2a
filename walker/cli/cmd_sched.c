/* SPDX-License-Identifier: MIT */
/*
 * btfwalk stat | softirqs | schedstat | pressure: tables laid out as the /proc file each
 * reproduces, or --json. A value the kernel lacks prints as "-" with the reason on stderr (text)
 * or as {"absent": "why"} (JSON).
 */
#include <stdio.h>
#include <string.h>
#include "btfwalk.h"
#include "cli.h"

static void sched_json_value(const char *key, const struct bw_sched_value *v, bool comma)
{
	printf("%s\"%s\": ", comma ? ", " : "", key);
	if (v->absent) {
		printf("{\"absent\": ");
		cli_json_string(v->absent);
		printf("}");
	} else {
		printf("%llu", (unsigned long long)v->value);
	}
}

static void sched_text_value(const char *key, const struct bw_sched_value *v)
{
	if (v->absent) {
		printf("%s -\n", key);
		fprintf(stderr, "btfwalk: %s: %s\n", key, v->absent);
	} else {
		printf("%s %llu\n", key, (unsigned long long)v->value);
	}
}

static void stat_cols_json(const struct bw_stat *st, const uint64_t *ticks, const uint64_t *ns)
{
	int i;

	for (i = 0; i < BW_STAT_NR_COLS; i++) {
		struct bw_sched_value v = {ticks[i], st->col_absent[i]};

		sched_json_value(st->col_name[i], &v, true);
	}
	printf(", \"ns\": {");
	for (i = 0; i < BW_STAT_NR_COLS; i++)
		if (!st->col_absent[i])
			printf("%s\"%s\": %llu", i ? ", " : "", st->col_name[i],
			       (unsigned long long)ns[i]);
	printf("}");
}

static void stat_cols_text(const struct bw_stat *st, const char *label, const uint64_t *ticks)
{
	int i;

	printf("%s", label);
	for (i = 0; i < BW_STAT_NR_COLS; i++) {
		if (st->col_absent[i])
			printf(" -");
		else
			printf(" %llu", (unsigned long long)ticks[i]);
	}
	printf("\n");
}

static int sched_stat(const struct bw_kernel *k, bool json)
{
	struct bw_error err;
	struct bw_stat *st;
	uint32_t j;
	int i;

	if (bw_kernel_stat(k, &st, &err)) {
		fprintf(stderr, "btfwalk stat: %s\n", err.msg);
		return 1;
	}
	if (json) {
		printf("{\"user_hz\": %u, \"idle_source\": ", st->user_hz);
		cli_json_string(st->idle_source);
		printf(", \"now_ns\": %llu, \"now_source\": ", (unsigned long long)st->now_ns);
		if (st->now_source)
			cli_json_string(st->now_source);
		else
			printf("null");
		printf(", \"cpu\": {\"cpu\": \"all\"");
		stat_cols_json(st, st->total_ticks, st->total_ns);
		printf("}, \"cpus\": [");
		for (j = 0; j < st->nr_cpus; j++) {
			const struct bw_stat_cpu *c = &st->cpus[j];

			printf("%s{\"cpu\": %u, \"online\": %s, \"idle_in_progress\": %s",
			       j ? ", " : "", c->cpu, c->online ? "true" : "false",
			       c->idle_in_progress ? "true" : "false");
			stat_cols_json(st, c->ticks, c->ns);
			printf("}");
		}
		printf("]");
		sched_json_value("intr", &st->intr, true);
		sched_json_value("ctxt", &st->ctxt, true);
		sched_json_value("processes", &st->processes, true);
		sched_json_value("procs_running", &st->procs_running, true);
		sched_json_value("procs_blocked", &st->procs_blocked, true);
		printf("}\n");
	} else {
		stat_cols_text(st, "cpu ", st->total_ticks);
		for (j = 0; j < st->nr_cpus; j++) {
			char label[24];

			if (!st->cpus[j].online)
				continue;
			snprintf(label, sizeof(label), "cpu%u", st->cpus[j].cpu);
			stat_cols_text(st, label, st->cpus[j].ticks);
		}
		for (i = 0; i < BW_STAT_NR_COLS; i++)
			if (st->col_absent[i])
				fprintf(stderr, "btfwalk: column %s: %s\n", st->col_name[i],
					st->col_absent[i]);
		sched_text_value("intr", &st->intr);
		sched_text_value("ctxt", &st->ctxt);
		sched_text_value("processes", &st->processes);
		sched_text_value("procs_running", &st->procs_running);
		sched_text_value("procs_blocked", &st->procs_blocked);
	}
	bw_kernel_stat_free(k, st);
	return 0;
}

static int sched_softirqs(const struct bw_kernel *k, bool json)
{
	struct bw_softirqs *s;
	struct bw_error err;
	uint32_t i, j;

	if (bw_kernel_softirqs(k, &s, &err)) {
		fprintf(stderr, "btfwalk softirqs: %s\n", err.msg);
		return 1;
	}
	if (json) {
		printf("{\"cpus\": [");
		for (j = 0; j < s->nr_cpus; j++)
			printf("%s%u", j ? ", " : "", s->cpu[j]);
		printf("], \"softirqs\": {");
		for (i = 0; i < s->nr_softirqs; i++) {
			printf("%s", i ? ", " : "");
			cli_json_string(s->name[i]);
			printf(": [");
			for (j = 0; j < s->nr_cpus; j++)
				printf("%s%llu", j ? ", " : "",
				       (unsigned long long)s->count[(size_t)i * s->nr_cpus + j]);
			printf("]");
		}
		printf("}}\n");
	} else {
		printf("                    ");
		for (j = 0; j < s->nr_cpus; j++)
			printf("CPU%-8u", s->cpu[j]);
		printf("\n");
		for (i = 0; i < s->nr_softirqs; i++) {
			printf("%12s:", s->name[i]);
			for (j = 0; j < s->nr_cpus; j++)
				printf(" %10llu",
				       (unsigned long long)s->count[(size_t)i * s->nr_cpus + j]);
			printf("\n");
		}
	}
	bw_kernel_softirqs_free(k, s);
	return 0;
}

static int sched_schedstat(const struct bw_kernel *k, bool json)
{
	struct bw_schedstat *s;
	struct bw_error err;
	uint32_t c, d, i;

	if (bw_kernel_schedstat(k, &s, &err)) {
		fprintf(stderr, "btfwalk schedstat: %s\n", err.msg);
		return 1;
	}
	if (json) {
		printf("{\"version\": %u, \"timestamp\": %llu", s->version,
		       (unsigned long long)s->timestamp);
		sched_json_value("enabled", &s->enabled, true);
		printf(", \"cpus\": [");
		for (c = 0; c < s->nr_cpus; c++) {
			const struct bw_schedstat_cpu *cpu = &s->cpus[c];

			printf("%s{\"cpu\": %u", c ? ", " : "", cpu->cpu);
			for (i = 0; i < BW_SCHEDSTAT_CPU_VALUES; i++)
				printf(", \"%s\": %llu", s->cpu_value_name[i],
				       (unsigned long long)cpu->value[i]);
			printf(", \"domains\": [");
			for (d = 0; d < cpu->nr_domains; d++) {
				const struct bw_schedstat_domain *dom = &cpu->domain[d];

				printf("%s{\"domain\": %u, \"name\": ", d ? ", " : "", d);
				cli_json_string(dom->name);
				printf(", \"span\": ");
				cli_json_string(dom->span);
				for (i = 0; i < dom->nr_values; i++)
					printf(", \"%s\": %llu", s->domain_value_name[i],
					       (unsigned long long)dom->value[i]);
				printf("}");
			}
			printf("]}");
		}
		printf("]}\n");
	} else {
		if (s->enabled.absent)
			fprintf(stderr, "btfwalk: schedstats switch: %s\n", s->enabled.absent);
		else if (!s->enabled.value)
			fprintf(stderr, "btfwalk: schedstats are off (kernel.sched_schedstats=0): "
					"most counters stand still\n");
		printf("version %u\ntimestamp %llu\n", s->version,
		       (unsigned long long)s->timestamp);
		for (c = 0; c < s->nr_cpus; c++) {
			const struct bw_schedstat_cpu *cpu = &s->cpus[c];

			printf("cpu%u", cpu->cpu);
			for (i = 0; i < BW_SCHEDSTAT_CPU_VALUES; i++)
				printf(" %llu", (unsigned long long)cpu->value[i]);
			printf("\n");
			for (d = 0; d < cpu->nr_domains; d++) {
				const struct bw_schedstat_domain *dom = &cpu->domain[d];

				printf("domain%u", d);
				if (s->domain_names)
					printf(" %s", dom->name);
				printf(" %s", dom->span);
				for (i = 0; i < dom->nr_values; i++)
					printf(" %llu", (unsigned long long)dom->value[i]);
				printf("\n");
			}
		}
	}
	bw_kernel_schedstat_free(k, s);
	return 0;
}

static void pressure_line_text(const char *kind, const struct bw_psi_line *l)
{
	uint64_t w[3], h[3];
	int i;

	for (i = 0; i < 3; i++)
		bw_psi_avg_split(l->avg[i], &w[i], &h[i]);
	printf("%s avg10=%llu.%02llu avg60=%llu.%02llu avg300=%llu.%02llu total=%llu\n", kind,
	       (unsigned long long)w[0], (unsigned long long)h[0], (unsigned long long)w[1],
	       (unsigned long long)h[1], (unsigned long long)w[2], (unsigned long long)h[2],
	       (unsigned long long)l->total_us);
}

static void pressure_line_json(const char *kind, const struct bw_psi_line *l, bool comma)
{
	uint64_t w, h;
	int i;
	static const char *const win[3] = {"avg10", "avg60", "avg300"};

	printf("%s\"%s\": {", comma ? ", " : "", kind);
	for (i = 0; i < 3; i++) {
		bw_psi_avg_split(l->avg[i], &w, &h);
		printf("\"%s\": %llu.%02llu, ", win[i], (unsigned long long)w,
		       (unsigned long long)h);
	}
	printf("\"total\": %llu}", (unsigned long long)l->total_us);
}

static int sched_pressure(const struct bw_kernel *k, bool json)
{
	struct bw_pressure *p;
	struct bw_error err;
	int i;

	if (bw_kernel_pressure(k, &p, &err)) {
		fprintf(stderr, "btfwalk pressure: %s\n", err.msg);
		return 1;
	}
	if (json)
		printf("{");
	for (i = 0; i < BW_PSI_NR; i++) {
		const struct bw_psi_resource *r = &p->res[i];

		if (json) {
			printf("%s\"%s\": {", i ? ", " : "", r->name);
			if (r->absent) {
				printf("\"absent\": ");
				cli_json_string(r->absent);
			} else {
				if (r->some.present)
					pressure_line_json("some", &r->some, false);
				if (r->full.present)
					pressure_line_json("full", &r->full, r->some.present);
			}
			printf("}");
			continue;
		}
		printf("/proc/pressure/%s:\n", r->name);
		if (r->absent) {
			printf("-\n");
			fprintf(stderr, "btfwalk: pressure/%s: %s\n", r->name, r->absent);
			continue;
		}
		if (r->some.present)
			pressure_line_text("some", &r->some);
		if (r->full.present)
			pressure_line_text("full", &r->full);
	}
	if (json)
		printf("}\n");
	bw_kernel_pressure_free(k, p);
	return 0;
}

int cli_sched(const struct bw_kernel *k, const char *verb, bool json)
{
	if (!strcmp(verb, "stat"))
		return sched_stat(k, json);
	if (!strcmp(verb, "softirqs"))
		return sched_softirqs(k, json);
	if (!strcmp(verb, "schedstat"))
		return sched_schedstat(k, json);
	if (!strcmp(verb, "pressure"))
		return sched_pressure(k, json);
	fprintf(stderr, "btfwalk: unknown command '%s'\n", verb);
	return 2;
}
