#!/usr/bin/env bash
# make check: the CLI under valgrind on real inputs, failing on any memory error or
# definite/indirect leak (valgrind exit 99), whatever the CLI's own exit status:
#  - btf dump / sizeof / offsetof of this machine's /sys/kernel/btf/vmlinux
#  - btf dump of every fixture blob (fixtures/btf/) and of every blob in fixtures/regress/btf_*/
#    (inputs that once broke a fuzz target: accepted or refused, but cleanly)
#  - info, numa and read on the real dumps the end-to-end tests saved under
#    $BTFWALK_CACHE/dumps/*/ (each form listed in its manifest.json); skipped when absent.
# VALGRIND_DUMPS=N limits how many dump directories are walked (default 2: valgrind is slow).
set -u
cd "$(dirname "$0")/../.."
# The CLI proper is static, and valgrind cannot follow a static binary's heap: this is the same
# objects linked dynamically (make tests builds it).
cli=${BTFWALK_DYNAMIC:-$PWD/build/tests/btfwalk-dynamic}
cache=${BTFWALK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/btfwalk}
max_dumps=${VALGRIND_DUMPS:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v valgrind >/dev/null; then
	echo "ok - valgrind checks # SKIP missing tool valgrind (make deps installs it)"
	exit 0
fi
if [ ! -x "$cli" ]; then
	echo "not ok - valgrind checks: $cli was not built"
	exit 0
fi

# vg EXPECT DESCRIPTION ARGS...: EXPECT is "ok" (the CLI must exit 0) or "any" (exit 0 or an
# error exit; never a signal).
vg() {
	local expect=$1 what=$2 rc
	shift 2
	timeout 900 valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--show-leak-kinds=definite,indirect --error-exitcode=99 --log-file="$tmp/vg.log" \
		"$cli" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 99 ] || [ -s "$tmp/vg.log" ]; then
		echo "not ok - valgrind: $what (memory errors or leaks)"
		head -30 "$tmp/vg.log" | sed 's/^/#   /'
	elif [ $rc -eq 124 ]; then
		echo "not ok - valgrind: $what (timed out after 900 s)"
	elif [ "$expect" = ok ] && [ $rc -ne 0 ]; then
		echo "not ok - valgrind: $what (exit $rc: $(head -c 300 "$tmp/err"))"
	elif [ "$expect" = any ] && [ $rc -ge 128 ]; then
		echo "not ok - valgrind: $what (killed by signal $((rc - 128)))"
	else
		echo "ok - valgrind: $what (exit $rc, no errors, no leaks)"
	fi
}

vmlinux=/sys/kernel/btf/vmlinux
if [ -r "$vmlinux" ]; then
	vg ok "btf dump $vmlinux" btf dump "$vmlinux"
	vg ok "btf sizeof pglist_data" btf sizeof --btf "$vmlinux" pglist_data
	vg ok "btf offsetof zone.vm_numa_event" btf offsetof --btf "$vmlinux" zone vm_numa_event
	vg ok "btf offsetof --json pglist_data node_zones[1].vm_stat" \
		btf offsetof --json --btf "$vmlinux" pglist_data 'node_zones[1].vm_stat'
else
	echo "ok - valgrind: btf dump of the running kernel's BTF # SKIP $vmlinux is absent"
fi

for f in fixtures/btf/*.btf fixtures/btf/*.elf; do
	[ -f "$f" ] || continue
	case $f in
	# Split BTF (fixtures/gen-btf.sh): module.X.btf is on top of layout.X.btf.
	*/module.*.btf) vg ok "btf dump --base $f" btf dump --base "${f/module./layout.}" "$f" ;;
	*) vg ok "btf dump $f" btf dump "$f" ;;
	esac
done
for f in fixtures/regress/btf_raw/* fixtures/regress/btf_elf/*; do
	[ -f "$f" ] && vg any "btf dump of fuzz regression $f" btf dump "$f"
done

# Dumps of each paging mode first (5-level walks take paths 4-level ones never do), then the
# others, up to max_dumps.
python3 - "$cache"/dumps/*/manifest.json >"$tmp/dumps" <<'PY'
import json, sys
seen, first, rest = set(), [], []
for path in sys.argv[1:]:
    try:
        paging = str(json.load(open(path)).get("paging", "?"))
    except (OSError, ValueError):
        continue
    (rest if paging in seen else first).append((path, paging))
    seen.add(paging)
for path, paging in first + rest:
    print(paging, path)
PY
modes=$(awk '{print $1}' "$tmp/dumps" | head -n "$max_dumps" | sort -u | tr '\n' ' ')
n=0
while read -r paging manifest; do
	dir=$(dirname "$manifest")
	n=$((n + 1))
	[ "$n" -le "$max_dumps" ] || break
	# One line per form: NAME ARG... (paths relative to the dump directory).
	python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))
for name, form in sorted(m.get("forms", {}).items()):
    print(name, *form["args"])' "$manifest" >"$tmp/forms" || continue
	while read -r form args; do
		set -f
		# shellcheck disable=SC2206 # the args are whitespace-free paths by construction
		paths=($args)
		set +f
		paths=("${paths[@]/#/$dir/}")
		vg ok "numa ($(basename "$dir"), $form)" numa --json "${paths[@]}"
		if [ "$form" = elf ]; then
			vg ok "info ($(basename "$dir"), $form)" info "${paths[@]}"
			vg ok "read init_uts_ns.name.release ($(basename "$dir"), $form)" \
				read "${paths[@]}" -- init_uts_ns.name.release
		fi
	done <"$tmp/forms"
done <"$tmp/dumps"
if [ "$n" -gt 0 ]; then
	case " $modes" in
	*l4*l5* | *l5*l4*) echo "ok - valgrind: real dumps of both paging modes ($modes)" ;;
	*) echo "ok - valgrind: 4- and 5-level paging # SKIP only paging $modes among the dumps in $cache/dumps" ;;
	esac
fi
if [ "$n" -eq 0 ]; then
	echo "ok - valgrind: info/numa/read on real dumps # SKIP no dumps in $cache/dumps (the end-to-end tests make them)"
fi
