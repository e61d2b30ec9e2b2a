/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU layout: nr_cpu_ids (CPUs that may have a per-CPU area), __cpu_online_mask, and the
 * address of __per_cpu_offset[]. A kernel whose symbols do not give these still opens; per-CPU
 * reads then fail naming what is missing.
 */
#include "internal.h"
#include "kernel/kernel_impl.h"

int bw_kernel_cpu_online(const struct bw_kernel *k, uint32_t cpu, bool *online,
			 struct bw_error *err)
{
	uint64_t addr, word;
	int ret;

	if (cpu >= k->nr_cpu_ids)
		return bw_fail(err, BW_EINVAL, "CPU %u out of range: nr_cpu_ids is %u", cpu,
			       k->nr_cpu_ids);
	ret = bw_kernel_symbol(k, "__cpu_online_mask", &addr, err);
	if (!ret)
		ret = bw_kernel_read_uint(k, addr + (uint64_t)(cpu / 64) * 8, 8, &word, err);
	if (ret)
		return ret;
	*online = (word >> (cpu % 64)) & 1;
	return 0;
}

int bw_kernel_percpu_init(struct bw_kernel *k, struct bw_error *err)
{
	uint64_t ids_addr, offsets_addr, n;
	uint32_t cpu;
	int ret;

	if (!bw_kernel_symbol_quiet(k, "nr_cpu_ids", &ids_addr) ||
	    !bw_kernel_symbol_quiet(k, "__per_cpu_offset", &offsets_addr))
		return 0;
	ret = bw_kernel_read_uint(k, ids_addr, 4, &n, err);
	if (ret)
		return ret;
	if (n == 0 || n > BW_KERNEL_MAX_CPUS)
		return bw_fail(err, n ? BW_ELIMIT : BW_EFORMAT,
			       "nr_cpu_ids at 0x%llx is %llu (expected 1..%u)",
			       (unsigned long long)ids_addr, (unsigned long long)n,
			       BW_KERNEL_MAX_CPUS);
	k->nr_cpu_ids = (uint32_t)n;
	k->per_cpu_offset_addr = offsets_addr;
	k->nr_online_cpus = 0;
	for (cpu = 0; cpu < k->nr_cpu_ids; cpu++) {
		bool online;

		ret = bw_kernel_cpu_online(k, cpu, &online, err);
		if (ret)
			return ret;
		k->nr_online_cpus += online;
	}
	return 0;
}

int bw_kernel_need_percpu(const struct bw_kernel *k, struct bw_error *err)
{
	if (k->per_cpu_offset_addr && k->nr_cpu_ids)
		return 0;
	return bw_fail(err, BW_ENOENT,
		       "per-CPU data unknown: no __per_cpu_offset/nr_cpu_ids (symbols: %s); give "
		       "--symbols System.map",
		       k->symbols_source);
}
