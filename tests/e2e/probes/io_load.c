/* io_load: I/O wait in the e2e guest, for the counters that only a block device moves.
 *
 * "io_load DEV CPU SECONDS": pinned to CPU, for SECONDS (then exit 0), reads 4 KiB with
 * O_DIRECT at spread offsets of DEV (the guest's virtio-blk disk), then sleeps 1 ms (the guest
 * shares a busy host: a read costs QEMU a few syscalls). Each read goes to the
 * device (no page cache), QEMU completes it asynchronously, and the reader sleeps in
 * io_schedule meanwhile: /proc/stat iowait (while its CPU has nothing else to run), the io
 * lines of /proc/pressure/io (some; full while nothing else runs on the CPU), and the BLOCK
 * softirq (blk-mq completes requests of a single-hardware-queue device through it) move.
 * Prints "io_load: reading DEV on cpu CPU, N bytes" once started, "io_load: N reads" at the end.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096

int main(int argc, char **argv)
{
	unsigned long long reads = 0, blocks, i = 0;
	struct timespec ts;
	cpu_set_t set;
	time_t end;
	off_t size;
	void *buf;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: io_load DEV CPU SECONDS\n");
		return 2;
	}
	CPU_ZERO(&set);
	CPU_SET(atoi(argv[2]), &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("io_load: sched_setaffinity");
		return 1;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECT);
	size = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
	if (size < BLOCK || posix_memalign(&buf, BLOCK, BLOCK)) {
		perror("io_load: open/size");
		return 1;
	}
	blocks = size / BLOCK;
	printf("io_load: reading %s on cpu %d, %lld bytes\n", argv[1], sched_getcpu(),
	       (long long)size);
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	end = ts.tv_sec + atoi(argv[3]);
	do {
		i = (i + 7919) % blocks; /* a prime stride: every block, none twice in a row */
		if (pread(fd, buf, BLOCK, (off_t)(i * BLOCK)) != BLOCK) {
			perror("io_load: pread");
			return 1;
		}
		reads++;
		usleep(1000);
		clock_gettime(CLOCK_MONOTONIC, &ts);
	} while (ts.tv_sec < end);
	printf("io_load: %llu reads\n", reads);
	return 0;
}
