/* SPDX-License-Identifier: MIT */
/*
 * Reading a whole file or stream into an owned buffer, with the cap applied while reading: the
 * one loop behind BTF files, symbol files and BTF on stdin.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"

#define READALL_FIRST (1u << 16)

/* Read up to cap + 1 bytes of fd into a buffer grown by doubling (never past cap + 1). */
static int readall_fd(const struct bw_allocator *a, int fd, const char *path, size_t hint,
		      size_t cap, uint8_t **out, size_t *len, struct bw_error *err)
{
	size_t size = hint && hint <= cap ? hint + 1 : READALL_FIRST, used = 0;
	uint8_t *buf;

	if (size > cap + 1)
		size = cap + 1;
	buf = bw_alloc_bulk(a, size);
	if (!buf)
		return bw_fail(err, BW_ENOMEM, "%s: no memory to read %zu bytes", path, size);
	for (;;) {
		ssize_t n;

		if (used == size) {
			size_t nsize = size > (cap + 1) / 2 ? cap + 1 : size * 2;
			uint8_t *nbuf;

			if (used > cap) {
				bw_free(a, buf);
				return bw_fail(err, BW_ELIMIT, "%s: more than %zu bytes", path,
					       cap);
			}
			nbuf = bw_realloc(a, buf, nsize);
			if (!nbuf) {
				bw_free(a, buf);
				return bw_fail(err, BW_ENOMEM, "%s: no memory to read %zu bytes",
					       path, nsize);
			}
			buf = nbuf;
			size = nsize;
		}
		n = read(fd, buf + used, size - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			bw_free(a, buf);
			return bw_fail(err, BW_EIO, "%s: read at offset %zu: %s", path, used,
				       strerror(e));
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	*out = buf;
	*len = used;
	return 0;
}

int bw_read_all(const struct bw_allocator *a, const char *path, size_t file_cap, size_t stream_cap,
		uint8_t **out, size_t *len, struct bw_error *err)
{
	size_t cap = stream_cap;
	struct stat st;
	size_t hint = 0;
	int fd, ret;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bw_fail(err, BW_EIO, "%s: open: %s", path, strerror(errno));
	if (fstat(fd, &st)) {
		ret = bw_fail(err, BW_EIO, "%s: fstat: %s", path, strerror(errno));
		goto out;
	}
	/* A regular file's size is known up front: refuse it before reading a byte. */
	if (S_ISREG(st.st_mode)) {
		cap = file_cap;
		if ((uint64_t)st.st_size > cap) {
			ret = bw_fail(err, BW_ELIMIT, "%s: %lld bytes, more than %zu", path,
				      (long long)st.st_size, cap);
			goto out;
		}
		hint = (size_t)st.st_size;
	}
	ret = readall_fd(a, fd, path, hint, cap, out, len, err);
out:
	close(fd);
	return ret;
}
