// SPDX-License-Identifier: MIT
/*
 * make bench: btfwalk's BTF parser against libbpf's on the same vmlinux BTF files, in the same run.
 *
 *   bench [-n ROUNDS] LABEL=FILE...     the table for each raw BTF file
 *   bench --mem btfwalk|libbpf|none FILE NAME:KIND...   (internal) one parser in a fresh
 *                                       process: prints its peak RSS growth and heap bytes
 *
 * Parse: best of ROUNDS CPU times of bw_btf_open_file() (open, validate, index) and of
 * btf__parse_raw(), both from the file with the page cache warm, taken in turns; freeing is not
 * timed. For information, the same from a buffer in memory (bw_btf_open_mem, btf__new), and two
 * floors: reading the file, and reading from memory what validation must read.
 * Lookup: for each name, calls are repeated until a batch takes >= 20 ms; the best of 5 batches
 * gives ns per call. The names are those a memory walker asks for, plus the last named type of the
 * blob, libbpf's slowest case (its lookup scans the types in order).
 * Memory: each parser runs in its own freshly exec'd process (so nothing is inherited from this
 * one) that parses the file, does the lookups and reports how much its peak RSS (VmHWM) grew:
 * this counts heap, tables, index and the file as btfwalk reads it with libc's allocator (as the
 * CLI does: huge pages for the file and the tables), as well as libbpf's copy of the file. Heap
 * alone is also shown: btfwalk's peak through a counting bw_allocator (separate tables, in a
 * process of its own), libbpf's
 * bytes in use after parsing from mallinfo2() (its peak is not visible that way).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <linux/btf.h>
#include "btfwalk.h"

#define LOOKUP_BATCH_NS 20000000.0
#define LOOKUP_BATCHES 5
#define MAX_NAMES 8

struct lookup_name {
	char name[128];
	int kind; /* BTF kind number: same values for btfwalk and libbpf */
};

/* The fixed names; the blob's last named type is appended at run time. */
static const struct lookup_name walker_names[] = {
	{ "zone", BTF_KIND_STRUCT },	    { "pglist_data", BTF_KIND_STRUCT },
	{ "task_struct", BTF_KIND_STRUCT }, { "rq", BTF_KIND_STRUCT },
	{ "numa_stat_item", BTF_KIND_ENUM },
};

/*
 * CPU time of this process (user + system: read(), page faults, mmap included): on a machine
 * shared with other jobs, wall-clock time would mostly measure how long we waited for a CPU.
 */
static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

_Noreturn static void die(const char *what, const char *detail)
{
	fprintf(stderr, "bench: %s: %s\n", what, detail);
	exit(1);
}

/* ---- counting allocator for btfwalk's heap ---- */

struct heap_count {
	size_t cur, peak;
};

/* Each block carries its size in front, kept 16-aligned. */
#define HDR 16

static void *count_malloc(void *ctx, size_t size)
{
	struct heap_count *h = ctx;
	unsigned char *p = malloc(size + HDR);

	if (!p)
		return NULL;
	memcpy(p, &size, sizeof(size));
	h->cur += size;
	if (h->cur > h->peak)
		h->peak = h->cur;
	return p + HDR;
}

static void count_free(void *ctx, void *ptr)
{
	struct heap_count *h = ctx;
	size_t size;

	if (!ptr)
		return;
	memcpy(&size, (unsigned char *)ptr - HDR, sizeof(size));
	h->cur -= size;
	free((unsigned char *)ptr - HDR);
}

static void *count_realloc(void *ctx, void *ptr, size_t size)
{
	struct heap_count *h = ctx;
	size_t old = 0;
	unsigned char *p;

	if (!ptr)
		return count_malloc(ctx, size);
	memcpy(&old, (unsigned char *)ptr - HDR, sizeof(old));
	p = realloc((unsigned char *)ptr - HDR, size + HDR);
	if (!p)
		return NULL;
	memcpy(p, &size, sizeof(size));
	h->cur = h->cur - old + size;
	if (h->cur > h->peak)
		h->peak = h->cur;
	return p + HDR;
}

