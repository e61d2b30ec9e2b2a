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
#define ELFCORE_NAME_MAX 12 /* longest note name compared ("VMCOREINFO\0" padded) */

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
	uint32_t file;
	uint64_t len;
	bool x86_64;
	uint32_t notes;
};

/* Is [off, off + size) inside the file? */
static bool elfcore_in_file(const struct elfcore_ctx *c, uint64_t off, uint64_t size)
{
	uint64_t end;

	return !bw_add_overflow(off, size, &end) && end <= c->len;
}

static int elfcore_read(const struct elfcore_ctx *c, uint64_t off, void *buf, size_t len,
			struct bw_error *err)
{
	return bw_mem_file_read(c->mem, c->file, off, buf, len, err);
}

static bool elfcore_name_is(const uint8_t *name, uint32_t namesz, const char *want)
{
	size_t n = strlen(want);

	/* namesz counts the NUL; tolerate producers that leave it out. */
	return (namesz == n + 1 && !memcmp(name, want, n) && name[n] == '\0') ||
	       (namesz == n && !memcmp(name, want, n));
}

/* The VMCOREINFO text, copied (enough of it for the parser to refuse one past its cap). */
static int elfcore_vmcoreinfo(struct elfcore_ctx *c, uint64_t desc, uint32_t descsz,
			      struct bw_error *err)
{
	struct bw_mem *mem = c->mem;
	size_t n = descsz <= BW_VMCOREINFO_MAX_SIZE ? descsz : BW_VMCOREINFO_MAX_SIZE + 1;
	int ret;

	if (mem->vmcoreinfo)
		return 0;
	mem->vmcoreinfo = bw_alloc(mem->alloc, n ? n : 1);
	if (!mem->vmcoreinfo)
		return bw_fail(err, BW_ENOMEM, "%s: out of memory for %zu bytes of VMCOREINFO",
			       c->path, n);
	mem->vmcoreinfo_len = n;
	ret = elfcore_read(c, desc, mem->vmcoreinfo, n, err);
	if (ret) {
		bw_free(mem->alloc, mem->vmcoreinfo);
		mem->vmcoreinfo = NULL;
		mem->vmcoreinfo_len = 0;
	}
	return ret;
}

/* One note: its header at off, its name's first bytes in name, its desc at file offset desc. */
static int elfcore_note(struct elfcore_ctx *c, uint64_t off, const uint8_t *name, uint32_t namesz,
			uint32_t type, uint64_t desc, uint32_t descsz, struct bw_error *err)
{
	uint8_t buf[ELFCORE_PRSTATUS_SIZE > ELFCORE_QEMU_MIN_SIZE ? ELFCORE_PRSTATUS_SIZE
								  : ELFCORE_QEMU_MIN_SIZE];
	struct bw_mem *mem = c->mem;
	struct bw_cpu_regs *regs;
	int ret;

	if (elfcore_name_is(name, namesz, "VMCOREINFO"))
		return elfcore_vmcoreinfo(c, desc, descsz, err);
	if (!c->x86_64)
		return 0;
	if (elfcore_name_is(name, namesz, "CORE") && type == ELFCORE_NT_PRSTATUS) {
		if (descsz < ELFCORE_PRSTATUS_SIZE)
			return bw_fail(err, BW_EFORMAT,
				       "%s: NT_PRSTATUS note at offset 0x%" PRIx64
				       " has %u bytes, x86-64 needs %u",
				       c->path, off, descsz, ELFCORE_PRSTATUS_SIZE);
		ret = elfcore_read(c, desc, buf, ELFCORE_PRSTATUS_SIZE, err);
		if (!ret)
			ret = bw_mem_cpu_slot(mem, mem->nprstatus++, &regs, err);
		if (ret)
			return ret;
		regs->rip = bw_le64(buf + ELFCORE_PRSTATUS_RIP);
		regs->rsp = bw_le64(buf + ELFCORE_PRSTATUS_RSP);
		regs->has_ip = true;
		return 0;
	}
	if (elfcore_name_is(name, namesz, "QEMU")) {
		uint32_t size;

		ret = descsz >= ELFCORE_QEMU_MIN_SIZE
			      ? elfcore_read(c, desc, buf, ELFCORE_QEMU_MIN_SIZE, err)
			      : 0;
		if (ret)
			return ret;
		size = descsz >= ELFCORE_QEMU_MIN_SIZE ? bw_le32(buf + 4) : 0;
		if (descsz < ELFCORE_QEMU_MIN_SIZE || size < ELFCORE_QEMU_MIN_SIZE || size > descsz)
			return bw_fail(err, BW_EFORMAT,
				       "%s: QEMU note at offset 0x%" PRIx64
				       " is %u bytes (state size %u), at least %u needed",
				       c->path, off, descsz, size, ELFCORE_QEMU_MIN_SIZE);
		ret = bw_mem_cpu_slot(mem, mem->nqemu++, &regs, err);
		if (ret)
			return ret;
		regs->cr3 = bw_le64(buf + ELFCORE_QEMU_CR3);
		regs->cr4 = bw_le64(buf + ELFCORE_QEMU_CR4);
		regs->has_cr = true;
		if (!regs->has_ip) {
			regs->rip = bw_le64(buf + ELFCORE_QEMU_RIP);
			regs->rsp = bw_le64(buf + ELFCORE_QEMU_RSP);
			regs->has_ip = true;
		}
	}
	return 0;
}

