"""Scheduler and CPU state (issue 10): btfwalk stat, softirqs, schedstat and pressure against
the guest's own /proc files read just before the stop and just after the resume.

Boot: psi=1 (PSI on even where CONFIG_PSI_DEFAULT_DISABLED), schedstats=enable. setup: the
kernel.sched_schedstats sysctl on, loopback up, and, left running through the capture,
/bin/sched_load (sched_load.c: pinned spin/sleep threads on every CPU, two unpinned spinners, UDP
ping-pong over loopback, a fork every 50 ms). before, just ahead of its reads: /bin/io_load
(io_load.c: O_DIRECT reads of the virtio-blk disk /dev/vda from CPU IO_CPU, which the other
probes leave partly idle) and /bin/net_load (net_load.c: UDP bursts through a pfifo_fast qdisc
on lo, a paced TCP stream, an unpaced one held back by TCP small queues).
check, on the raw form:
- counters (every cpuN/aggregate column of /proc/stat, intr, ctxt, processes, every softirq
  cell, every schedstat cpu and domain value, timestamp, PSI totals) lie in [before, after];
- gauges (procs_running, procs_blocked) are at most max(before, after) + the load's runnable
  threads, since they are taken at another instant;
- PSI averages: the kernel recomputes them every 2 s (PSI_FREQ), each time moving avgN toward
  the period's pressure (0..100 %) by a factor 1 - exp(-2 s / N s), missed periods decaying
  toward 0. So after n periods an average is within 100 * (1 - exp(-2n/N)) points of where it
  was: the walker's value must be that close to the before read (n: 2-s periods from the before
  read to the dump, by jiffies: /proc/schedstat's timestamps and the walker's, HZ from the
  kernel config, plus one) and to the after read (from the dump to it), +0.02 for rounding.
  Loose for avg10 (the numa "post" traffic runs between the before read and the stop), tight
  for avg300;
- structure equals the guest's: CPU lines, softirq names and columns, schedstat version, domain
  count, names and spans per CPU, which pressure files exist and which lines they have;
- the load moved what it is there to move, by the guest's own reads (after > before): /proc/stat
  iowait (the cpu line and IO_CPU's), /proc/pressure/io some and full totals, and every softirq
  but those of NO_MOVE (tests/e2e/README.md says why those cannot move in this guest). So the
  range checks above are of counters that changed between the reads."""
import json
import math
import os
import re

CMDLINE = "psi=1 schedstats=enable"
FILES = [("stat", "/proc/stat"), ("softirqs", "/proc/softirqs"), ("schedstat", "/proc/schedstat"),
         ("pressure-cpu", "/proc/pressure/cpu"), ("pressure-memory", "/proc/pressure/memory"),
         ("pressure-io", "/proc/pressure/io"), ("pressure-irq", "/proc/pressure/irq")]
ABSENT = "@@ABSENT@@"
IO_CPU = 1  # not a CPU the postmortem and sclass probes keep busy (0 and the last): it idles
NO_MOVE = ("HI", "IRQ_POLL")  # no driver of the guest raises them


def setup(g, man):
    g.run("echo 1 > /proc/sys/kernel/sched_schedstats; ip link set lo up 2>/dev/null || "
          "ifconfig lo 127.0.0.1 up")
    out = g.run("sched_load 900 > /tmp/sched_load.log 2>&1 & echo $! > /tmp/sched_load.pid; "
                "sleep 3; cat /tmp/sched_load.log")
    man["sched_load"] = out.strip()


def _save(g, stage, when):
    for name, path in FILES:
        text = g.run("cat %s 2>/dev/null || echo %s" % (path, ABSENT))
        with open(os.path.join(stage, "sched-%s-%s" % (when, name)), "w") as f:
            f.write(text)


def before(g, stage, man):
    # Probe schedx's SCHED_EXT spinners (7.x) run whenever a CPU has no fair task, which would
    # leave IO_CPU no idle time, and so no iowait: they go elsewhere.
    ncpu = int(g.run("nproc").strip())
    for pid in g.run("pidof scx_spin; true").split():
        g.run("taskset -p %x %s >/dev/null" % (((1 << ncpu) - 1) & ~(1 << IO_CPU), pid))
    # Started here, after every probe's setup: under TCG, the kernel patching its static keys
    # (sched_ext's, when probe schedx loads its scheduler) while 4 vCPUs are this busy was seen
    # to crash the guest (a vCPU running a half-patched jump).
    out = g.run("io_load /dev/vda %d 900 > /tmp/io_load.log 2>&1 & echo $! > /tmp/io_load.pid; "
                "net_load 900 > /tmp/net_load.log 2>&1 & echo $! > /tmp/net_load.pid; "
                "sleep 1; cat /tmp/io_load.log /tmp/net_load.log" % IO_CPU)
    man["io_net_load"] = out.strip()
    _save(g, stage, "before")


