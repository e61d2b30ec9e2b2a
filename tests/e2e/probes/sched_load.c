/* sched_load: make the counters of /proc/stat, /proc/softirqs, /proc/schedstat and
 * /proc/pressure move while the e2e harness reads them and stops the guest.
 *
 * "sched_load SECONDS": for SECONDS (then exit 0), on every online CPU a thread pinned to it
 * spins 3 ms then sleeps 7 ms (user and system time, idle periods, wakeups, context switches,
 * CPU pressure when two runnable tasks meet), two extra unpinned spinners (load balancing and
 * runqueue waits), a UDP ping-pong over loopback (NET_RX softirq), and a fork of a
 * short-lived child every 50 ms (processes). Prints "sched_load: running N cpus" once started.
 * I/O wait and the NET_TX and HRTIMER softirqs are the work of io_load.c and net_load.c.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double deadline;

static void spin(double seconds)
{
	double end = now() + seconds;
	volatile unsigned long x = 0;

	while (now() < end)
		x++;
}

static void *cpu_thread(void *arg)
{
	long cpu = (long)arg;

	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	while (now() < deadline) {
		spin(0.003);
		usleep(cpu >= 0 ? 7000 : 20000);
	}
	return NULL;
}

static void *udp_thread(void *arg)
{
	int port = (int)(long)arg, peer = port ^ 1;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in me = {.sin_family = AF_INET, .sin_port = htons(port)};
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(peer)};
	struct timeval tv = {0, 100000};
	char buf[512];

	me.sin_addr.s_addr = to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0)
		return NULL;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(buf, 'x', sizeof(buf));
	while (now() < deadline) {
		sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&to, sizeof(to));
		recv(fd, buf, sizeof(buf), 0);
		usleep(2000);
	}
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN), i;
	pthread_t t[64 + 4];
	int nt = 0;

	deadline = now() + (argc > 1 ? atof(argv[1]) : 600);
	if (n < 1 || n > 64)
		n = 1;
	for (i = 0; i < n; i++)
		pthread_create(&t[nt++], NULL, cpu_thread, (void *)i);
	for (i = 0; i < 2; i++)
		pthread_create(&t[nt++], NULL, cpu_thread, (void *)-1L);
	pthread_create(&t[nt++], NULL, udp_thread, (void *)40000L);
	pthread_create(&t[nt++], NULL, udp_thread, (void *)40001L);
	printf("sched_load: running %ld cpus\n", n);
	fflush(stdout);
	while (now() < deadline) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		usleep(50000);
	}
	for (i = 0; i < nt; i++)
		pthread_join(t[i], NULL);
	return 0;
}
