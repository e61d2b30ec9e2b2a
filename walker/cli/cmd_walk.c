/* SPDX-License-Identifier: MIT */
/*
 * btfwalk info | read | numa and the other built-in walks (walk_verbs below): open the dump
 * files, find the kernel, and print its layout, the values of path expressions, or a walk.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "btfwalk.h"
#include "cli.h"

#define WALK_MAX_ARGS 256

struct walk_args {
	const char *verb;
	struct bw_kernel_opts opts;
	bool json;
	const char *dumps[WALK_MAX_ARGS];
	size_t ndumps;
	const char *exprs[WALK_MAX_ARGS];
	size_t nexprs;
};

static int walk_usage(const char *verb)
{
	if (!strcmp(verb, "read"))
		fprintf(stderr, "usage: btfwalk read [--btf FILE] [--symbols FILE] [--cr3 ADDR] "
				"[--no-crosscheck] [--json] DUMP... [--] EXPR...\n");
	else
		fprintf(stderr,
			"usage: btfwalk %s [--btf FILE] [--symbols FILE] [--cr3 ADDR] "
			"[--no-crosscheck]%s DUMP...\n",
			verb, strcmp(verb, "info") ? " [--json]" : "");
	return 2;
}

static bool walk_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* PATH, or PATH@PHYSADDR where PATH is a file: a dump, not an expression. */
static bool walk_is_dump(const char *arg)
{
	const char *at = strrchr(arg, '@');
	char path[4096];

	if (walk_is_file(arg))
		return true;
	if (!at || (size_t)(at - arg) >= sizeof(path))
		return false;
	memcpy(path, arg, (size_t)(at - arg));
	path[at - arg] = '\0';
	return walk_is_file(path);
}

static int walk_parse(int argc, char **argv, struct walk_args *a)
{
	bool after_dashes = false;
	int i;

	a->verb = argv[0];
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		bool has_value = i + 1 < argc;

		if (!after_dashes && !strcmp(arg, "--")) {
			after_dashes = true;
		} else if (!after_dashes && !strcmp(arg, "--btf") && has_value) {
			a->opts.btf_path = argv[++i];
		} else if (!after_dashes && !strcmp(arg, "--symbols") && has_value) {
			a->opts.symbols_path = argv[++i];
		} else if (!after_dashes && !strcmp(arg, "--cr3") && has_value) {
			char *end;

			a->opts.cr3 = strtoull(argv[++i], &end, 0);
			if (*end || !a->opts.cr3) {
				fprintf(stderr, "btfwalk %s: bad --cr3 '%s'\n", a->verb, argv[i]);
				return 2;
			}
		} else if (!after_dashes && !strcmp(arg, "--no-crosscheck")) {
			a->opts.no_crosscheck = true;
		} else if (!after_dashes && !strcmp(arg, "--json") && strcmp(a->verb, "info")) {
			a->json = true;
		} else if (!after_dashes && arg[0] == '-' && arg[1]) {
			fprintf(stderr, "btfwalk %s: unknown option '%s'\n", a->verb, arg);
			return walk_usage(a->verb);
		} else if (strcmp(a->verb, "read") ||
			   (!after_dashes && !a->nexprs && walk_is_dump(arg))) {
			if (a->ndumps == WALK_MAX_ARGS)
				return walk_usage(a->verb);
			a->dumps[a->ndumps++] = arg;
		} else {
			if (a->nexprs == WALK_MAX_ARGS)
				return walk_usage(a->verb);
			a->exprs[a->nexprs++] = arg;
		}
	}
	if (!a->ndumps) {
		fprintf(stderr, "btfwalk %s: no dump file given\n", a->verb);
		return walk_usage(a->verb);
	}
	if (!strcmp(a->verb, "read") && !a->nexprs) {
		fprintf(stderr, "btfwalk read: no expression given\n");
		return walk_usage(a->verb);
	}
	return 0;
}

static int walk_write_stdout(void *ctx, const char *text, size_t len)
{
	(void)ctx;
	return fwrite(text, 1, len, stdout) == len ? 0 : 1;
}

