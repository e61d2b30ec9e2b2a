/* SPDX-License-Identifier: MIT */
/*
 * The printk ring buffer (Linux 5.10+): descriptors from tail_id to head_id, each one's
 * printk_info and its text data block. The layout (struct sizes, offsets, the ring's
 * geometry) is resolved once; then each descriptor, info and data block is read and checked as
 * the kernel's readers check them (state and id in state_var, legal block bounds, the block's
 * leading id). See include/btfwalk/printk.h.
 */
#include <string.h>
#include "internal.h"
#include "btfwalk/printk.h"
#include "walks/walk_impl.h"

#define DM_STATE_RESERVED 0
#define DM_STATE_COMMITTED 1
#define DM_STATE_REUSABLE 3
#define DM_NO_LPOS 0x3ull
#define DM_MAX_NAME 256 /* bytes of a dev_info or comm array */
#define DM_TEXT_MAX 65535u
#define DM_NOT_YET 2 /* dm_one: reserved, a writer is still filling it */
#define DM_CHANGED 3 /* dm_one: the descriptor changed while it was read */
#define DM_RETRIES 3

struct dm_layout {
	/* struct printk_ringbuffer, read once */
	struct bw_field count_bits, descs, infos, head_id, tail_id, size_bits, data;
	uint64_t rb_size;
	/* struct prb_desc */
	struct bw_field state_var, begin, next;
	uint64_t desc_size;
	/* struct printk_info */
	struct bw_field seq, ts_nsec, text_len, facility, flags, level, caller_id, subsystem,
		device, comm;
	uint64_t info_size;
	/* the ring */
	uint64_t descs_addr, infos_addr, data_addr, data_size, id_mask;
	uint32_t count;
	uint64_t head, tail;
	unsigned sv_bits;
};

struct dm_bufs {
	unsigned char *desc, *info, *text; /* text: the block's id word, text, NUL */
	char subsystem[DM_MAX_NAME + 1], device[DM_MAX_NAME + 1], comm[DM_MAX_NAME + 1];
};

static int dm_fields(const struct bw_kernel *k, struct dm_layout *l, struct bw_error *err)
{
	const struct {
		const char *sname, *path;
		struct bw_field *f;
		bool name; /* a char array, not an integer */
	} want[] = {
		{"printk_ringbuffer", "desc_ring.count_bits", &l->count_bits, false},
		{"printk_ringbuffer", "desc_ring.descs", &l->descs, false},
		{"printk_ringbuffer", "desc_ring.infos", &l->infos, false},
		{"printk_ringbuffer", "desc_ring.head_id", &l->head_id, false},
		{"printk_ringbuffer", "desc_ring.tail_id", &l->tail_id, false},
		{"printk_ringbuffer", "text_data_ring.size_bits", &l->size_bits, false},
		{"printk_ringbuffer", "text_data_ring.data", &l->data, false},
		{"prb_desc", "state_var", &l->state_var, false},
		{"prb_desc", "text_blk_lpos.begin", &l->begin, false},
		{"prb_desc", "text_blk_lpos.next", &l->next, false},
		{"printk_info", "seq", &l->seq, false},
		{"printk_info", "ts_nsec", &l->ts_nsec, false},
		{"printk_info", "text_len", &l->text_len, false},
		{"printk_info", "facility", &l->facility, false},
		{"printk_info", "flags", &l->flags, false},
		{"printk_info", "level", &l->level, false},
		{"printk_info", "caller_id", &l->caller_id, false},
		{"printk_info", "dev_info.subsystem", &l->subsystem, true},
		{"printk_info", "dev_info.device", &l->device, true},
	};
	size_t i;
	int ret;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct bw_field *f = want[i].f;

		ret = bw_walk_field(k, want[i].sname, want[i].path, f, err);
		if (ret)
			return bw_kernel_prefix(err, "printk ring buffer (Linux 5.10+)");
		if (want[i].name ? !f->bytes || f->bytes > DM_MAX_NAME : !f->size)
			return bw_fail(err, BW_ENOTSUP, "%s.%s has %llu bytes", want[i].sname,
				       want[i].path, (unsigned long long)f->bytes);
	}
	bw_walk_field_opt(k, "printk_info", "comm", &l->comm);
	if (l->comm.present && (!l->comm.bytes || l->comm.bytes > DM_MAX_NAME))
		l->comm.present = false;
	l->sv_bits = l->state_var.size * 8;
	if (l->sv_bits != 64 && l->sv_bits != 32)
		return bw_fail(err, BW_ENOTSUP, "prb_desc.state_var has %u bytes",
			       l->state_var.size);
	ret = bw_walk_sizeof(k, "printk_ringbuffer", &l->rb_size, err);
	if (!ret)
		ret = bw_walk_sizeof(k, "prb_desc", &l->desc_size, err);
	if (!ret)
		ret = bw_walk_sizeof(k, "printk_info", &l->info_size, err);
	return ret;
}

