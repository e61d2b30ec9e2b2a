/* SPDX-License-Identifier: MIT */
#include <string.h>
#include "kallsyms_encode.h"

struct kenc {
	uint8_t *out;
	size_t cap, len;
	bool full;
};

static size_t kenc_align(struct kenc *e, size_t align)
{
	while (e->len % align && e->len < e->cap)
		e->out[e->len++] = 0;
	if (e->len % align)
		e->full = true;
	return e->len;
}

static void kenc_put(struct kenc *e, uint64_t v, size_t bytes)
{
	if (e->cap - e->len < bytes) {
		e->full = true;
		return;
	}
	for (size_t i = 0; i < bytes; i++)
		e->out[e->len++] = (uint8_t)(v >> (8 * i));
}

size_t kallsyms_encode(const struct ksym *syms, size_t n, uint8_t *out, size_t cap,
		       struct ksym_layout *where)
{
	struct kenc e = { .out = out, .cap = cap };
	size_t i, j, seq[64];

	if (n > sizeof(seq) / sizeof(seq[0]))
		return 0;
	where->num_syms = kenc_align(&e, 8);
	kenc_put(&e, n, 4);
	where->addresses = kenc_align(&e, 8);
	for (i = 0; i < n; i++)
		kenc_put(&e, syms[i].addr, 8);
	/* Token i expands to the character i, so a name is its own bytes after the type. */
	where->names = e.len;
	for (i = 0; i < n; i++) {
		size_t len = strlen(syms[i].name) + 1;

		kenc_put(&e, len, 1);
		kenc_put(&e, (uint8_t)syms[i].type, 1);
		for (j = 0; j + 1 < len; j++)
			kenc_put(&e, (uint8_t)syms[i].name[j], 1);
	}
	where->markers = kenc_align(&e, 4);
	kenc_put(&e, 0, 4);
	where->token_table = e.len;
	for (i = 0; i < 256; i++) {
		kenc_put(&e, i ? i : '?', 1);
		kenc_put(&e, 0, 1);
	}
	where->token_index = kenc_align(&e, 2);
	for (i = 0; i < 256; i++)
		kenc_put(&e, 2 * i, 2);
	/* seqs_of_names: symbol indexes in name order, 3 bytes big-endian each. */
	for (i = 0; i < n; i++)
		seq[i] = i;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(syms[seq[j - 1]].name, syms[seq[j]].name) > 0; j--) {
			size_t t = seq[j];

			seq[j] = seq[j - 1];
			seq[j - 1] = t;
		}
	where->seqs_of_names = e.len;
	for (i = 0; i < n; i++) {
		kenc_put(&e, (seq[i] >> 16) & 0xff, 1);
		kenc_put(&e, (seq[i] >> 8) & 0xff, 1);
		kenc_put(&e, seq[i] & 0xff, 1);
	}
	return e.full ? 0 : e.len;
}
