/* SPDX-License-Identifier: MIT */
/* A minimal QMP client and the parsers of its replies (not installed; parsers are fuzzed). */
#ifndef BTFWALK_QMP_H
#define BTFWALK_QMP_H

#include "btfwalk/mem.h"

struct bw_qmp {
	const struct bw_allocator *alloc;
	const char *path; /* for messages */
	int fd;
	char *buf; /* bytes received and not yet consumed, BW_QMP_MAX_REPLY + 1 */
	size_t len;
};

enum bw_qmp_kind {
	BW_QMP_RETURN, /* {"return": ...}: text holds the value when it is a string, else "" */
	BW_QMP_ERROR,  /* {"error": {"desc": ...}}: text holds desc */
	BW_QMP_OTHER,  /* an event, the greeting, anything else: skipped */
};

/* Connect, read the greeting, negotiate capabilities; *pid gets the peer's pid. hmp (or NULL):
 * an HMP command sent along with the negotiation, whose answer bw_qmp_hmp_recv then reads. */
int bw_qmp_open(struct bw_qmp *q, const char *path, const struct bw_allocator *alloc,
		const char *hmp, int *pid, struct bw_error *err);
void bw_qmp_close(struct bw_qmp *q);
/* Run an HMP command; *text (NUL-terminated, *len bytes) is allocated with q->alloc. */
int bw_qmp_hmp(struct bw_qmp *q, const char *cmd, char **text, size_t *len, struct bw_error *err);
/* The same in two halves, so that several commands go out before the first answer is awaited
 * (QEMU answers in order): send cmd; then receive the answer to the oldest command sent. */
int bw_qmp_hmp_send(struct bw_qmp *q, const char *cmd, struct bw_error *err);
int bw_qmp_hmp_recv(struct bw_qmp *q, const char *cmd, char **text, size_t *len,
		    struct bw_error *err);

/* One reply line (len bytes, no newline): its kind, and its string (decoded, NUL-terminated,
 * at most cap - 1 bytes: BW_ELIMIT past that). BW_EFORMAT when the line is not a JSON object. */
int bw_qmp_reply(const char *line, size_t len, enum bw_qmp_kind *kind, char *text, size_t cap,
		 size_t *tlen, struct bw_error *err);

/* RAM ranges ("ram" type) of the FlatView of address space "memory" in `info mtree -f` text,
 * in text order; *n gets the count (BW_ELIMIT past max). */
int bw_qmp_parse_mtree(const char *text, size_t len, struct bw_mem_range *out, size_t max,
		       size_t *n, struct bw_error *err);
/* "Host virtual address for 0x... (name) is 0x..." -> the host address. */
int bw_qmp_parse_gpa2hva(const char *text, size_t len, uint64_t *hva, struct bw_error *err);

#endif
