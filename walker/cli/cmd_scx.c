/* SPDX-License-Identifier: MIT */
/*
 * btfwalk scx: the sched_ext state, as text or JSON. A kernel without sched_ext is an answer,
 * not an error: "sched_ext": false with the reason, exit status 0.
 */
#include <stdio.h>
#include "btfwalk.h"
#include "cli.h"

static const struct {
	uint32_t bit;
	const char *name;
} scx_seqs[] = {
	{BW_SCX_HAS_NR_REJECTED, "nr_rejected"},
	{BW_SCX_HAS_HOTPLUG_SEQ, "hotplug_seq"},
	{BW_SCX_HAS_ENABLE_SEQ, "enable_seq"},
};

static int64_t scx_seq(const struct bw_scx *s, size_t i)
{
	return i == 0 ? s->nr_rejected : i == 1 ? s->hotplug_seq : s->enable_seq;
}

static void scx_json(const struct bw_kernel *k, const struct bw_scx *s, const char *notsup)
{
	struct bw_kernel_info info;
	uint32_t i;

	bw_kernel_get_info(k, &info);
	printf("{\"release\": ");
	cli_json_string(info.release);
	if (notsup) {
		printf(", \"sched_ext\": false, \"reason\": ");
		cli_json_string(notsup);
		printf("}\n");
		return;
	}
	printf(", \"sched_ext\": true, \"state\": ");
	cli_json_string(s->state_name);
	printf(", \"state_value\": %lld", (long long)s->state);
	if (s->present & BW_SCX_HAS_SWITCH_ALL)
		printf(", \"switch_all\": %d", s->switch_all);
	for (i = 0; i < sizeof(scx_seqs) / sizeof(scx_seqs[0]); i++)
		if (s->present & scx_seqs[i].bit)
			printf(", \"%s\": %lld", scx_seqs[i].name, (long long)scx_seq(s, i));
	printf(", \"root\": ");
	if (s->present & BW_SCX_HAS_NAME) {
		printf("{\"ops\": ");
		cli_json_string(s->name);
		if (s->present & BW_SCX_HAS_WATCHDOG)
			printf(", \"watchdog_timeout\": %llu",
			       (unsigned long long)s->watchdog_timeout);
		if (s->present & BW_SCX_HAS_EVENTS) {
			printf(", \"events\": {");
			for (i = 0; i < s->nr_events; i++) {
				printf(i ? ", " : "");
				cli_json_string(s->event_names[i]);
				printf(": %lld", (long long)s->events[i]);
			}
			printf("}");
		}
		printf("}");
	} else {
		printf("null");
	}
	printf(", \"cpus\": [");
	for (i = 0; i < s->nr_cpus; i++)
		printf("%s{\"cpu\": %u, \"online\": %s, \"nr_running\": %u, \"local_dsq_nr\": %u}",
		       i ? ", " : "", s->cpus[i].cpu, s->cpus[i].online ? "true" : "false",
		       s->cpus[i].nr_running, s->cpus[i].local_dsq_nr);
	printf("]}\n");
}

static void scx_text(const struct bw_scx *s, const char *notsup)
{
	uint32_t i;

	if (notsup) {
		printf("sched_ext: %s\n", notsup);
		return;
	}
	printf("state:            %s\n", s->state_name);
	if (s->present & BW_SCX_HAS_SWITCH_ALL)
		printf("switch_all:       %d\n", s->switch_all);
	for (i = 0; i < sizeof(scx_seqs) / sizeof(scx_seqs[0]); i++)
		if (s->present & scx_seqs[i].bit)
			printf("%-17s %lld\n", scx_seqs[i].name, (long long)scx_seq(s, i));
	if (!(s->present & BW_SCX_HAS_NAME)) {
		printf("scheduler:        none attached\n");
	} else {
		printf("scheduler:        %s\n", s->name);
		if (s->present & BW_SCX_HAS_WATCHDOG)
			printf("watchdog_timeout: %llu jiffies\n",
			       (unsigned long long)s->watchdog_timeout);
		for (i = 0; i < s->nr_events; i++)
			printf("  %-40s %lld\n", s->event_names[i], (long long)s->events[i]);
	}
	printf("%-6s %-7s %10s %12s\n", "cpu", "online", "nr_running", "local_dsq_nr");
	for (i = 0; i < s->nr_cpus; i++)
		printf("%-6u %-7s %10u %12u\n", s->cpus[i].cpu, s->cpus[i].online ? "yes" : "no",
		       s->cpus[i].nr_running, s->cpus[i].local_dsq_nr);
}

int cli_scx(const struct bw_kernel *k, const char *verb, bool json)
{
	struct bw_error err;
	struct bw_scx *s = NULL;
	const char *notsup = NULL;
	int ret = bw_kernel_scx(k, &s, &err);

	if (ret == -BW_ENOTSUP) {
		notsup = err.msg;
	} else if (ret) {
		fprintf(stderr, "btfwalk %s: %s\n", verb, err.msg);
		return 1;
	}
	if (json)
		scx_json(k, s, notsup);
	else
		scx_text(s, notsup);
	bw_kernel_scx_free(k, s);
	return 0;
}
