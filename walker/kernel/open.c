/* SPDX-License-Identifier: MIT */
/*
 * Opening a kernel in a dump: find VMCOREINFO (ELF note, else the text in memory), derive the
 * layout (KASLR offset, phys_base, page-table root and depth), then symbols, BTF, per-CPU data,
 * and cross-check the BTF against VMCOREINFO.
 */
#include <string.h>
#include "internal.h"
#include "kernel/kernel_impl.h"

#define KOPEN_VMCOREINFO_BYTES 4096 /* VMCOREINFO_BYTES: the kernel keeps it in one page */
#define KOPEN_CR3_ADDR_MASK 0x000ffffffffff000ull
#define KOPEN_CR4_LA57 (1ull << 12)

/* One past the last present physical byte: 0 when there is none, or no memory to tell. */
static uint64_t kopen_mem_end(const struct bw_kernel *k)
{
	struct bw_mem_range last = {0, 0};
	size_t n = bw_mem_ranges(k->mem, &last, 1);

	if (n > 1) {
		struct bw_mem_range *all = bw_alloc_array(k->alloc, n, sizeof(*all));

		if (!all)
			return 0;
		bw_mem_ranges(k->mem, all, n);
		last = all[n - 1];
		bw_free(k->alloc, all);
	}
	return n ? last.start + last.size : 0;
}

/*
 * Raw dumps have no VMCOREINFO note: find the kernel's own copy of the text in memory. It must
 * carry the page-table root, or the walk cannot start.
 */
static int kopen_scan_vmcoreinfo(struct bw_kernel *k, struct bw_error *err)
{
	size_t len;
	int ret;

	k->vmcoreinfo_text = bw_alloc(k->alloc, KOPEN_VMCOREINFO_BYTES + 1);
	if (!k->vmcoreinfo_text)
		return bw_fail(err, BW_ENOMEM, "no memory for the VMCOREINFO text");
	ret = bw_mem_find_vmcoreinfo(k->mem, k->vmcoreinfo_text, KOPEN_VMCOREINFO_BYTES + 1, &len,
				     &k->vmcoreinfo_paddr, err);
	if (ret == -BW_ENOENT)
		return bw_fail(
			err, BW_ENOTREADY,
			"kernel not ready yet: no VMCOREINFO text in memory (a page starting "
			"with OSRELEASE=, phys 0x0-0x%llx): the kernel writes it during boot "
			"(or this is not a Linux kernel's memory)",
			(unsigned long long)kopen_mem_end(k));
	if (ret)
		return ret;
	ret = bw_vmcoreinfo_parse(k->vmcoreinfo_text, len, k->alloc, &k->vi, err);
	if (ret)
		return ret;
	/* The kernel appends its entries one by one: the arch's (init_top_pgt) come last. */
	if (!bw_vmcoreinfo_get(k->vi, "SYMBOL(init_top_pgt)"))
		return bw_fail(err, BW_ENOTREADY,
			       "kernel not ready yet: the VMCOREINFO text at phys 0x%llx has no "
			       "SYMBOL(init_top_pgt) yet",
			       (unsigned long long)k->vmcoreinfo_paddr);
	return 0;
}

static int kopen_vmcoreinfo(struct bw_kernel *k, struct bw_error *err)
{
	size_t len;
	const char *note = bw_mem_vmcoreinfo_note(k->mem, &len);

	if (note && len) {
		int ret = bw_vmcoreinfo_parse(note, len, k->alloc, &k->vi, err);

		if (ret)
			return ret;
		if (bw_vmcoreinfo_get(k->vi, "OSRELEASE"))
			return 0;
		bw_vmcoreinfo_free(k->vi);
		k->vi = NULL;
	}
	return kopen_scan_vmcoreinfo(k, err);
}

static int kopen_layout(struct bw_kernel *k, const struct bw_kernel_opts *opts,
			struct bw_error *err)
{
	int64_t num;
	uint64_t sym;
	struct bw_cpu_regs regs;
	bool have_regs = bw_mem_cpu_regs(k->mem, &regs, 1) >= 1 && regs.has_cr;

	k->release = bw_vmcoreinfo_get(k->vi, "OSRELEASE");
	if (!k->release)
		return bw_fail(err, BW_EFORMAT, "VMCOREINFO has no OSRELEASE");
	k->build_id = bw_vmcoreinfo_get(k->vi, "BUILD-ID");
	if (bw_vmcoreinfo_get(k->vi, "KERNELOFFSET") &&
	    bw_vmcoreinfo_kerneloffset(k->vi, &k->kaslr_offset, err))
		return -err->code;
	if (bw_vmcoreinfo_number(k->vi, "phys_base", &num, err))
		return -err->code;
	k->phys_base = (uint64_t)num;
	k->image_size = BW_X86_KERNEL_IMAGE_SIZE_DEFAULT;
	if (!bw_vmcoreinfo_number(k->vi, "KERNEL_IMAGE_SIZE", &num, NULL) && num > 0 &&
	    (uint64_t)num <= BW_X86_KERNEL_IMAGE_SIZE_DEFAULT)
		k->image_size = (uint64_t)num;

