#!/usr/bin/env bash
# The kernel view against real guest dumps captured by tests/e2e into $BTFWALK_CACHE/dumps/*/
# (manifest.json, numastat before/after, the guest's uname -r and /proc/kallsyms). For each dump:
#  - every capture form: `btfwalk numa --json` lies between the guest's two sysfs reads, for every
#    node and counter; `btfwalk read` gives the guest's uname -r and online CPU count;
#  - the BTF and symbol sources: the dump alone, --btf with the packaged vmlinux.btf, --symbols
#    with the guest's own /proc/kallsyms; all must give the same counters;
#  - a BTF of another kernel is refused (BW_EMISMATCH), not walked.
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
	[ -f "$d/manifest.json" ] && echo "${d%/}"; done)
if [ -z "$dumps" ]; then
	ok "real dumps # SKIP none captured in $CACHE/dumps (tests/e2e makes them)"
	exit 0
fi
if [ ! -x "$BTFWALK" ]; then
	notok "btfwalk binary $BTFWALK not built"
	exit 1
fi

# numa JSON ($1) within the manifest's ($2) before/after reads; prints the first violation.
within() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
got = json.load(open(sys.argv[1]))
m = json.load(open(sys.argv[2]))
before, after = m["numastat_before"], m["numastat_after"]
nodes = {str(n["node"]): n for n in got["nodes"]}
if sorted(nodes) != sorted(before):
    sys.exit("nodes %s, guest had %s" % (sorted(nodes), sorted(before)))
if got["release"] != m["release"]:
    sys.exit("release %s, guest had %s" % (got["release"], m["release"]))
for node, counters in before.items():
    for name, lo in counters.items():
        v, hi = nodes[node].get(name), after[node][name]
        if v is None or not lo <= v <= hi:
            sys.exit("node%s %s = %s, guest read %s before and %s after" % (node, name, v, lo, hi))
EOF
}

manifest_get() {
	python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): m=m[k]
print(m if not isinstance(m, list) else " ".join(m))' "$1" "$2"
}

