/* SPDX-License-Identifier: MIT */
/*
 * A small BTF writer for the unit tests: it emits blobs byte by byte, in either byte order,
 * independently of the library, so tests know every value because they wrote it. It writes
 * whatever it is told (malformed blobs too); all names start with btfb_.
 */
#ifndef BTFWALK_TEST_BTF_BUILDER_H
#define BTFWALK_TEST_BTF_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct btfb {
	uint8_t *types;
	size_t types_len, types_cap;
	char *strs;
	size_t strs_len, strs_cap;
	uint32_t start_id;  /* id of the first type added */
	uint32_t start_str; /* string offsets start here (split BTF: the base's string length) */
	uint32_t nr_types;
	bool big_endian;
};

/* Kind numbers (as the format, written here again so tests do not trust the library's). */
enum {
	BTFB_INT = 1, BTFB_PTR, BTFB_ARRAY, BTFB_STRUCT, BTFB_UNION, BTFB_ENUM, BTFB_FWD,
	BTFB_TYPEDEF, BTFB_VOLATILE, BTFB_CONST, BTFB_RESTRICT, BTFB_FUNC, BTFB_FUNC_PROTO,
	BTFB_VAR, BTFB_DATASEC, BTFB_FLOAT, BTFB_DECL_TAG, BTFB_TYPE_TAG, BTFB_ENUM64,
};

/* Header fields of the blob btfb_blob() writes; btfb_hdr_default() fills the valid ones. */
struct btfb_hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
	uint32_t extra_hdr;   /* bytes of zeros appended to the 24-byte header (hdr_len too) */
	uint8_t extra_value;  /* ...or of this value */
};

void btfb_init(struct btfb *b);
/* Split BTF: ids from start_id, string offsets from start_str, no leading NUL needed. */
void btfb_init_split(struct btfb *b, uint32_t start_id, uint32_t start_str);
void btfb_free(struct btfb *b);

/* Add a string (always appended, even if present; "" is offset 0 of a base blob). */
uint32_t btfb_str(struct btfb *b, const char *s);
/* Append raw words to the type section. */
void btfb_u32(struct btfb *b, uint32_t v);

/* A common record; returns its id. name NULL: name offset 0. */
uint32_t btfb_type(struct btfb *b, const char *name, int kind, bool kflag, uint32_t vlen,
		   uint32_t size_or_type);
uint32_t btfb_int(struct btfb *b, const char *name, uint32_t size, uint32_t encoding,
		  uint32_t bits_offset, uint32_t nr_bits);
uint32_t btfb_ptr(struct btfb *b, uint32_t type);
/* TYPEDEF, CONST, VOLATILE, RESTRICT, TYPE_TAG. */
uint32_t btfb_ref(struct btfb *b, int kind, const char *name, uint32_t type);
uint32_t btfb_array(struct btfb *b, uint32_t elem, uint32_t index, uint32_t nelems);
/* STRUCT or UNION; then vlen btfb_member() calls. */
uint32_t btfb_struct(struct btfb *b, int kind, const char *name, uint32_t size, bool kflag,
		     uint32_t vlen);
void btfb_member(struct btfb *b, const char *name, uint32_t type, uint32_t bit_offset,
		 uint32_t bitfield_size);
uint32_t btfb_enum(struct btfb *b, const char *name, uint32_t size, bool is_signed,
		   uint32_t vlen);
void btfb_enumerator(struct btfb *b, const char *name, int32_t val);
uint32_t btfb_enum64(struct btfb *b, const char *name, uint32_t size, bool is_signed,
		     uint32_t vlen);
void btfb_enumerator64(struct btfb *b, const char *name, uint64_t val);
uint32_t btfb_fwd(struct btfb *b, const char *name, bool is_union);
uint32_t btfb_proto(struct btfb *b, uint32_t ret, uint32_t vlen);
void btfb_param(struct btfb *b, const char *name, uint32_t type);
uint32_t btfb_func(struct btfb *b, const char *name, uint32_t proto, uint32_t linkage);
uint32_t btfb_var(struct btfb *b, const char *name, uint32_t type, uint32_t linkage);
uint32_t btfb_datasec(struct btfb *b, const char *name, uint32_t size, uint32_t vlen);
void btfb_secinfo(struct btfb *b, uint32_t type, uint32_t offset, uint32_t size);
uint32_t btfb_float(struct btfb *b, const char *name, uint32_t size);
uint32_t btfb_decl_tag(struct btfb *b, const char *name, uint32_t type, int32_t component_idx);

/* Byte offset in the type section where the next record will start. */
size_t btfb_pos(const struct btfb *b);
/* Overwrite a word already written at byte offset pos of the type section. */
void btfb_patch(struct btfb *b, size_t pos, uint32_t v);

void btfb_hdr_default(const struct btfb *b, struct btfb_hdr *h);
/* The blob (header, types, strings) with header h (NULL: default); caller frees *out. */
size_t btfb_blob_hdr(const struct btfb *b, const struct btfb_hdr *h, uint8_t **out);
size_t btfb_blob(const struct btfb *b, uint8_t **out);

/* An ELF file (32/64-bit, either byte order) with sections "", .text, .BTF, .shstrtab. */
size_t btfb_elf(const uint8_t *btf, size_t len, bool is64, bool big_endian, uint8_t **out);

/* Write data to a new temporary file; returns its path (caller frees and unlinks). */
char *btfb_tmpfile(const void *data, size_t len);

/* Growing NUL-terminated text (s is NULL until something is appended; caller frees s). */
struct btfb_text {
	char *s;
	size_t len;
};
/* Append len bytes to the struct btfb_text at ctx: a sink for bw_btf_dump_raw. Returns 0. */
int btfb_text_append(void *ctx, const char *s, size_t len);
/* Standard output of the shell command cmd, or NULL when it does not exit 0 (caller frees). */
char *btfb_command_output(const char *cmd);

#endif
