#!/usr/bin/env bash
# make demo: boot a 2-node guest, dump it, walk the dump with build/btfwalk, and print the walker's
# per-node NUMA counters beside the guest's own numastat read just before and after the dump.
exec python3 "$(dirname "$0")/demo.py" "$@"
