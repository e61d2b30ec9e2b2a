/* SPDX-License-Identifier: MIT */
/*
 * btfwalk watch: open a live guest once, then sample a compiled query every interval and print
 * each sample (values, deltas, rates, stalled CPUs) as a JSON line or a table row. Stops after
 * --count samples or --duration seconds (exit 0), on SIGINT/SIGTERM (exit 130), or when the
 * guest goes away (exit 3): QEMU exited, seen through QMP or, for backend files, because the
 * processes that mapped them exited.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "btfwalk.h"
#include "cli.h"

#define WATCH_MAX_ARGS 1024
#define WATCH_MAX_HOLDERS 16
#define WATCH_EXIT_INTERRUPTED 130

struct watch_args {
	struct cli_dump d;
	struct bw_watch_opts wopts;
	struct bw_watch_expr exprs[WATCH_MAX_ARGS];
	uint64_t interval_ns;
	uint64_t count;	      /* 0: no limit */
	uint64_t duration_ns; /* 0: no limit */
	bool json;
	/* The processes that map the memory files (QEMU): when they are gone, so is the guest. */
	pid_t holders[WATCH_MAX_HOLDERS];
	size_t nholders;
};

static volatile sig_atomic_t watch_stop;

static void watch_on_signal(int sig)
{
	watch_stop = sig;
}

static int watch_usage(void)
{
	fputs("usage: btfwalk watch [--interval MS] [--count N | --duration S] [--json] [--numa] "
	      "[--rq] [--stall N]\n"
	      "                     [--stat] [--softirqs] [--schedstat] [--pressure]\n"
	      "                     [--btf FILE] [--symbols FILE] [--no-crosscheck]\n"
	      "                     {FILE... | --qemu QMP_SOCKET} [--] [[--counter] EXPR...]\n",
	      stderr);
	return 2;
}

static bool watch_number(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v == 0 || v > max)
		return false;
	*out = v;
	return true;
}

static int watch_parse(int argc, char **argv, struct watch_args *a)
{
	bool after_dashes = false, counter = false;
	uint64_t v;
	int i;

	a->interval_ns = 100000000ull;
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		bool opt = !after_dashes && arg[0] == '-' && arg[1], has_value = i + 1 < argc;

		if (opt && !strcmp(arg, "--")) {
			after_dashes = true;
		} else if (opt && !strcmp(arg, "--interval") && has_value) {
			if (!watch_number(argv[++i], 3600000, &v))
				return fprintf(stderr, "btfwalk watch: bad --interval\n"), 2;
			a->interval_ns = v * 1000000ull;
		} else if (opt && !strcmp(arg, "--count") && has_value) {
			if (!watch_number(argv[++i], UINT64_MAX, &a->count))
				return fprintf(stderr, "btfwalk watch: bad --count\n"), 2;
		} else if (opt && !strcmp(arg, "--duration") && has_value) {
			if (!watch_number(argv[++i], 100000000, &v))
				return fprintf(stderr, "btfwalk watch: bad --duration\n"), 2;
			a->duration_ns = v * 1000000000ull;
		} else if (opt && !strcmp(arg, "--stall") && has_value) {
			if (!watch_number(argv[++i], 1000000, &v))
				return fprintf(stderr, "btfwalk watch: bad --stall\n"), 2;
			a->wopts.stall_samples = (uint32_t)v;
		} else if (opt && !strcmp(arg, "--json")) {
			a->json = true;
		} else if (opt && !strcmp(arg, "--numa")) {
			a->wopts.numa = true;
		} else if (opt && !strcmp(arg, "--rq")) {
			a->wopts.runqueues = true;
		} else if (opt && !strcmp(arg, "--stat")) {
			a->wopts.stat = true;
		} else if (opt && !strcmp(arg, "--softirqs")) {
			a->wopts.softirqs = true;
		} else if (opt && !strcmp(arg, "--schedstat")) {
			a->wopts.schedstat = true;
		} else if (opt && !strcmp(arg, "--pressure")) {
			a->wopts.pressure = true;
		} else if (opt && !strcmp(arg, "--counter")) {
			counter = true;
		} else if (opt) {
			int ret = cli_dump_option(argc, argv, &i, &a->d);

			if (!ret)
				fprintf(stderr, "btfwalk watch: unknown option '%s'\n", arg);
			if (ret <= 0)
				return watch_usage();
		} else if (!a->d.qemu && !after_dashes && !counter && !a->wopts.nexprs &&
			   cli_is_dump(arg)) {
			if (cli_dump_add(&a->d, arg))
				return watch_usage();
		} else {
			if (a->wopts.nexprs == WATCH_MAX_ARGS)
				return watch_usage();
			a->exprs[a->wopts.nexprs++] = (struct bw_watch_expr){arg, counter};
			counter = false;
		}
	}
	if (a->count && a->duration_ns)
		return fprintf(stderr, "btfwalk watch: --count or --duration, not both\n"), 2;
	if (!a->wopts.nexprs && !a->wopts.numa && !a->wopts.runqueues && !a->wopts.stat &&
	    !a->wopts.softirqs && !a->wopts.schedstat && !a->wopts.pressure) {
		fprintf(stderr, "btfwalk watch: nothing to watch: give --numa, --rq, --stat, "
				"--softirqs, --schedstat, --pressure or EXPR\n");
		return watch_usage();
	}
	a->wopts.exprs = a->exprs;
	return 0;
}

