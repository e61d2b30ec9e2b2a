"""Scheduler domains and sched_ext, checked against the guest's own debugfs, /proc/schedstat and
/sys/kernel/sched_ext/ (issue 10).

- Domains: before and after the stop, every /sys/kernel/debug/sched/domains/cpuN/domainM/ file
  (sched_verbose on the command line makes the kernel fill it) and the domain lines of
  /proc/schedstat (the span, as a hex mask). `btfwalk domains --json` must give the same
  (cpu, domain) pairs, names, levels, flags, groups_flags, spans and intervals exactly: they do
  not change unless CPUs go on- or offline (checked: before == after).
- sched_ext (kernels with /sys/kernel/sched_ext): setup loads btfwalk_fifo (schedx/fifo.bpf.c)
  with the static libbpf loader in partial mode and starts CPU-bound SCHED_EXT tasks (scx_spin.c;
  every other task stays in CFS). `btfwalk scx --json` must give the
  state and scheduler name sysfs shows, counters (enable_seq, nr_rejected, hotplug_seq, every
  root/events line) between the before and after reads, and per-CPU scx runqueue counts that
  hold the spinners. If the loader fails its exact output is kept in the manifest and the
  check is of the "disabled" state instead. Without sched_ext: the walk must say so.
"""
import json
import re
import time

CMDLINE = "sched_verbose"
SPINNERS = 2
DOMAIN_FILES = ("name", "flags", "groups_flags", "level", "min_interval", "max_interval",
                "busy_factor", "imbalance_pct", "cache_nice_tries")
COUNTERS = ("enable_seq", "nr_rejected", "hotplug_seq")


def _read_kv(g, cmd):
    """Lines "PATH VALUE..." from one guest command -> {PATH: VALUE}."""
    out = {}
    for ln in g.run(cmd).splitlines():
        if " " in ln:
            k, v = ln.split(" ", 1)
            out[k] = v.strip()
        elif ln:
            out[ln] = ""
    return out


def _domains(g):
    # One grep for every file ("PATH:LINE"): a cat per file costs minutes on a busy 4-vCPU guest.
    files = {}
    for ln in g.run("grep -r '' /sys/kernel/debug/sched/domains 2>/dev/null; true").splitlines():
        path, _, v = ln.partition(":")
        files[path] = (files.get(path, "") + " " + v).strip()
    doms = {}
    for path, v in files.items():
        m = re.match(r"/sys/kernel/debug/sched/domains/cpu(\d+)/domain(\d+)/(\w+)$", path)
        if m and m.group(3) in DOMAIN_FILES:
            doms.setdefault("%s/%s" % (m.group(1), m.group(2)), {})[m.group(3)] = v.strip()
    # /proc/schedstat: "cpuN ..." then "domainM [NAME] MASK ..." lines for that CPU.
    cpu = None
    for ln in g.run("cat /proc/schedstat").splitlines():
        f = ln.split()
        if f and re.match(r"cpu\d+$", f[0]):
            cpu = f[0][3:]
        elif f and cpu is not None and re.match(r"domain\d+$", f[0]):
            mask = f[1] if re.match(r"^[0-9a-f,]+$", f[1]) else f[2]
            doms.setdefault("%s/%s" % (cpu, f[0][6:]), {})["span_mask"] = mask
    return doms


def _scx(g):
    if g.run("test -d /sys/kernel/sched_ext && echo yes").strip() != "yes":
        return None
    s = _read_kv(g, "cd /sys/kernel/sched_ext && for f in state switch_all nr_rejected "
                    "hotplug_seq enable_seq root/ops; do [ -f $f ] && echo \"$f $(cat $f)\"; done")
    s["events"] = {}
    for ln in g.run("cat /sys/kernel/sched_ext/root/events 2>/dev/null").splitlines():
        f = ln.split()
        if len(f) == 2:
            s["events"][f[0]] = int(f[1])
    st = g.run("cat /proc/stat")
    m = re.search(r"^procs_running (\d+)", st, re.M)
    s["procs_running"] = int(m.group(1)) if m else None
    return s


