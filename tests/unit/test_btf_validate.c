/* SPDX-License-Identifier: MIT */
/*
 * Validation: one malformed blob per rule, each rejected with the expected code and a message
 * that names what is wrong and where (type id, kind, and the record's byte offset in the blob,
 * which the test knows because it wrote the record there). And the valid corners: a struct
 * that points to itself, extra zero header bytes, a flexible array at a struct's end.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "btfwalk.h"
#include "btf_builder.h"

#define HDR 24 /* the builder's header size: records start at blob offset HDR + btfb_pos() */

static void expect_blob(const uint8_t *blob, size_t len, int code, const char *what,
			const char *where)
{
	struct bw_error err = {0};
	struct bw_btf *btf = NULL;
	int ret = bw_btf_open_mem(blob, len, NULL, &btf, &err);

	if (!code) {
		if (ret)
			fail_msg("valid blob rejected: %s", err.msg);
		bw_btf_close(btf);
		return;
	}
	if (ret != -code)
		fail_msg("want %s, got %d (%s)", bw_strerror(code), ret,
			 ret ? err.msg : "accepted");
	assert_null(btf);
	assert_int_equal(err.code, code);
	if (what && !strstr(err.msg, what))
		fail_msg("message '%s' lacks '%s'", err.msg, what);
	if (where && !strstr(err.msg, where))
		fail_msg("message '%s' lacks '%s'", err.msg, where);
}

/* Build the blob of b (with header h, or the default) and expect it rejected (code 0: ok). */
static void expect(struct btfb *b, const struct btfb_hdr *h, int code, const char *what,
		   const char *where)
{
	uint8_t *blob;
	size_t len = btfb_blob_hdr(b, h, &blob);

	expect_blob(blob, len, code, what, where);
	free(blob);
	btfb_free(b);
}

/* "[id] KIND 'name' at offset N" for a record written at type-section position pos. */
static const char *where(uint32_t id, const char *kind, const char *name, size_t pos)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "[%u] %s '%s' at offset %zu", id, kind, name, HDR + pos);
	return buf;
}

static uint32_t add_int(struct btfb *b)
{
	return btfb_int(b, "int", 4, 1, 0, 32);
}

/* ---- header ---- */

static void test_header(void **state)
{
	struct btfb_hdr h;
	struct btfb b;
	uint8_t tiny[10] = {0x9f, 0xeb, 1, 0};

	(void)state;
	expect_blob(tiny, sizeof(tiny), BW_EFORMAT, "BTF header: 10 bytes", NULL);
	expect_blob(tiny, 1, BW_EFORMAT, "too short", NULL);

	btfb_init(&b), add_int(&b), btfb_hdr_default(&b, &h), h.magic = 0x1234;
	expect(&b, &h, BW_EFORMAT, "bad magic 0x1234", NULL);
	btfb_init(&b), add_int(&b), btfb_hdr_default(&b, &h), h.version = 2;
	expect(&b, &h, BW_EFORMAT, "version 2", NULL);
	btfb_init(&b), add_int(&b), btfb_hdr_default(&b, &h), h.flags = 1;
	expect(&b, &h, BW_EFORMAT, "flags 0x1", NULL);
	btfb_init(&b), add_int(&b), btfb_hdr_default(&b, &h), h.hdr_len = 20;
	expect(&b, &h, BW_EFORMAT, "hdr_len 20", NULL);
	btfb_init(&b), add_int(&b), btfb_hdr_default(&b, &h), h.hdr_len = 4096;
	expect(&b, &h, BW_EFORMAT, "hdr_len 4096", NULL);
	/* A longer header is fine while the bytes we do not know are zero. */
	btfb_init(&b), add_int(&b), btfb_hdr_default(&b, &h), h.extra_hdr = 8;
	expect(&b, &h, 0, NULL, NULL);
	btfb_init(&b), add_int(&b), btfb_hdr_default(&b, &h), h.extra_hdr = 8, h.extra_value = 1;
	expect(&b, &h, BW_EFORMAT, "non-zero header byte at offset 24", NULL);
	btfb_init(&b), add_int(&b), btfb_hdr_default(&b, &h), h.type_off = 2, h.str_off += 2;
	expect(&b, &h, BW_EFORMAT, "type_off 2 is not 4-byte aligned", NULL);
	btfb_init(&b), add_int(&b), btfb_hdr_default(&b, &h), h.type_len = 1000;
	expect(&b, &h, BW_EFORMAT, "type section [24, 1024) outside", NULL);
	btfb_init(&b), add_int(&b), btfb_hdr_default(&b, &h), h.str_len = 1000;
	expect(&b, &h, BW_EFORMAT, "string section", "outside");
	btfb_init(&b), add_int(&b), btfb_hdr_default(&b, &h), h.str_off = 8, h.str_len = 8;
	expect(&b, &h, BW_EFORMAT, "overlaps string section", NULL);
	btfb_init(&b), btfb_hdr_default(&b, &h);
	expect(&b, &h, BW_EFORMAT, "empty type section", NULL);
	btfb_init(&b), add_int(&b), btfb_hdr_default(&b, &h), h.str_len = 0;
	expect(&b, &h, BW_EFORMAT, "empty string section", NULL);
	/* Strings "\0int\0x": the last byte is not NUL. */
	btfb_init(&b), add_int(&b), btfb_str(&b, "x"), btfb_hdr_default(&b, &h), h.str_len -= 1;
	expect(&b, &h, BW_EFORMAT, "last byte", "is not NUL");
	btfb_init(&b), add_int(&b), btfb_hdr_default(&b, &h), h.str_off += 1, h.str_len -= 1;
	expect(&b, &h, BW_EFORMAT, "first byte", "is not NUL");
}

