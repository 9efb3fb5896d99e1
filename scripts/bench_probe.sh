#!/usr/bin/env bash
# The engine against the speed anchor (README, "Performance"), run by hand
# on a quiet machine, never by the tests:
#  1. builds the hand-tight Erlang-A loop in ../shared/bench/limit-probe and
#     peakdesk (and takes an older peakdesk binary to compare, if given);
#  2. runs them interleaved, five times each, one replication on one thread:
#     the probe and erlang-a-bigsale on the same number of shoppers, and
#     double11; reports shoppers per CPU-second (user+sys of the whole
#     process, so start-up and output count) and the ratio to the probe;
#  3. counts instructions per shopper under callgrind (deterministic,
#     unlike CPU time on a shared machine), when valgrind is installed.
# With --pgo, also builds the profile-guided binary (scripts/build_pgo.sh)
# and runs it beside the plain one, as `pgo`.
# Usage: scripts/bench_probe.sh [--pgo] [OLD_PEAKDESK_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
with_pgo=
old=
for arg in "$@"; do
    case "$arg" in
    --pgo) with_pgo=1 ;;
    -*) echo "bench_probe: unknown option $arg (usage: scripts/bench_probe.sh [--pgo] [OLD_PEAKDESK_BINARY])" >&2; exit 2 ;;
    *) old=$arg ;;
    esac
done
probe_dir=../shared/bench/limit-probe
cargo build --release --locked -q
cargo build --release -q --manifest-path "$probe_dir/Cargo.toml" --target-dir target/limit-probe
probe=target/limit-probe/release/limit
new=target/release/peakdesk
[ -n "$with_pgo" ] && bash scripts/build_pgo.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
big=profiles/reference/erlang-a-bigsale.toml
d11=profiles/double11.toml

# Shoppers a peakdesk summary says it simulated (warm-up included).
shoppers() { jq -r '(.run.shoppers_per_s * .run.wall_s) | round' "$1"; }
# Runs a command and prints its CPU seconds (user + sys of the whole
# process, from wait4 in microseconds: /usr/bin/time rounds to 10 ms, 6%
# of a 0.16 s run).
cpu() {
    python3 -c 'import os, subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, ru = os.wait4(p.pid, 0)
if os.waitstatus_to_exitcode(status) != 0:
    sys.exit(f"bench_probe: {sys.argv[1:]} failed")
print(f"{ru.ru_utime + ru.ru_stime:.6f}")' "$@"
}

# The probe runs as many shoppers as peakdesk's erlang-a-bigsale.
"$new" simulate "$big" --threads 1 --quiet --json "$out/n.json"
n=$(shoppers "$out/n.json")
echo "== shoppers per CPU-second, one replication on one thread, five interleaved runs ($n shoppers on erlang-a-bigsale)"
bins=("new:$new")
[ -n "$with_pgo" ] && bins+=("pgo:target/pgo/peakdesk")
[ -n "$old" ] && bins+=("old:$old")
for _ in 1 2 3 4 5; do
    t=$(cpu "$probe" "$n" 1)
    echo "probe big $t $n" >> "$out/runs"
    for b in "${bins[@]}"; do
        for p in big d11; do
            f=$big; [ "$p" = d11 ] && f=$d11
            t=$(cpu "${b#*:}" simulate "$f" --threads 1 --quiet --json "$out/s.json")
            echo "${b%%:*} $p $t $(shoppers "$out/s.json")" >> "$out/runs"
        done
    done
done
python3 - "$out/runs" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    who, p, cpu, n = line.split()
    runs.setdefault((who, p), []).append(int(n) / float(cpu))
probe = statistics.median(runs[("probe", "big")])
for (who, p), rates in sorted(runs.items()):
    med = statistics.median(rates)
    name = {"big": "erlang-a-bigsale", "d11": "double11"}[p]
    ratio = f", {med / probe:.2f}x the probe" if p == "big" and who != "probe" else ""
    print(f"  {who:5} {name:17} median {med / 1e6:.2f} M/CPU-s "
          f"(runs {min(rates) / 1e6:.2f}-{max(rates) / 1e6:.2f}){ratio}")
PY
if ! command -v valgrind > /dev/null; then
    echo "(valgrind not installed: no instruction counts)"
    exit 0
fi
echo "== instructions per shopper (callgrind, whole process)"
instr() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 | awk '/refs:/ { gsub(",", "", $NF); print $NF }'; }
i=$(instr "$probe" "$n" 1)
echo "  probe erlang-a-bigsale $((i / n))"
for b in "${bins[@]}"; do
    for p in big d11; do
        f=$big; [ "$p" = d11 ] && f=$d11
        i=$(instr "${b#*:}" simulate "$f" --threads 1 --quiet --json "$out/s.json")
        m=$(shoppers "$out/s.json")
        echo "  ${b%%:*}   $([ "$p" = big ] && echo erlang-a-bigsale || echo double11) $((i / m))"
    done
done
