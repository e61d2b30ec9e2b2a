/* SPDX-License-Identifier: MIT */
/*
 * Before any walk: the BTF must describe the dumped kernel. VMCOREINFO's OFFSET(), SIZE() and
 * LENGTH() entries were computed by the kernel's compiler; the BTF must give the same numbers,
 * and init_uts_ns.name.release read through the BTF must be VMCOREINFO's OSRELEASE.
 */
#include <string.h>
#include "internal.h"
#include "kernel/kernel_impl.h"

#define KCHECK_MAX_SAME_NAME 8
#define KCHECK_MAX_NAME 256 /* "struct.member" of one OFFSET(...) key */
#define KCHECK_RELEASE_MAX 65 /* __NEW_UTS_LEN + 1 */

struct kcheck_ctx {
	const struct bw_kernel *k;
	struct bw_error *err;
	int ret;
	uint32_t compared;
};

enum kcheck_what { KCHECK_OFFSET, KCHECK_SIZE, KCHECK_LENGTH };

/* What the BTF type id says for the key's member path (NULL: the type itself). */
static int kcheck_btf_value(const struct bw_btf *btf, uint32_t id, const char *path,
			    enum kcheck_what what, uint64_t *out)
{
	struct bw_member_loc loc;
	struct bw_array arr;
	uint32_t rid;

	if (what == KCHECK_SIZE)
		return path ? -1 : bw_btf_sizeof(btf, id, out, NULL);
	if (!path || bw_btf_path(btf, id, path, &loc, NULL))
		return -1;
	if (what == KCHECK_OFFSET) {
		if (loc.bitfield_size)
			return -1;
		*out = loc.byte_offset;
		return 0;
	}
	if (bw_btf_resolve(btf, loc.type, &rid, NULL) || bw_btf_array(btf, rid, &arr, NULL))
		return -1;
	*out = arr.nelems;
	return 0;
}

static bool kcheck_is_type(const struct bw_btf *btf, uint32_t id)
{
	struct bw_type t;

	if (bw_btf_type(btf, id, &t, NULL))
		return false;
	return t.kind == BW_KIND_STRUCT || t.kind == BW_KIND_UNION || t.kind == BW_KIND_TYPEDEF;
}

static int kcheck_decimal(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || bw_mul_overflow(v, 10, &v) ||
		    bw_add_overflow(v, (uint64_t)(*s - '0'), &v))
			return -1;
	}
	*out = v;
	return 0;
}

static int kcheck_one(void *arg, const char *key, const char *value)
{
	const char *full_key = key;
	struct kcheck_ctx *c = arg;
	static const char *const prefixes[] = {"OFFSET(", "SIZE(", "LENGTH("};
	char name[KCHECK_MAX_NAME], *path;
	uint32_t ids[KCHECK_MAX_SAME_NAME];
	size_t w, n, i, len;
	uint64_t want, got = 0;
	bool any = false;

	for (w = 0; w < 3; w++)
		if (!strncmp(key, prefixes[w], strlen(prefixes[w])))
			break;
	if (w == 3)
		return 0;
	key += strlen(prefixes[w]);
	len = strlen(key);
	if (len < 2 || len >= sizeof(name) || key[len - 1] != ')')
		return 0;
	memcpy(name, key, len - 1);
	name[len - 1] = '\0';
	path = strchr(name, '.');
	if (path)
		*path++ = '\0';
	if (w == KCHECK_LENGTH && !path)
		return 0; /* the length of a variable's array: no BTF type to compare */
	if (kcheck_decimal(value, &want))
		return 0;
	n = bw_btf_find_all(c->k->btf, name, ids, KCHECK_MAX_SAME_NAME);
	if (n > KCHECK_MAX_SAME_NAME)
		n = KCHECK_MAX_SAME_NAME;
	for (i = 0; i < n; i++) {
		uint64_t v;

		if (!kcheck_is_type(c->k->btf, ids[i]) ||
		    kcheck_btf_value(c->k->btf, ids[i], path, (enum kcheck_what)w, &v))
			continue;
		if (v == want) {
			c->compared++;
			return 0;
		}
		got = v;
		any = true;
	}
	if (!any)
		return 0; /* a name this BTF does not know: nothing to compare */
	c->ret = bw_fail(c->err, BW_EMISMATCH,
			 "BTF does not match the dumped kernel: VMCOREINFO %s=%llu but the BTF "
			 "gives %llu",
			 full_key, (unsigned long long)want, (unsigned long long)got);
	return 1;
}

static int kcheck_release(const struct bw_kernel *k, struct bw_error *err)
{
	char release[KCHECK_RELEASE_MAX + 1];
	struct bw_member_loc loc;
	uint64_t addr, size;
	uint32_t id;
	int ret;

	ret = bw_kernel_symbol(k, "init_uts_ns", &addr, err);
	if (ret)
		return ret;
	if (bw_kernel_type_named(k, "uts_namespace", BW_KIND_STRUCT, &id, NULL) ||
	    bw_btf_path(k->btf, id, "name.release", &loc, NULL) ||
	    bw_btf_sizeof(k->btf, loc.type, &size, NULL))
		return bw_fail(err, BW_EMISMATCH,
			       "BTF does not describe the kernel: no uts_namespace.name.release");
	if (size > KCHECK_RELEASE_MAX)
		size = KCHECK_RELEASE_MAX;
	memset(release, 0, sizeof(release));
	ret = bw_kernel_read(k, addr + loc.byte_offset, release, (size_t)size, err);
	if (ret)
		return ret;
	if (strcmp(release, k->release))
		return bw_fail(
			err, BW_EMISMATCH,
			"BTF does not match the dumped kernel: init_uts_ns.name.release read "
			"through it is \"%.65s\", VMCOREINFO OSRELEASE is \"%s\"",
			release, k->release);
	return 0;
}

int bw_kernel_crosscheck(const struct bw_kernel *k, struct bw_error *err)
{
	struct kcheck_ctx c = {.k = k, .err = err};

	bw_vmcoreinfo_foreach(k->vi, kcheck_one, &c);
	if (c.ret)
		return c.ret;
	return kcheck_release(k, err);
}

#undef KCHECK_MAX_SAME_NAME
#undef KCHECK_RELEASE_MAX
