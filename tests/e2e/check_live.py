#!/usr/bin/env python3
"""Live guests: `btfwalk watch --json --numa --rq` against running 2-node QEMU guests (TCG).

For each combo (LIVE_COMBOS, default "trixie-bpo-l5") two guests (LIVE_MODES, default "files qmp")
boot, one at a time: one whose
node RAM is memory-backend-file (watched through the files) and one with plain anonymous RAM
(memory-backend-ram), attached by QMP. While the watch samples every 100 ms, the guest runs
tests/e2e/probes/numa_phases (quiet 2 s, traffic 4 s at 48 pages per 10 ms bound to node 1,
quiet 3 s) which logs its own numastat and CLOCK_MONOTONIC at each phase edge, and the rate it
measured; QMP stop for 1.2 s in the second quiet phase; then QMP quit: the watch must exit 3 saying
the guest went away (through QMP, or, for the file guest, because the process that mapped its
files exited). The file guest also has a second watch that SIGINT ends (exit 130).
Checks, all against the guest's own reads:
  - every sample has every value (no errors), and every counter is non-decreasing;
  - in each quiet phase, every sample taken between the guest's two numastat reads lies between
    them (samples are placed by the host time the guest's console line arrived, less 0.25 s);
  - the traffic-phase rate of node 1's numa_hit is within 15% of the guest's own rate. Both are
    in the guest's clock: the guest divides by its CLOCK_MONOTONIC, btfwalk's rate is divided by
    the jiffies_64 delta read in the same samples (HZ from the kernel's config). Under TCG the
    host's clock and the guest's drift apart (and the guest's stops while paused), so a host-time
    rate is printed for information only;
  - the spinning CPU has work queued on every sample while the phases run (pause excepted), and
    its rq.clock advances on every sample in which guest time (jiffies_64) passed: on a loaded
    host a TCG guest can be starved for a sample, and then no clock in it moves;
  - while paused, samples go on without errors and jiffies_64 stands still; after cont it moves;
  - the stall flag: while paused, the spinning CPU (work queued, clock standing) is flagged once
    --stall samples have passed; no CPU is flagged while the guest runs;
  - the watch ends with the documented exit code and message.
Then, with the same watch (it also has --stat --softirqs --schedstat --pressure), the scheduler
walks: the guest runs a shell spinner pinned to CPU 2, and reads its own /proc/stat,
/proc/softirqs, /proc/schedstat and /proc/pressure/* READS times, one console command each, a
little apart. A guest read happens after the host sent its command (t_send) and before its output
came back (t_recv); a sample's read starts after its "t" (the CLI takes t, then reads) and is over
once its line is in the output file. So a sample whose t is after read i's t_recv, and whose line
was in the file when read i+1's command was sent, was read between the two guest reads, whatever
the two clocks (host, TCG guest) do. Checks:
  - every walk counter is non-decreasing over all samples;
  - every such bracketed sample lies between the two guest reads, value by value (all of
    /proc/stat's CPU columns and intr/ctxt/processes, every softirq of every CPU, the runqueue
    columns of /proc/schedstat, the PSI totals, which a /proc/pressure read aggregates before
    printing). idle and iowait may be one USER_HZ tick below the earlier read: the guest's read
    takes "now" from the clocksource, btfwalk from the last timekeeping update (documented);
  - the spinning CPU 2's busy time (all columns but idle and iowait) per guest second (jiffies_64
    and CONFIG_HZ) is what the guest's own /proc/stat over its /proc/uptime says, within 12%; at
    least 90% of its ticks are busy, most of them user (the rate itself, 100 on an idle host, is
    printed: ticks are counted only when the vCPU takes them, so a host that starves the TCG vCPU
    lowers it in the guest's own /proc/stat as in btfwalk);
  - a value is an error only where the guest has no such /proc file (pressure.irq).
"""
import json
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import guest as G  # noqa: E402
from tap import note, tap  # noqa: E402