/*
 * Walk the Elf64_Nhdr records of one PT_NOTE segment [off, off + size). Only headers, short names
 * and the descs of the notes used are read: the work is bounded by BW_MEM_MAX_NOTES, not by how
 * many bytes the segments claim.
 */
static int elfcore_notes(struct elfcore_ctx *c, uint64_t off, uint64_t size, struct bw_error *err)
{
	uint64_t pos = 0;

	if (!elfcore_in_file(c, off, size))
		return bw_fail(err, BW_EFORMAT,
			       "%s: PT_NOTE at offset 0x%" PRIx64 " size 0x%" PRIx64
			       " extends past the end of the file (0x%" PRIx64 " bytes)",
			       c->path, off, size, c->len);
	while (size - pos >= 12) {
		uint8_t n[12 + ELFCORE_NAME_MAX] = {0};
		uint32_t namesz, descsz, type;
		uint64_t name_pad, desc_pad, rec;
		int ret;

		if (++c->notes > BW_MEM_MAX_NOTES)
			return bw_fail(err, BW_ELIMIT, "%s: more than %u ELF notes", c->path,
				       BW_MEM_MAX_NOTES);
		ret = elfcore_read(c, off + pos, n, 12, err);
		if (ret)
			return ret;
		namesz = bw_le32(n);
		descsz = bw_le32(n + 4);
		type = bw_le32(n + 8);
		name_pad = ((uint64_t)namesz + 3) & ~(uint64_t)3;
		desc_pad = ((uint64_t)descsz + 3) & ~(uint64_t)3;
		rec = 12 + name_pad + desc_pad;
		/* The last record's padding may be cut off; its name and desc may not. */
		if (12 + name_pad + descsz > size - pos)
			return bw_fail(err, BW_EFORMAT,
				       "%s: note at offset 0x%" PRIx64
				       " (namesz %u, descsz %u) runs past its PT_NOTE segment",
				       c->path, off + pos, namesz, descsz);
		/* Only names up to ELFCORE_NAME_MAX bytes are ever compared. */
		if (namesz <= ELFCORE_NAME_MAX) {
			ret = elfcore_read(c, off + pos + 12, n + 12, namesz, err);
			if (!ret)
				ret = elfcore_note(c, off + pos, n + 12, namesz, type,
						   off + pos + 12 + name_pad, descsz, err);
			if (ret)
				return ret;
		}
		pos = rec < size - pos ? pos + rec : size;
	}
	return 0;
}

/* The program header count, from e_phnum or, when it is PN_XNUM, section header 0's sh_info. */
static int elfcore_phnum(const struct elfcore_ctx *c, const uint8_t *e, uint64_t *phnum,
			 struct bw_error *err)
{
	uint64_t shoff = bw_le64(e + 40);
	uint8_t info[4];
	int ret;

	*phnum = bw_le16(e + 56);
	if (*phnum != ELFCORE_PN_XNUM)
		return 0;
	if (bw_le16(e + 58) != ELFCORE_SHDR_SIZE || !elfcore_in_file(c, shoff, ELFCORE_SHDR_SIZE))
		return bw_fail(err, BW_EFORMAT,
			       "%s: e_phnum is PN_XNUM but section header 0 at offset 0x%" PRIx64
			       " is missing",
			       c->path, shoff);
	ret = elfcore_read(c, shoff + 44, info, sizeof(info), err);
	if (ret)
		return ret;
	*phnum = bw_le32(info);
	return 0;
}

/* e_machine values, to name the machine of a core that is not x86-64. */
static const char *elfcore_machine(uint16_t m)
{
	switch (m) {
	case 3:
		return "i386";
	case 8:
		return "MIPS";
	case 20:
		return "PowerPC";
	case 21:
		return "PowerPC64";
	case 22:
		return "s390";
	case 40:
		return "ARM";
	case 62:
		return "x86-64";
	case 183:
		return "AArch64";
	case 243:
		return "RISC-V";
	case 258:
		return "LoongArch";
	default:
		return "unknown";
	}
}

