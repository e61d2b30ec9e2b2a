/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#define PERCPU_STRIDE 0x800u
#define PERCPU_ZONESTATS 0x200u /* dynamic per-CPU allocation, after the static section */
#define PA_KALLSYMS (PA_PERCPU + KIMAGE_CPUS * PERCPU_STRIDE)
#define PA_BTF (PA_KALLSYMS + 0x1000u)

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
#define VAR_INIT_TASK 0x800u

#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_PS 0x80ull

struct kb {
	const struct bw_btf *btf;
	uint8_t *img;
	size_t size;
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

KB_PRINTF static void kb_fail(struct kb *b, const char *fmt, ...)
{
	va_list ap;

	if (b->failed)
		return;
	b->failed = true;
	va_start(ap, fmt);
	vsnprintf(b->err->msg, sizeof(b->err->msg), fmt, ap);
	va_end(ap);
	b->err->code = BW_EINVAL;
}

static void kb_put(struct kb *b, uint64_t pa, uint64_t v, size_t n)
{
	if (pa > b->size || n > b->size - pa) {
		kb_fail(b, "kimage: write of %zu bytes at 0x%llx is outside the image", n,
			(unsigned long long)pa);
		return;
	}
	for (size_t i = 0; i < n; i++)
		b->img[pa + i] = (uint8_t)(v >> (8 * i));
}

KB_PRINTF static void kb_vmci(struct kb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->vmci + b->vlen, sizeof(b->vmci) - b->vlen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(b->vmci) - b->vlen)
		kb_fail(b, "kimage: VMCOREINFO text does not fit in a page");
	else
		b->vlen += (size_t)n;
}

static uint32_t kb_type(struct kb *b, const char *name, int kind)
{
	uint32_t id = 0;

	if (bw_btf_find(b->btf, name, kind, &id, b->err))
		b->failed = true;
	return id;
}

static uint64_t kb_sizeof(struct kb *b, const char *name, int kind)
{
	uint64_t size = 0;

	if (bw_btf_sizeof(b->btf, kb_type(b, name, kind), &size, b->err))
		b->failed = true;
	return size;
}

static uint64_t kb_offsetof(struct kb *b, const char *type, const char *path)
{
	struct bw_member_loc loc = {0};

	if (bw_btf_path(b->btf, kb_type(b, type, BW_KIND_STRUCT), path, &loc, b->err))
		b->failed = true;
	return loc.byte_offset;
}

static uint64_t kb_percpu_var(struct kb *b, const char *name)
{
	struct bw_secinfo si = {0};

	if (bw_btf_datasec_var(b->btf, ".data..percpu", name, &si, b->err))
		b->failed = true;
	return si.offset;
}

static void kb_symbol(struct kb *b, const char *name, uint64_t addr)
{
	kb_vmci(b, "SYMBOL(%s)=%llx\n", name, (unsigned long long)addr);
}

/* PML4 -> image PDPT -> PD -> one 2 MiB page at 0; PML4 -> direct-map PDPT -> 1 GiB page at 0. */
static void kb_page_tables(struct kb *b)
{
	kb_put(b, PA_PML4 + 8 * 511, PA_PDPT_IMAGE | PTE_P | PTE_RW, 8);
	kb_put(b, PA_PDPT_IMAGE + 8 * 510, PA_PD_IMAGE | PTE_P | PTE_RW, 8);
	kb_put(b, PA_PD_IMAGE, 0 | PTE_P | PTE_RW | PTE_PS, 8);
	kb_put(b, PA_PML4 + 8 * 273, PA_PDPT_DIRECT | PTE_P | PTE_RW, 8);
	kb_put(b, PA_PDPT_DIRECT, 0 | PTE_P | PTE_RW | PTE_PS, 8);
}

