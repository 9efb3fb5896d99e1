#!/usr/bin/env bash
# The django-helpdesk end-to-end test: set up django-helpdesk from PyPI
# (scripts/helpdesk.sh), drive it with profiles/helpdesk-minute.toml for
# about a minute of wall time, and check the database against the drive
# (scripts/helpdesk/verify_drive.py). Twice, with the server's clock as a
# deployment in China keeps it (TIME_ZONE = "Asia/Shanghai"): USE_TZ on
# (times written with +08:00) and off (naive local times, read through the
# target file's time_zone); the check of server-side against shopper-side
# times fails if either is read hours off. Stops every process it
# started. Fails with the reason when the deployment cannot be set up;
# never skips.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/peakdesk
dir=$(mktemp -d)
trap 'bash scripts/helpdesk.sh stop "$dir"; rm -rf "$dir"' EXIT
export PEAKDESK_HELPDESK_TZ=Asia/Shanghai
for use_tz in 1 0; do
    export PEAKDESK_HELPDESK_USE_TZ=$use_tz
    echo "django-helpdesk with TIME_ZONE = $PEAKDESK_HELPDESK_TZ, USE_TZ = $use_tz"
    if ! target=$(bash scripts/helpdesk.sh start "$dir" 20); then
        echo "FAIL: django-helpdesk could not be set up (the reason is above)"
        exit 1
    fi
    set +e
    "$bin" drive profiles/helpdesk-minute.toml --target "$target" --quiet --json "$dir/drive.json"
    code=$?
    set -e
    if [ "$code" -ne 0 ]; then
        echo "FAIL: peakdesk drive exited $code (expected 0); server log:"
        tail -20 "$dir/gunicorn.log"
        exit 1
    fi
    PEAKDESK_HELPDESK_DATA=$dir .venv-helpdesk/bin/python scripts/helpdesk/tickets.py > "$dir/tickets.json"
    python3 scripts/helpdesk/verify_drive.py "$dir/drive.json" "$dir/tickets.json"
    bash scripts/helpdesk.sh stop "$dir"
done
