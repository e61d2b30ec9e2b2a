#!/usr/bin/env python3
"""Attaching while the guest boots: `btfwalk read --qemu` in a loop from QEMU's very first moment.

One 2-node, 2-CPU trixie-bpo (7.3) guest under TCG (BOOT_COMBO, default "trixie-bpo-l4") starts
paused (-S) with two extra QMP sockets. While it is paused, `btfwalk watch --wait-ready` starts
on one of them; the first attach happens on the other. Then QMP cont, and attaches follow one
another until the first one that succeeds. Checks:
  - every attempt exits 0 or with the documented not-ready code (4) and a one-line message
    starting "btfwalk read: kernel not ready yet:" (never a signal, a hang past ATTEMPT_TIMEOUT,
    another exit code or another message);
  - the attach while paused (no instruction run yet) is refused as not ready (the count of
    not-ready attempts after cont, and their distinct messages, are printed);
  - the first successful read of init_uts_ns.name.release equals the guest's own `uname -r`,
    and `btfwalk numa --qemu` then lists nodes 0 and 1, each numa_hit at most what the guest's
    /sys/devices/system/node/nodeN/numastat says later;
  - the watch started before the kernel was up prints its --count samples and exits 0.
"""
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import guest as G  # noqa: E402
from tap import note, tap  # noqa: E402

ROOT = G.ROOT
BTFWALK = os.environ.get("BTFWALK") or os.path.join(ROOT, "build", "btfwalk")
COMBO = os.environ.get("BOOT_COMBO", "trixie-bpo-l4")
EXIT_NOTREADY = 4
ATTEMPT_TIMEOUT = 30  # s for one attach + open + read
BOOT_LIMIT = 300  # s until the first successful attach
WATCH_COUNT = 3
NOTREADY_RX = re.compile(r"^btfwalk read: kernel not ready yet: \S.*\n$")


