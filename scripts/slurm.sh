#!/usr/bin/env bash
# A throwaway single-node Slurm for the shipped job array example: Debian's
# slurm-wlm and munge (installed with apt-get when missing), a munge key and
# socket of its own, and a slurm.conf for one node, `localhost` on
# 127.0.0.1, with this machine's CPUs and memory (as `slurmd -C` reports
# them), process tracking without cgroups (proctrack/linuxproc, task/none),
# select/cons_tres, no accounting daemon, and every state, spool, pid and
# log file under DIR. The daemons listen on free ports of 127.0.0.1, so a
# Slurm already on the machine (its /etc/slurm, its munge) is left alone.
#
#   scripts/slurm.sh start DIR   set up, start munged, slurmctld and slurmd,
#                                wait until the node is idle; prints
#                                DIR/slurm.conf
#   scripts/slurm.sh stop DIR    cancel the jobs, stop the daemons started
#                                in DIR (each one's process group)
#
# Slurm's commands reach it with SLURM_CONF=DIR/slurm.conf. Jobs run as the
# user who submits them (root in the test command: SlurmUser=root).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NODE=localhost
DAEMONS="slurmd slurmctld munged"

die() { echo "slurm.sh: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

install() {
    if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null &&
        command -v munged >/dev/null && command -v mungekey >/dev/null; then
        return
    fi
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck source=lib/apt.sh
    source "$ROOT/scripts/lib/apt.sh"
    # No service starts during the install: only this script runs the daemons.
    need_daemon_package slurmctld "slurm-wlm munge" "scripts/slurm.sh" >&2 # stdout is for the path
    command -v mungekey >/dev/null || die "munge is installed but mungekey is missing"
}

# launch NAME LOG COMMAND...: runs a daemon in the foreground of a session of
# its own, its pid in DIR/NAME.pid.
launch() {
    local name=$1 log=$2
    shift 2
    setsid "$@" >"$log" 2>&1 </dev/null &
    echo $! >"$dir/$name.pid"
}

alive() { kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null; }

start_munge() {
    mkdir -p "$dir/munge"
    chmod 711 "$dir/munge" # the socket is reached through it; the key is 0600
    mungekey --create --keyfile="$dir/munge/munge.key" --force 2>"$dir/munge/mungekey.log" ||
        die "mungekey could not write a key (see $dir/munge/mungekey.log)"
    chmod 600 "$dir/munge/munge.key"
    # --force: munged refuses a socket whose parent directories other users
    # cannot enter (mktemp's are 0700); only root talks to this one.
    launch munged "$dir/munge/munged.out" munged --foreground --force \
        --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
        --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
        --seed-file="$dir/munge/munged.seed"
    local i
    for i in $(seq 1 50); do
        [ -S "$dir/munge/munge.socket" ] && return
        alive munged || die "munged exited: $(tail -q -n 3 "$dir/munge/munged.out" "$dir/munge/munged.log" 2>/dev/null)"
        sleep 0.1
    done
    die "munged did not open its socket in 5 s (see $dir/munge/munged.log)"
}

# slurm.conf for one node: the node's line is `slurmd -C`'s, renamed.
write_conf() {
    local ctld_port=$1 slurmd_port=$2 hardware
    hardware=$(slurmd -C | head -1 | sed -E 's/^NodeName=[^ ]+ //') ||
        die "slurmd -C could not describe this machine"
    [[ $hardware == CPUs=* ]] || die "unexpected slurmd -C output: $hardware"
    mkdir -p "$dir/state" "$dir/spool"
    : >"$dir/plugstack.conf"
    cat >"$dir/slurm.conf" <<CONF
# Written by scripts/slurm.sh: a throwaway one-node Slurm.
ClusterName=peakdesk
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.own.pid
SlurmdPidFile=$dir/slurmd.own.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
PlugStackConfig=$dir/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1
DependencyParameters=kill_invalid_depend
ReturnToService=2
MailProg=/bin/true
NodeName=$NODE NodeAddr=127.0.0.1 $hardware State=UNKNOWN
PartitionName=peakdesk Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF
}

start() {
    dir=$1
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    install
    for name in $DAEMONS; do
        if [ -f "$dir/$name.pid" ] && alive "$name"; then
            die "a $name started in $dir is still running (scripts/slurm.sh stop $dir first)"
        fi
    done
    rm -rf "$dir/state" "$dir/spool" "$dir"/*.log
    start_munge
    write_conf "$(free_port)" "$(free_port)"
    export SLURM_CONF=$dir/slurm.conf
    launch slurmctld "$dir/slurmctld.out" slurmctld -D -c -f "$SLURM_CONF"
    launch slurmd "$dir/slurmd.out" slurmd -D -c -f "$SLURM_CONF" -N "$NODE"
    local i state=""
    for i in $(seq 1 120); do
        state=$(sinfo -h -n "$NODE" -o %T 2>/dev/null || true)
        [ "$state" = idle ] && break
        for name in slurmctld slurmd; do
            alive "$name" || die "$name exited: $(tail -q -n 3 "$dir/$name.out" "$dir/$name.log" 2>/dev/null)"
        done
        [ "$i" = 120 ] && die "the node is not idle after 30 s (state: '${state:-no answer}'; see $dir/slurmctld.log, $dir/slurmd.log)"
        sleep 0.25
    done
    echo "$SLURM_CONF"
}

stop() {
    dir=$1
    [ -d "$dir" ] || return 0
    dir=$(cd "$dir" && pwd)
    if [ -f "$dir/slurm.conf" ] && [ -f "$dir/slurmctld.pid" ] && alive slurmctld; then
        # Jobs first: their processes are not in the daemons' process groups.
        local jobs
        jobs=$(SLURM_CONF=$dir/slurm.conf squeue -h -o %A 2>/dev/null || true)
        if [ -n "$jobs" ]; then
            # shellcheck disable=SC2086 # a list of job ids
            SLURM_CONF=$dir/slurm.conf scancel $jobs 2>/dev/null || true
            for _ in $(seq 1 40); do
                [ -z "$(SLURM_CONF=$dir/slurm.conf squeue -h -o %A 2>/dev/null)" ] && break
                sleep 0.25
            done
        fi
    fi
    # Each daemon leads its own session (setsid): signal its process group.
    # All at once: each takes one or two seconds to shut down.
    local name pid pids=()
    for name in $DAEMONS; do
        if [ -f "$dir/$name.pid" ]; then
            pids+=("$(cat "$dir/$name.pid")")
        fi
    done
    for pid in "${pids[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 40); do
            kill -0 -- "-$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    for name in $DAEMONS; do
        rm -f "$dir/$name.pid"
    done
}

case "${1:-}" in
    start) [ $# -eq 2 ] || die "usage: slurm.sh start DIR"; start "$2" ;;
    stop) [ $# -eq 2 ] || die "usage: slurm.sh stop DIR"; stop "$2" ;;
    *) die "usage: slurm.sh start DIR | stop DIR" ;;
esac
