/* SPDX-License-Identifier: MIT */
/*
 * The kernel's BTF: the caller's, a file, or the kernel's own copy read out of the dump between
 * __start_BTF and __stop_BTF; without those symbols, the kernel image is scanned for a BTF
 * header whose blob loads and describes a kernel.
 */
#include <string.h>
#include "internal.h"
#include "kernel/kernel_impl.h"
#include "mem/mem_impl.h"

#define KBTF_HDR_LEN 24
#define KBTF_SCAN_CHUNK (1u << 20)
#define KBTF_MAX_TRIES 16 /* candidate headers loaded before giving up */

static int kbtf_open_buffer(struct bw_kernel *k, void *data, size_t len, struct bw_error *err)
{
	struct bw_btf_opts bo = {.alloc = k->alloc};
	uint32_t id;
	int ret = bw_btf_open_mem(data, len, &bo, &k->owned_btf, err);

	if (ret)
		return ret;
	if (bw_btf_find(k->owned_btf, "task_struct", BW_KIND_STRUCT, &id, NULL)) {
		bw_btf_close(k->owned_btf);
		k->owned_btf = NULL;
		return bw_fail(err, BW_EFORMAT, "BTF in the dump has no struct task_struct");
	}
	k->btf_data = data;
	k->btf = k->owned_btf;
	k->btf_source = "dump";
	return 0;
}

/*
 * Whether [vaddr, vaddr + len) is backed by len distinct bytes of the dump. The length comes from
 * the dump: before allocating it, translate the range page by page and count the bytes behind
 * it once, however many page-table entries, PT_LOADs or files alias them.
 */
static int kbtf_backed(struct bw_kernel *k, uint64_t vaddr, uint64_t len, struct bw_error *err)
{
	struct bw_mem_range *runs = NULL;
	size_t n = 0, cap = 0;
	uint64_t pos, backed;
	int ret = 0;

	for (pos = 0; pos < len;) {
		uint64_t va = vaddr + pos, pa;
		uint64_t chunk = BW_X86_PAGE_SIZE - (va & (BW_X86_PAGE_SIZE - 1));

		if (chunk > len - pos)
			chunk = len - pos;
		ret = bw_kernel_vtop(k, va, &pa, err);
		if (ret)
			goto out;
		if (n && runs[n - 1].start + runs[n - 1].size == pa) {
			runs[n - 1].size += chunk;
		} else {
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 16;
				struct bw_mem_range *nr =
					bw_realloc(k->alloc, runs, ncap * sizeof(*nr));

				if (!nr) {
					ret = bw_fail(err, BW_ENOMEM,
						      "out of memory checking the BTF range");
					goto out;
				}
				runs = nr;
				cap = ncap;
			}
			runs[n++] = (struct bw_mem_range){pa, chunk};
		}
		pos += chunk;
	}
	backed = bw_mem_backing(k->mem, runs, n);
	if (backed != len)
		ret = bw_fail(err, BW_EFORMAT,
			      "BTF range 0x%llx+0x%llx is backed by only 0x%llx distinct bytes of "
			      "the dump (its pages alias or are missing)",
			      (unsigned long long)vaddr, (unsigned long long)len,
			      (unsigned long long)backed);
out:
	bw_free(k->alloc, runs);
	return ret;
}

static int kbtf_from_symbols(struct bw_kernel *k, uint64_t start, uint64_t stop,
			     struct bw_error *err)
{
	unsigned char probe;
	void *data;
	int ret;

	if (stop <= start || stop - start > BW_BTF_MAX_SIZE)
		return bw_fail(err, BW_EFORMAT,
			       "__start_BTF 0x%llx .. __stop_BTF 0x%llx is not a "
			       "plausible BTF range",
			       (unsigned long long)start, (unsigned long long)stop);
	/* The size comes from the dump: allocate it only once both ends are in the dump. */
	ret = bw_kernel_read(k, start, &probe, 1, err);
	if (!ret)
		ret = bw_kernel_read(k, stop - 1, &probe, 1, err);
	if (!ret)
		ret = kbtf_backed(k, start, stop - start, err);
	if (ret)
		return ret;
	data = bw_alloc_bulk(k->alloc, (size_t)(stop - start));
	if (!data)
		return bw_fail(err, BW_ENOMEM, "out of memory for %llu bytes of BTF",
			       (unsigned long long)(stop - start));
	ret = bw_kernel_read(k, start, data, (size_t)(stop - start), err);
	if (!ret)
		ret = kbtf_open_buffer(k, data, (size_t)(stop - start), err);
	if (ret)
		bw_free(k->alloc, data);
	return ret;
}

