#!/usr/bin/env bash
# A local django-helpdesk for `peakdesk drive`: pinned from PyPI into a
# virtual environment, SQLite in WAL mode, gunicorn on 127.0.0.1 on a free
# port, a queue, an intake user and N virtual-agent users with API tokens.
#
#   scripts/helpdesk.sh start DIR [AGENTS]   set up and start; prints DIR/target.toml
#   scripts/helpdesk.sh stop DIR             stop the server started in DIR
#
# DIR receives the database, the tokens (intake.token, agents.txt), the
# server's log and pid, and target.toml (the target file for `drive`).
# Environment: PEAKDESK_HELPDESK_VENV (default .venv-helpdesk at the repo
# root), PEAKDESK_HELPDESK_WORKERS (gunicorn workers, default 4),
# PEAKDESK_HELPDESK_TZ (Django's TIME_ZONE, default UTC) and
# PEAKDESK_HELPDESK_USE_TZ (Django's USE_TZ: 1, the default, or 0).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HERE=$ROOT/scripts/helpdesk
VENV=${PEAKDESK_HELPDESK_VENV:-$ROOT/.venv-helpdesk}
WORKERS=${PEAKDESK_HELPDESK_WORKERS:-4}
export PEAKDESK_HELPDESK_TZ=${PEAKDESK_HELPDESK_TZ:-UTC}
export PEAKDESK_HELPDESK_USE_TZ=${PEAKDESK_HELPDESK_USE_TZ:-1}

die() { echo "helpdesk.sh: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

install() {
    if [ -x "$VENV/bin/gunicorn" ] && cmp -s "$HERE/requirements.txt" "$VENV/.peakdesk-requirements"; then
        return
    fi
    python3 -m venv "$VENV" || die "cannot create a virtual environment at $VENV (python3 -m venv)"
    "$VENV/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements.txt" \
        || die "cannot install django-helpdesk from PyPI into $VENV (see pip's message above)"
    cp "$HERE/requirements.txt" "$VENV/.peakdesk-requirements"
}

start() {
    local dir=$1 agents=${2:-20}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    install
    export PEAKDESK_HELPDESK_DATA=$dir
    rm -f "$dir"/helpdesk.sqlite3*
    (cd "$HERE/site" && "$VENV/bin/python" manage.py migrate -v0) || die "migrations failed"
    local queue web hook
    queue=$("$VENV/bin/python" "$HERE/setup_desk.py" --agents "$agents" --out "$dir" | awk '/^queue/ {print $2}')
    [ -n "$queue" ] || die "setting up users and the queue failed"
    web=$(free_port)
    hook=$(free_port)
    PEAKDESK_HOOK_URL="http://127.0.0.1:$hook/hook" "$VENV/bin/gunicorn" --chdir "$HERE/site" peaksite.wsgi \
        -b "127.0.0.1:$web" -w "$WORKERS" --daemon --pid "$dir/gunicorn.pid" \
        --error-logfile "$dir/gunicorn.log" || die "gunicorn did not start (see $dir/gunicorn.log)"
    local token i
    token=$(cat "$dir/intake.token")
    for i in $(seq 1 60); do
        if curl -sf -o /dev/null -H "Authorization: Token $token" "http://127.0.0.1:$web/helpdesk/api/followups/"; then
            break
        fi
        [ "$i" = 60 ] && die "django-helpdesk is not answering on 127.0.0.1:$web after 30 s (see $dir/gunicorn.log)"
        sleep 0.5
    done
    cat > "$dir/target.toml" <<TOML
# Written by scripts/helpdesk.sh: the local django-helpdesk it started.
name = "django-helpdesk (local)"
adapter = "django-helpdesk"
base_url = "http://127.0.0.1:$web"
timeout = "10s"
max_in_flight = 64
# Django's TIME_ZONE: with USE_TZ = False its times carry no offset.
time_zone = "$PEAKDESK_HELPDESK_TZ"

[django]
prefix = "/helpdesk"
queue = $queue
intake_token_file = "intake.token"
agents_file = "agents.txt"
listen = "127.0.0.1:$hook"
TOML
    echo "$dir/target.toml"
}

stop() {
    local dir=$1
    [ -f "$dir/gunicorn.pid" ] || return 0
    local pid
    pid=$(cat "$dir/gunicorn.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/gunicorn.pid"
}

case "${1:-}" in
    start) [ $# -ge 2 ] || die "usage: helpdesk.sh start DIR [AGENTS]"; start "$2" "${3:-20}" ;;
    stop) [ $# -ge 2 ] || die "usage: helpdesk.sh stop DIR"; stop "$2" ;;
    *) die "usage: helpdesk.sh start DIR [AGENTS] | stop DIR" ;;
esac
