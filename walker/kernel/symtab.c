// SPDX-License-Identifier: MIT
/*
 * Symbol tables: System.map and /proc/kallsyms text, or built by the kallsyms decoder, or
 * answered from the kernel's kallsyms tables (decoded whole only when a lookup cannot be a
 * binary search, or when the table is listed).
 */
#include <stdatomic.h>
#include <string.h>
#include "internal.h"
#include "kernel/symtab_impl.h"

#define SYMTAB_NO_MODULE UINT32_MAX

struct symtab_sym {
	uint64_t addr;
	uint32_t name;	 /* offset in the pool */
	uint32_t module; /* offset in the pool, or SYMTAB_NO_MODULE */
	char type;
};

struct bw_symtab {
	struct bw_allocator alloc_copy;
	const struct bw_allocator *alloc;
	char *pool; /* NUL-terminated names */
	size_t pool_len, pool_cap;
	struct symtab_sym *syms;
	size_t count, cap;
	uint32_t *slots; /* open addressing: symbol index + 1, 0 empty; one per distinct name */
	size_t nslots;	 /* power of two, at least twice the symbols */
	struct bw_kallsyms *ks;		  /* non-NULL: the kernel's tables answer */
	_Atomic(struct bw_symtab *) full; /* ks decoded whole, the first time that is needed */
};

int bw_symtab_new(const struct bw_allocator *alloc, struct bw_symtab **out, struct bw_error *err)
{
	struct bw_symtab *st = bw_zalloc(alloc, sizeof(*st));

	if (!st)
		return bw_fail(err, BW_ENOMEM, "out of memory for a symbol table");
	if (alloc) {
		st->alloc_copy = *alloc;
		st->alloc = &st->alloc_copy;
	}
	*out = st;
	return 0;
}

void bw_symtab_free(struct bw_symtab *st)
{
	if (!st)
		return;
	bw_symtab_free(atomic_load(&st->full));
	bw_kallsyms_free(st->ks, st->alloc);
	bw_free(st->alloc, st->pool);
	bw_free(st->alloc, st->syms);
	bw_free(st->alloc, st->slots);
	bw_free(st->alloc, st);
}

/* Append s[0..len) and a NUL to the pool; *off gets where. */
static int symtab_intern(struct bw_symtab *st, const char *s, size_t len, uint32_t *off,
			 struct bw_error *err)
{
	if (len + 1 > UINT32_MAX - st->pool_len)
		return bw_fail(err, BW_ELIMIT, "symbol names exceed 4 GiB");
	if (st->pool_len + len + 1 > st->pool_cap) {
		size_t cap = st->pool_cap ? st->pool_cap : 4096;
		char *pool;

		while (cap < st->pool_len + len + 1)
			cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
		pool = bw_realloc(st->alloc, st->pool, cap);
		if (!pool)
			return bw_fail(err, BW_ENOMEM,
				       "out of memory for %zu bytes of symbol names", cap);
		st->pool = pool;
		st->pool_cap = cap;
	}
	memcpy(st->pool + st->pool_len, s, len);
	st->pool[st->pool_len + len] = '\0';
	*off = (uint32_t)st->pool_len;
	st->pool_len += len + 1;
	return 0;
}

int bw_symtab_add(struct bw_symtab *st, const char *name, size_t len, char type, uint64_t addr,
		  const char *module, size_t module_len, struct bw_error *err)
{
	struct symtab_sym sym = {addr, 0, SYMTAB_NO_MODULE, type};
	int ret;

	if (st->count == BW_SYMTAB_MAX_SYMBOLS)
		return bw_fail(err, BW_ELIMIT, "more than %u symbols (at %.*s)",
			       BW_SYMTAB_MAX_SYMBOLS, (int)(len > 64 ? 64 : len), name);
	if (!len || len > BW_SYMTAB_MAX_NAME_LEN || memchr(name, '\0', len))
		return bw_fail(err, BW_EFORMAT,
			       "symbol %zu: name of %zu bytes is empty, too long "
			       "or has a NUL",
			       st->count, len);
	if (st->count == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 1024;
		struct symtab_sym *syms = bw_realloc(st->alloc, st->syms, cap * sizeof(*syms));

		if (!syms)
			return bw_fail(err, BW_ENOMEM, "out of memory for %zu symbols", cap);
		st->syms = syms;
		st->cap = cap;
	}
	ret = symtab_intern(st, name, len, &sym.name, err);
	if (!ret && module)
		ret = symtab_intern(st, module, module_len, &sym.module, err);
	if (ret)
		return ret;
	st->syms[st->count++] = sym;
	return 0;
}

