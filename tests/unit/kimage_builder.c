/* SPDX-License-Identifier: MIT */
/* Test helper: a synthetic x86-64 kernel in memory (see kimage_builder.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kimage_builder.h"
#include "kimage_iter.h"

/* ---- BTF writer ---- */

static void kb_btf_u32(struct kb_btf *b, uint32_t v)
{
	if (b->tlen + 4 > sizeof(b->types))
		abort();
	memcpy(b->types + b->tlen, &v, 4);
	b->tlen += 4;
}

static uint32_t kb_btf_str(struct kb_btf *b, const char *s)
{
	size_t n = strlen(s) + 1;
	uint32_t off;

	if (!s[0])
		return 0;
	if (b->slen + n > sizeof(b->strs))
		abort();
	off = (uint32_t)b->slen;
	memcpy(b->strs + b->slen, s, n);
	b->slen += n;
	return off;
}

static uint32_t kb_btf_head(struct kb_btf *b, const char *name, int kind, uint32_t vlen, bool kflag,
			    uint32_t size_or_type)
{
	kb_btf_u32(b, kb_btf_str(b, name));
	kb_btf_u32(b, (uint32_t)kind << 24 | vlen | (kflag ? 1u << 31 : 0));
	kb_btf_u32(b, size_or_type);
	return ++b->nr;
}

void kb_btf_init(struct kb_btf *b)
{
	memset(b, 0, sizeof(*b));
	b->slen = 1; /* offset 0 is "" */
}

uint32_t kb_btf_int(struct kb_btf *b, const char *name, uint32_t size, uint32_t encoding)
{
	uint32_t id = kb_btf_head(b, name, 1, 0, false, size);

	kb_btf_u32(b, encoding << 24 | size * 8);
	return id;
}

uint32_t kb_btf_ptr(struct kb_btf *b, uint32_t target)
{
	return kb_btf_head(b, "", 2, 0, false, target);
}

uint32_t kb_btf_array(struct kb_btf *b, uint32_t elem, uint32_t index_type, uint32_t n)
{
	uint32_t id = kb_btf_head(b, "", 3, 0, false, 0);

	kb_btf_u32(b, elem);
	kb_btf_u32(b, index_type);
	kb_btf_u32(b, n);
	return id;
}

uint32_t kb_btf_typedef(struct kb_btf *b, const char *name, uint32_t type)
{
	return kb_btf_head(b, name, 8, 0, false, type);
}

uint32_t kb_btf_struct(struct kb_btf *b, const char *name, uint32_t size, uint32_t vlen,
		       bool is_union)
{
	/* kflag: member offsets carry bitfield sizes. */
	return kb_btf_head(b, name, is_union ? 5 : 4, vlen, true, size);
}

void kb_btf_member(struct kb_btf *b, const char *name, uint32_t type, uint32_t bit_offset,
		   uint32_t bitfield_size)
{
	kb_btf_u32(b, kb_btf_str(b, name));
	kb_btf_u32(b, type);
	kb_btf_u32(b, bitfield_size << 24 | bit_offset);
}

uint32_t kb_btf_enum(struct kb_btf *b, const char *name, uint32_t vlen)
{
	return kb_btf_head(b, name, 6, vlen, false, 4);
}

void kb_btf_enumerator(struct kb_btf *b, const char *name, int32_t value)
{
	kb_btf_u32(b, kb_btf_str(b, name));
	kb_btf_u32(b, (uint32_t)value);
}

uint32_t kb_btf_var(struct kb_btf *b, const char *name, uint32_t type)
{
	uint32_t id = kb_btf_head(b, name, 14, 0, false, type);

	kb_btf_u32(b, 1); /* global */
	return id;
}

uint32_t kb_btf_datasec(struct kb_btf *b, const char *name, uint32_t size, uint32_t vlen)
{
	return kb_btf_head(b, name, 15, vlen, false, size);
}

void kb_btf_secinfo(struct kb_btf *b, uint32_t var, uint32_t offset, uint32_t size)
{
	kb_btf_u32(b, var);
	kb_btf_u32(b, offset);
	kb_btf_u32(b, size);
}

size_t kb_btf_finish(const struct kb_btf *b, unsigned char *out, size_t max)
{
	uint32_t hdr[6] = {0x0001eb9f,	     24, 0, (uint32_t)b->tlen, (uint32_t)b->tlen,
			   (uint32_t)b->slen};
	size_t total = 24 + b->tlen + b->slen;

	if (total > max)
		abort();
	memcpy(out, hdr, 24);
	memcpy(out + 24, b->types, b->tlen);
	memcpy(out + 24 + b->tlen, b->strs, b->slen);
	return total;
}

/* ---- Physical memory with page tables ---- */

#define KB_PTE_PRESENT 0x1ull
#define KB_PTE_RW 0x2ull
#define KB_PTE_PS 0x80ull
#define KB_PTE_ADDR 0x000ffffffffff000ull

