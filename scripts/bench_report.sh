#!/usr/bin/env bash
# How fast the report of a run of over a million shoppers opens in headless
# Chromium: the erlang-a-bigsale reference profile (1.04 M shoppers), its
# HTML report, opened REPEAT times (default 5); prints the file size, the
# median time to the page's load event, and the median wall time of a
# whole Chromium start + open + screenshot. Needs chromium and the
# .venv-test virtual environment with pillow (scripts/check_reports.sh
# installs both).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
target/release/peakdesk simulate profiles/reference/erlang-a-bigsale.toml --quiet --json "$work/million.json" --html "$work/million.html"
python3 -c "import json,sys; print('shoppers:', json.load(open(sys.argv[1]))['counts']['arrived'])" "$work/million.json"
.venv-test/bin/python scripts/browser/check_reports.py --repeat "${REPEAT:-5}" "$work/million.html"
