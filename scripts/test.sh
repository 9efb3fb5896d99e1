#!/usr/bin/env bash
# Runs every test peakdesk has: formatting, lints, unit and integration tests
# (including the statistical agreement with Erlang C / Erlang A), and the
# shipped profiles through the real binary with their exit codes asserted.
# Also builds the profile-guided binary and checks that it gives the same
# numbers (scripts/build_pgo.sh, with Debian's llvm-19 for llvm-profdata).
# Installs what the tests need: the crates from Cargo.lock, junitparser in
# a virtual environment (.venv-test, with pillow for the screenshots and
# pyworkforce for Erlang C with an occupancy cap and shrinkage), GNU
# parallel, Chromium and Prometheus from Debian if missing, Slurm and munge
# from Debian for a one-node Slurm (scripts/slurm.sh), django-helpdesk
# from PyPI in .venv-helpdesk (scripts/helpdesk.sh), and Request Tracker 5
# from Debian (scripts/rt.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy (all targets, warnings are errors)"
cargo clippy --locked --release --all-targets -- -D warnings

echo "== cargo test (release: the theory tests simulate ~10^8 shoppers)"
log=$(mktemp)
cargo test --locked --release 2>&1 | tee "$log"
passed=$(awk '/^test result:/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^passed/) s += $i } END { print s + 0 }' "$log")
failed=$(awk '/^test result:/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^failed/) s += $i } END { print s + 0 }' "$log")
rm -f "$log"

echo "== shipped profiles, run as a user would"
bin=target/release/peakdesk
for profile in $(find profiles -name '*.toml' ! -name '*-shifts.toml' | sort); do
    out=$(mktemp)
    set +e
    "$bin" simulate "$profile" --quiet --json "$out"
    code=$?
    set -e
    if [ "$code" -ne 0 ]; then
        echo "FAIL: peakdesk simulate $profile exited $code (expected 0)"
        exit 1
    fi
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['schema']=='peakdesk.summary/1' and d['counts']['arrived']>0" "$out"
    echo "ok: $profile"
    rm -f "$out"
done
echo "== the profile-guided build (scripts/build_pgo.sh): built, trained, the same numbers as the plain build"
# shellcheck source=lib/apt.sh
. scripts/lib/apt.sh
need_package llvm-profdata-19 llvm-19 "scripts/build_pgo.sh"
bash scripts/build_pgo.sh
echo "== JUnit read by a real consumer (junitparser, in a virtual environment)"
venv=.venv-test
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check junitparser==5.0.3
junit=$(mktemp --suffix .xml)
set +e
"$bin" check tests/integration/sla-desk.toml --preset tiers,tmall --set 'agents.groups[0].staff=10' --junit "$junit" --quiet
code=$?
"$bin" check tests/integration/sla-desk.toml --preset tmall --replications 1 --junit "$junit.skip" --quiet
code_skip=$?
set -e
[ "$code" -eq 1 ] || { echo "FAIL: check exited $code (expected 1)"; exit 1; }
[ "$code_skip" -eq 4 ] || { echo "FAIL: check exited $code_skip (expected 4)"; exit 1; }
"$venv/bin/python" scripts/check_junit.py "$junit" 2 2 0
"$venv/bin/python" scripts/check_junit.py "$junit.skip" 1 0 1
# A drive stopped by an `abort = true` rule: exit 1, marked in the file.
served=$(mktemp)
"$bin" serve tests/integration/drive-abort.toml --listen 127.0.0.1:0 --speed 20 > "$served" &
serve_pid=$!
for _ in $(seq 50); do grep -q http "$served" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$served")
set +e
"$bin" drive tests/integration/drive-abort.toml --target targets/serve.toml --target-url "$url" --speed 20 --junit "$junit.stopped" --quiet
code_stopped=$?
set -e
kill "$serve_pid"
[ "$code_stopped" -eq 1 ] || { echo "FAIL: a drive stopped by its SLA exited $code_stopped (expected 1)"; exit 1; }
"$venv/bin/python" scripts/check_junit.py "$junit.stopped" 2 2 0 sla
rm -f "$junit" "$junit.skip" "$junit.stopped" "$served"
echo "== erlang against an Erlang calculator: pyworkforce's ErlangC, pinned, in the same virtual environment"
# Its queuing module needs numpy and joblib only; the package's other
# dependencies (OR-Tools, pandas: about 170 MB) serve its scheduling.
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps \
    pyworkforce==0.5.1 numpy==2.4.6 joblib==1.6.0 cloudpickle==3.1.3
"$venv/bin/python" scripts/check_pyworkforce.py "$bin"
echo "== splitting across machines: the shipped Slurm (on a real one-node Slurm), GNU parallel and Kubernetes examples"
bash scripts/check_examples.sh
echo "== the HTML reports, opened in headless Chromium (Debian's chromium, installed if missing)"
bash scripts/check_reports.sh
echo "== a real helpdesk: django-helpdesk from PyPI, driven for a minute"
bash scripts/check_helpdesk.sh
echo "== a second real helpdesk: Request Tracker 5 from Debian, driven for a minute"
bash scripts/check_rt.sh
echo "== live metrics scraped by a real Prometheus (Debian's prometheus, installed if missing)"
bash scripts/check_prometheus.sh
profiles=$(find profiles -name '*.toml' ! -name '*-shifts.toml' | wc -l)
echo "== all tests passed"
echo "tests: $((passed + profiles + 1 + 3 + 3 + 6 + 1 + 1 + 1 + 1)) passed, $failed failed"
