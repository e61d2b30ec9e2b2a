#!/usr/bin/env bash
# Iteration in path expressions on the real guest dumps tests/e2e captured ($BTFWALK_CACHE/dumps/*/;
# runs after tests/e2e in name order). For each dump, two independent ways to every task must agree:
#  - processes: init_task.tasks (the task list, list_head) and the PID IDR's TGID hlists
#    (init_pid_ns.idr, an xarray of struct pid, each pid's tasks[PIDTYPE_TGID]);
#  - threads: each process's signal->thread_head list, and the IDR's tasks[PIDTYPE_PID] hlists;
#  - the IDR's index of each struct pid is its number (numbers[0].nr);
#  - per-CPU fan-out: runqueues@cpu* gives one value per CPU the guest had online, and sum()
#    equals the sum of the lines;
#  - when the capture recorded the guest's own /proc ids before and after the stop
#    (tests/e2e/probes/pids.py: manifest proc_pids, proc_tids, *_after), the walked processes and
#    threads include every id present at both reads, and at most 2 the guest never showed.
# PIDTYPE_PID and PIDTYPE_TGID are checked to be 0 and 1 in the packaged kernel's BTF (bpftool).
# Prints TAP lines; skips when no dump has been captured yet.
set -u
cd "$(dirname "$0")/../.."
BTFWALK=${BTFWALK:-$PWD/build/btfwalk}
CACHE=${BTFWALK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/btfwalk}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }

dumps=$(ls -d "$CACHE"/dumps/*/ 2>/dev/null | while read -r d; do
	[ -f "$d/manifest.json" ] && [ -f "$d/vmcore.elf" ] && echo "${d%/}"; done)
if [ -z "$dumps" ]; then
	ok "iteration on real dumps # SKIP none captured in $CACHE/dumps (tests/e2e makes them)"
	exit 0
fi
if [ ! -x "$BTFWALK" ]; then
	notok "btfwalk binary $BTFWALK not built"
	exit 1
fi

# The values of a fan-out, one a line, sorted numerically ("[i][j]: v" -> v).
values() {
	"$BTFWALK" read "$1" "$2" >"$tmp/out" 2>"$tmp/err" || return 1
	sed 's/^[^:]*: //' "$tmp/out" | sort -n
}

# Same set? Prints the first differences.
same() {
	if cmp -s "$1" "$2"; then
		return 0
	fi
	diff "$1" "$2" | head -5 | tr '\n' ' '
	return 1
}

TASKS='init_task.tasks[list: struct task_struct.tasks]'
for d in $dumps; do
	tag=$(basename "$d")
	dump="$d/vmcore.elf"
	dist=${tag%-l[45]}
	btf=$(ls /root/.cache/btfwalk/kernels/"$dist"/vmlinux.btf "$CACHE"/kernels/"$dist"/vmlinux.btf \
		2>/dev/null | head -1)

	if [ -n "$btf" ] && command -v bpftool >/dev/null; then
		pt=$(bpftool btf dump file "$btf" format raw | grep -E "'PIDTYPE_(PID|TGID)' val=" |
			sed "s/.*'\(PIDTYPE_[A-Z]*\)' val=\([0-9]*\).*/\1=\2/" | sort | tr '\n' ' ')
		if [ "$pt" = "PIDTYPE_PID=0 PIDTYPE_TGID=1 " ]; then
			ok "$tag: PIDTYPE_PID=0, PIDTYPE_TGID=1 in $btf"
		else
			notok "$tag: enum pid_type in $btf is '$pt', not PID=0 TGID=1"
			continue
		fi
	else
		ok "$tag: enum pid_type # SKIP no packaged vmlinux.btf or bpftool"
	fi

	if ! values "$dump" "$TASKS.pid" >"$tmp/list-procs" ||
		! values "$dump" "init_pid_ns.idr[idr: struct pid].tasks[1][hlist: struct task_struct.pid_links[1]].pid" \
			>"$tmp/idr-procs"; then
		notok "$tag: walking the processes: $(head -c 300 "$tmp/err")"
		continue
	fi
	n=$(wc -l <"$tmp/list-procs")
	if [ "$n" -gt 1 ] && diffs=$(same "$tmp/list-procs" "$tmp/idr-procs"); then
		ok "$tag: $n processes, the same through init_task.tasks and init_pid_ns.idr"
	else
		notok "$tag: processes: task list ($n) vs IDR ($(wc -l <"$tmp/idr-procs")): ${diffs:-}"
	fi

	if ! values "$dump" "$TASKS.signal->thread_head[list: struct task_struct.thread_node].pid" \
		>"$tmp/list-threads" ||
		! values "$dump" "init_pid_ns.idr[idr: struct pid].tasks[0][hlist: struct task_struct.pid_links[0]].pid" \
			>"$tmp/idr-threads"; then
		notok "$tag: walking the threads: $(head -c 300 "$tmp/err")"
		continue
	fi
	n=$(wc -l <"$tmp/list-threads")
	if [ "$n" -ge "$(wc -l <"$tmp/list-procs")" ] &&
		diffs=$(same "$tmp/list-threads" "$tmp/idr-threads"); then
		ok "$tag: $n threads, the same through signal->thread_head and the IDR"
	else
		notok "$tag: threads: thread lists ($n) vs IDR ($(wc -l <"$tmp/idr-threads")): ${diffs:-}"
	fi

	# [index]: nr on every line, index == nr.
	if "$BTFWALK" read "$dump" 'init_pid_ns.idr[idr: struct pid].numbers[0].nr' >"$tmp/nr" \
		2>"$tmp/err" && [ -s "$tmp/nr" ] &&
		! sed 's/^\[\([0-9]*\)\]: \([0-9-]*\)$/\1 \2/' "$tmp/nr" | awk '$1 != $2 { bad = 1 } END { exit !bad }'; then
		ok "$tag: each IDR index is its struct pid's number ($(wc -l <"$tmp/nr") pids)"
	else
		notok "$tag: IDR index vs numbers[0].nr: $(grep -v '^\[\([0-9]*\)\]: \1$' "$tmp/nr" | head -2 | tr '\n' ' ') $(head -c 200 "$tmp/err")"
	fi

	online=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["guest"]["cpu_online"])' \
		"$d/manifest.json" 2>/dev/null)
	if "$BTFWALK" read "$dump" 'runqueues@cpu*.cpu' >"$tmp/cpus" 2>"$tmp/err" &&
		"$BTFWALK" read "$dump" 'sum(runqueues@cpu*.nr_running)' >"$tmp/sum" 2>>"$tmp/err"; then
		got=$(awk -F': ' '{ print $2 }' "$tmp/cpus" | tr '\n' ',' | sed 's/,$//')
		want=$(python3 -c 'import sys
r = []
for part in sys.argv[1].split(","):
    a, _, b = part.partition("-")
    r += range(int(a), int(b or a) + 1)
print(",".join(map(str, r)))' "$online")
		lines=$("$BTFWALK" read "$dump" 'runqueues@cpu*.nr_running' | awk -F': ' '{ s += $2 } END { print s }')
		if [ "$got" = "$want" ] && [ "$(cat "$tmp/sum")" = "$lines" ]; then
			ok "$tag: runqueues@cpu* gives cpu $got (guest online: $online), sum $lines"
		else
			notok "$tag: runqueues@cpu*.cpu gave '$got' (guest online: $online, want $want), sum '$(cat "$tmp/sum")' vs lines $lines"
		fi
	else
		notok "$tag: runqueues@cpu*: $(head -c 300 "$tmp/err")"
	fi

	if python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); sys.exit(not ("proc_pids" in m and "proc_tids_after" in m))' \
		"$d/manifest.json" 2>/dev/null; then
		for kind in pids tids; do
			# Ids present at both reads must have been walked; walked ids the guest never
			# showed (tasks that lived only between the reads) are at most a few.
			python3 -c 'import json,sys