	k->pgtable.mem = k->mem;
	k->pgtable.levels = 4;
	if (!bw_vmcoreinfo_number(k->vi, "pgtable_l5_enabled", &num, NULL))
		k->pgtable.levels = num ? 5 : 4;
	else if (have_regs && (regs.cr4 & KOPEN_CR4_LA57))
		k->pgtable.levels = 5;

	if (opts && opts->cr3) {
		k->pgtable.root = opts->cr3 & KOPEN_CR3_ADDR_MASK;
	} else if (!bw_vmcoreinfo_symbol(k->vi, "init_top_pgt", &sym, NULL)) {
		if (bw_kernel_image_pa(k, sym, &k->pgtable.root))
			return bw_fail(err, BW_EFORMAT,
				       "SYMBOL(init_top_pgt)=0x%llx is outside the kernel image",
				       (unsigned long long)sym);
	} else if (have_regs) {
		k->pgtable.root = regs.cr3 & KOPEN_CR3_ADDR_MASK;
	} else {
		return bw_fail(
			err, BW_ENOENT,
			"no page-table root: VMCOREINFO has no SYMBOL(init_top_pgt), the dump "
			"has no CPU register notes, and no CR3 was given");
	}
	return 0;
}

/* The direct map's base is randomized with KASLR: read the kernel's own variable. */
static void kopen_page_offset_base(struct bw_kernel *k)
{
	uint64_t addr, v;

	if (!bw_kernel_symbol_quiet(k, "page_offset_base", &addr))
		return;
	if (bw_kernel_read(k, addr, &v, sizeof(v), NULL))
		return;
	/* Only a canonical kernel-half address can be the direct map's base. */
	if (v >> 47 != 0x1ffff && !(k->pgtable.levels == 5 && v >> 56 == 0xff))
		return;
	k->page_offset_base = v;
	/* The direct map covers physical memory up to its end, not the whole region: vmalloc
	 * and vmemmap follow it after KASLR's padding. */
	k->direct_map_size = kopen_mem_end(k);
	if (!k->direct_map_size)
		k->page_offset_base = 0;
}

int bw_kernel_open(const struct bw_mem *mem, const struct bw_kernel_opts *opts,
		   struct bw_kernel **out, struct bw_error *err)
{
	struct bw_error local;
	const struct bw_allocator *alloc = opts ? opts->alloc : NULL;
	struct bw_kernel *k;
	int ret;

	if (!err)
		err = &local;
	if (!mem || !out)
		return bw_fail(err, BW_EINVAL, "bw_kernel_open: mem and out must not be NULL");
	*out = NULL;
	k = bw_zalloc(alloc, sizeof(*k));
	if (!k)
		return bw_fail(err, BW_ENOMEM, "out of memory");
	k->alloc = alloc;
	k->mem = mem;
	ret = kopen_vmcoreinfo(k, err);
	if (!ret)
		ret = kopen_layout(k, opts, err);
	if (!ret)
		ret = bw_kernel_symbols_load(k, opts ? opts->symbols_path : NULL, err);
	if (!ret) {
		kopen_page_offset_base(k);
		ret = bw_kernel_btf_load(k, opts, err);
	}
	if (!ret) {
		ret = bw_kernel_percpu_init(k, err);
		bw_kernel_vars_init(k);
	}
	if (!ret && !(opts && opts->no_crosscheck))
		ret = bw_kernel_crosscheck(k, err);
	if (ret) {
		bw_kernel_close(k);
		return ret;
	}
	*out = k;
	return 0;
}

void bw_kernel_close(struct bw_kernel *k)
{
	if (!k)
		return;
	bw_btf_close(k->owned_btf);
	bw_free(k->alloc, k->btf_data);
	bw_symtab_free(k->symtab);
	bw_vmcoreinfo_free(k->vi);
	bw_free(k->alloc, k->vmcoreinfo_text);
	bw_free(k->alloc, k);
}

void bw_kernel_get_info(const struct bw_kernel *k, struct bw_kernel_info *info)
{
	memset(info, 0, sizeof(*info));
	info->release = k->release;
	info->build_id = k->build_id;
	info->kaslr_offset = k->kaslr_offset;
	info->phys_base = k->phys_base;
	info->page_offset_base = k->page_offset_base;
	info->pgtable_root = k->pgtable.root;
	info->paging_levels = k->pgtable.levels;
	info->nr_cpus = k->nr_cpu_ids;
	info->nr_online_cpus = k->nr_online_cpus;
	info->btf_source = k->btf_source;
	info->symbols_source = k->symbols_source;
	info->vmcoreinfo_source = k->vmcoreinfo_text ? "memory" : "note";
	info->vmcoreinfo_paddr = k->vmcoreinfo_paddr;
}

const struct bw_btf *bw_kernel_btf(const struct bw_kernel *k)
{
	return k->btf;
}

const struct bw_vmcoreinfo *bw_kernel_vmcoreinfo(const struct bw_kernel *k)
{
	return k->vi;
}

#undef KOPEN_VMCOREINFO_BYTES
#undef KOPEN_CR3_ADDR_MASK
#undef KOPEN_CR4_LA57
