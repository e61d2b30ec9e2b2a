// SPDX-License-Identifier: MIT
/*
 * Real dumps of real guests (captured by the e2e tests into $BTFWALK_CACHE/dumps/<name>/), read
 * with the memory layer alone and checked against what the guest and QEMU said themselves:
 *  - the guest's own /proc/kallsyms (file "kallsyms") against the kallsyms tables decoded from
 *    the dump, every symbol, name, type and address, in order;
 *  - QEMU's "info registers" (registers.txt) against the ELF core's CPU notes;
 *  - the guest's VMCOREINFO text (vmcoreinfo.txt) against the note and the memory scan;
 *  - the page-table walk from init_top_pgt against the kernel-image mapping (phys_base).
 * Every capture form of each dump is checked: mem.raw, vmcore.elf and the per-node files.
 * Skips (with the reason) when no dump is cached.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "btfwalk/mem.h"

#define START_KERNEL_MAP 0xffffffff80000000ull

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		abort();
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* The "args" strings of "forms" -> form in manifest.json (a crude scan of what e2e writes). */
static int form_args(const char *manifest, const char *form, const char *dir, char args[][4200],
		     int max)
{
	char key[64];
	const char *p = strstr(manifest, "\"forms\"");
	int n = 0;

	snprintf(key, sizeof(key), "\"%s\": {", form);
	p = p ? strstr(p, key) : NULL;
	p = p ? strstr(p, "\"args\": [") : NULL;
	if (!p)
		return 0;
	p += strlen("\"args\": [");
	while (n < max) {
		const char *q = strchr(p, '"'), *end = strchr(p, ']'), *close;

		if (!q || !end || end < q)
			break;
		close = strchr(q + 1, '"');
		if (!close)
			break;
		snprintf(args[n++], 4200, "%s/%.*s", dir, (int)(close - q - 1), q + 1);
		p = close + 1;
	}
	return n;
}

struct kview {
	const struct bw_mem *mem;
	uint64_t phys_base;
};

/* Kernel-image addresses only: vaddr - __START_KERNEL_map + phys_base. */
static int image_vread(void *ctx, uint64_t vaddr, void *buf, size_t len)
{
	const struct kview *k = ctx;

	if (vaddr < START_KERNEL_MAP)
		return -1;
	return bw_mem_read(k->mem, vaddr - START_KERNEL_MAP + k->phys_base, buf, len, NULL);
}

static uint64_t sym_or_zero(const struct bw_vmcoreinfo *vi, const char *name)
{
	uint64_t v = 0;

	return bw_vmcoreinfo_symbol(vi, name, &v, NULL) ? 0 : v;
}

static void check_kallsyms(const char *dir, const struct bw_mem *mem,
			   const struct bw_vmcoreinfo *vi, const char *form)
{
	struct bw_kallsyms_tables t = {0};
	struct bw_symtab *decoded, *guest;
	struct kview k = {mem, 0};
	struct bw_error err;
	size_t len, i, n, low;
	int64_t phys_base;
	char *text;

	assert_int_equal(bw_vmcoreinfo_number(vi, "phys_base", &phys_base, &err), 0);
	k.phys_base = (uint64_t)phys_base;
	t.num_syms = sym_or_zero(vi, "kallsyms_num_syms");
	t.names = sym_or_zero(vi, "kallsyms_names");
	t.token_table = sym_or_zero(vi, "kallsyms_token_table");
	t.token_index = sym_or_zero(vi, "kallsyms_token_index");
	t.offsets = sym_or_zero(vi, "kallsyms_offsets");
	t.relative_base = sym_or_zero(vi, "kallsyms_relative_base");
	t.addresses = sym_or_zero(vi, "kallsyms_addresses");
	if (bw_kallsyms_load(&t, image_vread, &k, NULL, &decoded, &err))
		fail_msg("%s %s: %s", dir, form, err.msg);
	text = slurp(dir, "kallsyms", &len);
	assert_non_null(text);
	assert_int_equal(bw_symtab_parse(text, len, NULL, &guest, &err), 0);
	free(text);
	/* /proc/kallsyms lists the kernel's own table first, in table order. */
	n = bw_symtab_count(decoded);
	assert_true(n <= bw_symtab_count(guest));
	for (i = 0; i < n; i++) {
		struct bw_symbol a, b;

		assert_int_equal(bw_symtab_get(decoded, i, &a), 0);
		assert_int_equal(bw_symtab_get(guest, i, &b), 0);
		if (strcmp(a.name, b.name) || a.type != b.type || a.addr != b.addr || b.module)
			fail_msg("%s %s: symbol %zu decoded as %016llx %c %s, the guest says "
				 "%016llx %c %s",
				 dir, form, i, (unsigned long long)a.addr, a.type, a.name,
				 (unsigned long long)b.addr, b.type, b.name);
	}
	for (i = 0, low = 0; i < n; i++) {
		struct bw_symbol a;

		bw_symtab_get(decoded, i, &a);
		low += a.addr < START_KERNEL_MAP;
	}
	printf("# %s %s: %zu kallsyms symbols (%s encoding, %zu absolute per-CPU) equal the "
	       "guest's /proc/kallsyms (%zu lines)\n",
	       dir, form, n,
	       t.relative_base ? "relative-base"
	       : t.offsets     ? "place-relative"
			       : "absolute",
	       low, bw_symtab_count(guest));
	bw_symtab_free(decoded);
	bw_symtab_free(guest);
}

