// SPDX-License-Identifier: MIT
/*
 * A running QEMU's guest RAM, read from the QEMU process with process_vm_readv(2): the RAM
 * ranges and their host addresses come from QMP (info mtree -f, gpa2hva), the pid from the QMP
 * socket's peer credentials. Errors say why the host refused and what allows it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "internal.h"
#include "mem/mem_impl.h"
#include "mem/qmp.h"

#define PROCMEM_GPA2HVA_BATCH 32
#define PROCMEM_MTREE "info mtree -f"

struct procmem_block {
	uint64_t start, size, hva;
};

struct procmem {
	struct bw_qmp qmp; /* kept open: QEMU's liveness, and one client at a time */
	int pid;
	size_t nblocks;
	struct procmem_block blocks[BW_QMP_MAX_RANGES]; /* sorted by start */
	struct iovec local[BW_MEM_READV_BATCH], remote[BW_MEM_READV_BATCH];
};

static const struct procmem_block *procmem_find(const struct procmem *pm, uint64_t paddr)
{
	size_t lo = 0, hi = pm->nblocks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pm->blocks[mid].start <= paddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || paddr - pm->blocks[lo - 1].start >= pm->blocks[lo - 1].size)
		return NULL;
	return &pm->blocks[lo - 1];
}

/* Why process_vm_readv failed, and what would allow it. */
static int procmem_fail(const struct procmem *pm, int saved, uint64_t paddr, struct bw_error *err)
{
	char scope[16] = "?";
	FILE *f;

	if (saved == ESRCH)
		return bw_fail(err, BW_EGONE,
			       "QEMU process %d has exited (reading guest 0x%" PRIx64 ")", pm->pid,
			       paddr);
	if (saved == EPERM || saved == EACCES) {
		f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
		if (f) {
			if (!fgets(scope, sizeof(scope), f))
				strcpy(scope, "?");
			scope[strcspn(scope, "\n")] = '\0';
			fclose(f);
		}
		return bw_fail(
			err, BW_EIO,
			"reading QEMU process %d's memory: %s (kernel.yama.ptrace_scope is %s; "
			"run as QEMU's user with ptrace_scope 0, or with CAP_SYS_PTRACE "
			"for another user's QEMU or ptrace_scope 1-2)",
			pm->pid, strerror(saved), scope);
	}
	return bw_fail(err, BW_EFAULT,
		       "guest 0x%" PRIx64 " in QEMU process %d: process_vm_readv: %s", paddr,
		       pm->pid, strerror(saved));
}

/* Read n pieces already split at block boundaries; local/remote filled. */
static int procmem_transfer(struct procmem *pm, size_t n, size_t total, uint64_t first,
			    struct bw_error *err)
{
	ssize_t r = process_vm_readv(pm->pid, pm->local, n, pm->remote, n, 0);

	if (r < 0)
		return procmem_fail(pm, errno, first, err);
	if ((size_t)r != total)
		return procmem_fail(pm, EFAULT, first, err);
	return 0;
}

static int procmem_readv(void *ctx, const struct bw_mem_iov *iov, size_t n, struct bw_error *err)
{
	struct procmem *pm = ctx;
	size_t i, k = 0, total = 0;
	uint64_t first = n ? iov[0].paddr : 0;
	int ret;

	for (i = 0; i < n; i++) {
		uint64_t paddr = iov[i].paddr;
		uint8_t *buf = iov[i].buf;
		size_t len = iov[i].len;

		while (len) {
			const struct procmem_block *b = procmem_find(pm, paddr);
			uint64_t avail;
			size_t piece;

			if (!b)
				return bw_fail(err, BW_EFAULT,
					       "physical address 0x%" PRIx64 " is not guest RAM",
					       paddr);
			if (k == BW_MEM_READV_BATCH) {
				ret = procmem_transfer(pm, k, total, first, err);
				if (ret)
					return ret;
				k = total = 0;
				first = paddr;
			}
			avail = b->size - (paddr - b->start);
			piece = avail < len ? (size_t)avail : len;
			pm->local[k] = (struct iovec){buf, piece};
			pm->remote[k] = (struct iovec){
				(void *)(uintptr_t)(b->hva + (paddr - b->start)), piece};
			k++;
			total += piece;
			buf += piece;
			paddr += piece;
			len -= piece;
		}
	}
	return k ? procmem_transfer(pm, k, total, first, err) : 0;
}