/* ---- records ---- */

static void test_records(void **state)
{
	struct btfb_hdr h;
	struct btfb b;
	size_t pos;

	(void)state;
	/* A record cut short: 8 bytes left of the second one. */
	btfb_init(&b), add_int(&b), pos = btfb_pos(&b), btfb_u32(&b, 0), btfb_u32(&b, 2u << 24);
	btfb_hdr_default(&b, &h);
	expect(&b, &h, BW_EFORMAT, "BTF [2] at offset 40: 8 bytes left, need 12", NULL);
	(void)pos;
	/* vlen 3 but only one member written. */
	btfb_init(&b), add_int(&b), pos = btfb_pos(&b);
	btfb_struct(&b, BTFB_STRUCT, "s", 4, false, 3), btfb_member(&b, "a", 1, 0, 0);
	expect(&b, NULL, BW_EFORMAT, "BTF [2] STRUCT at offset 40: vlen 3 needs 36 bytes", NULL);
	/* Short by a whole member, and by an INT's 4 bytes of data: the record's own 12 bytes
	 * are not room for its kind data. */
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_STRUCT, "s", 4, false, 2);
	btfb_member(&b, "a", 1, 0, 0);
	expect(&b, NULL, BW_EFORMAT,
	       "BTF [2] STRUCT at offset 40: vlen 2 needs 24 bytes, 12 left in the type section",
	       NULL);
	btfb_init(&b), add_int(&b), btfb_type(&b, "i", BTFB_INT, false, 0, 4);
	expect(&b, NULL, BW_EFORMAT,
	       "BTF [2] INT at offset 40: vlen 0 needs 4 bytes, 0 left in the type section", NULL);
	btfb_init(&b), add_int(&b), btfb_type(&b, "x", 20, false, 0, 0);
	expect(&b, NULL, BW_EFORMAT, "BTF [2] at offset 40: unknown kind 20", NULL);
	btfb_init(&b), btfb_type(&b, "x", 0, false, 0, 0);
	expect(&b, NULL, BW_EFORMAT, "BTF [1] at offset 24: unknown kind 0", NULL);
	btfb_init(&b), btfb_type(&b, "x", 31, false, 0, 0);
	expect(&b, NULL, BW_EFORMAT, "unknown kind 31", NULL);
}

/* ---- each record's own rules ---- */

static void test_common_rules(void **state)
{
	struct btfb b;
	size_t pos;

	(void)state;
	btfb_init(&b), add_int(&b), pos = btfb_pos(&b), btfb_u32(&b, 0);
	btfb_u32(&b, (2u << 24) | (1u << 16)), btfb_u32(&b, 1);
	expect(&b, NULL, BW_EFORMAT, "info 0x02010000 has unknown bits", where(2, "PTR", "", pos));
	btfb_init(&b), pos = btfb_pos(&b), btfb_type(&b, "int", BTFB_INT, true, 0, 4);
	btfb_u32(&b, 32);
	expect(&b, NULL, BW_EFORMAT, "kind_flag set", where(1, "INT", "int", pos));
	btfb_init(&b), add_int(&b), pos = btfb_pos(&b), btfb_type(&b, NULL, BTFB_PTR, false, 1, 1);
	expect(&b, NULL, BW_EFORMAT, "vlen 1 on a kind without one", where(2, "PTR", "", pos));
	btfb_init(&b), add_int(&b), pos = btfb_pos(&b), btfb_u32(&b, 9999);
	btfb_u32(&b, BTFB_TYPEDEF << 24), btfb_u32(&b, 1);
	expect(&b, NULL, BW_EFORMAT, "name offset 9999 outside the string section",
	       where(2, "TYPEDEF", "?", pos));
	btfb_init(&b), add_int(&b), pos = btfb_pos(&b), btfb_ref(&b, BTFB_PTR, "p", 1);
	expect(&b, NULL, BW_EFORMAT, "name 'p'", "must be empty");
	btfb_init(&b), add_int(&b), pos = btfb_pos(&b), btfb_ref(&b, BTFB_TYPEDEF, "1abc", 1);
	expect(&b, NULL, BW_EFORMAT, "name '1abc' (offset 5) is not a valid identifier",
	       where(2, "TYPEDEF", "1abc", pos));
	btfb_init(&b), add_int(&b), btfb_ref(&b, BTFB_TYPEDEF, "a-b", 1);
	expect(&b, NULL, BW_EFORMAT, "'a-b'", "not a valid identifier");
	btfb_init(&b), add_int(&b), btfb_ref(&b, BTFB_TYPEDEF, NULL, 1);
	expect(&b, NULL, BW_EFORMAT, "name '' (offset 0) is not a valid identifier", NULL);
	/* Member and parameter names: empty or an identifier, also when seen before. */
	btfb_init(&b), add_int(&b), pos = btfb_pos(&b), btfb_proto(&b, 1, 2);
	btfb_param(&b, "a", 1), btfb_param(&b, "1x", 1);
	expect(&b, NULL, BW_EFORMAT, "parameter #1 name '1x'", "is not a valid identifier");
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_STRUCT, "s", 8, false, 2);
	btfb_member(&b, "a", 1, 0, 0), btfb_member(&b, NULL, 1, 32, 0), btfb_proto(&b, 1, 2);
	btfb_param(&b, "a", 1), btfb_param(&b, "a-b", 1);
	expect(&b, NULL, BW_EFORMAT, "parameter #1 name 'a-b'", "is not a valid identifier");
	btfb_init(&b), add_int(&b), pos = btfb_pos(&b);
	btfb_struct(&b, BTFB_STRUCT, "s", 8, false, 2), btfb_member(&b, "a", 1, 0, 0);
	btfb_member(&b, "b c", 1, 32, 0);
	expect(&b, NULL, BW_EFORMAT, "member #1 name 'b c'", where(2, "STRUCT", "s", pos));
	btfb_init(&b), add_int(&b), btfb_ref(&b, BTFB_TYPE_TAG, NULL, 1);
	expect(&b, NULL, BW_EFORMAT, "must be non-empty printable text", NULL);
	btfb_init(&b), add_int(&b), btfb_ref(&b, BTFB_TYPE_TAG, "a\tb", 1);
	expect(&b, NULL, BW_EFORMAT, "must be non-empty printable text", NULL);
}

