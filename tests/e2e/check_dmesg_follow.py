#!/usr/bin/env python3
"""`btfwalk dmesg --follow --json --qemu SOCK` against a running 7.3 guest (FOLLOW_COMBO, default
trixie-bpo-l5) with plain anonymous RAM, attached by QMP.

The follower starts first; then the guest writes MARKERS numbered lines to /dev/kmsg, one every
PACE s, each with its own level and facility, and reads its own /dev/kmsg (tests/e2e/probes/
postmortem.c kmsg). Checks, against that read:
  - every marker record the guest shows appears in the follower's output exactly once, with the
    same seq, text, level and facility, and the follower's records are in strictly rising seq
    order (a record is never printed twice, nor out of order);
  - a second follower polling every GAP_INTERVAL ms while the guest floods /dev/kmsg (postmortem
    flood: the ring wraps 3 times between two polls) reports the overwritten records as gap
    lines: at least one, and printed + lost covers its seq range exactly, in rising order;
  - the first follower exits 130 on SIGTERM; the second exits 3 after QMP quit, saying the guest
    went away.
"""
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import guest as G  # noqa: E402
from tap import note, tap  # noqa: E402
from probes.postmortem import parse_kmsg  # noqa: E402

ROOT = G.ROOT
BTFWALK = os.environ.get("BTFWALK") or os.path.join(ROOT, "build", "btfwalk")
COMBO = os.environ.get("FOLLOW_COMBO", "trixie-bpo-l5")
MARKERS = 200
PACE = 0.01  # s between two marker lines in the guest
TAG = "follow-marker"
GAP_INTERVAL = 4000  # ms


def run(cache, initrd):
    tag, paging = COMBO.rsplit("-", 1)
    kdir = os.path.join(cache, "kernels", tag)
    work = os.path.join(cache, "live", "%s-follow" % COMBO)
    os.makedirs(work, exist_ok=True)
    g = G.Guest(kdir, initrd, work, paging=paging, cpus=2, file_ram=False, watch_qmp=True, traffic_mib=2)
    out_path, err_path = os.path.join(work, "follow.jsonl"), os.path.join(work, "follow.stderr")
    proc = proc2 = None
    try:
        g.boot_ready(300)
        g.run("echo on >/proc/sys/kernel/printk_devkmsg")
        cmd = [BTFWALK, "dmesg", "--follow", "--json", "--qemu", g.watch_qmp_path()]
        with open(out_path, "w") as out, open(err_path, "w") as err:
            proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        t0 = time.monotonic()
        while time.monotonic() - t0 < 60 and proc.poll() is None and not os.path.getsize(out_path):
            time.sleep(0.01)
        g.run("i=0; while [ $i -lt %d ]; do echo \"<$((8 * (1 + i %% 23) + 4 + i %% 4))>%s $i\" >/dev/kmsg;"
              " i=$((i + 1)); sleep %s; done" % (MARKERS, TAG, PACE), timeout=120)
        g.run("postmortem kmsg /tmp/f.kmsg >/dev/null")
        kmsg = g.run("grep '%s ' /tmp/f.kmsg" % TAG)
        time.sleep(1.0)  # the follower polls every 100 ms
        proc.send_signal(signal.SIGTERM)
        rc = G.wait_or_kill(proc, 20)
        # The QMP socket takes one client at a time: the second follower attaches after the first.
        gap_path = os.path.join(work, "follow-gap.jsonl")
        with open(gap_path, "w") as out, open(gap_path + ".stderr", "w") as err:
            proc2 = subprocess.Popen(cmd[:4] + ["--interval", str(GAP_INTERVAL)] + cmd[4:], stdout=out, stderr=err)
        time.sleep(1.0)
        flood = g.run("postmortem flood 3", timeout=180)
        time.sleep(GAP_INTERVAL / 1000 + 1)
        try:
            g.qmp.cmd("quit")
        except (G.GuestError, OSError):
            pass
        rc2 = G.wait_or_kill(proc2, 20)
    except G.GuestError as e:
        tap(False, "%s: guest and follower ran" % COMBO, e)
        for p in (proc, proc2):
            if p and p.poll() is None:
                p.kill()
        return
    finally:
        g.kill()
    with open(out_path) as f:
        lines = [json.loads(ln) for ln in f if ln.strip()]
    with open(err_path) as f:
        stderr = f.read()
    check(lines, stderr, rc, parse_kmsg(kmsg.replace("\r", "")))
    with open(gap_path) as f:
        lines = [json.loads(ln) for ln in f if ln.strip()]
    with open(gap_path + ".stderr") as f:
        stderr = f.read()
    check_gap(lines, stderr, rc2, flood.strip())


