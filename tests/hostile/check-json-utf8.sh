#!/usr/bin/env bash
# JSON output is valid UTF-8 whatever bytes a dump holds: a real dump's first node file is copied
# with the kernel release (in VMCOREINFO and in init_uts_ns alike) rewritten to carry bytes that
# are not UTF-8 (a lone 0xff, a truncated sequence, a surrogate), then `btfwalk numa --json` must
# print JSON that a strict UTF-8 decoder and a JSON parser accept, with U+FFFD where the bad
# bytes were.
set -u
cd "$(dirname "$0")/../.."
bin=${BTFWALK:-$PWD/build/btfwalk}
CACHE=${BTFWALK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/btfwalk}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

d=$(ls -d "$CACHE"/dumps/*/ 2>/dev/null | while read -r x; do
	[ -f "$x/node0.ram" ] && [ -f "$x/node1.ram" ] && [ -f "$x/manifest.json" ] && echo "${x%/}"
done | head -1)
if [ -z "$d" ]; then
	echo "ok - JSON is UTF-8 on hostile strings # SKIP no dump with node files in $CACHE/dumps (tests/e2e makes them)"
	exit 0
fi
release=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["release"])' \
	"$d/manifest.json")
# Same length as the release, so every offset stays: bad bytes replace its last 5 characters.
# Both node files: VMCOREINFO and init_uts_ns may lie on different nodes (they do on 6.1).
python3 - "$d" "$tmp" "$release" <<'PY'
import sys
src, dst, rel = sys.argv[1], sys.argv[2], sys.argv[3].encode()
bad = rel[:-5] + b"\xff\xe2\x82\xed\xa0"
n = 0
for f in ("node0.ram", "node1.ram"):
    data = open(src + "/" + f, "rb").read()
    n += data.count(rel)
    open(dst + "/" + f, "wb").write(data.replace(rel, bad))
assert n >= 2, "release found %d times" % n
PY
if ! "$bin" numa --json "$tmp/node0.ram@0" "$tmp/node1.ram@0x10000000" >"$tmp/out.json" \
	2>"$tmp/err"; then
	echo "not ok - numa --json on a dump with a non-UTF-8 release: $(head -1 "$tmp/err")"
	exit 1
fi
if python3 - "$tmp/out.json" "$release" <<'PY'; then
import json, sys
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8")  # strict: raises on any invalid byte
got = json.loads(text)["release"]
want = sys.argv[2][:-5]
assert got.startswith(want) and "\ufffd" in got, repr(got)
print("# release printed as %r" % got)
PY
	echo "ok - numa --json prints valid UTF-8 JSON for a release with non-UTF-8 bytes"
else
	echo "not ok - numa --json output is not valid UTF-8 JSON"
	head -c 300 "$tmp/out.json" | od -c | head -5 | sed 's/^/#   /'
fi
