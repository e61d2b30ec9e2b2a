#!/usr/bin/env bash
# btfwalk dmesg --follow on a running plain-RAM guest attached by QMP, against the guest's own
# /dev/kmsg. TAP lines. Details: tests/e2e/check_dmesg_follow.py.
exec python3 "$(dirname "$0")/check_dmesg_follow.py" "$@"