static void test_int_float_rules(void **state)
{
	struct btfb b;
	size_t pos;

	(void)state;
	btfb_init(&b), pos = btfb_pos(&b), btfb_int(&b, "i3", 3, 0, 0, 24);
	expect(&b, NULL, BW_EFORMAT, "size 3 is not 1, 2, 4, 8 or 16", where(1, "INT", "i3", pos));
	btfb_init(&b), btfb_int(&b, "i", 4, 8, 0, 32);
	expect(&b, NULL, BW_EFORMAT, "unsupported int encoding 0x8", NULL);
	btfb_init(&b), btfb_int(&b, "i", 4, 3, 0, 32);
	expect(&b, NULL, BW_EFORMAT, "unsupported int encoding 0x3", NULL);
	btfb_init(&b), btfb_int(&b, "i", 4, 0, 0, 33);
	expect(&b, NULL, BW_EFORMAT, "nr_bits 33 exceeds size 4", NULL);
	btfb_init(&b), btfb_int(&b, "i", 16, 0, 100, 100);
	expect(&b, NULL, BW_EFORMAT, "bits_offset 100 + nr_bits 100 exceeds 128", NULL);
	btfb_init(&b), btfb_type(&b, "i", BTFB_INT, false, 0, 4), btfb_u32(&b, 0x10000020);
	expect(&b, NULL, BW_EFORMAT, "int data 0x10000020 has unknown bits", NULL);
	btfb_init(&b), pos = btfb_pos(&b), btfb_float(&b, "f", 3);
	expect(&b, NULL, BW_EFORMAT, "size 3 is not 2, 4, 8, 12 or 16",
	       where(1, "FLOAT", "f", pos));
}

static void test_reference_rules(void **state)
{
	struct btfb b;
	size_t pos;
	uint32_t proto;

	(void)state;
	btfb_init(&b), add_int(&b), pos = btfb_pos(&b), btfb_ptr(&b, 99);
	expect(&b, NULL, BW_EFORMAT,
	       "type refers to type id 99, which does not exist (type count 3)",
	       where(2, "PTR", "", pos));
	btfb_init(&b), add_int(&b), proto = btfb_proto(&b, 1, 0), btfb_func(&b, "f", proto, 0);
	pos = btfb_pos(&b), btfb_ptr(&b, 3);
	expect(&b, NULL, BW_EFORMAT, "refers to [3], a FUNC, not a type", where(4, "PTR", "", pos));
	btfb_init(&b), add_int(&b), pos = btfb_pos(&b);
	btfb_struct(&b, BTFB_STRUCT, "s", 4, false, 1), btfb_member(&b, "a", 0, 0, 0);
	expect(&b, NULL, BW_EFORMAT, "member #0 is void", where(2, "STRUCT", "s", pos));
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_STRUCT, "s", 4, false, 1);
	btfb_member(&b, "a", 7, 0, 0);
	expect(&b, NULL, BW_EFORMAT, "member #0 refers to type id 7", NULL);
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_STRUCT, "s", 4, false, 1);
	btfb_member(&b, "9a", 1, 0, 0);
	expect(&b, NULL, BW_EFORMAT, "member #0 name '9a'", "not a valid identifier");
	btfb_init(&b), add_int(&b), pos = btfb_pos(&b), btfb_array(&b, 0, 1, 2);
	expect(&b, NULL, BW_EFORMAT, "element type is void", where(2, "ARRAY", "", pos));
	btfb_init(&b), add_int(&b), btfb_array(&b, 1, 5, 2);
	expect(&b, NULL, BW_EFORMAT, "index type refers to type id 5", NULL);
	btfb_init(&b), add_int(&b), btfb_type(&b, NULL, BTFB_ARRAY, false, 0, 4);
	btfb_u32(&b, 1), btfb_u32(&b, 1), btfb_u32(&b, 1);
	expect(&b, NULL, BW_EFORMAT, "size/type field 4, want 0", NULL);
	btfb_init(&b), add_int(&b), btfb_proto(&b, 1, 2), btfb_param(&b, "a", 0);
	btfb_param(&b, "b", 1);
	expect(&b, NULL, BW_EFORMAT, "parameter #0 is void", NULL);
	btfb_init(&b), add_int(&b), btfb_proto(&b, 1, 1), btfb_param(&b, "a", 0);
	expect(&b, NULL, BW_EFORMAT, "parameter #0 is void", NULL);
	btfb_init(&b), add_int(&b), btfb_proto(&b, 9, 0);
	expect(&b, NULL, BW_EFORMAT, "return type refers to type id 9", NULL);
	btfb_init(&b), add_int(&b), btfb_type(&b, "p", BTFB_FUNC_PROTO, false, 0, 1);
	expect(&b, NULL, BW_EFORMAT, "name 'p'", "must be empty");
}

