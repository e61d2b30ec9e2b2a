"""The guest's own process and thread ids (/proc/PID and /proc/PID/task/TID), read just before
the stop and just after the resume: tests/walker/check-iter-real.sh checks that the processes
walked through init_task.tasks and the threads walked through signal->thread_head in the dump
include every id present at both reads, and little else."""


def _read(g):
    out = g.run("for d in /proc/[0-9]*; do echo P ${d#/proc/}; "
                "for t in $d/task/[0-9]*; do echo T ${t##*/}; done; done")
    pids, tids = set(), set()
    for line in out.splitlines():
        kind, _, n = line.partition(" ")
        if n.isdigit():
            (pids if kind == "P" else tids).add(int(n))
    return sorted(pids), sorted(tids)


def before(g, stage, man):
    man["proc_pids"], man["proc_tids"] = _read(g)


def after(g, stage, man):
    man["proc_pids_after"], man["proc_tids_after"] = _read(g)