/* ---- the two parsers behind one interface ---- */

static struct bw_btf *bw_open(const char *path, const struct bw_allocator *alloc)
{
	struct bw_btf_opts opts = { .alloc = alloc };
	struct bw_error err = { 0 };
	struct bw_btf *btf;

	if (bw_btf_open_file(path, &opts, &btf, &err))
		die(path, err.msg);
	return btf;
}

static struct btf *libbpf_open(const char *path)
{
	struct btf *btf = btf__parse_raw(path);

	if (!btf)
		die(path, strerror(errno));
	return btf;
}

static long bw_lookup(const struct bw_btf *btf, const struct lookup_name *n)
{
	uint32_t id;

	return bw_btf_find(btf, n->name, n->kind, &id, NULL) ? -1 : (long)id;
}

static long libbpf_lookup(const struct btf *btf, const struct lookup_name *n)
{
	long id = btf__find_by_name_kind(btf, n->name, n->kind);

	return id < 0 ? -1 : id;
}

/*
 * The last named type whose name+kind lookup lands on itself: with libbpf's scan in id order, the
 * most expensive successful lookup there is.
 */
static void last_named_type(const struct btf *btf, struct lookup_name *out)
{
	for (unsigned int id = btf__type_cnt(btf) - 1; id > 0; id--) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);
		struct lookup_name n = { .kind = btf_kind(t) };

		if (!name || !*name || strlen(name) >= sizeof(n.name))
			continue;
		strcpy(n.name, name);
		if (libbpf_lookup(btf, &n) == (long)id) {
			*out = n;
			return;
		}
	}
	die("blob", "no named type");
}

static size_t collect_names(const char *path, struct lookup_name *names)
{
	struct btf *btf = libbpf_open(path);
	size_t n = sizeof(walker_names) / sizeof(walker_names[0]);

	memcpy(names, walker_names, sizeof(walker_names));
	last_named_type(btf, &names[n]);
	btf__free(btf);
	return n + 1;
}

/* ---- memory: one parser in a fresh process ---- */

/*
 * This process's peak RSS in KiB: VmHWM, the high-water mark of the memory map exec gave it
 * (ru_maxrss would also remember the parent's peak from before the exec).
 */
static long peak_rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		die("/proc/self/status", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
			break;
	fclose(f);
	if (kib < 0)
		die("/proc/self/status", "no VmHWM");
	return kib;
}

/*
 * Both parsers open a minimal blob (one INT) before the measurement starts, so the code pages each
 * faults in on its first parse (libbpf's shared library, btfwalk's static code) are not counted as
 * memory for the blob.
 */
static void warm_up(void)
{
	static const struct {
		struct btf_header hdr;
		uint32_t type[4];
		char str[5];
	} __attribute__((packed)) tiny = {
		.hdr = { .magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(tiny.hdr),
			 .type_len = sizeof(tiny.type), .str_off = sizeof(tiny.type),
			 .str_len = sizeof(tiny.str) },
		.type = { 1, BTF_KIND_INT << 24, 4, 32 },
		.str = "\0int",
	};
	struct bw_btf *bw;
	struct btf *lb = btf__new(&tiny, sizeof(tiny));

	if (!lb || bw_btf_open_mem(&tiny, sizeof(tiny), NULL, &bw, NULL))
		die("warm-up", "a one-INT blob did not parse");
	btf__free(lb);
	bw_btf_close(bw);
}

