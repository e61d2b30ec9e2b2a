#!/usr/bin/env bash
# build.sh DESTDIR: the sched_ext proof's guest programs, into DESTDIR/bin: schedx_load (static,
# against Debian's libbpf.a) and schedx_fifo.bpf.o (clang -target bpf against a vmlinux.h made
# from the 7.x kernel's BTF now, never committed). Without that kernel's BTF, clang or bpftool
# nothing is built, and the probe's check that the scheduler loaded fails saying so.
set -euo pipefail
dest=${1:?usage: build.sh DESTDIR}
here=$(cd "$(dirname "$0")" && pwd)
btf=${BTFWALK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/btfwalk}/kernels/trixie-bpo/vmlinux.btf
[ -f "$btf" ] || { echo "schedx: no $btf; sched_ext scheduler not built" >&2; exit 0; }
for tool in clang bpftool; do
	command -v $tool >/dev/null || { echo "schedx: no $tool (make deps); sched_ext scheduler not built" >&2; exit 0; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bpftool btf dump file "$btf" format c >"$tmp/vmlinux.h"
clang -g -O2 -target bpf -Wno-missing-declarations -D__TARGET_ARCH_x86 -I"$tmp" -c "$here/fifo.bpf.c" -o "$dest/bin/schedx_fifo.bpf.o"
${CC:-cc} -static -O2 -Wall -Wextra -Werror -o "$dest/bin/schedx_load" "$here/loader.c" \
	-lbpf -lelf -lz $(pkg-config --exists libzstd 2>/dev/null && echo -lzstd)