int kb_mem_init(struct kb_mem *m, uint64_t size, int levels, uint64_t tables, uint64_t tables_end)
{
	memset(m, 0, sizeof(*m));
	m->ram = calloc(1, size);
	if (!m->ram)
		return -1;
	m->size = size;
	m->levels = levels;
	m->root = tables;
	m->next_table = tables + 4096;
	m->tables_end = tables_end;
	return 0;
}

void kb_mem_free(struct kb_mem *m)
{
	free(m->ram);
	m->ram = NULL;
}

void kb_put(struct kb_mem *m, uint64_t paddr, const void *data, size_t len)
{
	if (paddr > m->size || len > m->size - paddr)
		abort();
	memcpy(m->ram + paddr, data, len);
}

void kb_put_u64(struct kb_mem *m, uint64_t paddr, uint64_t v)
{
	kb_put(m, paddr, &v, 8);
}

void kb_put_u32(struct kb_mem *m, uint64_t paddr, uint32_t v)
{
	kb_put(m, paddr, &v, 4);
}

static uint64_t kb_get_u64(const struct kb_mem *m, uint64_t paddr)
{
	uint64_t v;

	memcpy(&v, m->ram + paddr, 8);
	return v;
}

int kb_map(struct kb_mem *m, uint64_t vaddr, uint64_t paddr, uint64_t len, uint64_t page_size)
{
	int leaf_level = page_size == (2ull << 20) ? 2 : 1; /* 1: PTE, 2: PMD */
	uint64_t done;

	for (done = 0; done < len; done += page_size) {
		uint64_t va = vaddr + done, table = m->root;
		int level;

		for (level = m->levels; level > leaf_level; level--) {
			uint64_t slot = table + ((va >> (12 + 9 * (level - 1))) & 511) * 8;
			uint64_t e = kb_get_u64(m, slot);

			if (!(e & KB_PTE_PRESENT)) {
				if (m->next_table + 4096 > m->tables_end)
					return -1;
				e = m->next_table | KB_PTE_PRESENT | KB_PTE_RW;
				m->next_table += 4096;
				kb_put_u64(m, slot, e);
			}
			table = e & KB_PTE_ADDR;
		}
		kb_put_u64(m, table + ((va >> (12 + 9 * (leaf_level - 1))) & 511) * 8,
			   (paddr + done) | KB_PTE_PRESENT | KB_PTE_RW |
				   (leaf_level == 2 ? KB_PTE_PS : 0));
	}
	return 0;
}

int kb_mem_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	const struct kb_mem *m = ctx;

	if (paddr > m->size || len > m->size - paddr)
		return -1;
	if (m->hole_size && paddr < m->hole_start + m->hole_size && paddr + len > m->hole_start)
		return -1;
	memcpy(buf, m->ram + paddr, len);
	return 0;
}

/* ---- The synthetic kernel ---- */

#define KB_RAM (64ull << 20)
#define KB_IMAGE_PA (KB_IMAGE_VADDR - 0xffffffff80000000ull + KB_PHYS_BASE)
#define KB_DM(pa) (KB_PAGE_OFFSET + (pa))
/* Image offsets of the variables. */
#define KB_OFF_UTS 0x2000
#define KB_OFF_NODE_DATA 0x3000
#define KB_OFF_NODE_STATES 0x3400
#define KB_OFF_NR_CPU_IDS 0x3500
#define KB_OFF_ONLINE_MASK 0x3508
#define KB_OFF_PER_CPU_OFFSET 0x3510
#define KB_OFF_PAGE_OFFSET_BASE 0x3600
#define KB_OFF_INIT_TASK 0x5000 /* after bw_test_containers (kimage_iter.h) */
#define KB_OFF_PRB 0x3700	/* prb: a pointer to printk_rb_static */
#define KB_OFF_PRB_RING 0x3800	/* printk_rb_static */
#define KB_OFF_BTF 0x10000
#define KB_OFF_PGTABLES 0x100000
/* Per-CPU section offsets (zero-based, as x86-64 before 6.15). */
#define KB_PCPU_VAR 0x100
#define KB_PCPU_ZONESTATS 0x1000 /* + (node * zones + zone) * 64 */
#define KB_PCPU_BOOT 0x1800	 /* boot_zonestats, shared by unpopulated zones */
#define KB_VMALLOC 0xffffc90000200000ull

/* BTF layout constants, chosen here and written into the BTF. */
#define KB_PCZ_SIZE 64
#define KB_PCZ_EVENT 16
#define KB_ZONE_SIZE 128
#define KB_ZONE_PRESENT 0
#define KB_ZONE_PCP 16
#define KB_ZONE_EVENT 32
#define KB_ZONE_BITS 80 /* byte holding order:3 and a signed adj:5 */
#define KB_PGDAT_SIZE 640
#define KB_PGDAT_ZONES 64

struct kb_ids {
	uint32_t int_, long_, ulong, uint_, char_, u64;
	uint32_t atomic_long, zone_type, zone, pgdat, pcz, uts, pcpu_thing;
};