static uint64_t symtab_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

/* Lower is preferred: the kernel's globals, its locals, then modules. */
static int symtab_rank(const struct symtab_sym *s)
{
	if (s->module != SYMTAB_NO_MODULE)
		return 2;
	return s->type >= 'A' && s->type <= 'Z' ? 0 : 1;
}

/* The slot holding name, or the empty slot where it would go. */
static size_t symtab_slot(const struct bw_symtab *st, const char *name)
{
	size_t mask = st->nslots - 1, i = (size_t)symtab_hash(name) & mask;

	while (st->slots[i] && strcmp(st->pool + st->syms[st->slots[i] - 1].name, name))
		i = (i + 1) & mask;
	return i;
}

int bw_symtab_index(struct bw_symtab *st, struct bw_error *err)
{
	size_t n = 16, i;

	while (n < st->count * 2)
		n *= 2;
	bw_free(st->alloc, st->slots);
	st->slots = bw_alloc_array(st->alloc, n, sizeof(*st->slots));
	if (!st->slots)
		return bw_fail(err, BW_ENOMEM, "out of memory for the index of %zu symbols",
			       st->count);
	memset(st->slots, 0, n * sizeof(*st->slots));
	st->nslots = n;
	for (i = 0; i < st->count; i++) {
		size_t slot = symtab_slot(st, st->pool + st->syms[i].name);

		if (!st->slots[slot] ||
		    symtab_rank(&st->syms[i]) < symtab_rank(&st->syms[st->slots[slot] - 1]))
			st->slots[slot] = (uint32_t)(i + 1);
	}
	return 0;
}

int bw_symtab_new_kallsyms(const struct bw_allocator *alloc, struct bw_kallsyms *ks,
			   struct bw_symtab **out, struct bw_error *err)
{
	int ret = bw_symtab_new(alloc, out, err);

	if (ret) {
		bw_kallsyms_free(ks, alloc);
		return ret;
	}
	(*out)->ks = ks;
	return 0;
}

/*
 * The decoded table of a kallsyms-backed one, decoded now if no caller did yet. Callers racing
 * here each decode; the first to publish wins and the others free theirs.
 */
static int symtab_full(const struct bw_symtab *st, const struct bw_symtab **out,
		       struct bw_error *err)
{
	struct bw_symtab *full = atomic_load(&((struct bw_symtab *)st)->full), *expected = NULL;
	int ret;

	if (!full) {
		ret = bw_kallsyms_decode(st->ks, st->alloc, &full, err);
		if (ret)
			return ret;
		if (!atomic_compare_exchange_strong(&((struct bw_symtab *)st)->full, &expected,
						    full)) {
			bw_symtab_free(full);
			full = expected;
		}
	}
	*out = full;
	return 0;
}

int bw_symtab_lookup(const struct bw_symtab *st, const char *name, uint64_t *addr,
		     struct bw_error *err)
{
	size_t slot;
	int ret;

	if (!st || !name || !addr)
		return bw_fail(err, BW_EINVAL, "bw_symtab_lookup: NULL argument");
	if (st->ks && bw_kallsyms_sorted(st->ks))
		return bw_kallsyms_lookup(st->ks, name, addr, err);
	if (st->ks) {
		ret = symtab_full(st, &st, err);
		if (ret)
			return ret;
	}
	if (!st->nslots)
		return bw_fail(err, BW_ENOENT, "symbol %.200s not found (empty table)", name);
	slot = symtab_slot(st, name);
	if (!st->slots[slot])
		return bw_fail(err, BW_ENOENT, "symbol %.200s not found", name);
	*addr = st->syms[st->slots[slot] - 1].addr;
	return 0;
}

