/* SPDX-License-Identifier: MIT */
#ifndef BTFWALK_CLI_H
#define BTFWALK_CLI_H

#include <stdbool.h>
#include "btfwalk.h"

/* argv[0] is the verb group ("btf") or a verb cli_walk_verb() accepts. Exit status. */
int cli_btf(int argc, char **argv);
int cli_walk(int argc, char **argv);
/* info, read, and the built-in walks (numa, stat, domains, ...). */
bool cli_walk_verb(const char *verb);

/* Print a built-in walk of k (verb: which, for files that print several) as a table or as JSON,
 * errors to stderr. Exit status. */
/* stat, softirqs, schedstat, pressure */
int cli_sched(const struct bw_kernel *k, const char *verb, bool json);
int cli_domains(const struct bw_kernel *k, const char *verb, bool json);
int cli_scx(const struct bw_kernel *k, const char *verb, bool json);

/* dmesg, ps, runq: argv[0] is the verb. Exit status. */
int cli_dmesg(int argc, char **argv);
int cli_tasks(int argc, char **argv);

/* The dump files and kernel options of a verb that reads a dump. */
#define CLI_MAX_DUMPS 256
struct cli_dump {
	const char *verb;
	struct bw_kernel_opts opts;
	const char *dumps[CLI_MAX_DUMPS];
	size_t ndumps;
	struct bw_mem *mem;
	struct bw_kernel *k;
};
/* argv[*i] is a kernel option (its value consumed too) or a dump path: 0; else a message, -1. */
int cli_dump_arg(int argc, char **argv, int *i, struct cli_dump *d);
/* Open the dumps and the kernel: 0, or the exit status after a message. */
int cli_dump_open(struct cli_dump *d);
/* Close them and flush stdout: ret, or 1 when the output could not be written. */
int cli_dump_close(struct cli_dump *d, int ret);

/* Print s[0..len) to stdout as a JSON string, quotes included. */
void cli_json_mem(const char *s, size_t len);
/* Print s to stdout as a JSON string, quotes included. */
void cli_json_string(const char *s);

#endif
