#!/usr/bin/env bash
# Visitors' events (POST /api/v1/events) measured, in one run, behind nginx with deploy/nginx's configuration (paths
# and port rewritten) in front of two instances on Unix sockets that write their model pages as files:
#   limit       one client posting 60 bodies at once: how many nginx's per-client limit lets through (the rest 429);
#   events      wrk posting page-view bodies (each the views of the mixed and leading carousels and a click, as the
#               page's script sends them) with 64 connections: events/s = bodies/s × events a body. All of wrk's load
#               comes from one address, so for this phase only the per-client rate is lifted in the benchmark's copy;
#               single-event bodies are measured too (the worst case);
#   pages       model pages (files) alone, then with about EVENTS_RATE events/s arriving at the same time: the ratio;
#   SIGTERM     a sender posting to one instance for 3 s, then SIGTERM: the counts in SQLite against the bodies the
#               instance accepted (204);
#   SIGKILL     the same with SIGKILL mid-stream: what is lost (at most the last second's counts).
# On two cores nginx, the instances and wrk share the same two cores. Needs nginx (Debian nginx-light), wrk, curl and
# python3; builds the 3,000-model demo in bench-data/events-demo once (DATA=DIR uses another served demo folder).
#   DURATION=10 CONNECTIONS=64 EVENTS_RATE=2000 RUNS=3 [BIN=path] scripts/bench/events.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib/common.sh"
cd "$repo_root"
duration=${DURATION:-10}; connections=${CONNECTIONS:-64}; events_rate=${EVENTS_RATE:-2000}
data=${DATA:-bench-data/events-demo}; nginx_port=${NGINX_PORT:-8291}; direct_port=$((nginx_port + 1))
require_tool nginx nginx-light
require_tool wrk
require_tool curl
bin=${BIN:-"$(build_release)/recasketch"}  # BIN: another build, for an A/B in one sitting
[ -f "$data/recasketch.sqlite" ] || "$bin" demo --data-dir "$data" --models 3000 --users 8000 --visual-descriptor classical --no-serve > /dev/null
work=$(mktemp -d); chmod 755 "$work"
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT
# The counts go into a copy: the benchmark's events never reach the demo's database.
cp "$data/recasketch.sqlite" "$work/bench.sqlite"
awk -F'|' 'NR > 1 { gsub("\r", "", $NF); if ($NF ~ /^[0-9a-zA-Z]+$/) print "/models/" $NF }' "$data/catalog/model_urls.psv" > "$work/models.txt"
scripts/lib/local-nginx.sh "$work" "$nginx_port" "$(realpath "$data/catalog/thumbnails")"
# The benchmark's copy with the per-client rate lifted (all of wrk's load comes from 127.0.0.1).
sed 's/zone=recasketch_events:10m rate=10r\/s/zone=recasketch_events:10m rate=1000000r\/s/; s/zone=recasketch_events burst=20 nodelay/zone=recasketch_events burst=100000 nodelay/;
     s/zone=recasketch_api:10m rate=20r\/s/zone=recasketch_api:10m rate=1000000r\/s/; s/zone=recasketch_api burst=40 nodelay/zone=recasketch_api burst=100000 nodelay/' \
    "$work/recasketch.conf" > "$work/recasketch-open.conf"
sed "s|$work/recasketch.conf|$work/recasketch-open.conf|; s|pid $work/nginx.pid|pid $work/nginx-open.pid|" "$work/nginx.conf" > "$work/nginx-open.conf"
serve() {  # INSTANCE → serves on WORK/run/recasketch-INSTANCE.sock
    LOG_LEVEL=notice "$bin" serve --db "$work/bench.sqlite" --unix-socket "$work/run/recasketch-$1.sock" --static-pages "$work/pages" \
        > "$work/log/$1.log" 2>&1 &
}
serve 1; serve 2
for _ in $(seq 600); do
    curl -sf --unix-socket "$work/run/recasketch-1.sock" http://x/healthz >/dev/null && curl -sf --unix-socket "$work/run/recasketch-2.sock" http://x/healthz >/dev/null && break
    sleep 0.2
done
for _ in $(seq 1200); do [ -e "$work/pages/current" ] && break; sleep 0.1; done
site="http://127.0.0.1:$nginx_port"
# The bodies are read from the API through the open copy (the API's own per-client limit would stop the reads).
nginx -c "$work/nginx-open.conf"
sleep 1
per_body=$(python3 scripts/bench/events-bodies.py "$site" 100 "$work/bodies.txt")
nginx -s quit -c "$work/nginx-open.conf"; sleep 1
nginx -c "$work/nginx.conf"
sleep 1
python3 -c "
import json, sys
for line in open(sys.argv[1]):
    print(json.dumps(json.loads(line)['events'][-1]))" "$work/bodies.txt" > "$work/single.txt"
echo "$(wc -l < "$work/bodies.txt") page-view bodies of $per_body events each, from $data"

