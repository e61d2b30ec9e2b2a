// SPDX-License-Identifier: MIT
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "image_builder.h"

char *imgb_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = malloc(4096);

	if (!dir)
		abort();
	snprintf(dir, 4096, "%s/btfwalk-test-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(dir))
		abort();
	return dir;
}

void imgb_rmdir(char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];

	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	free(dir);
}

char *imgb_write(const char *dir, const char *name, const void *data, size_t len)
{
	char *path = malloc(4096);
	FILE *f;

	if (!path)
		abort();
	snprintf(path, 4096, "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f))
		abort();
	return path;
}

void imgb_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void imgb_put32(uint8_t *p, uint32_t v)
{
	imgb_put16(p, (uint16_t)v);
	imgb_put16(p + 2, (uint16_t)(v >> 16));
}

void imgb_put64(uint8_t *p, uint64_t v)
{
	imgb_put32(p, (uint32_t)v);
	imgb_put32(p + 4, (uint32_t)(v >> 32));
}

void imgb_elf_init(struct imgb_elf *e)
{
	memset(e, 0, sizeof(*e));
}

void imgb_elf_load(struct imgb_elf *e, uint64_t paddr, const void *data, uint64_t filesz,
		   uint64_t memsz)
{
	if (e->nph == IMGB_ELF_MAX_PHDRS)
		abort();
	e->ph[e->nph].type = 1;
	e->ph[e->nph].paddr = paddr;
	e->ph[e->nph].data = data;
	e->ph[e->nph].filesz = filesz;
	e->ph[e->nph].memsz = memsz;
	e->nph++;
}

void imgb_elf_note(struct imgb_elf *e, const char *name, uint32_t type, const void *desc,
		   uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	size_t need = 12 + ((namesz + 3) & ~3u) + ((descsz + 3) & ~3u);
	uint8_t *p = e->notes + e->notes_len;

	if (e->notes_len + need > sizeof(e->notes))
		abort();
	memset(p, 0, need);
	imgb_put32(p, namesz);
	imgb_put32(p + 4, descsz);
	imgb_put32(p + 8, type);
	memcpy(p + 12, name, namesz);
	memcpy(p + 12 + ((namesz + 3) & ~3u), desc, descsz);
	e->notes_len += need;
}

uint8_t *imgb_elf_build(const struct imgb_elf *e, size_t *len)
{
	int nph = e->nph + 1, i;
	size_t off = IMGB_ELF_PHOFF + (size_t)nph * IMGB_ELF_PHSIZE, total = off + e->notes_len;
	uint8_t *buf, *ph;

	for (i = 0; i < e->nph; i++)
		total += e->ph[i].filesz;
	buf = calloc(1, total);
	if (!buf)
		abort();
	memcpy(buf, "\177ELF", 4);
	buf[4] = 2;		  /* ELFCLASS64 */
	buf[5] = 1;		  /* ELFDATA2LSB */
	buf[6] = 1;		  /* EV_CURRENT */
	imgb_put16(buf + 16, 4);  /* ET_CORE */
	imgb_put16(buf + 18, 62); /* EM_X86_64 */
	imgb_put32(buf + 20, 1);
	imgb_put64(buf + 32, IMGB_ELF_PHOFF);
	imgb_put16(buf + 52, 64);
	imgb_put16(buf + 54, IMGB_ELF_PHSIZE);
	imgb_put16(buf + 56, (uint16_t)nph);
	ph = buf + IMGB_ELF_PHOFF;
	imgb_put32(ph, 4); /* PT_NOTE */
	imgb_put64(ph + 8, off);
	imgb_put64(ph + 32, e->notes_len);
	imgb_put64(ph + 40, e->notes_len);
	memcpy(buf + off, e->notes, e->notes_len);
	off += e->notes_len;
	for (i = 0; i < e->nph; i++) {
		ph = buf + IMGB_ELF_PHOFF + (size_t)(i + 1) * IMGB_ELF_PHSIZE;
		imgb_put32(ph, e->ph[i].type);
		imgb_put64(ph + 8, off);
		imgb_put64(ph + 24, e->ph[i].paddr);
		imgb_put64(ph + 32, e->ph[i].filesz);
		imgb_put64(ph + 40, e->ph[i].memsz);
		memcpy(buf + off, e->ph[i].data, e->ph[i].filesz);
		off += e->ph[i].filesz;
	}
	*len = total;
	return buf;
}

void imgb_phys_init(struct imgb_phys *p, uint64_t size)
{
	p->mem = calloc(1, size);
	if (!p->mem)
		abort();
	p->size = size;
}

void imgb_phys_free(struct imgb_phys *p)
{
	free(p->mem);
	p->mem = NULL;
}

int imgb_phys_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	const struct imgb_phys *p = ctx;

	if (paddr > p->size || len > p->size - paddr)
		return -1;
	memcpy(buf, p->mem + paddr, len);
	return 0;
}
