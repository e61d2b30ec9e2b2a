#!/usr/bin/env python3
"""End-to-end test: real Debian kernels in 2-node QEMU guests against btfwalk. Prints TAP lines.

For each kernel (6.12 = trixie, 7.x = trixie-bpo) and paging mode (l5: TCG -cpu max; l4:
la57=off), plus 6.1 (bookworm) with 4-level paging: boot, make NUMA traffic, capture raw (pmemsave), ELF (dump-guest-memory) and per-node
backend files, with the guest's numastat read just before and just after (and, between the first
read and the stop, 512 pages of bind/interleave traffic per node that only the per-CPU counters
hold). Then, for every capture form, every online node and every counter: before (+ 512 for
numa_hit, other_node, interleave_hit) <= `btfwalk numa --json` <= after; and a few
`btfwalk read` values against what the guest itself printed (uname -r, hostname, nproc, ...).

Each fresh capture replaces $BTFWALK_CACHE/dumps/<tag>-<l4|l5>/ (only once it is complete), so the
checks that run after this one (tests/walker, tests/embed, tests/valgrind) use dumps made by this
very run, with the guest's /proc/kallsyms beside them.

Env: BTFWALK (CLI path), BTFWALK_SAN (sanitizer build), BTFWALK_CACHE.
E2E_COMBOS="trixie-bpo-l5 ..." narrows the set; E2E_KALLSYMS=0 skips saving /proc/kallsyms (~15 s
per guest over the serial console).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import guest as G  # noqa: E402

ROOT = G.ROOT
BTFWALK = os.environ.get("BTFWALK") or os.path.join(ROOT, "build", "btfwalk")
BTFWALK_SAN = os.environ.get("BTFWALK_SAN") or os.path.join(ROOT, "build-san", "btfwalk")
COMBOS = os.environ.get("E2E_COMBOS", "trixie-bpo-l5 trixie-bpo-l4 trixie-l5 trixie-l4 bookworm-l4").split()
T0 = time.monotonic()


LOG = None  # a copy of the TAP output in $BTFWALK_CACHE/e2e-last.log, for post-mortems


def emit(line):
    print(line)
    sys.stdout.flush()
    if LOG:
        LOG.write(line + "\n")
        LOG.flush()


def tap(ok, desc, detail=None):
    emit("%s - %s" % ("ok" if ok else "not ok", desc))
    if detail and not ok:
        for ln in str(detail).rstrip().splitlines()[:30]:
            emit("#   " + ln)
    return ok


def note(msg):
    emit("# [%5.1fs] %s" % (time.monotonic() - T0, msg))


def btfwalk(args, cwd, timeout=120, exe=None):
    try:
        p = subprocess.run([exe or BTFWALK] + args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        return 127, "", str(e)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def read_value(text):
    """The value printed by `btfwalk read` for one expression, quotes stripped.

    Accepts a bare value or `EXPR = VALUE`; a string may be printed in double quotes."""
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    if not lines:
        return None
    v = lines[-1] if len(lines) == 1 else lines[0]
    if " = " in v:
        v = v.split(" = ", 1)[1]
    v = v.strip()
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        v = v[1:-1]
    return v


def as_int(v):
    try:
        return int(v, 0)
    except (TypeError, ValueError):
        try:
            return int(v.split()[0], 0)
        except (AttributeError, IndexError, ValueError):
            return None


def count_list(spec):
    n = 0
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            n += int(b) - int(a) + 1
        elif part:
            n += 1
    return n


def check_numa(label, man, form, cwd, extra):
    args = ["numa", "--json"] + extra + man["forms"][form]["args"]
    rc, out, err = btfwalk(args, cwd)
    desc = "%s %s: btfwalk numa within the guest's numastat before/after, every node and counter" % (label, form)
    if rc != 0:
        return tap(False, desc, "btfwalk %s -> exit %d\n%s%s" % (" ".join(args), rc, out, err))
    try:
        res = json.loads(out)
    except ValueError as e:
        return tap(False, desc, "output is not JSON (%s):\n%s" % (e, out[:800]))
    bad = []
    if res.get("release") != man["guest"]["uname_r"]:
        bad.append("release %r, guest says %r" % (res.get("release"), man["guest"]["uname_r"]))
    got = {str(n.get("node")): n for n in res.get("nodes", [])}
    post = man.get("post_before_stop", {}).get("at_least", {})
    for node, before in sorted(man["numastat_before"].items()):
        after = man["numastat_after"][node]
        w = got.get(node)
        if w is None:
            bad.append("node%s missing from the walker's output" % node)
            continue
        for c in G.COUNTERS:
            v = w.get(c)
            low = before[c] + post.get(c, 0)
            if not isinstance(v, int) or not low <= v <= after[c]:
                bad.append("node%s %s: walker %s not in [before %d%s, after %d]" % (
                    node, c, v, before[c], " + %d unfolded per-CPU events" % post[c] if c in post else "",
                    after[c]))
    if set(got) - set(man["numastat_before"]):
        bad.append("walker reports nodes the guest does not have: %s" % sorted(set(got) - set(man["numastat_before"])))
    return tap(not bad, desc, "\n".join(bad))


def iomem_max_pfn(path):
    """1 + the last page frame of System RAM below 4 GiB, as the guest's /proc/iomem shows."""
    end = 0
    for ln in open(path):
        rng, _, name = ln.strip().partition(" : ")
        if name == "System RAM":
            end = max(end, int(rng.split("-")[1], 16) + 1)
    return end >> 12