/* argv: "NAME:KIND"... as the parent found them, so the child parses nothing but the blob. */
static int mem_child(const char *which, const char *path, int argc, char **argv)
{
	struct lookup_name names[MAX_NAMES];
	size_t n = 0;
	struct heap_count heap = { 0 };
	const struct bw_allocator alloc = { count_malloc, count_realloc, count_free, &heap };
	long before, after;
	size_t heap_bytes = 0;
	volatile long sink = 0;

	for (int i = 0; i < argc && n < MAX_NAMES; i++, n++) {
		char *colon = strrchr(argv[i], ':');

		if (!colon || colon - argv[i] >= (long)sizeof(names[n].name))
			die("bad name", argv[i]);
		memcpy(names[n].name, argv[i], colon - argv[i]);
		names[n].name[colon - argv[i]] = '\0';
		names[n].kind = atoi(colon + 1);
	}
	warm_up();
	before = peak_rss_kib();
	if (!strcmp(which, "btfwalk")) {
		/* RSS as the CLI pays it, with libc's allocator (huge-page buffer and arena). */
		struct bw_btf *btf = bw_open(path, NULL);

		for (size_t i = 0; i < n; i++)
			sink += bw_lookup(btf, &names[i]);
		after = peak_rss_kib();
		bw_btf_close(btf);
	} else if (!strcmp(which, "btfwalk-heap")) {
		/* The heap through the counting allocator, which takes neither. */
		struct bw_btf *btf = bw_open(path, &alloc);

		heap_bytes = heap.peak;
		after = peak_rss_kib();
		bw_btf_close(btf);
	} else if (!strcmp(which, "libbpf")) {
		struct mallinfo2 m0 = mallinfo2(), m1;
		struct btf *btf = libbpf_open(path);

		for (size_t i = 0; i < n; i++)
			sink += libbpf_lookup(btf, &names[i]);
		m1 = mallinfo2();
		heap_bytes = (m1.uordblks + m1.hblkhd) - (m0.uordblks + m0.hblkhd);
		after = peak_rss_kib();
		btf__free(btf);
	} else {
		after = peak_rss_kib();
	}
	printf("%ld %zu\n", after - before, heap_bytes);
	return sink == 42 ? 1 : 0;
}

struct mem_result {
	long rss_kib;
	size_t heap;
};