/* The ring prb points to: its geometry and positions. */
static int dm_ring(const struct bw_kernel *k, struct dm_layout *l, struct bw_printk_summary *sum,
		   struct bw_error *err)
{
	unsigned char buf[4096];
	uint64_t prb, ptr, stat, cbits, sbits;
	int ret;

	if (l->rb_size > sizeof(buf))
		return bw_fail(err, BW_ENOTSUP, "struct printk_ringbuffer has %llu bytes",
			       (unsigned long long)l->rb_size);
	if (!bw_kernel_symbol_quiet(k, "prb", &prb))
		return bw_fail(err, BW_ENOTSUP, "symbol prb unknown (symbols: %s)",
			       k->symbols_source);
	ret = bw_kernel_read_uint(k, prb, 8, &ptr, err);
	if (!ret)
		ret = bw_walk_read(k, ptr, buf, l->rb_size, err);
	if (ret)
		return bw_kernel_prefix(err, "prb at 0x%llx", (unsigned long long)prb);
	sum->ring = ptr;
	sum->dynamic = bw_kernel_symbol_quiet(k, "printk_rb_static", &stat) && stat != ptr;
	cbits = bw_walk_get(buf, l->rb_size, &l->count_bits);
	sbits = bw_walk_get(buf, l->rb_size, &l->size_bits);
	if (cbits > BW_PRINTK_MAX_DESC_BITS || sbits < 4 || sbits > BW_PRINTK_MAX_DATA_BITS)
		return bw_fail(err, BW_EFORMAT,
			       "printk ring at 0x%llx: count_bits %llu, size_bits %llu (caps %u, "
			       "%u)",
			       (unsigned long long)ptr, (unsigned long long)cbits,
			       (unsigned long long)sbits, BW_PRINTK_MAX_DESC_BITS,
			       BW_PRINTK_MAX_DATA_BITS);
	l->count = 1u << cbits;
	l->data_size = 1ull << sbits;
	l->descs_addr = bw_walk_get(buf, l->rb_size, &l->descs);
	l->infos_addr = bw_walk_get(buf, l->rb_size, &l->infos);
	l->data_addr = bw_walk_get(buf, l->rb_size, &l->data);
	l->id_mask = (l->sv_bits == 64 ? UINT64_MAX : 0xffffffffull) >> 2;
	l->head = bw_walk_get(buf, l->rb_size, &l->head_id) & l->id_mask;
	l->tail = bw_walk_get(buf, l->rb_size, &l->tail_id) & l->id_mask;
	sum->nr_descs = l->count;
	sum->text_size = l->data_size;
	if (((l->head - l->tail) & l->id_mask) >= l->count)
		return bw_fail(
			err, BW_EFORMAT,
			"printk ring at 0x%llx: head_id 0x%llx - tail_id 0x%llx is not below "
			"the %u descriptors",
			(unsigned long long)ptr, (unsigned long long)l->head,
			(unsigned long long)l->tail, l->count);
	return 0;
}

/* The data block of [begin, next): its index and size (id word included); false if illegal. */
static bool dm_block(const struct dm_layout *l, uint64_t begin, uint64_t next, uint64_t *index,
		     uint64_t *size)
{
	uint64_t mask = l->data_size - 1, bits = 0, last = next - 1;

	while ((1ull << bits) < l->data_size)
		bits++;
	if ((begin | next) & 7)
		return false;
	if (begin >> bits == last >> bits && next - begin <= l->data_size) {
		/* In one wrap, possibly ending exactly at the ring's end. */
		*index = begin & mask;
		*size = next - begin;
	} else if ((begin + l->data_size) >> bits == last >> bits) {
		/* Wrapped: the whole block is at the ring's start. */
		*index = 0;
		*size = (last & mask) + 1;
	} else {
		return false;
	}
	return *size >= 8 && *size <= l->data_size - 8;
}

/* The text of descriptor id into b->text; false when it is lost. */
static bool dm_text(const struct bw_kernel *k, const struct dm_layout *l, uint64_t id,
		    uint64_t begin, uint64_t next, uint64_t text_len, struct dm_bufs *b,
		    size_t *len)
{
	uint64_t index, size, block_id = 0;
	unsigned i, w = l->sv_bits / 8;

	if (!dm_block(l, begin, next, &index, &size) || size - w < text_len)
		return false;
	if (bw_kernel_read(k, l->data_addr + index, b->text, (size_t)(w + text_len), NULL))
		return false;
	for (i = w; i > 0; i--)
		block_id = block_id << 8 | b->text[i - 1];
	if ((block_id & l->id_mask) != id)
		return false; /* overwritten by a newer block */
	*len = (size_t)text_len;
	b->text[w + text_len] = '\0';
	return true;
}

