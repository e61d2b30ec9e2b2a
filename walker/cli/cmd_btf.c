/* SPDX-License-Identifier: MIT */
/* btfwalk btf {dump, offsetof, sizeof}: the BTF reader on the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "btfwalk.h"
#include "cli.h"

#define CMD_BTF_DEFAULT_FILE "/sys/kernel/btf/vmlinux"

struct cmd_btf_opts {
	const char *file;
	const char *base;
	int json;
	int nargs;
	char **args;
};

/* A BTF opened from a path, or from stdin ("-"). */
struct cmd_btf_src {
	struct bw_btf *btf;
};

static void cmd_btf_usage(void)
{
	fputs("usage: btfwalk btf dump [--base FILE] [FILE]\n"
	      "       btfwalk btf offsetof [--btf FILE] [--base FILE] [--json] TYPE MEMBER_PATH\n"
	      "       btfwalk btf sizeof [--btf FILE] [--base FILE] [--json] TYPE\n"
	      "FILE defaults to " CMD_BTF_DEFAULT_FILE "; '-' reads stdin. TYPE is 'struct NAME',\n"
	      "'union NAME', 'enum NAME' or a bare NAME.\n",
	      stderr);
}

static int cmd_btf_open(const char *path, const struct bw_btf *base, struct cmd_btf_src *src)
{
	struct bw_btf_opts opts = {.base = base};
	struct bw_error err = {0};
	int ret;

	src->btf = NULL;
	/* stdin is a stream like any other: the library reads it with the cap applied as it goes. */
	if (!strcmp(path, "-"))
		path = "/dev/stdin";
	ret = bw_btf_open_file(path, &opts, &src->btf, &err);
	if (ret) {
		/* File errors name the path already; format errors do not. */
		if (strncmp(err.msg, path, strlen(path)))
			fprintf(stderr, "btfwalk: %s: %s\n", path, err.msg);
		else
			fprintf(stderr, "btfwalk: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static void cmd_btf_close(struct cmd_btf_src *src)
{
	bw_btf_close(src->btf);
}

/* Open the base (if any) and the BTF; returns 0 or prints an error and returns -1. */
static int cmd_btf_open_all(const struct cmd_btf_opts *o, struct cmd_btf_src *base,
			    struct cmd_btf_src *btf)
{
	base->btf = NULL;
	if (o->base && cmd_btf_open(o->base, NULL, base))
		return -1;
	if (cmd_btf_open(o->file, base->btf, btf)) {
		cmd_btf_close(base);
		return -1;
	}
	return 0;
}

static int cmd_btf_parse(int argc, char **argv, bool dump, struct cmd_btf_opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->file = CMD_BTF_DEFAULT_FILE;
	o->args = calloc((size_t)argc + 1, sizeof(*o->args));
	if (!o->args)
		return -1;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && !dump) {
			o->json = 1;
		} else if ((!strcmp(argv[i], "--btf") && !dump) || !strcmp(argv[i], "--base")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "btfwalk: %s needs a FILE\n", argv[i]);
				return -1;
			}
			if (!strcmp(argv[i], "--base"))
				o->base = argv[++i];
			else
				o->file = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			fprintf(stderr, "btfwalk: unknown option '%s'\n", argv[i]);
			return -1;
		} else {
			o->args[o->nargs++] = argv[i];
		}
	}
	return 0;
}

static int cmd_btf_write_stdout(void *ctx, const char *text, size_t len)
{
	return fwrite(text, 1, len, ctx) == len ? 0 : -1;
}

static int cmd_btf_dump(struct cmd_btf_opts *o)
{
	struct cmd_btf_src base, btf;
	struct bw_error err = {0};
	int ret;

	if (o->nargs > 1) {
		cmd_btf_usage();
		return 2;
	}
	if (o->nargs == 1)
		o->file = o->args[0];
	if (cmd_btf_open_all(o, &base, &btf))
		return 1;
	ret = bw_btf_dump_raw(btf.btf, cmd_btf_write_stdout, stdout, &err);
	if (ret)
		fprintf(stderr, "btfwalk: %s\n", err.msg);
	else if (fflush(stdout))
		fprintf(stderr, "btfwalk: write to stdout failed\n");
	cmd_btf_close(&btf);
	cmd_btf_close(&base);
	return ret || ferror(stdout) ? 1 : 0;
}

/*
 * TYPE from the arguments: "struct X" as one word or two, "union X", "enum X" (ENUM or
 * ENUM64), or a bare name (struct, union, typedef, enum, int, float, then any kind). Consumes
 * the words it used from o->args.
 */