def after(g, stage, man):
    _save(g, stage, "after")
    g.run("kill $(cat /tmp/sched_load.pid /tmp/io_load.pid /tmp/net_load.pid) 2>/dev/null; true")


def _read(ctx, when, name):
    with open(os.path.join(ctx.cwd, "sched-%s-%s" % (when, name))) as f:
        text = f.read()
    return None if ABSENT in text else text


def _parse_stat(text):
    res = {}
    for ln in text.splitlines():
        f = ln.split()
        if not f:
            continue
        if f[0].startswith("cpu"):
            res[f[0]] = [int(x) for x in f[1:11]]
        elif f[0] in ("intr", "ctxt", "processes", "procs_running", "procs_blocked"):
            res[f[0]] = int(f[1])
    return res


def _parse_softirqs(text):
    lines = [ln for ln in text.splitlines() if ln.strip()]
    cpus = [int(c[3:]) for c in lines[0].split()]
    rows = {}
    for ln in lines[1:]:
        name, _, vals = ln.partition(":")
        rows[name.strip()] = [int(v) for v in vals.split()]
    return cpus, rows


def _parse_schedstat(text, named):
    res = {"cpus": {}}
    cpu = None
    for ln in text.splitlines():
        f = ln.split()
        if not f:
            continue
        if f[0] == "version":
            res["version"] = int(f[1])
        elif f[0] == "timestamp":
            res["timestamp"] = int(f[1])
        elif f[0].startswith("cpu"):
            cpu = int(f[0][3:])
            res["cpus"][cpu] = {"values": [int(x) for x in f[1:]], "domains": []}
        elif f[0].startswith("domain") and cpu is not None:
            name = f[1] if named else ""
            rest = f[2:] if named else f[1:]
            res["cpus"][cpu]["domains"].append({"name": name, "span": rest[0],
                                                "values": [int(x) for x in rest[1:]]})
    return res


def _parse_pressure(text):
    res = {}
    for ln in text.splitlines():
        f = ln.split()
        if f and f[0] in ("some", "full"):
            kv = dict(x.split("=") for x in f[1:])
            res[f[0]] = {"avg10": float(kv["avg10"]), "avg60": float(kv["avg60"]),
                         "avg300": float(kv["avg300"]), "total": int(kv["total"])}
    return res


class Checker:
    def __init__(self):
        self.bad, self.n = [], 0

    def between(self, what, v, lo, hi, tol=0):
        self.n += 1
        if not isinstance(v, (int, float)) or not min(lo, hi) - tol <= v <= max(lo, hi) + tol:
            self.bad.append("%s: walker %r not in [%r, %r]%s" % (
                what, v, lo, hi, " +/- %s" % tol if tol else ""))

    def counter(self, what, v, lo, hi):
        self.n += 1
        if not isinstance(v, int) or not lo <= v <= hi:
            self.bad.append("%s: walker %r not in [before %r, after %r]" % (what, v, lo, hi))

    def equal(self, what, got, want):
        self.n += 1
        if got != want:
            self.bad.append("%s: walker %r, guest %r" % (what, got, want))


def _walk(ctx, verb):
    args = [verb, "--json"] + ctx.man["forms"]["raw"]["args"]
    rc, out, err = ctx.btfwalk(args, ctx.cwd)
    if rc != 0:
        return None, "btfwalk %s -> exit %d\n%s%s" % (" ".join(args), rc, out, err)
    try:
        return json.loads(out), None
    except ValueError as e:
        return None, "not JSON (%s): %s" % (e, out[:500])


def check_stat(ctx):
    desc = "%s raw: btfwalk stat within the guest's /proc/stat before/after" % ctx.label
    w, why = _walk(ctx, "stat")
    if w is None:
        return ctx.tap(False, desc, why)
    b, a = _parse_stat(_read(ctx, "before", "stat")), _parse_stat(_read(ctx, "after", "stat"))
    c = Checker()
    cols = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest",
            "guest_nice"]
    online = {"cpu%d" % x["cpu"]: x for x in w["cpus"] if x["online"]}
    c.equal("cpu lines", sorted(online), sorted(k for k in b if k != "cpu" and k.startswith("cpu")))
    for line in b:
        if not line.startswith("cpu"):
            continue
        got = w["cpu"] if line == "cpu" else online.get(line)
        if got is None:
            continue
        for i, col in enumerate(cols):
            c.counter("%s %s" % (line, col), got.get(col), b[line][i], a[line][i])
    for key in ("intr", "ctxt", "processes"):
        c.counter(key, w.get(key), b[key], a[key])
    slack = int(ctx.man["guest"]["nproc"]) + 6  # sched_load's threads and the shell
    for key in ("procs_running", "procs_blocked"):
        c.between(key, w.get(key), 0, max(b[key], a[key]) + slack)
    ctx.tap(not c.bad, "%s: %d values (now %s from %s)" % (desc, c.n, w.get("now_ns"),
                                                         w.get("now_source")), "\n".join(c.bad))