static void test_struct_rules(void **state)
{
	struct btfb b;
	size_t pos;

	(void)state;
	btfb_init(&b), add_int(&b), pos = btfb_pos(&b);
	btfb_struct(&b, BTFB_UNION, "u", 8, false, 2), btfb_member(&b, "a", 1, 0, 0);
	btfb_member(&b, "b", 1, 32, 0);
	expect(&b, NULL, BW_EFORMAT, "member #1 'b' of a union has bits_offset 32, want 0",
	       where(2, "UNION", "u", pos));
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_STRUCT, "s", 4, false, 1);
	btfb_member(&b, "a", 1, 64, 0);
	expect(&b, NULL, BW_EFORMAT, "member #0 'a' bits_offset 64 is past the size 4", NULL);
	/* The kernel's bound: BITS_ROUNDUP_BYTES(bits_offset) > size, so 33 is past 4 bytes... */
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_STRUCT, "s", 4, false, 1);
	btfb_member(&b, "a", 1, 33, 0);
	expect(&b, NULL, BW_EFORMAT, "member #0 'a' bits_offset 33 is past the size 4", NULL);
	/* ... and 32 is not (the member's own size then fails, a rule of its own). */
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_STRUCT, "s", 4, false, 1);
	btfb_member(&b, "a", 1, 32, 0);
	expect(&b, NULL, BW_EFORMAT, "member #0 'a' ends at bit 64, past the size of 4 bytes",
	       NULL);
	/* Members at the same offset, and a union's members all at 0, are fine. */
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_STRUCT, "s", 4, false, 2);
	btfb_member(&b, "a", 1, 0, 0), btfb_member(&b, "b", 1, 0, 0);
	expect(&b, NULL, 0, NULL, NULL);
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_UNION, "u", 4, false, 2);
	btfb_member(&b, "a", 1, 0, 0), btfb_member(&b, "b", 1, 0, 0);
	expect(&b, NULL, 0, NULL, NULL);
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_STRUCT, "s", 8, false, 2);
	btfb_member(&b, "a", 1, 32, 0), btfb_member(&b, "b", 1, 0, 0);
	expect(&b, NULL, BW_EFORMAT, "member #1 'b' bits_offset 0 is before the previous", NULL);
	btfb_init(&b), add_int(&b), pos = btfb_pos(&b);
	btfb_struct(&b, BTFB_STRUCT, "s", 4, false, 1), btfb_member(&b, "a", 1, 8, 0);
	expect(&b, NULL, BW_EFORMAT, "member #0 'a' ends at bit 40, past the size of 4 bytes",
	       where(2, "STRUCT", "s", pos));
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_STRUCT, "in", 4, false, 1);
	btfb_member(&b, "a", 1, 0, 0), btfb_struct(&b, BTFB_STRUCT, "s", 4, true, 1);
	btfb_member(&b, "a", 2, 0, 3);
	expect(&b, NULL, BW_EFORMAT, "member #0 'a' is a bitfield of a STRUCT", NULL);
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_STRUCT, "s", 8, true, 1);
	btfb_member(&b, "a", 1, 0, 33);
	expect(&b, NULL, BW_EFORMAT, "bitfield of 33 bits is wider than its type's 32", NULL);
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_STRUCT, "s", 4, true, 1);
	btfb_member(&b, "a", 1, 30, 3);
	expect(&b, NULL, BW_EFORMAT, "ends at bit 33, past the size of 4 bytes", NULL);
	btfb_init(&b), add_int(&b), btfb_ptr(&b, 1), btfb_struct(&b, BTFB_STRUCT, "s", 16, true, 1);
	btfb_member(&b, "p", 2, 3, 0);
	expect(&b, NULL, BW_EFORMAT, "member #0 'p' at bit 3 is not byte aligned", NULL);
	btfb_init(&b), add_int(&b), btfb_fwd(&b, "f", false);
	btfb_struct(&b, BTFB_STRUCT, "s", 4, false, 1), btfb_member(&b, "x", 2, 0, 0);
	expect(&b, NULL, BW_EFORMAT, "member #0 'x' type [2] (FWD) has no size", NULL);
	/* Bitfields on enums are fine; an int bitfield by the INT's own bits (no kind_flag) too. */
	btfb_init(&b), add_int(&b), btfb_enum(&b, "e", 4, false, 1), btfb_enumerator(&b, "A", 1);
	btfb_int(&b, "u3", 1, 0, 0, 3), btfb_struct(&b, BTFB_STRUCT, "s", 4, true, 1);
	btfb_member(&b, "a", 2, 0, 2);
	btfb_struct(&b, BTFB_STRUCT, "old", 1, false, 1), btfb_member(&b, "b", 3, 4, 0);
	expect(&b, NULL, 0, NULL, NULL);
	/* A flexible array member ends exactly at the struct's end. */
	btfb_init(&b), add_int(&b), btfb_array(&b, 1, 1, 0);
	btfb_struct(&b, BTFB_STRUCT, "flex", 4, false, 2), btfb_member(&b, "n", 1, 0, 0);
	btfb_member(&b, "data", 2, 32, 0);
	expect(&b, NULL, 0, NULL, NULL);
}

