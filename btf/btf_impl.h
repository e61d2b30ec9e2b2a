/* SPDX-License-Identifier: MIT */
/*
 * The BTF reader's private view: the on-disk layout (read with memcpy, so a blob need not be
 * aligned in the caller's buffer), the loaded object, and helpers shared by the btf/ files.
 * Not installed. Names shared between files start with bw_btfi_.
 */
#ifndef BTFWALK_BTF_IMPL_H
#define BTFWALK_BTF_IMPL_H

#include <string.h>
#include "btfwalk/btf.h"
#include "internal.h"

/* ---- On-disk format (see the kernel's Documentation/bpf/btf.rst) ---- */
#define BW_BTF_MAGIC 0xeB9F
#define BW_BTF_MAGIC_SWAPPED 0x9FeB
#define BW_BTF_VERSION 1
#define BW_BTF_HDR_LEN 24u	      /* magic..str_len */
#define BW_BTF_TYPE_LEN 12u	      /* name_off, info, size/type */
#define BW_BTF_INFO_MASK 0x9f00ffffu  /* bits that may be set in info */
#define BW_BTF_MAX_NAME_OFF 0xffffffu /* as the kernel's BTF_MAX_NAME_OFFSET */

/* Header field offsets. */
#define BW_BTF_HDR_HDR_LEN 4
#define BW_BTF_HDR_TYPE_OFF 8
#define BW_BTF_HDR_TYPE_LEN 12
#define BW_BTF_HDR_STR_OFF 16
#define BW_BTF_HDR_STR_LEN 20

/* Kind-specific record sizes. */
#define BW_BTF_MEMBER_LEN 12u  /* name_off, type, offset */
#define BW_BTF_ENUM_LEN 8u     /* name_off, val */
#define BW_BTF_ENUM64_LEN 12u  /* name_off, val_lo32, val_hi32 */
#define BW_BTF_PARAM_LEN 8u    /* name_off, type */
#define BW_BTF_SECINFO_LEN 12u /* type, offset, size */
#define BW_BTF_ARRAY_LEN 12u   /* type, index_type, nelems */

/* Ask for memory that will be read soon (names are scattered over the string section). */
#if defined(__GNUC__)
#define BW_BTFI_PREFETCH(p) __builtin_prefetch(p)
#else
#define BW_BTFI_PREFETCH(p) ((void)(p))
#endif

/* Inline even where the compiler would rather call: for the validator's hot loops, where a call
 * per name or per record costs more than the copies of the code. */
#if defined(__GNUC__)
#define BW_BTFI_INLINE inline __attribute__((always_inline))
#else
#define BW_BTFI_INLINE inline
#endif

static inline uint32_t bw_btfi_rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint16_t bw_btfi_rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline int bw_btfi_info_kind(uint32_t info)
{
	return (int)((info >> 24) & 0x1f);
}

static inline uint32_t bw_btfi_info_vlen(uint32_t info)
{
	return info & 0xffff;
}

static inline bool bw_btfi_info_kflag(uint32_t info)
{
	return info >> 31;
}

/*
 * Bytes of kind data after the common record: fixed + per_vlen * vlen (-1: unknown kind, whose
 * fixed is -1 and per_vlen 0).
 */
struct bw_btfi_kind_layout {
	int8_t fixed;
	uint8_t per_vlen;
};

static inline int64_t bw_btfi_kind_extra(int kind, uint32_t vlen)
{
	static const struct bw_btfi_kind_layout layout[32] = {
		[BW_KIND_UNKN] = {-1, 0}, /* kind 0 is no kind */
		[BW_KIND_INT] = {4, 0},
		[BW_KIND_PTR] = {0, 0},
		[BW_KIND_ARRAY] = {BW_BTF_ARRAY_LEN, 0},
		[BW_KIND_STRUCT] = {0, BW_BTF_MEMBER_LEN},
		[BW_KIND_UNION] = {0, BW_BTF_MEMBER_LEN},
		[BW_KIND_ENUM] = {0, BW_BTF_ENUM_LEN},
		[BW_KIND_FWD] = {0, 0},
		[BW_KIND_TYPEDEF] = {0, 0},
		[BW_KIND_VOLATILE] = {0, 0},
		[BW_KIND_CONST] = {0, 0},
		[BW_KIND_RESTRICT] = {0, 0},
		[BW_KIND_FUNC] = {0, 0},
		[BW_KIND_FUNC_PROTO] = {0, BW_BTF_PARAM_LEN},
		[BW_KIND_VAR] = {4, 0},
		[BW_KIND_DATASEC] = {0, BW_BTF_SECINFO_LEN},
		[BW_KIND_FLOAT] = {0, 0},
		[BW_KIND_DECL_TAG] = {4, 0},
		[BW_KIND_TYPE_TAG] = {0, 0},
		[BW_KIND_ENUM64] = {0, BW_BTF_ENUM64_LEN},
		[20] = {-1, 0},
		[21] = {-1, 0},
		[22] = {-1, 0},
		[23] = {-1, 0},
		[24] = {-1, 0},
		[25] = {-1, 0},
		[26] = {-1, 0},
		[27] = {-1, 0},
		[28] = {-1, 0},
		[29] = {-1, 0},
		[30] = {-1, 0},
		[31] = {-1, 0},
	};
	const struct bw_btfi_kind_layout *l = &layout[kind & 31];

	return l->fixed + (int64_t)l->per_vlen * vlen;
}

