#!/usr/bin/env bash
# make-dumps.sh [--force] [TAG-PAGING...] — real guest captures for the other engineers and tests.
# Default: trixie-bpo-l5 trixie-bpo-l4 trixie-l5 trixie-l4 bookworm-l4. Each goes to
# $BTFWALK_CACHE/dumps/<tag>-<l4|l5>/ (mem.raw, vmcore.elf, node0.ram, node1.ram, manifest.json,
# numastat-before/after, registers.txt, kallsyms, vmcoreinfo.txt, iomem, guest-info.txt, ...).
# An existing capture (manifest.json present) is kept unless --force.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
CACHE=${BTFWALK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/btfwalk}
force=0 list=()
for a in "$@"; do
	case $a in
	--force) force=1 ;;
	*) list+=("$a") ;;
	esac
done
[ ${#list[@]} -gt 0 ] || list=(trixie-bpo-l5 trixie-bpo-l4 trixie-l5 trixie-l4 bookworm-l4)
"$root/fixtures/fetch-kernels.sh" $(printf '%s\n' "${list[@]}" | sed 's/-l[45]$//' | sort -u)
"$here/mkinitramfs.sh" "$root/build/e2e/initramfs.cpio.gz"
rc=0
for c in "${list[@]}"; do
	tag=${c%-l[45]} paging=${c##*-}
	dest="$CACHE/dumps/$c"
	if [ $force = 0 ] && [ -f "$dest/manifest.json" ]; then
		echo "make-dumps: $c: kept $dest"
		continue
	fi
	python3 "$here/guest.py" capture --tag "$tag" --paging "$paging" --out "$dest" || rc=1
done
exit $rc