/* The printk ring's structs (Linux 6.x layout, sizes as KB_PRB_* say). */
static void kb_build_printk_btf(struct kb_btf *b, const struct kb_ids *t)
{
	uint32_t u16 = kb_btf_int(b, "short unsigned int", 2, 0);
	uint32_t u8 = kb_btf_int(b, "unsigned char", 1, 0);
	uint32_t c16 = kb_btf_array(b, t->char_, t->int_, 16);
	uint32_t c48 = kb_btf_array(b, t->char_, t->int_, 48);
	uint32_t dev, info, lpos, desc, dring, tring, pdesc, pinfo, pchar, rb;

	/* A struct's member records follow its header: member types are created first. */
	dev = kb_btf_struct(b, "dev_printk_info", 64, 2, false);
	kb_btf_member(b, "subsystem", c16, 0, 0);
	kb_btf_member(b, "device", c48, 16 * 8, 0);
	info = kb_btf_struct(b, "printk_info", KB_PRB_INFO_SIZE, 8, false);
	kb_btf_member(b, "seq", t->u64, 0, 0);
	kb_btf_member(b, "ts_nsec", t->u64, 8 * 8, 0);
	kb_btf_member(b, "text_len", u16, 16 * 8, 0);
	kb_btf_member(b, "facility", u8, 18 * 8, 0);
	kb_btf_member(b, "flags", u8, 19 * 8, 5);
	kb_btf_member(b, "level", u8, 19 * 8 + 5, 3);
	kb_btf_member(b, "caller_id", t->uint_, 20 * 8, 0);
	kb_btf_member(b, "dev_info", dev, 24 * 8, 0);
	lpos = kb_btf_struct(b, "prb_data_blk_lpos", 16, 2, false);
	kb_btf_member(b, "begin", t->ulong, 0, 0);
	kb_btf_member(b, "next", t->ulong, 64, 0);
	desc = kb_btf_struct(b, "prb_desc", KB_PRB_DESC_SIZE, 2, false);
	kb_btf_member(b, "state_var", t->atomic_long, 0, 0);
	kb_btf_member(b, "text_blk_lpos", lpos, 64, 0);
	pdesc = kb_btf_ptr(b, desc);
	pinfo = kb_btf_ptr(b, info);
	pchar = kb_btf_ptr(b, t->char_);
	dring = kb_btf_struct(b, "prb_desc_ring", 48, 6, false);
	kb_btf_member(b, "count_bits", t->uint_, 0, 0);
	kb_btf_member(b, "descs", pdesc, 64, 0);
	kb_btf_member(b, "infos", pinfo, 128, 0);
	kb_btf_member(b, "head_id", t->atomic_long, KB_PRB_HEAD_ID * 8, 0);
	kb_btf_member(b, "tail_id", t->atomic_long, KB_PRB_TAIL_ID * 8, 0);
	kb_btf_member(b, "last_finalized_seq", t->atomic_long, 40 * 8, 0);
	tring = kb_btf_struct(b, "prb_data_ring", 32, 4, false);
	kb_btf_member(b, "size_bits", t->uint_, 0, 0);
	kb_btf_member(b, "data", pchar, 64, 0);
	kb_btf_member(b, "head_lpos", t->atomic_long, 128, 0);
	kb_btf_member(b, "tail_lpos", t->atomic_long, 192, 0);
	rb = kb_btf_struct(b, "printk_ringbuffer", 88, 3, false);
	kb_btf_member(b, "desc_ring", dring, 0, 0);
	kb_btf_member(b, "text_data_ring", tring, 48 * 8, 0);
	kb_btf_member(b, "fail", t->atomic_long, 80 * 8, 0);
	kb_btf_ptr(b, rb); /* struct printk_ringbuffer *, as prb */
}

