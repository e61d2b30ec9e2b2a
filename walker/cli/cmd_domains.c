/* SPDX-License-Identifier: MIT */
/* btfwalk domains: each CPU's scheduler domain tree, as text or JSON. */
#include <stdio.h>
#include "btfwalk.h"
#include "cli.h"

/* A span as a CPU list, "0-3,6" (as the kernel's %*pbl). */
static void domains_print_span(const struct bw_domains *d, const uint64_t *span)
{
	uint32_t c = 0, start;
	bool first = true;

	while (c < d->nr_cpu_ids) {
		if (!((span[c / 64] >> (c % 64)) & 1)) {
			c++;
			continue;
		}
		start = c;
		while (c + 1 < d->nr_cpu_ids && ((span[(c + 1) / 64] >> ((c + 1) % 64)) & 1))
			c++;
		printf(first ? "%u" : ",%u", start);
		if (c != start)
			printf("-%u", c);
		first = false;
		c++;
	}
}

/* Flag names separated by sep, each wrapped in quote. */
static void domains_print_flags(const struct bw_domains *d, uint32_t flags, const char *sep,
				const char *quote)
{
	uint32_t bit;
	bool first = true;

	for (bit = 0; bit < BW_DOMAINS_FLAG_BITS; bit++) {
		if (!((flags >> bit) & 1))
			continue;
		printf("%s%s", first ? "" : sep, quote);
		if (d->flag_names[bit])
			printf("%s", d->flag_names[bit]);
		else
			printf("bit%u", bit);
		printf("%s", quote);
		first = false;
	}
}

static void domains_json(const struct bw_kernel *k, const struct bw_domains *d)
{
	struct bw_kernel_info info;
	uint32_t c, i;
	int f;

	bw_kernel_get_info(k, &info);
	printf("{\"release\": ");
	cli_json_string(info.release);
	printf(", \"nr_cpu_ids\": %u, \"cpus\": [", d->nr_cpu_ids);
	for (c = 0; c < d->nr_cpus; c++) {
		const struct bw_domains_cpu *cpu = &d->cpus[c];

		printf("%s{\"cpu\": %u, \"online\": %s, \"domains\": [", c ? ", " : "", cpu->cpu,
		       cpu->online ? "true" : "false");
		for (i = 0; i < cpu->nr_domains; i++) {
			const struct bw_sched_domain *sd = &cpu->domains[i];

			printf("%s{\"domain\": %u, \"level\": %d", i ? ", " : "", i, sd->level);
			if (sd->has_name) {
				printf(", \"name\": ");
				cli_json_string(sd->name);
			}
			printf(", \"flags_value\": %u, \"flags\": [", sd->flags);
			domains_print_flags(d, sd->flags, ", ", "\"");
			printf("]");
			if (sd->has_groups_flags) {
				printf(", \"groups_flags\": [");
				domains_print_flags(d, sd->groups_flags, ", ", "\"");
				printf("]");
			}
			printf(", \"span\": \"");
			domains_print_span(d, sd->span);
			printf("\"");
			for (f = 0; f < BW_SD_NR_FIELDS; f++)
				if (sd->present & (1u << f))
					printf(", \"%s\": %llu", bw_sd_field_name(f),
					       (unsigned long long)sd->value[f]);
			printf("}");
		}
		printf("]}");
	}
	printf("]}\n");
}

static void domains_text(const struct bw_domains *d)
{
	uint32_t c, i;
	int f;

	for (c = 0; c < d->nr_cpus; c++) {
		const struct bw_domains_cpu *cpu = &d->cpus[c];

		printf("cpu%u%s%s\n", cpu->cpu, cpu->online ? "" : " (offline)",
		       cpu->nr_domains ? "" : ": no scheduler domain");
		for (i = 0; i < cpu->nr_domains; i++) {
			const struct bw_sched_domain *sd = &cpu->domains[i];

			printf("  domain%u level %d %-5s span ", i, sd->level,
			       sd->has_name ? sd->name : "-");
			domains_print_span(d, sd->span);
			printf("\n    flags ");
			domains_print_flags(d, sd->flags, " ", "");
			printf("\n   ");
			for (f = 0; f < BW_SD_NR_FIELDS; f++)
				if (sd->present & (1u << f))
					printf(" %s %llu", bw_sd_field_name(f),
					       (unsigned long long)sd->value[f]);
			printf("\n");
		}
	}
}

int cli_domains(const struct bw_kernel *k, const char *verb, bool json)
{
	struct bw_domains *d;
	struct bw_error err;

	if (bw_kernel_domains(k, &d, &err)) {
		fprintf(stderr, "btfwalk %s: %s\n", verb, err.msg);
		return 1;
	}
	if (json)
		domains_json(k, d);
	else
		domains_text(d);
	bw_kernel_domains_free(k, d);
	return 0;
}
