/* SPDX-License-Identifier: MIT */
/* JSON output shared by the CLI verbs. */
#include <stdio.h>
#include <string.h>
#include "cli.h"

/*
 * Length of the well-formed UTF-8 sequence at s (1-4, at most left bytes), or 0 when s does not
 * start one: no overlong forms, no surrogates (U+D800..DFFF), nothing above U+10FFFF (RFC 3629).
 */
static size_t json_utf8_len(const unsigned char *s, size_t left)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > left)
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	for (i = 1; i < n; i++) {
		if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xbf))
			return 0;
	}
	return n;
}

void cli_json_string(const char *s)
{
	cli_json_mem(s, strlen(s));
}

/* s[0..len) as a JSON string: always valid UTF-8, whatever bytes a hostile dump put there. */
void cli_json_mem(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	putchar('"');
	while (p < end) {
		size_t n = json_utf8_len(p, (size_t)(end - p));

		if (!n) {
			fputs("\\ufffd", stdout); /* a byte that is not UTF-8: the replacement char */
			p++;
		} else if (*p == '"' || *p == '\\') {
			printf("\\%c", *p++);
		} else if (*p < 0x20 || *p == 0x7f) {
			printf("\\u%04x", *p++);
		} else {
			fwrite(p, 1, n, stdout);
			p += n;
		}
	}
	putchar('"');
}
