/* SPDX-License-Identifier: MIT */
#ifndef BTFWALK_CLI_H
#define BTFWALK_CLI_H

#include <stdbool.h>
#include <sys/types.h>
#include "btfwalk.h"

/* argv[0] is the verb group ("btf") or a verb cli_walk_verb() accepts. Exit status. */
int cli_btf(int argc, char **argv);
int cli_walk(int argc, char **argv);
/* info, read, and the built-in walks (numa, stat, domains, ...). */
bool cli_walk_verb(const char *verb);
int cli_watch(int argc, char **argv);

/* Print a built-in walk of k (verb: which, for files that print several) as a table or as JSON,
 * errors to stderr. Exit status. */
/* stat, softirqs, schedstat, pressure */
int cli_sched(const struct bw_kernel *k, const char *verb, bool json);
int cli_domains(const struct bw_kernel *k, const char *verb, bool json);
int cli_scx(const struct bw_kernel *k, const char *verb, bool json);

/* dmesg, ps, runq: argv[0] is the verb. Exit status. */
int cli_dmesg(int argc, char **argv);
int cli_tasks(int argc, char **argv);

/* The exit status of a verb whose guest went away (QEMU exited). */
#define CLI_EXIT_GONE 3
/* The exit status when the guest's kernel is not ready yet (booting: BW_ENOTREADY). */
#define CLI_EXIT_NOTREADY 4
/* --wait-ready SECONDS: the open is tried again every CLI_WAIT_READY_STEP_MS, for at most
 * CLI_MAX_WAIT_READY_S seconds. */
#define CLI_WAIT_READY_STEP_MS 100
#define CLI_MAX_WAIT_READY_S 86400

/* The source of a verb that reads a kernel: dump files or a running QEMU, and kernel options. */
#define CLI_MAX_DUMPS 256
struct cli_dump {
	const char *verb;
	struct bw_kernel_opts opts;
	const char *qemu; /* --qemu QMP_SOCKET instead of dump files */
	const char *dumps[CLI_MAX_DUMPS];
	size_t ndumps;
	uint64_t wait_ready_ms; /* --wait-ready: retry a not-ready kernel for this long */
	struct bw_mem *mem;
	struct bw_kernel *k;
};
/* argv[*i] is a source option (--btf, --symbols, --qemu, --cr3, --no-crosscheck, --wait-ready; its value
 * consumed too): 1; not one: 0; a bad value: -1 after a message. */
int cli_dump_option(int argc, char **argv, int *i, struct cli_dump *d);
/* One more dump file: 0, or -1 after a message. */
int cli_dump_add(struct cli_dump *d, const char *path);
/* argv[*i] is a source option or a dump file: 0; else -1 after a message. */
int cli_dump_arg(int argc, char **argv, int *i, struct cli_dump *d);
/* PATH, or PATH@PHYSADDR where PATH is a file: a dump, not an expression. */
bool cli_is_dump(const char *arg);
/* Open the memory and the kernel: 0, or the exit status after a message (2: no source or
 * both kinds, CLI_EXIT_GONE: the guest went away, CLI_EXIT_NOTREADY: its kernel is not ready
 * yet, after --wait-ready's time). */
int cli_dump_open(struct cli_dump *d);
/* Close them and flush stdout: ret, or 1 when the output could not be written. */
int cli_dump_close(struct cli_dump *d, int ret);

/* The processes (other than this one) that map any of the dump files (PATH or PATH@PHYSADDR):
 * up to max pids. For a guest read through its memory-backend files, that is QEMU. */
size_t cli_holders_find(const char *const *args, size_t nargs, pid_t *pids, size_t max);
/* All of them have exited (gone, or zombies): the first pid; else, or when n is 0, 0. */
pid_t cli_holders_gone(const pid_t *pids, size_t n);

/* Print s[0..len) to stdout as a JSON string, quotes included. */
void cli_json_mem(const char *s, size_t len);
/* Print s to stdout as a JSON string, quotes included. */
void cli_json_string(const char *s);

#endif
