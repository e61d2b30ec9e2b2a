/* SPDX-License-Identifier: MIT */
/*
 * btfwalk kernel log: the records of the printk ring buffer (Linux 5.10+) read from a dump.
 *
 * The ring is the one the symbol prb points to (&printk_rb_static, or printk_rb_dynamic when
 * log_buf_len= gave a bigger one at boot). Descriptors are walked from desc_ring.tail_id to
 * head_id (oldest first); for each, the descriptor's state_var must carry that id (else it was
 * reused: skipped), and its state decides:
 * - reserved (a writer was filling it): skipped, counted in nr_reserved;
 * - reusable (already given up to make room): skipped, counted in nr_expired;
 * - committed (complete, but a continuation line could still be appended) or finalized: a
 *   record. Its text is the data block named by text_blk_lpos: a block in one wrap of the text
 *   ring, or one that wraps (its data stored at the ring's start), or one ending exactly at the
 *   ring's end (newer kernels do not wrap those); NO_LPOS on both ends is a dataless record with
 *   empty text. A block whose leading id is not the descriptor's id (overwritten), whose bounds
 *   are not legal, or FAILED_LPOS (allocation failed) gives a record with lost = true and no
 *   text.
 * Every size and offset (printk_info, prb_desc, the rings, dev_printk_info) comes from the BTF;
 * printk_info.comm is reported where the BTF has it (7.x).
 *
 * Errors: BW_ENOTSUP when the BTF lacks the 5.10+ ring structs or the symbol prb is unknown,
 * BW_EFORMAT for a ring whose sizes are not legal (count_bits or size_bits out of range,
 * head_id - tail_id beyond the descriptor count), BW_EFAULT when the ring's header or a
 * descriptor cannot be read. Caps: BW_PRINTK_MAX_DESC_BITS and BW_PRINTK_MAX_DATA_BITS (the
 * kernel's own maxima); one record's text is at most 65535 bytes (text_len is 16 bits). Memory
 * used is one record's buffers, whatever the ring holds.
 */
#ifndef BTFWALK_PRINTK_H
#define BTFWALK_PRINTK_H

#include "common.h"
#include "kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BW_PRINTK_MAX_DESC_BITS 26 /* descriptors: log_buf_len max 2^31 / 32 bytes average */
#define BW_PRINTK_MAX_DATA_BITS 31 /* text ring: LOG_BUF_LEN_MAX */

/* caller_id: a task's pid, or with this bit set, the number of the CPU that printed. */
#define BW_PRINTK_CALLER_CPU 0x80000000u

struct bw_printk_record {
	uint64_t seq;
	uint64_t ts_nsec;   /* local_clock() at the printk */
	uint32_t caller_id; /* see BW_PRINTK_CALLER_CPU */
	uint8_t level;	    /* 0..7 */
	uint8_t facility;   /* 0 kernel, 1 user (/dev/kmsg), ... */
	uint8_t flags;	    /* the kernel's LOG_NEWLINE 2, LOG_CONT 8 */
	bool committed;	    /* committed, not yet finalized: the kernel's readers wait for it */
	bool lost;	    /* the record exists but its text is gone; text_len is 0 */
	const char *text;   /* text_len bytes, NUL-terminated; valid during the callback */
	size_t text_len;
	const char *subsystem; /* dev_printk_info: "" when absent */
	const char *device;
	const char *comm; /* printk_info.comm, NULL when the BTF has none */
	uint64_t gap;	  /* follow: records lost (overwritten) just before this one */
};

struct bw_printk_summary {
	uint64_t ring;	    /* address of the struct printk_ringbuffer */
	bool dynamic;	    /* not printk_rb_static: replaced at boot (log_buf_len=) */
	uint32_t nr_descs;  /* descriptors in the ring */
	uint64_t text_size; /* bytes of the text data ring */
	uint64_t nr_records, nr_lost, nr_reserved, nr_expired, nr_reused;
	uint64_t nr_gap; /* follow: records overwritten before they were read */
};

/* Return 0 to go on, non-zero to stop the walk (bw_kernel_printk then returns 0). */
typedef int (*bw_printk_fn)(void *ctx, const struct bw_printk_record *rec);

/* Call fn for every record, oldest first. summary (may be NULL) is filled as far as walked. */
int bw_kernel_printk(const struct bw_kernel *k, bw_printk_fn fn, void *ctx,
		     struct bw_printk_summary *summary, struct bw_error *err);

/*
 * Following a live ring: where the next poll resumes. Zero it before the first call; the
 * first call reports every record in the ring, later calls only the records written since.
 */
struct bw_printk_cursor {
	uint64_t seq; /* the next sequence number wanted */
	uint64_t id;  /* the descriptor id to resume at */
	bool started;
};

/*
 * Call fn for every finalized record after the cursor, oldest first, and move the cursor past
 * them. The walk stops at the first record still reserved or only committed (a writer may
 * still fill or extend it; the kernel's own readers wait too): it is reported by a later call
 * once finalized. Records overwritten before they could be read are never reported; the next
 * reported record carries their number in gap (summary->nr_gap sums them). A descriptor whose
 * state_var changes while it is read is read again (3 tries), then skipped as overwritten.
 * Work per call: at most the ring's descriptor count. Errors as bw_kernel_printk; BW_EGONE
 * when a live source went away. The cursor stays valid after an error.
 */
int bw_kernel_printk_follow(const struct bw_kernel *k, struct bw_printk_cursor *cur,
			    bw_printk_fn fn, void *ctx, struct bw_printk_summary *summary,
			    struct bw_error *err);

#ifdef __cplusplus
}
#endif
#endif