static void kb_nodes(struct kb *b)
{
	uint64_t pgdat_size = kb_sizeof(b, "pglist_data", BW_KIND_STRUCT);
	uint64_t zone_size = kb_sizeof(b, "zone", BW_KIND_STRUCT);
	uint64_t zs_size = kb_sizeof(b, "per_cpu_zonestat", BW_KIND_STRUCT);
	uint64_t zones = kb_offsetof(b, "pglist_data", "node_zones");
	uint64_t node_id = kb_offsetof(b, "pglist_data", "node_id");
	uint64_t nr_zones = kb_offsetof(b, "pglist_data", "nr_zones");
	uint64_t z_pgdat = kb_offsetof(b, "zone", "zone_pgdat");
	uint64_t z_node = kb_offsetof(b, "zone", "node");
	uint64_t z_name = kb_offsetof(b, "zone", "name");
	uint64_t z_pcp = kb_offsetof(b, "zone", "per_cpu_zonestats");
	uint64_t z_event = kb_offsetof(b, "zone", "vm_numa_event");
	uint64_t z_present = kb_offsetof(b, "zone", "present_pages");
	uint64_t zs_event = kb_offsetof(b, "per_cpu_zonestat", "vm_numa_event");
	static const char names[] = "DMA\0DMA32\0Normal\0Movable";
	static const unsigned name_off[] = {0, 4, 10, 17};

	if (b->failed)
		return;
	if (pgdat_size > 0x1000 || zs_size * KIMAGE_NODES * 4 > PERCPU_STRIDE - PERCPU_ZONESTATS) {
		kb_fail(b, "kimage: pglist_data (%llu) or per_cpu_zonestat (%llu) too large",
			(unsigned long long)pgdat_size, (unsigned long long)zs_size);
		return;
	}
	memcpy(b->img + PA_VARS + VAR_ZONE_NAMES, names, sizeof(names));
	for (unsigned n = 0; n < KIMAGE_NODES; n++) {
		uint64_t pgdat = PA_PGDAT + 0x1000ull * n;

		kb_put(b, PA_VARS + VAR_NODE_DATA + 8 * n, DM(pgdat), 8);
		kb_put(b, pgdat + node_id, n, 4);
		kb_put(b, pgdat + nr_zones, 4, 4);
		for (unsigned z = 0; z < 4; z++) {
			uint64_t zone = pgdat + zones + z * zone_size;
			uint64_t zs = PERCPU_ZONESTATS + (n * 4 + z) * zs_size;

			kb_put(b, zone + z_pgdat, DM(pgdat), 8);
			kb_put(b, zone + z_node, n, 4);
			kb_put(b, zone + z_name, DM(PA_VARS + VAR_ZONE_NAMES + name_off[z]), 8);
			kb_put(b, zone + z_pcp, zs, 8);
			/* DMA32 and Normal are populated; only those fold per-CPU deltas. */
			kb_put(b, zone + z_present, z == 1 || z == 2 ? 0x8000 : 0, 8);
			for (unsigned i = 0; i < 6; i++) {
				kb_put(b, zone + z_event + 8 * i, 1000 * (n + 1) + 100 * z + i, 8);
				for (unsigned cpu = 0; cpu < KIMAGE_CPUS; cpu++)
					kb_put(b,
					       PA_PERCPU + cpu * PERCPU_STRIDE + zs + zs_event +
						       8 * i,
					       cpu + i, 8);
			}
		}
	}
	/* N_POSSIBLE, N_ONLINE, N_NORMAL_MEMORY, N_MEMORY, N_CPU: both nodes. */
	for (unsigned s = 0; s < 5; s++)
		kb_put(b, PA_VARS + VAR_NODE_STATES + 8 * s, (1u << KIMAGE_NODES) - 1, 8);
	kb_put(b, PA_VARS + VAR_NODE_ONLINE, (1u << KIMAGE_NODES) - 1, 8);
	kb_vmci(b,
		"SIZE(pglist_data)=%llu\nSIZE(zone)=%llu\nOFFSET(pglist_data.node_zones)=%llu\n"
		"OFFSET(pglist_data.nr_zones)=%llu\nOFFSET(pglist_data.node_id)=%llu\n"
		"LENGTH(node_data)=4\n",
		(unsigned long long)pgdat_size, (unsigned long long)zone_size,
		(unsigned long long)zones, (unsigned long long)nr_zones,
		(unsigned long long)node_id);
}

static void kb_cpus(struct kb *b)
{
	uint64_t rq = kb_percpu_var(b, "runqueues");
	uint64_t nr_running = kb_offsetof(b, "rq", "nr_running");
	uint64_t rq_cpu = kb_offsetof(b, "rq", "cpu");
	uint64_t rq_self = kb_offsetof(b, "rq", "self");
	uint64_t numa_node = kb_percpu_var(b, "numa_node");

	if (b->failed)
		return;
	for (unsigned cpu = 0; cpu < KIMAGE_CPUS; cpu++) {
		uint64_t area = PA_PERCPU + cpu * PERCPU_STRIDE;

		kb_put(b, PA_VARS + VAR_PER_CPU_OFFSET + 8 * cpu, DM(area), 8);
		kb_put(b, area + rq + nr_running, cpu + 1, 4);
		kb_put(b, area + rq + rq_cpu, cpu, 4);
		kb_put(b, area + rq + rq_self, DM(area + rq), 8);
		kb_put(b, area + numa_node, cpu % KIMAGE_NODES, 4);
	}
	kb_put(b, PA_VARS + VAR_NR_CPU_IDS, KIMAGE_CPUS, 4);
	kb_put(b, PA_VARS + VAR_CPU_ONLINE, (1u << KIMAGE_CPUS) - 1, 8);
	kb_put(b, PA_VARS + VAR_CPU_POSSIBLE, (1u << KIMAGE_CPUS) - 1, 8);
}

static void kb_uts(struct kb *b)
{
	uint64_t release = kb_offsetof(b, "uts_namespace", "name.release");
	uint64_t sysname = kb_offsetof(b, "uts_namespace", "name.sysname");

	if (b->failed)
		return;
	memcpy(b->img + PA_VARS + VAR_INIT_UTS_NS + sysname, "Linux", 6);
	memcpy(b->img + PA_VARS + VAR_INIT_UTS_NS + release, KIMAGE_RELEASE,
	       sizeof(KIMAGE_RELEASE));
	kb_vmci(b, "OFFSET(uts_namespace.name)=%llu\n",
		(unsigned long long)kb_offsetof(b, "uts_namespace", "name"));
}

