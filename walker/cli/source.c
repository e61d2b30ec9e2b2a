/* SPDX-License-Identifier: MIT */
/* The memory a verb reads: dump or backend files, or a running QEMU by its QMP socket. */
#include <stdio.h>
#include "btfwalk.h"
#include "cli.h"

int cli_open_source(const char *verb, const char *qemu, const char *const *files, size_t nfiles,
		    struct bw_mem **mem, struct bw_error *err)
{
	int ret;

	if (qemu)
		ret = bw_mem_open_qemu(qemu, NULL, mem, err);
	else
		ret = bw_mem_open(files, nfiles, NULL, mem, err);
	if (ret)
		fprintf(stderr, "btfwalk %s: %s\n", verb, err->msg);
	return ret;
}
