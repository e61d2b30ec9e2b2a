/* SPDX-License-Identifier: MIT */
/*
 * A small synthetic x86-64 kernel memory image laid out from a BTF: VMCOREINFO text at physical
 * 0, 4-level page tables (kernel image by a 2 MiB page, direct map by a 1 GiB page), two NUMA
 * nodes with four zones each (DMA32 and Normal populated), four CPUs with per-CPU areas,
 * init_uts_ns, the scheduler's state (per-CPU times, idle, interrupts, softirqs, schedstat,
 * two scheduler domains per CPU, psi_system, sched_ext; kimage_sched.c), tasks on
 * init_task.tasks with threads, run queues of every class and a printk ring (kimage_tasks.c),
 * the kernel's kallsyms tables (VMCOREINFO has only what a real one has; the other symbols come
 * from kallsyms), and the BTF itself between __start_BTF and __stop_BTF. Any of the layouts of
 * fixtures/seeds/sched_types.h (6.12, FUZZ_K61, FUZZ_K73) can be laid out. The walker target
 * starts from it (as a seed), the ELF core target from cores wrapping it
 * (fixtures/seeds/make_elfcore.py), and the expression target evaluates against it.
 * Physical = image virtual - 0xffffffff80000000 (phys_base 0, no KASLR); direct map at
 * 0xffff888000000000.
 */
#ifndef FUZZ_KIMAGE_H
#define FUZZ_KIMAGE_H

#include <stddef.h>
#include <stdint.h>
#include "btfwalk.h"

#define KIMAGE_RELEASE "6.12.0-fuzz"
#define KIMAGE_NODES 2
#define KIMAGE_CPUS 4
/* Byte after the VMCOREINFO text that fuzz_walker reads its mode bits from; with mode bit 2,
 * the two bytes before it are its mask of holes (image_mem_open_holes). */
#define KIMAGE_MODE_OFFSET 0xfff

/* Build the image for btf (whose bytes are btf_blob). Returns 0, or -1 with why in err. */
int kimage_build(const struct bw_btf *btf, const void *btf_blob, size_t btf_len, uint8_t **image,
		 size_t *size, struct bw_error *err);

#endif
