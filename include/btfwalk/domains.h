/* SPDX-License-Identifier: MIT */
/*
 * btfwalk scheduler domains: per CPU, the scheduler domain tree the load balancer walks
 * (runqueues@cpuN.sd, then ->parent up to NULL), with the figures
 * /sys/kernel/debug/sched/domains/cpuN/domainM/ shows (domainM is the M-th domain from the
 * bottom: M counts up along ->parent, as the kernel's for_each_domain()).
 *
 * Everything comes from the dump's BTF:
 * - struct rq member sd, struct sched_domain members parent, level, flags (required: else
 *   BW_ENOTSUP), and the optional members in enum bw_sd_field plus name (char *, with
 *   CONFIG_SCHED_DEBUG on kernels before 6.13) and groups->flags (struct sched_group.flags):
 *   a kernel without one has its bit clear in bw_sched_domain.present / has_name /
 *   has_groups_flags.
 * - span: the cpumask the kernel allocates right after the structure (sched_domain_span()):
 *   at the offset of member span when the BTF has it (a flexible array until 6.x), else at
 *   sizeof(struct sched_domain) (7.x dropped the member); nr_cpu_ids bits.
 * - flag names: the enumerators __SD_<NAME> = bit of the enum that has __SD_FLAG_CNT
 *   (include/linux/sched/sd_flags.h), given without the leading "__" as debugfs prints them
 *   ("SD_BALANCE_NEWIDLE"); NULL for a bit the enum does not name.
 * Caps: BW_DOMAINS_MAX_LEVELS domains per CPU (a longer ->parent chain, e.g. a cycle in a
 * corrupt dump, is BW_ELIMIT naming the CPU), BW_DOMAINS_MAX_TOTAL domains in all (BW_ELIMIT;
 * bounds the memory a corrupt dump can make the walk allocate), BW_DOMAINS_NAME_MAX bytes of a
 * name (cut).
 * CPUs: every CPU below nr_cpu_ids; an offline CPU (or one attached to no domain) has
 * nr_domains 0. BW_ENOENT when per-CPU symbols are unknown.
 */
#ifndef BTFWALK_DOMAINS_H
#define BTFWALK_DOMAINS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bw_kernel;

#define BW_DOMAINS_MAX_LEVELS 32
#define BW_DOMAINS_MAX_TOTAL 65536
#define BW_DOMAINS_NAME_MAX 32
#define BW_DOMAINS_FLAG_BITS 32 /* sched_domain.flags is an int */

/* Numeric figures, each a struct sched_domain member of the same name. */
enum bw_sd_field {
	BW_SD_MIN_INTERVAL,
	BW_SD_MAX_INTERVAL,
	BW_SD_BUSY_FACTOR,
	BW_SD_IMBALANCE_PCT,
	BW_SD_CACHE_NICE_TRIES,
	BW_SD_BALANCE_INTERVAL, /* the current interval, in ms (not in debugfs) */
	BW_SD_MAX_NEWIDLE_LB_COST,
	BW_SD_SPAN_WEIGHT,
	BW_SD_NR_FIELDS,
};

/* The member (and debugfs file) name of a field: "min_interval", ...; NULL out of range. */
const char *bw_sd_field_name(int field);

struct bw_sched_domain {
	uint64_t addr; /* of the struct sched_domain */
	int32_t level;
	uint32_t flags;
	uint32_t groups_flags; /* sd->groups->flags */
	bool has_name, has_groups_flags;
	char name[BW_DOMAINS_NAME_MAX]; /* NUL-terminated; "" without has_name */
	uint32_t present;		/* bit f: value[f] was read (enum bw_sd_field) */
	uint64_t value[BW_SD_NR_FIELDS];
	uint64_t *span; /* bw_domains.span_words words; bit c of word c / 64: CPU c */
};

struct bw_domains_cpu {
	uint32_t cpu;
	bool online;
	uint32_t nr_domains;
	struct bw_sched_domain *domains; /* [0] is runqueues@cpu.sd, then its parents */
};

struct bw_domains {
	uint32_t nr_cpu_ids;
	uint32_t span_words;			      /* (nr_cpu_ids + 63) / 64 */
	const char *flag_names[BW_DOMAINS_FLAG_BITS]; /* "SD_..." or NULL; owned by the BTF */
	uint32_t nr_cpus;
	struct bw_domains_cpu *cpus;
	uint32_t nr_domains_total; /* over all CPUs */
};

/* Walk every CPU's domains. *out is freed with bw_kernel_domains_free. */
int bw_kernel_domains(const struct bw_kernel *k, struct bw_domains **out, struct bw_error *err);
void bw_kernel_domains_free(const struct bw_kernel *k, struct bw_domains *d);

#ifdef __cplusplus
}
#endif
#endif
