/* SPDX-License-Identifier: MIT */
/*
 * The source every dump-reading verb shares: its options, its dump files or the running QEMU it
 * attaches to, and opening the memory and the kernel in it.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "btfwalk.h"
#include "cli.h"

int cli_dump_option(int argc, char **argv, int *i, struct cli_dump *d)
{
	const char *arg = argv[*i];
	bool has_value = *i + 1 < argc;

	if (!strcmp(arg, "--btf") && has_value) {
		d->opts.btf_path = argv[++*i];
	} else if (!strcmp(arg, "--symbols") && has_value) {
		d->opts.symbols_path = argv[++*i];
	} else if (!strcmp(arg, "--qemu") && has_value) {
		d->qemu = argv[++*i];
	} else if (!strcmp(arg, "--cr3") && has_value) {
		char *end;

		d->opts.cr3 = strtoull(argv[++*i], &end, 0);
		if (*end || !d->opts.cr3) {
			fprintf(stderr, "btfwalk %s: bad --cr3 '%s'\n", d->verb, argv[*i]);
			return -1;
		}
	} else if (!strcmp(arg, "--wait-ready") && has_value) {
		char *end;
		double secs = strtod(argv[++*i], &end);

		if (*end || !(secs >= 0 && secs <= CLI_MAX_WAIT_READY_S)) {
			fprintf(stderr, "btfwalk %s: bad --wait-ready '%s' (seconds, 0 to %d)\n",
				d->verb, argv[*i], CLI_MAX_WAIT_READY_S);
			return -1;
		}
		d->wait_ready_ms = (uint64_t)(secs * 1000);
	} else if (!strcmp(arg, "--no-crosscheck")) {
		d->opts.no_crosscheck = true;
	} else {
		return 0;
	}
	return 1;
}

int cli_dump_add(struct cli_dump *d, const char *path)
{
	if (d->ndumps == CLI_MAX_DUMPS) {
		fprintf(stderr, "btfwalk %s: more than %d dump files\n", d->verb, CLI_MAX_DUMPS);
		return -1;
	}
	d->dumps[d->ndumps++] = path;
	return 0;
}

int cli_dump_arg(int argc, char **argv, int *i, struct cli_dump *d)
{
	const char *arg = argv[*i];
	int ret;

	if (arg[0] != '-' || !arg[1])
		return cli_dump_add(d, arg);
	ret = cli_dump_option(argc, argv, i, d);
	if (!ret)
		fprintf(stderr, "btfwalk %s: unknown option '%s'\n", d->verb, arg);
	return ret > 0 ? 0 : -1;
}

static uint64_t cli_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Open the kernel; while it is not ready yet, again every CLI_WAIT_READY_STEP_MS until
 * d->wait_ready_ms have passed. */
static int cli_kernel_open(struct cli_dump *d, struct bw_error *err)
{
	const struct timespec step = {0, CLI_WAIT_READY_STEP_MS * 1000000L};
	uint64_t t0 = cli_now_ms();
	int ret;

	while ((ret = bw_kernel_open(d->mem, &d->opts, &d->k, err)) == -BW_ENOTREADY &&
	       cli_now_ms() - t0 < d->wait_ready_ms)
		nanosleep(&step, NULL);
	return ret;
}

int cli_dump_open(struct cli_dump *d)
{
	struct bw_error err;
	int ret;

	if (!d->ndumps == !d->qemu) {
		fprintf(stderr, "btfwalk %s: %s\n", d->verb,
			d->qemu ? "--qemu reads a running QEMU: give no dump file with it"
				: "no dump file given (or --qemu QMP_SOCKET)");
		return 2;
	}
	if (d->qemu)
		ret = bw_mem_open_qemu(d->qemu, NULL, &d->mem, &err);
	else
		ret = bw_mem_open(d->dumps, d->ndumps, NULL, &d->mem, &err);
	if (!ret) {
		ret = cli_kernel_open(d, &err);
		if (ret)
			bw_mem_close(d->mem);
	}
	if (ret) {
		fprintf(stderr, "btfwalk %s: %s\n", d->verb, err.msg);
		return err.code == BW_EGONE	  ? CLI_EXIT_GONE
		       : err.code == BW_ENOTREADY ? CLI_EXIT_NOTREADY
						  : 1;
	}
	return 0;
}

int cli_dump_close(struct cli_dump *d, int ret)
{
	bw_kernel_close(d->k);
	bw_mem_close(d->mem);
	if (fflush(stdout)) {
		fprintf(stderr, "btfwalk %s: error writing output\n", d->verb);
		ret = 1;
	}
	return ret;
}

static bool cli_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool cli_is_dump(const char *arg)
{
	const char *at = strrchr(arg, '@');
	char path[4096];

	if (cli_is_file(arg))
		return true;
	if (!at || (size_t)(at - arg) >= sizeof(path))
		return false;
	memcpy(path, arg, (size_t)(at - arg));
	path[at - arg] = '\0';
	return cli_is_file(path);
}