/* init_top_pgt's walk agrees with the kernel-image mapping for a few image addresses. */
static void check_pgtable(const char *dir, const struct bw_mem *mem, const struct bw_vmcoreinfo *vi,
			  const char *form)
{
	static const char *const syms[] = {"init_uts_ns", "kallsyms_names", "node_data", "_stext"};
	struct bw_pgtable pt = {mem, 0, 4, 0};
	struct bw_error err;
	int64_t l5, phys_base, me = 0;
	uint64_t top, pa, size;
	size_t i;

	assert_int_equal(bw_vmcoreinfo_number(vi, "phys_base", &phys_base, &err), 0);
	assert_int_equal(bw_vmcoreinfo_number(vi, "pgtable_l5_enabled", &l5, &err), 0);
	assert_int_equal(bw_vmcoreinfo_symbol(vi, "init_top_pgt", &top, &err), 0);
	bw_vmcoreinfo_number(vi, "sme_mask", &me, NULL);
	pt.root = top - START_KERNEL_MAP + (uint64_t)phys_base;
	pt.levels = l5 ? 5 : 4;
	pt.me_mask = (uint64_t)me;
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		uint64_t va = sym_or_zero(vi, syms[i]);

		if (!va)
			continue;
		if (bw_pgtable_translate(&pt, va, &pa, &size, &err))
			fail_msg("%s %s: %s: %s", dir, form, syms[i], err.msg);
		assert_int_equal(pa, va - START_KERNEL_MAP + (uint64_t)phys_base);
	}
	printf("# %s %s: %d-level walk from init_top_pgt matches phys_base for image symbols\n",
	       dir, form, pt.levels);
}

/* VMCOREINFO found by scanning memory equals the guest's own text. */
static void check_scan(const char *dir, const struct bw_mem *mem, const char *guest_text,
		       const char *form)
{
	static char buf[65536];
	struct bw_error err;
	uint64_t where;
	size_t len;

	if (bw_mem_find_vmcoreinfo(mem, buf, sizeof(buf), &len, &where, &err))
		fail_msg("%s %s: %s", dir, form, err.msg);
	assert_string_equal(buf, guest_text);
	printf("# %s %s: VMCOREINFO found in memory at 0x%llx equals the guest's text\n", dir, form,
	       (unsigned long long)where);
}

