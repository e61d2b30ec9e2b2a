/* SPDX-License-Identifier: GPL-2.0 */
/*
 * btfwalk_fifo: the smallest sched_ext scheduler the e2e guest loads: every task goes to the
 * global dispatch queue in FIFO order, with the default slice. Partial mode: only tasks that
 * chose SCHED_EXT (the probe's scx_spin) are its own; the rest stay in CFS, where the other
 * probes' run-queue checks look for them. Built against a vmlinux.h made from the guest
 * kernel's BTF at build time (build.sh).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char _license[] SEC("license") = "GPL";

extern void scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags) __ksym;

SEC("struct_ops/fifo_enqueue")
void BPF_PROG(fifo_enqueue, struct task_struct *p, u64 enq_flags)
{
	scx_bpf_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
}

SEC(".struct_ops")
struct sched_ext_ops fifo_ops = {
	.enqueue = (void *)fifo_enqueue,
	.flags = SCX_OPS_SWITCH_PARTIAL,
	.name = "btfwalk_fifo",
};
