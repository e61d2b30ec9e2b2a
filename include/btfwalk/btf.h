/* SPDX-License-Identifier: MIT */
/*
 * btfwalk BTF reader: loads a BTF blob (raw, or the .BTF section of an ELF file), validates it as
 * untrusted input, indexes it, and answers the questions a memory walker asks.
 *
 * Names: every public symbol starts with bw_ / BW_, so this header can be included beside
 * libbpf's <bpf/btf.h> and the kernel's <linux/btf.h>.
 *
 * Type ids: 0 is "void". In split BTF (a module's BTF on top of vmlinux) ids continue the base's;
 * every query on a split BTF also sees the base's types.
 *
 * Lifetime: strings and pointers returned point into the bw_btf and stay valid until
 * bw_btf_close(). A split BTF keeps a pointer to its base: close the split one first.
 *
 * Threads: a loaded bw_btf is immutable; any number of threads may query it at once.
 *
 * Caps (inputs beyond them are rejected with BW_ELIMIT): see BW_BTF_MAX_*.
 *
 * Validation at open follows the kernel's BTF checker (kernel/bpf/btf.c) for everything a
 * reader relies on; a blob that fails gets BW_EFORMAT (BW_ELIMIT for a cap) and a message
 * naming the type id, kind, name and the byte offset of its record in the blob. Two
 * relaxations, for object files before linking: a DATASEC of size 0 (offsets not yet set) is
 * accepted, and a DATASEC entry may be a FUNC (.ksyms). After a successful open every query is
 * bounded: no query recurses, allocates, or scans all types.
 *
 * Pointer size: from the ELF class for an ELF file, else from the base, else the size of the
 * INT named "long int" or "long unsigned int", else 8.
 */
#ifndef BTFWALK_BTF_H
#define BTFWALK_BTF_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BW_BTF_MAX_SIZE (1u << 30)     /* bytes of one BTF blob */
#define BW_BTF_MAX_FILE (2u << 30)     /* bytes of a file bw_btf_open_file reads (BTF or ELF) */
#define BW_BTF_MAX_TYPES (1u << 24)    /* types in one blob, as the kernel's BTF_MAX_TYPE */
#define BW_BTF_MAX_RESOLVE_DEPTH 32    /* typedef/const/... hops, as the kernel's MAX_RESOLVE_DEPTH */
#define BW_BTF_MAX_PATH_DEPTH 64       /* anonymous-member nesting / path components */
#define BW_BTF_MAX_NAME_LEN 512	       /* bytes of a type or member name, NUL excluded, as
					  the kernel's KSYM_NAME_LEN (for every kind) */
#define BW_BTF_MAX_MEMBER_VISITS (1u << 20) /* members one lookup looks at, all anonymous
					       members' included */

/* Kind numbers as in the BTF format (same values as the kernel's BTF_KIND_*). */
enum bw_kind {
	BW_KIND_UNKN = 0,
	BW_KIND_INT = 1,
	BW_KIND_PTR = 2,
	BW_KIND_ARRAY = 3,
	BW_KIND_STRUCT = 4,
	BW_KIND_UNION = 5,
	BW_KIND_ENUM = 6,
	BW_KIND_FWD = 7,
	BW_KIND_TYPEDEF = 8,
	BW_KIND_VOLATILE = 9,
	BW_KIND_CONST = 10,
	BW_KIND_RESTRICT = 11,
	BW_KIND_FUNC = 12,
	BW_KIND_FUNC_PROTO = 13,
	BW_KIND_VAR = 14,
	BW_KIND_DATASEC = 15,
	BW_KIND_FLOAT = 16,
	BW_KIND_DECL_TAG = 17,
	BW_KIND_TYPE_TAG = 18,
	BW_KIND_ENUM64 = 19,
	BW_KIND_MAX = 19,
};

/* "INT", "STRUCT", ... as bpftool prints them; "UNKN" for 0 and out-of-range values. */
const char *bw_kind_name(int kind);

struct bw_btf;

struct bw_btf_opts {
	const struct bw_allocator *alloc; /* NULL: libc */
	const struct bw_btf *base;	  /* non-NULL: load as split BTF on top of base */
};

/*
 * Open BTF from a file: raw BTF (either byte order) or an ELF file (32/64-bit, either byte order)
 * with a .BTF section, detected from the content. The file is read whole into a buffer the bw_btf
 * owns (never mapped: a file truncated or rewritten while open cannot raise SIGBUS, and nothing
 * reads it after this returns). Pipes, /dev/stdin and sysfs files work too. A regular file larger
 * than BW_BTF_MAX_FILE is BW_ELIMIT before any byte is read; a stream (pipe, sysfs) is BW_ELIMIT as
 * soon as BW_BTF_MAX_SIZE + 1 bytes have arrived, so memory stays within the cap. BW_EIO names the path
 * and errno.
 */