static void dm_name(const unsigned char *info, const struct bw_field *f, char *out)
{
	memcpy(out, info + f->off, (size_t)f->bytes);
	out[f->bytes] = '\0';
}

static int dm_one(const struct bw_kernel *k, const struct dm_layout *l, uint64_t id,
		  struct dm_bufs *b, struct bw_printk_record *r, struct bw_printk_summary *sum,
		  struct bw_error *err)
{
	uint64_t idx = id & (l->count - 1), sv, sv2, state, begin, next, text_len;
	unsigned w = l->sv_bits / 8;
	size_t len = 0;
	int ret;

	ret = bw_walk_read(k, l->descs_addr + idx * l->desc_size, b->desc, l->desc_size, err);
	if (!ret)
		ret = bw_walk_read(k, l->infos_addr + idx * l->info_size, b->info, l->info_size,
				   err);
	if (ret)
		return bw_kernel_prefix(err, "printk descriptor %llu (id 0x%llx)",
					(unsigned long long)idx, (unsigned long long)id);
	sv = bw_walk_get(b->desc, l->desc_size, &l->state_var);
	state = sv >> (l->sv_bits - 2);
	memset(r, 0, sizeof(*r));
	r->seq = bw_walk_get(b->info, l->info_size, &l->seq);
	if ((sv & l->id_mask) != id) {
		sum->nr_reused++;
		return 1;
	}
	if (state == DM_STATE_RESERVED) {
		sum->nr_reserved++;
		return DM_NOT_YET;
	}
	if (state == DM_STATE_REUSABLE) {
		sum->nr_expired++;
		return 1;
	}
	if ((r->seq & (l->count - 1)) != idx) {
		sum->nr_reused++; /* the info is another record's */
		return 1;
	}
	r->ts_nsec = bw_walk_get(b->info, l->info_size, &l->ts_nsec);
	r->caller_id = (uint32_t)bw_walk_get(b->info, l->info_size, &l->caller_id);
	r->level = (uint8_t)bw_walk_get(b->info, l->info_size, &l->level);
	r->facility = (uint8_t)bw_walk_get(b->info, l->info_size, &l->facility);
	r->flags = (uint8_t)bw_walk_get(b->info, l->info_size, &l->flags);
	r->committed = state == DM_STATE_COMMITTED;
	dm_name(b->info, &l->subsystem, b->subsystem);
	dm_name(b->info, &l->device, b->device);
	r->subsystem = b->subsystem;
	r->device = b->device;
	if (l->comm.present) {
		dm_name(b->info, &l->comm, b->comm);
		r->comm = b->comm;
	}
	text_len = bw_walk_get(b->info, l->info_size, &l->text_len);
	begin = bw_walk_get(b->desc, l->desc_size, &l->begin);
	next = bw_walk_get(b->desc, l->desc_size, &l->next);
	b->text[w] = '\0';
	r->text = (const char *)b->text + w;
	if ((begin & 1) && (next & 1)) {
		/* Dataless: empty text (NO_LPOS), or data allocation failed (FAILED_LPOS). */
		r->lost = !(begin == DM_NO_LPOS && next == DM_NO_LPOS);
	} else {
		r->lost = text_len > DM_TEXT_MAX ||
			  !dm_text(k, l, id, begin, next, text_len, b, &len);
	}
	if (r->lost)
		b->text[w] = '\0'; /* a failed dm_text may have read into the buffer */
	r->text_len = len;
	/* Live memory: a descriptor reused while it was read gave a torn record. */
	if (bw_kernel_read_uint(k, l->descs_addr + idx * l->desc_size + l->state_var.off, w, &sv2,
				NULL) ||
	    sv2 != sv) {
		sum->nr_reused++;
		return DM_CHANGED;
	}
	sum->nr_records++;
	sum->nr_lost += r->lost;
	return 0;
}

static void dm_free(const struct bw_kernel *k, struct dm_bufs *b)
{
	if (b) {
		bw_free(k->alloc, b->desc);
		bw_free(k->alloc, b->info);
		bw_free(k->alloc, b->text);
	}
	bw_free(k->alloc, b);
}

/* The layout, the ring's current positions and one record's buffers. */
static int dm_open(const struct bw_kernel *k, struct dm_layout *l, struct dm_bufs **bp,
		   struct bw_printk_summary *summary, struct bw_error *err)
{
	struct dm_bufs *b;
	int ret;

