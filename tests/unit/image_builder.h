/* SPDX-License-Identifier: MIT */
/*
 * Builders for synthetic dumps the unit tests write: temp files, ELF cores with chosen PT_LOADs
 * and notes, and a flat little-endian "physical memory" buffer. Linked into every test binary,
 * so every name starts with imgb_.
 */
#ifndef IMAGE_BUILDER_H
#define IMAGE_BUILDER_H

#include <stddef.h>
#include <stdint.h>

/* A fresh temp directory (abort on failure); imgb_rmdir removes it and its files. */
char *imgb_tmpdir(void);
void imgb_rmdir(char *dir);
/* Write dir/name; returns the malloc'ed path. */
char *imgb_write(const char *dir, const char *name, const void *data, size_t len);

/* Little-endian stores. */
void imgb_put16(uint8_t *p, uint16_t v);
void imgb_put32(uint8_t *p, uint32_t v);
void imgb_put64(uint8_t *p, uint64_t v);

/* ELF64 x86-64 core. Segments and notes are laid out in the order added. */
#define IMGB_ELF_MAX_PHDRS 16
struct imgb_elf {
	struct {
		uint32_t type;
		uint64_t paddr, filesz, memsz;
		const void *data;
	} ph[IMGB_ELF_MAX_PHDRS];
	int nph;
	uint8_t notes[8192];
	size_t notes_len;
};
void imgb_elf_init(struct imgb_elf *e);
void imgb_elf_load(struct imgb_elf *e, uint64_t paddr, const void *data, uint64_t filesz,
		   uint64_t memsz);
void imgb_elf_note(struct imgb_elf *e, const char *name, uint32_t type, const void *desc,
		   uint32_t descsz);
/* Serialize (one PT_NOTE holding every note, first) into a malloc'ed buffer. */
uint8_t *imgb_elf_build(const struct imgb_elf *e, size_t *len);
/* Offsets inside a built image, for tests that corrupt it. */
#define IMGB_ELF_PHOFF 64
#define IMGB_ELF_PHSIZE 56

/* A flat physical memory for callback sources: [0, size). */
struct imgb_phys {
	uint8_t *mem;
	uint64_t size;
};
void imgb_phys_init(struct imgb_phys *p, uint64_t size);
void imgb_phys_free(struct imgb_phys *p);
/* bw_mem_read_fn over an imgb_phys. */
int imgb_phys_read(void *ctx, uint64_t paddr, void *buf, size_t len);

#endif
