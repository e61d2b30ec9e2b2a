#!/usr/bin/env bash
# Attaching while the guest boots: every attach succeeds or says "kernel not ready yet" (exit 4);
# watch --wait-ready started before the kernel is up samples. TAP lines. Details:
# tests/e2e/check_attach_boot.py.
exec python3 "$(dirname "$0")/check_attach_boot.py" "$@"
