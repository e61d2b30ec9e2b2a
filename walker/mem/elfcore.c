// SPDX-License-Identifier: MIT
/*
 * ELF64 core files (QEMU dump-guest-memory, kdump /proc/vmcore): PT_LOAD physical ranges and the
 * notes that matter to a kernel reader (VMCOREINFO, NT_PRSTATUS, QEMU's CPU state).
 */
#include <string.h>
#include <inttypes.h>
#include "internal.h"
#include "mem/mem_impl.h"

#define ELFCORE_EHDR_SIZE 64
#define ELFCORE_PHDR_SIZE 56
#define ELFCORE_SHDR_SIZE 64
#define ELFCORE_PN_XNUM 0xffff
#define ELFCORE_PT_LOAD 1
#define ELFCORE_PT_NOTE 4
#define ELFCORE_ET_CORE 4
#define ELFCORE_EM_X86_64 62
#define ELFCORE_NT_PRSTATUS 1

/* x86-64 struct elf_prstatus: pr_reg (struct user_regs_struct) at 112, 27 registers. */
#define ELFCORE_PRSTATUS_SIZE 336
#define ELFCORE_PRSTATUS_RIP (112 + 16 * 8)
#define ELFCORE_PRSTATUS_RSP (112 + 19 * 8)
/* QEMU target/i386 QEMUCPUState: version, size, 16 GPRs, rip, rflags, 10 segments, cr[5]. */
#define ELFCORE_QEMU_RSP 56
#define ELFCORE_QEMU_RIP 136
#define ELFCORE_QEMU_CR3 (392 + 3 * 8)
#define ELFCORE_QEMU_CR4 (392 + 4 * 8)
#define ELFCORE_QEMU_MIN_SIZE (ELFCORE_QEMU_CR4 + 8)

bool bw_mem_is_elf(const uint8_t *data, size_t len)
{
	return len >= 4 && !memcmp(data, "\177ELF", 4);
}

struct elfcore_ctx {
	struct bw_mem *mem;
	const char *path;
	const uint8_t *data;
	size_t len;
	bool x86_64;
	uint32_t notes;
};

/* Is [off, off + size) inside the file? */
static bool elfcore_in_file(const struct elfcore_ctx *c, uint64_t off, uint64_t size)
{
	uint64_t end;

	return !bw_add_overflow(off, size, &end) && end <= c->len;
}

static bool elfcore_name_is(const uint8_t *name, uint32_t namesz, const char *want)
{
	size_t n = strlen(want);

	/* namesz counts the NUL; tolerate producers that leave it out. */
	return (namesz == n + 1 && !memcmp(name, want, n) && name[n] == '\0') ||
	       (namesz == n && !memcmp(name, want, n));
}

