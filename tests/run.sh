#!/usr/bin/env bash
# Runs every test and ends with one line "N passed, N failed".
#  - build/tests/test_* and build-san/tests/test_* (cmocka binaries, ASan+UBSan for the latter)
#  - tests/*/check-*.sh scripts, in name order; each prints TAP lines ("ok - ...",
#    "not ok - ...", "ok - ... # SKIP why") or, if it prints none, counts as one test by its exit code.
# ONLY=pattern runs only tests whose path matches the pattern.
set -u
cd "$(dirname "$0")/.."
export BTFWALK="$PWD/build/btfwalk" BTFWALK_SAN="$PWD/build-san/btfwalk"
export BTFWALK_CACHE="${BTFWALK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/btfwalk}"
export CMOCKA_MESSAGE_OUTPUT=stdout
passed=0 failed=0 skipped=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

run_one() {
	local name=$1 out="$log/out" rc p f s
	shift
	[ -n "${ONLY:-}" ] && [[ $name != *$ONLY* ]] && return
	printf '== %s\n' "$name"
	"$@" >"$out" 2>&1
	rc=$?
	p=$(grep -Eo '^\[  PASSED  \] [0-9]+' "$out" | awk '{s+=$NF} END {print s+0}')
	f=$(grep -Eo '^\[  FAILED  \] [0-9]+' "$out" | awk '{s+=$NF} END {print s+0}')
	p=$((p + $(grep -Ec '^ok ' "$out")))
	s=$(grep -Ec '^ok .*# SKIP' "$out")
	p=$((p - s))
	f=$((f + $(grep -Ec '^not ok ' "$out")))
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
		if [ $rc -eq 0 ]; then p=1; else f=1; fi
	elif [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# crashed or failed after its last report
	fi
	if [ "$f" -gt 0 ]; then
		grep -E '^(not ok|\[  FAILED  \]|\[  ERROR   \])|ERROR|Assertion|Sanitizer|runtime error' "$out" | head -40
		tail -20 "$out"
	else
		grep -E '^ok .*# SKIP' "$out"
	fi
	printf '   %s: %d passed, %d failed, %d skipped (exit %d)\n' "$name" "$p" "$f" "$s" "$rc"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

for b in build/tests/test_* build-san/tests/test_*; do
	[ -x "$b" ] && run_one "$b" "$b"
done
for s in tests/*/check-*.sh; do
	[ -x "$s" ] && run_one "$s" "$s"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