static int elfcore_header(struct elfcore_ctx *c, const uint8_t *e, struct bw_error *err)
{
	uint16_t machine = bw_le16(e + 18);

	if (memcmp(e, "\177ELF", 4) || e[4] != 2 || e[5] != 1)
		return bw_fail(err, BW_ENOTSUP,
			       "%s: only 64-bit little-endian ELF cores are supported (class %u, "
			       "data %u)",
			       c->path, e[4], e[5]);
	if (bw_le16(e + 16) != ELFCORE_ET_CORE)
		return bw_fail(err, BW_EFORMAT, "%s: ELF type %u is not ET_CORE", c->path,
			       bw_le16(e + 16));
	/* Page tables, registers and the kernel layout read from it are all x86-64's. */
	if (machine != ELFCORE_EM_X86_64)
		return bw_fail(err, BW_ENOTSUP,
			       "%s: a core of an %s machine (e_machine %u); only x86-64 is "
			       "supported",
			       c->path, elfcore_machine(machine), machine);
	c->x86_64 = true;
	return 0;
}

static int elfcore_phdr(struct elfcore_ctx *c, uint64_t i, const uint8_t *ph, uint32_t source,
			uint64_t *loads, struct bw_error *err)
{
	uint32_t type = bw_le32(ph);
	uint64_t off = bw_le64(ph + 8), paddr = bw_le64(ph + 24);
	uint64_t filesz = bw_le64(ph + 32), memsz = bw_le64(ph + 40);

	if (type == ELFCORE_PT_NOTE)
		return elfcore_notes(c, off, filesz, err);
	if (type != ELFCORE_PT_LOAD)
		return 0;
	if (filesz > memsz)
		return bw_fail(err, BW_EFORMAT,
			       "%s: PT_LOAD %" PRIu64 " (paddr 0x%" PRIx64
			       ") has p_filesz 0x%" PRIx64 " > p_memsz 0x%" PRIx64,
			       c->path, i, paddr, filesz, memsz);
	if (!elfcore_in_file(c, off, filesz))
		return bw_fail(err, BW_EFORMAT,
			       "%s: PT_LOAD %" PRIu64 " (paddr 0x%" PRIx64 ") file range 0x%" PRIx64
			       "+0x%" PRIx64 " extends past the end of the file (0x%" PRIx64
			       " bytes)",
			       c->path, i, paddr, off, filesz, c->len);
	(*loads)++;
	return bw_mem_add_file_seg(c->mem, paddr, filesz, c->file, off, source, err);
}

int bw_mem_load_elfcore(struct bw_mem *mem, uint32_t file, uint64_t len, uint32_t source,
			struct bw_error *err)
{
	struct elfcore_ctx c = {mem, mem->files[file - 1].path, file, len, false, 0};
	uint8_t e[ELFCORE_EHDR_SIZE];
	uint64_t phoff, phnum, i, loads = 0;
	uint8_t *ph;
	int ret;

	if (len < ELFCORE_EHDR_SIZE)
		return bw_fail(err, BW_EFORMAT, "%s: ELF header truncated (%" PRIu64 " bytes)",
			       c.path, len);
	ret = elfcore_read(&c, 0, e, sizeof(e), err);
	if (!ret)
		ret = elfcore_header(&c, e, err);
	if (!ret)
		ret = elfcore_phnum(&c, e, &phnum, err);
	if (ret)
		return ret;
	phoff = bw_le64(e + 32);
	if (phnum && bw_le16(e + 54) != ELFCORE_PHDR_SIZE)
		return bw_fail(err, BW_EFORMAT, "%s: e_phentsize %u, expected %u", c.path,
			       bw_le16(e + 54), ELFCORE_PHDR_SIZE);
	if (phnum > BW_MEM_MAX_RANGES)
		return bw_fail(err, BW_ELIMIT, "%s: %" PRIu64 " program headers, at most %u",
			       c.path, phnum, BW_MEM_MAX_RANGES);
	if (!elfcore_in_file(&c, phoff, phnum * ELFCORE_PHDR_SIZE))
		return bw_fail(err, BW_EFORMAT,
			       "%s: %" PRIu64 " program headers at offset 0x%" PRIx64
			       " extend past the end of the file (0x%" PRIx64 " bytes)",
			       c.path, phnum, phoff, len);
	/* The table is in the file, so its copy is no larger than the file. */
	ph = bw_alloc_array(mem->alloc, phnum ? phnum : 1, ELFCORE_PHDR_SIZE);
	if (!ph)
		return bw_fail(err, BW_ENOMEM, "%s: out of memory for %" PRIu64 " program headers",
			       c.path, phnum);
	ret = elfcore_read(&c, phoff, ph, (size_t)(phnum * ELFCORE_PHDR_SIZE), err);
	for (i = 0; !ret && i < phnum; i++)
		ret = elfcore_phdr(&c, i, ph + i * ELFCORE_PHDR_SIZE, source, &loads, err);
	bw_free(mem->alloc, ph);
	if (ret)
		return ret;
	if (!loads)
		return bw_fail(err, BW_EFORMAT, "%s: ELF core has no PT_LOAD (no memory)", c.path);
	return 0;
}
