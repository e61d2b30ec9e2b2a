#!/usr/bin/env bash
# One opened dump and one loaded BTF read from 8 threads at once under ThreadSanitizer: the
# library and tests/hostile/tsan_threads.c built with clang -fsanitize=thread (make tsan), run on
# each real dump's ELF core and on its raw node files. TAP lines.
set -u
cd "$(dirname "$0")/../.."
bin=${TSAN_THREADS:-$PWD/build-tsan/tsan_threads}
CACHE=${BTFWALK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/btfwalk}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v clang >/dev/null; then
	echo "ok - ThreadSanitizer # SKIP missing tool clang (make deps installs it)"
	exit 0
fi
if [ ! -x "$bin" ]; then
	echo "not ok - ThreadSanitizer: $bin not built (make tsan; make check builds it)"
	exit 1
fi
d=$(ls -d "$CACHE"/dumps/*/ 2>/dev/null | while read -r x; do
	[ -f "$x/vmcore.elf" ] && [ -f "$x/node0.ram" ] && echo "${x%/}"; done | head -1)
if [ -z "$d" ]; then
	echo "ok - ThreadSanitizer # SKIP no dump in $CACHE/dumps (tests/e2e makes them)"
	exit 0
fi
run() { # NAME SPECS...
	local name=$1
	shift
	if TSAN_OPTIONS="halt_on_error=1 exitcode=66" timeout 600 "$bin" "$@" >"$tmp/out" 2>&1; then
		echo "ok - ThreadSanitizer: $name: $(tail -1 "$tmp/out")"
	else
		echo "not ok - ThreadSanitizer: $name"
		grep -E 'WARNING: ThreadSanitizer|SUMMARY|#[0-4] |differs|open' "$tmp/out" | head -12 |
			sed 's/^/#   /'
	fi
}
run "$(basename "$d") vmcore.elf" "$d/vmcore.elf"
run "$(basename "$d") node files" "$d/node0.ram@0" "$d/node1.ram@0x10000000"
