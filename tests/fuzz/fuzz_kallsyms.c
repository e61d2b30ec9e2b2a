/* SPDX-License-Identifier: MIT */
/*
 * Target 4b: the kernel's own kallsyms tables, decoded from fuzzed kernel memory. The input is
 * kernel virtual memory starting at KALLSYMS_BASE; its first 36 bytes are nine little-endian
 * u32 offsets from that base giving where each table is (0xffffffff: the kernel has none).
 * Decoding must fail cleanly or give a symbol table whose lookups work.
 */
#include <string.h>
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KALLSYMS_BASE 0xffffffff82000000ull
#define HEADER_SIZE 36
#define MAX_READS_PER_BYTE 64

struct vmem {
	const uint8_t *data;
	size_t size;
	size_t reads;
};

static int vmem_read(void *ctx, uint64_t vaddr, void *buf, size_t len)
{
	struct vmem *vm = ctx;

	vm->reads++;
	if (vaddr < KALLSYMS_BASE || vaddr - KALLSYMS_BASE > vm->size ||
	    len > vm->size - (vaddr - KALLSYMS_BASE))
		return -1;
	memcpy(buf, vm->data + (vaddr - KALLSYMS_BASE), len);
	return 0;
}

static uint64_t table_at(const uint8_t *p)
{
	uint32_t off =
		(uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;

	return off == UINT32_MAX ? 0 : KALLSYMS_BASE + off;
}

/* The same tables opened for lookups (binary search of seqs_of_names), then listed. */
static void fuzz_lazy(const struct bw_kallsyms_tables *tb, struct vmem *vm, struct fuzz_alloc *fa)
{
	static const char *const names[] = {"node_data", "_stext", "", "zzzz"};
	struct bw_symtab *st = NULL;
	struct bw_symbol sym;
	struct bw_error err;
	uint64_t addr;
	size_t i;
	int rc;

	rc = bw_kallsyms_open(tb, vmem_read, vm, &fa->a, &st, &err);
	FUZZ_ASSERT(vm->reads <= 64 + (size_t)MAX_READS_PER_BYTE * vm->size);
	if (rc) {
		fuzz_check_error(rc, &err);
		FUZZ_ASSERT(fa->live == 0);
		return;
	}
	FUZZ_ASSERT(bw_symtab_count(st) <= BW_KALLSYMS_MAX_SYMBOLS);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		rc = bw_symtab_lookup(st, names[i], &addr, &err);
		if (rc)
			fuzz_check_error(rc, &err);
	}
	(void)bw_symtab_get(st, 0, &sym);
	bw_symtab_free(st);
	FUZZ_ASSERT(fa->live == 0);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmem vm = {.data = data, .size = size};
	struct bw_kallsyms_tables tb;
	struct fuzz_alloc fa;
	struct bw_symtab *st = NULL;
	struct bw_error err;
	uint64_t addr;
	int rc;

	if (size < HEADER_SIZE)
		return 0;
	tb.num_syms = table_at(data);
	tb.names = table_at(data + 4);
	tb.token_table = table_at(data + 8);
	tb.token_index = table_at(data + 12);
	tb.markers = table_at(data + 16);
	tb.offsets = table_at(data + 20);
	tb.relative_base = table_at(data + 24);
	tb.addresses = table_at(data + 28);
	tb.seqs_of_names = table_at(data + 32);
	fuzz_alloc_init(&fa, 0, size);
	fuzz_lazy(&tb, &vm, &fa);
	vm.reads = 0;
	rc = bw_kallsyms_load(&tb, vmem_read, &vm, &fa.a, &st, &err);
	/* Reading is bounded by what is there to read: no re-reading loops. */
	FUZZ_ASSERT(vm.reads <= 64 + (size_t)MAX_READS_PER_BYTE * size);
	if (rc) {
		fuzz_check_error(rc, &err);
		FUZZ_ASSERT(fa.live == 0);
		return 0;
	}
	FUZZ_ASSERT(bw_symtab_count(st) <= BW_KALLSYMS_MAX_SYMBOLS);
	rc = bw_symtab_lookup(st, "node_data", &addr, &err);
	if (rc)
		fuzz_check_error(rc, &err);
	(void)bw_symtab_lookup(st, "_stext", &addr, &err);
	(void)bw_symtab_lookup(st, "", &addr, &err);
	bw_symtab_free(st);
	FUZZ_ASSERT(fa.live == 0);
	return 0;
}