def attempt(sock):
    """One attach: (kind, rc, stdout, stderr) with kind ok / notready / bad."""
    try:
        p = subprocess.run([BTFWALK, "read", "--qemu", sock, "--", "init_uts_ns.name.release"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=ATTEMPT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return "bad", None, "", "no answer in %d s" % ATTEMPT_TIMEOUT
    if p.returncode == 0 and not p.stderr:
        return "ok", 0, p.stdout, p.stderr
    if p.returncode == EXIT_NOTREADY and NOTREADY_RX.match(p.stderr) and not p.stdout:
        return "notready", p.returncode, p.stdout, p.stderr
    return "bad", p.returncode, p.stdout, p.stderr


def release_of(out):
    m = re.search(r'"([^"\n]*)"', out)
    return m.group(1) if m else out.strip()


def main():
    cache = os.environ.get("BTFWALK_CACHE") or os.path.expanduser("~/.cache/btfwalk")
    initrd = os.path.join(ROOT, "build", "e2e", "initramfs.cpio.gz")
    if not os.path.exists(initrd):
        subprocess.run([os.path.join(HERE, "mkinitramfs.sh"), initrd], check=True)
    if not os.access(BTFWALK, os.X_OK):
        tap(False, "btfwalk is built (%s)" % BTFWALK)
        return
    tag, paging = COMBO.rsplit("-", 1)
    kdir = os.path.join(cache, "kernels", tag)
    if not os.path.exists(os.path.join(kdir, "vmlinuz")):
        tap(False, "%s: kernel in %s (make kernels)" % (COMBO, kdir))
        return
    work = os.path.join(cache, "e2e-attach-boot", COMBO)
    os.makedirs(work, exist_ok=True)
    sock = os.path.join(work, "qmp-attach.sock")
    wsock = os.path.join(work, "qmp-wait.sock")
    extra = ["-S"]
    for s in (sock, wsock):
        if os.path.exists(s):
            os.unlink(s)
        extra += ["-qmp", "unix:%s,server=on,wait=off" % s]
    g = G.Guest(kdir, initrd, work, paging=paging, cpus=2, traffic_mib=2, extra_args=extra)
    watch = None
    try:
        g._start()
        wout = open(os.path.join(work, "watch.out"), "w+")
        werr = open(os.path.join(work, "watch.err"), "w+")
        watch = subprocess.Popen([BTFWALK, "watch", "--qemu", wsock, "--wait-ready", str(BOOT_LIMIT),
                                  "--interval", "100", "--count", str(WATCH_COUNT), "--json",
                                  "--numa"], stdout=wout, stderr=werr)
        attempts = [attempt(sock)]
        paused = attempts[0]
        tap(paused[0] == "notready", "%s: attach to the paused guest (-S): not ready, exit %d" % (
            COMBO, EXIT_NOTREADY), "exit %s, stderr %r" % (paused[1], paused[2:]))
        g.qmp.cmd("cont")
        t0 = time.monotonic()
        while time.monotonic() - t0 < BOOT_LIMIT:
            a = attempt(sock)
            attempts.append(a)
            if a[0] == "ok":
                break
        bad = [a for a in attempts if a[0] == "bad"]
        notready = [a for a in attempts if a[0] == "notready"]
        msgs = sorted(set(re.sub(r"0x[0-9a-f]+", "0x?", a[3].strip()) for a in notready))
        note("%d attempts, %d not ready, first success after %.1f s of boot; messages:" % (
            len(attempts), len(notready), time.monotonic() - t0))
        for m in msgs:
            note("  " + m)
        tap(not bad, "%s: every attach is a success or 'kernel not ready yet' (exit %d)" % (
            COMBO, EXIT_NOTREADY), "\n".join("exit %s: %s%s" % (a[1], a[3], a[2]) for a in bad[:5]))
        tap(len(notready) >= 1, "%s: 'kernel not ready yet' seen (%d times)" % (COMBO, len(notready)))
        ok = attempts[-1][0] == "ok"
        tap(ok, "%s: an attach succeeds within %d s of boot" % (COMBO, BOOT_LIMIT))
        if not ok:
            return
        first = release_of(attempts[-1][2])
        numa = subprocess.run([BTFWALK, "numa", "--json", "--qemu", sock], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=ATTEMPT_TIMEOUT)
        g.wait_for(rb"btfwalk-guest: booted .*\n", g.boot_timeout * 2)
        uname = g.run("uname -r").strip()
        tap(first == uname, "%s: first successful read of init_uts_ns.name.release is the guest's "
            "uname -r (%s)" % (COMBO, uname), "read %r" % first)
        hits = {}
        for n in (0, 1):
            m = re.search(r"numa_hit (\d+)", g.run("cat /sys/devices/system/node/node%d/numastat" % n))
            hits[n] = int(m.group(1)) if m else None
        try:
            nodes = json.loads(numa.stdout)["nodes"] if numa.returncode == 0 else []
        except ValueError:
            nodes = []
        good = [x["node"] for x in nodes] == [0, 1] and all(
            hits[x["node"]] is not None and 0 < x["numa_hit"] <= hits[x["node"]] for x in nodes)
        tap(good, "%s: numa walk right after the first attach: nodes 0-1, numa_hit <= the guest's "
            "later numastat %s" % (COMBO, hits), "exit %d %s %s" % (numa.returncode, numa.stdout,
                                                                numa.stderr))
        try:
            wrc = watch.wait(BOOT_LIMIT)
        except subprocess.TimeoutExpired:
            wrc = None
        wout.seek(0)
        werr.seek(0)
        lines = [ln for ln in wout.read().splitlines() if ln.strip()]
        samples = []
        for ln in lines:
            try:
                samples.append(json.loads(ln))
            except ValueError:
                pass
        tap(wrc == 0 and len(samples) == WATCH_COUNT and len(lines) == WATCH_COUNT,
            "%s: watch --wait-ready started while paused prints %d samples and exits 0" % (
                COMBO, WATCH_COUNT), "exit %s, %d lines, stderr %r" % (wrc, len(lines), werr.read()))
    except G.GuestError as e:
        tap(False, "%s: guest runs" % COMBO, str(e))
    finally:
        if watch and watch.poll() is None:
            watch.kill()
            watch.wait()
        g.kill()


if __name__ == "__main__":
    main()
