#!/usr/bin/env bash
# The "minimal harness": make amalgamation, then ONE compiler command builds tests/embed/harness.c
# with build/amalgamation/btfwalk.c, statically linked, no Makefile of ours. The harness maps a real
# guest's per-node memory-backend files itself, gives btfwalk a read callback and a counting
# allocator, and must print NUMA counters that lie between the guest's own numastat read just before
# and just after the capture, and free every allocation.
set -u
cd "$(dirname "$0")/../.."
cache=${BTFWALK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/btfwalk}
out=build/embed
mkdir -p $out

if make -s amalgamation >$out/log 2>&1 &&
	cc -std=c11 -Wall -Wextra -Werror -O2 -static -Ibuild/amalgamation -o $out/harness \
		tests/embed/harness.c build/amalgamation/btfwalk.c >>$out/log 2>&1; then
	echo "ok - harness builds from the amalgamation alone with one static cc command"
else
	echo "not ok - harness builds from the amalgamation alone"
	cat $out/log
	exit 1
fi
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
	if ! $out/harness $args >$out/$capture.txt 2>$out/$capture.err; then
		echo "not ok - $capture: harness failed: $(cat $out/$capture.err)"
		continue
	fi
	python3 - $dir/manifest.json $out/$capture.txt $capture <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
seen, bad = 0, []
for line in open(sys.argv[2]):
    _, node, name, value = line.split()
    lo, hi = m["numastat_before"][node][name], m["numastat_after"][node][name]
    seen += 1
    if not lo <= int(value) <= hi:
        bad.append(f"node{node} {name}: {lo} <= {value} <= {hi} is false")
want = sum(len(v) for v in m["numastat_before"].values())
if bad or seen != want:
    print(f"not ok - {sys.argv[3]}: harness counters within the guest's before/after numastat "
          f"({seen} of {want} counters; {'; '.join(bad)})")
else:
    print(f"ok - {sys.argv[3]}: harness counters within the guest's before/after numastat "
          f"({seen} counters, callback memory, counting allocator, nothing leaked)")
PY
done