/* ---- Name index: one slot per distinct name, its entries chained in id order ---- */
/* A slot's name hash next to its first entry: one cache line for a probe. */
struct bw_btfi_slot {
	uint32_t first; /* 0: empty; else the name's first entry + 1 */
	uint32_t hash;	/* hash of the slot's name */
};

/* An entry waiting to be placed: see bw_btfi_index_insert. */
struct bw_btfi_queued {
	uint32_t hash, entry;
};

#define BW_BTFI_QUEUE 16 /* a power of two */

struct bw_btfi_names {
	struct bw_btfi_slot *slots;
	uint32_t *tails; /* while building: each slot's last entry + 1 */
	uint32_t *next;	 /* per entry: the next entry of the same name + 1, or 0 */
	uint32_t mask;	 /* slot count - 1 (slot count is a power of two) */
	uint32_t queued; /* while building: names added so far; the last few wait in queue */
	struct bw_btfi_queued queue[BW_BTFI_QUEUE];
};

#define BW_BTFI_NO_ALIGN 0xffu
#define BW_BTFI_NO_SIZE UINT32_MAX

/* What the graph validation notes of each type, in one 8-byte record (one store for most types,
 * one load for a member's size and alignment). */
struct bw_btfi_fact {
	uint32_t size;	    /* through modifiers/arrays, or BW_BTFI_NO_SIZE */
	uint8_t rkind;	    /* kind after typedefs/modifiers (BW_KIND_UNKN: void) */
	uint8_t align_log2; /* or BW_BTFI_NO_ALIGN */
	uint8_t depth;	    /* of a modifier: typedef/modifier hops to a non-modifier */
	uint8_t colour;	    /* the graph validation's mark (validate_graph.c) */
};

/* ---- The loaded object ---- */
/* The per-blob tables' arena (btf/arena.c). */
struct bw_btfi_arena {
	uint8_t *base; /* NULL: every table is an allocation of its own */
	size_t mapped; /* bytes mapped at base (bw_map_huge_zero) */
	size_t size;
	size_t used;
	size_t last;  /* offset of the newest table */
	size_t dirty; /* every byte from here on was never handed out: still zero */
};

struct bw_btf {
	struct bw_allocator alloc_copy;
	const struct bw_allocator *alloc; /* NULL or &alloc_copy */
	const struct bw_btf *base;
	const uint8_t *types; /* type section */
	uint32_t types_len;
	uint32_t types_at; /* byte offset of the type section in the blob (for messages) */
	const char *strs;  /* string section */
	uint32_t strs_len;
	uint32_t start_id;	    /* first type id of this blob */
	uint32_t nr_types;	    /* types in this blob */
	uint32_t start_str;	    /* first string offset of this blob */
	uint32_t ptr_size;	    /* bytes of a pointer on the BTF's machine */
	uint32_t *offs;		    /* offs[i]: byte offset of type start_id + i in types */
	uint8_t *kinds;		    /* kinds[i]: kind of type start_id + i */
	struct bw_btfi_fact *facts; /* facts[i]: of type start_id + i */
	struct bw_btfi_names names; /* entry: type index i (id start_id + i) */
	uint64_t hash_key[2];	    /* per object, random: see bw_btfi_index_alloc */
	/* entry: index into enum_refs; enum_refs[2k] = type index, [2k+1] = enumerator index */
	struct bw_btfi_names enumerators;
	uint32_t *enum_refs;
	uint32_t nr_enumerators;
	struct bw_btfi_arena arena;
	void *owned; /* the file's bytes, or a private copy of the other byte order; freed on close */
	bool swapped;
};