def setup(g, man):
    g.run("mount -t debugfs none /sys/kernel/debug 2>/dev/null; true")
    info = {"spinners": 0}
    if g.run("test -d /sys/kernel/sched_ext && echo yes").strip() == "yes":
        if g.run("test -x /bin/schedx_load && echo yes").strip() != "yes":
            info["load"] = "schedx_load not in the initramfs (see probes/schedx/build.sh)"
        else:
            g.run("schedx_load /bin/schedx_fifo.bpf.o >/tmp/schedx.log 2>&1 & echo $! >/tmp/schedx.pid")
            state = ""
            for _ in range(60):
                state = g.run("cat /sys/kernel/sched_ext/state").strip()
                log = g.run("cat /tmp/schedx.log")
                if state == "enabled" or "schedx_load: " in log and "attached" not in log:
                    break
                time.sleep(0.5)
            info["load"] = "enabled" if state == "enabled" else "failed"
            info["loader_output"] = g.run("cat /tmp/schedx.log")
            info["state_after_load"] = state
        g.run("i=0; while [ $i -lt %d ]; do scx_spin & i=$((i+1)); done" % SPINNERS)
        time.sleep(0.5)
        info["spinners"] = len(g.run("pidof scx_spin; true").split())
    man["schedx"] = info


def before(g, stage, man):
    man["schedx"]["domains_before"] = _domains(g)
    man["schedx"]["scx_before"] = _scx(g)


def after(g, stage, man):
    man["schedx"]["domains_after"] = _domains(g)
    man["schedx"]["scx_after"] = _scx(g)
    g.run("kill $(pgrep -f 'while :; do :; done') 2>/dev/null; "
          "[ -f /tmp/schedx.pid ] && kill $(cat /tmp/schedx.pid) 2>/dev/null; true")


def _mask_cpus(mask):
    """"%*pb" hex mask ("0000000f" or "ff,00000000") -> set of CPUs."""
    v = int(mask.replace(",", ""), 16)
    return {c for c in range(v.bit_length()) if v >> c & 1}


def _list_cpus(text):
    cpus = set()
    for part in filter(None, text.split(",")):
        a, _, b = part.partition("-")
        cpus.update(range(int(a), int(b or a) + 1))
    return cpus


def _walk(ctx, verb):
    args = [verb, "--json"] + ctx.man["forms"]["elf"]["args"]
    rc, out, err = ctx.btfwalk(args, ctx.cwd)
    try:
        return json.loads(out) if rc == 0 else None, "exit %d: %s%s" % (rc, out[:300], err[:600])
    except ValueError:
        return None, "not JSON: %s" % out[:300]


def _check_domains(ctx, sx):
    before, after = sx["domains_before"], sx["domains_after"]
    label = ctx.label
    ctx.tap(before and before == after, "%s: the guest's domain tree (debugfs, /proc/schedstat) is "
            "the same before and after the stop, and not empty" % label,
            "before %s\nafter %s" % (json.dumps(before)[:600], json.dumps(after)[:600]))
    w, why = _walk(ctx, "domains")
    if not ctx.tap(w is not None, "%s: btfwalk domains --json" % label, why):
        return
    got = {}
    for c in w["cpus"]:
        for d in c["domains"]:
            got["%d/%d" % (c["cpu"], d["domain"])] = d
    ctx.tap(set(got) == set(before), "%s: btfwalk domains has the guest's (cpu, domain) pairs" % label,
            "walker %s\nguest %s" % (sorted(got), sorted(before)))
    bad = []
    for key in sorted(set(got) & set(before)):
        d, want = got[key], before[key]
        pairs = [("name", d.get("name", ""), want.get("name")),
                 ("flags", " ".join(d["flags"]), want.get("flags")),
                 ("groups_flags", " ".join(d.get("groups_flags", [])), want.get("groups_flags")),
                 ("level", str(d["level"]), want.get("level")),
                 ("span", _list_cpus(d["span"]), _mask_cpus(want["span_mask"])
                  if "span_mask" in want else None)]
        pairs += [(f, str(d.get(f)), want.get(f)) for f in DOMAIN_FILES[4:]]
        for name, mine, theirs in pairs:
            if theirs is not None and mine != theirs:
                bad.append("cpu%s/domain%s %s: walker %r, guest %r" % (key.split("/")[0], key.split("/")[1],
                                                                       name, mine, theirs))
        if "span_mask" not in want:
            bad.append("cpu%s domain%s: no /proc/schedstat span" % tuple(key.split("/")))
    ctx.tap(not bad, "%s: btfwalk domains == guest's debugfs names, flags, groups_flags, levels and "
            "intervals, and /proc/schedstat spans, every CPU and domain" % label, "\n".join(bad))


