/* SPDX-License-Identifier: MIT */
/* Finding the .BTF section of an ELF file (32/64-bit, either byte order), bounds-checked. */
#include "btf_impl.h"

#define BW_ELF_SHN_XINDEX 0xffffu
#define BW_ELF_SHT_NOBITS 8u

struct btfelf_reader {
	const uint8_t *data;
	size_t len;
	bool big_endian;
	bool is64;
};

static uint64_t btfelf_rd(const struct btfelf_reader *r, size_t off, unsigned int width)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < width; i++) {
		unsigned int b = r->big_endian ? i : width - 1 - i;

		v = (v << 8) | r->data[off + b];
	}
	return v;
}

/* Field of a header at base: the 64-bit layout's offset/width, or the 32-bit one's. */
static uint64_t btfelf_field(const struct btfelf_reader *r, size_t base, size_t off64, unsigned int w64,
			  size_t off32, unsigned int w32)
{
	return r->is64 ? btfelf_rd(r, base + off64, w64) : btfelf_rd(r, base + off32, w32);
}

struct btfelf_shdr {
	uint32_t name;
	uint32_t type;
	uint64_t offset;
	uint64_t size;
	uint32_t link;
};

static void btfelf_shdr_read(const struct btfelf_reader *r, size_t at, struct btfelf_shdr *sh)
{
	sh->name = (uint32_t)btfelf_rd(r, at, 4);
	sh->type = (uint32_t)btfelf_rd(r, at + 4, 4);
	sh->offset = btfelf_field(r, at, 24, 8, 16, 4);
	sh->size = btfelf_field(r, at, 32, 8, 20, 4);
	sh->link = (uint32_t)btfelf_field(r, at, 40, 4, 24, 4);
}

int bw_btfi_elf_find(const uint8_t *data, size_t len, size_t *off, size_t *size,
		     uint32_t *ptr_size, struct bw_error *err)
{
	struct btfelf_reader r = { .data = data, .len = len };
	uint64_t shoff, shnum, shentsize, shstrndx, end, i;
	struct btfelf_shdr strtab, sh;
	size_t ehsize, want_entsize;

	if (len < 16)
		return bw_fail(err, BW_EFORMAT, "ELF: %zu bytes is too short for e_ident", len);
	if (data[4] != 1 && data[4] != 2)
		return bw_fail(err, BW_EFORMAT, "ELF: bad class %u at offset 4", data[4]);
	if (data[5] != 1 && data[5] != 2)
		return bw_fail(err, BW_EFORMAT, "ELF: bad data encoding %u at offset 5", data[5]);
	r.is64 = data[4] == 2;
	r.big_endian = data[5] == 2;
	ehsize = r.is64 ? 64 : 52;
	want_entsize = r.is64 ? 64 : 40;
	if (len < ehsize)
		return bw_fail(err, BW_EFORMAT, "ELF: %zu bytes is too short for the ELF header",
			       len);
	shoff = btfelf_field(&r, 0, 40, 8, 32, 4);
	shentsize = btfelf_field(&r, 0, 58, 2, 46, 2);
	shnum = btfelf_field(&r, 0, 60, 2, 48, 2);
	shstrndx = btfelf_field(&r, 0, 62, 2, 50, 2);
	if (!shoff)
		return bw_fail(err, BW_ENOENT, "ELF: no section headers, so no .BTF section");
	if (shentsize != want_entsize)
		return bw_fail(err, BW_EFORMAT, "ELF: e_shentsize %llu, want %zu",
			       (unsigned long long)shentsize, want_entsize);
	if (shoff > len || len - shoff < shentsize)
		return bw_fail(err, BW_EFORMAT, "ELF: section headers at offset %llu outside the "
			       "%zu-byte file", (unsigned long long)shoff, len);
	/* Extended numbering: the real counts live in section header 0. */
	btfelf_shdr_read(&r, (size_t)shoff, &sh);
	if (shnum == 0)
		shnum = sh.size;
	if (shstrndx == BW_ELF_SHN_XINDEX)
		shstrndx = sh.link;
	if (bw_mul_overflow(shnum, shentsize, &end) || bw_add_overflow(end, shoff, &end) ||
	    end > len)
		return bw_fail(err, BW_EFORMAT, "ELF: %llu section headers at offset %llu run past "
			       "the end of the %zu-byte file", (unsigned long long)shnum,
			       (unsigned long long)shoff, len);
	if (shstrndx >= shnum)
		return bw_fail(err, BW_EFORMAT, "ELF: e_shstrndx %llu out of %llu sections",
			       (unsigned long long)shstrndx, (unsigned long long)shnum);
	btfelf_shdr_read(&r, (size_t)(shoff + shstrndx * shentsize), &strtab);
	if (strtab.offset > len || strtab.size > len - strtab.offset)
		return bw_fail(err, BW_EFORMAT, "ELF: section name table (section %llu) at offset "
			       "%llu size %llu outside the file", (unsigned long long)shstrndx,
			       (unsigned long long)strtab.offset, (unsigned long long)strtab.size);
	for (i = 0; i < shnum; i++) {
		const char *name;
		size_t left;

		btfelf_shdr_read(&r, (size_t)(shoff + i * shentsize), &sh);
		if (sh.name >= strtab.size)
			continue;
		name = (const char *)data + strtab.offset + sh.name;
		left = (size_t)(strtab.size - sh.name);
		if (left < 5 || memcmp(name, ".BTF", 5))
			continue;
		if (sh.type == BW_ELF_SHT_NOBITS)
			return bw_fail(err, BW_EFORMAT, "ELF: .BTF (section %llu) has no bits",
				       (unsigned long long)i);
		if (sh.offset > len || sh.size > len - sh.offset)
			return bw_fail(err, BW_EFORMAT, "ELF: .BTF (section %llu) at offset %llu "
				       "size %llu outside the %zu-byte file",
				       (unsigned long long)i, (unsigned long long)sh.offset,
				       (unsigned long long)sh.size, len);
		*off = (size_t)sh.offset;
		*size = (size_t)sh.size;
		*ptr_size = r.is64 ? 8 : 4;
		return 0;
	}
	return bw_fail(err, BW_ENOENT, "ELF: no .BTF section among %llu sections",
		       (unsigned long long)shnum);
}

#undef BW_ELF_SHN_XINDEX
#undef BW_ELF_SHT_NOBITS
