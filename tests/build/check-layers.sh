#!/usr/bin/env bash
# walker/ is layered: cli -> watch -> walks -> expr -> kernel -> mem, and everything -> btf. From the
# objects make built, every call that crosses files must point down (or stay in its layer):
# nm's undefined symbols of each object against the defining object's layer.
set -u
cd "$(dirname "$0")/../.."
B=${BUILD:-build}
rank() {
	case $1 in
	"$B"/btf/*) echo 0 ;; "$B"/walker/mem/*) echo 1 ;; "$B"/walker/kernel/*) echo 2 ;;
	"$B"/walker/expr/*) echo 3 ;; "$B"/walker/walks/*) echo 4 ;; "$B"/walker/watch/*) echo 5 ;;
	"$B"/walker/cli/*) echo 6 ;;
	*) echo "?" ;;
	esac
}
objs=$(ls "$B"/btf/*.o "$B"/walker/*/*.o 2>/dev/null)
if [ -z "$objs" ]; then
	echo "not ok - layering: no objects under $B (make all first)"
	exit 1
fi
declare -A def
for o in $objs; do
	for s in $(nm --defined-only -g "$o" | awk '{print $3}'); do def[$s]=$o; done
done
bad=0 unknown=0 calls=0
for o in $objs; do
	r=$(rank "$o")
	[ "$r" = "?" ] && { echo "# $o is in no known layer"; unknown=1; continue; }
	for s in $(nm -u "$o" | awk '{print $2}'); do
		d=${def[$s]:-}
		[ -n "$d" ] || continue
		calls=$((calls + 1))
		if [ "$(rank "$d")" -gt "$r" ]; then
			echo "# upward: ${o#"$B"/} uses $s from ${d#"$B"/}"
			bad=1
		fi
	done
done
if [ $bad -eq 0 ] && [ $unknown -eq 0 ] && [ $calls -gt 0 ]; then
	echo "ok - layering: $calls cross-file calls in the library and CLI all point down (cli -> watch -> walks -> expr -> kernel -> mem -> btf)"
else
	echo "not ok - layering: a call points up, an object is in no layer, or no calls were seen"
fi
