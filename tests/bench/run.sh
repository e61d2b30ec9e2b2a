#!/usr/bin/env bash
# run.sh BENCH ROUNDS SIZEOF BTFWALK: fetches the Debian kernels (tests/fixtures/blobs.sh), runs
# the in-process bench on every raw vmlinux BTF, then the whole-process rows (tests/bench/whole.py)
# on the 7.3 BTF and, when captured, its 5-level ELF core; keeps the tables in
# build/bench/results.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
bench=$1 rounds=$2 sizeof=$3 btfwalk=$4
. tests/fixtures/blobs.sh
trap 'rm -f "$FETCH_LOG"' EXIT
if [ -n "$MISSING_TAGS" ]; then
	echo "bench: kernels missing: $MISSING_TAGS; fetch log:" >&2
	cat "$FETCH_LOG" >&2
	exit 1
fi
out=$(dirname "$bench")/results.txt
args=()
while read -r label path; do
	# libbpf's btf__parse_raw reads raw blobs only; the ELF vmlinux holds the same BTF.
	[ -n "$label" ] && [[ $label != *-elf ]] || continue
	# Pages of a mapped /sys/kernel/btf/vmlinux are the kernel's own and never count in RSS:
	# both parsers read a regular copy instead, so the file costs btfwalk what it costs libbpf.
	if [[ $path == /sys/* ]]; then
		cp "$path" "$(dirname "$bench")/$label.btf"
		path=$(dirname "$bench")/$label.btf
	fi
	args+=("$label=$path")
done <<<"$KERNEL_BLOBS"
{
	echo "btfwalk bench, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs," \
		"load average $(cut -d" " -f1-3 /proc/loadavg), $(uname -r)"
	echo
	"$bench" -n "$rounds" "${args[@]}"
	echo
	btf73=$BTFWALK_CACHE/kernels/trixie-bpo/vmlinux.btf
	dump=$BTFWALK_CACHE/dumps/trixie-bpo-l5
	[ -f "$dump/vmcore.elf" ] || dump=$HOME/.cache/btfwalk/dumps/trixie-bpo-l5
	if [ -f "$dump/vmcore.elf" ] && [ -f "$dump/kallsyms" ]; then
		tests/bench/whole.py "$rounds" "$btfwalk" "$sizeof" "$bench" "$btf73" "$dump/vmcore.elf" \
			"$dump/kallsyms"
	else
		tests/bench/whole.py "$rounds" "$btfwalk" "$sizeof" "$bench" "$btf73"
	fi
} | tee "$out"
