"""Run queues per scheduling class (issue 11): `btfwalk runq --json` against the guest's own
/proc/PID/stat for a SCHED_FIFO, a SCHED_DEADLINE and (kernels with sched_ext) the SCHED_EXT
tasks.

before (this probe sorts last, so its hook runs just before the stop): the scx_spin tasks of
probe schedx are moved off the last CPU (as probe sched moved them off its I/O CPU) (a sched_ext task preempted there would wait in that
CPU's local queue until the hogs end, and the sched_ext watchdog ejects the scheduler after
30 s), then sclass.c runs a deadline task and a FIFO task on the last CPU (the deadline task is
current or queued in the deadline queue, the FIFO task waits in the rt queue); the guest's
/proc/PID/stat of each (pid, comm, state, CPU, policy) is read once both run. after: the same
read, then both are killed. check, on the raw form: every task is listed in the dump on one CPU, the
CPU the guest gave at the before or the after read, as that CPU's current task or in its queue of
the policy's class (rt for SCHED_FIFO, dl for SCHED_DEADLINE, ext for SCHED_EXT), with the guest's
pid and comm; and the guest's policies are the ones asked for. An scx_spin task may instead be
listed nowhere: btfwalk_fifo queues its tasks in the global DSQ until a CPU takes one, and
`runq` lists only each CPU's local DSQ (the TAP line names such tasks)."""
import json
import re
import time

SECONDS = 90  # the tasks' lifetime (SIGALRM) if the after hook never kills them
CLASS = {1: "rt", 6: "dl", 7: "ext"}  # /proc/PID/stat policy -> btfwalk runq queue


def _stat(g, pids):
    """pid -> {comm, state, cpu, policy} from /proc/PID/stat (fields 2, 3, 39, 41)."""
    out = g.run("for p in %s; do cat /proc/$p/stat; done 2>/dev/null; true" % " ".join(map(str, pids)))
    res = {}
    for ln in out.splitlines():
        m = re.match(r"(\d+) \((.*)\) (\S) (.*)$", ln)
        if m:
            rest = m.group(4).split()
            res[m.group(1)] = {"comm": m.group(2), "state": m.group(3), "cpu": int(rest[35]),
                               "policy": int(rest[37])}
    return res


def before(g, stage, man):
    ncpu = int(g.run("nproc").strip())
    cpu = ncpu - 1
    s = {"cpu": cpu, "scx_spin": [int(p) for p in g.run("pidof scx_spin; true").split()]}
    for p in s["scx_spin"]:
        m = re.search(r"affinity mask: ([0-9a-f]+)", g.run("taskset -p %d" % p))
        mask = (int(m.group(1), 16) if m else (1 << ncpu) - 1) & ~(1 << cpu)
        g.run("taskset -p %x %d >/dev/null" % (mask, p))
    g.run("sclass %d %d >/tmp/sclass.log 2>&1 & true" % (cpu, SECONDS))
    log = ""
    for _ in range(40):
        log = g.run("cat /tmp/sclass.log")
        if "sclass:" in log:
            break
        time.sleep(0.25)
    s["log"] = log.strip()
    m = re.search(r"sclass: fifo (\d+) deadline (\d+) cpu (\d+)", log)
    if not m:
        raise RuntimeError("sclass probe: the FIFO and deadline tasks did not start: %s" % log)
    s["fifo"], s["deadline"] = int(m.group(1)), int(m.group(2))
    s["before"] = _stat(g, [s["fifo"], s["deadline"]] + s["scx_spin"])
    man["sclass"] = s


def after(g, stage, man):
    s = man["sclass"]
    s["after"] = _stat(g, [s["fifo"], s["deadline"]] + s["scx_spin"])
    g.run("kill -9 %d %d 2>/dev/null; true" % (s["fifo"], s["deadline"]))


def check(ctx):
    s = ctx.man.get("sclass")
    desc = "%s raw: btfwalk runq lists the FIFO, deadline%s tasks on their CPU in their class's queue" % (
        ctx.label, " and %d sched_ext" % len(s["scx_spin"]) if s and s["scx_spin"] else "")
    if not s:
        return ctx.tap(False, desc, "no sclass record in the manifest")
    args = ["runq", "--json"] + ctx.man["forms"]["raw"]["args"]
    rc, out, err = ctx.btfwalk(args, ctx.cwd)
    if rc != 0:
        return ctx.tap(False, desc, "btfwalk %s -> exit %d\n%s%s" % (" ".join(args), rc, out, err))
    cpus = {c["cpu"]: c for c in json.loads(out)["cpus"]}
    listed = {}  # pid -> [(cpu, "curr" or class, task)] over every CPU
    for c, rq in cpus.items():
        listed.setdefault(rq["curr"]["pid"], []).append((c, "curr", rq["curr"]))
        for cls, tasks in rq["queued"].items():
            for t in tasks:
                listed.setdefault(t["pid"], []).append((c, cls, t))
    bad, unlisted = [], []
    want = [(s["fifo"], 1), (s["deadline"], 6)] + [(p, 7) for p in s["scx_spin"]]
    for pid, policy in want:
        b, a = s["before"].get(str(pid)), s["after"].get(str(pid))
        if not b or not a:
            bad.append("pid %d: gone from the guest's /proc (before %s, after %s)" % (pid, b, a))
            continue
        if b["policy"] != policy or a["policy"] != policy:
            bad.append("pid %d: guest policy %d/%d, not %d" % (pid, b["policy"], a["policy"], policy))
        cls, where = CLASS[policy], listed.get(pid, [])
        if policy == 7 and not where:
            # Queued in a shared DSQ (btfwalk_fifo inserts into SCX_DSQ_GLOBAL until a CPU
            # consumes it): `runq` lists local DSQs only.
            unlisted.append(pid)
            continue
        # A running deadline or rt task stays in its queue: current and queued on one CPU is right.
        if not where or len({c for c, _, _ in where}) != 1 or where[0][0] not in (b["cpu"], a["cpu"]) or \
                {q for _, q, _ in where} - {"curr", cls}:
            bad.append("pid %d (%s, guest CPU %d/%d): want current or in the %s queue there: %s" % (
                pid, b["comm"], b["cpu"], a["cpu"], cls, [(c, q) for c, q, _ in where] or "absent"))
        for c, q, t in where:
            if t["comm"] != b["comm"]:
                bad.append("pid %d on CPU %d (%s): comm %r, guest %r" % (pid, c, q, t["comm"], b["comm"]))
    ctx.tap(not bad, "%s (CPU %d: %s%s)" % (
        desc, s["cpu"], ", ".join("%d %s" % (p, CLASS[q]) for p, q in want),
        "; in no local queue (global DSQ): %s" % unlisted if unlisted else ""), "\n".join(bad))