static struct mem_result measure_mem(const char *which, const char *path,
				     const struct lookup_name *names, size_t n)
{
	struct mem_result r = { -1, 0 };
	char args[MAX_NAMES][160];
	char *argv[MAX_NAMES + 5] = { (char *)"bench", (char *)"--mem", (char *)which,
				      (char *)path };
	int fds[2], status;
	pid_t pid;
	FILE *f;

	for (size_t i = 0; i < n; i++) {
		snprintf(args[i], sizeof(args[i]), "%.127s:%d", names[i].name, names[i].kind);
		argv[4 + i] = args[i];
	}

	if (pipe(fds))
		die("pipe", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork", strerror(errno));
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (!f || fscanf(f, "%ld %zu", &r.rss_kib, &r.heap) != 2)
		die("memory child", which);
	fclose(f);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		die("memory child failed", which);
	return r;
}

/* ---- time ---- */

static double time_parse_ns(const char *path, bool libbpf)
{
	double t0, t;

	if (libbpf) {
		struct btf *btf;

		t0 = now_ns();
		btf = libbpf_open(path);
		t = now_ns() - t0;
		btf__free(btf);
	} else {
		struct bw_btf *btf;

		t0 = now_ns();
		btf = bw_open(path, NULL);
		t = now_ns() - t0;
		bw_btf_close(btf);
	}
	return t;
}

/* The same from a buffer already in memory: bw_btf_open_mem() against btf__new(). */
static double time_parse_mem_ns(const void *data, size_t len, bool libbpf)
{
	double t0, t;

	if (libbpf) {
		struct btf *btf;

		t0 = now_ns();
		btf = btf__new(data, len);
		t = now_ns() - t0;
		if (!btf)
			die("btf__new", strerror(errno));
		btf__free(btf);
	} else {
		struct bw_error err = { 0 };
		struct bw_btf *btf;

		t0 = now_ns();
		if (bw_btf_open_mem(data, len, NULL, &btf, &err))
			die("bw_btf_open_mem", err.msg);
		t = now_ns() - t0;
		bw_btf_close(btf);
	}
	return t;
}

/*
 * A floor for any parser that reads the whole blob from the file: map it and load one byte of
 * every 64-byte cache line, nothing else. What btfwalk can win against libbpf is bounded by
 * libbpf's time over this.
 */
static double time_touch_ns(const char *path)
{
	volatile unsigned long sink = 0;
	unsigned long sum = 0;
	const unsigned char *p;
	struct stat st;
	double t0, t;
	int fd;

	t0 = now_ns();
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		die(path, strerror(errno));
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		die(path, strerror(errno));
	for (off_t i = 0; i < st.st_size; i += 64)
		sum += p[i];
	t = now_ns() - t0;
	sink = sum;
	(void)sink;
	munmap((void *)p, (size_t)st.st_size);
	return t;
}

/*
 * A floor for any checker of the kernel's rules, from memory: the least it must read. One pass
 * over the records (the step libbpf's parse makes too) that reads every name offset and type id
 * of each record, member, parameter, enumerator and variable and ORs them into one word (cheaper
 * than the range checks it stands for), then every string byte once, 8 at a time, counting the
 * bytes below '0' or above 0x7f. No identifier rule, no sizes, no cycles, no index: a complete
 * validation does all of this and more, so its time cannot fall below this one's. *types gets
 * the records stepped over (the caller compares them with libbpf's count).
 */
static volatile unsigned long floor_sink;

static double time_check_floor_ns(const void *data, size_t len, unsigned int *types)
{
	const struct btf_header *h = data;
	const unsigned char *t = (const unsigned char *)data + h->hdr_len + h->type_off;
	const unsigned char *end = t + h->type_len;
	const unsigned char *s = (const unsigned char *)data + h->hdr_len + h->str_off;
	unsigned long seen = 0, odd = 0;
	double t0 = now_ns();

	*types = 0;
	if (h->hdr_len + h->str_off + h->str_len > len ||
	    h->hdr_len + h->type_off + h->type_len > len)
		die("floor", "sections past the blob");
	while (t + sizeof(struct btf_type) <= end) {
		const struct btf_type *bt = (const struct btf_type *)t;
		unsigned int vlen = BTF_INFO_VLEN(bt->info), step = 0, i;
		const __u32 *w;

		seen |= bt->name_off | bt->type;
		t += sizeof(*bt);
		++*types;
		switch (BTF_INFO_KIND(bt->info)) {
		case BTF_KIND_INT:
		case BTF_KIND_VAR:
		case BTF_KIND_DECL_TAG:
			t += 4;
			continue;
		case BTF_KIND_ARRAY:
			w = (const __u32 *)t;
			seen |= w[0] | w[1];
			t += 12;
			continue;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_DATASEC:
		case BTF_KIND_ENUM64:
			step = 12;
			break;
		case BTF_KIND_ENUM:
		case BTF_KIND_FUNC_PROTO:
			step = 8;
			break;
		default:
			continue;
		}
		for (i = 0; i < vlen; i++, t += step) {
			w = (const __u32 *)t;
			seen |= w[0] | w[1];
		}
	}
	for (__u32 i = 0; i + 8 <= h->str_len; i += 8) {
		unsigned long w, hi;

		memcpy(&w, s + i, 8);
		hi = w & 0x8080808080808080ul;
		odd += __builtin_popcountl(hi | (~((w & 0x7f7f7f7f7f7f7f7ful) + 0x5050505050505050ul) &
						 0x8080808080808080ul));
	}
	floor_sink = seen + odd;
	return now_ns() - t0;
}

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	void *data;

	if (!f || fstat(fileno(f), &st))
		die(path, strerror(errno));
	*len = (size_t)st.st_size;
	data = malloc(*len);
	if (!data || fread(data, 1, *len, f) != *len)
		die(path, "cannot read");
	fclose(f);
	return data;
}

/* Best of rounds for each parser, alternating them so both see the same machine load. */
static void best_parse_ns(const char *path, int rounds, bool from_mem, double *bw_best,
			  double *lb_best)
{
	size_t len = 0;
	void *data = from_mem ? read_file(path, &len) : NULL;

	*bw_best = *lb_best = 1e30;
	for (int i = 0; i < rounds; i++) {
		double bw = from_mem ? time_parse_mem_ns(data, len, false) : time_parse_ns(path, false);
		double lb = from_mem ? time_parse_mem_ns(data, len, true) : time_parse_ns(path, true);

		*bw_best = bw < *bw_best ? bw : *bw_best;
		*lb_best = lb < *lb_best ? lb : *lb_best;
	}
	free(data);
}

