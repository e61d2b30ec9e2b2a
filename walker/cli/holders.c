/* SPDX-License-Identifier: MIT */
/*
 * The processes that map a guest's memory-backend files: QEMU, when a watch reads a running
 * guest through its RAM files. The files outlive QEMU, so reading them cannot tell that the
 * guest went away; the processes that had them mapped can.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "cli.h"

struct holder_file {
	struct stat st;
	char real[PATH_MAX];
};

/* PATH of "PATH" or "PATH@PHYSADDR" (a dump argument), resolved: 0, or -1. */
static int holders_file(const char *arg, struct holder_file *hf)
{
	char path[4096];
	const char *at = strrchr(arg, '@');
	size_t n = strlen(arg);

	if (stat(arg, &hf->st) && at)
		n = (size_t)(at - arg);
	if (n >= sizeof(path))
		return -1;
	memcpy(path, arg, n);
	path[n] = '\0';
	if (stat(path, &hf->st) || !S_ISREG(hf->st.st_mode) || !realpath(path, hf->real))
		return -1;
	return 0;
}

/* Does /proc/PID/maps map one of the files (same device and inode, or the same path)? */
static bool holders_maps(const char *pid, const struct holder_file *files, size_t nfiles)
{
	char name[sizeof("/proc//maps") + 256], *line = NULL;
	size_t cap = 0, i;
	bool found = false;
	FILE *f;

	snprintf(name, sizeof(name), "/proc/%s/maps", pid);
	f = fopen(name, "r");
	if (!f)
		return false;
	while (!found && getline(&line, &cap, f) > 0) {
		unsigned int maj, min;
		unsigned long long ino;
		int at = 0;
		char *path;

		if (sscanf(line, "%*s %*s %*s %x:%x %llu %n", &maj, &min, &ino, &at) < 3 || !at)
			continue;
		path = line + at;
		path[strcspn(path, "\n")] = '\0';
		for (i = 0; i < nfiles && !found; i++)
			found = (ino == (unsigned long long)files[i].st.st_ino &&
				 maj == major(files[i].st.st_dev) &&
				 min == minor(files[i].st.st_dev)) ||
				!strcmp(path, files[i].real);
	}
	free(line);
	fclose(f);
	return found;
}

size_t cli_holders_find(const char *const *args, size_t nargs, pid_t *pids, size_t max)
{
	struct holder_file *files = calloc(nargs ? nargs : 1, sizeof(*files));
	struct dirent *e;
	size_t n = 0, nfiles = 0, i;
	DIR *proc;

	if (!files)
		return 0;
	for (i = 0; i < nargs; i++)
		nfiles += !holders_file(args[i], &files[nfiles]);
	proc = nfiles ? opendir("/proc") : NULL;
	while (proc && n < max && (e = readdir(proc))) {
		pid_t pid;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid = (pid_t)atol(e->d_name);
		if (pid != getpid() && holders_maps(e->d_name, files, nfiles))
			pids[n++] = pid;
	}
	if (proc)
		closedir(proc);
	free(files);
	return n;
}
/* Exited: no such process, or a zombie its parent has not reaped yet. */
static bool holders_exited(pid_t pid)
{
	char name[64], buf[512], *paren;
	size_t len;
	FILE *f;

	if (kill(pid, 0) && errno == ESRCH)
		return true;
	snprintf(name, sizeof(name), "/proc/%ld/stat", (long)pid);
	f = fopen(name, "r");
	if (!f)
		return errno == ENOENT;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	paren = strrchr(buf, ')');
	return paren && (paren[1] == ' ') && (paren[2] == 'Z' || paren[2] == 'X');
}

pid_t cli_holders_gone(const pid_t *pids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!holders_exited(pids[i]))
			return 0;
	return n ? pids[0] : 0;
}
