#!/usr/bin/env bash
# nginx's cost, measured: model pages at Sketchfab scale (uniform draws over all 28,806) through nginx in front of
# two `serve` instances on Unix sockets (the shipped deploy/nginx configuration, paths and port rewritten), against
# the same pages straight from one instance on a TCP port, in the same run. wrk, 64 connections.
# On two cores this measures nginx's overhead, not scaling: the instances share the same two cores.
# Needs nginx (Debian nginx-light), wrk and curl, and bench-data/ (scripts/bench-serve.sh builds it).
#   DURATION=10 CONNECTIONS=64 RUNS=3 scripts/bench-deploy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-10}; connections=${CONNECTIONS:-64}; runs=${RUNS:-3}
data=${DATA:-bench-data}; direct_port=${PORT:-8281}; nginx_port=${NGINX_PORT:-8282}
for tool in nginx wrk curl; do command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 1; }; done
[ -f "$data/recasketch.sqlite" ] || { echo "no $data/recasketch.sqlite: run scripts/bench-serve.sh once to build it" >&2; exit 1; }
swift build -c release --product recasketch >/dev/null
bin="$(swift build -c release --show-bin-path)/recasketch"
work=$(mktemp -d); chmod 755 "$work"
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT
awk -F'|' 'NR > 1 { gsub("\r", "", $NF); if ($NF ~ /^[0-9a-zA-Z]+$/) print "/models/" $NF }' "$data/catalog/model_urls.psv" > "$work/models.txt"

scripts/deploy/local-nginx.sh "$work" "$nginx_port" "$(realpath "$data/catalog/thumbnails")"
for instance in 1 2; do
    LOG_LEVEL=notice "$bin" serve --db "$data/recasketch.sqlite" --unix-socket "$work/run/recasketch-$instance.sock" > "$work/log/$instance.log" 2>&1 &
done
LOG_LEVEL=notice "$bin" serve --db "$data/recasketch.sqlite" --port "$direct_port" > "$work/log/direct.log" 2>&1 &
for _ in $(seq 600); do
    curl -sf "http://127.0.0.1:$direct_port/healthz" >/dev/null && curl -sf --unix-socket "$work/run/recasketch-1.sock" http://x/healthz >/dev/null \
        && curl -sf --unix-socket "$work/run/recasketch-2.sock" http://x/healthz >/dev/null && break
    sleep 0.2
done
nginx -c "$work/nginx.conf"
sleep 2

measure() {  # url → "req/s p99 failures"
    local output
    output=$(PATHS="$work/models.txt" wrk -t2 -c"$connections" -d"${duration}s" --latency -s scripts/bench/random-path.lua "$1")
    echo "$(awk '/Requests\/sec/ { print $2 }' <<<"$output") $(awk '$1 == "99%" { print $2 }' <<<"$output") \
$(awk '/Non-2xx/ { n = $NF } /Socket errors/ { gsub(",", ""); s = $4 + $6 + $8 + $10 } END { print n + s }' <<<"$output")"
}
printf "%-5s %14s %10s %16s %10s %7s\n" run "direct req/s" "p99" "via nginx req/s" "p99" ratio
for run in $(seq "$runs"); do
    read -r d_rps d_p99 d_bad < <(measure "http://127.0.0.1:$direct_port")
    read -r n_rps n_p99 n_bad < <(measure "http://127.0.0.1:$nginx_port")
    printf "%-5s %14s %10s %16s %10s %7s\n" "$run" "$d_rps" "$d_p99" "$n_rps" "$n_p99" "$(echo "scale=2; $n_rps / $d_rps" | bc)"
    [ "$d_bad$n_bad" = "00" ] || echo "      failed requests: direct $d_bad, via nginx $n_bad"
done
