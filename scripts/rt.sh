#!/usr/bin/env bash
# A local Request Tracker 5 for `peakdesk drive`: Debian's request-tracker5
# (installed with apt-get when missing), SQLite in WAL mode under DIR, a
# queue, an intake user and N virtual-agent users with passwords, every
# scrip disabled (no mail here), and RT's standalone server (rt-server,
# Starlet workers) on 127.0.0.1 on a free port.
#
#   scripts/rt.sh start DIR [AGENTS]   set up and start; prints DIR/target.toml
#   scripts/rt.sh stop DIR             stop the server started in DIR
#
# DIR receives the site config, the database, the passwords
# (intake.password, agents.txt), the server's log and pid, and target.toml
# (the target file for `drive`). Environment: PEAKDESK_RT_WORKERS (Starlet
# workers, default 4).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORKERS=${PEAKDESK_RT_WORKERS:-4}
RT_LIB=/usr/share/request-tracker5/lib
RT_SERVER=/usr/share/request-tracker5/libexec/rt-server
QUEUE=peakdesk

die() { echo "rt.sh: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

install() {
    if [ -x "$RT_SERVER" ] && [ -x /usr/sbin/rt-setup-database-5 ] && perl -MDBD::SQLite -e1 2>/dev/null &&
        perl -MStarlet -e1 2>/dev/null; then
        return
    fi
    # dma: the mail transport RT depends on, without a daemon; dbconfig-no-thanks:
    # no database set up by debconf (this script makes its own).
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck source=lib/apt.sh
    source "$ROOT/scripts/lib/apt.sh"
    need_package rt-setup-database-5 "--no-install-recommends request-tracker5 rt5-standalone rt5-db-sqlite dbconfig-no-thanks dma" "scripts/rt.sh"
    [ -x "$RT_SERVER" ] || die "request-tracker5 is installed but $RT_SERVER is missing"
}

site_config() {
    local dir=$1 port=$2
    mkdir -p "$dir/RT_SiteConfig.d" "$dir/mason_data" "$dir/session_data"
    cat > "$dir/RT_SiteConfig.pm" <<PERL
# Written by scripts/rt.sh: a throwaway RT for peakdesk drive.
Set(\$rtname, 'peakdesk.test');
Set(\$Organization, 'peakdesk.test');
Set(\$Timezone, 'UTC');
Set(\$WebDomain, '127.0.0.1');
Set(\$WebPort, $port);
Set(\$WebPath, '');
Set(\$WebBaseURL, 'http://127.0.0.1:$port');
Set(\$DatabaseType, 'SQLite');
Set(\$DatabaseName, '$dir/rt.sqlite');
Set(\$MasonDataDir, '$dir/mason_data');
Set(\$MasonSessionDir, '$dir/session_data');
Set(\$LogToSyslog, undef);
Set(\$LogToSTDERR, 'warning');
Set(\$MailCommand, 'testfile');
1;
PERL
}

start() {
    local dir=$1 agents=${2:-20}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    install
    local web
    web=$(free_port)
    rm -f "$dir"/rt.sqlite*
    site_config "$dir" "$web"
    export RT_SITE_CONFIG=$dir/RT_SiteConfig.pm RT_SITE_CONFIG_DIR=$dir/RT_SiteConfig.d
    /usr/sbin/rt-setup-database-5 --action init --skip-create > "$dir/setup.log" 2>&1 ||
        /usr/sbin/rt-setup-database-5 --action init >> "$dir/setup.log" 2>&1 ||
        die "rt-setup-database-5 failed (see $dir/setup.log)"
    sqlite3 "$dir/rt.sqlite" 'PRAGMA journal_mode=WAL;' > /dev/null || die "cannot set WAL mode on $dir/rt.sqlite"
    perl -I"$RT_LIB" "$ROOT/scripts/rt/setup_desk.pl" "$dir" "$QUEUE" "$agents" >> "$dir/setup.log" 2>&1 ||
        die "setting up the queue and users failed (see $dir/setup.log)"
    setsid "$RT_SERVER" --server Starlet --max-workers "$WORKERS" --host 127.0.0.1 --port "$web" \
        > "$dir/rt-server.log" 2>&1 < /dev/null &
    echo $! > "$dir/rt-server.pid"
    local i
    for i in $(seq 1 120); do
        if curl -sf -o /dev/null "http://127.0.0.1:$web/NoAuth/Login.html"; then
            break
        fi
        kill -0 "$(cat "$dir/rt-server.pid")" 2>/dev/null || die "rt-server exited (see $dir/rt-server.log)"
        [ "$i" = 120 ] && die "RT is not answering on 127.0.0.1:$web after 60 s (see $dir/rt-server.log)"
        sleep 0.5
    done
    cat > "$dir/target.toml" <<TOML
# Written by scripts/rt.sh: the local Request Tracker it started.
name = "Request Tracker (local)"
adapter = "request-tracker"
base_url = "http://127.0.0.1:$web"
timeout = "20s"
max_in_flight = 16

[rt]
queue = "$QUEUE"
intake_user = "intake"
intake_password_file = "intake.password"
agents_file = "agents.txt"
TOML
    echo "$dir/target.toml"
}

stop() {
    local dir=$1
    [ -f "$dir/rt-server.pid" ] || return 0
    local pid
    pid=$(cat "$dir/rt-server.pid")
    # The server leads its own session (setsid): its workers are its group.
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
        kill -0 -- "-$pid" 2>/dev/null || break
        sleep 0.25
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$dir/rt-server.pid"
}

case "${1:-}" in
    start) [ $# -ge 2 ] || die "usage: rt.sh start DIR [AGENTS]"; start "$2" "${3:-20}" ;;
    stop) [ $# -ge 2 ] || die "usage: rt.sh stop DIR"; stop "$2" ;;
    *) die "usage: rt.sh start DIR [AGENTS] | stop DIR" ;;
esac