for d in $dumps; do
	tag=$(basename "$d")
	m="$d/manifest.json"
	release=$(manifest_get "$m" release)
	nproc=$(manifest_get "$m" guest.nproc)
	kdir=$(manifest_get "$m" kernel_dir)
	forms=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["forms"]))' "$m")
	first_json=
	for form in $forms; do
		args=$(manifest_get "$m" "forms.$form.args")
		out="$tmp/$tag-$form.json"
		if ! (cd "$d" && timeout 120 "$BTFWALK" numa --json $args) >"$out" 2>"$tmp/err"; then
			notok "$tag $form: btfwalk numa failed: $(head -1 "$tmp/err")"
			continue
		fi
		if why=$(within "$out" "$m" 2>&1); then
			ok "$tag $form: every node and counter between the guest's sysfs reads"
		else
			notok "$tag $form: $why"
		fi
		[ -z "$first_json" ] && first_json=$out
		got=$(cd "$d" && timeout 120 "$BTFWALK" read $args -- init_uts_ns.name.release \
			'__cpu_online_mask.bits[0]' 2>&1)
		want=$(printf 'init_uts_ns.name.release = "%s"\n__cpu_online_mask.bits[0] = %s' \
			"$release" $(((1 << nproc) - 1)))
		if [ "$got" = "$want" ]; then
			ok "$tag $form: read gives uname -r and the $nproc online CPUs"
		else
			notok "$tag $form: read gave '$got', want '$want'"
		fi
	done
	[ -z "$first_json" ] && continue
	# Page-table walk on real data: CPU 1's idle stack is vmalloc'ed and its struct page sits
	# in the vmemmap, neither in the direct map. The kernel's own invariant: task.stack equals
	# the stack's vm_struct.addr.
	raw=$(manifest_get "$m" forms.raw.args 2>/dev/null || true)
	if [ -n "$raw" ]; then
		got=$(cd "$d" && timeout 120 "$BTFWALK" read $raw -- \
			'runqueues@cpu1.idle->stack' 'runqueues@cpu1.idle->stack_vm_area->addr' \
			'runqueues@cpu1.idle->stack_vm_area->pages[0]->flags' 2>&1)
		a=$(echo "$got" | sed -n 's/^runqueues@cpu1.idle->stack = //p')
		b=$(echo "$got" | sed -n 's/^runqueues@cpu1.idle->stack_vm_area->addr = //p')
		if [ -n "$a" ] && [ "$a" = "$b" ] && echo "$got" | grep -q 'pages\[0\]->flags = '; then
			ok "$tag: vmalloc and vmemmap reads through the page tables ($a)"
		else
			notok "$tag: page-table reads: $(echo "$got" | tr '\n' ' ' | head -c 300)"
		fi
	fi
	elf=$(manifest_get "$m" forms.elf.args 2>/dev/null || true)
	[ -z "$elf" ] && elf=$(manifest_get "$m" "forms.$(echo $forms | cut -d' ' -f1).args")

	variant() { # name, extra args: same counters as the dump alone
		local name=$1
		shift
		if ! (cd "$d" && timeout 120 "$BTFWALK" numa --json "$@" $elf) >"$tmp/v.json" \
			2>"$tmp/err"; then
			notok "$tag $name: $(head -1 "$tmp/err")"
		elif cmp -s "$tmp/v.json" "$first_json"; then
			ok "$tag $name: same counters as with the dump alone"
		else
			notok "$tag $name: counters differ from the dump alone"
		fi
	}
	if [ -f "$kdir/vmlinux.btf" ]; then
		variant "--btf vmlinux.btf" --btf "$kdir/vmlinux.btf"
	else
		ok "$tag --btf # SKIP no $kdir/vmlinux.btf"
	fi
	if [ -f "$d/kallsyms" ]; then
		variant "--symbols guest /proc/kallsyms" --symbols "$d/kallsyms"
	else
		ok "$tag --symbols # SKIP no guest kallsyms"
	fi
	# System.map: link-time addresses, to which the walker must add the KASLR offset. Debian
	# packages neither it nor an unstripped vmlinux, so one is made from the guest's kallsyms
	# less the guest's KERNELOFFSET for kernel-image addresses (what System.map is).
	if [ -f "$kdir/System.map" ]; then
		variant "--symbols System.map" --symbols "$kdir/System.map"
	elif [ -f "$d/kallsyms" ]; then
		python3 - "$d/kallsyms" "$(manifest_get "$m" vmcoreinfo.KERNELOFFSET)" \
			>"$tmp/System.map" <<'EOF2'
import sys
off = int(sys.argv[2], 16)
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) != 3:
        continue  # module symbols: not in System.map
    a = int(f[0], 16)
    if a >= 0xffffffff80000000:
        a -= off
    print("%016x %s %s" % (a, f[1], f[2]))
EOF2
		variant "--symbols System.map (guest kallsyms less KERNELOFFSET)" \
			--symbols "$tmp/System.map"
	else
		ok "$tag --symbols System.map # SKIP no System.map and no guest kallsyms"
	fi

	# A BTF from another packaged kernel must be refused.
	other=
	for k in "$CACHE"/kernels/*/; do
		k=${k%/}
		if [ -f "$k/vmlinux.btf" ] && [ "$k" != "$kdir" ] &&
			[ "$(cat "$k/release" 2>/dev/null)" != "$release" ]; then
			other=$k
			break
		fi
	done
	if [ -n "$other" ]; then
		if (cd "$d" && timeout 120 "$BTFWALK" numa --btf "$other/vmlinux.btf" $elf) \
			>/dev/null 2>"$tmp/err"; then
			notok "$tag: BTF of $(basename "$other") was accepted"
		elif grep -q "does not match the dumped kernel" "$tmp/err"; then
			ok "$tag: BTF of $(basename "$other") refused: $(head -c 120 "$tmp/err")"
		else
			notok "$tag: BTF of $(basename "$other") failed otherwise: $(head -1 "$tmp/err")"
		fi
	else
		ok "$tag: BTF of another kernel refused # SKIP no other kernel's vmlinux.btf in $CACHE/kernels (fixtures/fetch-kernels.sh)"
	fi
done
