#!/usr/bin/env bash
# The week's performance figures quoted in the README (issue: plans a
# manager can staff), run by hand on a quiet machine, never by the tests:
#  1. `simulate` of the week profile against Double 11, in shoppers per
#     CPU-second (user+sys of the whole process), interleaved, five runs each;
#  2. `staff --shifts` on the week profile: wall and CPU time (target: under
#     two minutes on a 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q
bin=target/release/peakdesk
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== simulate, one replication on one thread: shoppers per CPU-second (five interleaved runs)"
for run in 1 2 3 4 5; do
    for p in profiles/double11.toml profiles/double11-week.toml; do
        /usr/bin/time -f "%U %S" -o "$out/time" "$bin" simulate "$p" --replications 1 --threads 1 --quiet --json "$out/sum.json"
        python3 - "$p" "$out/time" "$out/sum.json" "$run" <<'PY'
import json, sys
p, t, s, run = sys.argv[1:]
user, sys_ = map(float, open(t).read().split())
n = json.load(open(s))["counts"]["arrived"]
print(f"  run {run} {p}: {n:,} shoppers in {user + sys_:.2f} CPU-s = {n / (user + sys_) / 1e6:.2f} M/CPU-s")
PY
    done
done
echo "== staff --shifts on the week profile"
/usr/bin/time -f "  %e s wall, %U s user, %S s sys" "$bin" staff profiles/double11-week.toml \
    --shifts profiles/double11-week-shifts.toml --quiet --json "$out/shifts.json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(f\"  cost {d['cost']:,.0f} {d['currency']} per {d['period_days']:.0f} days, lower bound {d['lower_bound']:,.0f} ({d['gap']*100:.1f}% above); fresh seeds: {d['check_with_fresh_seeds']}\")" "$out/shifts.json"
