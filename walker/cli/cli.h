/* SPDX-License-Identifier: MIT */
#ifndef BTFWALK_CLI_H
#define BTFWALK_CLI_H

#include <stdbool.h>

struct bw_kernel;

/* argv[0] is the verb group ("btf") or the verb ("info", "numa", "read", "domains", "scx"). Exit status. */
int cli_btf(int argc, char **argv);
int cli_walk(int argc, char **argv);

/* The walk verbs on an opened kernel: print to stdout, errors to stderr. Exit status. */
int cli_domains(const struct bw_kernel *k, bool json);
int cli_scx(const struct bw_kernel *k, bool json);

/* Print s to stdout as a JSON string, quotes included. */
void cli_json_string(const char *s);

#endif