/* Record of type id (id in [start_id, start_id + nr_types) of some blob in the chain). */
static inline const struct bw_btf *bw_btfi_owner(const struct bw_btf *btf, uint32_t id)
{
	while (btf && id < btf->start_id)
		btf = btf->base;
	return btf;
}

/* Pointer to the 12-byte common record of an existing id >= 1 (the caller checked range). */
static inline const uint8_t *bw_btfi_rec(const struct bw_btf *btf, uint32_t id)
{
	const struct bw_btf *o = bw_btfi_owner(btf, id);

	return o->types + o->offs[id - o->start_id];
}

static inline uint32_t bw_btfi_type_cnt(const struct bw_btf *btf)
{
	return btf->start_id + btf->nr_types;
}

/* Common-record fields of an existing id >= 1. */
static inline uint32_t bw_btfi_info(const struct bw_btf *btf, uint32_t id)
{
	return bw_btfi_rd32(bw_btfi_rec(btf, id) + 4);
}

static inline int bw_btfi_kind(const struct bw_btf *btf, uint32_t id)
{
	const struct bw_btf *o;

	if (!id)
		return BW_KIND_UNKN;
	o = bw_btfi_owner(btf, id);
	return o->kinds[id - o->start_id];
}

/* Facts the graph validation noted for every type (this blob's, or the base's). */
static inline struct bw_btfi_fact bw_btfi_fact_of(const struct bw_btf *btf, uint32_t id)
{
	const struct bw_btf *o;

	if (!id)
		return (struct bw_btfi_fact){BW_BTFI_NO_SIZE, BW_KIND_UNKN, BW_BTFI_NO_ALIGN, 0, 0};
	o = bw_btfi_owner(btf, id);
	return o->facts[id - o->start_id];
}

static inline uint32_t bw_btfi_size_of(const struct bw_btf *btf, uint32_t id)
{
	return bw_btfi_fact_of(btf, id).size;
}

static inline uint8_t bw_btfi_align_of(const struct bw_btf *btf, uint32_t id)
{
	return bw_btfi_fact_of(btf, id).align_log2;
}

static inline int bw_btfi_rkind_of(const struct bw_btf *btf, uint32_t id)
{
	return bw_btfi_fact_of(btf, id).rkind;
}

static inline bool bw_btfi_is_modifier(int kind)
{
	return kind == BW_KIND_TYPEDEF || kind == BW_KIND_CONST || kind == BW_KIND_VOLATILE ||
	       kind == BW_KIND_RESTRICT || kind == BW_KIND_TYPE_TAG;
}

/* A string by offset without checks (offsets were validated at load). */
const char *bw_btfi_str(const struct bw_btf *btf, uint32_t off);

/* Loader steps (one file each). */
int bw_btfi_elf_find(const uint8_t *data, size_t len, size_t *off, size_t *size, uint32_t *ptr_size,
		     struct bw_error *err);
int bw_btfi_swap(uint8_t *blob, size_t len, uint32_t start_id, struct bw_error *err);
/*
 * Tables of a blob (btf/arena.c): with libc's allocator, carved from one arena of `size` bytes
 * (at most BW_BTFI_ARENA_MAX), a mapping of its own in huge pages (below BW_BTFI_ARENA_MIN:
 * none); otherwise, or when the arena is full, allocations of their own. tab_alloc checks
 * n * size; tab_zalloc clears only arena space used before (the rest is still zero); tab_grow is
 * realloc, given the old size (a table in the arena moves, leaving its old space unused);
 * tab_free of a table in the arena does nothing (the newest: its space is reused).
 * arena_release frees the arena, after every table has been tab_free'd or is no longer read.
 */
/* The bound a blob's tables are reserved for is about four times what a kernel's tables use:
 * below this they would fill too little of their last 2 MiB page to be worth it. */
#define BW_BTFI_ARENA_MIN ((size_t)8 << 20)
/* A 7.x kernel's bound is 20 MB: bigger blobs' further tables are allocated on their own. */
#define BW_BTFI_ARENA_MAX ((size_t)64 << 20)
void bw_btfi_arena_reserve(struct bw_btf *btf, size_t size);
void bw_btfi_arena_release(struct bw_btf *btf);
void *bw_btfi_tab_alloc(struct bw_btf *btf, size_t n, size_t size);
void *bw_btfi_tab_zalloc(struct bw_btf *btf, size_t n, size_t size);
void *bw_btfi_tab_grow(struct bw_btf *btf, void *p, size_t old, size_t size);
void bw_btfi_tab_free(struct bw_btf *btf, void *p);
/* The arena's fill level, and a return to it once every table allocated since is dead. */
size_t bw_btfi_arena_mark(const struct bw_btf *btf);
void bw_btfi_arena_reset(struct bw_btf *btf, size_t mark);

