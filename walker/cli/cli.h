/* SPDX-License-Identifier: MIT */
#ifndef BTFWALK_CLI_H
#define BTFWALK_CLI_H

/* argv[0] is the verb group ("btf") or the verb ("info", "numa", "read"). Exit status. */
int cli_btf(int argc, char **argv);
int cli_walk(int argc, char **argv);

/* Print s to stdout as a JSON string, quotes included. */
void cli_json_string(const char *s);

#endif
