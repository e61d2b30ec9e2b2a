/* net_load: loopback traffic for the network softirqs and soft hrtimers in the e2e guest.
 *
 * "net_load SECONDS": for SECONDS (then exit 0)
 * - lo up, with a pfifo_fast root qdisc (lo's default is noqueue, which sends without a
 *   queue and so never raises NET_TX): two threads send bursts of 100 UDP datagrams every
 *   10 ms through it; a sender that finds another CPU running the qdisc only queues, and the
 *   runner hands what is left past its quota (or when it should reschedule) to the NET_TX
 *   softirq. A receiver drains them (NET_RX: loopback delivers through the backlog).
 * - a TCP stream over loopback with SO_MAX_PACING_RATE: the socket then paces itself with
 *   its pacing hrtimer, a soft hrtimer, which runs in the HRTIMER softirq.
 * - an unpaced TCP stream, 64 KiB every 2 ms, with net.ipv4.tcp_limit_output_bytes = 1: TCP
 *   small queues then hold back its next segment whenever one still waits in the qdisc (behind
 *   the UDP bursts), and the freeing of that one schedules the TSQ tasklet (TASKLET softirq).
 * Prints "net_load: running" once started.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static time_t deadline;

static int running(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec < deadline;
}

static int lo_up(void)
{
	struct ifreq ifr = {0};
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	strcpy(ifr.ifr_name, "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr))
		return -1;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(s, SIOCSIFFLAGS, &ifr);
}

/* The netlink request of `tc qdisc replace dev lo root pfifo_fast`; 0 once the kernel acks. */
static int lo_qdisc(void)
{
	struct {
		struct nlmsghdr n;
		struct tcmsg t;
		char attrs[64];
	} req = {0};
	struct {
		struct nlmsghdr n;
		struct nlmsgerr e;
		char more[256];
	} ack;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct rtattr *rta;
	int s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);

	req.n.nlmsg_type = RTM_NEWQDISC;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
	req.t.tcm_family = AF_UNSPEC;
	req.t.tcm_ifindex = if_nametoindex("lo");
	req.t.tcm_parent = TC_H_ROOT;
	rta = (struct rtattr *)req.attrs;
	rta->rta_type = TCA_KIND;
	rta->rta_len = RTA_LENGTH(sizeof("pfifo_fast"));
	memcpy(RTA_DATA(rta), "pfifo_fast", sizeof("pfifo_fast"));
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof(req.t)) + RTA_ALIGN(rta->rta_len);
	if (s < 0 ||
	    sendto(s, &req, req.n.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0 ||
	    recv(s, &ack, sizeof(ack), 0) < (ssize_t)NLMSG_LENGTH(sizeof(ack.e)))
		return -1;
	close(s);
	return ack.n.nlmsg_type == NLMSG_ERROR ? ack.e.error : -1;
}

static int bound(int type, struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int s = socket(AF_INET, type, 0);

	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a->sin_port = 0;
	if (s < 0 || bind(s, (struct sockaddr *)a, sizeof(*a)) ||
	    getsockname(s, (struct sockaddr *)a, &len))
		return -1;
	return s;
}

static struct sockaddr_in udp_sink;

static void *udp_send(void *arg)
{
	char msg[64] = "net_load";
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	(void)arg;
	while (running()) {
		for (int i = 0; i < 100; i++)
			sendto(s, msg, sizeof(msg), MSG_DONTWAIT, (struct sockaddr *)&udp_sink,
			       sizeof(udp_sink));
		usleep(10000);
	}
	return NULL;
}

static void *drain(void *arg)
{
	char buf[65536];
	int s = (int)(long)arg;

	while (running())
		if (recv(s, buf, sizeof(buf), 0) <= 0)
			break;
	return NULL;
}

static struct sockaddr_in tcp_addr;

/* A TCP stream to tcp_addr: paced (arg non-NULL) by SO_MAX_PACING_RATE, else 64 KiB every 2 ms. */
static void *tcp_send(void *arg)
{
	unsigned rate = 2 << 20; /* bytes per second */
	static char chunk[65536];
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0 || (arg && setsockopt(s, SOL_SOCKET, SO_MAX_PACING_RATE, &rate, sizeof(rate))) ||
	    connect(s, (struct sockaddr *)&tcp_addr, sizeof(tcp_addr))) {
		perror("net_load: tcp");
		exit(1);
	}
	while (running()) {
		if (send(s, chunk, arg ? 16384 : sizeof(chunk), 0) < 0)
			break;
		if (!arg)
			usleep(2000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct timeval tv = {.tv_sec = 1};
	pthread_t t;
	int udp, lis, conn, err;
	struct timespec ts;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: net_load SECONDS\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = ts.tv_sec + atoi(argv[1]);
	f = fopen("/proc/sys/net/ipv4/tcp_limit_output_bytes", "w");
	if (!f || fputs("1\n", f) < 0 || fclose(f)) {
		perror("net_load: net.ipv4.tcp_limit_output_bytes = 1");
		return 1;
	}
	if (lo_up()) {
		perror("net_load: lo up");
		return 1;
	}
	err = lo_qdisc();
	if (err) {
		fprintf(stderr, "net_load: pfifo_fast qdisc on lo: %s\n", strerror(-err));
		return 1;
	}
	udp = bound(SOCK_DGRAM, &udp_sink);
	lis = bound(SOCK_STREAM, &tcp_addr);
	if (udp < 0 || lis < 0 || listen(lis, 1)) {
		perror("net_load: sockets");
		return 1;
	}
	setsockopt(udp, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	pthread_create(&t, NULL, drain, (void *)(long)udp);
	for (int paced = 0; paced < 2; paced++) {
		pthread_create(&t, NULL, tcp_send, paced ? &tcp_addr : NULL);
		conn = accept(lis, NULL, NULL);
		setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		pthread_create(&t, NULL, drain, (void *)(long)conn);
	}
	pthread_create(&t, NULL, udp_send, NULL);
	pthread_create(&t, NULL, udp_send, NULL);
	printf("net_load: running\n");
	fflush(stdout);
	while (running())
		sleep(1);
	return 0;
}
