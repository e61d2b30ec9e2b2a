// SPDX-License-Identifier: MIT
/*
 * The physical-memory object: a sorted table of present ranges, each backed by a dump file (read
 * with pread), by bytes the caller keeps mapped, or by the caller's callback, and reads that
 * binary-search it.
 */
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include "internal.h"
#include "mem/mem_impl.h"

static int mem_core_add(struct bw_mem *mem, const struct bw_mem_seg *seg, struct bw_error *err)
{
	uint64_t end, start = seg->start, size = seg->size;

	if (bw_add_overflow(start, size, &end) && end != 0)
		return bw_fail(err, BW_EFORMAT,
			       "range 0x%" PRIx64 "+0x%" PRIx64
			       " wraps past the top of the address space",
			       start, size);
	if (mem->nsegs == mem->segs_cap) {
		size_t cap = mem->segs_cap ? mem->segs_cap * 2 : 16;
		struct bw_mem_seg *segs;

		if (mem->nsegs >= BW_MEM_MAX_RANGES)
			return bw_fail(err, BW_ELIMIT,
				       "more than %u memory ranges (at 0x%" PRIx64 ")",
				       BW_MEM_MAX_RANGES, start);
		segs = bw_realloc(mem->alloc, mem->segs, cap * sizeof(*segs));
		if (!segs)
			return bw_fail(err, BW_ENOMEM, "out of memory for %zu memory ranges", cap);
		mem->segs = segs;
		mem->segs_cap = cap;
	}
	mem->segs[mem->nsegs++] = *seg;
	return 0;
}

int bw_mem_add_seg(struct bw_mem *mem, uint64_t start, uint64_t size, const uint8_t *data,
		   uint32_t source, struct bw_error *err)
{
	struct bw_mem_seg seg = {.start = start, .size = size, .data = data, .source = source};

	return mem_core_add(mem, &seg, err);
}

int bw_mem_add_file_seg(struct bw_mem *mem, uint64_t start, uint64_t size, uint32_t file,
			uint64_t foff, uint32_t source, struct bw_error *err)
{
	struct bw_mem_seg seg = {
		.start = start, .size = size, .foff = foff, .file = file, .source = source};

	return mem_core_add(mem, &seg, err);
}

int bw_mem_cpu_slot(struct bw_mem *mem, size_t idx, struct bw_cpu_regs **out, struct bw_error *err)
{
	if (idx >= BW_MEM_MAX_CPUS)
		return bw_fail(err, BW_ELIMIT, "register notes for more than %u CPUs",
			       BW_MEM_MAX_CPUS);
	if (idx >= mem->cpus_cap) {
		size_t cap = mem->cpus_cap ? mem->cpus_cap * 2 : 8;
		struct bw_cpu_regs *cpus;

		while (cap <= idx)
			cap *= 2;
		cpus = bw_realloc(mem->alloc, mem->cpus, cap * sizeof(*cpus));
		if (!cpus)
			return bw_fail(err, BW_ENOMEM, "out of memory for %zu CPU register sets",
				       cap);
		memset(cpus + mem->cpus_cap, 0, (cap - mem->cpus_cap) * sizeof(*cpus));
		mem->cpus = cpus;
		mem->cpus_cap = cap;
	}
	if (idx >= mem->ncpus)
		mem->ncpus = idx + 1;
	*out = &mem->cpus[idx];
	return 0;
}

static int mem_core_seg_cmp(const void *a, const void *b)
{
	const struct bw_mem_seg *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* The larger of two ranges at one start first, so aliases follow what contains them. */
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return 0;
}

/* Last byte of a range (ranges may end exactly at 2^64). */
static uint64_t mem_core_seg_last(const struct bw_mem_seg *s)
{
	return s->start + (s->size - 1);
}

/* Sort, drop empty ranges and same-source aliases, reject other overlaps. */
static int mem_core_seal(struct bw_mem *mem, struct bw_error *err)
{
	size_t i, n = 0;

	if (mem->nsegs) /* segs is NULL when there are none, and qsort wants non-NULL */
		qsort(mem->segs, mem->nsegs, sizeof(*mem->segs), mem_core_seg_cmp);
	for (i = 0; i < mem->nsegs; i++) {
		const struct bw_mem_seg *s = &mem->segs[i];

		if (!s->size)
			continue;
		if (n) {
			const struct bw_mem_seg *prev = &mem->segs[n - 1];

			if (s->start <= mem_core_seg_last(prev)) {
				if (s->source == prev->source &&
				    mem_core_seg_last(s) <= mem_core_seg_last(prev))
					continue;
				return bw_fail(err, BW_EFORMAT,
					       "memory ranges overlap: [0x%" PRIx64 "-0x%" PRIx64
					       "] and [0x%" PRIx64 "-0x%" PRIx64 "]",
					       prev->start, mem_core_seg_last(prev), s->start,
					       mem_core_seg_last(s));
			}
		}
		mem->segs[n++] = *s;
	}
	mem->nsegs = n;
	return 0;
}

