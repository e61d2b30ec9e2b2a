#!/usr/bin/env bash
# btfwalk btf {dump,offsetof,sizeof}: arguments, stdin, --json, --base, exit codes and one-line
# errors, on the fixture blobs. Values come from bpftool's dump of the same blob (bitfields, sizes) or
# from the other spelling of the same question (stdin vs file, text vs JSON, "struct X" as one
# word or two). TAP lines; run by tests/run.sh with BTFWALK set (or the default build).
set -u
cd "$(dirname "$0")/../.."
bw=${BTFWALK:-build/btfwalk}
blob=fixtures/btf/layout.gcc.btf
split=fixtures/btf/module.gcc.btf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; }
check() { # check NAME COMMAND...: the command must succeed
	local name=$1
	shift
	if "$@"; then ok "$name"; else nok "$name"; fi
}

if [ ! -x "$bw" ] || [ ! -f "$blob" ]; then
	echo "not ok - btfwalk btf CLI: $bw or $blob missing (make all; fixtures/gen-btf.sh)"
	exit 1
fi
# Expected values come from bpftool, never from btfwalk's own output.
if ! command -v bpftool >/dev/null; then
	echo "ok - btfwalk btf CLI # SKIP missing tool bpftool (make deps installs it)"
	exit 0
fi
bpftool btf dump file "$blob" format raw >"$tmp/bpftool.txt" ||
	nok "bpftool btf dump file $blob failed"

# dump: a file, stdin, and the split blob on its base, as bpftool prints them.
"$bw" btf dump "$blob" >"$tmp/file.txt"
check "dump of a file exits 0" test $? -eq 0
"$bw" btf dump - <"$blob" >"$tmp/stdin.txt"
check "dump of stdin equals dump of the file" cmp -s "$tmp/file.txt" "$tmp/stdin.txt"
check "dump equals bpftool's" cmp -s "$tmp/file.txt" "$tmp/bpftool.txt"
"$bw" btf dump --base "$blob" "$split" >"$tmp/split.txt"
bpftool btf dump -B "$blob" file "$split" format raw >"$tmp/bpftool-split.txt"
check "dump --base of a split blob equals bpftool -B" \
	cmp -s "$tmp/split.txt" "$tmp/bpftool-split.txt"

# offsetof of bitfields: byte offset, bit offset and size as bpftool's dump lists the member.
for m in wide40 s33 color next_unit; do
	want=$(awk -v m="'$m'" '/^\[/ { in_s = ($3 == "'"'"'fx_bits'"'"'") } in_s && $1 == m {
		sub("bits_offset=", "", $3); sub("bitfield_size=", "", $4);
		print int($3 / 8) " bit_offset=" $3 " bitfield_size=" $4 }' "$tmp/bpftool.txt")
	got=$("$bw" btf offsetof --btf "$blob" "struct fx_bits" "$m")
	check "offsetof fx_bits.$m is '$want'" test -n "$want" -a "$got" = "$want"
done

# The same question spelled four ways; text and JSON agree. pahole (the gcc blob) writes
# pts[2][3] as one flat array of 6, clang keeps both dimensions: both give the same offset.
a=$("$bw" btf offsetof --btf "$blob" "struct fx_arrays" "pts[5].y")
b=$("$bw" btf offsetof --btf "$blob" struct fx_arrays "pts[5].y")
c=$("$bw" btf offsetof --btf - fx_arrays "pts[5].y" <"$blob")
d=$("$bw" btf offsetof --btf fixtures/btf/layout.clang.btf "struct fx_arrays" "pts[1][2].y")
check "offsetof: 'struct X', struct X, bare X, stdin and clang's [1][2] agree ($a)" \
	test -n "$a" -a "$a" = "$b" -a "$a" = "$c" -a "$a" = "$d"
j=$("$bw" btf offsetof --json --btf "$blob" "struct fx_arrays" "pts[5].y")
check "offsetof --json is JSON with the same offset" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["offset"] == int(sys.argv[2]) and d["type"] == "struct fx_arrays"
assert d["bit_offset"] == 8 * d["offset"] and d["bitfield_size"] == 0' "$j" "$a"
s=$("$bw" btf sizeof --btf "$blob" "struct fx_arrays")
j=$("$bw" btf sizeof --json --btf "$blob" "struct fx_arrays")
check "sizeof --json is JSON with the same size ($s)" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["size"] == int(sys.argv[2])' "$j" "$s"
want=$(awk '$2 == "STRUCT" && $3 == "'"'"'fx_arrays'"'"'" { sub("size=", "", $4); print $4 }' \
	"$tmp/bpftool.txt")
check "sizeof fx_arrays is bpftool's size=$want" test "$s" = "$want"

# Failures: non-zero exit, one line on stderr, nothing on stdout.
fails() { # fails NAME STATUS COMMAND...
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -ge 1 ]; then
		ok "$name (exit $rc: $(head -1 "$tmp/err"))"
	else
		nok "$name: exit $rc, want $want; stderr: $(head -3 "$tmp/err")"
	fi
}
one_line() { # the same, and exactly one line
	fails "$@"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || nok "$1: more than one line on stderr"
}
one_line "unknown type" 1 "$bw" btf sizeof --btf "$blob" "struct no_such_type"
one_line "unknown member" 1 "$bw" btf offsetof --btf "$blob" "struct fx_arrays" nope
one_line "index past the array" 1 "$bw" btf offsetof --btf "$blob" "struct fx_arrays" "pts[6]"
one_line "two indexes into a flattened array" 1 \
	"$bw" btf offsetof --btf "$blob" "struct fx_arrays" "pts[1][2]"
grep -q "flatten" "$tmp/err" || nok "two indexes into a flattened array: no hint"
one_line "missing file" 1 "$bw" btf sizeof --btf /nonexistent "struct fx_arrays"
one_line "not BTF" 1 "$bw" btf dump "$0"
printf 'garbage' >"$tmp/garbage"
one_line "garbage on stdin" 1 "$bw" btf dump - <"$tmp/garbage"
fails "no verb" 2 "$bw" btf
fails "unknown verb" 2 "$bw" btf frobnicate
fails "offsetof without a path" 2 "$bw" btf offsetof --btf "$blob" "struct fx_arrays"
fails "unknown option" 2 "$bw" btf sizeof --frob --btf "$blob" "struct fx_arrays"
fails "--btf without a file" 2 "$bw" btf sizeof --btf
