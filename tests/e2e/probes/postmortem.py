"""Post-mortem verbs (btfwalk dmesg, ps, runq) against the guest's own /dev/kmsg and /proc.

setup: /dev/kmsg unthrottled, numbered marker lines written until the log ring has wrapped
about three times (postmortem.c flood), then sentinel tasks in known states: sleeping (one
pinned to CPU 1), stopped (SIGSTOP), zombie, D (a vfork parent), a threaded process (one of
whose threads forked a child), and busy
loops pinned to CPU 0 (two: one runs, one waits in the fair queue) and the last CPU. before: the guest's /proc/*/task/*/stat, then every
/dev/kmsg record (just before the stop). after: both files fetched into the capture directory.
check: every /dev/kmsg record still in the dump equals `btfwalk dmesg --json` (text, level,
facility, timestamp in us, SUBSYSTEM/DEVICE); every task /proc listed matches `btfwalk ps
--json` (pid, tgid, ppid, comm, kernel-thread flag; state and CPU for the sentinels); each busy
loop is current or queued on its CPU in `btfwalk runq --json`. trixie-l4 boots with
log_buf_len=1M (a ring replaced at boot)."""
import json
import os
import re

BIG_RING_COMBO = "trixie-l4"


def CMDLINE(combo):
    return "log_buf_len=1M" if combo == BIG_RING_COMBO else ""


def _pid(g, shell):
    out = g.run(shell + " & echo \"pm-pid $!\"")
    m = re.search(r"pm-pid (\d+)", out)
    if not m:
        raise RuntimeError("postmortem probe: no pid from %r: %s" % (shell, out))
    return int(m.group(1))


def setup(g, man):
    g.run("echo on >/proc/sys/kernel/printk_devkmsg")
    out = g.run("postmortem flood 3")
    m = re.search(r"flood (\d+) lines, ring (\d+) bytes", out)
    if g.last_rc != 0 or not m:
        raise RuntimeError("postmortem flood failed: %s" % out)
    ncpu = int(g.run("nproc").strip())
    s = {"flood_lines": int(m.group(1)), "ring_bytes": int(m.group(2)), "ncpu": ncpu}
    s["sleep"] = _pid(g, "postmortem sleep")
    s["sleep_pinned"] = _pid(g, "postmortem sleep 1")
    s["stopped"] = _pid(g, "postmortem sleep")
    g.run("kill -STOP %d" % s["stopped"])
    s["zombie_parent"] = _pid(g, "postmortem zombie")
    s["vfork"] = _pid(g, "postmortem vfork")
    s["threads"] = _pid(g, "postmortem threads 3")
    s["spin"] = {str(c): _pid(g, "postmortem spin %d" % c) for c in sorted({0, ncpu - 1})}
    s["spin_queued"] = _pid(g, "postmortem spin 0")  # CPU 0 runs one, the other waits queued
    g.run("sleep 1")
    man["postmortem"] = s


def before(g, stage, man):
    g.run("postmortem stat /tmp/pm.stat")
    g.run("postmortem kmsg /tmp/pm.kmsg")


def after(g, stage, man):
    for src, dst in (("/tmp/pm.stat", "pm-stat.txt"), ("/tmp/pm.kmsg", "pm-kmsg.txt")):
        with open(os.path.join(stage, dst), "wb") as f:
            f.write(g.fetch_file(src))


# ---- check ----