static int walk_info(const struct bw_mem *mem, const struct bw_kernel *k)
{
	struct bw_kernel_info info;
	struct bw_mem_range ranges[64];
	struct bw_numa_stats *st;
	struct bw_error err;
	size_t n, i;

	bw_kernel_get_info(k, &info);
	printf("release:          %s\n", info.release);
	if (info.build_id)
		printf("build-id:         %s\n", info.build_id);
	printf("kaslr offset:     0x%llx\n", (unsigned long long)info.kaslr_offset);
	printf("phys_base:        0x%llx\n", (unsigned long long)info.phys_base);
	if (info.page_offset_base)
		printf("page_offset_base: 0x%llx\n", (unsigned long long)info.page_offset_base);
	else
		printf("page_offset_base: unknown\n");
	printf("paging:           %d-level, root at phys 0x%llx\n", info.paging_levels,
	       (unsigned long long)info.pgtable_root);
	n = bw_mem_ranges(mem, ranges, 64);
	printf("memory:          ");
	for (i = 0; i < n && i < 64; i++)
		printf(" 0x%llx-0x%llx", (unsigned long long)ranges[i].start,
		       (unsigned long long)(ranges[i].start + ranges[i].size - 1));
	printf("\n");
	if (info.nr_cpus)
		printf("cpus:             %u possible, %u online\n", info.nr_cpus,
		       info.nr_online_cpus);
	else
		printf("cpus:             unknown (no __per_cpu_offset/nr_cpu_ids symbols)\n");
	if (!bw_kernel_numa_stats(k, &st, &err)) {
		printf("nodes:            %u online:", st->nr_nodes);
		for (i = 0; i < st->nr_nodes; i++)
			printf(" %u", st->nodes[i].node);
		printf("\n");
		bw_kernel_numa_stats_free(k, st);
	} else {
		printf("nodes:            unknown (%s)\n", err.msg);
	}
	if (info.vmcoreinfo_paddr)
		printf("vmcoreinfo:       %s at phys 0x%llx\n", info.vmcoreinfo_source,
		       (unsigned long long)info.vmcoreinfo_paddr);
	else
		printf("vmcoreinfo:       %s\n", info.vmcoreinfo_source);
	printf("btf:              %s\n", info.btf_source);
	printf("symbols:          %s\n", info.symbols_source);
	return 0;
}

static int walk_numa(const struct bw_kernel *k, const char *verb, bool json)
{
	struct bw_kernel_info info;
	struct bw_numa_stats *st;
	struct bw_error err;
	uint32_t n, i;

	if (bw_kernel_numa_stats(k, &st, &err)) {
		fprintf(stderr, "btfwalk %s: %s\n", verb, err.msg);
		return 1;
	}
	bw_kernel_get_info(k, &info);
	if (json) {
		printf("{\"release\": ");
		cli_json_string(info.release);
		printf(", \"nodes\": [");
		for (n = 0; n < st->nr_nodes; n++) {
			printf("%s{\"node\": %u", n ? ", " : "", st->nodes[n].node);
			for (i = 0; i < st->nr_items; i++) {
				printf(", ");
				cli_json_string(st->sysfs_name[i]);
				printf(": %llu", (unsigned long long)st->nodes[n].value[i]);
			}
			printf("}");
		}
		printf("]}\n");
	} else {
		printf("%-20s %-16s", "counter", "sysfs");
		for (n = 0; n < st->nr_nodes; n++) {
			char head[16];

			snprintf(head, sizeof(head), "node%u", st->nodes[n].node);
			printf(" %18s", head);
		}
		printf("\n");
		for (i = 0; i < st->nr_items; i++) {
			printf("%-20s %-16s", st->enum_name[i], st->sysfs_name[i]);
			for (n = 0; n < st->nr_nodes; n++)
				printf(" %18llu", (unsigned long long)st->nodes[n].value[i]);
			printf("\n");
		}
	}
	bw_kernel_numa_stats_free(k, st);
	return 0;
}

/* Printed text of one value, for --json. */
struct walk_text {
	char *buf;
	size_t len, cap;
	bool oom;
};

static int walk_write_text(void *ctx, const char *text, size_t len)
{
	struct walk_text *t = ctx;

	if (t->len + len + 1 > t->cap) {
		size_t cap = (t->len + len + 1) * 2;
		char *n = realloc(t->buf, cap);

		if (!n) {
			t->oom = true;
			return 1;
		}
		t->buf = n;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, text, len);
	t->len += len;
	t->buf[t->len] = '\0';
	return 0;
}

struct walk_read_ctx {
	const struct bw_kernel *k;
	const struct walk_args *a;
	const char *expr;
	uint64_t values, failed;
	bool out_failed;
};

static const char *const walk_fanout_names[] = {
	[BW_FANOUT_CPU] = "cpu",       [BW_FANOUT_LIST] = "list",     [BW_FANOUT_HLIST] = "hlist",
	[BW_FANOUT_RBTREE] = "rbtree", [BW_FANOUT_XARRAY] = "xarray", [BW_FANOUT_IDR] = "idr",
};

static void walk_read_json(struct walk_read_ctx *r, const struct bw_value_label *label,
			   const char *label_text, const char *key, const char *text)
{
	uint32_t i;

	printf("{\"expr\": ");
	cli_json_string(r->expr);
	printf(", \"label\": ");
	cli_json_string(label_text);
	printf(", \"path\": [");
	for (i = 0; i < label->depth; i++) {
		int kind = label->level[i].kind;

		printf("%s{\"kind\": \"%s\", \"index\": %llu, \"addr\": \"0x%llx\"}", i ? ", " : "",
		       kind >= BW_FANOUT_CPU && kind <= BW_FANOUT_IDR ? walk_fanout_names[kind]
								      : "?",
		       (unsigned long long)label->level[i].index,
		       (unsigned long long)label->level[i].addr);
	}
	printf("], \"%s\": ", key);
	cli_json_string(text);
	printf("}\n");
}

