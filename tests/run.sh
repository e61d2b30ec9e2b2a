#!/usr/bin/env bash
# Runs every test and ends with "N passed, N failed, N skipped", then every skip by name and
# reason. Nothing vanishes from the count:
#  - cmocka binaries: one build/tests/test_X and one build-san/tests/test_X (ASan+UBSan) per
#    tests/unit/test_X.c; a missing or non-executable one is a failure. Counts come from cmocka's
#    own summary ([  PASSED  ], [  FAILED  ], [  SKIPPED ] N test(s)); a skipped test's reason is
#    the "# SKIP why" line it printed, else "cmocka skip()".
#  - tests/*/check-*.sh scripts, in name order: one without its run bit is a failure; each
#    prints TAP lines ("ok - ...", "not ok - ...", "ok - ... # SKIP why"); one that prints none
#    is a failure whatever its exit code, and a non-zero exit after only "ok" lines is one too.
#  - "# SKIP missing tool NAME ..." marks a skip for want of a tool `make deps` installs: with
#    CI=true it is a failure.
# ONLY=pattern runs only tests whose path matches the pattern.
set -u
cd "$(dirname "$0")/.."
export BTFWALK="$PWD/build/btfwalk" BTFWALK_SAN="$PWD/build-san/btfwalk"
export BTFWALK_CACHE="${BTFWALK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/btfwalk}"
export CMOCKA_MESSAGE_OUTPUT=stdout
passed=0 failed=0 skipped=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
: >"$log/skips"

selected() { [ -z "${ONLY:-}" ] || [[ $1 == *$ONLY* ]]; }

# A test that could not run at all: one failure.
missing() {
	selected "$1" || return 0
	printf '== %s\n   not ok - %s\n' "$1" "$2"
	failed=$((failed + 1))
}

sum() { grep -Eo "^\\[  $1 *\\] [0-9]+ test" "$2" | awk '{s += $(NF - 1)} END {print s + 0}'; }

# Counts p, f, s and appends skips to $log/skips for one cmocka binary's output ($1: name).
count_cmocka() {
	local name=$1 out=$2 why t
	p=$(sum PASSED "$out")
	f=$(sum FAILED "$out")
	s=$(sum SKIPPED "$out")
	why=$(grep -Eo '# SKIP .*' "$out" | sed 's/^# SKIP //' | head -1)
	grep -E '^\[  SKIPPED \] ' "$out" | grep -v ' test(s)' | sed 's/^\[  SKIPPED \] //' |
		sort -u | while read -r t; do
		printf '%s: %s: %s\n' "$name" "$t" "${why:-cmocka skip()}"
	done >>"$log/skips"
}

count_tap() {
	local name=$1 out=$2
	p=$(grep -Ec '^ok ' "$out")
	s=$(grep -Ec '^ok .*# SKIP' "$out")
	p=$((p - s))
	f=$(grep -Ec '^not ok ' "$out")
	grep -E '^ok .*# SKIP' "$out" | sed "s|^ok - *|$name: |; s| *# SKIP *|: |" >>"$log/skips"
}

run_one() {
	local kind=$1 name=$2 out="$log/out" rc p f s ci=0
	shift 2
	selected "$name" || return 0
	printf '== %s\n' "$name"
	"$@" >"$out" 2>&1
	rc=$?
	local before
	before=$(wc -l <"$log/skips")
	if [ "$kind" = cmocka ]; then count_cmocka "$name" "$out"; else count_tap "$name" "$out"; fi
	if [ "${CI:-}" = true ]; then
		ci=$(grep -Ec '^ok .*# SKIP missing tool' "$out")
		s=$((s - ci))
		f=$((f + ci))
		if [ "$ci" -gt 0 ]; then
			echo "   not ok - CI=true: $ci skip(s) for a tool make deps installs count as failures"
			sed -i "$((before + 1)),\$ {/: missing tool /d}" "$log/skips"
		fi
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
		echo "   not ok - $name printed no test result (exit $rc)"
		f=1
	elif [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "   not ok - $name exited $rc after reporting no failure"
		f=1 # crashed or failed after its last report
	fi
	if [ "$f" -gt 0 ]; then
		grep -E '^(not ok|\[  FAILED  \]|\[  ERROR   \])|ERROR|Assertion|Sanitizer|runtime error' "$out" | head -40
		tail -20 "$out"
	fi
	tail -n +"$((before + 1))" "$log/skips" | sed 's/^/   skip: /'
	printf '   %s: %d passed, %d failed, %d skipped (exit %d)\n' "$name" "$p" "$f" "$s" "$rc"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

for build in build build-san; do
	for src in tests/unit/test_*.c; do
		b=$build/tests/$(basename "$src" .c)
		if [ -x "$b" ]; then
			run_one cmocka "$b" "$b"
		else
			missing "$b" "$b was not built from $src (make tests; make check builds $build)"
		fi
	done
done
for s in tests/*/check-*.sh; do
	if [ -x "$s" ]; then
		run_one tap "$s" "$s"
	else
		missing "$s" "$s is not executable (chmod +x): it would not run"
	fi
done
echo "$passed passed, $failed failed, $skipped skipped"
if [ -s "$log/skips" ]; then
	echo "skipped:"
	sed 's/^/  /' "$log/skips"
fi
[ "$failed" -eq 0 ]
