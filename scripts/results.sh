#!/usr/bin/env bash
# Regenerates every committed summary under results/ from the shipped
# profiles. Everything but each summary's `run` section (wall time,
# throughput, memory) is fixed by the profile's seed.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q
pd=target/release/peakdesk
run() { local out=$1; shift; "$pd" simulate "$@" --quiet --json "results/$out.json"; echo "results/$out.json"; }
run erlang-c profiles/reference/erlang-c.toml
run erlang-a-bigsale profiles/reference/erlang-a-bigsale.toml
run marketplace-day profiles/marketplace-day.toml
run night-shift profiles/night-shift.toml
run calibrated-store profiles/calibrated-store.toml
run censored-store profiles/censored-store.toml
run dtc-site profiles/dtc-site.toml --replications 10
run dtc-site-no-bot profiles/dtc-site.toml --replications 10 --set bot.enabled=false
run double11 profiles/double11.toml --replications 5 --html results/double11-report.html
echo "results/double11-report.html"
run double11-100pct-staff profiles/double11.toml --replications 5 --set agents.staffing_multiplier=1.0
"$pd" check profiles/double11.toml --quiet --json results/double11-check.json --junit results/double11-check.xml --markdown results/double11-check.md || true
echo "results/double11-check.{json,xml,md}"
"$pd" sweep profiles/double11.toml --quiet --vary questions.order_status.bot=0.7:0.9:0.1 --vary questions.promotion.bot=0.75,0.85 \
    --scale-staff 0.8:1.0:0.1 --replications 3 --markdown results/double11-sweep.md --csv results/double11-sweep.csv --json results/double11-sweep.json \
    --html results/double11-sweep-report.html
echo "results/double11-sweep.{md,csv,json} results/double11-sweep-report.html"
"$pd" staff profiles/double11.toml --replications 3 --json results/double11-staff.json \
    --write-profile results/double11-staffed.toml > results/double11-staff.txt
echo "results/double11-staff.{txt,json} results/double11-staffed.toml"
