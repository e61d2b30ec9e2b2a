#!/usr/bin/env bash
# make check: for every fuzz target, replay each file of fixtures/regress/TARGET/ (every crash,
# hang or leak ever found; all must now pass), then a short smoke run from the seeds
# (FUZZ_SMOKE_SECONDS, default 20 per target) that must find nothing. TAP lines.
set -u
cd "$(dirname "$0")/../.."
smoke=${FUZZ_SMOKE_SECONDS:-20}
# A fixed seed makes the smoke pass follow the same path on every run, so a red make check is a
# finding anyone can replay, not the luck of one run; the campaign (make fuzz) explores at random.
seed=${FUZZ_SMOKE_SEED:-1}
build=build-fuzz
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Hangs (10 s), memory blow-ups and any single allocation above 256 MiB (no input is that big)
# are findings, like crashes.
limits=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256)

for src in tests/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	t=${t#fuzz_}
	bin=$build/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "not ok - fuzz_$t: $bin was not built (see make fuzz-build)"
		continue
	fi
	for f in fixtures/regress/"$t"/*; do
		[ -f "$f" ] || continue
		if "$bin" "${limits[@]}" "$f" >"$tmp/replay.log" 2>&1; then
			echo "ok - fuzz_$t replays $f"
		else
			echo "not ok - fuzz_$t replays $f"
			grep -E 'ERROR|SUMMARY|contract|#[0-9]+ 0x' "$tmp/replay.log" | head -12 | sed 's/^/#   /'
		fi
	done
	dict=()
	[ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
	mkdir -p "$tmp/corpus-$t" "$tmp/art-$t"
	seeds=()
	[ -d "$build/seeds/$t" ] && seeds+=("$build/seeds/$t")
	[ -d "fixtures/regress/$t" ] && seeds+=("fixtures/regress/$t")
	if timeout --signal=INT --kill-after=10 $((smoke + 60)) "$bin" "${limits[@]}" \
		-max_total_time="$smoke" -seed="$seed" -artifact_prefix="$tmp/art-$t/" "${dict[@]}" \
		"$tmp/corpus-$t" "${seeds[@]}" >"$tmp/smoke.log" 2>&1; then
		stats=$(grep -E '^#[0-9]+.*(DONE|pulse|cov:)' "$tmp/smoke.log" | tail -1 |
			sed -E 's/^#([0-9]+)[[:space:]]+[A-Z]+[[:space:]]+/execs \1 /; s/ (lim|exec\/s|rss|L|MS):.*//')
		echo "ok - fuzz_$t smoke ${smoke}s (seed $seed) from ${#seeds[@]} seed dirs: $stats"
	else
		echo "not ok - fuzz_$t smoke ${smoke}s found a failure (input below, add it to fixtures/regress/$t/)"
		grep -E 'ERROR|SUMMARY|contract|#[0-9]+ 0x|Test unit written' "$tmp/smoke.log" |
			head -16 | sed 's/^/#   /'
		for a in "$tmp/art-$t"/*; do
			[ -f "$a" ] && echo "#   input (base64): $(head -c 3000 "$a" | base64 -w0)"
		done
	fi
done