static int cmd_btf_find_type(const struct bw_btf *btf, struct cmd_btf_opts *o, char *label,
			     size_t label_len, uint32_t *id)
{
	static const int bare[] = {BW_KIND_STRUCT, BW_KIND_UNION, BW_KIND_TYPEDEF, BW_KIND_ENUM,
				   BW_KIND_ENUM64, BW_KIND_INT,	  BW_KIND_FLOAT,   BW_KIND_UNKN};
	static const int kinds_struct[] = {BW_KIND_STRUCT, -1};
	static const int kinds_union[] = {BW_KIND_UNION, -1};
	static const int kinds_enum[] = {BW_KIND_ENUM, BW_KIND_ENUM64, -1};
	const int *kinds = bare;
	const char *word = o->args[0], *name = word;
	size_t i, used = 1, n = sizeof(bare) / sizeof(bare[0]);

	if (!strncmp(word, "struct ", 7) || !strcmp(word, "struct"))
		kinds = kinds_struct;
	else if (!strncmp(word, "union ", 6) || !strcmp(word, "union"))
		kinds = kinds_union;
	else if (!strncmp(word, "enum ", 5) || !strcmp(word, "enum"))
		kinds = kinds_enum;
	if (kinds != bare) {
		name = strchr(word, ' ');
		if (name) {
			name++;
		} else if (o->nargs > 1) {
			name = o->args[1];
			used = 2;
		} else {
			fprintf(stderr, "btfwalk: '%s' needs a name\n", word);
			return -1;
		}
		for (n = 0; kinds[n] >= 0; n++)
			;
	}
	if (used == 2)
		snprintf(label, label_len, "%s %s", word, name);
	else
		snprintf(label, label_len, "%s", word);
	for (i = 0; i < n; i++) {
		if (!bw_btf_find(btf, name, kinds[i], id, NULL)) {
			o->args += used;
			o->nargs -= (int)used;
			return 0;
		}
	}
	fprintf(stderr, "btfwalk: no type '%s' in the BTF\n", label);
	return -1;
}

static int cmd_btf_query(struct cmd_btf_opts *o, bool offsetof_cmd)
{
	struct cmd_btf_src base, btf;
	struct bw_error err = {0};
	struct bw_member_loc loc;
	char label[600];
	uint64_t size = 0;
	uint32_t id;
	int ret = 1;

	if (o->nargs < 1) {
		cmd_btf_usage();
		return 2;
	}
	if (cmd_btf_open_all(o, &base, &btf))
		return 1;
	if (cmd_btf_find_type(btf.btf, o, label, sizeof(label), &id))
		goto out;
	if (o->nargs != (offsetof_cmd ? 1 : 0)) {
		cmd_btf_usage();
		ret = 2;
		goto out;
	}
	if (offsetof_cmd ? bw_btf_path(btf.btf, id, o->args[0], &loc, &err)
			 : bw_btf_sizeof(btf.btf, id, &size, &err)) {
		fprintf(stderr, "btfwalk: %s\n", err.msg);
		goto out;
	}
	ret = 0;
	if (o->json) {
		printf("{\"type\":");
		cli_json_string(label);
		printf(",\"type_id\":%u", id);
		if (offsetof_cmd) {
			printf(",\"path\":");
			cli_json_string(o->args[0]);
			printf(",\"offset\":%llu,\"bit_offset\":%llu,\"bitfield_size\":%u,"
			       "\"member_type_id\":%u}\n",
			       (unsigned long long)loc.byte_offset,
			       (unsigned long long)loc.bit_offset, loc.bitfield_size, loc.type);
		} else {
			printf(",\"size\":%llu}\n", (unsigned long long)size);
		}
	} else if (!offsetof_cmd) {
		printf("%llu\n", (unsigned long long)size);
	} else if (loc.bitfield_size) {
		printf("%llu bit_offset=%llu bitfield_size=%u\n",
		       (unsigned long long)loc.byte_offset, (unsigned long long)loc.bit_offset,
		       loc.bitfield_size);
	} else {
		printf("%llu\n", (unsigned long long)loc.byte_offset);
	}
out:
	cmd_btf_close(&btf);
	cmd_btf_close(&base);
	return ret;
}

int cli_btf(int argc, char **argv)
{
	struct cmd_btf_opts o;
	char **args;
	int ret;

	if (argc < 2) {
		cmd_btf_usage();
		return 2;
	}
	if (cmd_btf_parse(argc - 1, argv + 1, !strcmp(argv[1], "dump"), &o)) {
		free(o.args);
		return 2;
	}
	args = o.args;
	if (!strcmp(argv[1], "dump")) {
		ret = cmd_btf_dump(&o);
	} else if (!strcmp(argv[1], "offsetof") || !strcmp(argv[1], "sizeof")) {
		ret = cmd_btf_query(&o, !strcmp(argv[1], "offsetof"));
	} else {
		fprintf(stderr, "btfwalk: unknown btf command '%s'\n", argv[1]);
		cmd_btf_usage();
		ret = 2;
	}
	free(args);
	return ret;
}

#undef CMD_BTF_DEFAULT_FILE