	memset(summary, 0, sizeof(*summary));
	memset(l, 0, sizeof(*l));
	*bp = NULL;
	ret = dm_fields(k, l, err);
	if (!ret)
		ret = dm_ring(k, l, summary, err);
	if (ret)
		return ret;
	if (l->desc_size > 4096 || l->info_size > 4096)
		return bw_fail(err, BW_ENOTSUP, "prb_desc has %llu bytes, printk_info %llu",
			       (unsigned long long)l->desc_size, (unsigned long long)l->info_size);
	b = bw_zalloc(k->alloc, sizeof(*b));
	if (b) {
		b->desc = bw_alloc(k->alloc, (size_t)l->desc_size);
		b->info = bw_alloc(k->alloc, (size_t)l->info_size);
		b->text = bw_alloc(k->alloc, 8 + DM_TEXT_MAX + 1);
	}
	if (!b || !b->desc || !b->info || !b->text) {
		dm_free(k, b);
		return bw_fail(err, BW_ENOMEM, "out of memory for one printk record");
	}
	*bp = b;
	return 0;
}

int bw_kernel_printk(const struct bw_kernel *k, bw_printk_fn fn, void *ctx,
		     struct bw_printk_summary *summary, struct bw_error *err)
{
	struct bw_printk_summary local_sum;
	struct bw_printk_record r;
	struct dm_layout l;
	struct dm_bufs *b;
	uint64_t id, n, i;
	int ret;

	if (!summary)
		summary = &local_sum;
	memset(summary, 0, sizeof(*summary));
	if (!k || !fn)
		return bw_fail(err, BW_EINVAL, "bw_kernel_printk: k and fn must not be NULL");
	ret = dm_open(k, &l, &b, summary, err);
	if (ret)
		return ret;
	n = ((l.head - l.tail) & l.id_mask) + 1;
	for (i = 0, id = l.tail; i < n; i++, id = (id + 1) & l.id_mask) {
		ret = dm_one(k, &l, id, b, &r, summary, err);
		if (ret < 0)
			break;
		if (!ret && fn(ctx, &r)) {
			ret = 0;
			break;
		}
		ret = 0;
	}
	dm_free(k, b);
	return ret;
}

int bw_kernel_printk_follow(const struct bw_kernel *k, struct bw_printk_cursor *cur,
			    bw_printk_fn fn, void *ctx, struct bw_printk_summary *summary,
			    struct bw_error *err)
{
	struct bw_printk_summary local_sum;
	struct bw_printk_record r;
	struct dm_layout l;
	struct dm_bufs *b;
	uint64_t id, n, i, span;
	int ret = 0, tries;

	if (!summary)
		summary = &local_sum;
	memset(summary, 0, sizeof(*summary));
	if (!k || !fn || !cur)
		return bw_fail(err, BW_EINVAL,
			       "bw_kernel_printk_follow: k, cur and fn must not be NULL");
	ret = dm_open(k, &l, &b, summary, err);
	if (ret)
		return ret;
	span = (l.head - l.tail) & l.id_mask;
	id = l.tail;
	/* Resume at the cursor's descriptor while it is still in the ring, else at the tail. */
	if (cur->started && ((cur->id - l.tail) & l.id_mask) <= span + 1)
		id = cur->id & l.id_mask;
	n = ((l.head - id) & l.id_mask) + 1;
	if (((id - l.tail) & l.id_mask) > span)
		n = 0; /* nothing new since the last poll */
	for (i = 0; i < n; i++, id = (id + 1) & l.id_mask) {
		tries = 0;
		do
			ret = dm_one(k, &l, id, b, &r, summary, err);
		while (ret == DM_CHANGED && ++tries < DM_RETRIES);
		if (ret < 0)
			break;
		if (ret == DM_NOT_YET || (!ret && r.committed)) {
			ret = 0; /* the kernel's readers wait for it to be finalized too */
			break;
		}
		cur->id = (id + 1) & l.id_mask;
		if (ret || (cur->started && r.seq < cur->seq)) {
			ret = 0; /* gone (a gap at the next record), or already printed */
			continue;
		}
		r.gap = cur->started ? r.seq - cur->seq : 0;
		summary->nr_gap += r.gap;
		cur->seq = r.seq + 1;
		cur->started = true;
		if (fn(ctx, &r))
			break;
	}
	cur->started = true;
	dm_free(k, b);
	return ret;
}

#undef DM_STATE_RESERVED
#undef DM_STATE_COMMITTED
#undef DM_STATE_REUSABLE
#undef DM_NO_LPOS
#undef DM_MAX_NAME
#undef DM_TEXT_MAX
#undef DM_NOT_YET
#undef DM_CHANGED
#undef DM_RETRIES
