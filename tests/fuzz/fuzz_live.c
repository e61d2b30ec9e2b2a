/* SPDX-License-Identifier: MIT */
/*
 * Target: live memory that changes between reads, with compiled queries. The input is a
 * physical memory image from physical 0 (the walker target's kernel images are its seeds) served
 * by a callback that, once the kernel is open, flips one byte of its own copy after every read,
 * at a place the input's tail picks: a guest writing while btfwalk samples. The kernel is opened
 * with the fixed BTF, every built-in walk runs (dmesg followed too) on its own copy of the
 * input, then a watch (expressions that chase pointers and that do not, the NUMA walk, every
 * runqueue, the stat/softirqs/schedstat/pressure walks) is compiled and sampled several times.
 * The same bytes also go through the QMP reply, info mtree and gpa2hva parsers. Nothing may
 * crash, hang or leak, and every failure must say why.
 */
#include <string.h>
#include "embedded.h"
#include "kernel_queries.h"
#include "kimage.h"
#include "support.h"
#include "mem/qmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define LIVE_MAX_READS 200000 /* callback calls per input: a walk past this is unbounded */

static struct bw_btf *kernel_btf;

struct live_mem {
	uint8_t *bytes;
	size_t size;
	uint32_t seed; /* picks the byte flipped after each read */
	bool changing; /* once the kernel is open: the opening itself is the walker target's */
	size_t reads;
};

static int live_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	struct live_mem *lm = ctx;

	FUZZ_ASSERT(++lm->reads < LIVE_MAX_READS);
	if (paddr > lm->size || len > lm->size - paddr)
		return -1;
	memcpy(buf, lm->bytes + paddr, len);
	if (!lm->changing)
		return 0;
	/* The guest writes: one byte changes before the next read (xorshift picks which). */
	lm->seed ^= lm->seed << 13;
	lm->seed ^= lm->seed >> 17;
	lm->seed ^= lm->seed << 5;
	lm->bytes[lm->seed % lm->size] ^= (uint8_t)(lm->seed >> 24 | 1);
	return 0;
}

static void live_parsers(const uint8_t *data, size_t size, struct fuzz_alloc *fa)
{
	struct bw_mem_range ranges[8];
	enum bw_qmp_kind kind;
	struct bw_error err;
	size_t n, tlen;
	uint64_t hva;
	char *text = fa->a.malloc(fa->a.ctx, size + 1);

	if (!text)
		return;
	if (bw_qmp_reply((const char *)data, size, &kind, text, size + 1, &tlen, &err))
		fuzz_check_error(-err.code, &err);
	else
		FUZZ_ASSERT(tlen <= size && text[tlen] == '\0');
	if (bw_qmp_parse_mtree((const char *)data, size, ranges, 8, &n, &err))
		fuzz_check_error(-err.code, &err);
	else
		FUZZ_ASSERT(n >= 1 && n <= 8);
	if (bw_qmp_parse_gpa2hva((const char *)data, size, &hva, &err))
		fuzz_check_error(-err.code, &err);
	fa->a.free(fa->a.ctx, text);
}

static void live_watch(const struct bw_kernel *k, uint32_t pick)
{
	static const struct bw_watch_expr exprs[] = {
		{"jiffies_64", true},
		{"node_data[0]->node_zones[1].vm_numa_event[0].counter", true},
		{"runqueues@cpu1.nr_running", false},
		{"node_data[1]->node_zones[0].per_cpu_zonestats@cpu0.vm_numa_event[2]", true},
		{"init_uts_ns.name.release[0]", false},
	};
	struct bw_watch_opts o = {.exprs = exprs,
				  .nexprs = sizeof(exprs) / sizeof(exprs[0]),
				  .numa = true,
				  .runqueues = pick & 2,
				  .stall_samples = 2};
	const struct bw_watch_value *v;
	struct bw_watch *w;
	struct bw_error err;
	int i, rc;
	size_t n, j;

	/* The scheduler walks, recorded and replayed: all four, or a pick of them. */
	o.stat = pick & 4 || !(pick & 64);
	o.softirqs = pick & 8 || !(pick & 64);
	o.schedstat = pick & 16 || !(pick & 64);
	o.pressure = pick & 32 || !(pick & 64);
	rc = bw_watch_open(k, &o, &w, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		return;
	}
	for (i = 0; i < 4; i++) {
		rc = bw_watch_sample(w, (uint64_t)i * 100000000u, &err);
		if (rc) {
			fuzz_check_error(rc, &err);
			break;
		}
		n = bw_watch_values(w, &v);
		for (j = 0; j < n; j++) {
			FUZZ_ASSERT(v[j].name && (v[j].ok == !v[j].error));
			FUZZ_ASSERT(!v[j].error || v[j].error[0]);
			FUZZ_ASSERT(!v[j].reset || (v[j].delta == 0 && v[j].rate == 0));
		}
	}
	bw_watch_close(w);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct bw_error err;

	(void)argc;
	(void)argv;
	if (bw_btf_open_mem(fuzz_kernel_btf, fuzz_kernel_btf_len, NULL, &kernel_btf, &err))
		fuzz_fail(__FILE__, __LINE__, err.msg);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bw_kernel_opts opts = {0};
	struct live_mem lm = {0};
	struct bw_mem_range range;
	struct fuzz_alloc fa;
	struct bw_mem *mem = NULL;
	struct bw_kernel *k = NULL;
	struct bw_error err;
	int rc;

	fuzz_alloc_init(&fa, 0, size);
	live_parsers(data, size < 4096 ? size : 4096, &fa);
	if (size < 8)
		return 0;
	lm.size = size;
	lm.bytes = fa.a.malloc(fa.a.ctx, size);
	if (!lm.bytes)
		return 0;
	memcpy(lm.bytes, data, size);
	memcpy(&lm.seed, data + size - 4, 4);
	lm.seed |= 1;
	range = (struct bw_mem_range){0, size};
	rc = bw_mem_open_callback(&range, 1, live_read, &lm, &fa.a, &mem, &err);
	if (!rc) {
		opts.alloc = &fa.a;
		opts.btf = kernel_btf;
		opts.no_crosscheck = true;
		rc = bw_kernel_open(mem, &opts, &k, &err);
		if (rc)
			fuzz_check_error(rc, &err);
		lm.changing = !rc;
		/* Each walk starts from the input's bytes: changes pile up within one walk only. */
		for (size_t i = 0; !rc && i < fuzz_nr_walks; i++) {
			memcpy(lm.bytes, data, size);
			fuzz_walks[i](k);
		}
		if (!rc)
			live_watch(k, lm.seed);
		bw_kernel_close(k);
		bw_mem_close(mem);
	} else {
		fuzz_check_error(rc, &err);
	}
	fa.a.free(fa.a.ctx, lm.bytes);
	FUZZ_ASSERT(fa.live == 0);
	return 0;
}
