#!/usr/bin/env bash
# campaign.sh TARGET...: run each libFuzzer target for FUZZ_SECONDS (default 180) on one core,
# one after the other, growing build-fuzz/corpus/TARGET from the seeds and the regression corpus,
# and print per target: executions, final coverage (cov = edges, ft = features), corpus size,
# and the crashes, timeouts, OOMs and leaks found (saved in build-fuzz/artifacts/TARGET/).
# Fork mode with one job keeps going after a finding, so one run can find several.
set -u
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-180}
timeout_s=${FUZZ_TIMEOUT:-10}
rss_mb=${FUZZ_RSS_MB:-2048}
# No input here is larger than a few hundred KiB: one allocation above this is a finding (a size
# taken from the input and trusted before it was checked).
malloc_mb=${FUZZ_MALLOC_MB:-256}
build=build-fuzz
summary=()
status=0

for t in "$@"; do
	bin=$build/fuzz_$t
	if [ ! -x "$bin" ]; then
		summary+=("$(printf '%-11s not built (make fuzz-build)' "$t")")
		status=1
		continue
	fi
	corpus=$build/corpus/$t artifacts=$build/artifacts/$t log=$build/logs/$t.log
	mkdir -p "$corpus" "$artifacts" "$build/logs"
	dict=()
	[ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
	seeds=()
	for d in "$build/seeds/$t" "fixtures/regress/$t"; do
		[ -d "$d" ] && seeds+=("$d")
	done
	find "$artifacts" -type f | sort >"$log.before"
	echo "== fuzz_$t for ${secs}s (log: $log)"
	timeout --signal=INT --kill-after=30 $((secs + 120)) "$bin" -fork=1 -ignore_crashes=1 \
		-ignore_timeouts=1 -ignore_ooms=1 -max_total_time="$secs" -timeout="$timeout_s" \
		-rss_limit_mb="$rss_mb" -malloc_limit_mb="$malloc_mb" -artifact_prefix="$artifacts/" "${dict[@]}" \
		"$corpus" "${seeds[@]}" >"$log" 2>&1
	# Fork-mode progress lines: "#EXECS: cov: N ft: N corp: N exec/s: N oom/timeout/crash: ..."
	last=$(grep -E '^#[0-9]+: cov: ' "$log" | tail -1)
	execs=$(sed -nE 's/^#([0-9]+):.*/\1/p' <<<"$last")
	cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
	ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
	corp=$(find "$corpus" -type f | wc -l)
	new=$(find "$artifacts" -type f | sort | comm -13 "$log.before" -)
	found=$(grep -c . <<<"$new")
	kinds=$(sed -E 's|.*/||; s/-.*//' <<<"$new" | grep . | sort | uniq -c |
		awk '{printf "%s%s=%s", (NR > 1 ? " " : ""), $2, $1}')
	summary+=("$(printf '%-11s execs=%s cov=%s ft=%s corpus=%s findings=%s %s' "$t" \
		"${execs:-?}" "${cov:-?}" "${ft:-?}" "$corp" "$found" "$kinds")")
	[ "$found" -eq 0 ] || status=1
	rm -f "$log.before"
done
echo "== fuzz summary (${secs}s per target; findings in $build/artifacts/TARGET/)"
printf '%s\n' "${summary[@]}"
exit $status
