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

/* PATH of "PATH" or "PATH@PHYSADDR" (a dump argument), resolved: 0, or -1. */
static int holders_file(const char *arg, char *real, struct stat *st)
{
	char path[4096];
	const char *at = strrchr(arg, '@');
	size_t n = strlen(arg);

	if (stat(arg, st) && at)
		n = (size_t)(at - arg);
	if (n >= sizeof(path))
		return -1;
	memcpy(path, arg, n);
	path[n] = '\0';
	if (stat(path, st) || !S_ISREG(st->st_mode) || !realpath(path, real))
		return -1;
	return 0;
}

/* Does /proc/PID/maps map the file (same device and inode, or the same path)? */
static bool holders_maps(const char *pid, const struct stat *st, const char *real)
{
	char name[sizeof("/proc//maps") + 256], *line = NULL;
	size_t cap = 0;
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
		found = (ino == (unsigned long long)st->st_ino && maj == major(st->st_dev) &&
			 min == minor(st->st_dev)) ||
			!strcmp(path, real);
	}
	free(line);
	fclose(f);
	return found;
}

size_t cli_holders_find(const char *const *files, size_t nfiles, pid_t *pids, size_t max)
{
	char real[PATH_MAX];
	struct stat st;
	struct dirent *e;
	size_t n = 0, i;
	DIR *proc;

	proc = opendir("/proc");
	if (!proc)
		return 0;
	while (n < max && (e = readdir(proc))) {
		pid_t pid;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid = (pid_t)atol(e->d_name);
		if (pid == getpid())
			continue;
		for (i = 0; i < nfiles; i++) {
			if (!holders_file(files[i], real, &st) &&
			    holders_maps(e->d_name, &st, real)) {
				pids[n++] = pid;
				break;
			}
		}
	}
	closedir(proc);
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
