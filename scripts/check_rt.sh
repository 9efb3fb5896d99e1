#!/usr/bin/env bash
# The Request Tracker end-to-end test: set up Debian's request-tracker5 on
# SQLite (scripts/rt.sh, apt-get when missing), drive it with
# profiles/rt-minute.toml for a minute of wall time, and check RT's
# database against the drive (scripts/rt/verify_drive.py). Stops every
# process it started. Fails with the reason when RT cannot be set up; never
# skips.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/peakdesk
dir=$(mktemp -d)
trap 'bash scripts/rt.sh stop "$dir"; [ -n "${PEAKDESK_KEEP:-}" ] || rm -rf "$dir"' EXIT
started=$(date +%s)
if ! target=$(bash scripts/rt.sh start "$dir" 7); then
    echo "FAIL: Request Tracker could not be set up (the reason is above)"
    exit 1
fi
echo "request tracker: set up in $(($(date +%s) - started)) s"
set +e
"$bin" drive profiles/rt-minute.toml --target "$target" --json "$dir/drive.json" > "$dir/drive.txt" 2> "$dir/drive.err"
code=$?
set -e
if [ "$code" -ne 0 ]; then
    echo "FAIL: peakdesk drive exited $code (expected 0):"
    tail -5 "$dir/drive.err"
    echo "server log:"
    tail -20 "$dir/rt-server.log"
    exit 1
fi
python3 scripts/rt/verify_drive.py "$dir/drive.json" "$dir/rt.sqlite" peakdesk 2 "$dir/drive.err"
echo "request tracker: the check took $(($(date +%s) - started)) s"
