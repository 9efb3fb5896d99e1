#!/usr/bin/env bash
# Opens generated HTML reports in headless Chromium (Debian's 'chromium',
# installed if missing) and checks that every chart rendered with a size
# and the page logged no errors (scripts/browser/check_reports.py): the
# report of a simulation (Double 11), a check, a sweep, a drive against
# `peakdesk serve`, and a run of over a million shoppers. Then checks that
# the checker itself fails pages that are broken in three ways.
# Prints "reports: N passed, M failed"; exit 1 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/target/release/peakdesk
venv=.venv-test
work=$(mktemp -d)
serve_pid=
cleanup() {
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

. scripts/lib/apt.sh
need_package chromium chromium "the report rendering test (scripts/check_reports.sh)"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check pillow==12.0.0

"$bin" simulate profiles/double11.toml --quiet --html "$work/simulate-double11.html"
set +e
"$bin" check tests/integration/sla-desk.toml --preset tmall --replications 20 --quiet --html "$work/check.html"
code=$?
set -e
[ "$code" -le 4 ] || { echo "FAIL: check exited $code"; exit 1; }
"$bin" sweep profiles/dtc-site.toml --quiet --replications 2 \
    --set 'costs={currency="USD", agent_hour=30}' --set 'sla.rules=[{ metric = "shoppers_lost", max = 0.03 }]' \
    --vary questions.order_status.bot=0.6,0.8 --scale-staff 0.8:1.2:0.2 --html "$work/sweep.html"
"$bin" simulate profiles/reference/erlang-a-bigsale.toml --quiet --html "$work/million.html"

# A drive: the built-in desk served on a free port, driven for ~8 wall seconds.
"$bin" serve tests/integration/drive-desk.toml --listen 127.0.0.1:0 --speed 10 >"$work/serve.log" 2>&1 &
serve_pid=$!
url=
for _ in $(seq 50); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.log" || true)
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { echo "FAIL: peakdesk serve did not start: $(cat "$work/serve.log")"; exit 1; }
"$bin" drive tests/integration/drive-desk.toml --target targets/serve.toml --target-url "$url" --speed 10 \
    --duration 80s --drain 2s --quiet --html "$work/drive.html"
kill "$serve_pid"
serve_pid=

passed=0
failed=0
set +e
"$venv/bin/python" scripts/browser/check_reports.py "$work"/simulate-double11.html "$work"/check.html \
    "$work"/sweep.html "$work"/drive.html "$work"/million.html | tee "$work/result.txt"
set -e
passed=$((passed + $(grep -c '^ok:' "$work/result.txt" || true)))
failed=$((failed + $(grep -c '^FAIL' "$work/result.txt" || true)))

# The checker must fail a page with a missing resource, an empty chart and
# a script error.
python3 - "$work" <<'PY'
import sys
w = sys.argv[1]
s = open(f"{w}/simulate-double11.html", encoding="utf-8").read()
i = s.index("<svg"); j = s.index("</svg>", i) + 6
open(f"{w}/broken-resource.html", "w").write(s.replace("</body>", '<img src="missing.png"></body>'))
open(f"{w}/broken-chart.html", "w").write(s[:i] + '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"></svg>' + s[j:])
open(f"{w}/broken-script.html", "w").write(s.replace("</body>", "<script>undefinedFn();</script></body>"))
PY
set +e
"$venv/bin/python" scripts/browser/check_reports.py "$work"/broken-*.html >"$work/broken.txt"
set -e
if [ "$(grep -c '^FAIL' "$work/broken.txt")" -eq 3 ]; then
    echo "ok: the checker fails a missing resource, an empty chart and a script error"
    passed=$((passed + 1))
else
    echo "FAIL: the checker let a broken page pass:"
    cat "$work/broken.txt"
    failed=$((failed + 1))
fi
echo "reports: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
