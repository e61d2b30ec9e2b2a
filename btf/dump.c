/* SPDX-License-Identifier: MIT */
/*
 * The text of `bpftool btf dump file F format raw` (bpftool's dump_btf_type(), as of bpftool
 * v7): one line per type, then one tab-indented line per member, enumerator, parameter or
 * section variable.
 */
#include <stdarg.h>
#include <stdio.h>
#include "btf_impl.h"

#define BTFDUMP_BUF 4096  /* on the stack: a dump allocates nothing */
#define BTFDUMP_NUMS 256  /* room for one formatted piece without names */

struct btfdump {
	bw_write_fn write;
	void *ctx;
	size_t len;
	int failed;
	char buf[BTFDUMP_BUF];
};

static void btfdump_flush(struct btfdump *d)
{
	if (d->len && !d->failed && d->write(d->ctx, d->buf, d->len))
		d->failed = 1;
	d->len = 0;
}

static void btfdump_printf(struct btfdump *d, const char *fmt, ...) BW_PRINTF(2, 3);

static void btfdump_printf(struct btfdump *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (BTFDUMP_BUF - d->len < BTFDUMP_NUMS)
		btfdump_flush(d);
	va_start(ap, fmt);
	n = vsnprintf(d->buf + d->len, BTFDUMP_BUF - d->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		d->len += (size_t)n < BTFDUMP_BUF - d->len ? (size_t)n : BTFDUMP_BUF - d->len - 1;
}

/* A string of any length (names are not all capped), through the buffer. */
static void btfdump_puts(struct btfdump *d, const char *s)
{
	while (*s) {
		size_t n = 0;

		if (d->len == BTFDUMP_BUF)
			btfdump_flush(d);
		while (s[n] && d->len + n < BTFDUMP_BUF)
			n++;
		memcpy(d->buf + d->len, s, n);
		d->len += n;
		s += n;
	}
}

/* before, then bpftool's btf_str() in quotes ("(anon)" for offset 0, else the string). */
static void btfdump_name(struct btfdump *d, const char *before, const struct bw_btf *btf,
			 uint32_t off)
{
	btfdump_puts(d, before);
	btfdump_puts(d, "'");
	btfdump_puts(d, off ? bw_btfi_str(btf, off) : "(anon)");
	btfdump_puts(d, "'");
}

static const char *btfdump_int_encoding(uint32_t enc)
{
	switch (enc) {
	case 0:
		return "(none)";
	case BW_INT_SIGNED:
		return "SIGNED";
	case BW_INT_CHAR:
		return "CHAR";
	case BW_INT_BOOL:
		return "BOOL";
	default:
		return "UNKN";
	}
}

static const char *btfdump_linkage(uint32_t linkage)
{
	switch (linkage) {
	case 0:
		return "static";
	case 1:
		return "global";
	case 2:
		return "extern";
	default:
		return "(unknown)";
	}
}

static void btfdump_members(struct btfdump *d, const struct bw_btf *btf, const uint8_t *t,
			    uint32_t vlen, bool kflag)
{
	uint32_t i;

	for (i = 0; i < vlen; i++) {
		const uint8_t *m = t + BW_BTF_TYPE_LEN + i * BW_BTF_MEMBER_LEN;
		uint32_t off = bw_btfi_rd32(m + 8);
		uint32_t bit_off = kflag ? off & 0xffffff : off, bf = kflag ? off >> 24 : 0;

		btfdump_name(d, "\n\t", btf, bw_btfi_rd32(m));
		btfdump_printf(d, " type_id=%u bits_offset=%u", bw_btfi_rd32(m + 4), bit_off);
		if (bf)
			btfdump_printf(d, " bitfield_size=%u", bf);
	}
}

static void btfdump_enum(struct btfdump *d, const struct bw_btf *btf, const uint8_t *t,
			 int kind, uint32_t vlen, bool kflag)
{
	uint32_t i;

	btfdump_printf(d, " encoding=%s size=%u vlen=%u", kflag ? "SIGNED" : "UNSIGNED",
		       bw_btfi_rd32(t + 8), vlen);
	for (i = 0; i < vlen; i++) {
		const uint8_t *e;

		if (kind == BW_KIND_ENUM) {
			uint32_t v;

			e = t + BW_BTF_TYPE_LEN + i * BW_BTF_ENUM_LEN;
			btfdump_name(d, "\n\t", btf, bw_btfi_rd32(e));
			v = bw_btfi_rd32(e + 4);
			if (kflag)
				btfdump_printf(d, " val=%d", (int)(int32_t)v);
			else
				btfdump_printf(d, " val=%u", v);
		} else {
			uint64_t v;

			e = t + BW_BTF_TYPE_LEN + i * BW_BTF_ENUM64_LEN;
			btfdump_name(d, "\n\t", btf, bw_btfi_rd32(e));
			v = ((uint64_t)bw_btfi_rd32(e + 8) << 32) | bw_btfi_rd32(e + 4);
			if (kflag)
				btfdump_printf(d, " val=%lldLL", (long long)(int64_t)v);
			else
				btfdump_printf(d, " val=%lluULL", (unsigned long long)v);
		}
	}
}

static void btfdump_type(struct btfdump *d, const struct bw_btf *btf, uint32_t id)
{
	const uint8_t *t = bw_btfi_rec(btf, id);
	uint32_t info = bw_btfi_rd32(t + 4), st = bw_btfi_rd32(t + 8), i;
	uint32_t vlen = bw_btfi_info_vlen(info);
	bool kflag = bw_btfi_info_kflag(info);
	int kind = bw_btfi_info_kind(info);
	const uint8_t *x = t + BW_BTF_TYPE_LEN;

	btfdump_printf(d, "[%u] %s", id, bw_kind_name(kind));
	btfdump_name(d, " ", btf, bw_btfi_rd32(t));
	switch (kind) {
	case BW_KIND_INT: {
		uint32_t v = bw_btfi_rd32(x);

		btfdump_printf(d, " size=%u bits_offset=%u nr_bits=%u encoding=%s", st,
			       (v >> 16) & 0xff, v & 0xff, btfdump_int_encoding((v >> 24) & 0xf));
		break;
	}
	case BW_KIND_PTR:
	case BW_KIND_CONST:
	case BW_KIND_VOLATILE:
	case BW_KIND_RESTRICT:
	case BW_KIND_TYPEDEF:
	case BW_KIND_TYPE_TAG:
		btfdump_printf(d, " type_id=%u", st);
		break;
	case BW_KIND_ARRAY:
		btfdump_printf(d, " type_id=%u index_type_id=%u nr_elems=%u", bw_btfi_rd32(x),
			       bw_btfi_rd32(x + 4), bw_btfi_rd32(x + 8));
		break;
	case BW_KIND_STRUCT:
	case BW_KIND_UNION:
		btfdump_printf(d, " size=%u vlen=%u", st, vlen);
		btfdump_members(d, btf, t, vlen, kflag);
		break;
	case BW_KIND_ENUM:
	case BW_KIND_ENUM64:
		btfdump_enum(d, btf, t, kind, vlen, kflag);
		break;
	case BW_KIND_FWD:
		btfdump_printf(d, " fwd_kind=%s", kflag ? "union" : "struct");
		break;
	case BW_KIND_FUNC:
		btfdump_printf(d, " type_id=%u linkage=%s", st, btfdump_linkage(vlen));
		break;
	case BW_KIND_FUNC_PROTO:
		btfdump_printf(d, " ret_type_id=%u vlen=%u", st, vlen);
		for (i = 0; i < vlen; i++) {
			const uint8_t *p = x + i * BW_BTF_PARAM_LEN;

			btfdump_name(d, "\n\t", btf, bw_btfi_rd32(p));
			btfdump_printf(d, " type_id=%u", bw_btfi_rd32(p + 4));
		}
		break;
	case BW_KIND_VAR:
		btfdump_printf(d, " type_id=%u, linkage=%s", st, btfdump_linkage(bw_btfi_rd32(x)));
		break;
	case BW_KIND_DATASEC:
		btfdump_printf(d, " size=%u vlen=%u", st, vlen);
		for (i = 0; i < vlen; i++) {
			const uint8_t *s = x + i * BW_BTF_SECINFO_LEN;
			uint32_t var = bw_btfi_rd32(s);

			btfdump_printf(d, "\n\ttype_id=%u offset=%u size=%u (%s", var,
				       bw_btfi_rd32(s + 4), bw_btfi_rd32(s + 8),
				       bw_kind_name(bw_btfi_kind(btf, var)));
			btfdump_name(d, " ", btf, bw_btfi_rd32(bw_btfi_rec(btf, var)));
			btfdump_puts(d, ")");
		}
		break;
	case BW_KIND_FLOAT:
		btfdump_printf(d, " size=%u", st);
		break;
	case BW_KIND_DECL_TAG:
		btfdump_printf(d, " type_id=%u component_idx=%d", st, (int)(int32_t)bw_btfi_rd32(x));
		break;
	}
	btfdump_printf(d, "\n");
}

int bw_btf_dump_raw(const struct bw_btf *btf, bw_write_fn write, void *ctx, struct bw_error *err)
{
	struct btfdump d;
	uint32_t i;

	if (!btf || !write)
		return bw_fail(err, BW_EINVAL, "BTF dump: NULL btf or writer");
	d.write = write;
	d.ctx = ctx;
	d.len = 0;
	d.failed = 0;
	for (i = 0; i < btf->nr_types && !d.failed; i++)
		btfdump_type(&d, btf, btf->start_id + i);
	btfdump_flush(&d);
	if (d.failed)
		return bw_fail(err, BW_EIO, "BTF dump: the writer stopped at type %u",
			       btf->start_id + i - 1);
	return 0;
}

#undef BTFDUMP_BUF
#undef BTFDUMP_NUMS