int bw_btf_open_file(const char *path, const struct bw_btf_opts *opts, struct bw_btf **out,
		     struct bw_error *err);

/*
 * Open BTF from the caller's buffer (raw BTF or ELF, detected). A native-endian blob is used in
 * place without copying: the buffer must outlive the bw_btf. A blob of the other byte order is
 * converted into a private copy.
 */
int bw_btf_open_mem(const void *data, size_t len, const struct bw_btf_opts *opts,
		    struct bw_btf **out, struct bw_error *err);

void bw_btf_close(struct bw_btf *btf);

/* One more than the highest valid type id (base types included). */
uint32_t bw_btf_type_cnt(const struct bw_btf *btf);
/* First type id that belongs to this blob: 1 for a base BTF, the base's type_cnt for split. */
uint32_t bw_btf_start_id(const struct bw_btf *btf);
const struct bw_btf *bw_btf_base(const struct bw_btf *btf);
/* True when the blob was of the other byte order (magic read as 0x9FEB). */
bool bw_btf_swapped(const struct bw_btf *btf);

/* A string from the string section by offset (split: offsets continue the base's); NULL if bad. */
const char *bw_btf_str(const struct bw_btf *btf, uint32_t offset);

/* The common part of every type. */
struct bw_type {
	uint32_t id;
	int kind;	  /* enum bw_kind */
	const char *name; /* "" when anonymous */
	uint32_t name_off;
	uint32_t vlen;
	bool kflag;
	uint32_t size; /* INT STRUCT UNION ENUM ENUM64 FLOAT DATASEC: size in bytes; else 0 */
	uint32_t type; /* PTR TYPEDEF VOLATILE CONST RESTRICT TYPE_TAG FUNC FUNC_PROTO(return)
			  VAR DECL_TAG: the referenced type id; else 0 */
};

/* Fills *t for id (0 gives the void type, kind UNKN). BW_ENOENT for an id out of range. */
int bw_btf_type(const struct bw_btf *btf, uint32_t id, struct bw_type *t, struct bw_error *err);

/* Kind-specific data. Each returns BW_EINVAL when id is not of the right kind. */
#define BW_INT_SIGNED (1u << 0)
#define BW_INT_CHAR (1u << 1)
#define BW_INT_BOOL (1u << 2)
struct bw_int {
	uint32_t encoding; /* BW_INT_* */
	uint32_t offset;   /* bit offset */
	uint32_t bits;
};
int bw_btf_int(const struct bw_btf *btf, uint32_t id, struct bw_int *out, struct bw_error *err);

struct bw_array {
	uint32_t type;	/* element type */
	uint32_t index_type;
	uint32_t nelems;
};
int bw_btf_array(const struct bw_btf *btf, uint32_t id, struct bw_array *out,
		 struct bw_error *err);

/* Member idx of a STRUCT/UNION (raw, not flattened). */
struct bw_member {
	const char *name; /* "" for an anonymous member */
	uint32_t type;
	uint32_t bit_offset;	/* from the start of the containing type */
	uint32_t bitfield_size; /* 0 when not a bitfield */
};
int bw_btf_member(const struct bw_btf *btf, uint32_t id, uint32_t idx, struct bw_member *out,
		  struct bw_error *err);

/* Enumerator idx of an ENUM or ENUM64; value is sign- or zero-extended as kflag says. */
struct bw_enumerator {
	const char *name;
	int64_t value; /* as signed */
	uint64_t uvalue; /* as unsigned */
	bool is_signed;
};
int bw_btf_enumerator(const struct bw_btf *btf, uint32_t id, uint32_t idx,
		      struct bw_enumerator *out, struct bw_error *err);

/* Parameter idx of a FUNC_PROTO; a trailing {"" , 0} is "...". */
struct bw_param {
	const char *name;
	uint32_t type;
};
int bw_btf_param(const struct bw_btf *btf, uint32_t id, uint32_t idx, struct bw_param *out,
		 struct bw_error *err);

/* VAR linkage and FUNC linkage (vlen of FUNC). */
int bw_btf_linkage(const struct bw_btf *btf, uint32_t id, uint32_t *linkage,
		   struct bw_error *err);

/* Variable idx of a DATASEC. */
struct bw_secinfo {
	uint32_t type; /* a VAR (or FUNC) type id */
	uint32_t offset;
	uint32_t size;
};
int bw_btf_secinfo(const struct bw_btf *btf, uint32_t id, uint32_t idx, struct bw_secinfo *out,
		   struct bw_error *err);

