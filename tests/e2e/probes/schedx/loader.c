// SPDX-License-Identifier: MIT
/*
 * schedx_load OBJ: load the sched_ext scheduler in OBJ (a BPF object with one struct_ops map),
 * attach it, print "schedx_load: attached NAME", and keep it attached until killed. On failure:
 * "schedx_load: STEP: ERROR" and exit status 1. libbpf's own messages go to stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

static int fail(const char *step, int err)
{
	printf("schedx_load: %s: %s (%d)\n", step, strerror(err < 0 ? -err : err), err);
	return 1;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_map *map;
	struct bpf_link *link;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: schedx_load OBJ\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	obj = bpf_object__open_file(argv[1], NULL);
	err = libbpf_get_error(obj);
	if (err)
		return fail("open", err);
	err = bpf_object__load(obj);
	if (err)
		return fail("load", err);
	map = bpf_object__next_map(obj, NULL);
	if (!map)
		return fail("no struct_ops map", -ENOENT);
	link = bpf_map__attach_struct_ops(map);
	err = libbpf_get_error(link);
	if (err)
		return fail("attach", err);
	printf("schedx_load: attached %s\n", bpf_map__name(map));
	for (;;)
		pause();
}
