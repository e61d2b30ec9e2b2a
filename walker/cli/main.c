/* SPDX-License-Identifier: MIT */
/* btfwalk command line: dispatches to the verb implementations. */
#include <stdio.h>
#include <string.h>
#include "btfwalk.h"
#include "cli.h"

static void usage(FILE *out)
{
	fputs("usage: btfwalk btf dump [FILE]\n"
	      "       btfwalk btf offsetof [--btf FILE] [--json] TYPE MEMBER_PATH\n"
	      "       btfwalk btf sizeof [--btf FILE] [--json] TYPE\n"
	      "       btfwalk dmesg [--btf FILE] [--symbols FILE] [--raw | --json]\n"
	      "                     [--follow [--interval MS]] {DUMP... | --qemu QMP_SOCKET}\n"
	      "       btfwalk ps [--btf FILE] [--symbols FILE] [--json] DUMP...\n"
	      "       btfwalk runq [--btf FILE] [--symbols FILE] [--json] DUMP...\n"
	      "       btfwalk info [--btf FILE] [--symbols FILE] DUMP...\n"
	      "       btfwalk numa [--btf FILE] [--symbols FILE] [--json] DUMP...\n"
	      "       btfwalk domains [--btf FILE] [--symbols FILE] [--json] DUMP...\n"
	      "       btfwalk scx [--btf FILE] [--symbols FILE] [--json] DUMP...\n"
	      "       btfwalk stat|softirqs|schedstat|pressure [--btf FILE] [--symbols FILE] "
	      "[--json]\n"
	      "               DUMP...   (/proc/stat, /proc/softirqs, /proc/schedstat, "
	      "/proc/pressure/*)\n"
	      "       btfwalk read [--btf FILE] [--symbols FILE] [--json] DUMP... -- EXPR...\n"
	      "       btfwalk watch [--interval MS] [--count N | --duration S] [--json] [--numa] "
	      "[--rq]\n"
	      "                     [--stall N] [--stat] [--softirqs] [--schedstat] [--pressure]\n"
	      "                     DUMP... [--] [[--counter] EXPR...]\n"
	      "       btfwalk --version\n"
	      "FILE defaults to /sys/kernel/btf/vmlinux; '-' reads stdin.\n"
	      "DUMP is PATH (raw or ELF core, from content) or PATH@PHYSADDR (one raw file of "
	      "several);\n"
	      "Every verb but btf takes --qemu QMP_SOCKET instead of DUMP..., to read a running "
	      "QEMU,\n"
	      "and --wait-ready SECONDS: while the kernel is not ready yet (booting), open again "
	      "every 100 ms.\n"
	      "Exit 4: the kernel is not ready yet. watch exits 0 after --count/--duration, 3 when "
	      "the guest\n"
	      "goes away, 130 on SIGINT/SIGTERM.\n",
	      out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		puts("btfwalk " BTFWALK_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "btf"))
		return cli_btf(argc - 1, argv + 1);
	if (!strcmp(argv[1], "watch"))
		return cli_watch(argc - 1, argv + 1);
	if (!strcmp(argv[1], "dmesg"))
		return cli_dmesg(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ps") || !strcmp(argv[1], "runq"))
		return cli_tasks(argc - 1, argv + 1);
	if (cli_walk_verb(argv[1]))
		return cli_walk(argc - 1, argv + 1);
	fprintf(stderr, "btfwalk: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