/* DECL_TAG's component_idx (-1: the declaration itself). */
int bw_btf_decl_tag_idx(const struct bw_btf *btf, uint32_t id, int32_t *component_idx,
			struct bw_error *err);

/* ---- Queries. None scans every type: names are looked up in a hash index. ---- */

/*
 * Find a type by name and kind (BW_KIND_UNKN: any kind). When several types share the name,
 * the lowest id wins. STRUCT and UNION lookups do not return FWDs. BW_ENOENT if none.
 */
int bw_btf_find(const struct bw_btf *btf, const char *name, int kind, uint32_t *id,
		struct bw_error *err);

/* All type ids with this name (any kind), lowest first. Returns the total count (which may
 * exceed max; only the first max are stored). */
size_t bw_btf_find_all(const struct bw_btf *btf, const char *name, uint32_t *ids, size_t max);

/* Skip TYPEDEF, CONST, VOLATILE, RESTRICT, TYPE_TAG: the id of the underlying type. */
int bw_btf_resolve(const struct bw_btf *btf, uint32_t id, uint32_t *out, struct bw_error *err);

/* Size in bytes of any sized type (INT, PTR, ARRAY, STRUCT, UNION, ENUM(64), FLOAT, DATASEC, and
 * modifiers/typedefs of them). BW_EINVAL for void, FWD, FUNC, FUNC_PROTO. */
int bw_btf_sizeof(const struct bw_btf *btf, uint32_t id, uint64_t *size, struct bw_error *err);

/*
 * Alignment in bytes, as a C compiler would give: scalars min(size, pointer size) (16 for
 * 16-byte scalars on 64-bit), structs the largest member alignment, and 1 when the layout proves
 * the struct packed (a member off its alignment, or a size not a multiple of it), as libbpf's
 * btf__align_of. BTF does not record __attribute__((aligned(N))), so such structs give their
 * members' alignment. BW_EINVAL for void, FWD, FUNC, FUNC_PROTO, VAR, DATASEC, DECL_TAG.
 */
int bw_btf_alignof(const struct bw_btf *btf, uint32_t id, uint64_t *align, struct bw_error *err);

/* Where a member is, relative to the start of the outermost type. */
struct bw_member_loc {
	uint32_t type;		/* the member's type id (unresolved) */
	uint64_t byte_offset;	/* bit_offset / 8 */
	uint64_t bit_offset;	/* absolute bit offset */
	uint32_t bitfield_size; /* 0 when not a bitfield */
};

/*
 * Member name of STRUCT/UNION id (typedefs/modifiers of one are resolved first), found also
 * inside anonymous struct/union members at any depth.
 */
int bw_btf_member_find(const struct bw_btf *btf, uint32_t id, const char *name,
		       struct bw_member_loc *out, struct bw_error *err);

/*
 * A member path from type id: names separated by '.', each optionally followed by [N] array
 * indexes (multi-dimensional: [i][j]), e.g. "node_zones[2].vm_numa_event" or "scx.local_dsq.nr".
 * A path may start with an index ("[3].x") when id is an array. Indexes are decimal or 0x hex.
 * Indexes beyond the array length are BW_EINVAL (the walker checks its own bounds for pointers).
 * Note that pahole writes a multi-dimensional C array as one flat array ([2][3] -> [6]), clang
 * keeps the dimensions: index as the BTF has it. At most BW_BTF_MAX_PATH_DEPTH components.
 */
int bw_btf_path(const struct bw_btf *btf, uint32_t id, const char *path,
		struct bw_member_loc *out, struct bw_error *err);

/* Enumerator of the ENUM/ENUM64 id by name (id 0: search every enum through the name index). */
int bw_btf_enum_value(const struct bw_btf *btf, uint32_t id, const char *name,
		      struct bw_enumerator *out, struct bw_error *err);
/* Name of the first enumerator of id (typedefs resolved) with that value, compared in the
 * enum's own width (so -1 and 0xffffffff match in a 4-byte enum); NULL if none. */
const char *bw_btf_enum_name(const struct bw_btf *btf, uint32_t id, int64_t value);

/* Find variable var_name in DATASEC sec_name (e.g. ".data..percpu", "runqueues"); every DATASEC
 * of that name is searched (object files repeat section names). BW_ENOENT if none has it. */
int bw_btf_datasec_var(const struct bw_btf *btf, const char *sec_name, const char *var_name,
		       struct bw_secinfo *out, struct bw_error *err);

/*
 * Write the whole BTF in the text of `bpftool btf dump file F format raw`, line for line
 * (split BTF: only this blob's types, as bpftool with -B does).
 */
int bw_btf_dump_raw(const struct bw_btf *btf, bw_write_fn write, void *ctx, struct bw_error *err);

#ifdef __cplusplus
}
#endif
#endif
