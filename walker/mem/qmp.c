// SPDX-License-Identifier: MIT
/*
 * A minimal QMP client: connect, greeting, qmp_capabilities, human-monitor-command; and the
 * parsers of what QEMU answers (a JSON object per line, the text of info mtree -f and gpa2hva).
 * Replies are hostile input: every line is capped, every parse is bounded by its length.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"
#include "mem/mem_impl.h"
#include "mem/qmp.h"

#define QMP_MAX_DEPTH 32 /* nesting of JSON values skipped in a reply */

/* ---- JSON, just enough for QMP replies ---- */

static const char *qmp_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

static int qmp_hex4(const char *p, const char *end, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A string at p (the opening quote): decoded into out (when not NULL, *olen bytes, NUL added;
 * at most cap - 1), returns just past the closing quote, or NULL when malformed or too long. */
static const char *qmp_string(const char *p, const char *end, char *out, size_t cap, size_t *olen)
{
	size_t n = 0;

	if (p >= end || *p++ != '"')
		return NULL;
	while (p < end && *p != '"') {
		char c = *p++;
		uint32_t u;

		if ((unsigned char)c < 0x20)
			return NULL;
		if (c == '\\') {
			if (p >= end)
				return NULL;
			c = *p++;
			switch (c) {
			case '"':
			case '\\':
			case '/':
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'u':
				if (qmp_hex4(p, end, &u))
					return NULL;
				p += 4;
				/* HMP text is ASCII; anything else is kept as '?'. */
				c = u && u < 0x80 ? (char)u : '?';
				break;
			default:
				return NULL;
			}
		}
		if (out) {
			if (n + 1 >= cap)
				return NULL;
			out[n] = c;
		}
		n++;
	}
	if (p >= end)
		return NULL;
	if (out) {
		out[n] = '\0';
		*olen = n;
	}
	return p + 1;
}

/* Skip one value; NULL when malformed or nested deeper than QMP_MAX_DEPTH. */
static const char *qmp_skip(const char *p, const char *end, int depth)
{
	char close;

	p = qmp_ws(p, end);
	if (p >= end || depth > QMP_MAX_DEPTH)
		return NULL;
	if (*p == '"')
		return qmp_string(p, end, NULL, 0, NULL);
	if (*p != '{' && *p != '[') {
		const char *s = p;

		while (p < end && (strchr("+-.eE", *p) || (*p >= '0' && *p <= '9') ||
				   (*p >= 'a' && *p <= 'z')))
			p++;
		return p > s ? p : NULL;
	}
	close = *p == '{' ? '}' : ']';
	p = qmp_ws(p + 1, end);
	if (p < end && *p == close)
		return p + 1;
	for (;;) {
		if (close == '}') {
			p = qmp_string(qmp_ws(p, end), end, NULL, 0, NULL);
			p = p ? qmp_ws(p, end) : NULL;
			if (!p || p >= end || *p++ != ':')
				return NULL;
		}
		p = qmp_skip(p, end, depth + 1);
		p = p ? qmp_ws(p, end) : NULL;
		if (!p || p >= end)
			return NULL;
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

/* The object at p: for each member, key (raw span) and value start; fn returns the value's end
 * or NULL. Returns just past the object, or NULL. */
typedef const char *(*qmp_member_fn)(void *ctx, const char *key, size_t klen, const char *v,
				     const char *end);

static const char *qmp_object(const char *p, const char *end, qmp_member_fn fn, void *ctx)
{
	p = qmp_ws(p, end);
	if (p >= end || *p++ != '{')
		return NULL;
	p = qmp_ws(p, end);
	if (p < end && *p == '}')
		return p + 1;
	for (;;) {
		const char *key = qmp_ws(p, end), *kend = qmp_string(key, end, NULL, 0, NULL);

		if (!kend)
			return NULL;
		p = qmp_ws(kend, end);
		if (p >= end || *p++ != ':')
			return NULL;
		p = fn(ctx, key + 1, (size_t)(kend - key - 2), qmp_ws(p, end), end);
		p = p ? qmp_ws(p, end) : NULL;
		if (!p || p >= end)
			return NULL;
		if (*p == '}')
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

struct qmp_reply_ctx {
	enum bw_qmp_kind kind;
	char *text;
	size_t cap, tlen;
	bool too_long;
};

static bool qmp_key_is(const char *key, size_t klen, const char *name)
{
	return klen == strlen(name) && !memcmp(key, name, klen);
}

static const char *qmp_take_string(struct qmp_reply_ctx *c, const char *v, const char *end)
{
	const char *r;

	if (v >= end || *v != '"')
		return qmp_skip(v, end, 1);
	r = qmp_string(v, end, c->text, c->cap, &c->tlen);
	if (!r && qmp_string(v, end, NULL, 0, NULL)) {
		c->too_long = true;
		return qmp_string(v, end, NULL, 0, NULL);
	}
	return r;
}

static const char *qmp_error_member(void *ctx, const char *key, size_t klen, const char *v,
				    const char *end)
{
	if (qmp_key_is(key, klen, "desc"))
		return qmp_take_string(ctx, v, end);
	return qmp_skip(v, end, 2);
}

static const char *qmp_reply_member(void *ctx, const char *key, size_t klen, const char *v,
				    const char *end)
{
	struct qmp_reply_ctx *c = ctx;

	if (qmp_key_is(key, klen, "return")) {
		c->kind = BW_QMP_RETURN;
		return qmp_take_string(c, v, end);
	}
	if (qmp_key_is(key, klen, "error")) {
		c->kind = BW_QMP_ERROR;
		if (v < end && *v == '{')
			return qmp_object(v, end, qmp_error_member, c);
		return qmp_skip(v, end, 1);
	}
	return qmp_skip(v, end, 1);
}

int bw_qmp_reply(const char *line, size_t len, enum bw_qmp_kind *kind, char *text, size_t cap,
		 size_t *tlen, struct bw_error *err)
{
	struct qmp_reply_ctx c = {BW_QMP_OTHER, text, cap, 0, false};
	const char *end = line + len, *p;

	if (!line || !kind || !text || !cap || !tlen)
		return bw_fail(err, BW_EINVAL, "bw_qmp_reply: bad argument");
	text[0] = '\0';
	p = qmp_object(line, end, qmp_reply_member, &c);
	if (p)
		p = qmp_ws(p, end);
	if (!p || p != end)
		return bw_fail(err, BW_EFORMAT, "QMP reply is not a JSON object: %.*s",
			       len ? (int)(len < 60 ? len : 60) : 7, len ? line : "(empty)");
	if (c.too_long)
		return bw_fail(err, BW_ELIMIT, "QMP reply string longer than %zu bytes", cap - 1);
	if (c.kind == BW_QMP_OTHER)
		c.tlen = 0, text[0] = '\0';
	*kind = c.kind;
	*tlen = c.tlen;
	return 0;
}

/* ---- info mtree -f, gpa2hva ---- */

static const char *qmp_hex(const char *p, const char *end, uint64_t *v)
{
	const char *s = p;

	*v = 0;
	while (p < end && p - s < 16) {
		char c = *p;
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			break;
		*v = *v << 4 | d;
		p++;
	}
	return p > s ? p : NULL;
}

static const char *qmp_lit(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && !memcmp(p, lit, n) ? p + n : NULL;
}

/* "  START-LAST (prio N, TYPE): ..." with TYPE "ram": true and the range. */
static bool qmp_mtree_ram(const char *p, const char *end, struct bw_mem_range *r)
{
	uint64_t first, last;

	while (p < end && *p == ' ')
		p++;
	p = qmp_hex(p, end, &first);
	p = p ? qmp_lit(p, end, "-") : NULL;
	p = p ? qmp_hex(p, end, &last) : NULL;
	p = p ? qmp_lit(p, end, " (prio ") : NULL;
	if (!p)
		return false;
	if (p < end && *p == '-')
		p++;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	p = qmp_lit(p, end, ", ram)");
	if (!p || last < first || last - first == UINT64_MAX)
		return false;
	r->start = first;
	r->size = last - first + 1;
	return true;
}

int bw_qmp_parse_mtree(const char *text, size_t len, struct bw_mem_range *out, size_t max,
		       size_t *n, struct bw_error *err)
{
	const char *p = text, *end = text + len;
	bool in_memory = false, seen = false;

	if (!text || !n || (!out && max))
		return bw_fail(err, BW_EINVAL, "bw_qmp_parse_mtree: bad argument");
	*n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *q = p;
		struct bw_mem_range r;

		while (q < le && *q == ' ')
			q++;
		if (qmp_lit(p, le, "FlatView #")) {
			in_memory = false;
		} else if (q > p && qmp_lit(q, le, "AS \"memory\",")) {
			in_memory = seen = true;
		} else if (in_memory && qmp_mtree_ram(p, le, &r)) {
			if (*n == max)
				return bw_fail(err, BW_ELIMIT,
					       "info mtree -f: more than %zu RAM ranges", max);
			out[(*n)++] = r;
		}
		p = nl ? nl + 1 : end;
	}
	if (!seen)
		return bw_fail(err, BW_ENOENT,
			       "info mtree -f: no FlatView of address space \"memory\"");
	if (!*n)
		return bw_fail(err, BW_ENOENT, "info mtree -f: no RAM in address space \"memory\"");
	return 0;
}

int bw_qmp_parse_gpa2hva(const char *text, size_t len, uint64_t *hva, struct bw_error *err)
{
	const char *end = text + len, *p;
	uint64_t gpa;

	p = qmp_lit(text, end, "Host virtual address for 0x");
	p = p ? qmp_hex(p, end, &gpa) : NULL;
	p = p ? qmp_lit(p, end, " (") : NULL;
	while (p && p < end && *p != ')' && *p != '\n')
		p++;
	p = p ? qmp_lit(p, end, ") is 0x") : NULL;
	p = p ? qmp_hex(p, end, hva) : NULL;
	if (p)
		p = qmp_ws(p, end);
	if (!p || p != end) {
		int n = (int)(len > 120 ? 120 : len);

		while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
			n--;
		return bw_fail(err, BW_EFORMAT, "gpa2hva answered \"%.*s\"", n, text);
	}
	return 0;
}

/* ---- the connection ---- */

static int64_t qmp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next line (without its newline): *line points into q->buf, valid until the next call. */
static int qmp_line(struct bw_qmp *q, char **line, size_t *llen, size_t *consumed,
		    struct bw_error *err)
{
	int64_t deadline = qmp_now_ms() + BW_QMP_TIMEOUT_MS;

	for (;;) {
		char *nl = q->len ? memchr(q->buf, '\n', q->len) : NULL;
		struct pollfd pfd = {q->fd, POLLIN, 0};
		int64_t left = deadline - qmp_now_ms();
		ssize_t r;
		int pr;

		if (nl) {
			*line = q->buf;
			*llen = (size_t)(nl - q->buf);
			*consumed = *llen + 1;
			return 0;
		}
		if (q->len >= BW_QMP_MAX_REPLY)
			return bw_fail(err, BW_ELIMIT, "%s: QMP reply longer than %u bytes",
				       q->path, BW_QMP_MAX_REPLY);
		if (left <= 0)
			return bw_fail(err, BW_EIO, "%s: no QMP reply in %u ms", q->path,
				       BW_QMP_TIMEOUT_MS);
		pr = poll(&pfd, 1, (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			return bw_fail(err, BW_EIO, "%s: poll: %s", q->path, strerror(errno));
		if (!pr)
			continue;
		r = recv(q->fd, q->buf + q->len, BW_QMP_MAX_REPLY - q->len, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0)
			return bw_fail(err, BW_EIO, "%s: recv: %s", q->path, strerror(errno));
		if (!r)
			return bw_fail(err, BW_EGONE, "%s: QEMU closed the QMP connection",
				       q->path);
		q->len += (size_t)r;
	}
}

static void qmp_consume(struct bw_qmp *q, size_t n)
{
	memmove(q->buf, q->buf + n, q->len - n);
	q->len -= n;
}

/* The next reply that is not an event (greeting included when want_other). */
static int qmp_reply(struct bw_qmp *q, bool want_other, enum bw_qmp_kind *kind, char **text,
		     size_t *tlen, struct bw_error *err)
{
	for (;;) {
		size_t llen = 0, used = 0;
		char *line = NULL, *t;
		int ret = qmp_line(q, &line, &llen, &used, err);

		if (ret)
			return ret;
		t = bw_alloc(q->alloc, llen + 1);
		if (!t)
			return bw_fail(err, BW_ENOMEM, "out of memory for a QMP reply");
		ret = bw_qmp_reply(line, llen, kind, t, llen + 1, tlen, err);
		qmp_consume(q, used);
		if (!ret && (*kind != BW_QMP_OTHER || want_other)) {
			*text = t;
			return 0;
		}
		bw_free(q->alloc, t);
		if (ret)
			return ret;
	}
}

static int qmp_send(struct bw_qmp *q, const char *msg, struct bw_error *err)
{
	size_t n = strlen(msg), off = 0;

	while (off < n) {
		ssize_t w = send(q->fd, msg + off, n - off, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return bw_fail(err, errno == EPIPE ? BW_EGONE : BW_EIO, "%s: send: %s",
				       q->path, strerror(errno));
		off += (size_t)w;
	}
	return 0;
}

/* Wait for the return of a command sent; the returned string in *text (NULL: not wanted). */
static int qmp_result(struct bw_qmp *q, const char *what, char **text, size_t *len,
		      struct bw_error *err)
{
	enum bw_qmp_kind kind;
	size_t tlen;
	char *t;
	int ret = qmp_reply(q, false, &kind, &t, &tlen, err);

	if (ret)
		return ret;
	if (kind == BW_QMP_ERROR) {
		ret = bw_fail(err, BW_EIO, "%s: QMP %s: %s", q->path, what, t);
		bw_free(q->alloc, t);
		return ret;
	}
	if (text) {
		*text = t;
		*len = tlen;
	} else {
		bw_free(q->alloc, t);
	}
	return 0;
}

int bw_qmp_hmp_send(struct bw_qmp *q, const char *cmd, struct bw_error *err)
{
	static const char head[] =
		"{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"";
	char msg[256];
	size_t n = strlen(cmd);

	/* Our own commands: short, no quotes or backslashes to escape. */
	if (n + sizeof(head) + 4 > sizeof(msg) || strpbrk(cmd, "\"\\\n"))
		return bw_fail(err, BW_EINVAL, "HMP command too long or not plain: %.40s", cmd);
	memcpy(msg, head, sizeof(head) - 1);
	memcpy(msg + sizeof(head) - 1, cmd, n);
	memcpy(msg + sizeof(head) - 1 + n, "\"}}\n", 5);
	return qmp_send(q, msg, err);
}

int bw_qmp_hmp_recv(struct bw_qmp *q, const char *cmd, char **text, size_t *len,
		    struct bw_error *err)
{
	return qmp_result(q, cmd, text, len, err);
}

int bw_qmp_hmp(struct bw_qmp *q, const char *cmd, char **text, size_t *len, struct bw_error *err)
{
	int ret = bw_qmp_hmp_send(q, cmd, err);

	return ret ? ret : bw_qmp_hmp_recv(q, cmd, text, len, err);
}

int bw_qmp_open(struct bw_qmp *q, const char *path, const struct bw_allocator *alloc,
		const char *hmp, int *pid, struct bw_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	enum bw_qmp_kind kind;
	size_t tlen;
	char *t;
	int ret;

	memset(q, 0, sizeof(*q));
	q->alloc = alloc;
	q->path = path;
	q->fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path))
		return bw_fail(err, BW_EINVAL, "%s: socket path longer than %zu bytes", path,
			       sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	q->buf = bw_alloc(alloc, BW_QMP_MAX_REPLY + 1);
	if (!q->buf)
		return bw_fail(err, BW_ENOMEM, "out of memory for QMP replies");
	q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (q->fd < 0)
		return bw_fail(err, BW_EIO, "%s: socket: %s", path, strerror(errno));
	if (connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)))
		return bw_fail(err, errno == ECONNREFUSED ? BW_EGONE : BW_EIO,
			       "%s: connect: %s (is QEMU running with -qmp unix:%s,server=on?)",
			       path, strerror(errno), path);
	if (getsockopt(q->fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) || cred.pid <= 0)
		return bw_fail(err, BW_EIO, "%s: SO_PEERCRED: no peer pid", path);
	*pid = cred.pid;
	/* QEMU greets a client as it connects and reads commands after: ask for the capabilities
	 * (and send hmp) at once, then take the greeting ({"QMP": {...}}) and the answer, in one
	 * round trip. */
	ret = qmp_send(q, "{\"execute\":\"qmp_capabilities\"}\n", err);
	if (!ret && hmp)
		ret = bw_qmp_hmp_send(q, hmp, err);
	if (!ret)
		ret = qmp_reply(q, true, &kind, &t, &tlen, err);
	if (ret)
		return ret;
	bw_free(alloc, t);
	return qmp_result(q, "qmp_capabilities", NULL, NULL, err);
}

void bw_qmp_close(struct bw_qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	bw_free(q->alloc, q->buf);
	q->buf = NULL;
}
