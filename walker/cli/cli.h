/* SPDX-License-Identifier: MIT */
#ifndef BTFWALK_CLI_H
#define BTFWALK_CLI_H

#include <stdbool.h>
#include <stddef.h>

/* argv[0] is the verb group ("btf") or the verb ("info", "numa", "read"). Exit status. */
int cli_btf(int argc, char **argv);
int cli_walk(int argc, char **argv);
int cli_watch(int argc, char **argv);

/* PATH, or PATH@PHYSADDR where PATH is a file: a dump, not an expression. */
bool cli_is_dump(const char *arg);

struct bw_mem;
struct bw_error;
/* Open --qemu SOCKET when qemu is set, else the files; prints the error. */
int cli_open_source(const char *verb, const char *qemu, const char *const *files, size_t nfiles,
		    struct bw_mem **mem, struct bw_error *err);

/* Print s to stdout as a JSON string, quotes included. */
void cli_json_string(const char *s);

#endif
