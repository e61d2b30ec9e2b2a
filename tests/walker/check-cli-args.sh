#!/usr/bin/env bash
# btfwalk info/numa/read argument handling: usage errors exit 2 with one line naming the problem,
# a dump that is not there exits 1 naming the file, a bad expression names its column. With a
# real dump from $BTFWALK_CACHE/dumps, also: dumps vs expressions without "--", and a failing
# step named in the error.
set -u
cd "$(dirname "$0")/../.."
BTFWALK=${BTFWALK:-$PWD/build/btfwalk}
CACHE=${BTFWALK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/btfwalk}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect NAME STATUS STDERR-SUBSTRING -- ARGS...
expect() {
	local name=$1 status=$2 want=$3 rc
	shift 4
	"$BTFWALK" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$status" ]; then
		echo "not ok - $name: exit $rc, want $status ($(head -1 "$tmp/err"))"
	elif [ -n "$want" ] && ! grep -qF -- "$want" "$tmp/err"; then
		echo "not ok - $name: stderr '$(head -1 "$tmp/err")' lacks '$want'"
	elif [ "$status" -ne 0 ] && [ "$(grep -vc '^usage:' "$tmp/err")" -gt 1 ]; then
		echo "not ok - $name: more than one error line"
	else
		echo "ok - $name"
	fi
}

expect "numa without a dump" 2 "btfwalk numa: no dump file given" -- numa
expect "read without an expression" 2 "btfwalk read: no expression given" -- read "$0"
expect "unknown option" 2 "btfwalk info: unknown option '--bogus'" -- info --bogus x
expect "missing dump file" 1 "$tmp/nope" -- info "$tmp/nope"
expect "--cr3 not a number" 2 "bad --cr3 'xyz'" -- numa --cr3 xyz x

dump=$(ls "$CACHE"/dumps/*/mem.raw 2>/dev/null | head -1)
if [ -z "$dump" ]; then
	echo "ok - reads on a real dump # SKIP no dump in $CACHE/dumps"
	exit 0
fi
expect "syntax error names the column" 1 "node_data[: column 11: expected an index" -- \
	read "$dump" 'node_data['
expect "failing step is named" 1 "node_data[0]->node_zones[9]: index 9 out of bounds" -- \
	read "$dump" 'node_data[0]->node_zones[9]'
expect "per-CPU variable needs @cpu" 1 "'runqueues' is a per-CPU variable" -- \
	read "$dump" runqueues.nr_running
possible=$(sed -n 's/^cpu_possible=0-\([0-9]*\)$/\1/p' "$(dirname "$dump")/guest-info.txt")
expect "dump@0x0 then expression, no --" 0 "" -- read "$dump@0x0" nr_cpu_ids
if [ -n "$possible" ] && [ "$(cat "$tmp/out")" = "$((possible + 1))" ]; then
	echo "ok - nr_cpu_ids is the guest's possible CPU count"
else
	echo "not ok - nr_cpu_ids printed '$(cat "$tmp/out")', guest cpu_possible=0-$possible"
fi
expect "expressions after --" 0 "" -- read "$dump" -- nr_cpu_ids 'node_data[0]->node_id'
if grep -qx 'node_data\[0\]->node_id = 0' "$tmp/out"; then
	echo "ok - several expressions print as 'EXPR = value'"
else
	echo "not ok - several expressions printed: $(tr '\n' '|' <"$tmp/out")"
fi