ROOT = G.ROOT
BTFWALK = os.environ.get("BTFWALK") or os.path.join(ROOT, "build", "btfwalk")
COMBOS = os.environ.get("LIVE_COMBOS", "trixie-bpo-l5").split()
MODES = os.environ.get("LIVE_MODES", "files qmp").split()
RATE_TOLERANCE = 0.15
EDGE_MARGIN = 0.25  # s: console latency allowance around a phase edge
SPIN_SETTLE = 0.5  # s
PHASES = (2, 4, 3, 48)
PAUSE = 1.2  # s of QMP stop, in the second quiet phase
READS = 6  # guest reads of its /proc files in the scheduler-walk phase
READ_GAP = 0.8  # s between them
BUSY_CPU = 2
BUSY_TOLERANCE = 0.12
WALKS = ("stat.", "softirqs.", "schedstat.", "pressure.")
STAT_COLS = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice")
SCHEDSTAT_COLS = ("yld_count", None, "sched_count", "sched_goidle", "ttwu_count", "ttwu_local",
                  "rq_cpu_time", "run_delay", "pcount")
PROC_FILES = "/proc/uptime /proc/interrupts /proc/stat /proc/softirqs /proc/schedstat /proc/pressure/cpu /proc/pressure/memory /proc/pressure/io"
STALL = 3  # --stall: samples  # quiet s, traffic s, quiet s, pages per 10 ms


def config_hz(kdir):
    with open(os.path.join(kdir, "config")) as f:
        m = re.search(r"^CONFIG_HZ=(\d+)$", f.read(), re.M)
    return int(m.group(1)) if m else None


EDGE_RX = re.compile(rb"numa_phases: (\w+) (start|end) t=([\d.]+)([^\n]*)\n")


def parse_edges(g, start):
    edges = {}
    for m in EDGE_RX.finditer(bytes(g.out), start):
        nodes, node = {}, None
        for f in m.group(4).decode().split():
            if f.startswith("node") and "=" not in f:
                node = int(f[4:])
                nodes[node] = {}
            elif node is not None and "=" in f:
                k, v = f.split("=")
                nodes[node][k] = int(v)
        edges[(m.group(1).decode(), m.group(2).decode())] = {
            "guest_t": float(m.group(3)), "host_t": g.arrival(m.end() - 1), "numastat": nodes}
    return edges


def samples_between(samples, t0, t1):
    return [s for s in samples if t0 <= s["t"] <= t1]


def run_guest(tag, paging, mode, cache, initrd):
    kdir = os.path.join(cache, "kernels", tag)
    label = "%s %s %s" % (tag, paging, mode)
    work = os.path.join(cache, "live", "%s-%s-%s" % (tag, paging, mode))
    os.makedirs(work, exist_ok=True)
    hz = config_hz(kdir)
    g = G.Guest(kdir, initrd, work, paging=paging, cpus=4, file_ram=(mode == "files"),
                watch_qmp=(mode == "qmp"), traffic_mib=2)
    out_path, err_path = os.path.join(work, "watch.jsonl"), os.path.join(work, "watch.stderr")
    proc = sigint_proc = None
    try:
        g.boot_ready(300)
        if mode == "files":
            src = ["%s@0x%x" % (g.node_path(n), g.node_base(n)) for n in range(g.nodes)]
        else:
            src = ["--qemu", g.watch_qmp_path()]
        cmd = [BTFWALK, "watch", "--json", "--interval", "100", "--numa", "--rq", "--stall", str(STALL),
               "--stat", "--softirqs", "--schedstat", "--pressure"] + src + ["--counter", "jiffies_64"]
        t_attach = time.monotonic()
        with open(out_path, "w") as out, open(err_path, "w") as err:
            proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        if mode == "files":
            sigint_proc = subprocess.Popen([BTFWALK, "watch", "--numa"] + src, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.PIPE)
        while time.monotonic() - t_attach < 60 and proc.poll() is None:
            if os.path.getsize(out_path):
                break
            time.sleep(0.01)
        note("%s: first sample %.0f ms after starting the CLI" % (label, (time.monotonic() - t_attach) * 1e3))
        start = len(g.out)
        g.run("(numa_phases %d %d %d %d &)" % PHASES)
        # Pause the VM in the second quiet phase, while the spinner still runs.
        if not g.wait_for(rb"numa_phases: quiet2 start", 180, start):
            raise G.GuestError("numa_phases did not reach its second quiet phase")
        time.sleep(0.3)
        t_stop = time.monotonic()
        g.qmp.cmd("stop")
        time.sleep(PAUSE)
        t_cont = time.monotonic()
        g.qmp.cmd("cont")
        if not g.wait_for(rb"numa_phases: done\n", 180, start):
            raise G.GuestError("numa_phases did not finish")
        reads = guest_reads(g, out_path)
        with open(os.path.join(work, "guest-reads.json"), "w") as f:
            json.dump(reads, f)
        time.sleep(1.0)
        t_end = time.monotonic()
        sigint = None
        if sigint_proc:
            sigint_proc.send_signal(signal.SIGINT)
            sigint = (G.wait_or_kill(sigint_proc, 20), sigint_proc.stderr.read().decode(errors="replace"))
        try:
            g.qmp.cmd("quit")
        except (G.GuestError, OSError):
            pass
        rc = G.wait_or_kill(proc, 20)
        edges = parse_edges(g, start)
        rate_m = re.compile(rb"numa_phases: traffic rate node1 numa_hit=([\d.]+)/s").search(bytes(g.out), start)
    except G.GuestError as e:
        tap(False, "%s: guest and watch ran" % label, e)
        for p in (proc, sigint_proc):
            if p and p.poll() is None:
                p.kill()
        return
    finally:
        g.kill()
    with open(out_path) as f:
        samples = [json.loads(ln) for ln in f if ln.strip()]
    with open(err_path) as f:
        stderr = f.read()
    for s in samples:
        s["t"] = float(s["t"])
    check(label, mode, hz, samples, stderr, rc, edges, rate_m, t_stop, t_cont, t_end, sigint)
    check_walks(label, hz, samples, reads)