/* Tasks and run queues (offsets as KB_TASK_*, KB_RQ_* say); returns struct rq (0 with no_rq). */
static uint32_t kb_build_tasks_btf(struct kb_btf *b, const struct kb_ids *t, bool no_rq)
{
	uint32_t lh, plh, rbn, prbn, root, cached, ti, sig, psig, se, cfs, pcfs, ptask, c16;
	uint32_t rq;

	c16 = kb_btf_array(b, t->char_, t->int_, 16);
	plh = kb_btf_ptr(b, b->nr + 2); /* the struct that follows: members use the pointer */
	lh = kb_btf_struct(b, "list_head", 16, 2, false);
	kb_btf_member(b, "next", plh, 0, 0);
	kb_btf_member(b, "prev", plh, 64, 0);
	prbn = kb_btf_ptr(b, b->nr + 2); /* the struct that follows: members use the pointer */
	rbn = kb_btf_struct(b, "rb_node", 24, 3, false);
	kb_btf_member(b, "__rb_parent_color", t->ulong, 0, 0);
	kb_btf_member(b, "rb_right", prbn, 64, 0);
	kb_btf_member(b, "rb_left", prbn, 128, 0);
	root = kb_btf_struct(b, "rb_root", 8, 1, false);
	kb_btf_member(b, "rb_node", prbn, 0, 0);
	cached = kb_btf_struct(b, "rb_root_cached", 16, 2, false);
	kb_btf_member(b, "rb_root", root, 0, 0);
	kb_btf_member(b, "rb_leftmost", prbn, 64, 0);
	ti = kb_btf_struct(b, "thread_info", 16, 2, false);
	kb_btf_member(b, "flags", t->ulong, 0, 0);
	kb_btf_member(b, "cpu", t->uint_, 64, 0);
	sig = kb_btf_struct(b, "signal_struct", 24, 2, false);
	kb_btf_member(b, "nr_threads", t->int_, 0, 0);
	kb_btf_member(b, "thread_head", lh, 64, 0);
	psig = kb_btf_ptr(b, sig);
	cfs = kb_btf_struct(b, "cfs_rq", 24, 2, false);
	kb_btf_member(b, "nr_running", t->uint_, 0, 0);
	kb_btf_member(b, "tasks_timeline", cached, 64, 0);
	pcfs = kb_btf_ptr(b, cfs);
	se = kb_btf_struct(b, "sched_entity", 32, 2, false);
	kb_btf_member(b, "run_node", rbn, 0, 0);
	kb_btf_member(b, "my_q", pcfs, 24 * 8, 0);
	ptask = kb_btf_ptr(b, b->nr + 2); /* the struct that follows: members use the pointer */
	kb_btf_struct(b, "task_struct", KB_TASK_SIZE, 12, false);
	kb_btf_member(b, "thread_info", ti, 0, 0);
	kb_btf_member(b, "__state", t->uint_, KB_TASK_STATE * 8, 0);
	kb_btf_member(b, "flags", t->uint_, KB_TASK_FLAGS * 8, 0);
	kb_btf_member(b, "exit_state", t->int_, KB_TASK_EXIT_STATE * 8, 0);
	kb_btf_member(b, "pid", t->int_, KB_TASK_PID * 8, 0);
	kb_btf_member(b, "tgid", t->int_, KB_TASK_TGID * 8, 0);
	kb_btf_member(b, "real_parent", ptask, KB_TASK_PARENT * 8, 0);
	kb_btf_member(b, "signal", psig, KB_TASK_SIGNAL * 8, 0);
	kb_btf_member(b, "tasks", lh, KB_TASK_TASKS * 8, 0);
	kb_btf_member(b, "thread_node", lh, KB_TASK_THREAD_NODE * 8, 0);
	kb_btf_member(b, "comm", c16, KB_TASK_COMM * 8, 0);
	kb_btf_member(b, "se", se, KB_TASK_SE * 8, 0);
	if (no_rq)
		return 0;
	rq = kb_btf_struct(b, "rq", KB_RQ_SIZE, 4, false);
	kb_btf_member(b, "nr_running", t->uint_, 0, 0);
	kb_btf_member(b, "curr", ptask, KB_RQ_CURR * 8, 0);
	kb_btf_member(b, "idle", ptask, KB_RQ_IDLE * 8, 0);
	kb_btf_member(b, "cfs", cfs, KB_RQ_CFS * 8, 0);
	return rq;
}

