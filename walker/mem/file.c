// SPDX-License-Identifier: MIT
/* Dump files mapped read-only: the only place the memory sources touch the file system. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"
#include "mem/mem_impl.h"

int bw_mem_map_file(struct bw_mem *mem, const char *path, const uint8_t **data, size_t *len,
		    struct bw_error *err)
{
	struct bw_mem_map *maps;
	struct stat st;
	void *addr;
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
	if ((uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return bw_fail(err, BW_ELIMIT, "%s: too large to map", path);
	}
	maps = bw_realloc(mem->alloc, mem->maps, (mem->nmaps + 1) * sizeof(*maps));
	if (!maps) {
		close(fd);
		return bw_fail(err, BW_ENOMEM, "%s: out of memory", path);
	}
	mem->maps = maps;
	addr = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	saved = errno;
	close(fd);
	if (addr == MAP_FAILED)
		return bw_fail(err, BW_EIO, "%s: mmap: %s", path, strerror(saved));
	maps[mem->nmaps++] = (struct bw_mem_map){addr, (size_t)st.st_size};
	*data = addr;
	*len = (size_t)st.st_size;
	return 0;
}

void bw_mem_unmap_all(struct bw_mem *mem)
{
	size_t i;

	for (i = 0; i < mem->nmaps; i++)
		munmap(mem->maps[i].addr, mem->maps[i].len);
	mem->nmaps = 0;
}