static int elfcore_note(struct elfcore_ctx *c, uint64_t off, const uint8_t *name, uint32_t namesz,
			uint32_t type, const uint8_t *desc, uint32_t descsz, struct bw_error *err)
{
	struct bw_mem *mem = c->mem;
	struct bw_cpu_regs *regs;
	int ret;

	if (elfcore_name_is(name, namesz, "VMCOREINFO")) {
		if (!mem->vmcoreinfo) {
			mem->vmcoreinfo = (const char *)desc;
			mem->vmcoreinfo_len = descsz;
		}
		return 0;
	}
	if (!c->x86_64)
		return 0;
	if (elfcore_name_is(name, namesz, "CORE") && type == ELFCORE_NT_PRSTATUS) {
		if (descsz < ELFCORE_PRSTATUS_SIZE)
			return bw_fail(err, BW_EFORMAT,
				       "%s: NT_PRSTATUS note at offset 0x%" PRIx64
				       " has %u bytes, x86-64 needs %u",
				       c->path, off, descsz, ELFCORE_PRSTATUS_SIZE);
		ret = bw_mem_cpu_slot(mem, mem->nprstatus++, &regs, err);
		if (ret)
			return ret;
		regs->rip = bw_le64(desc + ELFCORE_PRSTATUS_RIP);
		regs->rsp = bw_le64(desc + ELFCORE_PRSTATUS_RSP);
		regs->has_ip = true;
		return 0;
	}
	if (elfcore_name_is(name, namesz, "QEMU")) {
		uint32_t size = descsz >= 8 ? bw_le32(desc + 4) : 0;

		if (descsz < ELFCORE_QEMU_MIN_SIZE || size < ELFCORE_QEMU_MIN_SIZE || size > descsz)
			return bw_fail(err, BW_EFORMAT,
				       "%s: QEMU note at offset 0x%" PRIx64
				       " is %u bytes (state size %u), at least %u needed",
				       c->path, off, descsz, size, ELFCORE_QEMU_MIN_SIZE);
		ret = bw_mem_cpu_slot(mem, mem->nqemu++, &regs, err);
		if (ret)
			return ret;
		regs->cr3 = bw_le64(desc + ELFCORE_QEMU_CR3);
		regs->cr4 = bw_le64(desc + ELFCORE_QEMU_CR4);
		regs->has_cr = true;
		if (!regs->has_ip) {
			regs->rip = bw_le64(desc + ELFCORE_QEMU_RIP);
			regs->rsp = bw_le64(desc + ELFCORE_QEMU_RSP);
			regs->has_ip = true;
		}
	}
	return 0;
}

/* Walk the Elf64_Nhdr records of one PT_NOTE segment [off, off + size). */
static int elfcore_notes(struct elfcore_ctx *c, uint64_t off, uint64_t size, struct bw_error *err)
{
	uint64_t pos = 0;

	if (!elfcore_in_file(c, off, size))
		return bw_fail(err, BW_EFORMAT,
			       "%s: PT_NOTE at offset 0x%" PRIx64 " size 0x%" PRIx64
			       " extends past the end of the file (0x%zx bytes)",
			       c->path, off, size, c->len);
	while (size - pos >= 12) {
		const uint8_t *n = c->data + off + pos;
		uint32_t namesz = bw_le32(n), descsz = bw_le32(n + 4), type = bw_le32(n + 8);
		uint64_t name_pad = ((uint64_t)namesz + 3) & ~(uint64_t)3;
		uint64_t desc_pad = ((uint64_t)descsz + 3) & ~(uint64_t)3;
		uint64_t rec = 12 + name_pad + desc_pad;
		int ret;

		if (++c->notes > BW_MEM_MAX_NOTES)
			return bw_fail(err, BW_ELIMIT, "%s: more than %u ELF notes", c->path,
				       BW_MEM_MAX_NOTES);
		/* The last record's padding may be cut off; its name and desc may not. */
		if (12 + name_pad + descsz > size - pos)
			return bw_fail(err, BW_EFORMAT,
				       "%s: note at offset 0x%" PRIx64
				       " (namesz %u, descsz %u) runs past its PT_NOTE segment",
				       c->path, off + pos, namesz, descsz);
		ret = elfcore_note(c, off + pos, n + 12, namesz, type, n + 12 + name_pad, descsz,
				   err);
		if (ret)
			return ret;
		pos = rec < size - pos ? pos + rec : size;
	}
	return 0;
}

/* The program header count, from e_phnum or, when it is PN_XNUM, section header 0's sh_info. */
static int elfcore_phnum(const struct elfcore_ctx *c, uint64_t *phnum, struct bw_error *err)
{
	const uint8_t *e = c->data;
	uint64_t shoff = bw_le64(e + 40);

	*phnum = bw_le16(e + 56);
	if (*phnum != ELFCORE_PN_XNUM)
		return 0;
	if (bw_le16(e + 58) != ELFCORE_SHDR_SIZE || !elfcore_in_file(c, shoff, ELFCORE_SHDR_SIZE))
		return bw_fail(err, BW_EFORMAT,
			       "%s: e_phnum is PN_XNUM but section header 0 at offset 0x%" PRIx64
			       " is missing",
			       c->path, shoff);
	*phnum = bw_le32(e + shoff + 44);
	return 0;
}