static volatile long lookup_sink;

static double batch_ns(const void *btf, bool libbpf, const struct lookup_name *n, long iters)
{
	double t0 = now_ns();
	long sum = 0;

	for (long i = 0; i < iters; i++)
		sum += libbpf ? libbpf_lookup(btf, n) : bw_lookup(btf, n);
	lookup_sink += sum;
	return now_ns() - t0;
}

/* Nanoseconds per lookup: batches grown to >= 20 ms, best of LOOKUP_BATCHES. */
static double lookup_ns(const void *btf, bool libbpf, const struct lookup_name *n)
{
	long iters = 1;
	double best = 1e30;

	while (batch_ns(btf, libbpf, n, iters) < LOOKUP_BATCH_NS)
		iters *= 2;
	for (int i = 0; i < LOOKUP_BATCHES; i++) {
		double t = batch_ns(btf, libbpf, n, iters) / iters;

		if (t < best)
			best = t;
	}
	return best;
}

/* ---- the table ---- */

static const char *fmt_ns(double ns, char *buf, size_t len)
{
	if (ns >= 1e6)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else if (ns >= 1e3)
		snprintf(buf, len, "%.2f us", ns / 1e3);
	else
		snprintf(buf, len, "%.1f ns", ns);
	return buf;
}

static void row(const char *what, const char *ours, const char *theirs, double ratio,
		const char *target, int met)
{
	printf("  %-44s %12s %12s %9.2fx  %-16s %s\n", what, ours, theirs, ratio, target,
	       met < 0 ? "" : met ? "met" : "NOT MET");
}

