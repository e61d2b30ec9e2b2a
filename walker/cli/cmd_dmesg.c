/* SPDX-License-Identifier: MIT */
/* btfwalk dmesg: the kernel log from a dump, as dmesg, dmesg -r, or JSON; --follow on a live guest. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "btfwalk.h"
#include "cli.h"

enum dmesg_format { DMESG_TEXT, DMESG_RAW, DMESG_JSON };

struct dmesg_out {
	enum dmesg_format format;
	uint64_t nr;
	bool follow; /* JSON: one object per line, no enclosing object */
};

static volatile sig_atomic_t dmesg_stop;

static void dmesg_signal(int sig)
{
	(void)sig;
	dmesg_stop = 1;
}

static int dmesg_usage(void)
{
	fprintf(stderr, "usage: btfwalk dmesg [--btf FILE] [--symbols FILE] [--cr3 ADDR] "
			"[--no-crosscheck] [--raw | --json] [--follow [--interval MS]] "
			"{DUMP... | --qemu QMP_SOCKET}\n");
	return 2;
}

/* One line of text per line of the record, each with the prefix, as dmesg prints them. */
static void dmesg_text(const struct bw_printk_record *r, bool raw)
{
	const char *p = r->text, *end = r->text + r->text_len;

	do {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (raw)
			printf("<%u>", (unsigned)r->facility << 3 | r->level);
		printf("[%5llu.%06llu] %.*s\n", (unsigned long long)(r->ts_nsec / 1000000000),
		       (unsigned long long)(r->ts_nsec % 1000000000 / 1000), (int)n, p);
		p = nl ? nl + 1 : end;
	} while (p < end);
}

static void dmesg_json(const struct bw_printk_record *r, const char *sep)
{
	printf("%s{\"seq\": %llu, \"ts_nsec\": %llu, \"ts_usec\": %llu, \"level\": %u, "
	       "\"facility\": %u, \"flags\": %u, \"caller\": \"%c%u\"",
	       sep, (unsigned long long)r->seq, (unsigned long long)r->ts_nsec,
	       (unsigned long long)(r->ts_nsec / 1000), r->level, r->facility, r->flags,
	       r->caller_id & BW_PRINTK_CALLER_CPU ? 'C' : 'T',
	       r->caller_id & ~BW_PRINTK_CALLER_CPU);
	if (r->comm) {
		printf(", \"comm\": ");
		cli_json_string(r->comm);
	}
	if (r->lost)
		printf(", \"lost\": true");
	else {
		printf(", \"text\": ");
		cli_json_mem(r->text, r->text_len);
	}
	if (r->committed)
		printf(", \"committed\": true");
	if (r->subsystem[0]) {
		printf(", \"SUBSYSTEM\": ");
		cli_json_string(r->subsystem);
	}
	if (r->device[0]) {
		printf(", \"DEVICE\": ");
		cli_json_string(r->device);
	}
	printf("}");
}

static int dmesg_record(void *ctx, const struct bw_printk_record *r)
{
	struct dmesg_out *o = ctx;

	if (r->gap && o->format == DMESG_JSON)
		printf("{\"gap\": %llu, \"before_seq\": %llu}\n", (unsigned long long)r->gap,
		       (unsigned long long)r->seq);
	else if (r->gap)
		printf("btfwalk dmesg: %llu records overwritten before they were read\n",
		       (unsigned long long)r->gap);
	if (o->format == DMESG_JSON) {
		dmesg_json(r, o->follow ? "" : o->nr ? ",\n" : "\n");
		if (o->follow)
			printf("\n");
	} else if (!r->lost)
		dmesg_text(r, o->format == DMESG_RAW);
	o->nr++;
	return ferror(stdout) ? 1 : 0;
}

/* Poll the ring every interval ms until a signal, an error or the guest going away. */
static int dmesg_follow(struct cli_dump *d, struct dmesg_out *o, long interval)
{
	struct bw_printk_cursor cur;
	struct bw_printk_summary sum;
	struct timespec ts = {interval / 1000, interval % 1000 * 1000000};
	struct sigaction sa;
	struct bw_error err;
	int ret;

	memset(&cur, 0, sizeof(cur));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = dmesg_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!dmesg_stop) {
		ret = bw_kernel_printk_follow(d->k, &cur, dmesg_record, o, &sum, &err);
		fflush(stdout);
		if (ret) {
			fprintf(stderr, "btfwalk dmesg: %s%s\n",
				err.code == BW_EGONE ? "the guest went away: " : "", err.msg);
			return err.code == BW_EGONE ? CLI_EXIT_GONE : 1;
		}
		if (ferror(stdout))
			return 1;
		nanosleep(&ts, NULL);
	}
	return 130;
}

int cli_dmesg(int argc, char **argv)
{
	struct dmesg_out o = {DMESG_TEXT, 0, false};
	long interval = 100;
	char *end;
	struct bw_printk_summary sum;
	struct bw_error err;
	struct cli_dump d;
	int i, ret;

	memset(&d, 0, sizeof(d));
	d.verb = argv[0];
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--raw"))
			o.format = DMESG_RAW;
		else if (!strcmp(argv[i], "--json"))
			o.format = DMESG_JSON;
		else if (!strcmp(argv[i], "--follow"))
			o.follow = true;
		else if (!strcmp(argv[i], "--interval") && i + 1 < argc) {
			interval = strtol(argv[++i], &end, 10);
			if (*end || interval < 1 || interval > 3600000)
				return dmesg_usage();
		} else if (cli_dump_arg(argc, argv, &i, &d))
			return dmesg_usage();
	}
	ret = cli_dump_open(&d);
	if (ret)
		return ret == 2 ? dmesg_usage() : ret;
	if (o.follow)
		return cli_dump_close(&d, dmesg_follow(&d, &o, interval));
	if (o.format == DMESG_JSON)
		printf("{\"records\": [");
	ret = bw_kernel_printk(d.k, dmesg_record, &o, &sum, &err);
	if (o.format == DMESG_JSON) {
		printf("%s],\n\"ring\": \"0x%llx\", \"dynamic\": %s, \"descriptors\": %u, "
		       "\"text_size\": %llu, \"lost\": %llu, \"reserved\": %llu, \"expired\": "
		       "%llu, "
		       "\"reused\": %llu}\n",
		       o.nr ? "\n" : "", (unsigned long long)sum.ring,
		       sum.dynamic ? "true" : "false", sum.nr_descs,
		       (unsigned long long)sum.text_size, (unsigned long long)sum.nr_lost,
		       (unsigned long long)sum.nr_reserved, (unsigned long long)sum.nr_expired,
		       (unsigned long long)sum.nr_reused);
	} else if (!ret && sum.nr_lost) {
		fflush(stdout);
		fprintf(stderr, "btfwalk dmesg: %llu records lost their text\n",
			(unsigned long long)sum.nr_lost);
	}
	if (ret) {
		fflush(stdout);
		fprintf(stderr, "btfwalk dmesg: %s\n", err.msg);
		ret = 1;
	}
	return cli_dump_close(&d, ret);
}