def lines_in(path):
    with open(path, "rb") as f:
        return f.read().count(b"\n")


def guest_reads(g, out_path):
    """The scheduler-walk phase: load, a spinner on BUSY_CPU, then READS reads of the guest's own
    /proc files, each with the host times around it and the samples written before it began."""
    g.run("echo 1 >/proc/sys/kernel/sched_schedstats")
    # Only the spinner is busy: under TCG every busy vCPU is a host thread, and a starved vCPU
    # misses ticks. The guest is killed at the end, the timeout is a backstop.
    g.run("(timeout 120 taskset -c %d sh -c 'while :; do :; done' &)" % BUSY_CPU)
    irq = g.run("test -e /proc/pressure/irq && echo yes || echo no").strip() == "yes"
    time.sleep(0.5)
    reads = []
    for _ in range(READS):
        done = lines_in(out_path)  # these samples were over before this read began
        t_send = time.monotonic()
        text = g.run("for f in %s; do echo @@F $f; cat $f; done" % PROC_FILES)
        reads.append({"done_before": done, "t_send": t_send, "t_recv": time.monotonic(),
                      "values": parse_proc(text), "irq_file": irq})
        time.sleep(READ_GAP)
    return reads


def parse_proc(text):
    """The guest's /proc/{stat,softirqs,schedstat,pressure/*} as watch value names."""
    v, psi, cpus, uptime = {}, None, None, False
    for ln in text.splitlines():
        f = ln.split()
        if not f:
            continue
        if f[0] == "@@F":
            psi = f[1].split("/")[-1] if f[1].startswith("/proc/pressure/") else None
            uptime = f[1] == "/proc/uptime"
        elif uptime:
            v["uptime"] = float(f[0])
            uptime = False
        elif re.match(r"cpu\d* ", ln) and len(f) == 11:  # /proc/stat
            for col, x in zip(STAT_COLS, f[1:]):
                v["stat.%s.%s" % (f[0], col)] = int(x)
        elif f[0] in ("intr", "ctxt", "processes") and len(f) >= 2:
            v["stat." + f[0]] = int(f[1])
        elif f[0].startswith("CPU"):
            cpus = [int(c[3:]) for c in f]
        elif f[0].endswith(":") and cpus and len(f) == len(cpus) + 1:  # /proc/softirqs
            for c, x in zip(cpus, f[1:]):
                v["softirqs.cpu%d.%s" % (c, f[0][:-1])] = int(x)
        elif re.match(r"cpu\d+$", f[0]) and len(f) == 10:  # /proc/schedstat
            for col, x in zip(SCHEDSTAT_COLS, f[1:]):
                if col:
                    v["schedstat.%s.%s" % (f[0], col)] = int(x)
        elif f[0] in ("some", "full") and psi:
            total = [x for x in f if x.startswith("total=")]
            v["pressure.%s.%s.total" % (psi, f[0])] = int(total[0][6:])
    return v


