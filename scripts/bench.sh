#!/usr/bin/env bash
# Performance figures quoted in the README:
#  1. engine throughput (criterion, one thread, erlang-a-bigsale, double11);
#  1b. sweeps: 40 points on 1 and 2 threads; 40 Double 11 points x 5 replications;
#  1c. `staff profiles/double11.toml` (5 replications, 2 groups, 48 half hours);
#  2. peak memory of `simulate` at the 6-day horizon, at 60 days (10x, with
#     10x the interval rows), and at 60 days with the same number of rows
#     (wider intervals), measured by /usr/bin/time as the process's max RSS.
#
# `bash scripts/bench.sh [OLD_BINARY]`: with an older peakdesk binary, the
# Double 11 sweep runs it too, alternating, to compare the two in CPU time.
set -euo pipefail
old=${1:+$(realpath "$1")}
cd "$(dirname "$0")/.."
cargo build --release --locked -q
echo "== engine throughput"
cargo bench --locked --bench engine 2>&1 | grep -E "engine/|time:|thrpt:"
echo "== a 40-point sweep (marketplace-day, 2 replications a point) on 1 and 2 threads"
for t in 1 2; do
    /usr/bin/time -f "  --threads $t: %e s wall" target/release/peakdesk sweep profiles/marketplace-day.toml \
        --vary 'agents.groups[0].concurrency=1:4:1' --scale-staff 0.55:1.0:0.05 --replications 2 --threads $t --quiet --json /dev/null
done
echo "== a 40-point Double 11 sweep, 5 replications a point, all cores (three runs${old:+, alternating with $old})"
for run in 1 2 3; do
    for bin in target/release/peakdesk ${old:+"$old"}; do
        /usr/bin/time -f "  run $run, $bin: %e s wall, %U s user, %S s sys" "$bin" sweep profiles/double11.toml \
            --vary questions.order_status.bot=0.8,0.9 --vary questions.promotion.bot=0.75,0.85 \
            --scale-staff 1.0:1.9:0.1 --replications 5 --quiet --json /dev/null
    done
done
echo "== staff profiles/double11.toml, all cores (three runs)"
for run in 1 2 3; do
    /usr/bin/time -f "  run $run: %e s wall, %U s user, %S s sys" target/release/peakdesk staff profiles/double11.toml \
        --quiet --json /dev/null
done
echo "== peak memory (max RSS) and wall time, erlang-a-bigsale"
p=profiles/reference/erlang-a-bigsale.toml
for args in "horizon=6d" "horizon=60d" "horizon=60d --set interval=150m"; do
    # shellcheck disable=SC2086
    /usr/bin/time -f "  --set $args: %M KiB max RSS, %e s" target/release/peakdesk simulate $p --set $args --quiet --json /dev/null 2>&1
done
