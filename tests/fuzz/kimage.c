/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kimage_impl.h"

#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_PS 0x80ull

KB_PRINTF void kb_fail(struct kb *b, const char *fmt, ...)
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

void kb_put(struct kb *b, uint64_t pa, uint64_t v, size_t n)
{
	if (pa > b->size || n > b->size - pa) {
		kb_fail(b, "kimage: write of %zu bytes at 0x%llx is outside the image", n,
			(unsigned long long)pa);
		return;
	}
	for (size_t i = 0; i < n; i++)
		b->img[pa + i] = (uint8_t)(v >> (8 * i));
}

void kb_puts(struct kb *b, uint64_t pa, const char *s)
{
	for (size_t i = 0; i <= strlen(s); i++)
		kb_put(b, pa + i, (uint8_t)s[i], 1);
}

KB_PRINTF void kb_vmci(struct kb *b, const char *fmt, ...)
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

uint32_t kb_type(struct kb *b, const char *name, int kind)
{
	uint32_t id = 0;

	/* Structs may be typedefs of anonymous ones (irq_cpustat_t). */
	if (kind == BW_KIND_STRUCT && !bw_btf_find(b->btf, name, BW_KIND_TYPEDEF, &id, NULL))
		return id;
	if (bw_btf_find(b->btf, name, kind, &id, b->err))
		b->failed = true;
	return id;
}

uint64_t kb_sizeof(struct kb *b, const char *name, int kind)
{
	uint64_t size = 0;

	if (bw_btf_sizeof(b->btf, kb_type(b, name, kind), &size, b->err))
		b->failed = true;
	return size;
}

uint64_t kb_bitoffsetof(struct kb *b, const char *type, const char *path)
{
	struct bw_member_loc loc = {0};

	if (bw_btf_path(b->btf, kb_type(b, type, BW_KIND_STRUCT), path, &loc, b->err))
		b->failed = true;
	return loc.bit_offset;
}

uint64_t kb_offsetof(struct kb *b, const char *type, const char *path)
{
	struct bw_member_loc loc = {0};

	if (bw_btf_path(b->btf, kb_type(b, type, BW_KIND_STRUCT), path, &loc, b->err))
		b->failed = true;
	else if (loc.bitfield_size)
		kb_fail(b, "kimage: %s.%s is a bitfield", type, path);
	return loc.byte_offset;
}

bool kb_has(struct kb *b, const char *type, const char *path)
{
	struct bw_member_loc loc;
	uint32_t id;

	return (!bw_btf_find(b->btf, type, BW_KIND_STRUCT, &id, NULL) ||
		!bw_btf_find(b->btf, type, BW_KIND_TYPEDEF, &id, NULL)) &&
	       !bw_btf_path(b->btf, id, path, &loc, NULL);
}

int64_t kb_enum(struct kb *b, const char *name)
{
	struct bw_enumerator e;

	return bw_btf_enum_value(b->btf, 0, name, &e, NULL) ? -1 : e.value;
}

uint64_t kb_percpu_var(struct kb *b, const char *name)
{
	struct bw_secinfo si = {0};

	if (bw_btf_datasec_var(b->btf, ".data..percpu", name, &si, b->err))
		b->failed = true;
	return si.offset;
}

uint64_t kb_percpu(struct kb *b, const char *name, unsigned cpu)
{
	return PA_PERCPU + cpu * PERCPU_STRIDE + kb_percpu_var(b, name);
}

static uint64_t kb_alloc(struct kb *b, uint64_t *end, uint64_t limit, uint64_t size)
{
	uint64_t pa = *end;

	if (size > limit - pa) {
		kb_fail(b, "kimage: objects do not fit below 0x%llx", (unsigned long long)limit);
		return PA_OBJS;
	}
	*end = (pa + size + 7) & ~7ull;
	return pa;
}

uint64_t kb_static(struct kb *b, uint64_t size)
{
	return kb_alloc(b, &b->static_end, PA_OBJS + KB_STATIC_SIZE, size);
}

uint64_t kb_obj(struct kb *b, uint64_t size)
{
	return kb_alloc(b, &b->obj_end, PA_OBJS + KB_MAX_OBJS, size);
}

uint64_t kb_va(const struct kb *b, uint64_t pa)
{
	(void)b; /* the layout is fixed: the same for every image */
	if ((pa >= PA_VARS && pa < PA_VARS + 0x1000) ||
	    (pa >= PA_OBJS && pa < PA_OBJS + KB_STATIC_SIZE))
		return IMG(pa);
	return DM(pa);
}

void kb_sym(struct kb *b, const char *name, char type, uint64_t addr)
{
	if (b->nr_syms == KB_MAX_SYMS) {
		kb_fail(b, "kimage: more than %u symbols", KB_MAX_SYMS);
		return;
	}
	b->syms[b->nr_syms++] = (struct ksym){name, type, addr};
}