/* Validate blob (native byte order) as this btf's own types, building offs, kinds, the
 * name indexes, alignments and sizes. */
int bw_btfi_validate(struct bw_btf *btf, const uint8_t *blob, size_t len, struct bw_error *err);

/* Fail with "BTF [id] KIND 'name' at offset N: <what>" for a type of this blob. */
int bw_btfi_type_fail(const struct bw_btf *btf, uint32_t id, struct bw_error *err, int code,
		      const char *fmt, ...) BW_PRINTF(5, 6);

/* ---- Validation steps (validate_*.c) ---- */
struct bw_btfi_check {
	struct bw_btf *btf;
	struct bw_error *err;
	uint32_t long_size; /* size of the INT 'long int', if seen: the pointer size */
	uint8_t *ident_ok;  /* bit per string offset of this blob: known to be an identifier */
};
/* Each record's own rules and references, in id order; adds their names to the indexes. */
int bw_btfi_check_types(struct bw_btfi_check *c);
/*
 * Cycles (by value, and through pointers/modifiers), found without recursion; in post-order
 * notes each type's facts, checking arrays and members as each is finished.
 */
int bw_btfi_check_graph(struct bw_btf *btf, struct bw_error *err);
/* Array idx (its element and index types finished): element and index kinds, total size. */
int bw_btfi_check_array(struct bw_btf *btf, uint32_t idx, struct bw_error *err);
/* Struct/union idx (its member types finished): members within it, bitfields, alignment. */
int bw_btfi_check_members(struct bw_btf *btf, uint32_t idx, struct bw_error *err);
/* Variable idx (its type finished): of a sized type. */
int bw_btfi_check_var(const struct bw_btf *btf, uint32_t idx, struct bw_error *err);
/* Section idx (its variables finished): entries as large as their variables. */
int bw_btfi_check_datasec(const struct bw_btf *btf, uint32_t idx, struct bw_error *err);
/* Decl tag idx: the component it tags exists. */
int bw_btfi_check_decl_tag(const struct bw_btf *btf, uint32_t idx, struct bw_error *err);

/* ---- Name indexes (index.c) ---- */
/*
 * The name hash, keyed per object: the name zero-padded to whole blocks of 16 bytes (at least
 * one zero byte, so a name of 16n bytes ends in a block of zeros), each block's two little-endian
 * words a, b folded into the state by a 64x64->128-bit multiply of (a ^ key[0]) by
 * (b ^ state ^ key[1]), the product's halves xor-ed (wyhash's step: one multiply per 16 bytes).
 * Names have no NUL, so the padded blocks tell every name apart without its length. Keyed per
 * object, so names cannot be chosen offline to collide (not a proven PRF like SipHash: a
 * flooding defence).
 */
static inline uint64_t bw_btfi_mix(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__)
	__extension__ unsigned __int128 p = (unsigned __int128)a * b;

	return (uint64_t)p ^ (uint64_t)(p >> 64);
#else
	uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;

	return ((mid << 32) | (uint32_t)ll) ^ (hh + (lh >> 32) + (hl >> 32) + (mid >> 32));
#endif
}

/* The state h after one more block (a, b). */
static inline uint64_t bw_btfi_hash_block(const struct bw_btf *btf, uint64_t h, uint64_t a,
					  uint64_t b)
{
	return bw_btfi_mix(a ^ btf->hash_key[0], b ^ h ^ btf->hash_key[1]);
}

/* The hash, from the state before the last block (a, b) (the one holding the padding). */
static inline uint32_t bw_btfi_hash_last(const struct bw_btf *btf, uint64_t h, uint64_t a,
					 uint64_t b)
{
	h = bw_btfi_hash_block(btf, h, a, b);
	return (uint32_t)(h ^ (h >> 32));
}

/* Little-endian load of n <= 8 bytes, zero-padded. */
static inline uint64_t bw_btfi_load(const char *s, size_t n)
{
	uint64_t w = 0;
	size_t i;

	for (i = 0; i < n; i++)
		w |= (uint64_t)(uint8_t)s[i] << (8 * i);
	return w;
}