def check_reads(label, man, form, cwd):
    g = man["guest"]
    dump = man["forms"][form]["args"]
    ncpu = int(g["nproc"])
    checks = [
        ("init_uts_ns.name.release", g["uname_r"], "uname -r"),
        ("init_uts_ns.name.sysname", "Linux", "uname -s"),
        ("init_uts_ns.name.nodename", g["hostname"], "hostname"),
        ("init_uts_ns.name.version", g["uname_v"], "uname -v"),
        ("__cpu_online_mask.bits[0]", ("popcount", ncpu), "nproc"),
        ("nr_cpu_ids", count_list(g["cpu_possible"]), "/sys/devices/system/cpu/possible"),
        ("nr_online_nodes", count_list(g["node_online"]), "/sys/devices/system/node/online"),
        ("max_pfn", iomem_max_pfn(os.path.join(cwd, "iomem")), "/proc/iomem, end of System RAM"),
    ]
    for cpu in range(ncpu):
        checks.append(("runqueues@cpu%d.cpu" % cpu, cpu, "per-CPU runqueue of cpu%d" % cpu))
    for expr, want, why in checks:
        args = ["read"] + dump + ["--", expr]
        rc, out, err = btfwalk(args, cwd)
        got = read_value(out) if rc == 0 else None
        if isinstance(want, tuple):
            v = as_int(got)
            ok = v is not None and bin(v).count("1") == want[1]
            shown = "%s bits set" % want[1]
        else:
            ok = got is not None and (as_int(got) == want if isinstance(want, int) else got == want)
            shown = repr(want)
        tap(ok, "%s %s: btfwalk read %s == %s (guest's %s)" % (label, form, expr, shown, why),
            "btfwalk %s -> exit %d, value %r\n%s%s" % (" ".join(args), rc, got, out[:400], err[:800]))
    args = ["info"] + dump
    rc, out, err = btfwalk(args, cwd)
    m = re.search(r"cpus:.*?(\d+) online", out)
    n = re.search(r"nodes:\s*(\d+) online", out)
    ok = (rc == 0 and g["uname_r"] in out and m and int(m.group(1)) == ncpu and n and
          int(n.group(1)) == count_list(g["node_online"]))
    tap(ok, "%s %s: btfwalk info: release %s, %d CPUs online (nproc), %d nodes online" % (
        label, form, g["uname_r"], ncpu, count_list(g["node_online"])),
        "btfwalk %s -> exit %d\n%s%s" % (" ".join(args), rc, out[:600], err[:600]))


def check_cr3(label, man, cwd):
    """Translation through each vCPU's own CR3 (from HMP info registers) instead of init_top_pgt."""
    g = man["guest"]
    bad = []
    for cpu, cr3 in enumerate(man["cr3"]):
        args = ["read", "--cr3", cr3] + man["forms"]["raw"]["args"] + ["--", "init_uts_ns.name.release"]
        rc, out, err = btfwalk(args, cwd)
        got = read_value(out) if rc == 0 else None
        if got != g["uname_r"]:
            bad.append("cpu%d CR3 %s: btfwalk %s -> exit %d, value %r %s" % (cpu, cr3, " ".join(args), rc, got,
                                                                           err[:300]))
    tap(not bad, "%s raw: btfwalk read --cr3 <each vCPU's CR3> init_uts_ns.name.release == uname -r" % label,
        "\n".join(bad))


def check_sanitized(label, man, cwd):
    """The ASan+UBSan build of the CLI on the real per-node dump: clean, and the same numbers."""
    desc = "%s nodes: ASan+UBSan btfwalk numa runs clean and agrees with the plain build" % label
    if not os.access(BTFWALK_SAN, os.X_OK):
        emit("ok - %s # SKIP %s not built (make check builds it)" % (desc, BTFWALK_SAN))
        return
    args = ["numa", "--json"] + man["forms"]["nodes"]["args"]
    rc1, out1, err1 = btfwalk(args, cwd)
    rc2, out2, err2 = btfwalk(args, cwd, timeout=300, exe=BTFWALK_SAN)
    tap(rc1 == 0 and rc2 == 0 and out1 == out2 and "Sanitizer" not in err2 and "runtime error" not in err2, desc,
        "plain exit %d, sanitized exit %d\n%s\n%s\n%s" % (rc1, rc2, out1[:300], out2[:300], err2[-1500:]))


