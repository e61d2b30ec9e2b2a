/* SPDX-License-Identifier: MIT */
/*
 * Kernel virtual memory: address translation (kernel image through phys_base, direct map
 * through page_offset_base, anything else through the page tables) and reads that may span
 * pages.
 */
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "kernel/kernel_impl.h"

/* The kernel's __phys_addr_symbol(): the image is mapped at START_KERNEL_map + phys_base. */
int bw_kernel_image_pa(const struct bw_kernel *k, uint64_t vaddr, uint64_t *paddr)
{
	if (vaddr < BW_X86_START_KERNEL_MAP || vaddr - BW_X86_START_KERNEL_MAP >= k->image_size)
		return -1;
	*paddr = vaddr - BW_X86_START_KERNEL_MAP + k->phys_base;
	return 0;
}

int bw_kernel_vtop(const struct bw_kernel *k, uint64_t vaddr, uint64_t *paddr, struct bw_error *err)
{
	uint64_t page_size;

	if (!bw_kernel_image_pa(k, vaddr, paddr))
		return 0;
	if (k->page_offset_base && vaddr >= k->page_offset_base &&
	    vaddr - k->page_offset_base < k->direct_map_size) {
		*paddr = vaddr - k->page_offset_base;
		return 0;
	}
	return bw_pgtable_translate(&k->pgtable, vaddr, paddr, &page_size, err);
}

/* Page by page: the error names the page that fails. */
static int kread_pages(const struct bw_kernel *k, uint64_t vaddr, unsigned char *dst, size_t len,
		       struct bw_error *err)
{
	struct bw_error inner;

	while (len) {
		size_t chunk = (size_t)(BW_X86_PAGE_SIZE - (vaddr & (BW_X86_PAGE_SIZE - 1)));
		uint64_t paddr;
		int ret;

		if (chunk > len)
			chunk = len;
		ret = bw_kernel_vtop(k, vaddr, &paddr, &inner);
		if (!ret)
			ret = bw_mem_read(k->mem, paddr, dst, chunk, &inner);
		if (ret)
			return bw_fail(err, inner.code, "reading 0x%llx: %s",
				       (unsigned long long)vaddr, inner.msg);
		dst += chunk;
		vaddr += chunk;
		len -= chunk;
	}
	return 0;
}

/*
 * Pages that follow one another physically too are read at once (the BTF blob, kallsyms
 * tables: one system call on a QEMU source, not one a page); a run that fails is read again
 * page by page to name the page.
 */
int bw_kernel_read(const struct bw_kernel *k, uint64_t vaddr, void *buf, size_t len,
		   struct bw_error *err)
{
	unsigned char *dst = buf;
	uint64_t end;

	if (bw_add_overflow(vaddr, len, &end) && end != 0)
		return bw_fail(err, BW_EFAULT, "reading %zu bytes at 0x%llx: wraps past the top",
			       len, (unsigned long long)vaddr);
	while (len) {
		size_t run = (size_t)(BW_X86_PAGE_SIZE - (vaddr & (BW_X86_PAGE_SIZE - 1)));
		uint64_t paddr, next;

		if (run > len)
			run = len;
		if (bw_kernel_vtop(k, vaddr, &paddr, NULL))
			return kread_pages(k, vaddr, dst, run, err);
		while (run < len && !bw_kernel_vtop(k, vaddr + run, &next, NULL) &&
		       next == paddr + run)
			run += len - run < BW_X86_PAGE_SIZE ? len - run : BW_X86_PAGE_SIZE;
		if (bw_mem_read(k->mem, paddr, dst, run, NULL)) {
			int ret = kread_pages(k, vaddr, dst, run, err);

			if (ret)
				return ret;
		}
		dst += run;
		vaddr += run;
		len -= run;
	}
	return 0;
}

int bw_kernel_read_uint(const struct bw_kernel *k, uint64_t vaddr, uint64_t size, uint64_t *out,
			struct bw_error *err)
{
	unsigned char b[8] = {0};
	uint64_t v = 0;
	int ret, i;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return bw_fail(err, BW_ENOTSUP, "reading a %llu-byte integer at 0x%llx",
			       (unsigned long long)size, (unsigned long long)vaddr);
	ret = bw_kernel_read(k, vaddr, b, (size_t)size, err);
	if (ret)
		return ret;
	/* x86-64 is little-endian. */
	for (i = (int)size - 1; i >= 0; i--)
		v = v << 8 | b[i];
	*out = v;
	return 0;
}

int bw_kernel_percpu_offset(const struct bw_kernel *k, uint32_t cpu, uint64_t *offset,
			    struct bw_error *err)
{
	if (!k->per_cpu_offset_addr)
		return bw_fail(err, BW_ENOENT,
			       "per-CPU data unavailable: symbols __per_cpu_offset and nr_cpu_ids "
			       "not found (symbols: %s)",
			       k->symbols_source);
	if (cpu >= k->nr_cpu_ids)
		return bw_fail(err, BW_EINVAL, "CPU %u out of range: nr_cpu_ids is %u", cpu,
			       k->nr_cpu_ids);
	return bw_kernel_read_uint(k, k->per_cpu_offset_addr + (uint64_t)cpu * 8, 8, offset, err);
}

int bw_kernel_type_named(const struct bw_kernel *k, const char *name, int kind, uint32_t *id,
			 struct bw_error *err)
{
	int ret = bw_btf_find(k->btf, name, kind, id, err);

	if (ret)
		return ret;
	return bw_btf_resolve(k->btf, *id, id, err);
}

int bw_kernel_prefix(struct bw_error *err, const char *fmt, ...)
{
	char old[BW_ERRMSG_MAX], prefix[BW_ERRMSG_MAX];
	va_list ap;

	memcpy(old, err->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	return bw_fail(err, err->code, "%s: %s", prefix, old);
}
