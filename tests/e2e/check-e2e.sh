#!/usr/bin/env bash
# End-to-end: boot Debian 6.12 and 7.x kernels in 2-node QEMU guests (5- and 4-level paging),
# capture raw / ELF / per-node dumps bracketed by the guest's numastat, compare with btfwalk.
# TAP lines on stdout. Details: tests/e2e/check_e2e.py.
exec python3 "$(dirname "$0")/check_e2e.py" "$@"