# The shipped limit: one client, 60 bodies at once.
codes=$(for _ in $(seq 60); do curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' --data-binary @<(head -1 "$work/single.txt") "$site/api/v1/events" & done; wait)
echo "limit: 60 bodies at once from one client: $(grep -c '^204$' <<<"$codes") counted (204), $(grep -c '^429$' <<<"$codes") refused by nginx (429)"
head -c 400000 /dev/zero | tr '\0' x > "$work/big.txt"
echo "limit: a 400 kB body: $(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary @"$work/big.txt" "$site/api/v1/events") (nginx's client_max_body_size 384k)"
nginx -s quit -c "$work/nginx.conf"; sleep 1
nginx -c "$work/nginx-open.conf"
sleep 1

events() {  # BODIES CONNECTIONS DELAY_MS SECONDS → "bodies/s non2xx+errors"
    local output rps p99 non2xx errors
    output=$(BODIES="$1" DELAY_MS="$3" wrk -t2 -c"$2" -d"${4}s" --latency -s scripts/wrk/events.lua "$site")
    read -r rps p99 non2xx errors _ < <(wrk_figures <<<"$output")
    echo "$rps $p99 $((non2xx + errors))"
}
read -r b_rps b_p99 b_bad < <(events "$work/bodies.txt" "$connections" 0 "$duration")
printf "events: %s page-view bodies/s = %.0f events/s (p99 %s, %s failed)\n" "$b_rps" "$(echo "$b_rps * $per_body" | bc)" "$b_p99" "$b_bad"
read -r s_rps s_p99 s_bad < <(events "$work/single.txt" "$connections" 0 "$duration")
printf "events: single-event bodies: %s events/s (p99 %s, %s failed)\n" "$s_rps" "$s_p99" "$s_bad"

pages() {  # → "req/s p99"
    local output rps p99
    output=$(PATHS="$work/models.txt" wrk -t2 -c"$connections" -d"${duration}s" --latency -s scripts/wrk/random-path.lua "$site")
    read -r rps p99 _ < <(wrk_figures <<<"$output")
    echo "$rps $p99"
}
# About EVENTS_RATE events/s: 10 connections, each waiting DELAY ms before each body of per_body events. Alone and
# loaded alternate, RUNS times, so drift of the machine shows as spread rather than as a ratio.
# (Each request's own round trip, about 3 ms here, comes on top of the wait: hence the 7/8.)
delay=$(( 10 * 1000 * per_body * 7 / events_rate / 8 ))
for run in $(seq "${RUNS:-3}"); do
    read -r alone alone_p99 < <(pages)
    BODIES="$work/bodies.txt" DELAY_MS="$delay" wrk -t1 -c10 -d"$((duration + 2))s" -s scripts/wrk/events.lua "$site" > "$work/background.txt" &
    background=$!
    sleep 1
    read -r loaded loaded_p99 < <(pages)
    wait "$background"
    read -r bg_rps _ bg_bad _ < <(wrk_figures < "$work/background.txt")
    printf "pages, run %d: %s req/s alone (p99 %s); %s req/s (p99 %s) with %.0f events/s arriving (%s failed): ratio %.2f\n" "$run" \
        "$alone" "$alone_p99" "$loaded" "$loaded_p99" "$(echo "$bg_rps * $per_body" | bc)" "$bg_bad" "$(echo "scale=4; $loaded / $alone" | bc)"
done
nginx -s quit -c "$work/nginx-open.conf"
kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true

# Shutdown: one instance on a TCP port, a sender for 3 s, then SIGTERM or SIGKILL; the clicks in SQLite (one per body)
# against the bodies accepted.
stored_clicks() {
    python3 -c "
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(\"SELECT coalesce(sum(clicks), 0) FROM visitor_card_counts WHERE carousel = 'picked'\").fetchone()[0])" "$work/bench.sqlite"
}
for signal in TERM KILL; do
    LOG_LEVEL=notice "$bin" serve --db "$work/bench.sqlite" --port "$direct_port" > "$work/log/direct.log" 2>&1 &
    server=$!
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$direct_port/healthz" >/dev/null && break; sleep 0.1; done
    before=$(stored_clicks)
    python3 scripts/bench/events-sender.py "http://127.0.0.1:$direct_port" "$work/bodies.txt" 30 4 > "$work/sent.txt" &
    sender=$!
    sleep 3
    kill -"$signal" "$server"
    wait "$server" 2>/dev/null || true
    wait "$sender" || true
    read -r accepted failed seconds < "$work/sent.txt"
    stored=$(( $(stored_clicks) - before ))
    printf "SIG%s: %d bodies accepted in %s s (%.0f a second), %d counted in SQLite: %d lost\n" \
        "$signal" "$accepted" "$seconds" "$(echo "$accepted / $seconds" | bc -l)" "$stored" "$((accepted - stored))"
done
