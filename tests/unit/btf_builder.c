/* SPDX-License-Identifier: MIT */
/* The unit tests' BTF writer (see btf_builder.h). Aborts on allocation failure. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "btf_builder.h"

static void *btfb_grow(void *p, size_t *cap, size_t need)
{
	if (need <= *cap)
		return p;
	while (*cap < need)
		*cap = *cap ? *cap * 2 : 256;
	p = realloc(p, *cap);
	if (!p)
		abort();
	return p;
}

static void btfb_put32(uint8_t *p, uint32_t v, bool big_endian)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (uint8_t)(big_endian ? v >> (24 - 8 * i) : v >> (8 * i));
}

static void btfb_put16(uint8_t *p, uint16_t v, bool big_endian)
{
	p[0] = (uint8_t)(big_endian ? v >> 8 : v);
	p[1] = (uint8_t)(big_endian ? v : v >> 8);
}

static void btfb_put64(uint8_t *p, uint64_t v, bool big_endian)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(big_endian ? v >> (56 - 8 * i) : v >> (8 * i));
}

void btfb_init(struct btfb *b)
{
	memset(b, 0, sizeof(*b));
	b->start_id = 1;
	b->strs = btfb_grow(NULL, &b->strs_cap, 1);
	b->strs[0] = 0;
	b->strs_len = 1;
}

void btfb_init_split(struct btfb *b, uint32_t start_id, uint32_t start_str)
{
	memset(b, 0, sizeof(*b));
	b->start_id = start_id;
	b->start_str = start_str;
}

void btfb_free(struct btfb *b)
{
	free(b->types);
	free(b->strs);
	memset(b, 0, sizeof(*b));
}

uint32_t btfb_str(struct btfb *b, const char *s)
{
	size_t n = strlen(s) + 1;
	uint32_t off;

	if (!*s && !b->start_str)
		return 0;
	b->strs = btfb_grow(b->strs, &b->strs_cap, b->strs_len + n);
	memcpy(b->strs + b->strs_len, s, n);
	off = b->start_str + (uint32_t)b->strs_len;
	b->strs_len += n;
	return off;
}

void btfb_u32(struct btfb *b, uint32_t v)
{
	b->types = btfb_grow(b->types, &b->types_cap, b->types_len + 4);
	btfb_put32(b->types + b->types_len, v, b->big_endian);
	b->types_len += 4;
}

size_t btfb_pos(const struct btfb *b)
{
	return b->types_len;
}

void btfb_patch(struct btfb *b, size_t pos, uint32_t v)
{
	btfb_put32(b->types + pos, v, b->big_endian);
}

uint32_t btfb_type(struct btfb *b, const char *name, int kind, bool kflag, uint32_t vlen,
		   uint32_t size_or_type)
{
	btfb_u32(b, name ? btfb_str(b, name) : 0);
	btfb_u32(b, (kflag ? 1u << 31 : 0) | ((uint32_t)kind << 24) | (vlen & 0xffff));
	btfb_u32(b, size_or_type);
	return b->start_id + b->nr_types++;
}

uint32_t btfb_int(struct btfb *b, const char *name, uint32_t size, uint32_t encoding,
		  uint32_t bits_offset, uint32_t nr_bits)
{
	uint32_t id = btfb_type(b, name, BTFB_INT, false, 0, size);

	btfb_u32(b, (encoding << 24) | (bits_offset << 16) | nr_bits);
	return id;
}

uint32_t btfb_ptr(struct btfb *b, uint32_t type)
{
	return btfb_type(b, NULL, BTFB_PTR, false, 0, type);
}

uint32_t btfb_ref(struct btfb *b, int kind, const char *name, uint32_t type)
{
	return btfb_type(b, name, kind, false, 0, type);
}

uint32_t btfb_array(struct btfb *b, uint32_t elem, uint32_t index, uint32_t nelems)
{
	uint32_t id = btfb_type(b, NULL, BTFB_ARRAY, false, 0, 0);

	btfb_u32(b, elem);
	btfb_u32(b, index);
	btfb_u32(b, nelems);
	return id;
}

uint32_t btfb_struct(struct btfb *b, int kind, const char *name, uint32_t size, bool kflag,
		     uint32_t vlen)
{
	return btfb_type(b, name, kind, kflag, vlen, size);
}

void btfb_member(struct btfb *b, const char *name, uint32_t type, uint32_t bit_offset,
		 uint32_t bitfield_size)
{
	btfb_u32(b, name ? btfb_str(b, name) : 0);
	btfb_u32(b, type);
	btfb_u32(b, (bitfield_size << 24) | bit_offset);
}

uint32_t btfb_enum(struct btfb *b, const char *name, uint32_t size, bool is_signed,
		   uint32_t vlen)
{
	return btfb_type(b, name, BTFB_ENUM, is_signed, vlen, size);
}

void btfb_enumerator(struct btfb *b, const char *name, int32_t val)
{
	btfb_u32(b, btfb_str(b, name));
	btfb_u32(b, (uint32_t)val);
}

uint32_t btfb_enum64(struct btfb *b, const char *name, uint32_t size, bool is_signed,
		     uint32_t vlen)
{
	return btfb_type(b, name, BTFB_ENUM64, is_signed, vlen, size);
}

void btfb_enumerator64(struct btfb *b, const char *name, uint64_t val)
{
	btfb_u32(b, btfb_str(b, name));
	btfb_u32(b, (uint32_t)val);
	btfb_u32(b, (uint32_t)(val >> 32));
}

uint32_t btfb_fwd(struct btfb *b, const char *name, bool is_union)
{
	return btfb_type(b, name, BTFB_FWD, is_union, 0, 0);
}

uint32_t btfb_proto(struct btfb *b, uint32_t ret, uint32_t vlen)
{
	return btfb_type(b, NULL, BTFB_FUNC_PROTO, false, vlen, ret);
}

void btfb_param(struct btfb *b, const char *name, uint32_t type)
{
	btfb_u32(b, name ? btfb_str(b, name) : 0);
	btfb_u32(b, type);
}

uint32_t btfb_func(struct btfb *b, const char *name, uint32_t proto, uint32_t linkage)
{
	return btfb_type(b, name, BTFB_FUNC, false, linkage, proto);
}

uint32_t btfb_var(struct btfb *b, const char *name, uint32_t type, uint32_t linkage)
{
	uint32_t id = btfb_type(b, name, BTFB_VAR, false, 0, type);

	btfb_u32(b, linkage);
	return id;
}

uint32_t btfb_datasec(struct btfb *b, const char *name, uint32_t size, uint32_t vlen)
{
	return btfb_type(b, name, BTFB_DATASEC, false, vlen, size);
}

void btfb_secinfo(struct btfb *b, uint32_t type, uint32_t offset, uint32_t size)
{
	btfb_u32(b, type);
	btfb_u32(b, offset);
	btfb_u32(b, size);
}

uint32_t btfb_float(struct btfb *b, const char *name, uint32_t size)
{
	return btfb_type(b, name, BTFB_FLOAT, false, 0, size);
}

uint32_t btfb_decl_tag(struct btfb *b, const char *name, uint32_t type, int32_t component_idx)
{
	uint32_t id = btfb_type(b, name, BTFB_DECL_TAG, false, 0, type);

	btfb_u32(b, (uint32_t)component_idx);
	return id;
}

void btfb_hdr_default(const struct btfb *b, struct btfb_hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->magic = 0xeB9F;
	h->version = 1;
	h->hdr_len = 24;
	h->type_off = 0;
	h->type_len = (uint32_t)b->types_len;
	h->str_off = (uint32_t)b->types_len;
	h->str_len = (uint32_t)b->strs_len;
}

size_t btfb_blob_hdr(const struct btfb *b, const struct btfb_hdr *hp, uint8_t **out)
{
	struct btfb_hdr h;
	size_t hdr, len;
	uint8_t *p;

	if (hp)
		h = *hp;
	else
		btfb_hdr_default(b, &h);
	hdr = 24 + h.extra_hdr;
	len = hdr + b->types_len + b->strs_len;
	p = calloc(1, len ? len : 1);
	if (!p)
		abort();
	btfb_put16(p, h.magic, b->big_endian);
	p[2] = h.version;
	p[3] = h.flags;
	btfb_put32(p + 4, h.hdr_len + h.extra_hdr, b->big_endian);
	btfb_put32(p + 8, h.type_off, b->big_endian);
	btfb_put32(p + 12, h.type_len, b->big_endian);
	btfb_put32(p + 16, h.str_off, b->big_endian);
	btfb_put32(p + 20, h.str_len, b->big_endian);
	memset(p + 24, h.extra_value, h.extra_hdr);
	if (b->types_len)
		memcpy(p + hdr, b->types, b->types_len);
	if (b->strs_len)
		memcpy(p + hdr + b->types_len, b->strs, b->strs_len);
	*out = p;
	return len;
}

size_t btfb_blob(const struct btfb *b, uint8_t **out)
{
	return btfb_blob_hdr(b, NULL, out);
}

/* ELF: header, .text (4 bytes), .BTF, .shstrtab, then 4 section headers. */
size_t btfb_elf(const uint8_t *btf, size_t len, bool is64, bool be, uint8_t **out)
{
	static const char shstrtab[] = "\0.text\0.BTF\0.shstrtab";
	size_t ehsize = is64 ? 64 : 52, shentsize = is64 ? 64 : 40;
	size_t text_off = ehsize, btf_off = text_off + 4;
	size_t str_off = btf_off + len, sh_off = (str_off + sizeof(shstrtab) + 7) & ~(size_t)7;
	size_t total = sh_off + 4 * shentsize;
	struct {
		uint32_t name, type;
		size_t off, size;
	} sh[4] = {
		{ 0, 0, 0, 0 },
		{ 1, 1, text_off, 4 },		       /* .text, PROGBITS */
		{ 7, 1, btf_off, len },		       /* .BTF, PROGBITS */
		{ 12, 3, str_off, sizeof(shstrtab) }, /* .shstrtab, STRTAB */
	};
	uint8_t *p = calloc(1, total);
	int i;

	if (!p)
		abort();
	memcpy(p, "\177ELF", 4);
	p[4] = is64 ? 2 : 1;
	p[5] = be ? 2 : 1;
	p[6] = 1;
	btfb_put16(p + 16, 1, be);	/* ET_REL */
	btfb_put16(p + 18, 0xf7, be); /* EM_BPF */
	btfb_put32(p + 20, 1, be);
	if (is64) {
		btfb_put64(p + 40, sh_off, be);
		btfb_put16(p + 52, (uint16_t)ehsize, be);
		btfb_put16(p + 58, (uint16_t)shentsize, be);
		btfb_put16(p + 60, 4, be);
		btfb_put16(p + 62, 3, be);
	} else {
		btfb_put32(p + 32, (uint32_t)sh_off, be);
		btfb_put16(p + 40, (uint16_t)ehsize, be);
		btfb_put16(p + 46, (uint16_t)shentsize, be);
		btfb_put16(p + 48, 4, be);
		btfb_put16(p + 50, 3, be);
	}
	memcpy(p + btf_off, btf, len);
	memcpy(p + str_off, shstrtab, sizeof(shstrtab));
	for (i = 0; i < 4; i++) {
		uint8_t *s = p + sh_off + (size_t)i * shentsize;

		btfb_put32(s, sh[i].name, be);
		btfb_put32(s + 4, sh[i].type, be);
		if (is64) {
			btfb_put64(s + 24, sh[i].off, be);
			btfb_put64(s + 32, sh[i].size, be);
		} else {
			btfb_put32(s + 16, (uint32_t)sh[i].off, be);
			btfb_put32(s + 20, (uint32_t)sh[i].size, be);
		}
	}
	*out = p;
	return total;
}

char *btfb_tmpfile(const void *data, size_t len)
{
	char *path = strdup("/tmp/btfwalk-test-XXXXXX");
	int fd;

	if (!path)
		abort();
	fd = mkstemp(path);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
	return path;
}

int btfb_text_append(void *ctx, const char *s, size_t len)
{
	struct btfb_text *t = ctx;

	t->s = realloc(t->s, t->len + len + 1);
	if (!t->s)
		abort();
	memcpy(t->s + t->len, s, len);
	t->len += len;
	t->s[t->len] = 0;
	return 0;
}

char *btfb_command_output(const char *cmd)
{
	struct btfb_text out = { 0 };
	char chunk[4096];
	FILE *p = popen(cmd, "r");
	size_t n;

	if (!p)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		btfb_text_append(&out, chunk, n);
	if (pclose(p)) {
		free(out.s);
		return NULL;
	}
	return out.s;
}
