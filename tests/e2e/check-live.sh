#!/usr/bin/env bash
# Live guests: btfwalk watch samples 2-node QEMU guests while they run paced NUMA traffic, through
# their memory-backend-files and through QMP (plain RAM). TAP lines. Details: tests/e2e/check_live.py.
exec python3 "$(dirname "$0")/check_live.py" "$@"