static void test_enum_fwd_func_var_rules(void **state)
{
	struct btfb b;
	size_t pos;
	uint32_t proto;

	(void)state;
	btfb_init(&b), pos = btfb_pos(&b), btfb_enum(&b, "e", 3, false, 0);
	expect(&b, NULL, BW_EFORMAT, "size 3 is not 1, 2, 4 or 8", where(1, "ENUM", "e", pos));
	btfb_init(&b), btfb_enum64(&b, "e", 16, false, 0);
	expect(&b, NULL, BW_EFORMAT, "size 16 is not 1, 2, 4 or 8", NULL);
	btfb_init(&b), btfb_enum(&b, "e", 4, false, 1), btfb_enumerator(&b, "", 1);
	expect(&b, NULL, BW_EFORMAT, "enumerator #0 name ''", "not a valid identifier");
	btfb_init(&b), btfb_type(&b, "f", BTFB_FWD, false, 0, 1);
	expect(&b, NULL, BW_EFORMAT, "size/type field 1, want 0", NULL);
	btfb_init(&b), btfb_fwd(&b, NULL, false);
	expect(&b, NULL, BW_EFORMAT, "not a valid identifier", NULL);
	btfb_init(&b), add_int(&b), proto = btfb_proto(&b, 1, 0), pos = btfb_pos(&b);
	btfb_func(&b, "f", proto, 3);
	expect(&b, NULL, BW_EFORMAT, "linkage 3 is not static (0), global (1) or extern (2)",
	       where(3, "FUNC", "f", pos));
	btfb_init(&b), add_int(&b), btfb_func(&b, "f", 1, 0);
	expect(&b, NULL, BW_EFORMAT, "prototype refers to [1], a INT", NULL);
	btfb_init(&b), add_int(&b), pos = btfb_pos(&b), btfb_var(&b, "v", 1, 3);
	expect(&b, NULL, BW_EFORMAT, "linkage 3", where(2, "VAR", "v", pos));
	btfb_init(&b), add_int(&b), btfb_var(&b, "v", 0, 0);
	expect(&b, NULL, BW_EFORMAT, "type is void", NULL);
	btfb_init(&b), btfb_fwd(&b, "f", false), pos = btfb_pos(&b), btfb_var(&b, "v", 1, 0);
	expect(&b, NULL, BW_EFORMAT, "type [1] (FWD) has no size", where(2, "VAR", "v", pos));
	btfb_init(&b), add_int(&b), btfb_var(&b, "v.x", 1, 0);
	expect(&b, NULL, BW_EFORMAT, "'v.x'", "not a valid identifier");
}