int bw_mem_publish(struct bw_mem *mem, int ret, struct bw_mem **out, struct bw_error *err)
{
	if (!ret)
		ret = mem_core_seal(mem, err);
	if (ret) {
		bw_mem_close(mem);
		return ret;
	}
	*out = mem;
	return 0;
}

struct bw_mem *bw_mem_new(const struct bw_allocator *alloc)
{
	struct bw_mem *mem = bw_zalloc(alloc, sizeof(*mem));

	if (!mem)
		return NULL;
	if (alloc) {
		mem->alloc_copy = *alloc;
		mem->alloc = &mem->alloc_copy;
	}
	return mem;
}

/*
 * Dump formats btfwalk does not read, recognized by their signature so they are refused instead
 * of being taken for raw memory: kdump-compressed (makedumpfile -c/-l/-p, QEMU dump-guest-memory
 * -z/-l/-s), makedumpfile's flattened stream, and Windows crash dumps (QEMU -w).
 */
static const char *mem_core_foreign_format(const uint8_t *data, size_t len)
{
	static const struct {
		const char *magic, *name;
	} formats[] = {
		{"KDUMP   ", "kdump-compressed"},	    {"DISKDUMP", "diskdump"},
		{"makedumpfile", "makedumpfile flattened"}, {"PAGEDU64", "Windows crash dump"},
		{"PAGEDUMP", "Windows crash dump"},
	};
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		size_t n = strlen(formats[i].magic);

		if (len >= n && !memcmp(data, formats[i].magic, n))
			return formats[i].name;
	}
	return NULL;
}

static int mem_core_open_spec(struct bw_mem *mem, const char *spec, uint32_t source,
			      struct bw_error *err)
{
	const char *at = strrchr(spec, '@');
	uint64_t base = 0;
	bool has_base = at && at != spec && bw_parse_u64(at + 1, strlen(at + 1), 0, &base);
	size_t plen = has_base ? (size_t)(at - spec) : strlen(spec);
	const char *foreign;
	uint8_t head[16];
	uint64_t len;
	uint32_t file;
	size_t n;
	char *path;
	int ret;

	path = bw_alloc(mem->alloc, plen + 1);
	if (!path)
		return bw_fail(err, BW_ENOMEM, "out of memory for path %s", spec);
	memcpy(path, spec, plen);
	path[plen] = '\0';
	ret = bw_mem_file_open(mem, path, &file, &len, err);
	if (ret)
		goto out;
	n = len < sizeof(head) ? (size_t)len : sizeof(head);
	ret = bw_mem_file_read(mem, file, 0, head, n, err);
	if (ret)
		goto out;
	foreign = has_base ? NULL : mem_core_foreign_format(head, n);
	if (!has_base && bw_mem_is_elf(head, n))
		ret = bw_mem_load_elfcore(mem, file, len, source, err);
	else if (foreign)
		ret = bw_fail(err, BW_ENOTSUP,
			      "%s: a %s file, not supported (use an ELF core or raw memory; "
			      "PATH@0 forces raw)",
			      path, foreign);
	else
		ret = bw_mem_add_file_seg(mem, base, len, file, 0, source, err);
out:
	bw_free(mem->alloc, path);
	return ret;
}

int bw_mem_open(const char *const *specs, size_t nspecs, const struct bw_allocator *alloc,
		struct bw_mem **out, struct bw_error *err)
{
	struct bw_mem *mem;
	size_t i;
	int ret;

	if (!out || (!specs && nspecs))
		return bw_fail(err, BW_EINVAL, "bw_mem_open: NULL argument");
	*out = NULL;
	if (!nspecs)
		return bw_fail(err, BW_EINVAL, "bw_mem_open: no dump file given");
	if (nspecs > BW_MEM_MAX_FILES)
		return bw_fail(err, BW_ELIMIT, "%zu dump files given, at most %u", nspecs,
			       BW_MEM_MAX_FILES);
	mem = bw_mem_new(alloc);
	if (!mem)
		return bw_fail(err, BW_ENOMEM, "out of memory for the dump");
	for (i = 0, ret = 0; !ret && i < nspecs; i++)
		ret = specs[i] ? mem_core_open_spec(mem, specs[i], (uint32_t)i, err)
			       : bw_fail(err, BW_EINVAL, "bw_mem_open: spec %zu is NULL", i);
	return bw_mem_publish(mem, ret, out, err);
}

