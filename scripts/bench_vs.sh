#!/usr/bin/env bash
# Two binaries of peakdesk side by side on this machine, in turn (old, new,
# old, new, ...), so that both see the same noise: shoppers simulated per
# CPU-second (user + sys, the process's own accounting) on erlang-a-bigsale
# (6 days, 1.04 M shoppers) and Double 11 (one day), one thread, and the
# median ratio new/old, pair by pair.
#
#   bash scripts/bench_vs.sh OLD_BINARY [NEW_BINARY] [RUNS]
#
# NEW_BINARY defaults to target/release/peakdesk, RUNS to 7.
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: bench_vs.sh OLD_BINARY [NEW_BINARY] [RUNS]}
new=${2:-target/release/peakdesk}
runs=${3:-7}
cpu() { # BINARY PROFILE -> "cpu_seconds shoppers"
    local out t
    out=$(mktemp)
    t=$( { /usr/bin/time -f "%U %S" "$1" simulate "$2" --threads 1 --quiet --format json >"$out"; } 2>&1 | tail -1)
    echo "$t $(jq '.counts.arrived' "$out")" | awk '{ printf "%.3f %d\n", $1 + $2, $3 }'
    rm -f "$out"
}
for p in profiles/reference/erlang-a-bigsale.toml profiles/double11.toml; do
    ratios=() olds=() news=()
    for _ in $(seq "$runs"); do
        read -r co n < <(cpu "$old" "$p")
        read -r cn m < <(cpu "$new" "$p")
        [ "$n" = "$m" ] || echo "  note: the binaries simulate different shoppers ($n, $m)"
        olds+=("$(awk -v c="$co" -v n="$n" 'BEGIN { printf "%.0f", n / c }')")
        news+=("$(awk -v c="$cn" -v n="$m" 'BEGIN { printf "%.0f", n / c }')")
        ratios+=("$(awk -v a="$cn" -v b="$co" 'BEGIN { printf "%.4f", a / b }')")
    done
    median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
    echo "$(basename "$p" .toml): old $(median "${olds[@]}") shoppers/CPU-s, new $(median "${news[@]}") shoppers/CPU-s, CPU new/old median $(median "${ratios[@]}") (min $(printf '%s\n' "${ratios[@]}" | sort -g | head -1), max $(printf '%s\n' "${ratios[@]}" | sort -g | tail -1))"
done
