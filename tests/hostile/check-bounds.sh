#!/usr/bin/env bash
# The hostile-input budget, checked: every amplifier of fixtures/regress/bounds/ (built at test
# time by make-amplifiers.py: sparse files that describe far more than they hold) is replayed
# through the CLI, and its peak RSS and CPU time must stay within
#     memory <= BOUNDS_MEM_KB (16 MiB) + 2 x the input's bytes
#     CPU    <= BOUNDS_CPU_S (0.5 s) + 50 ns x the input's bytes
# where the input's bytes are the sizes of the distinct files named (a file given twice counts
# once) or the bytes piped in. Each must also fail cleanly (exit 1, an error message, no signal).
set -u
cd "$(dirname "$0")/../.."
bin=${BTFWALK:-$PWD/build/btfwalk}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mem_kb=${BOUNDS_MEM_KB:-16384}
cpu_s=${BOUNDS_CPU_S:-0.5}
BOUNDS_TIMEOUT=${BOUNDS_TIMEOUT:-60}

if [ ! -x "$bin" ] || [ ! -x /usr/bin/time ]; then
	echo "not ok - bounds: $bin or /usr/bin/time missing (make all; make deps)"
	exit 1
fi
if ! python3 fixtures/regress/bounds/make-amplifiers.py "$tmp"; then
	echo "not ok - bounds: make-amplifiers.py failed"
	exit 1
fi

# check NAME BYTES EXPECTED_ERROR -- ARGS...: run, measure, compare with the budget.
check() {
	local name=$1 bytes=$2 want=$3 rc
	shift 4
	# A run past the timeout is killed (time(1) still reports it) and fails.
	/usr/bin/time -o "$tmp/time" -f '%M %U %S' timeout -s KILL "$BOUNDS_TIMEOUT" \
		"$bin" "$@" >/dev/null 2>"$tmp/err" </dev/null
	rc=$?
	[ "$rc" -eq 137 ] && rc=124
	report "$name" "$bytes" "$want" "$rc"
}

# report NAME BYTES EXPECTED_ERROR RC: judge $tmp/time and $tmp/err.
report() {
	local name=$1 bytes=$2 want=$3 rc=$4 kb cpu budget_kb budget_cpu
	# time(1) writes "Command exited with non-zero status N" first: the numbers are the last line.
	read -r kb cpu < <(tail -n 1 "$tmp/time" | awk 'NF == 3 {print $1, $2 + $3}')
	if ! [[ ${kb:-} =~ ^[0-9]+$ && ${cpu:-} =~ ^[0-9.]+$ ]]; then
		echo "not ok - bounds: $name: no measurement from time(1)"
		sed 's/^/#   /' "$tmp/time" "$tmp/err" | head -5
		return
	fi
	budget_kb=$((mem_kb + 2 * bytes / 1024))
	budget_cpu=$(awk -v c="$cpu_s" -v b="$bytes" 'BEGIN {printf "%.2f", c + b * 50e-9}')
	# The budget first: an amplifier that ends with some other error still broke it.
	if [ "$kb" -gt "$budget_kb" ]; then
		echo "not ok - bounds: $name peak RSS ${kb} KB > budget ${budget_kb} KB"
	elif awk -v c="$cpu" -v b="$budget_cpu" 'BEGIN {exit !(c > b)}'; then
		echo "not ok - bounds: $name CPU ${cpu} s > budget ${budget_cpu} s"
	elif [ "$rc" -eq 124 ]; then
		echo "not ok - bounds: $name still running after ${BOUNDS_TIMEOUT}s"
	elif [ "$rc" -ne 1 ] || ! grep -q -- "$want" "$tmp/err"; then
		echo "not ok - bounds: $name exits $rc (want 1 with \"$want\")"
		sed 's/^/#   /' "$tmp/err" | head -5
	else
		echo "ok - bounds: $name ${kb} KB <= ${budget_kb} KB, ${cpu} s <= ${budget_cpu} s"
	fi
}

size() { stat -c %s "$1"; }
d=$tmp
check "16 PT_LOADs aliasing one range, 768 MiB BTF over them" "$(size $d/btf-alias.core)" \
	"distinct bytes" -- info "$d/btf-alias.core"
check "20,000 aliasing 64 MiB PT_LOADs, VMCOREINFO scan" "$(size $d/scan-alias.core)" \
	"alias the same bytes" -- info "$d/scan-alias.core"
check "2^20 - 1 program headers (PN_XNUM) over one 1 MiB range" "$(size $d/many-phdrs.core)" \
	"alias the same bytes" -- info "$d/many-phdrs.core"
check "4,000 PT_NOTEs over one region of notes" "$(size $d/note-alias.core)" \
	"ELF notes" -- info "$d/note-alias.core"
specs=()
for i in $(seq 0 63); do specs+=("$d/raw-twice.raw@$((i << 26))"); done
check "one 64 MiB raw file given 64 times" "$(size $d/raw-twice.raw)" \
	"alias the same bytes" -- info "${specs[@]}"
check "300 MB symbols file" 0 "more than" -- info --symbols "$d/big.map" "$d/btf-alias.core"
check "3 GB BTF file" 0 "more than" -- btf dump "$d/big.btf"

# A stream past the BTF cap: refused once the cap is reached, the rest left unread in the pipe.
{ /usr/bin/time -o "$tmp/time" -f '%M %U %S' "$bin" btf dump - >/dev/null 2>"$tmp/err"
  echo $? >"$tmp/rc"; wc -c >"$tmp/left"; } < <(head -c $((1536 << 20)) /dev/zero)
left=$(cat "$tmp/left")
read_bytes=$(((1536 << 20) - left))
if [ "$read_bytes" -gt $(((1 << 30) + (1 << 20))) ]; then
	echo "not ok - bounds: BTF on stdin: $read_bytes bytes read, the cap is $((1 << 30))"
else
	report "1.5 GiB of BTF on stdin ($read_bytes bytes read)" "$read_bytes" "more than" \
		"$(cat "$tmp/rc")"
fi