int bw_mem_load_elfcore(struct bw_mem *mem, const char *path, const uint8_t *data, size_t len,
			uint32_t source, struct bw_error *err)
{
	struct elfcore_ctx c = {mem, path, data, len, false, 0};
	uint64_t phoff, phnum, i, phsize, loads;
	int ret;

	if (len < ELFCORE_EHDR_SIZE)
		return bw_fail(err, BW_EFORMAT, "%s: ELF header truncated (%zu bytes)", path, len);
	if (data[4] != 2 || data[5] != 1)
		return bw_fail(err, BW_ENOTSUP,
			       "%s: only 64-bit little-endian ELF cores are supported (class %u, "
			       "data %u)",
			       path, data[4], data[5]);
	if (bw_le16(data + 16) != ELFCORE_ET_CORE)
		return bw_fail(err, BW_EFORMAT, "%s: ELF type %u is not ET_CORE", path,
			       bw_le16(data + 16));
	c.x86_64 = bw_le16(data + 18) == ELFCORE_EM_X86_64;
	phoff = bw_le64(data + 32);
	ret = elfcore_phnum(&c, &phnum, err);
	if (ret)
		return ret;
	if (phnum && bw_le16(data + 54) != ELFCORE_PHDR_SIZE)
		return bw_fail(err, BW_EFORMAT, "%s: e_phentsize %u, expected %u", path,
			       bw_le16(data + 54), ELFCORE_PHDR_SIZE);
	if (phnum > BW_MEM_MAX_RANGES)
		return bw_fail(err, BW_ELIMIT, "%s: %" PRIu64 " program headers, at most %u", path,
			       phnum, BW_MEM_MAX_RANGES);
	phsize = phnum * ELFCORE_PHDR_SIZE;
	if (!elfcore_in_file(&c, phoff, phsize))
		return bw_fail(err, BW_EFORMAT,
			       "%s: %" PRIu64 " program headers at offset 0x%" PRIx64
			       " extend past the end of the file (0x%zx bytes)",
			       path, phnum, phoff, len);
	for (i = 0, loads = 0; i < phnum; i++) {
		const uint8_t *ph = data + phoff + i * ELFCORE_PHDR_SIZE;
		uint32_t type = bw_le32(ph);
		uint64_t off = bw_le64(ph + 8), paddr = bw_le64(ph + 24);
		uint64_t filesz = bw_le64(ph + 32), memsz = bw_le64(ph + 40);

		if (type == ELFCORE_PT_NOTE) {
			ret = elfcore_notes(&c, off, filesz, err);
		} else if (type == ELFCORE_PT_LOAD) {
			if (filesz > memsz)
				return bw_fail(err, BW_EFORMAT,
					       "%s: PT_LOAD %" PRIu64 " (paddr 0x%" PRIx64
					       ") has p_filesz 0x%" PRIx64 " > p_memsz 0x%" PRIx64,
					       path, i, paddr, filesz, memsz);
			if (!elfcore_in_file(&c, off, filesz))
				return bw_fail(err, BW_EFORMAT,
					       "%s: PT_LOAD %" PRIu64 " (paddr 0x%" PRIx64
					       ") file range 0x%" PRIx64 "+0x%" PRIx64
					       " extends past the end of the file (0x%zx bytes)",
					       path, i, paddr, off, filesz, len);
			ret = bw_mem_add_seg(mem, paddr, filesz, data + off, source, err);
			loads++;
		} else {
			ret = 0;
		}
		if (ret)
			return ret;
	}
	if (!loads)
		return bw_fail(err, BW_EFORMAT, "%s: ELF core has no PT_LOAD (no memory)", path);
	return 0;
}
