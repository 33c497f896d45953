#!/usr/bin/env bash
# Live models (`serve --live-models`) against the fake Sketchfab answering every request in LATENCY_MS (100):
#   first view   N models only the fake has, one after another: p50 and p95 of the page's time (read the model,
#                fetch and describe its thumbnail, find its neighbours), at the default --live-rate of 2 requests/s;
#   repeat view  the same pages again (kept in memory), beside a catalogue page;
#   coalescing   40 visitors asking for one new model at once: the fake's request count (2 = one read);
#   memory       the server's RSS with --live-models, against the same server without.
# Uses the served demo in DATA (default bench-data/events-demo, built by scripts/bench/events.sh or here) with its
# thumbnails, or DB=FILE trained on DATA/catalog (at Sketchfab scale: import bench-data/catalog, then `train --algorithms
# visual,warp-tags,popularity --visual-descriptor cnn`, with RECASKETCH_WEIGHTS set); needs curl and python3.
#   N=30 LATENCY_MS=100 [DATA=bench-data DB=bench-data/sf-live.sqlite] scripts/bench/live.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib/common.sh"
cd "$repo_root"
count=${N:-30}; latency=${LATENCY_MS:-100}; data=${DATA:-bench-data/events-demo}; db=${DB:-$data/recasketch.sqlite}
port=${PORT:-8301}; fake_port=$((port + 1)); plain_port=$((port + 2))
require_tool curl
bin_dir="$(build_release recasketch fake-sketchfab)"
[ -f "$db" ] || "$bin_dir/recasketch" demo --data-dir "$data" --models 3000 --users 8000 --visual-descriptor classical --no-serve > /dev/null
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cp "$db" "$work/live.sqlite"
"$bin_dir/fake-sketchfab" --port "$fake_port" --models 500 --seed 9 --latency-ms "$latency" > "$work/fake.log" 2>&1 &
LOG_LEVEL=warning "$bin_dir/recasketch" serve --db "$work/live.sqlite" --port "$port" --thumbnails "$data/catalog/thumbnails" --live-models \
    --api-base "http://127.0.0.1:$fake_port" --site-base "http://127.0.0.1:$fake_port" --contact bench@example.org > "$work/serve.log" 2>&1 &
live=$!
LOG_LEVEL=warning "$bin_dir/recasketch" serve --db "$db" --port "$plain_port" --thumbnails "$data/catalog/thumbnails" > "$work/plain.log" 2>&1 &
plain=$!
for _ in $(seq 600); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && curl -sf "http://127.0.0.1:$plain_port/healthz" >/dev/null \
        && curl -sf "http://127.0.0.1:$fake_port/__requests" >/dev/null && break
    sleep 0.1
done
# The fake's model ids, from its own model list.
uids=(); next_page=""
while [ ${#uids[@]} -lt $((count + 1)) ]; do
    page=$(curl -sf "${next_page:-http://127.0.0.1:$fake_port/v3/models?count=24}")
    mapfile -t more < <(python3 -c "import json, sys; [print(m['uid']) for m in json.loads(sys.argv[1])['results']]" "$page")
    uids+=("${more[@]}")
    next_page=$(python3 -c "import json, sys; print(json.loads(sys.argv[1])['next'] or '')" "$page")
    [ -n "$next_page" ] || break
done
percentiles() {  # seconds on stdin → "p50 p95" in ms
    sort -n | awk '{ v[NR] = $1 } END { i50 = int(NR * 0.5 + 0.5); i95 = int(NR * 0.95 + 0.5); if (i95 < 1) i95 = 1;
        printf "%.0f %.0f\n", v[i50] * 1000, v[i95] * 1000 }'
}
times() {  # URL… → one time_total a line, checking 200
    for url in "$@"; do
        curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$url"
    done | awk '$1 != 200 { bad++ } { print $2 } END { if (bad) print "non-200: " bad > "/dev/stderr" }'
}
urls=(); for uid in "${uids[@]:1:$count}"; do urls+=("http://127.0.0.1:$port/models/$uid"); done
read -r first50 first95 < <(times "${urls[@]}" | percentiles)
read -r repeat50 repeat95 < <(times "${urls[@]}" | percentiles)
catalogue=$(awk -F'|' 'NR == 2 { print $NF }' "$data/catalog/model_urls.psv")
cat_urls=(); for _ in $(seq "$count"); do cat_urls+=("http://127.0.0.1:$port/models/$catalogue"); done
read -r cat50 cat95 < <(times "${cat_urls[@]}" | percentiles)
echo "first view of $count live models (fake at $latency ms a request, --live-rate 2): p50 $first50 ms, p95 $first95 ms"
echo "repeat view: p50 $repeat50 ms, p95 $repeat95 ms; a catalogue page: p50 $cat50 ms, p95 $cat95 ms"
before=$(curl -sf "http://127.0.0.1:$fake_port/__requests")
( for _ in $(seq 40); do curl -s -o /dev/null "http://127.0.0.1:$port/models/${uids[0]}" & done; wait )
after=$(curl -sf "http://127.0.0.1:$fake_port/__requests")
echo "40 visitors at once for one new model: $((after - before)) requests to the fake"
rss() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
echo "RSS: $(rss "$live") MB with --live-models ($count + 1 live models kept), $(rss "$plain") MB without"
grep -h "live models" "$work/serve.log" | head -3 || true
