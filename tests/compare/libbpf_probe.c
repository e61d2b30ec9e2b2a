/* SPDX-License-Identifier: MIT */
/*
 * libbpf_probe FILE [BASE]: what a libbpf user does with a BTF blob: btf__parse (raw or ELF;
 * btf__parse_split on BASE), then for every type its name, btf__align_of,
 * btf__resolve_size and btf__find_by_name_kind. Prints "accepted N" or "rejected: why".
 * For tests/compare/libbpf-malformed.sh only; not part of btfwalk.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>

int main(int argc, char **argv)
{
	struct btf *base = NULL, *btf;
	unsigned int n, id;
	long sum = 0;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: libbpf_probe FILE [BASE]\n");
		return 2;
	}
	if (argc == 3) {
		base = btf__parse(argv[2], NULL);
		if (!base) {
			printf("base rejected: %s\n", strerror(errno));
			return 2;
		}
	}
	btf = base ? btf__parse_split(argv[1], base) : btf__parse(argv[1], NULL);
	if (!btf) {
		printf("rejected: %s\n", strerror(errno));
		return 1;
	}
	n = btf__type_cnt(btf);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = t ? btf__name_by_offset(btf, t->name_off) : NULL;

		sum += btf__align_of(btf, id);
		sum += btf__resolve_size(btf, id);
		if (name && *name)
			sum += btf__find_by_name_kind(btf, name, btf_kind(t));
	}
	printf("accepted %u types (%ld)\n", n - 1, sum);
	btf__free(btf);
	btf__free(base);
	return 0;
}
