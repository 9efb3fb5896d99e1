#!/usr/bin/env bash
# A Double 11 capacity sweep split into shards that GNU parallel runs side
# by side on one machine (or, with --sshlogin, on several), then merged:
#
#   bash docs/examples/parallel-sweep.sh            # writes double11-sweep.json
#
# Each shard runs single-threaded and parallel keeps one per core busy; the
# merged file is byte for byte what one `peakdesk sweep` would write.
set -euo pipefail

SHARDS=${SHARDS:-8}
PROFILE=${PROFILE:-profiles/double11.toml}
GRID=${GRID:---vary questions.order_status.bot=0.8,0.9 --vary questions.promotion.bot=0.75,0.85 --scale-staff 1.2:1.5:0.1}
REPLICATIONS=${REPLICATIONS:-5}
PARTS=${PARTS:-parts}
OUT=${OUT:-double11-sweep.json}
PEAKDESK=${PEAKDESK:-peakdesk}

mkdir -p "$PARTS"
# shellcheck disable=SC2086 # GRID is a list of arguments
parallel --halt now,fail=1 \
    "$PEAKDESK" sweep "$PROFILE" $GRID --replications "$REPLICATIONS" --threads 1 \
    --shard "{}/$SHARDS" --json "$PARTS/part-{}.json" --quiet \
    ::: $(seq 1 "$SHARDS")
"$PEAKDESK" merge "$PARTS"/part-*.json -o "$OUT"
