#!/usr/bin/env bash
# make install into a staging DESTDIR gives the libraries, headers, CLI, man page and pkg-config file;
# a program built with `pkg-config --cflags --libs btfwalk` against the staged files links and runs;
# make uninstall leaves nothing behind.
set -u
cd "$(dirname "$0")/../.."
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
prefix=/usr/local

make -s install DESTDIR="$stage" PREFIX=$prefix >"$stage/log" 2>&1
rc=$?
echo "$( [ $rc -eq 0 ] && echo ok || echo not ok ) - make install DESTDIR=... PREFIX=$prefix"

for f in lib/libbtfwalk.a lib/libbtfwalk.so.0.1.0 lib/libbtfwalk.so.0 lib/libbtfwalk.so \
	include/btfwalk.h include/btfwalk/btf.h include/btfwalk/mem.h include/btfwalk/kernel.h \
	include/btfwalk/common.h bin/btfwalk share/man/man1/btfwalk.1 lib/pkgconfig/btfwalk.pc; do
	if [ -e "$stage$prefix/$f" ]; then echo "ok - installed $f"; else echo "not ok - installed $f"; fi
done

soname=$(readelf -d "$stage$prefix/lib/libbtfwalk.so.0.1.0" 2>/dev/null | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = libbtfwalk.so.0 ] && echo "ok - soname is libbtfwalk.so.0" ||
	echo "not ok - soname is libbtfwalk.so.0 (got '$soname')"

# Exactly the functions the public headers declare are exported: no internal helper leaks.
exported=$(nm -D --defined-only "$stage$prefix/lib/libbtfwalk.so.0.1.0" | awk '{print $3}' | sort)
declared=$(grep -ho '\bbw_[a-z0-9_]*(' include/btfwalk/*.h | tr -d '(' | sort -u)
if [ "$exported" = "$declared" ]; then
	echo "ok - the shared library exports exactly the $(echo "$declared" | wc -l) public functions"
else
	echo "not ok - the shared library exports exactly the public functions:"
	diff <(echo "$declared") <(echo "$exported") | head -10 | sed 's/^/#   /'
fi

cat >"$stage/use.c" <<'C'
#include <btfwalk.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
	return strcmp(bw_kind_name(BW_KIND_STRUCT), "STRUCT") || strcmp(bw_strerror(BW_EFAULT), "EFAULT");
}
C
flags=$(PKG_CONFIG_SYSROOT_DIR="$stage" PKG_CONFIG_PATH="$stage$prefix/lib/pkgconfig" \
	pkg-config --cflags --libs btfwalk 2>&1)
if cc -std=c11 -Wall -Werror "$stage/use.c" -o "$stage/use" $flags &&
	LD_LIBRARY_PATH="$stage$prefix/lib" "$stage/use"; then
	echo "ok - program built with pkg-config flags links the installed shared library and runs"
else
	echo "not ok - program built with pkg-config flags ($flags)"
fi
if LD_LIBRARY_PATH="$stage$prefix/lib" ldd "$stage/use" 2>/dev/null | grep -q "$stage$prefix/lib/libbtfwalk.so.0"; then
	echo "ok - the program uses the installed libbtfwalk.so.0"
else
	echo "not ok - the program uses the installed libbtfwalk.so.0"
fi

make -s uninstall DESTDIR="$stage" PREFIX=$prefix >>"$stage/log" 2>&1
left=$(find "$stage$prefix" -type f -o -type l | grep -i btfwalk)
[ -z "$left" ] && echo "ok - make uninstall removes every installed file" ||
	echo "not ok - make uninstall removes every installed file (left: $left)"