static int procmem_read(void *ctx, uint64_t paddr, void *buf, size_t len, struct bw_error *err)
{
	struct bw_mem_iov iov = {paddr, buf, len};

	return procmem_readv(ctx, &iov, 1, err);
}

static void procmem_close(const struct bw_allocator *alloc, void *ctx)
{
	struct procmem *pm = ctx;

	bw_qmp_close(&pm->qmp);
	bw_free(alloc, pm);
}

static const struct bw_mem_live_ops procmem_ops = {
	procmem_read,
	procmem_readv,
	procmem_close,
};

static int procmem_block_cmp(const void *a, const void *b)
{
	const struct procmem_block *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The host address of every range: the gpa2hva commands go out PROCMEM_GPA2HVA_BATCH at a
 * time, their answers are read after (one round trip per batch, not per range). */
static int procmem_hvas(struct procmem *pm, const struct bw_mem_range *ranges, size_t n,
			struct bw_error *err)
{
	char *text, cmd[PROCMEM_GPA2HVA_BATCH][64];
	size_t len, i, j, k;
	int ret = 0;

	for (i = 0; !ret && i < n; i += k) {
		k = n - i < PROCMEM_GPA2HVA_BATCH ? n - i : PROCMEM_GPA2HVA_BATCH;
		for (j = 0; !ret && j < k; j++) {
			snprintf(cmd[j], sizeof(cmd[j]), "gpa2hva 0x%" PRIx64, ranges[i + j].start);
			ret = bw_qmp_hmp_send(&pm->qmp, cmd[j], err);
		}
		for (j = 0; !ret && j < k; j++) {
			struct procmem_block *b = &pm->blocks[i + j];

			ret = bw_qmp_hmp_recv(&pm->qmp, cmd[j], &text, &len, err);
			if (ret)
				break;
			*b = (struct procmem_block){ranges[i + j].start, ranges[i + j].size, 0};
			ret = bw_qmp_parse_gpa2hva(text, len, &b->hva, err);
			bw_free(pm->qmp.alloc, text);
			if (!ret && b->hva + b->size < b->hva)
				ret = bw_fail(err, BW_EFORMAT, "gpa2hva 0x%" PRIx64 ": range wraps",
					      b->start);
		}
	}
	return ret;
}

/* The RAM ranges and their host addresses. */
static int procmem_layout(struct procmem *pm, struct bw_error *err)
{
	struct bw_mem_range ranges[BW_QMP_MAX_RANGES];
	char *text;
	size_t len, n;
	int ret;

	/* Sent with the QMP negotiation (bw_qmp_open). */
	ret = bw_qmp_hmp_recv(&pm->qmp, PROCMEM_MTREE, &text, &len, err);
	if (ret)
		return ret;
	ret = bw_qmp_parse_mtree(text, len, ranges, BW_QMP_MAX_RANGES, &n, err);
	bw_free(pm->qmp.alloc, text);
	if (!ret)
		ret = procmem_hvas(pm, ranges, n, err);
	if (ret)
		return ret;
	pm->nblocks = n;
	qsort(pm->blocks, n, sizeof(pm->blocks[0]), procmem_block_cmp);
	return 0;
}

int bw_mem_open_qemu(const char *qmp_path, const struct bw_allocator *alloc, struct bw_mem **out,
		     struct bw_error *err)
{
	struct procmem *pm;
	struct bw_mem *mem;
	size_t i;
	int ret;

	if (!qmp_path || !out)
		return bw_fail(err, BW_EINVAL, "bw_mem_open_qemu: NULL argument");
	*out = NULL;
	mem = bw_mem_new(alloc);
	pm = bw_zalloc(alloc, sizeof(*pm));
	if (!mem || !pm) {
		bw_free(alloc, pm);
		bw_mem_close(mem);
		return bw_fail(err, BW_ENOMEM, "out of memory for the QEMU source");
	}
	ret = bw_qmp_open(&pm->qmp, qmp_path, alloc, PROCMEM_MTREE, &pm->pid, err);
	if (!ret)
		ret = procmem_layout(pm, err);
	mem->live = &procmem_ops;
	mem->ctx = pm;
	for (i = 0; !ret && i < pm->nblocks; i++)
		ret = bw_mem_add_seg(mem, pm->blocks[i].start, pm->blocks[i].size, NULL,
				     (uint32_t)i, err);
	return bw_mem_publish(mem, ret, out, err);
}
#undef PROCMEM_GPA2HVA_BATCH
#undef PROCMEM_MTREE
