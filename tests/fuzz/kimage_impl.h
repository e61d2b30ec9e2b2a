/* SPDX-License-Identifier: MIT */
/* The synthetic kernel image's builder (tests/fuzz/kimage.h), shared by kimage.c (memory, page
 * tables, NUMA, CPUs, symbols), kimage_sched.c (scheduler, time, PSI, sched_ext) and
 * kimage_tasks.c (tasks, run queues, printk ring). */
#ifndef FUZZ_KIMAGE_IMPL_H
#define FUZZ_KIMAGE_IMPL_H

#include <stdbool.h>
#include "kallsyms_encode.h"
#include "kimage.h"

#define IMG(pa) (0xffffffff80000000ull + (pa))
#define DM(pa) (0xffff888000000000ull + (pa))

#define PA_VMCOREINFO 0x0000u
#define PA_PML4 0x1000u
#define PA_VARS 0x2000u
#define PA_PDPT_IMAGE 0x3000u
#define PA_PD_IMAGE 0x4000u
#define PA_PDPT_DIRECT 0x5000u
#define PA_PGDAT 0x6000u /* one page per node */
#define PA_PERCPU 0x8000u
#define PERCPU_STRIDE 0x1000u
#define PERCPU_ZONESTATS 0x800u /* dynamic per-CPU allocation, after the static section */
/* Objects: the kernel image's (kb_static), then allocated ones (kb_obj), then kallsyms. */
#define PA_OBJS (PA_PERCPU + KIMAGE_CPUS * PERCPU_STRIDE)
#define KB_STATIC_SIZE 0x2000u
#define KB_MAX_OBJS 0x10000u
#define KB_MAX_SYMS 64

/* Variables in the PA_VARS page. */
#define VAR_NODE_DATA 0x000u
#define VAR_NODE_STATES 0x100u
#define VAR_NODE_ONLINE 0x180u
#define VAR_PER_CPU_OFFSET 0x200u
#define VAR_NR_CPU_IDS 0x300u
#define VAR_CPU_ONLINE 0x308u
#define VAR_CPU_POSSIBLE 0x310u
#define VAR_PAGE_OFFSET_BASE 0x318u
#define VAR_ZONE_NAMES 0x320u
#define VAR_INIT_UTS_NS 0x400u

struct kb {
	const struct bw_btf *btf;
	uint8_t *img;
	size_t size;
	uint64_t static_end, obj_end; /* next free byte for kb_static, kb_obj */
	struct ksym syms[KB_MAX_SYMS];
	size_t nr_syms;
	char vmci[4096];
	size_t vlen;
	struct bw_error *err;
	bool failed;
};

#if defined(__GNUC__)
#define KB_PRINTF __attribute__((format(printf, 2, 3)))
#else
#define KB_PRINTF
#endif

KB_PRINTF void kb_fail(struct kb *b, const char *fmt, ...);
void kb_put(struct kb *b, uint64_t pa, uint64_t v, size_t n);
void kb_puts(struct kb *b, uint64_t pa, const char *s);
KB_PRINTF void kb_vmci(struct kb *b, const char *fmt, ...);
uint32_t kb_type(struct kb *b, const char *name, int kind);
uint64_t kb_sizeof(struct kb *b, const char *name, int kind);
/* Byte offset of path (not a bitfield) in struct or typedef'd struct type; kb_bitoffsetof: its
 * bit offset, bitfields too. */
uint64_t kb_offsetof(struct kb *b, const char *type, const char *path);
uint64_t kb_bitoffsetof(struct kb *b, const char *type, const char *path);
/* Whether struct type has path (the layout variant of fixtures/seeds/sched_types.h). */
bool kb_has(struct kb *b, const char *type, const char *path);
/* Value of an enumerator of any enum; -1 when absent. */
int64_t kb_enum(struct kb *b, const char *name);
uint64_t kb_percpu_var(struct kb *b, const char *name);
/* A zeroed object of size bytes (8-aligned): its physical address. kb_static's are in the
 * kernel image (pointers to them are image addresses, as to init_task), kb_obj's allocated
 * (pointers through the direct map). */
uint64_t kb_static(struct kb *b, uint64_t size);
uint64_t kb_obj(struct kb *b, uint64_t size);
/* The address a kernel pointer to physical pa holds: in the image or the direct map. */
uint64_t kb_va(const struct kb *b, uint64_t pa);
/* A kallsyms symbol (type 'D' globals, 'A' per-CPU offsets). */
void kb_sym(struct kb *b, const char *name, char type, uint64_t addr);
/* The address of per-CPU variable name in cpu's area (physical). */
uint64_t kb_percpu(struct kb *b, const char *name, unsigned cpu);
/* An empty list_head at pa (pointing to itself), or a ring of n nodes after the head. */
void kb_list(struct kb *b, uint64_t head, const uint64_t *nodes, size_t n);

void kb_sched(struct kb *b);
void kb_tasks(struct kb *b);
void kb_printk(struct kb *b);

#endif