static uint64_t watch_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void watch_json_map(const struct bw_watch_value *v, size_t n, const char *key, int what)
{
	bool first = true;
	size_t i;

	printf(", \"%s\": {", key);
	for (i = 0; i < n; i++) {
		if (what == 0 ? !v[i].ok : what == 3 ? v[i].ok : !v[i].has_delta)
			continue;
		printf("%s", first ? "" : ", ");
		cli_json_string(v[i].name);
		if (what == 0)
			printf(": %llu", (unsigned long long)v[i].value);
		else if (what == 1)
			printf(": %lld", (long long)v[i].delta);
		else if (what == 2)
			printf(": %.3f", v[i].rate);
		else {
			printf(": ");
			cli_json_string(v[i].error);
		}
		first = false;
	}
	printf("}");
}

static void watch_print_json(const struct bw_watch *w, uint64_t seq, uint64_t t)
{
	const struct bw_watch_value *v;
	const struct bw_watch_cpu *c;
	size_t n = bw_watch_values(w, &v), nc = bw_watch_cpus(w, &c), i;
	bool first = true;

	printf("{\"sample\": %llu, \"t\": %llu.%09llu", (unsigned long long)seq,
	       (unsigned long long)(t / 1000000000ull), (unsigned long long)(t % 1000000000ull));
	watch_json_map(v, n, "values", 0);
	watch_json_map(v, n, "deltas", 1);
	watch_json_map(v, n, "rates", 2);
	watch_json_map(v, n, "errors", 3);
	printf(", \"resets\": [");
	for (i = 0; i < n; i++)
		if (v[i].reset) {
			printf("%s", first ? "" : ", ");
			cli_json_string(v[i].name);
			first = false;
		}
	printf("], \"stalled\": [");
	first = true;
	for (i = 0; i < nc; i++)
		if (c[i].stalled) {
			printf("%s%u", first ? "" : ", ", c[i].cpu);
			first = false;
		}
	printf("]}\n");
}

static void watch_print_table(const struct bw_watch *w, uint64_t t0, uint64_t t)
{
	const struct bw_watch_value *v;
	const struct bw_watch_cpu *c;
	size_t n = bw_watch_values(w, &v), nc = bw_watch_cpus(w, &c), i;

	printf("%10.3f", (double)(t - t0) / 1e9);
	for (i = 0; i < n; i++) {
		if (!v[i].ok)
			printf("  ?");
		else if (v[i].has_delta)
			printf("  %llu(%+lld)", (unsigned long long)v[i].value,
			       (long long)v[i].delta);
		else
			printf("  %llu", (unsigned long long)v[i].value);
		if (v[i].reset)
			printf("!reset");
	}
	for (i = 0; i < nc; i++)
		if (c[i].stalled)
			printf("  STALLED:cpu%u", c[i].cpu);
	printf("\n");
	for (i = 0; i < n; i++)
		if (!v[i].ok)
			fprintf(stderr, "btfwalk watch: %s: %s\n", v[i].name, v[i].error);
}