static inline uint64_t bw_btfi_load8(const char *s)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t w;

	memcpy(&w, s, 8);
	return w;
#else
	return bw_btfi_load(s, 8);
#endif
}

/* The hash of a NUL-terminated name (the same as validation computes for it). */
uint32_t bw_btfi_hash(const struct bw_btf *btf, const char *s);
/* names: records with a name (at most); enumerators: all of them. Sets btf->hash_key. */
int bw_btfi_index_alloc(struct bw_btf *btf, uint32_t names, uint32_t enumerators,
			struct bw_error *err);
/* What only insertion needs, after bw_btfi_index_alloc; dropped by bw_btfi_index_done. */
int bw_btfi_index_alloc_tails(struct bw_btf *btf, struct bw_error *err);
/* Building is over: place the names still queued, drop what only insertion needed. */
void bw_btfi_index_done(struct bw_btf *btf);
/* Whether entries a and b (0-based) of table t (of btf) have the same name. */
bool bw_btfi_index_same(const struct bw_btf *btf, const struct bw_btfi_names *t, uint32_t a,
			uint32_t b);

/* Place the queued entry q in t: append it to its name's chain. */
static inline void bw_btfi_index_place(const struct bw_btf *btf, struct bw_btfi_names *t,
				       const struct bw_btfi_queued *q)
{
	uint32_t i = q->hash & t->mask, e;

	t->next[q->entry] = 0;
	for (; (e = t->slots[i].first); i = (i + 1) & t->mask) {
		if (t->slots[i].hash == q->hash && bw_btfi_index_same(btf, t, e - 1, q->entry)) {
			t->next[t->tails[i] - 1] = q->entry + 1;
			t->tails[i] = q->entry + 1;
			return;
		}
	}
	t->slots[i].first = q->entry + 1;
	t->slots[i].hash = q->hash;
	t->tails[i] = q->entry + 1;
}

/*
 * Add entry (0-based, in id order) whose name has that hash to table t. The slot is a cache
 * miss in a table of megabytes: placed at once, validation waited on it for every name (perf
 * put a third of its samples on that load). So its lines are prefetched now and the entry
 * placed BW_BTFI_QUEUE names later, in the same order; bw_btfi_index_done places the rest.
 * Inline: validation adds every name, and a call per name cost more than the probe.
 */
static inline void bw_btfi_index_insert(const struct bw_btf *btf, struct bw_btfi_names *t,
					uint32_t hash, uint32_t entry)
{
	struct bw_btfi_queued *q = &t->queue[t->queued++ & (BW_BTFI_QUEUE - 1)];

	if (t->queued > BW_BTFI_QUEUE)
		bw_btfi_index_place(btf, t, q);
	q->hash = hash;
	q->entry = entry;
	BW_BTFI_PREFETCH(&t->slots[hash & t->mask]);
	BW_BTFI_PREFETCH(&t->tails[hash & t->mask]);
}

/* Add type index i / enumerator k of type index i, whose name has that hash. */
static inline void bw_btfi_index_add_name(struct bw_btf *btf, uint32_t i, uint32_t hash)
{
	bw_btfi_index_insert(btf, &btf->names, hash, i);
}

static inline void bw_btfi_index_add_enumerator(struct bw_btf *btf, uint32_t i, uint32_t k,
						uint32_t hash)
{
	uint32_t n = btf->nr_enumerators++;

	btf->enum_refs[2 * n] = i;
	btf->enum_refs[2 * n + 1] = k;
	bw_btfi_index_insert(btf, &btf->enumerators, hash, n);
}
void bw_btfi_index_free(struct bw_btf *btf);
/* Visit the ids of this blob (not the base) named name, lowest first; stop when fn returns
 * non-zero and return that value. */
int bw_btfi_names_each(const struct bw_btf *btf, const char *name,
		       int (*fn)(void *ctx, uint32_t id), void *ctx);
/* The same for enumerator names: fn gets the ENUM/ENUM64 id and the enumerator index. */
int bw_btfi_enumerators_each(const struct bw_btf *btf, const char *name,
			     int (*fn)(void *ctx, uint32_t id, uint32_t idx), void *ctx);

/* Size of a sized type (from its facts). */
int bw_btfi_sizeof(const struct bw_btf *btf, uint32_t id, uint64_t *size, struct bw_error *err);

#endif
