// SPDX-License-Identifier: MIT
/*
 * Symbol lookups on real dumps (the e2e captures in $BTFWALK_CACHE/dumps/<name>/) against the
 * guest's own /proc/kallsyms saved beside each dump: a random sample of the kernel's symbols
 * (seed printed) resolves through bw_kernel_symbol to the address the guest listed (for a name
 * listed more than once: the first global one, else the first local one), and opening the dump
 * and looking them up holds less heap than a decoded table's symbol array alone (24 bytes a
 * symbol): the lookups are binary searches of kallsyms_seqs_of_names, not a decode of every name.
 * Names VMCOREINFO gives a SYMBOL() for are left out: bw_kernel_symbol answers those from
 * VMCOREINFO, and some of its SYMBOL()s are values, not addresses (mem_section).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <cmocka.h>
#include "btfwalk.h"

#define SAMPLE 3000

struct heap {
	size_t cur, peak;
};

#define HDR 16

static void *heap_malloc(void *ctx, size_t size)
{
	struct heap *h = ctx;
	char *p = malloc(size + HDR);

	if (!p)
		return NULL;
	memcpy(p, &size, sizeof(size));
	h->cur += size;
	if (h->cur > h->peak)
		h->peak = h->cur;
	return p + HDR;
}

static void heap_free(void *ctx, void *ptr)
{
	struct heap *h = ctx;
	size_t size;

	if (!ptr)
		return;
	memcpy(&size, (char *)ptr - HDR, sizeof(size));
	h->cur -= size;
	free((char *)ptr - HDR);
}

static void *heap_realloc(void *ctx, void *ptr, size_t size)
{
	void *p = heap_malloc(ctx, size);
	size_t old;

	if (p && ptr) {
		memcpy(&old, (char *)ptr - HDR, sizeof(old));
		memcpy(p, ptr, old < size ? old : size);
		heap_free(ctx, ptr);
	}
	return p;
}

/* The guest's kernel symbols (no module ones), sorted by name then preference. */
struct gsym {
	struct bw_symbol s;
	size_t index;
};

static int gsym_rank(const struct gsym *g)
{
	return g->s.type >= 'A' && g->s.type <= 'Z' ? 0 : 1;
}

static int gsym_cmp(const void *a, const void *b)
{
	const struct gsym *x = a, *y = b;
	int c = strcmp(x->s.name, y->s.name);

	if (c)
		return c;
	if (gsym_rank(x) != gsym_rank(y))
		return gsym_rank(x) - gsym_rank(y);
	return x->index < y->index ? -1 : x->index > y->index;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		if (buf) {
			buf[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

static void check_dump(const char *dir, unsigned seed)
{
	struct heap h = {0, 0};
	struct bw_allocator alloc = {heap_malloc, heap_realloc, heap_free, &h};
	struct bw_kernel_opts opts = {.alloc = &alloc};
	struct bw_kernel *btf_owner;
	char path[8400];
	const char *spec = path;
	struct bw_symtab *guest;
	struct bw_kernel *k;
	struct bw_error err;
	struct bw_mem *mem;
	struct gsym *g;
	size_t len, n = 0, i, count, sampled = 0;
	uint64_t addr;
	char *text, *vmcoreinfo, key[600];

	snprintf(path, sizeof(path), "%s/vmcoreinfo.txt", dir);
	vmcoreinfo = slurp(path, &len);
	assert_non_null(vmcoreinfo);
	snprintf(path, sizeof(path), "%s/kallsyms", dir);
	text = slurp(path, &len);
	if (!text) {
		printf("# note: %s has no kallsyms file\n", dir);
		return;
	}
	assert_int_equal(bw_symtab_parse(text, len, NULL, &guest, &err), 0);
	free(text);
	count = bw_symtab_count(guest);
	g = calloc(count, sizeof(*g));
	assert_non_null(g);
	for (i = 0; i < count; i++) {
		assert_int_equal(bw_symtab_get(guest, i, &g[n].s), 0);
		g[n].index = i;
		n += !g[n].s.module;
	}
	qsort(g, n, sizeof(*g), gsym_cmp);

	snprintf(path, sizeof(path), "%s/vmcore.elf", dir);
	if (bw_mem_open(&spec, 1, NULL, &mem, &err))
		fail_msg("%s: %s", path, err.msg);
	/* The BTF comes from a first, uncounted open: the count is the symbols' alone. */
	if (bw_kernel_open(mem, NULL, &btf_owner, &err))
		fail_msg("%s: %s", path, err.msg);
	opts.btf = bw_kernel_btf(btf_owner);
	if (bw_kernel_open(mem, &opts, &k, &err))
		fail_msg("%s: %s", path, err.msg);
	srand(seed);
	for (i = 0; i < SAMPLE; i++) {
		size_t j = ((size_t)rand() * ((size_t)RAND_MAX + 1) + (size_t)rand()) % n;

		while (j && !strcmp(g[j - 1].s.name, g[j].s.name))
			j--; /* the preferred entry of that name */
		snprintf(key, sizeof(key), "SYMBOL(%s)=", g[j].s.name);
		if (strstr(vmcoreinfo, key))
			continue;
		if (bw_kernel_symbol(k, g[j].s.name, &addr, &err))
			fail_msg("%s: %s: %s", dir, g[j].s.name, err.msg);
		if (addr != g[j].s.addr)
			fail_msg("%s: %s is 0x%llx through kallsyms, the guest says 0x%llx", dir,
				 g[j].s.name, (unsigned long long)addr,
				 (unsigned long long)g[j].s.addr);
		sampled++;
	}
	assert_int_equal(bw_kernel_symbol(k, "btfwalk_no_such_symbol", &addr, &err), -BW_ENOENT);
	if (h.peak >= n * 24)
		fail_msg("%s: open and lookups took %zu bytes of heap: the table was decoded, not "
			 "searched",
			 dir, h.peak);
	printf("# %s: %zu random symbols of %zu (seed %u) resolve to the guest's addresses, in "
	       "%zu bytes of heap\n",
	       dir, sampled, n, seed, h.peak);
	bw_kernel_close(k);
	bw_kernel_close(btf_owner);
	bw_mem_close(mem);
	bw_symtab_free(guest);
	free(g);
	free(vmcoreinfo);
}

static void test_real_lookups(void **state)
{
	const char *cache = getenv("BTFWALK_CACHE"), *home = getenv("HOME");
	unsigned seed = (unsigned)time(NULL);
	char base[4096], dir[4096 + 512];
	struct dirent *de;
	int checked = 0;
	DIR *d;

	(void)state;
	if (getenv("KALLSYMS_SEED"))
		seed = (unsigned)strtoul(getenv("KALLSYMS_SEED"), NULL, 0);
	if (cache)
		snprintf(base, sizeof(base), "%s/dumps", cache);
	else
		snprintf(base, sizeof(base), "%s/.cache/btfwalk/dumps", home ? home : "");
	d = opendir(base);
	while (d && (de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%.255s/vmcore.elf", base, de->d_name);
		f = fopen(dir, "rb");
		if (!f)
			continue;
		fclose(f);
		snprintf(dir, sizeof(dir), "%s/%.255s", base, de->d_name);
		check_dump(dir, seed);
		checked++;
	}
	if (d)
		closedir(d);
	if (!checked) {
		printf("ok - kallsyms lookups on real dumps # SKIP no vmcore.elf in %s "
		       "(make the e2e dumps first)\n",
		       base);
		skip();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_lookups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
