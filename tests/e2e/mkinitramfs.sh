#!/usr/bin/env bash
# mkinitramfs.sh OUT.cpio.gz — the e2e guest's initramfs: busybox-static, tests/e2e/init and
# static numa_traffic and blobpages built from tests/e2e/*.c, every tests/e2e/probes/*.c (programs
# the capture probes run in the guest), and what each tests/e2e/probes/*/build.sh builds. Needs
# busybox-static, cpio, a C compiler (and for probes/schedx: clang, bpftool, libbpf/libelf/zlib).
set -euo pipefail
out=${1:?usage: mkinitramfs.sh OUT.cpio.gz}
here=$(cd "$(dirname "$0")" && pwd)
bb=$(command -v busybox || true)
[ -x /bin/busybox ] && bb=/bin/busybox
# A dynamic busybox names its ELF interpreter; busybox-static's does not.
[ -n "$bb" ] && ! LC_ALL=C readelf -lW "$bb" 2>/dev/null | grep -q 'program interpreter' ||
	{ echo "mkinitramfs: need a static busybox (apt-get install busybox-static)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,tmp,root}
cp "$bb" "$tmp/bin/busybox"
ln -s busybox "$tmp/bin/sh"
for src in "$here/numa_traffic.c" "$here/blobpages.c" "$here"/probes/*.c; do
	[ -f "$src" ] || continue
	prog=$(basename "$src" .c)
	${CC:-cc} -static -O2 -Wall -Wextra -Werror -o "$tmp/bin/$prog" "$src" -lpthread
done
# Guest programs that need more than libc (e.g. libbpf): each probes/NAME/build.sh DESTDIR.
for build in "$here"/probes/*/build.sh; do
	[ -x "$build" ] && "$build" "$tmp"
done
install -m 755 "$here/init" "$tmp/init"
mkdir -p "$(dirname "$out")"
(cd "$tmp" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet --owner=0:0) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