static int walk_read_value(void *ctx, const struct bw_value_label *label, const struct bw_value *v,
			   const struct bw_error *elem_err)
{
	struct walk_read_ctx *r = ctx;
	struct walk_text t = {0};
	struct bw_error err;
	char where[160];
	int ret = 0;

	bw_kernel_label_format(label, where, sizeof(where));
	r->values++;
	if (elem_err) {
		r->failed++;
		err = *elem_err;
		ret = -1;
	} else if (r->a->json) {
		ret = bw_kernel_value_print(r->k, v, walk_write_text, &t, &err);
		if (t.oom) {
			snprintf(err.msg, sizeof(err.msg), "out of memory printing the value");
			ret = -1;
		}
		if (ret)
			r->failed++;
	}
	if (r->a->json) {
		walk_read_json(r, label, where, ret ? "error" : "value",
			       ret     ? err.msg
			       : t.buf ? t.buf
				       : "");
		free(t.buf);
		return ferror(stdout);
	}
	if (r->a->nexprs > 1)
		printf(label->depth ? "%s %s: " : "%s = ", r->expr, where);
	else if (label->depth)
		printf("%s: ", where);
	if (!ret && bw_kernel_value_print(r->k, v, walk_write_stdout, NULL, &err)) {
		r->failed++;
		ret = -1;
	}
	if (ret)
		printf("<error: %s>", err.msg);
	printf("\n");
	return ferror(stdout);
}

static int walk_read(const struct bw_kernel *k, const struct walk_args *a)
{
	struct walk_read_ctx r = {.k = k, .a = a};
	struct bw_error err;
	size_t i;

	for (i = 0; i < a->nexprs; i++) {
		r.expr = a->exprs[i];
		r.values = r.failed = 0;
		if (bw_kernel_eval_each(k, a->exprs[i], walk_read_value, &r, &err)) {
			fflush(stdout);
			fprintf(stderr, "btfwalk read: %s\n", err.msg);
			return 1;
		}
		if (r.failed) {
			fflush(stdout);
			fprintf(stderr, "btfwalk read: %s: %llu of %llu values unreadable\n",
				a->exprs[i], (unsigned long long)r.failed,
				(unsigned long long)r.values);
			r.out_failed = true;
		}
	}
	return r.out_failed;
}

/* The built-in walks: each verb prints its walk of the opened kernel (cmd_*.c). */
static const struct walk_verb {
	const char *name;
	int (*print)(const struct bw_kernel *k, const char *verb, bool json);
} walk_verbs[] = {
	{"numa", walk_numa},	  {"stat", cli_sched},	   {"softirqs", cli_sched},
	{"schedstat", cli_sched}, {"pressure", cli_sched}, {"domains", cli_domains},
	{"scx", cli_scx},
};

static const struct walk_verb *walk_verb_find(const char *verb)
{
	for (size_t i = 0; i < sizeof(walk_verbs) / sizeof(walk_verbs[0]); i++)
		if (!strcmp(walk_verbs[i].name, verb))
			return &walk_verbs[i];
	return NULL;
}

bool cli_walk_verb(const char *verb)
{
	return !strcmp(verb, "info") || !strcmp(verb, "read") || walk_verb_find(verb);
}

int cli_walk(int argc, char **argv)
{
	struct walk_args a;
	struct bw_error err;
	struct bw_mem *mem;
	struct bw_kernel *k;
	const struct walk_verb *walk;
	int ret;

	memset(&a, 0, sizeof(a));
	ret = walk_parse(argc, argv, &a);
	if (ret)
		return ret;
	walk = walk_verb_find(a.verb);
	if (bw_mem_open(a.dumps, a.ndumps, NULL, &mem, &err)) {
		fprintf(stderr, "btfwalk %s: %s\n", a.verb, err.msg);
		return 1;
	}
	if (bw_kernel_open(mem, &a.opts, &k, &err)) {
		fprintf(stderr, "btfwalk %s: %s\n", a.verb, err.msg);
		bw_mem_close(mem);
		return 1;
	}
	if (!strcmp(a.verb, "info"))
		ret = walk_info(mem, k);
	else if (walk)
		ret = walk->print(k, a.verb, a.json);
	else
		ret = walk_read(k, &a);
	bw_kernel_close(k);
	bw_mem_close(mem);
	if (fflush(stdout)) {
		fprintf(stderr, "btfwalk %s: error writing output\n", a.verb);
		ret = 1;
	}
	return ret;
}

#undef WALK_MAX_ARGS