static void test_datasec_tag_rules(void **state)
{
	struct btfb b;
	size_t pos;

	(void)state;
	btfb_init(&b), add_int(&b), pos = btfb_pos(&b), btfb_datasec(&b, ".data", 8, 0);
	expect(&b, NULL, BW_EFORMAT, "has no variables (vlen 0)",
	       where(2, "DATASEC", ".data", pos));
	btfb_init(&b), add_int(&b), btfb_datasec(&b, ".data", 8, 1), btfb_secinfo(&b, 1, 0, 4);
	expect(&b, NULL, BW_EFORMAT, "variable #0 refers to [1], a INT", NULL);
	btfb_init(&b), add_int(&b), btfb_var(&b, "a", 1, 0), btfb_var(&b, "b", 1, 0);
	btfb_datasec(&b, ".data", 8, 2), btfb_secinfo(&b, 2, 0, 4), btfb_secinfo(&b, 3, 2, 4);
	expect(&b, NULL, BW_EFORMAT, "variable #1 [3] at offset 2 size 4 does not fit after 4",
	       NULL);
	btfb_init(&b), add_int(&b), btfb_var(&b, "a", 1, 0), btfb_datasec(&b, ".data", 8, 1);
	btfb_secinfo(&b, 2, 6, 4);
	expect(&b, NULL, BW_EFORMAT, "does not fit after 0 within the section size 8", NULL);
	btfb_init(&b), add_int(&b), btfb_var(&b, "a", 1, 0), btfb_datasec(&b, ".data", 8, 1);
	btfb_secinfo(&b, 2, 0, 2);
	expect(&b, NULL, BW_EFORMAT, "variable #0 [2] of 4 bytes has an entry of 2", NULL);
	/* An unlinked object's section: size 0, offsets not set yet. */
	btfb_init(&b), add_int(&b), btfb_var(&b, "a", 1, 0), btfb_var(&b, "b", 1, 0);
	btfb_datasec(&b, ".bss", 0, 2), btfb_secinfo(&b, 2, 0, 4), btfb_secinfo(&b, 3, 0, 4);
	expect(&b, NULL, 0, NULL, NULL);
	btfb_init(&b), add_int(&b), btfb_datasec(&b, "", 8, 0);
	expect(&b, NULL, BW_EFORMAT, "must be non-empty printable text", NULL);

	btfb_init(&b), add_int(&b), pos = btfb_pos(&b), btfb_decl_tag(&b, "t", 1, -1);
	expect(&b, NULL, BW_EFORMAT, "tagged declaration refers to [1], a INT",
	       where(2, "DECL_TAG", "t", pos));
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_STRUCT, "s", 4, false, 1);
	btfb_member(&b, "a", 1, 0, 0), btfb_decl_tag(&b, "t", 2, -2);
	expect(&b, NULL, BW_EFORMAT, "component_idx -2 is below -1", NULL);
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_STRUCT, "s", 4, false, 1);
	btfb_member(&b, "a", 1, 0, 0), pos = btfb_pos(&b), btfb_decl_tag(&b, "t", 2, 1);
	expect(&b, NULL, BW_EFORMAT, "component_idx 1, but [2] has 1",
	       where(3, "DECL_TAG", "t", pos));
	btfb_init(&b), add_int(&b), btfb_var(&b, "v", 1, 0), btfb_decl_tag(&b, "t", 2, 0);
	expect(&b, NULL, BW_EFORMAT, "component_idx 0 on a VAR", NULL);
	btfb_init(&b), add_int(&b), btfb_var(&b, "v", 1, 0), btfb_decl_tag(&b, NULL, 2, -1);
	expect(&b, NULL, BW_EFORMAT, "must be non-empty printable text", NULL);
}

static void test_array_rules(void **state)
{
	struct btfb b;
	size_t pos;

	(void)state;
	btfb_init(&b), add_int(&b), btfb_ptr(&b, 1), pos = btfb_pos(&b), btfb_array(&b, 1, 2, 4);
	expect(&b, NULL, BW_EFORMAT, "index type [2] is a PTR, not an INT",
	       where(3, "ARRAY", "", pos));
	btfb_init(&b), add_int(&b), btfb_fwd(&b, "f", false), btfb_array(&b, 2, 1, 4);
	expect(&b, NULL, BW_EFORMAT, "element type [2] (FWD) has no size", NULL);
	btfb_init(&b), btfb_int(&b, "long", 8, 1, 0, 64), pos = btfb_pos(&b);
	btfb_array(&b, 1, 1, 0x20000000);
	expect(&b, NULL, BW_EFORMAT, "536870912 elements of 8 bytes exceed 4 GiB",
	       where(2, "ARRAY", "", pos));
	/* The index type may be a typedef of an INT. */
	btfb_init(&b), add_int(&b), btfb_ref(&b, BTFB_TYPEDEF, "idx_t", 1), btfb_array(&b, 1, 2, 4);
	expect(&b, NULL, 0, NULL, NULL);
}

/* ---- cycles and chains ---- */

static void test_cycles(void **state)
{
	struct btfb b;

	(void)state;
	/* struct s { int a; struct s self; } */
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_STRUCT, "s", 8, false, 2);
	btfb_member(&b, "a", 1, 0, 0), btfb_member(&b, "self", 2, 32, 0);
	expect(&b, NULL, BW_EFORMAT, "reference cycle: [2] contains itself", "[2] STRUCT 's'");
	/* struct s { struct s arr[2]; } through an array and a typedef */
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_STRUCT, "s", 8, false, 1);
	btfb_member(&b, "arr", 3, 0, 0), btfb_array(&b, 4, 1, 2);
	btfb_ref(&b, BTFB_TYPEDEF, "s_t", 2);
	expect(&b, NULL, BW_EFORMAT, "reference cycle", NULL);
	/* typedef a b; typedef b a; */
	btfb_init(&b), btfb_ref(&b, BTFB_TYPEDEF, "a", 2), btfb_ref(&b, BTFB_TYPEDEF, "b", 1);
	expect(&b, NULL, BW_EFORMAT, "reference cycle", NULL);
	/* const const const ... itself */
	btfb_init(&b), btfb_ref(&b, BTFB_CONST, NULL, 1);
	expect(&b, NULL, BW_EFORMAT, "reference cycle: [1] contains itself", NULL);
	/* A pointer to itself, and pointer -> volatile -> pointer. */
	btfb_init(&b), btfb_ptr(&b, 1);
	expect(&b, NULL, BW_EFORMAT, "pointer/modifier cycle through [1]", NULL);
	btfb_init(&b), add_int(&b), btfb_ptr(&b, 3), btfb_ref(&b, BTFB_VOLATILE, NULL, 2);
	expect(&b, NULL, BW_EFORMAT, "pointer/modifier cycle", NULL);
	/* A cycle through a higher id and back: s [2] { t [3] { s_t [4] = s } }. */
	btfb_init(&b), add_int(&b), btfb_struct(&b, BTFB_STRUCT, "s", 4, false, 1);
	btfb_member(&b, "t", 3, 0, 0), btfb_struct(&b, BTFB_STRUCT, "t", 4, false, 1);
	btfb_member(&b, "s", 4, 0, 0), btfb_ref(&b, BTFB_TYPEDEF, "s_t", 2);
	expect(&b, NULL, BW_EFORMAT, "reference cycle: [2] contains itself", "[4] TYPEDEF 's_t'");
	/* Only the const's edge goes up: the message names the first pointer's chain. */
	btfb_init(&b), add_int(&b), btfb_ref(&b, BTFB_CONST, NULL, 3), btfb_ptr(&b, 2);
	expect(&b, NULL, BW_EFORMAT, "pointer/modifier cycle through [3]", "[3] PTR");
	/* The first pointer to reach a cycle ([4] <-> [5]) is not on it. */
	btfb_init(&b), add_int(&b), btfb_ptr(&b, 1), btfb_ptr(&b, 4), btfb_ptr(&b, 5);
	btfb_ptr(&b, 4);
	expect(&b, NULL, BW_EFORMAT, "pointer/modifier cycle through [3]", "[4] PTR");
	/* Legal: struct list { struct list *next; }, and through a typedef. */
	btfb_init(&b), btfb_int(&b, "long int", 8, 1, 0, 64);
	btfb_struct(&b, BTFB_STRUCT, "list", 8, false, 1), btfb_member(&b, "next", 3, 0, 0);
	btfb_ptr(&b, 4), btfb_ref(&b, BTFB_TYPEDEF, "list_t", 2);
	expect(&b, NULL, 0, NULL, NULL);
}