m = json.load(open(sys.argv[1])); k = sys.argv[2]
b, a = set(m["proc_" + k]), set(m["proc_" + k + "_after"])
open(sys.argv[3], "w").write("".join("%d\n" % x for x in sorted(b & a)))
open(sys.argv[4], "w").write("".join("%d\n" % x for x in sorted(b | a)))' \
				"$d/manifest.json" "$kind" "$tmp/stable-$kind" "$tmp/seen-$kind"
			[ "$kind" = pids ] && walked="$tmp/list-procs" || walked="$tmp/list-threads"
			sort "$walked" >"$tmp/walked-$kind"
			sort -o "$tmp/stable-$kind" "$tmp/stable-$kind"
			sort -o "$tmp/seen-$kind" "$tmp/seen-$kind"
			missing=$(comm -23 "$tmp/stable-$kind" "$tmp/walked-$kind" | tr '\n' ' ')
			extra=$(comm -13 "$tmp/seen-$kind" "$tmp/walked-$kind" | wc -l)
			if [ -z "$missing" ] && [ "$extra" -le 2 ]; then
				ok "$tag: walked $kind include the $(wc -l <"$tmp/stable-$kind") the guest's /proc showed before and after the stop ($extra others)"
			else
				notok "$tag: walked $kind vs the guest's /proc: missing ${missing:-none}, $extra never shown"
			fi
		done
	else
		ok "$tag: walked pids vs the guest's /proc # SKIP the capture records no proc_pids (tests/e2e/probes/pids.py)"
	fi
done
