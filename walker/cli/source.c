/* SPDX-License-Identifier: MIT */
/* The memory a verb reads: dump or backend files, or a running QEMU by its QMP socket. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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