/* QEMU's own "info registers" against the ELF notes. */
static void check_registers(const char *dir, const struct bw_mem *mem)
{
	struct bw_cpu_regs regs[64];
	char *text = slurp(dir, "registers.txt", NULL);
	size_t n = bw_mem_cpu_regs(mem, regs, 64), cpu;
	const char *p;

	if (!text) {
		printf("# note: %s: no registers.txt, CPU notes not checked\n", dir);
		return;
	}
	assert_true(n > 0);
	for (cpu = 0; cpu < n && cpu < 64; cpu++) {
		char mark[32];
		unsigned long long rip, rsp, cr3, cr4;

		/* QEMU's monitor ends lines with CRLF. */
		snprintf(mark, sizeof(mark), "CPU#%zu\r\n", cpu);
		p = strstr(text, mark);
		assert_non_null(p);
		assert_int_equal(sscanf(strstr(p, "RIP=") + 4, "%llx", &rip), 1);
		assert_int_equal(sscanf(strstr(p, "RSP=") + 4, "%llx", &rsp), 1);
		assert_int_equal(sscanf(strstr(p, "CR3=") + 4, "%llx", &cr3), 1);
		assert_int_equal(sscanf(strstr(p, "CR4=") + 4, "%llx", &cr4), 1);
		assert_true(regs[cpu].has_cr && regs[cpu].has_ip);
		assert_int_equal(regs[cpu].rip, rip);
		assert_int_equal(regs[cpu].rsp, rsp);
		assert_int_equal(regs[cpu].cr3, cr3);
		assert_int_equal(regs[cpu].cr4, cr4);
	}
	printf("# %s: %zu CPUs' RIP/RSP/CR3/CR4 from the ELF notes equal QEMU's info registers\n",
	       dir, n);
	free(text);
}

static void check_form(const char *dir, const char *manifest, const char *form,
		       const char *guest_text)
{
	char args[8][4200];
	const char *specs[8];
	struct bw_vmcoreinfo *vi;
	struct bw_error err;
	struct bw_mem *mem;
	const char *note;
	size_t note_len;
	int n = form_args(manifest, form, dir, args, 8), i;

	if (!n) {
		printf("# note: %s: no %s form in the manifest\n", dir, form);
		return;
	}
	for (i = 0; i < n; i++)
		specs[i] = args[i];
	if (bw_mem_open(specs, (size_t)n, NULL, &mem, &err))
		fail_msg("%s %s: %s", dir, form, err.msg);
	note = bw_mem_vmcoreinfo_note(mem, &note_len);
	if (note) {
		assert_int_equal(bw_vmcoreinfo_parse(note, note_len, NULL, &vi, &err), 0);
		assert_memory_equal(note, guest_text, strlen(guest_text));
		printf("# %s %s: the VMCOREINFO note equals the guest's text\n", dir, form);
	} else {
		assert_int_equal(
			bw_vmcoreinfo_parse(guest_text, strlen(guest_text), NULL, &vi, &err), 0);
	}
	check_scan(dir, mem, guest_text, form);
	check_pgtable(dir, mem, vi, form);
	check_kallsyms(dir, mem, vi, form);
	if (!strcmp(form, "elf"))
		check_registers(dir, mem);
	bw_vmcoreinfo_free(vi);
	bw_mem_close(mem);
}

static void test_real_dumps(void **state)
{
	const char *cache = getenv("BTFWALK_CACHE"), *home = getenv("HOME");
	char base[4096], dir[4096 + 256];
	struct dirent *de;
	int checked = 0;
	DIR *d;

	(void)state;
	if (cache)
		snprintf(base, sizeof(base), "%s/dumps", cache);
	else if (getenv("XDG_CACHE_HOME"))
		snprintf(base, sizeof(base), "%s/btfwalk/dumps", getenv("XDG_CACHE_HOME"));
	else
		snprintf(base, sizeof(base), "%s/.cache/btfwalk/dumps", home ? home : "");
	d = opendir(base);
	while (d && (de = readdir(d))) {
		char *manifest, *guest_text;

		if (de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", base, de->d_name);
		manifest = slurp(dir, "manifest.json", NULL);
		guest_text = slurp(dir, "vmcoreinfo.txt", NULL);
		if (manifest && guest_text) {
			check_form(dir, manifest, "raw", guest_text);
			check_form(dir, manifest, "elf", guest_text);
			check_form(dir, manifest, "nodes", guest_text);
			checked++;
		}
		free(manifest);
		free(guest_text);
	}
	if (d)
		closedir(d);
	if (!checked) {
		printf("ok - real dumps # SKIP no dump with manifest.json and vmcoreinfo.txt in %s "
		       "(make the e2e dumps first)\n",
		       base);
		skip();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_dumps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
