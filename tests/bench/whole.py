#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench, whole-process rows: each command pair runs ROUNDS times in turns in this run; a row
gives the best CPU time (user + system of the child, so waiting for a CPU on a shared machine does
not count), the ratio, and with valgrind the instructions of one run (callgrind, deterministic).
A floor row per measure: the least a process can do with that input (start, read and touch it).

First, the instructions of the in-process parse row (bench --mem: one parser in a process that
parses and looks up zone; the floor parses nothing).

usage: whole.py ROUNDS BTFWALK LIBBPF_SIZEOF BENCH BTF_FILE [CORE KALLSYMS]
"""
import os
import re
import resource
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def cpu_run(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), after.ru_maxrss, out


def instructions(cmd):
    if not shutil.which("valgrind"):
        return None
    r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    m = re.search(r"refs:\s+([\d,]+)", r.stderr)
    return int(m.group(1).replace(",", "")) if m else None


def best(cmds, rounds):
    times = [[] for _ in cmds]
    outs = [None] * len(cmds)
    for _ in range(rounds):
        for i, c in enumerate(cmds):
            t, _, outs[i] = cpu_run(c)
            times[i].append(t)
    return [min(t) for t in times], outs


def fmt_i(n):
    return "%.1f M" % (n / 1e6) if n else "-"


def row(what, ours, theirs, floor, rounds, target):
    (t_ours, t_theirs, t_floor), outs = best([ours, theirs, floor], rounds)
    i_ours, i_theirs, i_floor = (instructions(c) for c in (ours, theirs, floor))
    ratio = t_theirs / t_ours if t_ours else float("inf")
    print("%-44s %9.2f ms %9.2f ms %6.2fx  %-9s %-9s %s" %
          (what, t_ours * 1e3, t_theirs * 1e3, ratio, fmt_i(i_ours), fmt_i(i_theirs), target))
    print("%-44s %9.2f ms %12s %7s  %-9s" % ("  floor: " + " ".join(os.path.basename(a) for a in floor[:2]),
                                            t_floor * 1e3, "", "", fmt_i(i_floor)))
    return outs


def main():
    rounds, btfwalk, libbpf_sizeof, bench, btf = int(sys.argv[1]), *sys.argv[2:6]
    mem = [[bench, "--mem", who, btf, "zone:4"] for who in ("btfwalk", "libbpf", "none")]
    counts = [instructions(c) for c in mem]
    if counts[0]:
        print("%-44s %12s %12s %6.2fx  (floor: %s)" % (
            "in-process parse + lookup, instructions", fmt_i(counts[0]), fmt_i(counts[1]),
            counts[1] / counts[0], fmt_i(counts[2])))
    print("%-44s %12s %12s %7s  %-9s %-9s %s" % ("whole process (best CPU of %d)" % rounds, "btfwalk",
                                                 "reference", "ratio", "instr", "ref instr", "target"))
    outs = row("btf sizeof --btf F zone vs libbpf 1.1", [btfwalk, "btf", "sizeof", "--btf", btf, "zone"],
               [libbpf_sizeof, btf, "zone"], [libbpf_sizeof, "--floor", btf], rounds, ">= 2x")
    if outs[0].split()[-1] != outs[1].split()[-1]:
        sys.exit("bench: sizeof differs: %r vs %r" % (outs[0], outs[1]))
    if len(sys.argv) < 8:
        print("numa row # SKIP no ELF core given")
        return
    core, kallsyms = sys.argv[6:8]
    args = numa_args(btfwalk, btf, core, kallsyms)
    ours = [btfwalk, "numa", core]
    theirs = [sys.executable, os.path.join(HERE, "numa_walk.py"), core] + args
    floor = [sys.executable, "-c", "pass"]
    outs = row("numa CORE (7.3, no --btf) vs Python walk", ours, theirs, floor, rounds,
               "<= 15 ms, ~8x")
    check_numa(outs[0].decode(), outs[1].decode())


def numa_args(btfwalk, btf, core, kallsyms):
    """The offsets and addresses the Python walk is given (found before timing)."""
    def off(t, m):
        return subprocess.check_output([btfwalk, "btf", "offsetof", "--btf", btf, t, m], text=True).strip()
    info = subprocess.check_output([btfwalk, "info", core], text=True)
    field = dict(re.findall(r"^([a-z_ ]+):\s+(\S+)", info, re.M))
    syms = dict((l.split()[2], l.split()[0]) for l in open(kallsyms) if len(l.split()) == 3)
    dump = subprocess.check_output([btfwalk, "btf", "dump", btf], text=True)
    enum = dict(re.findall(r"'(__MAX_NR_ZONES|NR_VM_NUMA_EVENT_ITEMS)' val=(\d+)", dump))
    cpus = re.search(r"cpus:\s+\d+ possible, (\d+) online", info).group(1)
    nodes = len(re.search(r"nodes:\s+\d+ online: ([\d ]+)", info).group(1).split())
    return ["nodes=%d" % nodes, "cpus=" + cpus, "phys_base=" + field["phys_base"],
            "page_offset_base=" + field["page_offset_base"], "node_data=0x" + syms["node_data"],
            "per_cpu_offset=0x" + syms["__per_cpu_offset"],
            "node_zones=" + off("pglist_data", "node_zones"),
            "zone_size=" + subprocess.check_output([btfwalk, "btf", "sizeof", "--btf", btf, "zone"],
                                                   text=True).strip(),
            "nr_zones=" + enum["__MAX_NR_ZONES"], "event=" + off("zone", "vm_numa_event"),
            "nr_items=" + enum["NR_VM_NUMA_EVENT_ITEMS"], "present=" + off("zone", "present_pages"),
            "pcp=" + off("zone", "per_cpu_zonestats"),
            "pcp_event=" + off("per_cpu_zonestat", "vm_numa_event")]


def check_numa(ours, theirs):
    cols = [l.split()[2:] for l in ours.splitlines()[1:]]
    nodes = [" ".join(c[n] for c in cols) for n in range(len(cols[0]))]
    ref = [l.split(None, 1)[1] for l in theirs.splitlines()]
    if nodes != ref:
        sys.exit("bench: btfwalk numa %r and the Python walk %r differ" % (nodes, ref))


main()