def check_walks(label, hz, samples, reads):
    if len(reads) < READS or len(samples) < 2:
        tap(False, "%s: scheduler walks: the guest read its /proc files %d times" % (label, len(reads)))
        return
    names = [k for k in samples[-1]["values"] if k.startswith(WALKS)]
    want = {k for r in reads for k in r["values"] if k != "uptime"}
    missing = sorted(want - set(samples[-1]["values"]))
    errs = sorted({k for s in samples for k in s["errors"] if k.startswith(WALKS)})
    allowed = [] if reads[0]["irq_file"] else ["pressure.irq"]
    tap(not missing and errs == allowed and len(want) > 100,
        "%s: scheduler walks: %d values, every one of the guest's %d /proc values among them; errors "
        "only where the guest has no /proc file (%s)" % (label, len(names), len(want), ", ".join(allowed) or "none"),
        "missing %s; errors %s" % (missing[:10], errs[:10]))

    counters = [k for k in names if not re.search(r"(procs_\w+|\.avg\d+|schedstat\.enabled)$", k)]
    back = [(k, a["sample"], a["values"][k], b["values"][k]) for a, b in zip(samples, samples[1:])
            for k in counters if k in a["values"] and k in b["values"] and b["values"][k] < a["values"][k]]
    tap(not back and counters, "%s: scheduler walks: %d counters non-decreasing over %d samples" % (
        label, len(counters), len(samples)), back[:5])

    bad, n, pairs = [], 0, 0
    for lo, hi in zip(reads, reads[1:]):
        inside = [s for s in samples if s["t"] > lo["t_recv"] and s["sample"] < hi["done_before"]]
        pairs += bool(inside)
        for s in inside:
            for k, v0 in lo["values"].items():
                if k == "uptime":
                    continue
                v, v1 = s["values"].get(k), hi["values"].get(k)
                slack = 1 if k.endswith((".idle", ".iowait")) else 0
                n += 1
                if v is None or v1 is None or not v0 - slack <= v <= v1:
                    bad.append((s["sample"], k, v0, v, v1))
    tap(pairs >= READS - 2 and n > 1000 and not bad,
        "%s: scheduler walks: %d values of samples taken between two guest reads (%d of %d gaps) lie "
        "between them" % (label, n, pairs, READS - 1), bad[:8])

    # The busy CPU's ticks per guest second: btfwalk's between two samples (guest seconds from
    # jiffies_64), the guest's own between its first and last read (its /proc/uptime).
    win = [s for s in samples if reads[0]["t_recv"] < s["t"] and s["sample"] < reads[-1]["done_before"]]
    cpu = "stat.cpu%d." % BUSY_CPU
    busy = [c for c in STAT_COLS if c not in ("idle", "iowait")]
    g0, g1 = reads[0]["values"], reads[-1]["values"]
    gsecs = g1.get("uptime", 0) - g0.get("uptime", 0)
    grate = sum(g1[cpu + c] - g0[cpu + c] for c in busy) / gsecs if gsecs > 0 else 0
    if len(win) >= 2 and hz:
        a, b = win[0], win[-1]
        secs = (b["values"]["jiffies_64"] - a["values"]["jiffies_64"]) / hz
        rate = sum(b["values"][cpu + c] - a["values"][cpu + c] for c in busy) / secs if secs else 0
        user = (b["values"][cpu + "user"] - a["values"][cpu + "user"]) / secs if secs else 0
        total = sum(b["values"][cpu + c] - a["values"][cpu + c] for c in STAT_COLS)
        note("%s: CPU %d busy: btfwalk %.1f ticks/s (user %.1f) over %.2f guest s; the guest's own %.1f/s "
             "over %.2f s" % (label, BUSY_CPU, rate, user, secs, grate, gsecs))
        tap(abs(grate - rate) <= BUSY_TOLERANCE * max(grate, rate) and total and rate * secs >= 0.9 * total
            and user >= 0.8 * rate,
            "%s: the spinning CPU %d: busy %.1f ticks per guest second as the guest's own /proc/stat says "
            "(%.1f, within %d%%), %.0f%% of its ticks busy, mostly user (%.1f)" % (
                label, BUSY_CPU, rate, grate, BUSY_TOLERANCE * 100, 100 * rate * secs / total if total else 0,
                user))
        # Ticks are counted only when the vCPU takes them: a TCG vCPU the host starves loses
        # some, in the guest's own /proc/stat as in btfwalk. The agreement above is the check;
        # how near 100 the rate is says how busy the host was.
        note("%s: the spinning CPU %d at %.1f of 100 ticks per second (load %.1f)" % (
            label, BUSY_CPU, rate, os.getloadavg()[0]))
    else:
        tap(False, "%s: busy CPU rate" % label, "%d samples in the window, HZ %s" % (len(win), hz))