/* The symbols a real VMCOREINFO does not carry come from the kernel's kallsyms tables. */
static void kb_kallsyms(struct kb *b, size_t btf_len)
{
	const struct ksym syms[] = {
		{"__per_cpu_start", 'A', 0},
		{"runqueues", 'A', kb_percpu_var(b, "runqueues")},
		{"numa_node", 'A', kb_percpu_var(b, "numa_node")},
		{"_stext", 'T', IMG(0)},
		{"init_top_pgt", 'D', IMG(PA_PML4)},
		{"node_data", 'B', IMG(PA_VARS + VAR_NODE_DATA)},
		{"node_states", 'D', IMG(PA_VARS + VAR_NODE_STATES)},
		{"node_online_map", 'D', IMG(PA_VARS + VAR_NODE_ONLINE)},
		{"__per_cpu_offset", 'D', IMG(PA_VARS + VAR_PER_CPU_OFFSET)},
		{"nr_cpu_ids", 'D', IMG(PA_VARS + VAR_NR_CPU_IDS)},
		{"__cpu_online_mask", 'D', IMG(PA_VARS + VAR_CPU_ONLINE)},
		{"__cpu_possible_mask", 'D', IMG(PA_VARS + VAR_CPU_POSSIBLE)},
		{"page_offset_base", 'D', IMG(PA_VARS + VAR_PAGE_OFFSET_BASE)},
		{"init_uts_ns", 'D', IMG(PA_VARS + VAR_INIT_UTS_NS)},
		{"init_task", 'D', IMG(PA_VARS + VAR_INIT_TASK)},
		{"__start_BTF", 'R', IMG(PA_BTF)},
		{"__stop_BTF", 'R', IMG(PA_BTF + btf_len)},
	};
	struct ksym_layout at;

	if (b->failed)
		return;
	if (!kallsyms_encode(syms, sizeof(syms) / sizeof(syms[0]), b->img + PA_KALLSYMS,
			     PA_BTF - PA_KALLSYMS, &at)) {
		kb_fail(b, "kimage: kallsyms tables do not fit in a page");
		return;
	}
	kb_symbol(b, "kallsyms_num_syms", IMG(PA_KALLSYMS + at.num_syms));
	kb_symbol(b, "kallsyms_names", IMG(PA_KALLSYMS + at.names));
	kb_symbol(b, "kallsyms_markers", IMG(PA_KALLSYMS + at.markers));
	kb_symbol(b, "kallsyms_token_table", IMG(PA_KALLSYMS + at.token_table));
	kb_symbol(b, "kallsyms_token_index", IMG(PA_KALLSYMS + at.token_index));
	kb_symbol(b, "kallsyms_addresses", IMG(PA_KALLSYMS + at.addresses));
	kb_symbol(b, "kallsyms_seqs_of_names", IMG(PA_KALLSYMS + at.seqs_of_names));
}

int kimage_build(const struct bw_btf *btf, const void *btf_blob, size_t btf_len, uint8_t **image,
		 size_t *size, struct bw_error *err)
{
	struct kb b = {.btf = btf, .err = err};

	b.size = PA_BTF + btf_len;
	b.img = calloc(1, b.size);
	if (!b.img) {
		kb_fail(&b, "kimage: out of memory");
		return -1;
	}
	/* What a real x86-64 VMCOREINFO has (kernel/vmcore_info.c, arch/x86/kernel/...). */
	kb_vmci(&b, "OSRELEASE=%s\nPAGESIZE=4096\n", KIMAGE_RELEASE);
	kb_symbol(&b, "init_uts_ns", IMG(PA_VARS + VAR_INIT_UTS_NS));
	kb_symbol(&b, "node_online_map", IMG(PA_VARS + VAR_NODE_ONLINE));
	kb_symbol(&b, "_stext", IMG(0));
	kb_symbol(&b, "init_top_pgt", IMG(PA_PML4));
	kb_symbol(&b, "node_data", IMG(PA_VARS + VAR_NODE_DATA));
	kb_vmci(&b, "NUMBER(phys_base)=0\nNUMBER(pgtable_l5_enabled)=0\nKERNELOFFSET=0\n"
		    "NUMBER(KERNEL_IMAGE_SIZE)=1073741824\n");
	kb_page_tables(&b);
	kb_put(&b, PA_VARS + VAR_PAGE_OFFSET_BASE, DM(0), 8);
	kb_nodes(&b);
	kb_cpus(&b);
	kb_uts(&b);
	kb_kallsyms(&b, btf_len);
	kb_vmci(&b, "CRASHTIME=1764140000\n");
	if (!b.failed && b.vlen + 1 >= KIMAGE_MODE_OFFSET - 2)
		kb_fail(&b, "kimage: VMCOREINFO text (%zu bytes) reaches the mode bytes", b.vlen);
	if (b.failed) {
		free(b.img);
		return -1;
	}
	memcpy(b.img + PA_VMCOREINFO, b.vmci, b.vlen);
	memcpy(b.img + PA_BTF, btf_blob, btf_len);
	*image = b.img;
	*size = b.size;
	return 0;
}