static int bench_blob(const char *label, const char *path, int rounds)
{
	struct lookup_name names[MAX_NAMES];
	size_t n = collect_names(path, names);
	struct bw_btf *bw = bw_open(path, NULL);
	struct btf *lb = libbpf_open(path);
	double bw_parse, lb_parse, bw_worst = 0, lb_worst = 0;
	struct mem_result none, bw_mem, lb_mem;
	char a[32], b[32], what[160];
	struct stat st;
	int unmet = 0, met;

	stat(path, &st);
	printf("%s: %s, %lld bytes, %u types\n", label, path, (long long)st.st_size,
	       btf__type_cnt(lb) - 1);
	printf("  %-44s %12s %12s %10s  %-16s %s\n", "", "btfwalk", "libbpf", "ratio", "target",
	       "");

	best_parse_ns(path, rounds, false, &bw_parse, &lb_parse);
	met = lb_parse / bw_parse >= 1.0; /* strict validation at libbpf's pace (issue 13) */
	unmet += !met;
	snprintf(what, sizeof(what), "parse file (best of %d)", rounds);
	row(what, fmt_ns(bw_parse, a, sizeof(a)), fmt_ns(lb_parse, b, sizeof(b)),
	    lb_parse / bw_parse, "libbpf/bw >= 1", met);
	{
		double touch = 1e30;

		for (int i = 0; i < rounds; i++) {
			double t = time_touch_ns(path);

			touch = t < touch ? t : touch;
		}
		row("  floor: map file, read each cache line", fmt_ns(touch, a, sizeof(a)),
		    fmt_ns(lb_parse, b, sizeof(b)), lb_parse / touch, "", -1);
	}
	best_parse_ns(path, rounds, true, &bw_parse, &lb_parse);
	snprintf(what, sizeof(what), "  same from memory (open_mem, btf__new)");
	row(what, fmt_ns(bw_parse, a, sizeof(a)), fmt_ns(lb_parse, b, sizeof(b)),
	    lb_parse / bw_parse, "", -1);
	{
		size_t len;
		void *data = read_file(path, &len);
		double floor = 1e30;
		unsigned int types = 0;

		for (int i = 0; i < rounds; i++) {
			double t = time_check_floor_ns(data, len, &types);

			floor = t < floor ? t : floor;
		}
		free(data);
		if (types != btf__type_cnt(lb) - 1)
			die("floor", "stepped over a different number of records than libbpf");
		row("  floor: read what the rules read, no rules", fmt_ns(floor, a, sizeof(a)),
		    fmt_ns(lb_parse, b, sizeof(b)), lb_parse / floor, "", -1);
	}

	for (size_t i = 0; i < n; i++) {
		long bw_id = bw_lookup(bw, &names[i]), lb_id = libbpf_lookup(lb, &names[i]);
		double bw_t = lookup_ns(bw, false, &names[i]);
		double lb_t = lookup_ns(lb, true, &names[i]);

		if (bw_id != lb_id) {
			printf("  MISMATCH: %s kind %d: btfwalk id %ld, libbpf id %ld\n",
			       names[i].name, names[i].kind, bw_id, lb_id);
			unmet++;
		}
		bw_worst = bw_t > bw_worst ? bw_t : bw_worst;
		lb_worst = lb_t > lb_worst ? lb_t : lb_worst;
		snprintf(what, sizeof(what), "lookup %.64s%s (id %ld)", names[i].name,
			 i == n - 1 ? " [last]" : "", lb_id);
		row(what, fmt_ns(bw_t, a, sizeof(a)), fmt_ns(lb_t, b, sizeof(b)), lb_t / bw_t, "",
		    -1);
	}
	/* Target: every btfwalk lookup, the slowest included, 100x faster than libbpf's slowest. */
	met = lb_worst / bw_worst >= 100.0;
	unmet += !met;
	row("lookup: bw slowest vs libbpf slowest", fmt_ns(bw_worst, a, sizeof(a)),
	    fmt_ns(lb_worst, b, sizeof(b)), lb_worst / bw_worst, "libbpf/bw >= 100", met);
	bw_btf_close(bw);
	btf__free(lb);

	none = measure_mem("none", path, names, n);
	bw_mem = measure_mem("btfwalk", path, names, n);
	bw_mem.heap = measure_mem("btfwalk-heap", path, names, 0).heap;
	lb_mem = measure_mem("libbpf", path, names, n);
	met = bw_mem.rss_kib - none.rss_kib <= lb_mem.rss_kib - none.rss_kib;
	unmet += !met;
	snprintf(a, sizeof(a), "%ld KiB", bw_mem.rss_kib - none.rss_kib);
	snprintf(b, sizeof(b), "%ld KiB", lb_mem.rss_kib - none.rss_kib);
	row("peak RSS growth (parse+lookups)", a, b,
	    (double)(bw_mem.rss_kib - none.rss_kib) / (double)(lb_mem.rss_kib - none.rss_kib),
	    "bw/libbpf <= 1", met);
	snprintf(a, sizeof(a), "%zu KiB", bw_mem.heap / 1024);
	snprintf(b, sizeof(b), "%zu KiB", lb_mem.heap / 1024);
	row("heap (bw: peak; libbpf: in use)", a, b, (double)bw_mem.heap / (double)lb_mem.heap, "",
	    -1);
	printf("\n");
	return unmet;
}

int main(int argc, char **argv)
{
	int rounds = 10, unmet = 0, i = 1;

	if (argc >= 4 && !strcmp(argv[1], "--mem"))
		return mem_child(argv[2], argv[3], argc - 4, argv + 4);
	if (argc > 2 && !strcmp(argv[1], "-n")) {
		rounds = atoi(argv[2]);
		i = 3;
	}
	if (i >= argc || rounds < 1) {
		fprintf(stderr, "usage: bench [-n ROUNDS] LABEL=FILE...\n");
		return 2;
	}
	/*
	 * Fixed mmap and trim thresholds for the timed rounds: glibc's own move up with the size of
	 * the last big block freed, so one parser's frees would decide whether the other's big
	 * buffers come warm from the heap or as fresh pages (a page fault each 4 KiB). Fixed, every
	 * round of both gets heap memory kept from the round before, as in a process that parses
	 * again and again.
	 */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	for (; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq)
			die(argv[i], "expected LABEL=FILE");
		*eq = '\0';
		unmet += bench_blob(argv[i], eq + 1, rounds);
	}
	printf("targets not met: %d\n", unmet);
	return 0;
}
