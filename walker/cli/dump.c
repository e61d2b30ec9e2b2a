/* SPDX-License-Identifier: MIT */
/* The options every dump-reading verb shares, and opening the dump and its kernel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "btfwalk.h"
#include "cli.h"

int cli_dump_arg(int argc, char **argv, int *i, struct cli_dump *d)
{
	const char *arg = argv[*i];
	bool has_value = *i + 1 < argc;

	if (!strcmp(arg, "--btf") && has_value) {
		d->opts.btf_path = argv[++*i];
	} else if (!strcmp(arg, "--symbols") && has_value) {
		d->opts.symbols_path = argv[++*i];
	} else if (!strcmp(arg, "--cr3") && has_value) {
		char *end;

		d->opts.cr3 = strtoull(argv[++*i], &end, 0);
		if (*end || !d->opts.cr3) {
			fprintf(stderr, "btfwalk %s: bad --cr3 '%s'\n", d->verb, argv[*i]);
			return -1;
		}
	} else if (!strcmp(arg, "--no-crosscheck")) {
		d->opts.no_crosscheck = true;
	} else if (arg[0] == '-' && arg[1]) {
		fprintf(stderr, "btfwalk %s: unknown option '%s'\n", d->verb, arg);
		return -1;
	} else {
		if (d->ndumps == CLI_MAX_DUMPS) {
			fprintf(stderr, "btfwalk %s: more than %d dump files\n", d->verb,
				CLI_MAX_DUMPS);
			return -1;
		}
		d->dumps[d->ndumps++] = arg;
	}
	return 0;
}

int cli_dump_open(struct cli_dump *d)
{
	struct bw_error err;

	if (!d->ndumps) {
		fprintf(stderr, "btfwalk %s: no dump file given\n", d->verb);
		return 2;
	}
	if (bw_mem_open(d->dumps, d->ndumps, NULL, &d->mem, &err)) {
		fprintf(stderr, "btfwalk %s: %s\n", d->verb, err.msg);
		return 1;
	}
	if (bw_kernel_open(d->mem, &d->opts, &d->k, &err)) {
		fprintf(stderr, "btfwalk %s: %s\n", d->verb, err.msg);
		bw_mem_close(d->mem);
		return 1;
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
