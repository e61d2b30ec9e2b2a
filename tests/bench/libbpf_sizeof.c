// SPDX-License-Identifier: MIT
/*
 * The libbpf side of make bench's whole-process sizeof row: what `btfwalk btf sizeof --btf FILE
 * TYPE` does, with libbpf 1.1: parse the raw BTF file, find the struct by name, resolve its size,
 * print it. Also the floor program (--floor): read the file into memory and touch every byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <linux/btf.h>

static int floor_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	static char buf[1 << 16];
	unsigned sum = 0;
	size_t n, i;

	if (!f)
		return 1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		for (i = 0; i < n; i += 64)
			sum += (unsigned char)buf[i];
	fclose(f);
	printf("%u\n", sum & 1);
	return 0;
}

int main(int argc, char **argv)
{
	struct btf *btf;
	__s32 id;
	__s64 size;

	if (argc == 3 && !strcmp(argv[1], "--floor"))
		return floor_read(argv[2]);
	if (argc != 3) {
		fprintf(stderr, "usage: libbpf_sizeof FILE TYPE | --floor FILE\n");
		return 2;
	}
	btf = btf__parse_raw(argv[1]);
	if (!btf) {
		fprintf(stderr, "libbpf_sizeof: cannot parse %s\n", argv[1]);
		return 1;
	}
	id = btf__find_by_name_kind(btf, argv[2], BTF_KIND_STRUCT);
	size = id > 0 ? btf__resolve_size(btf, id) : -1;
	if (size < 0) {
		fprintf(stderr, "libbpf_sizeof: no struct %s\n", argv[2]);
		return 1;
	}
	printf("%lld\n", (long long)size);
	btf__free(btf);
	return 0;
}