static uint32_t kbtf_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A native (little-endian) BTF header at p: its whole size, or 0. */
static uint64_t kbtf_header_size(const unsigned char *p)
{
	uint64_t types_end, strs_end;

	if (p[0] != 0x9f || p[1] != 0xeb || p[2] != 1 || kbtf_le32(p + 4) != KBTF_HDR_LEN)
		return 0;
	types_end = (uint64_t)kbtf_le32(p + 8) + kbtf_le32(p + 12);
	strs_end = (uint64_t)kbtf_le32(p + 16) + kbtf_le32(p + 20);
	if (!kbtf_le32(p + 12) || !kbtf_le32(p + 20))
		return 0;
	return KBTF_HDR_LEN + (types_end > strs_end ? types_end : strs_end);
}

static int kbtf_try_at(struct bw_kernel *k, uint64_t paddr, uint64_t size)
{
	unsigned char probe;
	void *data;

	struct bw_mem_range blob = {paddr, size};

	/* A header's sizes are anyone's bytes: allocate only for a blob whose bytes are all in the
	 * dump, once. */
	if (size > BW_BTF_MAX_SIZE || bw_mem_read(k->mem, paddr + size - 1, &probe, 1, NULL) ||
	    bw_mem_backing(k->mem, &blob, 1) != size)
		return -1;
	data = bw_alloc(k->alloc, (size_t)size);
	if (!data)
		return -1;
	if (!bw_mem_read(k->mem, paddr, data, (size_t)size, NULL) &&
	    !kbtf_open_buffer(k, data, (size_t)size, NULL))
		return 0;
	bw_free(k->alloc, data);
	return -1;
}

static int kbtf_scan_image(struct bw_kernel *k, struct bw_error *err)
{
	uint64_t stext, start, pos, end;
	unsigned char *buf;
	unsigned tries = 0;

	if (bw_vmcoreinfo_symbol(k->vi, "_stext", &stext, NULL) ||
	    bw_kernel_image_pa(k, stext, &start))
		return bw_fail(
			err, BW_ENOENT,
			"no BTF: symbols __start_BTF/__stop_BTF unknown and VMCOREINFO has no "
			"SYMBOL(_stext) to find the kernel image; give --btf");
	buf = bw_alloc(k->alloc, KBTF_SCAN_CHUNK);
	if (!buf)
		return bw_fail(err, BW_ENOMEM, "out of memory scanning for BTF");
	end = start + BW_KERNEL_BTF_SCAN;
	for (pos = start; pos < end; pos += KBTF_SCAN_CHUNK - KBTF_HDR_LEN) {
		/* The image may end (or meet a hole) within a chunk: scan what is there. */
		size_t i, n = (size_t)bw_mem_present(k->mem, pos, KBTF_SCAN_CHUNK);

		if (n < KBTF_HDR_LEN || bw_mem_read(k->mem, pos, buf, n, NULL))
			break;
		for (i = 0; i + KBTF_HDR_LEN <= n; i += 4) {
			uint64_t size = kbtf_header_size(buf + i);

			if (!size)
				continue;
			/* Each try may copy a large blob: a crafted image gets only a few. */
			if (++tries > KBTF_MAX_TRIES)
				goto out;
			if (!kbtf_try_at(k, pos + i, size)) {
				bw_free(k->alloc, buf);
				return 0;
			}
		}
		if (n < KBTF_SCAN_CHUNK)
			break;
	}
out:
	bw_free(k->alloc, buf);
	return bw_fail(err, BW_ENOENT,
		       "no BTF: symbols __start_BTF/__stop_BTF unknown and no BTF blob found in "
		       "the %u MiB after _stext (phys 0x%llx); give --btf",
		       BW_KERNEL_BTF_SCAN >> 20, (unsigned long long)start);
}

int bw_kernel_btf_load(struct bw_kernel *k, const struct bw_kernel_opts *opts, struct bw_error *err)
{
	uint64_t start, stop;

	if (opts && opts->btf) {
		k->btf = opts->btf;
		k->btf_source = "caller";
		return 0;
	}
	if (opts && opts->btf_path) {
		struct bw_btf_opts bo = {.alloc = k->alloc};
		int ret = bw_btf_open_file(opts->btf_path, &bo, &k->owned_btf, err);

		if (ret)
			return ret;
		k->btf = k->owned_btf;
		k->btf_source = "file";
		return 0;
	}
	if (bw_kernel_symbol_quiet(k, "__start_BTF", &start) &&
	    bw_kernel_symbol_quiet(k, "__stop_BTF", &stop))
		return kbtf_from_symbols(k, start, stop, err);
	return kbtf_scan_image(k, err);
}

#undef KBTF_HDR_LEN
#undef KBTF_SCAN_CHUNK
#undef KBTF_MAX_TRIES
