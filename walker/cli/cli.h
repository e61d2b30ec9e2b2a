/* SPDX-License-Identifier: MIT */
#ifndef BTFWALK_CLI_H
#define BTFWALK_CLI_H

#include <stdbool.h>
#include "btfwalk.h"

/* argv[0] is the verb group ("btf") or the verb ("info", "numa", "read", or a cli_sched_verb).
 * Exit status. */
int cli_btf(int argc, char **argv);
int cli_walk(int argc, char **argv);

/* True for the verbs cli_sched prints: stat, softirqs, schedstat, pressure. */
bool cli_sched_verb(const char *verb);
/* Print the verb's walk of k as a /proc-like table or JSON. Exit status. */
int cli_sched(const struct bw_kernel *k, const char *verb, bool json);

/* Print s to stdout as a JSON string, quotes included. */
void cli_json_string(const char *s);

#endif