def _unescape(s):
    return re.sub(r"\\x([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), s)


def parse_kmsg(text):
    """{seq: record} from /dev/kmsg reads: 'PRI,SEQ,TS,FLAGS[,...];TEXT' then ' KEY=VALUE' lines."""
    recs, cur = {}, None
    for ln in text.split("\n"):
        if ln.startswith(" ") and cur is not None:
            k, _, v = ln[1:].partition("=")
            cur["dict"][k] = _unescape(v)
        elif ln:
            head, _, body = ln.partition(";")
            f = head.split(",")
            pri = int(f[0])
            cur = {"seq": int(f[1]), "ts_usec": int(f[2]), "level": pri & 7, "facility": pri >> 3,
                   "text": _unescape(body), "dict": {}}
            recs[cur["seq"]] = cur
    return recs


def parse_stat(text):
    """(self pid, {tid: task}) from 'TGID <stat line>' lines."""
    tasks, self_pid = {}, None
    for ln in text.splitlines():
        if ln.startswith("self "):
            self_pid = int(ln.split()[1])
            continue
        tgid, _, stat = ln.partition(" ")
        l, r = stat.index("("), stat.rindex(")")
        rest = stat[r + 2:].split()
        tasks[int(stat[:l])] = {"pid": int(stat[:l]), "tgid": int(tgid), "comm": stat[l + 1:r],
                                "state": rest[0], "ppid": int(rest[1]),
                                "kthread": bool(int(rest[6]) & 0x00200000), "cpu": int(rest[36])}
    return self_pid, tasks


def _kthread_comm(proc, dump):
    """/proc extends a kernel thread's comm (TASK_COMM_LEN, 15 characters) with its full name
    (kthread full_name) or its workqueue ("kworker/0:1-events"): task->comm is where it starts."""
    return proc.startswith(dump) and (len(dump) == 15 or proc[len(dump):].startswith("-"))


def _run_json(ctx, args):
    rc, out, err = ctx.btfwalk(args, ctx.cwd)
    if rc != 0:
        return None, "rc=%d: %s" % (rc, err.strip()[:800])
    try:
        return json.loads(out), None
    except ValueError as e:
        return None, "bad JSON: %s: %s" % (e, out[:400])


def check_dmesg(ctx, dump, s):
    label = "%s: btfwalk dmesg" % ctx.label
    path = os.path.join(ctx.cwd, "pm-kmsg.txt")
    j, why = _run_json(ctx, ["dmesg", "--json"] + dump)
    if not ctx.tap(j is not None and os.path.exists(path),
                   "%s --json runs on the capture" % label, why or "no pm-kmsg.txt"):
        return
    kmsg = parse_kmsg(open(path, encoding="utf-8", errors="replace").read())
    dumped = {r["seq"]: r for r in j["records"]}
    big = "log_buf_len=1M" in ctx.man["guest"]["cmdline"]
    ctx.tap(j["text_size"] == s["ring_bytes"] and j["dynamic"] == big,
            "%s: ring of %d bytes as the guest's syslog(SIZE_BUFFER), %s" % (
                label, s["ring_bytes"], "replaced at boot (log_buf_len=1M)" if big else "the static one"),
            "dump: text_size %s dynamic %s" % (j["text_size"], j["dynamic"]))
    first = min(dumped) if dumped else None
    ctx.tap(first is not None and first > 0 and max(kmsg) in dumped,
            "%s: the ring wrapped (first seq %s) and holds the last record the guest read (seq %d)" % (
                label, first, max(kmsg)), "dump seqs %s..%s" % (first, max(dumped) if dumped else None))
    bad, matched, markers = [], 0, 0
    for seq, k in sorted(kmsg.items()):
        d = dumped.get(seq)
        if d is None:
            if first is not None and seq >= first:
                bad.append("seq %d read by the guest is missing from the dump" % seq)
            continue
        got = {"seq": d["seq"], "ts_usec": d["ts_usec"], "level": d["level"], "facility": d["facility"],
               "text": d.get("text"), "dict": {k2: d[k2] for k2 in ("SUBSYSTEM", "DEVICE") if k2 in d}}
        want = dict(k, dict={k2: v for k2, v in k["dict"].items() if k2 in ("SUBSYSTEM", "DEVICE")})
        if got != want:
            bad.append("seq %d: guest %s, dump %s" % (seq, json.dumps(want)[:300], json.dumps(got)[:300]))
        else:
            matched += 1
            markers += k["text"].startswith("btfwalk-marker")
    gone = sum(1 for seq in kmsg if seq not in dumped)
    ctx.tap(not bad and matched >= 100 and markers > 0,
            "%s: all %d /dev/kmsg records still in the dump match (%d markers; %d read, %d of them "
            "overwritten before the stop): text, level, facility, timestamp (us), SUBSYSTEM/DEVICE" % (
                label, matched, markers, len(kmsg), gone), "\n".join(bad[:20]))


def check_tasks(ctx, dump, s):
    label = "%s: btfwalk ps" % ctx.label
    path = os.path.join(ctx.cwd, "pm-stat.txt")
    j, why = _run_json(ctx, ["ps", "--json"] + dump)
    if not ctx.tap(j is not None and os.path.exists(path), "%s --json runs on the capture" % label,
                   why or "no pm-stat.txt"):
        return
    self_pid, proc = parse_stat(open(path, encoding="utf-8", errors="replace").read())
    ps = {t["pid"]: t for t in j["tasks"] if not t["idle"]}
    idle = sorted((t["cpu"], t["comm"]) for t in j["tasks"] if t["idle"])
    ctx.tap(idle == [(c, "swapper/%d" % c) for c in range(s["ncpu"])],
            "%s: one idle task (pid 0, swapper/N) per CPU (%d CPUs)" % (label, s["ncpu"]), str(idle))
    # sched_load (the sched probe) forks a child every 50 ms that exits at once: one /proc saw
    # may be gone by the stop. Such a child is compared only if the dump has it.
    churn = {pid for pid, t in proc.items()
             if t["tgid"] == pid and proc.get(t["ppid"], {}).get("comm") == "sched_load"}
    bad, n, gone = [], 0, 0
    for pid, t in sorted(proc.items()):
        if pid == self_pid:
            continue
        if pid in churn and pid not in ps:
            gone += 1
            continue
        d = ps.get(pid)
        want = {k: t[k] for k in ("pid", "tgid", "ppid", "comm", "kthread")}
        got = d and {k: d[k] for k in want}
        if got and t["kthread"] and _kthread_comm(t["comm"], d["comm"]):
            got["comm"] = t["comm"]
        if got != want:
            bad.append("pid %d: /proc %s, dump %s" % (pid, want, got))
        n += 1
    ctx.tap(not bad and n > 20, "%s: all %d tasks of /proc (threads and kernel threads) found with "
            "equal pid, tgid, ppid, comm (kernel threads: /proc's longer name starts with it) and "
            "kernel-thread flag (%d short-lived sched_load children gone by the stop)" % (
                label, n, gone), "\n".join(bad[:20]))
    sent = {s["sleep"]: "S", s["sleep_pinned"]: "S", s["stopped"]: "T", s["vfork"]: "D",
            s["zombie_parent"]: "S"}
    sent.update({pid: "Z" for pid, t in proc.items() if t["ppid"] == s["zombie_parent"]})
    sent.update({pid: "S" for pid, t in proc.items() if t["tgid"] == s["threads"]})
    # The child a thread (not the leader) forked: /proc's ppid is that thread's tgid.
    sent.update({pid: "S" for pid, t in proc.items() if t["ppid"] == s["threads"] and t["tgid"] == pid})
    sent.update({p: "R" for p in list(s["spin"].values()) + [s["spin_queued"]]})
    bad = [] if len(sent) >= 14 else ["only %d sentinels found in /proc" % len(sent)]
    for pid, st in sorted(sent.items()):
        t, d = proc.get(pid), ps.get(pid)
        if not t or t["state"] != st:
            bad.append("pid %d: /proc says %s, the probe expected %s" % (pid, t and t["state"], st))
        elif not d or d["state"] != st:
            bad.append("pid %d: /proc %s, dump %s" % (pid, st, d and d["state"]))
        elif st != "R" and d["cpu"] != t["cpu"]:
            bad.append("pid %d (%s): /proc CPU %d, dump CPU %d" % (pid, st, t["cpu"], d["cpu"]))
    pinned = ps.get(s["sleep_pinned"])
    if not pinned or pinned["cpu"] != 1:
        bad.append("the task pinned to CPU 1 shows CPU %s" % (pinned and pinned["cpu"]))
    for cpu, pid in list(s["spin"].items()) + [("0", s["spin_queued"])]:
        if not ps.get(pid) or ps[pid]["cpu"] != int(cpu):
            bad.append("spinner %d pinned to CPU %s shows CPU %s" % (pid, cpu, ps.get(pid, {}).get("cpu")))
    states = "".join(sorted(set(sent.values())))
    ctx.tap(not bad, "%s: %d sentinel tasks in states %s: state and CPU as /proc "
            "says (pinned tasks on their CPU)" % (label, len(sent), states), "\n".join(bad[:20]))

    j, why = _run_json(ctx, ["runq", "--json"] + dump)
    if not ctx.tap(j is not None, "%s: btfwalk runq --json runs on the capture" % ctx.label, why):
        return
    bad = []
    for cpu, pid in s["spin"].items():
        rq = [c for c in j["cpus"] if c["cpu"] == int(cpu)]
        if not rq:
            bad.append("no CPU %s in runq" % cpu)
            continue
        on = [rq[0]["curr"]["pid"]] + [t["pid"] for cls in rq[0]["queued"].values() for t in cls]
        for p in [pid] + ([s["spin_queued"]] if cpu == "0" else []):
            if p not in on:
                bad.append("spinner %d not current or queued on CPU %s: %s" % (p, cpu, json.dumps(rq[0])[:400]))
        if cpu == "0" and not {pid, s["spin_queued"]} & {t["pid"] for t in rq[0]["queued"].get("fair", [])}:
            bad.append("neither spinner of CPU 0 is in its fair queue: %s" % json.dumps(rq[0])[:400])
    ctx.tap(not bad, "%s: btfwalk runq: each busy loop (%s) is current or queued on its CPU, and "
            "one of CPU 0's two is in its fair queue" % (ctx.label, ", ".join(
                "pid %d on CPU %s" % (p, c) for c, p in list(s["spin"].items()) + [("0", s["spin_queued"])])),
            "\n".join(bad))


def check(ctx):
    s = ctx.man.get("postmortem")
    if not ctx.tap(s is not None, "%s: post-mortem sentinels were set up" % ctx.label, "no man['postmortem']"):
        return
    dump = ctx.man["forms"]["elf"]["args"]
    check_dmesg(ctx, dump, s)
    check_tasks(ctx, dump, s)
    forms = sorted(ctx.man["forms"])
    diff = []
    for verb in ("dmesg", "ps", "runq"):
        outs = {f: ctx.btfwalk([verb, "--json"] + ctx.man["forms"][f]["args"], ctx.cwd) for f in forms}
        if len({o for o in outs.values()}) != 1:
            diff.append("%s: %s" % (verb, {f: (o[0], len(o[1]), o[2][:200]) for f, o in outs.items()}))
    ctx.tap(not diff, "%s: btfwalk dmesg, ps and runq print the same from every form of the capture (%s)" % (
        ctx.label, ", ".join(forms)), "\n".join(diff))
