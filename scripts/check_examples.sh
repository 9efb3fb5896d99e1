#!/usr/bin/env bash
# Runs the shipped examples for splitting a sweep across machines
# (docs/examples: Slurm array, GNU parallel, Kubernetes Indexed Job) on a
# small grid, here, and checks that each merged result is byte for byte the
# unsplit sweep. Slurm is real: a one-node Slurm on 127.0.0.1
# (scripts/slurm.sh; Debian's slurm-wlm and munge, installed if missing)
# runs the shipped job array and the merge job that depends on it, and is
# stopped at the end, also on failure; when it cannot start, the test fails
# with the reason. Kubernetes is not on this machine: the Job's container
# command runs under sh once per completion index, exactly as the scheduler
# would run it. GNU parallel is installed from Debian if missing.
# PEAKDESK_KEEP=1 keeps the work directory (the daemons' and jobs' logs).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$PWD/target/release/peakdesk
work=$(mktemp -d)
slurm=$work/slurm-daemons
trap 'bash "$root/scripts/slurm.sh" stop "$slurm"; [ -n "${PEAKDESK_KEEP:-}" ] || rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

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

export PROFILE=$root/tests/integration/sla-desk.toml
export GRID="--vary agents.groups[0].staff=24,27,30 --scale-staff 0.9,1.1"
export REPLICATIONS=3 PEAKDESK=$bin
# shellcheck disable=SC2086
"$bin" sweep "$PROFILE" $GRID --replications "$REPLICATIONS" --json "$work/whole.json" --csv "$work/whole.csv" --quiet

# Slurm: the job array and the merge job, submitted as the examples say,
# from a directory of their own (the jobs run in it), to a real Slurm.
started=$(date +%s)
if ! conf=$(bash scripts/slurm.sh start "$slurm") || [ ! -f "$conf" ]; then
    echo "FAIL: Slurm could not be started (the reason is above)"
    exit 1
fi
export SLURM_CONF=$conf
echo "slurm: one node up in $(($(date +%s) - started)) s ($(sinfo -h -o '%c CPUs, %m MB'))"
slurm_fail() { # why: the jobs' states, their logs and the controller's
    echo "FAIL: Slurm array (docs/examples/slurm-sweep.sbatch): $1"
    for job in $array $merge; do scontrol -o show job "$job"; done 2>/dev/null |
        awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(JobId|ArrayTaskId|JobState|Reason|ExitCode)=/) printf "%s ", $i; print "" }' || true
    tail -n 5 "$work"/slurm/parts/slurm-*.log 2>/dev/null || true
    tail -n 10 "$slurm/slurmctld.log" || true
    exit 1
}
array="" merge=""
job_states() { scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort -u | paste -sd ,; }
mkdir -p "$work/slurm/parts"
cpus=()
[ "$(sinfo -h -o %c)" -ge 2 ] || cpus=(--cpus-per-task=1) # the array asks for 2
array=$(cd "$work/slurm" && sbatch --parsable "${cpus[@]}" "$root/docs/examples/slurm-sweep.sbatch") || slurm_fail "sbatch refused the array"
merge=$(cd "$work/slurm" && sbatch --parsable --dependency="afterok:$array" "$root/docs/examples/slurm-merge.sbatch") || slurm_fail "sbatch refused the merge job"
# The merge job ends COMPLETED, or is cancelled when a task fails
# (DependencyParameters=kill_invalid_depend); two minutes at most.
for i in $(seq 1 240); do
    case $(job_states "$merge") in
        COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE | PREEMPTED) break ;;
    esac
    [ "$i" = 240 ] && slurm_fail "the jobs have not ended after 120 s"
    sleep 0.5
done
[ "$(job_states "$array")" = COMPLETED ] || slurm_fail "not every array task completed"
[ "$(job_states "$merge")" = COMPLETED ] || slurm_fail "the merge job did not complete"
parts=("$work"/slurm/parts/part-*.json)
echo "slurm: ${#parts[@]} array tasks and the merge job done in $(($(date +%s) - started)) s"
cmp -s "$work/whole.csv" "$work/slurm/double11-sweep.csv" || slurm_fail "the merged CSV differs from the unsplit sweep's"
same "$work/whole.json" "$work/slurm/double11-sweep.json" "Slurm array and merge job (docs/examples/slurm-*.sbatch, JSON and CSV, on a real one-node Slurm)"
bash scripts/slurm.sh stop "$slurm"

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
