#!/usr/bin/env bash
# run.sh BENCH ROUNDS: fetches the Debian kernels (tests/fixtures/blobs.sh), then runs the bench on
# every raw vmlinux BTF and keeps the table in build/bench/results.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
bench=$1 rounds=$2
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
} | tee "$out"