def main():
    global LOG
    cache = G.CACHE
    os.makedirs(cache, exist_ok=True)
    LOG = open(os.path.join(cache, "e2e-last.log"), "w")
    work = os.path.join(cache, "dumps")
    tags = sorted({c.rsplit("-", 1)[0] for c in COMBOS})
    note("btfwalk: %s; combos: %s" % (BTFWALK, " ".join(COMBOS)))
    missing = [t for t in ("qemu-system-x86_64", "cpio", "busybox") if not shutil.which(t)]
    if not tap(not missing, "e2e prerequisites present (qemu-system-x86_64, cpio, busybox)",
               "missing: %s (make deps)" % " ".join(missing)):
        return 1
    p = subprocess.run([os.path.join(ROOT, "fixtures", "fetch-kernels.sh")] + tags,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if not tap(p.returncode == 0, "fetch Debian kernels: %s" % " ".join(tags), p.stdout.decode(errors="replace")):
        return 1
    initrd = os.path.join(ROOT, "build", "e2e", "initramfs.cpio.gz")
    probes = os.path.join(HERE, "probes")
    src = [os.path.join(HERE, f) for f in ("numa_traffic.c", "blobpages.c", "init", "mkinitramfs.sh")] + \
        [os.path.join(probes, f) for f in os.listdir(probes) if f.endswith(".c")] + \
        [os.path.join(probes, d, f) for d in os.listdir(probes) if os.path.isdir(os.path.join(probes, d))
         for f in os.listdir(os.path.join(probes, d))]
    if not os.path.exists(initrd) or os.path.getmtime(initrd) < max(os.path.getmtime(f) for f in src):
        p = subprocess.run([os.path.join(HERE, "mkinitramfs.sh"), initrd], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        if not tap(p.returncode == 0, "build the guest initramfs", p.stdout.decode(errors="replace")):
            return 1
    if not os.access(BTFWALK, os.X_OK):
        note("%s is not built: every walker check below fails" % BTFWALK)
    accel_cache = {}
    for combo in COMBOS:
        tag, paging = combo.rsplit("-", 1)
        kdir = os.path.join(cache, "kernels", tag)
        label = "%s (%s) %s" % (tag, open(os.path.join(kdir, "release")).read().strip(), paging)
        out = os.path.join(work, combo)
        t = time.monotonic()
        if paging not in accel_cache:
            accel_cache[paging] = G.choose_accel(os.path.join(kdir, "vmlinuz"), paging)
        accel, why = accel_cache[paging]
        ns = type("A", (), {})()
        ns.tag, ns.paging, ns.out, ns.forms, ns.cpus, ns.node_mb = tag, paging, out, "raw,elf,nodes", \
            G.DEFAULT_CPUS, 256
        ns.accel, ns.accel_given, ns.initrd = accel, True, initrd
        ns.post_pages, ns.disk_mb = 512, 16
        ns.boot_timeout, ns.traffic_timeout, ns.traffic_mib, ns.no_kallsyms = 90, 180, 8, \
            os.environ.get("E2E_KALLSYMS") == "0"
        man = err = None
        for attempt in (1, 2):  # a guest that hangs or dies gets one more try (TCG is not perfect)
            try:
                man = G.capture(ns)
                break
            except (G.GuestError, OSError, subprocess.SubprocessError) as e:
                err = e
                note("%s: capture attempt %d failed: %s" % (label, attempt, str(e).splitlines()[0]))
        tm = man["timings"] if man else {}
        if not tap(man is not None, "%s: boot, traffic and capture of raw, ELF and per-node forms (%s%s)" % (
                label, accel, ", boot %.1fs, VM stopped %.1fs" % (tm["boot"], tm["stopped"]) if man else ""),
                "%s (%s)" % (err, why)):
            for form in ("raw", "elf", "nodes"):
                tap(False, "%s %s: btfwalk numa within the guest's numastat before/after, every node and "
                    "counter" % (label, form), "no capture")
            continue
        note("%s: %s; %.1fs" % (label, json.dumps(tm), time.monotonic() - t))
        moved = [c for c in G.COUNTERS for n in man["numastat_before"] if man["numastat_before"][n][c] == 0]
        tap(not moved, "%s: every counter moved on every node before the capture" % label,
            "zero counters: %s" % moved)
        diffs = {k: v for k, v in man.get("node_vs_raw_differing_pages", {}).items() if v}
        tap(not diffs, "%s: per-node backend copies equal the raw image at their physical bases" % label,
            json.dumps(diffs)[:600])
        extra = []
        if os.path.exists(os.path.join(kdir, "System.map")):
            extra = ["--symbols", os.path.join(kdir, "System.map")]
        for form in ("raw", "elf", "nodes"):
            check_numa(label, man, form, out, extra)
        for form in ("elf", "nodes"):
            check_reads(label, man, form, out)
        check_cr3(label, man, out)
        check_sanitized(label, man, out)
        ctx = type("Ctx", (), {})()
        ctx.label, ctx.man, ctx.cwd, ctx.kdir, ctx.combo = label, man, out, kdir, combo
        ctx.tap, ctx.note, ctx.emit, ctx.btfwalk, ctx.BTFWALK_SAN = tap, note, emit, btfwalk, BTFWALK_SAN
        G.run_probes("check", ctx)
    note("e2e done in %.1fs" % (time.monotonic() - T0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