static void kb_build_btf(struct kb_btf *b, struct kb_ids *t, const struct kb_kernel_opts *o)
{
	uint32_t a64, arr, ptr, nm, str65, id, rq;

	kb_btf_init(b);
	t->int_ = kb_btf_int(b, "int", 4, 1);
	t->long_ = kb_btf_int(b, "long int", 8, 1);
	t->ulong = kb_btf_int(b, "long unsigned int", 8, 0);
	t->uint_ = kb_btf_int(b, "unsigned int", 4, 0);
	t->char_ = kb_btf_int(b, "char", 1, 2);
	t->u64 = kb_btf_typedef(b, "u64", kb_btf_int(b, "long long unsigned int", 8, 0));

	a64 = kb_btf_struct(b, "", 8, 1, false);
	kb_btf_member(b, "counter", t->long_, 0, 0);
	t->atomic_long = kb_btf_typedef(b, "atomic_long_t", kb_btf_typedef(b, "atomic64_t", a64));

	t->zone_type = kb_btf_enum(b, "zone_type", 5);
	kb_btf_enumerator(b, "ZONE_DMA", 0);
	kb_btf_enumerator(b, "ZONE_DMA32", 1);
	kb_btf_enumerator(b, "ZONE_NORMAL", 2);
	kb_btf_enumerator(b, "ZONE_MOVABLE", 3);
	kb_btf_enumerator(b, "__MAX_NR_ZONES", KB_NR_ZONES);

	id = kb_btf_enum(b, "numa_stat_item", 7);
	kb_btf_enumerator(b, "NUMA_HIT", 0);
	kb_btf_enumerator(b, "NUMA_MISS", 1);
	kb_btf_enumerator(b, "NUMA_FOREIGN", 2);
	kb_btf_enumerator(b, "NUMA_INTERLEAVE_HIT", 3);
	kb_btf_enumerator(b, "NUMA_LOCAL", 4);
	kb_btf_enumerator(b, "NUMA_OTHER", 5);
	kb_btf_enumerator(b, "NR_VM_NUMA_EVENT_ITEMS", KB_NR_ITEMS);

	id = kb_btf_enum(b, "node_states", 8);
	kb_btf_enumerator(b, "N_POSSIBLE", 0);
	kb_btf_enumerator(b, "N_ONLINE", 1);
	kb_btf_enumerator(b, "N_NORMAL_MEMORY", 2);
	kb_btf_enumerator(b, "N_HIGH_MEMORY", 3);
	kb_btf_enumerator(b, "N_MEMORY", 4);
	kb_btf_enumerator(b, "N_CPU", 5);
	kb_btf_enumerator(b, "N_GENERIC_INITIATOR", 6);
	kb_btf_enumerator(b, "NR_NODE_STATES", 7);

	/* A struct's member records follow its header: member types are created first. */
	arr = kb_btf_array(b, t->char_, t->int_, 10);
	ptr = kb_btf_array(b, t->ulong, t->int_, KB_NR_ITEMS);
	t->pcz = kb_btf_struct(b, "per_cpu_zonestat", KB_PCZ_SIZE, 2, false);
	kb_btf_member(b, "vm_stat_diff", arr, 0, 0);
	kb_btf_member(b, "vm_numa_event", ptr, KB_PCZ_EVENT * 8, 0);
	ptr = kb_btf_ptr(b, t->pcz);
	arr = kb_btf_array(b, t->atomic_long, t->int_, KB_NR_ITEMS);
	t->zone = kb_btf_struct(b, "zone", KB_ZONE_SIZE, 5, false);
	kb_btf_member(b, "present_pages", t->ulong, KB_ZONE_PRESENT * 8, 0);
	kb_btf_member(b, "per_cpu_zonestats", ptr, KB_ZONE_PCP * 8, 0);
	kb_btf_member(b, o->no_numa_events ? "vm_numa_stat" : "vm_numa_event", arr,
		      KB_ZONE_EVENT * 8, 0);
	kb_btf_member(b, "order", t->uint_, KB_ZONE_BITS * 8, 3);
	kb_btf_member(b, "adj", t->int_, KB_ZONE_BITS * 8 + 3, 5);

	arr = kb_btf_array(b, t->zone, t->int_, KB_NR_ZONES);
	t->pgdat = kb_btf_struct(b, "pglist_data", KB_PGDAT_SIZE, 3, false);
	kb_btf_member(b, "node_id", t->int_, 0, 0);
	kb_btf_member(b, "node_zones", arr, KB_PGDAT_ZONES * 8, 0);
	kb_btf_member(b, "node_start_pfn", t->ulong, 576 * 8, 0);
	kb_btf_ptr(b, t->pgdat); /* struct pglist_data *, as node_data's elements */

	arr = kb_btf_array(b, t->ulong, t->int_, 1);
	nm = kb_btf_struct(b, "", 8, 1, false);
	kb_btf_member(b, "bits", arr, 0, 0);
	kb_btf_typedef(b, "nodemask_t", nm);
	id = kb_btf_struct(b, "cpumask", 8, 1, false);
	kb_btf_member(b, "bits", arr, 0, 0);

	str65 = kb_btf_array(b, t->char_, t->int_, 65);
	id = kb_btf_struct(b, "new_utsname", 390, 6, false);
	kb_btf_member(b, "sysname", str65, 0, 0);
	kb_btf_member(b, "nodename", str65, 65 * 8, 0);
	kb_btf_member(b, "release", str65, 130 * 8, 0);
	kb_btf_member(b, "version", str65, 195 * 8, 0);
	kb_btf_member(b, "machine", str65, 260 * 8, 0);
	kb_btf_member(b, "domainname", str65, 325 * 8, 0);
	t->uts = kb_btf_struct(b, "uts_namespace", 400, 2, false);
	kb_btf_member(b, "ns_refcount", t->int_, 0, 0);
	kb_btf_member(b, "name", id, 8 * 8, 0);

	rq = kb_build_tasks_btf(b, t, o->own_runqueues);
	if (rq)
		rq = kb_btf_var(b, "runqueues", rq);

	ptr = kb_btf_ptr(b, t->zone);
	t->pcpu_thing = kb_btf_struct(b, "pcpu_thing", 16, 3, false);
	kb_btf_member(b, "nr_running", t->uint_, 0, 0);
	kb_btf_member(b, "zt", t->zone_type, 32, 0);
	kb_btf_member(b, "zone", ptr, 64, 0);
	id = kb_btf_var(b, "bw_test_pcpu", t->pcpu_thing);
	kb_btf_datasec(b, ".data..percpu", 0x2000, rq ? 2 : 1);
	kb_btf_secinfo(b, id, KB_PCPU_VAR, 16);
	if (rq)
		kb_btf_secinfo(b, rq, KB_PCPU_RQ, KB_RQ_SIZE);
	kb_build_printk_btf(b, t);
	kb_iter_btf(b, t->int_, t->char_, t->ulong, t->uint_, o->xa_chunk_shift);
	if (o->extra_btf)
		o->extra_btf(b, o->extra_ctx);
}