/* Sleep until deadline (absolute CLOCK_MONOTONIC ns), or until a signal asks to stop. */
static void watch_sleep(uint64_t deadline)
{
	struct timespec ts = {(time_t)(deadline / 1000000000ull), (long)(deadline % 1000000000ull)};

	while (!watch_stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int watch_loop(struct bw_watch *w, const struct watch_args *a)
{
	uint64_t t0 = watch_now(), next = t0, seq;
	struct bw_error err;

	if (!a->json) {
		const struct bw_watch_value *v;
		size_t n = bw_watch_values(w, &v), i;

		printf("%10s", "time");
		for (i = 0; i < n; i++)
			printf("  %s", v[i].name);
		printf("\n");
	}
	for (seq = 0; !a->count || seq < a->count; seq++) {
		uint64_t t;

		watch_sleep(next);
		if (watch_stop)
			break;
		t = watch_now();
		if (a->duration_ns && t - t0 > a->duration_ns)
			break;
		if (cli_holders_gone(a->holders, a->nholders)) {
			fprintf(stderr,
				"btfwalk watch: the guest went away after %llu samples: process "
				"%ld, "
				"which mapped its memory files, exited\n",
				(unsigned long long)seq, (long)a->holders[0]);
			return CLI_EXIT_GONE;
		}
		if (bw_watch_sample(w, t, &err)) {
			fflush(stdout);
			if (err.code == BW_EGONE) {
				fprintf(stderr,
					"btfwalk watch: the guest went away after %llu samples: "
					"%s\n",
					(unsigned long long)seq, err.msg);
				return CLI_EXIT_GONE;
			}
			if (err.code == BW_EMISMATCH) {
				fprintf(stderr, "btfwalk watch: %s\n", err.msg);
				return 1;
			}
			/* This sample only: a kernel changing its layout (booting) may settle. */
			if (a->json) {
				printf("{\"sample\": %llu, \"t\": %llu.%09llu, \"error\": ",
				       (unsigned long long)seq,
				       (unsigned long long)(t / 1000000000ull),
				       (unsigned long long)(t % 1000000000ull));
				cli_json_string(err.msg);
				printf("}\n");
			} else {
				fprintf(stderr, "btfwalk watch: sample %llu: %s\n",
					(unsigned long long)seq, err.msg);
			}
		} else if (a->json)
			watch_print_json(w, seq, t);
		else
			watch_print_table(w, t0, t);
		if (fflush(stdout)) {
			fprintf(stderr, "btfwalk watch: error writing output\n");
			return 1;
		}
		next += a->interval_ns;
		if (next < t) /* late: keep the cadence from now */
			next = t + a->interval_ns;
	}
	if (watch_stop) {
		fprintf(stderr, "btfwalk watch: interrupted after %llu samples\n",
			(unsigned long long)seq);
		return WATCH_EXIT_INTERRUPTED;
	}
	return 0;
}

int cli_watch(int argc, char **argv)
{
	static struct watch_args a;
	struct sigaction sa;
	struct bw_error err;
	struct bw_watch *w;
	int ret;

	memset(&a, 0, sizeof(a));
	a.d.verb = "watch";
	ret = watch_parse(argc, argv, &a);
	if (ret)
		return ret;
	ret = cli_dump_open(&a.d);
	if (ret)
		return ret == 2 ? watch_usage() : ret;
	if (!a.d.qemu)
		a.nholders = cli_holders_find(a.d.dumps, a.d.ndumps, a.holders, WATCH_MAX_HOLDERS);
	if (bw_watch_open(a.d.k, &a.wopts, &w, &err)) {
		fprintf(stderr, "btfwalk watch: %s\n", err.msg);
		return cli_dump_close(&a.d, err.code == BW_EGONE ? CLI_EXIT_GONE : 1);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watch_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = watch_loop(w, &a);
	bw_watch_close(w);
	return cli_dump_close(&a.d, ret);
}

#undef WATCH_MAX_ARGS
#undef WATCH_MAX_HOLDERS
#undef WATCH_EXIT_INTERRUPTED