void kb_list(struct kb *b, uint64_t head, const uint64_t *nodes, size_t n)
{
	uint64_t next = kb_offsetof(b, "list_head", "next");
	uint64_t prev = kb_offsetof(b, "list_head", "prev");

	/* The ring head, nodes[0], ..., nodes[n - 1]. */
	for (size_t i = 0; i <= n; i++) {
		uint64_t at = i ? nodes[i - 1] : head;
		uint64_t to = i < n ? nodes[i] : head;
		uint64_t from = i == 0 ? (n ? nodes[n - 1] : head) : (i > 1 ? nodes[i - 2] : head);

		kb_put(b, at + next, kb_va(b, to), 8);
		kb_put(b, at + prev, kb_va(b, from), 8);
	}
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

static int kb_sym_cmp(const void *x, const void *y)
{
	const struct ksym *a = x, *b = y;

	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

/* The symbols a real VMCOREINFO does not carry come from the kernel's kallsyms tables, placed
 * after the objects; the BTF follows them. */
static void kb_kallsyms(struct kb *b, size_t btf_len, uint64_t *pa_btf)
{
	static const char *const percpu[] = {
		"runqueues",	  "numa_node", "kernel_cpustat",      "kstat",
		"tick_cpu_sched", "irq_stat",  "mce_exception_count", "mce_poll_count"};
	uint64_t pa_kallsyms = (b->obj_end + 0xfff) & ~0xfffull;
	struct ksym_layout at;

	*pa_btf = pa_kallsyms + 0x1000;
	kb_sym(b, "__per_cpu_start", 'A', 0);
	for (size_t i = 0; i < sizeof(percpu) / sizeof(percpu[0]); i++)
		kb_sym(b, percpu[i], 'A', kb_percpu_var(b, percpu[i]));
	kb_sym(b, "_stext", 'T', IMG(0));
	kb_sym(b, "init_top_pgt", 'D', IMG(PA_PML4));
	kb_sym(b, "node_data", 'B', IMG(PA_VARS + VAR_NODE_DATA));
	kb_sym(b, "node_states", 'D', IMG(PA_VARS + VAR_NODE_STATES));
	kb_sym(b, "node_online_map", 'D', IMG(PA_VARS + VAR_NODE_ONLINE));
	kb_sym(b, "__per_cpu_offset", 'D', IMG(PA_VARS + VAR_PER_CPU_OFFSET));
	kb_sym(b, "nr_cpu_ids", 'D', IMG(PA_VARS + VAR_NR_CPU_IDS));
	kb_sym(b, "__cpu_online_mask", 'D', IMG(PA_VARS + VAR_CPU_ONLINE));
	kb_sym(b, "__cpu_possible_mask", 'D', IMG(PA_VARS + VAR_CPU_POSSIBLE));
	kb_sym(b, "page_offset_base", 'D', IMG(PA_VARS + VAR_PAGE_OFFSET_BASE));
	kb_sym(b, "init_uts_ns", 'D', IMG(PA_VARS + VAR_INIT_UTS_NS));
	kb_sym(b, "__start_BTF", 'R', IMG(*pa_btf));
	kb_sym(b, "__stop_BTF", 'R', IMG(*pa_btf + btf_len));
	if (b->failed)
		return;
	qsort(b->syms, b->nr_syms, sizeof(b->syms[0]), kb_sym_cmp);
	if (*pa_btf + btf_len > b->size ||
	    !kallsyms_encode(b->syms, b->nr_syms, b->img + pa_kallsyms, 0x1000, &at)) {
		kb_fail(b, "kimage: kallsyms tables do not fit in a page");
		return;
	}
	kb_symbol(b, "kallsyms_num_syms", IMG(pa_kallsyms + at.num_syms));
	kb_symbol(b, "kallsyms_names", IMG(pa_kallsyms + at.names));
	kb_symbol(b, "kallsyms_markers", IMG(pa_kallsyms + at.markers));
	kb_symbol(b, "kallsyms_token_table", IMG(pa_kallsyms + at.token_table));
	kb_symbol(b, "kallsyms_token_index", IMG(pa_kallsyms + at.token_index));
	kb_symbol(b, "kallsyms_addresses", IMG(pa_kallsyms + at.addresses));
	kb_symbol(b, "kallsyms_seqs_of_names", IMG(pa_kallsyms + at.seqs_of_names));
}

int kimage_build(const struct bw_btf *btf, const void *btf_blob, size_t btf_len, uint8_t **image,
		 size_t *size, struct bw_error *err)
{
	struct kb b = {
		.btf = btf, .err = err, .static_end = PA_OBJS, .obj_end = PA_OBJS + KB_STATIC_SIZE};
	uint64_t pa_btf = 0;

	b.size = PA_OBJS + KB_MAX_OBJS + 0x1000 + btf_len;
	b.img = calloc(1, b.size);
	if (!b.img) {
		kb_fail(&b, "kimage: out of memory");
		return -1;
	}
	if (kb_percpu_var(&b, "mce_poll_count") + 4 > PERCPU_ZONESTATS)
		kb_fail(&b, "kimage: the static per-CPU variables reach the dynamic area at 0x%x",
			PERCPU_ZONESTATS);
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
	kb_sched(&b);
	kb_tasks(&b);
	kb_printk(&b);
	kb_kallsyms(&b, btf_len, &pa_btf);
	kb_vmci(&b, "CRASHTIME=1764140000\n");
	if (!b.failed && b.vlen + 1 >= KIMAGE_MODE_OFFSET - 2)
		kb_fail(&b, "kimage: VMCOREINFO text (%zu bytes) reaches the mode bytes", b.vlen);
	if (b.failed) {
		free(b.img);
		return -1;
	}
	memcpy(b.img + PA_VMCOREINFO, b.vmci, b.vlen);
	memcpy(b.img + pa_btf, btf_blob, btf_len);
	*image = b.img;
	*size = pa_btf + btf_len;
	return 0;
}
