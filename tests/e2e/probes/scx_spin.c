// SPDX-License-Identifier: MIT
/*
 * scx_spin: a CPU-bound task in the SCHED_EXT class. The e2e guest's sched_ext scheduler runs
 * in partial mode (only SCHED_EXT tasks), so these spinners are its tasks and every other task
 * stays in CFS for the other probes' run-queue checks.
 */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

#define SCHED_EXT_POLICY 7 /* SCHED_EXT in include/uapi/linux/sched.h */

int main(void)
{
	struct sched_param sp = {0};

	if (sched_setscheduler(0, SCHED_EXT_POLICY, &sp)) {
		fprintf(stderr, "scx_spin: sched_setscheduler(SCHED_EXT): %s\n", strerror(errno));
		return 1;
	}
	for (;;)
		;
}
