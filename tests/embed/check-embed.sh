#!/usr/bin/env bash
# The "minimal harness": make amalgamation, then ONE compiler command builds tests/embed/harness.c
# with build/amalgamation/btfwalk.c, statically linked, no Makefile of ours. The harness maps a real
# guest's per-node memory-backend files itself, gives btfwalk a read callback and a counting
# allocator, and must print NUMA counters that lie between the guest's own numastat read just before
# and just after the capture, and free every allocation. The README's library example is built the
# same way and checked against the same numbers on the ELF core.
set -u
cd "$(dirname "$0")/../.."
cache=${BTFWALK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/btfwalk}
out=build/embed
mkdir -p $out

# within_numastat MANIFEST OUTPUT LABEL: OUTPUT's "node N name value" lines against the guest's
# numastat before/after in MANIFEST; every counter of every node must be there.
within_numastat() {
	python3 - "$@" <<'PY'
import json, sys
manifest, output, label = sys.argv[1:4]
m = json.load(open(manifest))
seen, bad = 0, []
for line in open(output):
    _, node, name, value = line.split()
    lo, hi = m["numastat_before"][node][name], m["numastat_after"][node][name]
    seen += 1
    if not lo <= int(value) <= hi:
        bad.append(f"node{node} {name}: {lo} <= {value} <= {hi} is false")
want = sum(len(v) for v in m["numastat_before"].values())
verdict = "ok" if not bad and seen == want else "not ok"
print(f"{verdict} - {label}: {seen} of {want} counters within the guest's numastat before/after"
      + (f" ({'; '.join(bad)})" if bad else ""))
PY
}

# build NAME SOURCE: one static cc command with the amalgamation.
build() {
	if cc -std=c11 -Wall -Wextra -Werror -O2 -static -Ibuild/amalgamation -o "$out/$1" "$2" \
		build/amalgamation/btfwalk.c >"$out/$1.log" 2>&1; then
		echo "ok - $1 builds from the amalgamation alone with one static cc command"
	else
		echo "not ok - $1 builds from the amalgamation alone"
		head -20 "$out/$1.log"
	fi
}

if ! make -s amalgamation >$out/log 2>&1; then
	echo "not ok - make amalgamation"
	cat $out/log
	exit 1
fi
sed -n '/^```c$/,/^```$/p' README.md | sed '1d;$d' >$out/readme_example.c
build harness tests/embed/harness.c
build readme_example $out/readme_example.c
file $out/harness | grep -q 'statically linked' &&
	echo "ok - harness is statically linked" || echo "not ok - harness is statically linked"

for capture in trixie-bpo-l5 trixie-l4; do
	dir=$cache/dumps/$capture
	tests/e2e/make-dumps.sh $capture >$out/make-dumps.log 2>&1
	if [ ! -f $dir/manifest.json ]; then
		echo "not ok - $capture: no capture (tests/e2e/make-dumps.sh failed)"
		tail -5 $out/make-dumps.log
		continue
	fi
	args=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))
print(" ".join(sys.argv[2] + "/" + a for a in m["forms"]["nodes"]["args"]))' $dir/manifest.json $dir)
	if $out/harness $args >$out/$capture.txt 2>$out/$capture.err; then
		within_numastat $dir/manifest.json $out/$capture.txt \
			"$capture: harness (callback memory, counting allocator, nothing leaked)"
	else
		echo "not ok - $capture: harness failed: $(cat $out/$capture.err)"
	fi
	if $out/readme_example $dir/vmcore.elf >$out/$capture.readme.txt 2>$out/$capture.err; then
		within_numastat $dir/manifest.json $out/$capture.readme.txt \
			"$capture: README example on the ELF core"
	else
		echo "not ok - $capture: README example failed: $(cat $out/$capture.err)"
	fi
done
