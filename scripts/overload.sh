#!/usr/bin/env bash
# The measured overload: django-helpdesk on SQLite takes about 50 new
# tickets a second here; profiles/helpdesk-overload.toml sends 100 a second
# for 20 s. peakdesk must report the shortfall (achieved against intended
# rate, growing response times, errors) instead of hiding it. Writes
# results/helpdesk-overload.{txt,json} and its HTML report. Not part of the test command (it
# loads the machine on purpose); run it by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
dir=$(mktemp -d)
trap 'bash scripts/helpdesk.sh stop "$dir"; rm -rf "$dir"' EXIT
target=$(bash scripts/helpdesk.sh start "$dir" 20)
set +e
target/release/peakdesk drive profiles/helpdesk-overload.toml --target "$target" --drain 20s \
    --json results/helpdesk-overload.json --html results/helpdesk-overload-report.html > results/helpdesk-overload.txt 2>&1
code=$?
set -e
sed -i "s|$dir|DIR|g" results/helpdesk-overload.txt
echo "exit code $code" >> results/helpdesk-overload.txt
cat results/helpdesk-overload.txt
