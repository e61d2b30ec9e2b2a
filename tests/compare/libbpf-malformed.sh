#!/usr/bin/env bash
# Non-gating comparison (not run by make check): feed the malformed-blob corpus to btfwalk, to a
# small libbpf program (tests/compare/libbpf_probe.c: btf__parse (raw or ELF), btf__type_cnt,
# btf__align_of, btf__resolve_size, btf__find_by_name_kind) and to
# `bpftool btf dump file X format raw`, each with a 10 s timeout, and record which inputs crash
# or hang which reader; where btfwalk and bpftool both accept a blob, their dumps must be the
# same text. btfwalk runs as the ASan+UBSan CLI when built (make check builds it).
# Corpus: fixtures/regress/btf_*, the fuzz seeds and corpora under build-fuzz/ (make fuzz grows
# them), and the BTF unit tests' malformed blobs when present (fixtures/btf/malformed/).
# Usage: tests/compare/libbpf-malformed.sh [MAX_INPUTS] (default 3000). Report: build-fuzz/compare/.
set -u
cd "$(dirname "$0")/../.."
max=${1:-3000}
out=build-fuzz/compare
cli=${BTFWALK_SAN:-$PWD/build-san/btfwalk}
[ -x "$cli" ] || cli=${BTFWALK:-$PWD/build/btfwalk}
[ -x "$cli" ] || { echo "libbpf-malformed: build btfwalk first (make)"; exit 1; }
mkdir -p "$out"
cc -O1 -g -o "$out/libbpf_probe" tests/compare/libbpf_probe.c -lbpf || exit 1

for d in fixtures/regress/btf_raw fixtures/regress/btf_elf fixtures/btf/malformed \
	build-fuzz/seeds/btf_raw build-fuzz/corpus/btf_raw build-fuzz/corpus/btf_elf; do
	[ -d "$d" ] && find "$d" -maxdepth 1 -type f | sort
done | head -n "$max" >"$out/inputs"

python3 - "$cli" "$out" <<'PY'
import signal, subprocess, sys
cli, out = sys.argv[1], sys.argv[2]

def run(argv):
    """(accepted | rejected | crash(SIG) | hang, stdout), from how the process ended."""
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=10)
    except subprocess.TimeoutExpired:
        return "hang", b""
    if p.returncode < 0:
        return "crash(%s)" % signal.Signals(-p.returncode).name, b""
    if b"Sanitizer" in p.stderr or b"runtime error" in p.stderr:
        return "crash(sanitizer)", b""
    return ("accepted" if p.returncode == 0 else "rejected"), p.stdout

inputs = open(out + "/inputs").read().split()
rows, same, differ = [], 0, []
for f in inputs:
    bw, bw_text = run([cli, "btf", "dump", f])
    bt, bt_text = run(["bpftool", "btf", "dump", "file", f, "format", "raw"])
    rows.append((f, bw, run([out + "/libbpf_probe", f])[0], bt))
    # Where both accept, btfwalk's dump must be bpftool's, line for line.
    if bw == "accepted" and bt == "accepted":
        if bw_text == bt_text:
            same += 1
        else:
            differ.append(f)
with open(out + "/libbpf-malformed.tsv", "w") as r:
    r.write("input\tbtfwalk\tlibbpf\tbpftool\n")
    for row in rows:
        r.write("\t".join(row) + "\n")
print("== %d inputs (report: %s/libbpf-malformed.tsv)" % (len(rows), out))
for col, name in ((1, "btfwalk"), (2, "libbpf"), (3, "bpftool")):
    counts = {}
    for row in rows:
        k = row[col].split("(")[0]
        counts[k] = counts.get(k, 0) + 1
    print("%-8s %s" % (name, " ".join("%s=%d" % kv for kv in sorted(counts.items()))))
bad = lambda s: s.startswith(("crash", "hang"))
print("== inputs that crash or hang libbpf or bpftool while btfwalk does not")
for row in rows:
    if (bad(row[2]) or bad(row[3])) and not bad(row[1]):
        print("\t".join(row))
print("== inputs that crash or hang btfwalk (must be none)")
for row in rows:
    if bad(row[1]):
        print("\t".join(row))
print("== accepted by both btfwalk and bpftool: %d with the same dump text, %d different%s"
      % (same, len(differ), "".join("\n\t" + f for f in differ[:20])))
print("== accepted by libbpf, rejected by btfwalk: %d; accepted by btfwalk, rejected by libbpf: %d"
      % (sum(r[2] == "accepted" and r[1] == "rejected" for r in rows),
         sum(r[1] == "accepted" and r[2] == "rejected" for r in rows)))
PY
