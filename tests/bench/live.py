#!/usr/bin/env python3
"""make bench, live part: boot a 2-node, 4-CPU trixie-bpo (7.3) guest under TCG whose RAM is
memory-backend-file with a second QMP socket, and run bench_live on it (QMP attach, per-sample
cost over the mapped backend files and over QEMU's memory, the CLI once per sample)."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import guest as G  # noqa: E402

bench, cli = sys.argv[1], sys.argv[2]
cache = os.environ.get("BTFWALK_CACHE") or os.path.expanduser("~/.cache/btfwalk")
work = os.path.join(cache, "bench-live")
os.makedirs(work, exist_ok=True)
initrd = os.path.join(ROOT, "build", "e2e", "initramfs.cpio.gz")
g = G.Guest(os.path.join(cache, "kernels", "trixie-bpo"), initrd, work, paging="l5", cpus=4,
            watch_qmp=True, traffic_mib=2)
try:
    g.boot()
    g.wait_ready(300)
    print(g.banner, flush=True)
    files = ["%s@0x%x" % (g.node_path(n), g.node_base(n)) for n in range(g.nodes)]
    rc = subprocess.run([bench, g.watch_qmp_path(), cli] + files).returncode
finally:
    g.kill()
sys.exit(rc)
