/* SPDX-License-Identifier: MIT */
/*
 * btfwalk sched_ext: whether a BPF scheduler is loaded, its state and name, its event counters
 * and each CPU's sched_ext runqueue: what /sys/kernel/sched_ext/ shows.
 *
 * From the dump's BTF and symbols (the structures moved between kernels; each is probed):
 * - A kernel without sched_ext (no struct scx_rq / rq.scx in the BTF: CONFIG_SCHED_CLASS_EXT
 *   off, e.g. Debian's 6.1 and 6.12) is BW_ENOTSUP "no sched_ext in this kernel".
 * - state (sysfs "state"): the atomic_t scx_enable_state_var (scx_ops_enable_state_var before
 *   6.14), named by enum scx_enable_state (scx_ops_enable_state): SCX_ENABLED -> "enabled", as
 *   sysfs prints it (the enumerator without SCX_/SCX_OPS_, lower case).
 * - switch_all (bool scx_switching_all), nr_rejected, hotplug_seq, enable_seq (atomic_long_t
 *   scx_<name>): each where the kernel has the symbol, else its present bit is clear.
 * - The root scheduler (7.x: struct scx_sched *scx_root, non-NULL while one is attached):
 *   ops.name (sysfs root/ops), watchdog_timeout (jiffies), and the event counters (sysfs
 *   root/events): every s64 member of struct scx_event_stats, summed over CPUs < nr_cpu_ids
 *   from scx_root->pcpu (struct scx_sched_pcpu.event_stats) or scx_root->event_stats_cpu,
 *   whichever the BTF has. Kernels with the global struct sched_ext_ops scx_ops instead give
 *   its name only.
 * - Per CPU below nr_cpu_ids: runqueues.scx.nr_running and runqueues.scx.local_dsq.nr.
 * Caps: BW_SCX_MAX_EVENTS counters (more: BW_ELIMIT), BW_SCX_NAME_MAX bytes of the name (cut).
 * BW_ENOENT when per-CPU symbols are unknown.
 */
#ifndef BTFWALK_SCX_H
#define BTFWALK_SCX_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bw_kernel;

#define BW_SCX_MAX_EVENTS 64
#define BW_SCX_NAME_MAX 128 /* SCX_OPS_NAME_LEN */

enum bw_scx_present {
	BW_SCX_HAS_SWITCH_ALL = 1u << 0,
	BW_SCX_HAS_NR_REJECTED = 1u << 1,
	BW_SCX_HAS_HOTPLUG_SEQ = 1u << 2,
	BW_SCX_HAS_ENABLE_SEQ = 1u << 3,
	BW_SCX_HAS_WATCHDOG = 1u << 4,
	BW_SCX_HAS_EVENTS = 1u << 5,
	BW_SCX_HAS_NAME = 1u << 6, /* a scheduler is attached and ops.name was read */
};

struct bw_scx_cpu {
	uint32_t cpu;
	bool online;
	uint32_t nr_running;   /* rq->scx.nr_running */
	uint32_t local_dsq_nr; /* rq->scx.local_dsq.nr */
};

struct bw_scx {
	int64_t state;	     /* the enum value */
	char state_name[32]; /* "enabled", "disabled", ...; "unknown(N)" if the enum lacks N */
	uint32_t present;    /* enum bw_scx_present */
	bool switch_all;
	int64_t nr_rejected, hotplug_seq, enable_seq;
	uint64_t root;		    /* scx_root (0: none attached, or no such symbol) */
	char name[BW_SCX_NAME_MAX]; /* ops.name */
	uint64_t watchdog_timeout;  /* jiffies */
	uint32_t nr_events;
	const char *event_names[BW_SCX_MAX_EVENTS]; /* "SCX_EV_..."; owned by the BTF */
	int64_t events[BW_SCX_MAX_EVENTS];
	uint32_t nr_cpus;
	struct bw_scx_cpu *cpus;
};

/* Read the sched_ext state. *out is freed with bw_kernel_scx_free. */
int bw_kernel_scx(const struct bw_kernel *k, struct bw_scx **out, struct bw_error *err);
void bw_kernel_scx_free(const struct bw_kernel *k, struct bw_scx *s);

#ifdef __cplusplus
}
#endif
#endif
