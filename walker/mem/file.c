// SPDX-License-Identifier: MIT
/*
 * Dump files read with pread(2): the only place the memory sources touch the file system. Files
 * are not mapped, so a file truncated while open gives BW_EIO instead of SIGBUS.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"
#include "mem/mem_impl.h"

int bw_mem_file_open(struct bw_mem *mem, const char *path, uint32_t *file, uint64_t *size,
		     struct bw_error *err)
{
	struct bw_mem_file *files;
	struct stat st;
	char *copy;
	size_t i;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bw_fail(err, BW_EIO, "%s: open: %s", path, strerror(errno));
	if (fstat(fd, &st)) {
		saved = errno;
		close(fd);
		return bw_fail(err, BW_EIO, "%s: fstat: %s", path, strerror(saved));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return bw_fail(err, BW_EIO, "%s: not a regular file", path);
	}
	if (st.st_size <= 0) {
		close(fd);
		return bw_fail(err, BW_EFORMAT, "%s: empty file", path);
	}
	files = bw_realloc(mem->alloc, mem->files, (mem->nfiles + 1) * sizeof(*files));
	copy = files ? bw_alloc(mem->alloc, strlen(path) + 1) : NULL;
	if (files)
		mem->files = files;
	if (!copy) {
		close(fd);
		return bw_fail(err, BW_ENOMEM, "%s: out of memory", path);
	}
	strcpy(copy, path);
	files[mem->nfiles] = (struct bw_mem_file){fd,
						  (uint64_t)st.st_size,
						  copy,
						  (uint32_t)mem->nfiles + 1,
						  (uint64_t)st.st_dev,
						  (uint64_t)st.st_ino};
	/* One file given twice (two paths, two @bases) is one set of bytes. */
	for (i = 0; i < mem->nfiles; i++) {
		if (files[i].dev == (uint64_t)st.st_dev && files[i].ino == (uint64_t)st.st_ino) {
			files[mem->nfiles].same = files[i].same;
			break;
		}
	}
	*file = (uint32_t)++mem->nfiles;
	*size = (uint64_t)st.st_size;
	return 0;
}

int bw_mem_file_read(const struct bw_mem *mem, uint32_t file, uint64_t off, void *buf, size_t len,
		     struct bw_error *err)
{
	const struct bw_mem_file *f = &mem->files[file - 1];
	uint8_t *dst = buf;

	while (len) {
		size_t chunk = len < (1u << 30) ? len : (1u << 30);
		ssize_t n;

		if (off > (uint64_t)INT64_MAX - chunk)
			return bw_fail(err, BW_EIO, "%s: offset 0x%" PRIx64 " out of range",
				       f->path, off);
		n = pread(f->fd, dst, chunk, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return bw_fail(err, BW_EIO, "%s: read at offset 0x%" PRIx64 ": %s", f->path,
				       off, strerror(errno));
		if (n == 0)
			return bw_fail(err, BW_EIO,
				       "%s: ends before offset 0x%" PRIx64 " (0x%" PRIx64
				       " bytes when opened): truncated while open?",
				       f->path, off, f->size);
		dst += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

void bw_mem_close_files(struct bw_mem *mem)
{
	size_t i;

	for (i = 0; i < mem->nfiles; i++) {
		close(mem->files[i].fd);
		bw_free(mem->alloc, mem->files[i].path);
	}
	bw_free(mem->alloc, mem->files);
	mem->files = NULL;
	mem->nfiles = 0;
}
