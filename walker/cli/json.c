/* SPDX-License-Identifier: MIT */
/* JSON output shared by the CLI verbs. */
#include <stdio.h>
#include <string.h>
#include "cli.h"

void cli_json_string(const char *s)
{
	cli_json_mem(s, strlen(s));
}

void cli_json_mem(const char *s, size_t len)
{
	size_t i;

	putchar('"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}
