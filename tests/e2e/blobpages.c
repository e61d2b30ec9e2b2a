/* blobpages NONCE: hold stdin in guest memory, one 4 KiB page per chunk, until killed.
 *
 * The e2e harness uses it to move large guest files (/proc/kallsyms, ~10 MiB) to the host
 * through the node memory-backend-files instead of the slow serial console: each page starts
 * with the 16-byte NONCE (random per transfer), then u32 sequence number, u32 page count,
 * u32 payload length and u32 zero, then up to 4064 payload bytes. The host finds the pages by
 * the nonce at page-aligned offsets in the backend files and joins them by sequence number.
 * Prints "blobpages: ready N pages B bytes" once every page is written and locked.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096
#define HDR 32
#define DATA (PAGE - HDR)

int main(int argc, char **argv)
{
	size_t cap = 1 << 20, len = 0, npages, i;
	char *buf = malloc(cap);
	unsigned char *pages;
	ssize_t n;

	if (argc != 2 || strlen(argv[1]) != 16 || !buf) {
		fprintf(stderr, "usage: blobpages NONCE16 <file\n");
		return 2;
	}
	while ((n = read(0, buf + len, cap - len)) > 0) {
		len += (size_t)n;
		if (len == cap && !(buf = realloc(buf, cap *= 2))) {
			perror("blobpages: realloc");
			return 1;
		}
	}
	npages = len ? (len + DATA - 1) / DATA : 1;
	pages = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED) {
		perror("blobpages: mmap");
		return 1;
	}
	for (i = 0; i < npages; i++) {
		unsigned char *p = pages + i * PAGE;
		uint32_t hdr[4] = { (uint32_t)i, (uint32_t)npages, 0, 0 };
		size_t off = i * DATA, chunk = len - off < DATA ? len - off : DATA;

		if (off > len)
			chunk = 0;
		hdr[2] = (uint32_t)chunk;
		memcpy(p + 16, hdr, sizeof(hdr));
		memcpy(p + HDR, buf + off, chunk);
		memcpy(p, argv[1], 16); /* the nonce last: a page is complete once it is findable */
	}
	free(buf);
	mlock(pages, npages * PAGE);
	printf("blobpages: ready %zu pages %zu bytes\n", npages, len);
	fflush(stdout);
	for (;;)
		pause();
}
