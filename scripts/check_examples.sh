#!/usr/bin/env bash
# Runs the shipped examples for splitting a sweep across machines
# (docs/examples: Slurm array, GNU parallel, Kubernetes Indexed Job) on a
# small grid, here, and checks that each merged result is byte for byte the
# unsplit sweep. Slurm and Kubernetes are not on this machine: the Slurm
# script runs under bash once per array task id, and the Kubernetes Job's
# container command runs under sh once per completion index, exactly as the
# schedulers would run them. GNU parallel is installed from Debian if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/target/release/peakdesk
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. scripts/lib/apt.sh
need_package parallel parallel docs/examples/parallel-sweep.sh

same() { # expected actual what
    if ! cmp -s "$1" "$2"; then
        echo "FAIL: $3: the merged sweep differs from the unsplit one"
        diff <(head -c 2000 "$1") <(head -c 2000 "$2") || true
        exit 1
    fi
    echo "ok: $3 merges into the unsplit sweep, byte for byte"
}

export PROFILE=tests/integration/sla-desk.toml
export GRID="--vary agents.groups[0].staff=24,27,30 --scale-staff 0.9,1.1"
export REPLICATIONS=3 PEAKDESK=$bin
# shellcheck disable=SC2086
"$bin" sweep "$PROFILE" $GRID --replications "$REPLICATIONS" --json "$work/whole.json" --quiet

# Slurm: one run of the batch script per array task.
mkdir -p "$work/slurm"
for task in 1 2 3 4; do
    SHARDS=4 PARTS=$work/slurm SLURM_ARRAY_TASK_ID=$task bash docs/examples/slurm-sweep.sbatch
done
"$bin" merge "$work"/slurm/part-*.json -o "$work/slurm.json" --quiet
same "$work/whole.json" "$work/slurm.json" "Slurm array (docs/examples/slurm-sweep.sbatch)"

# GNU parallel on this machine.
SHARDS=3 PARTS=$work/par OUT=$work/parallel.json bash docs/examples/parallel-sweep.sh >/dev/null
same "$work/whole.json" "$work/parallel.json" "GNU parallel (docs/examples/parallel-sweep.sh)"

# Kubernetes: the container command of each completion index, as written in
# the manifests, on the shipped Double 11 profile cut to one hour.
command_of() { # manifest -> the folded `args` scalar on one line
    awk '/- >-/ { on = 1; next } on && /^ *(resources|volumeMounts):/ { exit } on { printf "%s ", $0 }' "$1"
}
mkdir -p "$work/profiles" "$work/results" "$work/k8s-bin"
cp profiles/double11.toml "$work/profiles/"
ln -s "$bin" "$work/k8s-bin/peakdesk"
shard_cmd=$(command_of docs/examples/k8s-indexed-job.yaml | sed "s#/profiles#$work/profiles#g; s#/results#$work/results#g")
merge_cmd=$(command_of docs/examples/k8s-merge-job.yaml | sed "s#/profiles#$work/profiles#g; s#/results#$work/results#g")
completions=$(awk '/completions:/ { print $2 }' docs/examples/k8s-indexed-job.yaml)
cut='--set horizon="1h" --set agents.handover_overlap="0s"'
for ((i = 0; i < completions; i++)); do
    JOB_COMPLETION_INDEX=$i PATH="$work/k8s-bin:$PATH" sh -c "$shard_cmd $cut"
done
PATH="$work/k8s-bin:$PATH" sh -c "$merge_cmd" >/dev/null
# The same sweep on one machine: the shard command without --shard/--json.
whole_cmd=$(echo "$shard_cmd" | sed -E 's#--shard .*\.json#--json '"$work"'/k8s-whole.json#')
PATH="$work/k8s-bin:$PATH" sh -c "$whole_cmd $cut"
same "$work/k8s-whole.json" "$work/results/double11-sweep.json" "Kubernetes Indexed Job (docs/examples/k8s-*.yaml, $completions pods)"
