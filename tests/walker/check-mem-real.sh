#!/usr/bin/env bash
# The memory layer against real guest dumps, once more after the e2e checks (which capture the
# dumps into $BTFWALK_CACHE/dumps on a fresh machine, after the unit tests already ran and
# skipped). Runs build/tests/test_mem_real, and its ASan+UBSan build when there is one, and
# reports each of its findings as a TAP line: kallsyms decoded from the dump equal the guest's
# /proc/kallsyms, the VMCOREINFO scan equals the guest's text, the page walk agrees with
# phys_base, the ELF CPU notes equal QEMU's registers.
set -u
cd "$(dirname "$0")/../.."
status=0
for bin in build/tests/test_mem_real build-san/tests/test_mem_real; do
	if [ ! -x "$bin" ]; then
		[ "$bin" = build/tests/test_mem_real ] &&
			echo "ok - memory layer on real dumps # SKIP $bin not built (make tests)"
		continue
	fi
	out=$(CMOCKA_MESSAGE_OUTPUT=stdout timeout 600 "$bin" 2>&1)
	rc=$?
	if grep -q '^ok - .*# SKIP' <<<"$out"; then
		grep '^ok - .*# SKIP' <<<"$out"
		continue
	fi
	# "# note:" lines say what was not checked; every other "# " line is a passed check.
	grep -v '^# note: ' <<<"$out" | sed -n "s|^# \(.*\)|ok - ${bin%%/*}: \1|p"
	if [ $rc -ne 0 ]; then
		grep -E 'ERROR|FAILED|error:|runtime error' <<<"$out" | head -20
		echo "not ok - ${bin%%/*}: memory layer on real dumps (exit $rc)"
		status=1
	fi
done
exit $status