def check(label, mode, hz, samples, stderr, rc, edges, rate_m, t_stop, t_cont, t_end, sigint):
    want = ("quiet1", "start"), ("quiet1", "end"), ("traffic", "start"), ("traffic", "end"), \
        ("quiet2", "start"), ("quiet2", "end")
    tap(len(samples) >= 40 and all(k in edges for k in want) and rate_m,
        "%s: %d samples, the guest logged every phase edge and its rate" % (label, len(samples)),
        "edges: %s" % sorted(edges))
    if len(samples) < 2 or not all(k in edges for k in want) or not rate_m:
        return
    # The scheduler walks' values are checked against the guest's /proc files in check_walks.
    errs = [(s["sample"], s["errors"]) for s in samples
            if [k for k in s["errors"] if not k.startswith(WALKS)]]
    tap(not errs and [s["sample"] for s in samples] == list(range(len(samples))),
        "%s: every sample has every value, numbered without gaps" % label, errs[:3])

    counters = [k for k in samples[0]["values"] if k.startswith("numa.") or k == "jiffies_64" or k.endswith(".clock")]
    back = [(k, a["sample"], a["values"][k], b["values"][k]) for a, b in zip(samples, samples[1:])
            for k in counters if b["values"][k] < a["values"][k]]
    tap(not back, "%s: %d counters non-decreasing over %d samples" % (label, len(counters), len(samples)), back[:5])

    for phase in ("quiet1", "quiet2"):
        lo, hi = edges[(phase, "start")], edges[(phase, "end")]
        inside = samples_between(samples, lo["host_t"], hi["host_t"] - EDGE_MARGIN)
        bad = []
        for s in inside:
            for node, vals in lo["numastat"].items():
                for name, v0 in vals.items():
                    v = s["values"].get("numa.node%d.%s" % (node, name))
                    v1 = hi["numastat"][node][name]
                    if v is None or not v0 <= v <= v1:
                        bad.append((s["sample"], node, name, v0, v, v1))
        tap(len(inside) >= 5 and not bad,
            "%s: %s: %d samples lie between the guest's own numastat reads of the phase" % (label, phase, len(inside)),
            bad[:5] if bad else "only %d samples in the phase" % len(inside))

    lo, hi = edges[("traffic", "start")], edges[("traffic", "end")]
    inside = samples_between(samples, lo["host_t"] + EDGE_MARGIN, hi["host_t"] - EDGE_MARGIN)
    guest_rate = float(rate_m.group(1))
    if len(inside) >= 2 and hz:
        a, b = inside[0], inside[-1]
        dhit = b["values"]["numa.node1.numa_hit"] - a["values"]["numa.node1.numa_hit"]
        djif = b["values"]["jiffies_64"] - a["values"]["jiffies_64"]
        rate = dhit / (djif / hz) if djif else 0.0
        host_rate = dhit / (b["t"] - a["t"])
        note("%s: node1 numa_hit rate: guest %.1f/s, btfwalk %.1f/s per guest second (jiffies, HZ=%d), "
             "%.1f/s per host second" % (label, guest_rate, rate, hz, host_rate))
        tap(abs(rate - guest_rate) <= RATE_TOLERANCE * guest_rate,
            "%s: traffic rate within %d%% of the guest's own (%.1f vs %.1f/s)" % (
                label, RATE_TOLERANCE * 100, rate, guest_rate))
    else:
        tap(False, "%s: traffic rate" % label, "%d samples in the traffic phase, HZ %s" % (len(inside), hz))

    # The spinner starts with the first phase; give it SPIN_SETTLE to be running on its CPU.
    run = [s for s in samples_between(samples, edges[("quiet1", "start")]["host_t"] + SPIN_SETTLE,
                                      edges[("quiet2", "end")]["host_t"] - EDGE_MARGIN)
           if not t_stop <= s["t"] <= t_cont + 0.3]
    busy = "rq.cpu3.clock"
    # A loaded host can starve the whole TCG guest for a sample or two: then no guest time passed
    # (jiffies_64 stands still) and no clock can move. Every sample in which guest time passed
    # must see the busy CPU's clock advance.
    moved = [(a, b) for a, b in zip(run, run[1:]) if b["values"]["jiffies_64"] > a["values"]["jiffies_64"]]
    still = [a["sample"] for a, b in moved if b["values"][busy] <= a["values"][busy]]
    idle = [s["sample"] for s in run if s["values"]["rq.cpu3.nr_running"] < 1]
    tap(len(moved) >= 20 and not still and not idle,
        "%s: the spinning CPU 3 has work queued on %d samples, and its %s advanced on each of the %d in "
        "which guest time passed" % (label, len(run), busy, len(moved)),
        "clock still at %s; nr_running 0 at %s" % (still[:10], idle[:10]))

    paused = samples_between(samples, t_stop + EDGE_MARGIN, t_cont - EDGE_MARGIN)
    after = samples_between(samples, t_cont + EDGE_MARGIN, t_end)
    jif = {s["values"]["jiffies_64"] for s in paused}
    tap(len(paused) >= 3 and len(jif) == 1 and not [k for s in paused for k in s["errors"] if not k.startswith(WALKS)]
        and len(after) >= 3
        and after[-1]["values"]["jiffies_64"] > max(jif),
        "%s: paused (QMP stop): %d samples, jiffies_64 still; resumed: %d samples, it moves on" % (
            label, len(paused), len(after)), "jiffies while paused: %s" % sorted(jif)[:5])
    # While paused, the spinner's runqueue has work and a clock that stands still: a stall.
    late = [s for s in paused if s["t"] >= t_stop + EDGE_MARGIN + (STALL + 1) * 0.1]
    before = samples_between(samples, t_stop - 1.0, t_stop - 0.05)
    tap(late and all(3 in s["stalled"] and s["values"]["rq.cpu3.nr_running"] > 0 for s in late)
        and before and not any(s["stalled"] for s in before)
        and not any(s["stalled"] for s in samples_between(samples, t_cont + 0.5, edges[("quiet2", "end")]["host_t"])),
        "%s: stall flag: CPU 3 (busy) flagged after %d paused samples, no CPU flagged while running" % (label, STALL),
        [(s["sample"], s["stalled"]) for s in paused + before])

    tap(rc == 3 and "the guest went away" in stderr
        and (mode == "qmp" or "which mapped its memory files, exited" in stderr),
        "%s: QMP quit ends the watch: exit 3, 'the guest went away'" % label, "exit %s: %s" % (rc, stderr))
    if sigint:
        tap(sigint[0] == 130 and "interrupted after" in sigint[1],
            "%s: SIGINT ends a second watch: exit 130, 'interrupted after N samples'" % label,
            "exit %s: %s" % sigint)


def main():
    cache = os.environ.get("BTFWALK_CACHE") or os.path.expanduser("~/.cache/btfwalk")
    initrd = os.path.join(ROOT, "build", "e2e", "initramfs.cpio.gz")
    src = [os.path.join(HERE, "probes", "numa_phases.c"), os.path.join(HERE, "init")]
    if not os.path.exists(initrd) or os.path.getmtime(initrd) < max(os.path.getmtime(f) for f in src):
        subprocess.run([os.path.join(HERE, "mkinitramfs.sh"), initrd], check=True)
    if not os.access(BTFWALK, os.X_OK):
        tap(False, "btfwalk is built (%s)" % BTFWALK)
        return
    for combo in COMBOS:
        tag, paging = combo.rsplit("-", 1)
        kdir = os.path.join(cache, "kernels", tag)
        if not os.path.exists(os.path.join(kdir, "vmlinuz")):
            tap(False, "%s: kernel in %s (make kernels)" % (combo, kdir))
            continue
        for mode in MODES:
            run_guest(tag, paging, mode, cache, initrd)


if __name__ == "__main__":
    main()
