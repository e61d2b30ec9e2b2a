/* SPDX-License-Identifier: MIT */
/*
 * The post-mortem probe's guest side (run by tests/e2e/probes/postmortem.py):
 *   postmortem flood FACTOR       numbered marker lines to /dev/kmsg, FACTOR times the ring size
 *   postmortem kmsg OUT           every record /dev/kmsg still has, as read, into OUT
 *   postmortem stat OUT           /proc/PID/task/TID/stat of every task into OUT ("TGID stat")
 *   postmortem sleep [CPU]        sleep forever (pinned to CPU when given)
 *   postmortem spin CPU           busy loop pinned to CPU, at nice 19
 *   postmortem zombie             fork a child that exits unreaped; sleep forever
 *   postmortem vfork              vfork a child that sleeps: the parent waits in D state
 *   postmortem threads N          N sleeping threads; the first forks a sleeping child
 * Sentinels print "postmortem: KIND pid PID" once set up.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		exit(1);
	}
}

static void forever(void)
{
	for (;;)
		pause();
}

static int flood(int factor)
{
	int size = klogctl(10, NULL, 0), fd = open("/dev/kmsg", O_WRONLY), n, i;
	long total = 0;
	char line[256];

	if (size <= 0 || fd < 0) {
		perror("flood");
		return 1;
	}
	for (i = 0; total < (long)factor * size; i++) {
		int level = 4 + i % 4, facility = 1 + i % 23;

		if (i % 97 == 5) /* an empty record: dataless */
			n = snprintf(line, sizeof(line), "<%d>", facility << 3 | level);
		else if (i % 89 == 7) /* a record with a line break inside */
			n = snprintf(line, sizeof(line), "<%d>btfwalk-marker %07d first\nsecond %s",
				     facility << 3 | level, i, "line");
		else
			n = snprintf(line, sizeof(line), "<%d>btfwalk-marker %07d %.*s",
				     facility << 3 | level, i, 20 + i % 61,
				     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				     "abcdefghijklmnopqrstuvwxyz");
		if (write(fd, line, (size_t)n) != n) {
			perror("write /dev/kmsg");
			return 1;
		}
		total += n + 16;
	}
	printf("postmortem: flood %d lines, ring %d bytes\n", i, size);
	return 0;
}

static int kmsg(const char *out)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	FILE *f = fopen(out, "w");
	char rec[8192];
	long n = 0;

	if (fd < 0 || !f) {
		perror("kmsg");
		return 1;
	}
	for (;;) {
		ssize_t len = read(fd, rec, sizeof(rec));

		if (len < 0 && errno == EPIPE) /* overwritten while reading: go on */
			continue;
		if (len < 0 && errno == EAGAIN)
			break;
		if (len <= 0) {
			perror("read /dev/kmsg");
			return 1;
		}
		fwrite(rec, 1, (size_t)len, f);
		n++;
	}
	if (fclose(f))
		return 1;
	printf("postmortem: kmsg %ld records\n", n);
	return 0;
}

static int stat_all(const char *out)
{
	DIR *proc = opendir("/proc");
	FILE *f = fopen(out, "w");
	struct dirent *p;

	if (!proc || !f)
		return 1;
	fprintf(f, "self %d\n", getpid());
	while ((p = readdir(proc))) {
		char path[600], buf[4096];
		struct dirent *t;
		DIR *task;

		if (p->d_name[0] < '0' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", p->d_name);
		task = opendir(path);
		if (!task)
			continue;
		while ((t = readdir(task))) {
			ssize_t n;
			int fd;

			if (t->d_name[0] < '0' || t->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/task/%s/stat", p->d_name, t->d_name);
			fd = open(path, O_RDONLY);
			if (fd < 0)
				continue;
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (n > 0) {
				buf[n] = '\0';
				fprintf(f, "%s %s", p->d_name, buf);
			}
		}
		closedir(task);
	}
	closedir(proc);
	return fclose(f) ? 1 : 0;
}

static void *thread_sleep(void *arg)
{
	/* The first thread forks: a child whose real_parent is a thread, not the leader. */
	if (arg && fork() == 0)
		forever();
	forever();
	return NULL;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int arg = argc > 2 ? atoi(argv[2]) : -1;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(cmd, "flood"))
		return flood(arg > 0 ? arg : 3);
	if (!strcmp(cmd, "kmsg") && argc > 2)
		return kmsg(argv[2]);
	if (!strcmp(cmd, "stat") && argc > 2)
		return stat_all(argv[2]);
	if (!strcmp(cmd, "sleep")) {
		if (arg >= 0)
			pin(arg);
		printf("postmortem: sleep pid %d\n", getpid());
		forever();
	}
	if (!strcmp(cmd, "spin") && arg >= 0) {
		volatile unsigned long x = 0;

		pin(arg);
		setpriority(PRIO_PROCESS, 0, 19);
		printf("postmortem: spin pid %d\n", getpid());
		for (;;)
			x++;
	}
	if (!strcmp(cmd, "zombie")) {
		pid_t c = fork();

		if (c == 0)
			_exit(0);
		printf("postmortem: zombie pid %d\n", c);
		forever();
	}
	if (!strcmp(cmd, "vfork")) {
		printf("postmortem: vfork pid %d\n", getpid());
		if (vfork() == 0)
			for (;;)
				syscall(SYS_pause);
		return 0;
	}
	if (!strcmp(cmd, "threads") && arg > 0) {
		pthread_t t;
		int i;

		for (i = 0; i < arg; i++)
			if (pthread_create(&t, NULL, thread_sleep, i ? NULL : &t))
				return 1;
		printf("postmortem: threads pid %d\n", getpid());
		forever();
	}
	fprintf(stderr, "usage: see tests/e2e/probes/postmortem.c\n");
	return 2;
}
