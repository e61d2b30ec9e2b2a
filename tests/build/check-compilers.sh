#!/usr/bin/env bash
# The library, CLI and unit tests build warning-free (-Werror) with both gcc and clang.
set -u
cd "$(dirname "$0")/../.."
for cc in gcc clang; do
	out=$(make -s BUILD="build-$cc" CC=$cc all tests 2>&1)
	if [ $? -eq 0 ]; then
		echo "ok - builds with $cc -std=c11 -Wall -Wextra -Werror"
	else
		echo "not ok - builds with $cc"
		printf '%s\n' "$out" | head -20
	fi
done