def check_gap(lines, stderr, rc, flood):
    seqs = [r["seq"] for r in lines if "gap" not in r]
    lost = sum(r["gap"] for r in lines if "gap" in r)
    ngap = sum(1 for r in lines if "gap" in r)
    ok = seqs and ngap and all(b > a for a, b in zip(seqs, seqs[1:])) and len(seqs) + lost == seqs[-1] - seqs[0] + 1
    tap(ok, "%s: every %d ms through a flood (%s): %d printed, %d lost in %d gap lines, covering seq %s..%s"
        % (COMBO, GAP_INTERVAL, flood, len(seqs), lost, ngap, seqs[0] if seqs else "-", seqs[-1] if seqs else "-"))
    tap(rc == 3 and "went away" in stderr, "%s: the slow follower exits 3 when QEMU quits, saying so" % COMBO,
        "rc=%s stderr=%s" % (rc, stderr.strip()[-400:]))


def check(lines, stderr, rc, guest):
    recs = [r for r in lines if "seq" in r and "gap" not in r]
    gaps = [r for r in lines if "gap" in r]
    seqs = [r["seq"] for r in recs]
    bad = [(a, b) for a, b in zip(seqs, seqs[1:]) if b <= a]
    tap(not bad and recs, "%s: follower printed %d records in strictly rising seq order" % (COMBO, len(recs)),
        "out of order or repeated: %s" % bad[:10])
    note("%s: %d gap lines, %d records lost" % (COMBO, len(gaps), sum(r["gap"] for r in gaps)))
    by_text = {}
    for r in recs:
        if r.get("text", "").startswith(TAG + " "):
            by_text.setdefault(r["text"], []).append(r)
    want = sorted(guest.values(), key=lambda r: r["seq"])
    diffs = []
    for w in want:
        got = by_text.get(w["text"], [])
        if len(got) != 1:
            diffs.append("%r: printed %d times" % (w["text"], len(got)))
            continue
        for k in ("seq", "level", "facility"):
            if got[0][k] != w[k]:
                diffs.append("%r: %s %r, guest %r" % (w["text"], k, got[0][k], w[k]))
    tap(len(want) == MARKERS and not diffs,
        "%s: all %d of %d markers the guest read in /dev/kmsg followed once, same seq, text, level, facility"
        % (COMBO, len(want) - len(diffs), len(want)), "\n".join(diffs[:20]) or "guest shows %d" % len(want))
    tap(rc == 130, "%s: follower exits 130 on SIGTERM" % COMBO, "rc=%s stderr=%s" % (rc, stderr.strip()[-400:]))


def main():
    cache = os.environ.get("BTFWALK_CACHE") or os.path.expanduser("~/.cache/btfwalk")
    initrd = os.path.join(ROOT, "build", "e2e", "initramfs.cpio.gz")
    src = [os.path.join(HERE, "probes", "postmortem.c"), os.path.join(HERE, "init")]
    if not os.path.exists(initrd) or os.path.getmtime(initrd) < max(os.path.getmtime(f) for f in src):
        subprocess.run([os.path.join(HERE, "mkinitramfs.sh"), initrd], check=True)
    if not os.access(BTFWALK, os.X_OK):
        tap(False, "btfwalk is built (%s)" % BTFWALK)
        return
    if not os.path.exists(os.path.join(cache, "kernels", COMBO.rsplit("-", 1)[0], "vmlinuz")):
        tap(False, "%s: kernel (make kernels)" % COMBO)
        return
    run(cache, initrd)


if __name__ == "__main__":
    main()