size_t bw_symtab_count(const struct bw_symtab *st)
{
	if (st && st->ks)
		return bw_kallsyms_count(st->ks);
	return st ? st->count : 0;
}

int bw_symtab_get(const struct bw_symtab *st, size_t index, struct bw_symbol *out)
{
	const struct symtab_sym *s;
	int ret;

	if (st && st->ks) {
		ret = symtab_full(st, &st, NULL);
		if (ret)
			return ret;
	}
	if (!st || !out || index >= st->count)
		return -BW_ENOENT;
	s = &st->syms[index];
	out->name = st->pool + s->name;
	out->module = s->module == SYMTAB_NO_MODULE ? NULL : st->pool + s->module;
	out->addr = s->addr;
	out->type = s->type;
	return 0;
}

/* ---- System.map / /proc/kallsyms text ---- */

static bool symtab_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Parse one line (no newline); a blank line adds nothing. */
static int symtab_parse_line(struct bw_symtab *st, const char *p, const char *end, size_t lineno,
			     bool *nonzero, struct bw_error *err)
{
	const char *name, *module = NULL;
	size_t name_len, module_len = 0, digits = 0;
	uint64_t addr = 0;
	char type;

	if (end > p && end[-1] == '\r')
		end--;
	if (p == end)
		return 0;
	for (digits = 0; p + digits < end && !symtab_space(p[digits]); digits++)
		;
	/* At most 16 hex digits: an address, never "0x"-prefixed in these files. */
	if (digits > 16 || (digits > 1 && (p[1] == 'x' || p[1] == 'X')) ||
	    !bw_parse_u64(p, digits, 16, &addr))
		goto bad;
	p += digits;
	if (!digits || p == end)
		goto bad;
	while (p < end && symtab_space(*p))
		p++;
	if (end - p < 2 || symtab_space(p[0]) || !symtab_space(p[1]))
		goto bad;
	type = *p;
	p += 2;
	while (p < end && symtab_space(*p))
		p++;
	name = p;
	while (p < end && !symtab_space(*p))
		p++;
	name_len = (size_t)(p - name);
	while (p < end && symtab_space(*p))
		p++;
	if (p < end) {
		if (*p != '[' || end[-1] != ']' || end - p < 3)
			goto bad;
		module = p + 1;
		module_len = (size_t)(end - p) - 2;
		if (memchr(module, ' ', module_len) || memchr(module, '\t', module_len))
			goto bad;
	}
	if (!name_len || name_len > BW_SYMTAB_MAX_NAME_LEN)
		goto bad;
	if (addr)
		*nonzero = true;
	return bw_symtab_add(st, name, name_len, type, addr, module, module_len, err);
bad:
	return bw_fail(err, BW_EFORMAT, "symbol file line %zu is not \"ADDR TYPE NAME [module]\"",
		       lineno);
}

int bw_symtab_parse(const char *text, size_t len, const struct bw_allocator *alloc,
		    struct bw_symtab **out, struct bw_error *err)
{
	struct bw_symtab *st = NULL;
	const char *p, *end, *nul;
	bool nonzero = false;
	size_t lineno = 0;
	int ret;

	if (!out || (!text && len))
		return bw_fail(err, BW_EINVAL, "bw_symtab_parse: NULL argument");
	*out = NULL;
	nul = len ? memchr(text, '\0', len) : NULL;
	end = nul ? nul : text + len;
	ret = bw_symtab_new(alloc, &st, err);
	if (ret)
		return ret;
	for (p = text; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		ret = symtab_parse_line(st, p, eol, ++lineno, &nonzero, err);
		if (ret)
			goto fail;
		p = nl ? nl + 1 : end;
	}
	if (!st->count) {
		ret = bw_fail(err, BW_EFORMAT, "symbol file has no symbol");
		goto fail;
	}
	if (!nonzero) {
		ret = bw_fail(err, BW_EFORMAT,
			      "every address in the symbol file is 0 (kptr_restrict hid them)");
		goto fail;
	}
	ret = bw_symtab_index(st, err);
	if (ret)
		goto fail;
	*out = st;
	return 0;
fail:
	bw_symtab_free(st);
	return ret;
}