/* Containers whose children come later (by id): their sizes and alignments are the compiler's. */
struct later_t {
	long x;
	char y;
};
typedef struct later_t later_t_t;
struct later_s {
	struct later_t a;
	later_t_t b[2];
	char c;
};
/* Packed: only an int's offset shows it (its size is a multiple of the int's alignment). */
struct __attribute__((packed)) later_p {
	char c;
	struct later_t t;
	char pad[7];
};

static void test_later_children(void **state)
{
	struct bw_error err = {0};
	struct bw_btf *btf = NULL;
	uint64_t size = 0, align = 0;
	uint8_t *blob;
	struct btfb b;
	size_t len;

	(void)state;
	btfb_init(&b), btfb_int(&b, "char", 1, 1, 0, 8);
	btfb_struct(&b, BTFB_STRUCT, "later_s", sizeof(struct later_s), false, 3);
	btfb_member(&b, "a", 3, offsetof(struct later_s, a) * 8, 0);
	btfb_member(&b, "b", 5, offsetof(struct later_s, b) * 8, 0);
	btfb_member(&b, "c", 1, offsetof(struct later_s, c) * 8, 0);
	btfb_struct(&b, BTFB_STRUCT, "later_t", sizeof(struct later_t), false, 2);
	btfb_member(&b, "x", 6, offsetof(struct later_t, x) * 8, 0);
	btfb_member(&b, "y", 1, offsetof(struct later_t, y) * 8, 0);
	btfb_ref(&b, BTFB_TYPEDEF, "later_t_t", 3), btfb_array(&b, 4, 7, 2);
	btfb_int(&b, "long int", sizeof(long), 1, 0, sizeof(long) * 8);
	btfb_int(&b, "unsigned int", 4, 0, 0, 32), btfb_array(&b, 1, 7, 7);
	btfb_struct(&b, BTFB_STRUCT, "later_p", sizeof(struct later_p), false, 3);
	btfb_member(&b, "c", 1, offsetof(struct later_p, c) * 8, 0);
	btfb_member(&b, "t", 3, offsetof(struct later_p, t) * 8, 0);
	btfb_member(&b, "pad", 8, offsetof(struct later_p, pad) * 8, 0);
	len = btfb_blob(&b, &blob);
	btfb_free(&b);
	if (bw_btf_open_mem(blob, len, NULL, &btf, &err))
		fail_msg("rejected: %s", err.msg);
	assert_int_equal(bw_btf_sizeof(btf, 2, &size, &err), 0);
	assert_int_equal(size, sizeof(struct later_s));
	assert_int_equal(bw_btf_alignof(btf, 2, &align, &err), 0);
	assert_int_equal(align, _Alignof(struct later_s));
	assert_int_equal(bw_btf_sizeof(btf, 5, &size, &err), 0);
	assert_int_equal(size, sizeof(later_t_t[2]));
	assert_int_equal(bw_btf_alignof(btf, 4, &align, &err), 0);
	assert_int_equal(align, _Alignof(later_t_t));
	assert_int_equal(bw_btf_sizeof(btf, 9, &size, &err), 0);
	assert_int_equal(size, sizeof(struct later_p));
	assert_int_equal(bw_btf_alignof(btf, 9, &align, &err), 0);
	assert_int_equal(align, _Alignof(struct later_p));
	bw_btf_close(btf);
	free(blob);
}