struct kb_sym {
	const char *name;
	uint64_t addr;
	bool always_in_vmcoreinfo;
};

static void kb_write_texts(struct kb_kernel *kk, const struct kb_kernel_opts *o,
			   const struct kb_sym *syms, size_t nsyms)
{
	char *v = kk->vmcoreinfo, *s = kk->system_map;
	size_t vn = sizeof(kk->vmcoreinfo), sn = sizeof(kk->system_map), i;
	int n;

	n = snprintf(v, vn,
		     "OSRELEASE=%s\nBUILD-ID=0123456789abcdef\nPAGESIZE=4096\n"
		     "OFFSET(uts_namespace.name)=8\nSIZE(pglist_data)=%d\nSIZE(zone)=%d\n"
		     "SIZE(nodemask_t)=8\nOFFSET(pglist_data.node_zones)=%d\n"
		     "OFFSET(zone.present_pages)=%d\nOFFSET(atomic_long_t.counter)=0\n"
		     "LENGTH(zone.vm_numa_event)=%d\nOFFSET(no_such_struct.member)=12345\n"
		     "LENGTH(node_data)=64\nNUMBER(phys_base)=%llu\nNUMBER(pgtable_l5_enabled)=%d\n"
		     "KERNELOFFSET=%llx\nNUMBER(KERNEL_IMAGE_SIZE)=1073741824\n",
		     KB_RELEASE, KB_PGDAT_SIZE, KB_ZONE_SIZE + (o->bad_size_zone ? 8 : 0),
		     KB_PGDAT_ZONES, KB_ZONE_PRESENT, KB_NR_ITEMS, (unsigned long long)KB_PHYS_BASE,
		     o->levels == 5, (unsigned long long)KB_KASLR);
	v += n;
	vn -= (size_t)n;
	if (o->unmapped_kallsyms) {
		n = snprintf(v, vn,
			     "SYMBOL(kallsyms_num_syms)=ffffc90000900000\n"
			     "SYMBOL(kallsyms_names)=ffffc90000901000\n"
			     "SYMBOL(kallsyms_token_table)=ffffc90000902000\n"
			     "SYMBOL(kallsyms_token_index)=ffffc90000903000\n"
			     "SYMBOL(kallsyms_offsets)=ffffc90000904000\n");
		v += n;
		vn -= (size_t)n;
	}
	for (i = 0; i < nsyms; i++) {
		if (syms[i].always_in_vmcoreinfo || o->symbols_in_vmcoreinfo) {
			n = snprintf(v, vn, "SYMBOL(%s)=%llx\n", syms[i].name,
				     (unsigned long long)syms[i].addr);
			v += n;
			vn -= (size_t)n;
		}
		/* System.map: link-time addresses for the image, per-CPU offsets as they are. */
		n = snprintf(s, sn, "%016llx %c %s\n",
			     (unsigned long long)(syms[i].addr >= KB_IMAGE_VADDR
							  ? syms[i].addr - KB_KASLR
							  : syms[i].addr),
			     syms[i].addr >= KB_IMAGE_VADDR ? 'D' : 'd', syms[i].name);
		s += n;
		sn -= (size_t)n;
	}
}

static void kb_write_zones(struct kb_kernel *kk)
{
	struct kb_mem *m = &kk->mem;
	uint32_t node, z, cpu, i;

	kk->zone_populated[0] = kk->zone_populated[1] = true;
	for (node = 0; node < KB_MAX_NODES; node++) {
		uint64_t pgdat_pa = 0x800000 + node * 0x100000;

		kk->pgdat_addr[node] = KB_DM(pgdat_pa);
		kb_put_u32(m, pgdat_pa, node);
		for (z = 0; z < KB_NR_ZONES; z++) {
			uint64_t zone = pgdat_pa + KB_PGDAT_ZONES + z * KB_ZONE_SIZE;
			uint64_t pcp = KB_PCPU_ZONESTATS + (node * KB_NR_ZONES + z) * KB_PCZ_SIZE;

			kb_put_u64(m, zone + KB_ZONE_PRESENT, kk->zone_populated[z] ? 4096 : 0);
			if (z == 2)
				pcp = KB_PCPU_BOOT;
			kb_put_u64(m, zone + KB_ZONE_PCP, z == 3 ? 0 : pcp);
			for (i = 0; i < KB_NR_ITEMS; i++) {
				kk->zone_event[node][z][i] =
					1000000ull * (node + 1) + 10000 * z + 100 * i + 7;
				kb_put_u64(m, zone + KB_ZONE_EVENT + i * 8,
					   kk->zone_event[node][z][i]);
			}
			for (cpu = 0; cpu < KB_NR_CPUS && z < 2; cpu++) {
				uint64_t area_pa = 0x1000000 + cpu * 0x100000;

				for (i = 0; i < KB_NR_ITEMS; i++) {
					uint64_t val =
						(node + 1) * 1000 + z * 100 + cpu * 10 + i + 1;

					kk->pcp_event[node][z][cpu][i] = val;
					kb_put_u64(m, area_pa + pcp + KB_PCZ_EVENT + i * 8, val);
				}
			}
		}
	}
	/* boot_zonestats: counts sysfs never shows. */
	for (cpu = 0; cpu < KB_NR_CPUS; cpu++)
		for (i = 0; i < KB_NR_ITEMS; i++)
			kb_put_u64(m,
				   0x1000000 + cpu * 0x100000 + KB_PCPU_BOOT + KB_PCZ_EVENT + i * 8,
				   555555);
}

