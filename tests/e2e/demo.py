#!/usr/bin/env python3
"""make demo: boot a 2-node Debian 7.x guest, dump it, walk the dump, compare with the guest.

Phases (a progress line each, with elapsed time): fetch the kernel, build the initramfs, pick
KVM or TCG, boot, NUMA traffic, numastat before, QMP stop + dump-guest-memory (ELF) + cont,
numastat after, `btfwalk numa --json` on the ELF dump; then a table per node:
counter, before, walker, after, verdict (OK when before <= walker <= after).
Exit status 0 only if every verdict is OK.

Env: BTFWALK (CLI, default build/btfwalk), BTFWALK_CACHE, DEMO_TAG (default trixie-bpo),
DEMO_PAGING (l4 or l5, default l5).
"""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import guest as G  # noqa: E402

T0 = time.monotonic()
TTY = sys.stdout.isatty()


def phase(msg):
    print("[%5.1fs] %s" % (time.monotonic() - T0, msg), flush=True)


def fail(msg):
    print("demo: FAILED: %s" % msg, flush=True)
    return 1


def main():
    tag = os.environ.get("DEMO_TAG", "trixie-bpo")
    paging = os.environ.get("DEMO_PAGING", "l5")
    btfwalk = os.environ.get("BTFWALK") or os.path.join(G.ROOT, "build", "btfwalk")
    kdir = os.path.join(G.CACHE, "kernels", tag)
    work = os.path.join(G.CACHE, "demo")
    os.makedirs(work, exist_ok=True)

    phase("fetching the Debian kernel (%s) into %s" % (tag, kdir))
    p = subprocess.run([os.path.join(G.ROOT, "fixtures", "fetch-kernels.sh"), tag])
    if p.returncode:
        return fail("fetch-kernels.sh %s" % tag)
    release = open(os.path.join(kdir, "release")).read().strip()

    initrd = os.path.join(G.ROOT, "build", "e2e", "initramfs.cpio.gz")
    src = [os.path.join(HERE, f) for f in ("numa_traffic.c", "blobpages.c", "init", "mkinitramfs.sh")]
    if not os.path.exists(initrd) or os.path.getmtime(initrd) < max(map(os.path.getmtime, src)):
        phase("building the guest initramfs (busybox-static + numa_traffic)")
        if subprocess.run([os.path.join(HERE, "mkinitramfs.sh"), initrd]).returncode:
            return fail("mkinitramfs.sh")
    if not os.access(btfwalk, os.X_OK):
        return fail("%s is not built (make all)" % btfwalk)

    accel, why = G.choose_accel(os.path.join(kdir, "vmlinuz"), paging)
    phase("accelerator: %s (%s)" % (accel.upper(), why))
    run_dir = os.path.join("/dev/shm" if os.path.isdir("/dev/shm") else work, "btfwalk-demo-%d" % os.getpid())
    os.makedirs(run_dir, exist_ok=True)
    g = G.Guest(kdir, initrd, run_dir, paging=paging, cpus=2, node_mb=256, accel=accel)
    dump = os.path.join(work, "vmcore.elf")
    try:
        phase("booting Linux %s: 2 NUMA nodes x 256 MiB, 2 vCPUs, %s paging, KASLR on" % (
            release, "5-level" if paging == "l5" else "4-level"))
        g.boot()
        phase("booted in %.1fs; guest making NUMA traffic (bind, interleave, preferred on each node)"
              % g.boot_seconds)
        g.wait_ready(180)
        before = g.numastat()
        phase("read the guest's numastat (before)")
        g.run("numa_traffic post 512")
        phase("guest made 512 more pages of traffic per node: only the per-CPU counters hold it")
        g.qmp.cmd("stop")
        t = time.monotonic()
        if os.path.exists(dump):
            os.unlink(dump)
        g.qmp.cmd("dump-guest-memory", paging=False, protocol="file:" + dump)
        g.qmp.cmd("cont")
        phase("VM stopped, ELF core written (%d MiB in %.1fs), VM resumed" % (
            os.path.getsize(dump) >> 20, time.monotonic() - t))
        after = g.numastat()
        phase("read the guest's numastat (after)")
    except G.GuestError as e:
        return fail(str(e))
    finally:
        g.kill()
        for f in os.listdir(run_dir):
            os.unlink(os.path.join(run_dir, f))
        os.rmdir(run_dir)

    cmd = [btfwalk, "numa", "--json", dump]
    phase("running: %s" % " ".join(cmd))
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode:
        sys.stdout.write(p.stdout.decode(errors="replace"))
        sys.stdout.write(p.stderr.decode(errors="replace"))
        return fail("btfwalk numa exited %d" % p.returncode)
    try:
        res = json.loads(p.stdout)
    except ValueError:
        sys.stdout.write(p.stdout.decode(errors="replace"))
        return fail("btfwalk numa did not print JSON")
    walked = {n.get("node"): n for n in res.get("nodes", [])}
    bad = good = 0
    print()
    print("kernel %s, dump %s" % (res.get("release"), dump))
    if res.get("release") != release:
        print("release MISMATCH: walker says %r, guest kernel is %r" % (res.get("release"), release))
        bad += 1
    for node in sorted(before):
        print()
        print("node %d" % node)
        print("  %-15s %12s %12s %12s  %s" % ("counter", "before", "walker", "after", "verdict"))
        w = walked.get(node, {})
        for c in G.COUNTERS:
            v = w.get(c)
            ok = isinstance(v, int) and before[node][c] <= v <= after[node][c]
            bad += not ok
            good += ok
            print("  %-15s %12d %12s %12d  %s" % (c, before[node][c], v if v is not None else "-",
                                                 after[node][c], "OK" if ok else "FAIL"))
    extra = sorted(set(walked) - set(before), key=str)
    if extra:
        print("walker reports nodes the guest does not have: %s" % extra)
        bad += 1
    print()
    phase("%s: %d of %d verdicts OK" % ("PASS" if not bad else "FAIL", good, len(before) * len(G.COUNTERS)))
    print("the dump stays for you to explore, e.g.:\n  %s info %s\n  %s read %s -- "
          "'node_data[1]->node_zones[1].vm_numa_event' 'runqueues@cpu1.nr_running'" % (
              btfwalk, dump, btfwalk, dump))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