def check_softirqs(ctx):
    desc = "%s raw: btfwalk softirqs within the guest's /proc/softirqs before/after" % ctx.label
    w, why = _walk(ctx, "softirqs")
    if w is None:
        return ctx.tap(False, desc, why)
    bc, b = _parse_softirqs(_read(ctx, "before", "softirqs"))
    _, a = _parse_softirqs(_read(ctx, "after", "softirqs"))
    c = Checker()
    c.equal("CPU columns", w["cpus"], bc)
    c.equal("softirq names", list(w["softirqs"]), list(b))
    for name, vals in b.items():
        got = w["softirqs"].get(name, [])
        for j, v in enumerate(vals):
            c.counter("%s CPU%d" % (name, bc[j]), got[j] if j < len(got) else None, v, a[name][j])
    moved = [n for n in b if sum(a[n]) == sum(b[n])]
    ctx.tap(not c.bad, "%s: %d values (not moving between the reads: %s)" % (
        desc, c.n, ",".join(moved) or "none"), "\n".join(c.bad))


def check_schedstat(ctx):
    desc = "%s raw: btfwalk schedstat within the guest's /proc/schedstat before/after" % ctx.label
    w, why = _walk(ctx, "schedstat")
    if w is None:
        ctx.tap(False, desc, why)
        return None
    named = w["version"] >= 17
    b = _parse_schedstat(_read(ctx, "before", "schedstat"), named)
    a = _parse_schedstat(_read(ctx, "after", "schedstat"), named)
    c = Checker()
    c.equal("version", w["version"], b.get("version"))
    c.equal("schedstats switch", w.get("enabled"), 1)
    c.counter("timestamp", w["timestamp"], b["timestamp"], a["timestamp"])
    wc = {x["cpu"]: x for x in w["cpus"]}
    c.equal("cpu lines", sorted(wc), sorted(b["cpus"]))
    names = ["yld_count", "legacy", "sched_count", "sched_goidle", "ttwu_count", "ttwu_local",
             "rq_cpu_time", "rq_sched_info.run_delay", "rq_sched_info.pcount"]
    for cpu, bv in b["cpus"].items():
        got, av = wc.get(cpu), a["cpus"][cpu]
        if not got:
            continue
        for i, v in enumerate(bv["values"]):
            c.counter("cpu%d %s" % (cpu, names[i]), got.get(names[i]), v, av["values"][i])
        c.equal("cpu%d domains" % cpu, [(d["name"] if named else "", d["span"]) for d in got["domains"]],
                [(d["name"], d["span"]) for d in bv["domains"]])
        for d, (bd, ad) in enumerate(zip(bv["domains"], av["domains"])):
            if d >= len(got["domains"]):
                break
            gd = got["domains"][d]
            vals = [v for k, v in gd.items() if k not in ("domain", "name", "span")]
            c.equal("cpu%d domain%d value count" % (cpu, d), len(vals), len(bd["values"]))
            for i, v in enumerate(bd["values"]):
                c.counter("cpu%d domain%d value %d" % (cpu, d, i), vals[i] if i < len(vals) else None,
                          v, ad["values"][i])
    ctx.tap(not c.bad, "%s: %d values, version %s" % (desc, c.n, w["version"]), "\n".join(c.bad))
    return w["timestamp"]


def _psi_periods(ctx, dump_jiffies):
    """2-s PSI periods (plus one) from the before read to the dump, and from the dump to the
    after read, by jiffies."""
    hz = int(re.search(r"^CONFIG_HZ=(\d+)$", open(os.path.join(ctx.kdir, "config")).read(), re.M).group(1))
    jb = int(re.search(r"^timestamp (\d+)", _read(ctx, "before", "schedstat"), re.M).group(1))
    ja = int(re.search(r"^timestamp (\d+)", _read(ctx, "after", "schedstat"), re.M).group(1))
    return (math.ceil((dump_jiffies - jb) / (2.0 * hz)) + 1, math.ceil((ja - dump_jiffies) / (2.0 * hz)) + 1)