int kb_kernel_build(struct kb_kernel *kk, const struct kb_kernel_opts *o)
{
	static unsigned char blob[1 << 17];
	struct kb_btf *b = malloc(sizeof(*b));
	struct kb_mem *m = &kk->mem;
	struct kb_ids t;
	size_t btf_len;
	uint32_t cpu, node;
	uint64_t img = KB_IMAGE_PA;
	char uts[390];

	memset(kk, 0, sizeof(*kk));
	if (!b || kb_mem_init(m, KB_RAM, o->levels, img + KB_OFF_PGTABLES,
			      img + KB_OFF_PGTABLES + 0x80000)) {
		free(b);
		return -1;
	}
	kb_build_btf(b, &t, o);
	btf_len = kb_btf_finish(b, blob, sizeof(blob));
	free(b);

	/* Page tables: direct map (2 MiB pages), the image (4 KiB), a vmalloc area (4 KiB). */
	if (kb_map(m, KB_PAGE_OFFSET, 0, KB_RAM, 2ull << 20) ||
	    kb_map(m, KB_IMAGE_VADDR, img, 2ull << 20, 4096) ||
	    kb_map(m, KB_VMALLOC, 0x1200000, 0x100000, 4096) ||
	    kb_map(m, KB_VMALLOC + 0x200000, 0x1300000, 4096, 4096))
		return -1;

	/* A decoy VMCOREINFO copy without the layout keys, then the real one. */
	kb_put(m, 0x80000, "OSRELEASE=1.0\nPAGESIZE=4096\n", 28);
	kb_put(m, img + KB_OFF_BTF, blob, btf_len);
	kk->btf_pa = img + KB_OFF_BTF;
	kk->btf_len = btf_len;
	kk->pgtables_pa = img + KB_OFF_PGTABLES;

	memset(uts, 0, sizeof(uts));
	strcpy(uts, "Linux");
	strcpy(uts + 130, o->bad_release ? "6.99.0-other" : KB_RELEASE);
	kb_put(m, img + KB_OFF_UTS + 8, uts, sizeof(uts));

	kk->node_data_addr = KB_IMAGE_VADDR + KB_OFF_NODE_DATA;
	kb_write_zones(kk);
	for (node = 0; node < KB_MAX_NODES; node += 2)
		kb_put_u64(m, img + KB_OFF_NODE_DATA + node * 8, kk->pgdat_addr[node]);
	/* node_states[N_ONLINE]: nodes 0 and 2; N_POSSIBLE: all three. */
	kb_put_u64(m, img + KB_OFF_NODE_STATES, 7);
	kb_put_u64(m, img + KB_OFF_NODE_STATES + 8, 5);
	kb_put_u32(m, img + KB_OFF_NR_CPU_IDS, KB_NR_CPUS);
	kb_put_u64(m, img + KB_OFF_ONLINE_MASK, 5); /* CPUs 0 and 2 */
	kb_put_u64(m, img + KB_OFF_PAGE_OFFSET_BASE, KB_PAGE_OFFSET);
	kk->pcpu_var_off = KB_PCPU_VAR;
	for (cpu = 0; cpu < KB_NR_CPUS; cpu++) {
		uint64_t area_pa = 0x1000000 + cpu * 0x100000;

		/* CPU 2's area is reached only through 4 KiB page-table entries. */
		kk->per_cpu_offset[cpu] = cpu == 2 ? KB_VMALLOC : KB_DM(area_pa);
		kb_put_u64(m, img + KB_OFF_PER_CPU_OFFSET + cpu * 8, kk->per_cpu_offset[cpu]);
		kk->pcpu_nr_running[cpu] = 40 + cpu;
		kb_put_u32(m, area_pa + KB_PCPU_VAR, kk->pcpu_nr_running[cpu]);
		kb_put_u32(m, area_pa + KB_PCPU_VAR + 4, 2); /* ZONE_NORMAL */
		kb_put_u64(m, area_pa + KB_PCPU_VAR + 8,
			   kk->pgdat_addr[0] + KB_PGDAT_ZONES + KB_ZONE_SIZE);
	}
	/* Bitfields of node 0 zone 1: order = 5, adj = -3. */
	kb_put(m, 0x800000 + KB_PGDAT_ZONES + KB_ZONE_SIZE + KB_ZONE_BITS,
	       &(unsigned char){5 | (((unsigned)-3 & 31) << 3)}, 1);
	kk->vmalloc_obj = KB_VMALLOC + 0x200000;
	kk->containers_addr = KB_IMAGE_VADDR + KB_CONTAINERS_IMAGE_OFF;
	kk->containers_pa = img + KB_CONTAINERS_IMAGE_OFF;

	/* An empty printk ring: its arrays in the direct map, records written by the tests. */
	kk->prb_ring_pa = img + KB_OFF_PRB_RING;
	kk->prb_data_pa = 0x1800000;
	kk->prb_descs_pa = 0x1801000;
	kk->prb_infos_pa = 0x1802000;
	kb_put_u64(m, img + KB_OFF_PRB, KB_IMAGE_VADDR + KB_OFF_PRB_RING);
	kb_put_u32(m, kk->prb_ring_pa, KB_PRB_COUNT_BITS);
	kb_put_u64(m, kk->prb_ring_pa + 8, KB_DM(kk->prb_descs_pa));
	kb_put_u64(m, kk->prb_ring_pa + 16, KB_DM(kk->prb_infos_pa));
	kb_put_u32(m, kk->prb_ring_pa + 48, KB_PRB_DATA_BITS);
	kb_put_u64(m, kk->prb_ring_pa + 56, KB_DM(kk->prb_data_pa));
	kk->init_task_pa = img + KB_OFF_INIT_TASK;
	kk->init_task = KB_IMAGE_VADDR + KB_OFF_INIT_TASK;

	{
		const struct kb_sym base[] = {
			{"_stext", KB_IMAGE_VADDR, true},
			{"init_top_pgt", KB_IMAGE_VADDR + KB_OFF_PGTABLES, true},
			{"init_uts_ns", KB_IMAGE_VADDR + KB_OFF_UTS, true},
			{"node_data", kk->node_data_addr, true},
			{"node_online_map", KB_IMAGE_VADDR + KB_OFF_NODE_STATES + 8, true},
			{"node_states", KB_IMAGE_VADDR + KB_OFF_NODE_STATES, false},
			{"nr_cpu_ids", KB_IMAGE_VADDR + KB_OFF_NR_CPU_IDS, false},
			{"__cpu_online_mask", KB_IMAGE_VADDR + KB_OFF_ONLINE_MASK, false},
			{"__per_cpu_offset", KB_IMAGE_VADDR + KB_OFF_PER_CPU_OFFSET, false},
			{"page_offset_base", KB_IMAGE_VADDR + KB_OFF_PAGE_OFFSET_BASE, false},
			{"__start_BTF", KB_IMAGE_VADDR + KB_OFF_BTF, false},
			{"__stop_BTF", KB_IMAGE_VADDR + KB_OFF_BTF + btf_len, false},
			{"__per_cpu_start", 0, false},
			{"bw_test_pcpu", KB_PCPU_VAR, false},
			{"prb", KB_IMAGE_VADDR + KB_OFF_PRB, false},
			{"init_task", KB_IMAGE_VADDR + KB_OFF_INIT_TASK, false},
			{"runqueues", KB_PCPU_RQ, false},
			{"printk_rb_static", KB_IMAGE_VADDR + KB_OFF_PRB_RING, false},
			{"bw_test_containers", kk->containers_addr, true},
		};
		struct kb_sym syms[sizeof(base) / sizeof(base[0]) + KB_MAX_EXTRA_SYMS];
		size_t i, n = 0;

		for (i = 0; i < sizeof(base) / sizeof(base[0]); i++)
			if (!o->own_runqueues || strcmp(base[i].name, "runqueues"))
				syms[n++] = base[i];
		for (i = 0; i < o->nr_extra_syms && i < KB_MAX_EXTRA_SYMS; i++, n++) {
			syms[n].name = o->extra_sym_names[i];
			syms[n].addr = o->extra_sym_addrs[i];
		}
		kb_write_texts(kk, o, syms, n);
	}
	kb_put(m, 0x100000, kk->vmcoreinfo, strlen(kk->vmcoreinfo));
	return 0;
}

void kb_kernel_free(struct kb_kernel *kk)
{
	kb_mem_free(&kk->mem);
}

uint64_t kb_kernel_expected(const struct kb_kernel *kk, uint32_t node, uint32_t item)
{
	static const bool online[KB_NR_CPUS] = {true, false, true};
	uint64_t sum = 0;
	uint32_t z, cpu;

	for (z = 0; z < KB_NR_ZONES; z++) {
		sum += kk->zone_event[node][z][item];
		for (cpu = 0; cpu < KB_NR_CPUS && kk->zone_populated[z]; cpu++)
			if (online[cpu])
				sum += kk->pcp_event[node][z][cpu][item];
	}
	return sum;
}