static void test_resolve_depth_cap(void **state)
{
	struct btfb b;
	uint32_t i;

	(void)state;
	/* 32 typedefs to an int resolve; 33 do not. */
	btfb_init(&b), add_int(&b);
	for (i = 0; i < BW_BTF_MAX_RESOLVE_DEPTH; i++)
		btfb_ref(&b, BTFB_TYPEDEF, "t", i + 1);
	expect(&b, NULL, 0, NULL, NULL);
	btfb_init(&b), add_int(&b);
	for (i = 0; i < BW_BTF_MAX_RESOLVE_DEPTH + 1; i++)
		btfb_ref(&b, BTFB_TYPEDEF, "t", i + 1);
	expect(&b, NULL, BW_ELIMIT, "[34] TYPEDEF 't'", "more than 32 typedef/modifier hops");
}

/*
 * Identifiers are checked 8 bytes at a time, 16 to a hash block: every byte value at every
 * position of names around word and block boundaries, and every pair of values across a word
 * and a block boundary, against C's identifier characters written out here, and each accepted
 * name found again by name (its index hash is computed in the same pass). The name is the
 * section's last string (a copy padded at its end) or followed by 800 more bytes (whole words
 * read in place).
 */
static const char ident_start[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";

static void check_ident(const char *name, bool last)
{
	bool ok = strchr(ident_start, name[0]) != NULL;
	char after[400];
	struct bw_error err = {0};
	struct bw_btf *btf = NULL;
	uint8_t *blob;
	uint32_t id = 0;
	struct btfb b;
	size_t i, len;
	int ret;

	for (i = 1; name[i]; i++)
		ok = ok && (strchr(ident_start, name[i]) || (name[i] >= '0' && name[i] <= '9'));
	btfb_init(&b), add_int(&b), btfb_ref(&b, BTFB_TYPEDEF, name, 1);
	if (!last) {
		memset(after, 'a', sizeof(after) - 1);
		after[sizeof(after) - 1] = 0;
		btfb_ref(&b, BTFB_TYPEDEF, after, 1);
		after[0] = 'b';
		btfb_ref(&b, BTFB_TYPEDEF, after, 1);
	}
	len = btfb_blob(&b, &blob);
	btfb_free(&b);
	ret = bw_btf_open_mem(blob, len, NULL, &btf, &err);
	if (ok != !ret)
		fail_msg("name '%s' (0x%02x...): want %s, got %s", name, (uint8_t)name[0],
			 ok ? "accepted" : "rejected", ret ? err.msg : "accepted");
	if (!ret) {
		assert_int_equal(bw_btf_find(btf, name, BW_KIND_TYPEDEF, &id, &err), 0);
		assert_int_equal(id, 2);
	} else {
		assert_non_null(strstr(err.msg, "is not a valid identifier"));
	}
	bw_btf_close(btf);
	free(blob);
}

static void test_identifier_bytes(void **state)
{
	static const size_t lens[] = {1, 2, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33};
	static const size_t pairs[] = {7, 15};
	char name[40];
	size_t l, pos;
	int c, d, last;

	(void)state;
	for (last = 0; last < 2; last++) {
		for (l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
			for (pos = 0; pos < lens[l]; pos++) {
				for (c = 1; c < 256; c++) {
					memset(name, 'q', lens[l]);
					name[lens[l]] = 0;
					name[pos] = (char)c;
					check_ident(name, last);
				}
			}
		}
		/* A byte out of class, then any byte: only the first may decide. */
		for (pos = 0; pos < sizeof(pairs) / sizeof(pairs[0]); pos++) {
			for (c = 1; c < 256; c++) {
				for (d = 1; d < 256; d++) {
					memset(name, 'q', 24);
					name[24] = 0;
					name[pairs[pos]] = (char)c;
					name[pairs[pos] + 1] = (char)d;
					check_ident(name, last);
				}
			}
		}
	}
}

/* A TYPEDEF named name, mid-section and as the last string: accepted iff ok. */
static void expect_ident_len(const char *name, bool ok)
{
	int last;

	for (last = 0; last < 2; last++) {
		struct btfb b;

		btfb_init(&b), add_int(&b), btfb_ref(&b, BTFB_TYPEDEF, name, 1);
		if (!last)
			btfb_ref(&b, BTFB_TYPEDEF, "after_it", 1);
		if (ok)
			expect(&b, NULL, 0, NULL, NULL);
		else
			expect(&b, NULL, BW_EFORMAT, "is not a valid identifier", NULL);
	}
}

static void test_identifier_length_cap(void **state)
{
	char name[BW_BTF_MAX_NAME_LEN + 2];
	size_t len;

	(void)state;
	/* 511 bytes are allowed, 512 not (the kernel's KSYM_NAME_LEN), mid-section or last. */
	for (len = BW_BTF_MAX_NAME_LEN - 9; len <= BW_BTF_MAX_NAME_LEN + 1; len++) {
		memset(name, 'x', len);
		name[len] = 0;
		expect_ident_len(name, len < BW_BTF_MAX_NAME_LEN);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_common_rules),
		cmocka_unit_test(test_int_float_rules),
		cmocka_unit_test(test_reference_rules),
		cmocka_unit_test(test_struct_rules),
		cmocka_unit_test(test_enum_fwd_func_var_rules),
		cmocka_unit_test(test_datasec_tag_rules),
		cmocka_unit_test(test_array_rules),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_later_children),
		cmocka_unit_test(test_resolve_depth_cap),
		cmocka_unit_test(test_identifier_bytes),
		cmocka_unit_test(test_identifier_length_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