def _check_scx(ctx, sx):
    label = ctx.label
    sb, sa = sx["scx_before"], sx["scx_after"]
    w, why = _walk(ctx, "scx")
    if not ctx.tap(w is not None, "%s: btfwalk scx --json" % label, why):
        return
    if sb is None:
        ctx.tap(w["sched_ext"] is False and "no sched_ext in this kernel" in w.get("reason", ""),
                "%s: no /sys/kernel/sched_ext in the guest, and btfwalk scx says \"no sched_ext in "
                "this kernel\"" % label, json.dumps(w)[:600])
        return
    if not ctx.tap(w["sched_ext"] is True, "%s: the guest has sched_ext, and so does btfwalk scx" % label,
                   json.dumps(w)[:600]):
        return
    loaded = sx.get("load") == "enabled"
    ctx.tap(loaded, "%s: the btfwalk_fifo sched_ext scheduler loaded and attached (state enabled)" % label,
            "load: %s\nloader output:\n%s" % (sx.get("load"), sx.get("loader_output", "")))
    ctx.tap(w["state"] == sb["state"] == sa["state"],
            "%s: btfwalk scx state %r == the guest's sysfs state before and after (%r, %r)" % (
                label, w["state"], sb["state"], sa["state"]))
    ctx.tap(str(w.get("switch_all")) == sb.get("switch_all") == sa.get("switch_all"),
            "%s: btfwalk scx switch_all == sysfs switch_all" % label,
            "walker %r, guest %r / %r" % (w.get("switch_all"), sb.get("switch_all"), sa.get("switch_all")))
    bad = ["%s: %s <= %s <= %s fails" % (c, sb.get(c), w.get(c), sa.get(c)) for c in COUNTERS
           if c not in w or c not in sb or not int(sb[c]) <= w[c] <= int(sa[c])]
    ctx.tap(not bad, "%s: btfwalk scx %s within the guest's before/after" % (label, ", ".join(COUNTERS)),
            "\n".join(bad))
    root_b, root_a = sb.get("root/ops"), sa.get("root/ops")
    if root_b is None and root_a is None:
        ctx.tap(w["root"] is None, "%s: no scheduler in sysfs, none in btfwalk scx" % label,
                json.dumps(w["root"]))
        ctx.tap(all(c["nr_running"] == c["local_dsq_nr"] == 0 for c in w["cpus"]),
                "%s: no scheduler: btfwalk scx per-CPU nr_running and local DSQ depths are all 0" % label,
                json.dumps(w["cpus"]))
        return
    name = (w["root"] or {}).get("ops")
    ctx.tap(name == root_b == root_a, "%s: btfwalk scx scheduler name %r == sysfs root/ops (%r, %r)" % (
        label, name, root_b, root_a))
    ev = (w["root"] or {}).get("events", {})
    bad = ["%s: %s <= %s <= %s fails" % (k, sb["events"][k], ev.get(k), sa["events"].get(k))
           for k in sb["events"] if k not in ev or not sb["events"][k] <= ev[k] <= sa["events"].get(k, -1)]
    moved = [k for k in sb["events"] if sb["events"][k]]
    ctx.tap(sb["events"] and moved and not bad,
            "%s: btfwalk scx root events within sysfs root/events before/after, all %d counters "
            "(non-zero: %s)" % (label, len(sb["events"]), ", ".join(moved)), "\n".join(bad) or
            "sysfs events %s" % sb["events"])
    ctx.tap(sx["spinners"] == SPINNERS, "%s: %d of %d SCHED_EXT spinners run under the scheduler" % (
        label, sx["spinners"], SPINNERS), "scx_spin exits when sched_setscheduler(SCHED_EXT) fails")
    total = sum(c["nr_running"] for c in w["cpus"])
    hi = max(sb["procs_running"], sa["procs_running"])
    ctx.tap(sx["spinners"] <= total <= hi,
            "%s: btfwalk scx per-CPU nr_running sum %d holds the %d SCHED_EXT spinners and is at most "
            "/proc/stat procs_running (%d, %d)" % (label, total, sx["spinners"], sb["procs_running"],
                                                   sa["procs_running"]), json.dumps(w["cpus"]))


def check(ctx):
    sx = ctx.man.get("schedx")
    if not ctx.tap(sx is not None and "domains_before" in sx, "%s: schedx probe ran in the guest" % ctx.label,
                   "no schedx section in the manifest"):
        return
    _check_domains(ctx, sx)
    _check_scx(ctx, sx)