def check_pressure(ctx, dump_jiffies):
    desc = "%s raw: btfwalk pressure within the guest's /proc/pressure/* before/after" % ctx.label
    w, why = _walk(ctx, "pressure")
    if w is None:
        return ctx.tap(False, desc, why)
    if dump_jiffies is None:
        return ctx.tap(False, desc, "no jiffies from btfwalk schedstat to bound the averages")
    periods = _psi_periods(ctx, dump_jiffies)
    c = Checker()
    for res in ("cpu", "memory", "io", "irq"):
        bt, at = _read(ctx, "before", "pressure-" + res), _read(ctx, "after", "pressure-" + res)
        got = w.get(res, {})
        c.equal("%s present" % res, "absent" not in got, bt is not None)
        if bt is None or "absent" in got:
            continue
        b, a = _parse_pressure(bt), _parse_pressure(at)
        c.equal("%s lines" % res, sorted(k for k in got), sorted(b))
        for kind in b:
            g = got.get(kind, {})
            c.counter("%s %s total" % (res, kind), g.get("total"), b[kind]["total"], a[kind]["total"])
            for win, secs in (("avg10", 10), ("avg60", 60), ("avg300", 300)):
                v = g.get(win)
                tb = 100 * (1 - math.exp(-2.0 * periods[0] / secs)) + 0.02
                ta = 100 * (1 - math.exp(-2.0 * periods[1] / secs)) + 0.02
                c.between("%s %s %s (before read, %d periods)" % (res, kind, win, periods[0]), v,
                          b[kind][win] - tb, b[kind][win] + tb)
                c.between("%s %s %s (after read, %d periods)" % (res, kind, win, periods[1]), v,
                          a[kind][win] - ta, a[kind][win] + ta)
    ctx.tap(not c.bad, "%s: %d values" % (desc, c.n), "\n".join(c.bad))


def check_sanitized(ctx):
    """The ASan+UBSan CLI on the same dump: clean, and the same output for the four verbs."""
    desc = "%s raw: ASan+UBSan btfwalk stat/softirqs/schedstat/pressure run clean and agree" % ctx.label
    if not os.access(ctx.BTFWALK_SAN, os.X_OK):
        return ctx.emit("ok - %s # SKIP %s not built (make check builds it)" % (desc, ctx.BTFWALK_SAN))
    bad = []
    for verb in ("stat", "softirqs", "schedstat", "pressure"):
        args = [verb, "--json"] + ctx.man["forms"]["raw"]["args"]
        rc1, out1, _ = ctx.btfwalk(args, ctx.cwd)
        rc2, out2, err2 = ctx.btfwalk(args, ctx.cwd, timeout=300, exe=ctx.BTFWALK_SAN)
        if rc1 or rc2 or out1 != out2 or "Sanitizer" in err2 or "runtime error" in err2:
            bad.append("%s: plain exit %d, sanitized exit %d\n%s" % (verb, rc1, rc2, err2[-800:]))
    ctx.tap(not bad, desc, "\n".join(bad))


def check_moved(ctx):
    """The load's counters changed between the guest's before and after reads."""
    b, a = _parse_stat(_read(ctx, "before", "stat")), _parse_stat(_read(ctx, "after", "stat"))
    moved, still = [], []
    for line in ("cpu", "cpu%d" % IO_CPU):
        (moved if a[line][4] > b[line][4] else still).append("%s iowait %d -> %d" % (line, b[line][4], a[line][4]))
    bp, ap = _parse_pressure(_read(ctx, "before", "pressure-io")), _parse_pressure(_read(ctx, "after", "pressure-io"))
    for kind in ("some", "full"):
        bt, at = bp[kind]["total"], ap[kind]["total"]
        (moved if at > bt else still).append("io %s total %d -> %d" % (kind, bt, at))
    ctx.tap(not still, "%s: the guest's I/O wait counters moved between its reads (%s)" % (
        ctx.label, ", ".join(moved)), "did not move: " + ", ".join(still))
    _, bs = _parse_softirqs(_read(ctx, "before", "softirqs"))
    _, as_ = _parse_softirqs(_read(ctx, "after", "softirqs"))
    moved = ["%s %d -> %d" % (n, sum(bs[n]), sum(as_[n])) for n in bs if sum(as_[n]) > sum(bs[n])]
    still = ["%s %d -> %d" % (n, sum(bs[n]), sum(as_.get(n, []))) for n in bs
             if n not in NO_MOVE and not sum(as_.get(n, [])) > sum(bs[n])]
    ctx.tap(not still, "%s: every softirq but %s moved between the guest's reads (%s)" % (
        ctx.label, " and ".join(NO_MOVE), ", ".join(moved)), "did not move: " + ", ".join(still))


def check(ctx):
    if "raw" not in ctx.man.get("forms", {}):
        return ctx.tap(False, "%s: sched probe needs the raw form" % ctx.label)
    check_moved(ctx)
    check_stat(ctx)
    check_softirqs(ctx)
    check_pressure(ctx, check_schedstat(ctx))
    check_sanitized(ctx)
