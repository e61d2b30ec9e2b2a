/* SPDX-License-Identifier: MIT */
#ifndef BTFWALK_CLI_H
#define BTFWALK_CLI_H

#include <stdbool.h>

struct bw_kernel;

/* argv[0] is the verb group ("btf") or a verb cli_walk_verb() accepts. Exit status. */
int cli_btf(int argc, char **argv);
int cli_walk(int argc, char **argv);
/* info, read, and the built-in walks (numa, stat, domains, ...). */
bool cli_walk_verb(const char *verb);

/* Print a built-in walk of k (verb: which, for files that print several) as a table or as JSON,
 * errors to stderr. Exit status. */
int cli_sched(const struct bw_kernel *k, const char *verb,
	      bool json); /* stat softirqs schedstat pressure */
int cli_domains(const struct bw_kernel *k, const char *verb, bool json);
int cli_scx(const struct bw_kernel *k, const char *verb, bool json);

/* Print s to stdout as a JSON string, quotes included. */
void cli_json_string(const char *s);

#endif
