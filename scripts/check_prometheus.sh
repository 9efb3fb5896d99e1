#!/usr/bin/env bash
# The live metrics, scraped by a real Prometheus (Debian's `prometheus`,
# installed if missing, its service never started): `peakdesk serve` on a
# free port, Prometheus on 127.0.0.1 with docs/prometheus.yml (its ports
# replaced, scraping every second, storage in a temporary directory), and
# `peakdesk drive --metrics-listen` for about 25 s of wall time. Then
# Prometheus' query API must give the shoppers-opened counter equal to the
# drive summary's `drive.opened` (and requests to `drive.requests`), the
# served desk's opened counter the same, and every expression of
# docs/grafana-dashboard.json must evaluate. Stops every process it started.
# Fails with the reason when Prometheus cannot be installed or started.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/apt.sh
. scripts/lib/apt.sh
need_daemon_package prometheus prometheus "scripts/check_prometheus.sh"
need_package curl curl "scripts/check_prometheus.sh"
bin=target/release/peakdesk
profile=tests/integration/drive-desk.toml
dir=$(mktemp -d)
pids=()
stop() {
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    for p in "${pids[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$dir"
}
trap stop EXIT
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
prom_port=$(free_port)
drive_port=$(free_port)
serve_metrics_port=$(free_port)
prom=http://127.0.0.1:$prom_port

"$bin" serve "$profile" --listen 127.0.0.1:0 --speed 10 --metrics-listen "127.0.0.1:$serve_metrics_port" \
    >"$dir/serve.out" 2>"$dir/serve.err" &
pids+=($!)
for _ in $(seq 50); do
    grep -q http "$dir/serve.out" 2>/dev/null && break
    sleep 0.1
done
url=$(grep -o 'http://[0-9.:]*' "$dir/serve.out" | head -1) || {
    echo "FAIL: peakdesk serve did not start:"
    cat "$dir/serve.err"
    exit 1
}

# The shipped scrape configuration, on this run's ports, every second.
sed -e "s/127.0.0.1:9646/127.0.0.1:$drive_port/" -e "s/127.0.0.1:9647/127.0.0.1:$serve_metrics_port/" \
    -e 's/_interval: 5s/_interval: 1s/' docs/prometheus.yml >"$dir/prometheus.yml"
promtool check config "$dir/prometheus.yml" >/dev/null
prometheus --config.file="$dir/prometheus.yml" --web.listen-address="127.0.0.1:$prom_port" \
    --storage.tsdb.path="$dir/data" >"$dir/prometheus.log" 2>&1 &
pids+=($!)
ready=""
for _ in $(seq 150); do
    if curl -sf "$prom/-/ready" >/dev/null 2>&1; then
        ready=1
        break
    fi
    sleep 0.2
done
if [ -z "$ready" ]; then
    echo "FAIL: Prometheus did not start on 127.0.0.1:$prom_port; its log:"
    tail -20 "$dir/prometheus.log"
    exit 1
fi

set +e
"$bin" drive "$profile" --target targets/serve.toml --target-url "$url" --speed 10 --duration 4m \
    --drain 3s --metrics-listen "127.0.0.1:$drive_port" --metrics-linger 4s --quiet --json "$dir/drive.json"
code=$?
set -e
if [ "$code" -ne 0 ]; then
    echo "FAIL: peakdesk drive exited $code (expected 0)"
    exit 1
fi
# Every expression of the dashboard, with Grafana's variables filled in.
python3 - "$dir/exprs.txt" <<'EOF'
import json, sys
d = json.load(open("docs/grafana-dashboard.json"))
out = []
for p in d["panels"]:
    for t in p.get("targets", []):
        e = t["expr"]
        for var, value in [("$__rate_interval", "1m"), ("$segment", ".*"), ("$question", ".*"), ("$channel", ".*")]:
            e = e.replace(var, value)
        out.append(e)
open(sys.argv[1], "w").write("\n".join(out) + "\n")
EOF
python3 - "$prom" "$dir/drive.json" "$dir/exprs.txt" <<'EOF'
import json, sys, urllib.parse, urllib.request

prom, summary, exprs = sys.argv[1:4]

def query(expr):
    url = f"{prom}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=10) as r:
        answer = json.load(r)
    if answer.get("status") != "success":
        sys.exit(f"FAIL: Prometheus refused {expr!r}: {answer}")
    return answer["data"]["result"]

def value(expr):
    result = query(expr)
    if len(result) != 1:
        sys.exit(f"FAIL: {expr!r} gave {len(result)} series (expected 1): is the drive scraped?")
    return float(result[0]["value"][1])

d = json.load(open(summary))["drive"]
# The drive's endpoint is gone (its series are stale now): the last value scraped.
last = lambda m: value(f"sum(last_over_time({m}[10m]))")
if last("peakdesk_drive_finished") != 1:
    sys.exit("FAIL: no scrape saw the drive finished (peakdesk_drive_finished = 1)")
opened = last("peakdesk_drive_shoppers_opened_total")
requests = last("peakdesk_drive_requests_total")
due = last("peakdesk_drive_shoppers_due_total")
print(f"Prometheus: shoppers opened {opened:.0f}, requests {requests:.0f}, due {due:.0f}; "
      f"summary: opened {d['opened']}, requests {d['requests']}, intended {d['intended']}")
for name, got, want in [("opened", opened, d["opened"]), ("requests", requests, d["requests"]),
                        ("due", due, d["intended"])]:
    if got != want:
        sys.exit(f"FAIL: Prometheus has {got:.0f} {name}, the drive's summary {want}")
if sum(d["errors"].values()) == 0:
    served = value("sum(peakdesk_serve_conversations_opened_total)")
    if served != d["opened"]:
        sys.exit(f"FAIL: the served desk counted {served:.0f} conversations opened, the drive {d['opened']}")
n = 0
for e in open(exprs).read().split("\n"):
    if e:
        query(e)
        n += 1
print(f"ok: Prometheus scraped the drive: shoppers opened {opened:.0f} = summary; {n} dashboard expressions evaluate")
EOF