int bw_mem_open_callback(const struct bw_mem_range *ranges, size_t nranges, bw_mem_read_fn read,
			 void *ctx, const struct bw_allocator *alloc, struct bw_mem **out,
			 struct bw_error *err)
{
	struct bw_mem *mem;
	size_t i;
	int ret;

	if (!out || !read || (!ranges && nranges))
		return bw_fail(err, BW_EINVAL, "bw_mem_open_callback: NULL argument");
	*out = NULL;
	if (nranges > BW_MEM_MAX_RANGES)
		return bw_fail(err, BW_ELIMIT, "%zu memory ranges given, at most %u", nranges,
			       BW_MEM_MAX_RANGES);
	mem = bw_mem_new(alloc);
	if (!mem)
		return bw_fail(err, BW_ENOMEM, "out of memory for the dump");
	mem->read = read;
	mem->ctx = ctx;
	/* Each caller range is its own source: overlaps between them are errors. */
	for (i = 0, ret = 0; !ret && i < nranges; i++)
		ret = bw_mem_add_seg(mem, ranges[i].start, ranges[i].size, NULL, (uint32_t)i, err);
	return bw_mem_publish(mem, ret, out, err);
}

void bw_mem_close(struct bw_mem *mem)
{
	if (!mem)
		return;
	if (mem->live)
		mem->live->close(mem->alloc, mem->ctx);
	bw_mem_close_files(mem);
	bw_free(mem->alloc, mem->vmcoreinfo);
	bw_free(mem->alloc, mem->segs);
	bw_free(mem->alloc, mem->cpus);
	bw_free(mem->alloc, mem);
}

/* The range containing paddr, or NULL. */
static const struct bw_mem_seg *mem_core_find(const struct bw_mem *mem, uint64_t paddr)
{
	size_t lo = 0, hi = mem->nsegs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (mem->segs[mid].start <= paddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || paddr > mem_core_seg_last(&mem->segs[lo - 1]))
		return NULL;
	return &mem->segs[lo - 1];
}

int bw_mem_read(const struct bw_mem *mem, uint64_t paddr, void *buf, size_t len,
		struct bw_error *err)
{
	uint8_t *dst = buf;

	if (!mem || (!buf && len))
		return bw_fail(err, BW_EINVAL, "bw_mem_read: NULL argument");
	while (len) {
		const struct bw_mem_seg *s = mem_core_find(mem, paddr);
		uint64_t off, avail;
		size_t n;

		if (!s)
			return bw_fail(err, BW_EFAULT,
				       "physical address 0x%" PRIx64 " is not in the dump", paddr);
		off = paddr - s->start;
		avail = s->size - off;
		n = avail < len ? (size_t)avail : len;
		if (s->data) {
			memcpy(dst, s->data + off, n);
		} else if (s->file) {
			struct bw_error inner;

			if (bw_mem_file_read(mem, s->file, s->foff + off, dst, n, &inner))
				return bw_fail(err, inner.code,
					       "physical address 0x%" PRIx64 ": %s", paddr,
					       inner.msg);
		} else if (mem->live) {
			int ret = mem->live->read(mem->ctx, paddr, dst, n, err);

			if (ret)
				return ret;
		} else if (mem->read(mem->ctx, paddr, dst, n))
			return bw_fail(err, BW_EFAULT,
				       "physical address 0x%" PRIx64 ": the memory callback failed",
				       paddr);
		dst += n;
		len -= n;
		if (len && bw_add_overflow(paddr, n, &paddr))
			return bw_fail(err, BW_EFAULT, "read wraps past physical address 2^64");
	}
	return 0;
}

uint64_t bw_mem_present(const struct bw_mem *mem, uint64_t paddr, uint64_t max)
{
	uint64_t n = 0;

	while (n < max) {
		const struct bw_mem_seg *s = mem_core_find(mem, paddr + n);

		if (!s || paddr + n < paddr)
			break;
		n += s->size - (paddr + n - s->start);
	}
	return n < max ? n : max;
}

size_t bw_mem_ranges(const struct bw_mem *mem, struct bw_mem_range *out, size_t max)
{
	size_t i;

	if (!mem)
		return 0;
	for (i = 0; i < mem->nsegs && i < max && out; i++)
		out[i] = (struct bw_mem_range){mem->segs[i].start, mem->segs[i].size};
	return mem->nsegs;
}

const char *bw_mem_vmcoreinfo_note(const struct bw_mem *mem, size_t *len)
{
	if (len)
		*len = mem ? mem->vmcoreinfo_len : 0;
	return mem ? mem->vmcoreinfo : NULL;
}

size_t bw_mem_cpu_regs(const struct bw_mem *mem, struct bw_cpu_regs *out, size_t max)
{
	size_t i;

	if (!mem)
		return 0;
	for (i = 0; i < mem->ncpus && i < max && out; i++)
		out[i] = mem->cpus[i];
	return mem->ncpus;
}
