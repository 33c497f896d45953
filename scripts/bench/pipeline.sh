#!/usr/bin/env bash
# Benchmarks the walking skeleton at Sketchfab scale: generate, import, train (item-kNN, popularity), and,
# when `wrk` is installed (Debian: apt-get install wrk), page throughput of `serve`.
# Usage: scripts/bench/pipeline.sh [DIR]   (default bench-data/; kept out of git)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib/common.sh"
cd "$repo_root"
dir=${1:-bench-data}
bin="$(build_release)/recasketch"
mkdir -p "$dir"

seconds() { local start=$1; echo "$(date +%s.%N) - $start" | bc; }

if ! sketchfab_catalogue_ready "$dir"; then
    start=$(date +%s.%N)
    sketchfab_catalogue "$bin" "$dir"
    echo "generate: $(seconds "$start") s"
fi

rm -f "$dir/bench.sqlite" "$dir/bench.sqlite-wal" "$dir/bench.sqlite-shm"
start=$(date +%s.%N)
"$bin" import --urls "$dir/catalog/model_urls.psv" --likes "$dir/catalog/model_likes_anon.psv" \
    --features "$dir/catalog/model_feats.psv" --names "$dir/catalog/model_names.psv" \
    --thumbnails "$dir/catalog/thumbnails" --db "$dir/bench.sqlite"
echo "import (whole command): $(seconds "$start") s"

start=$(date +%s.%N)
"$bin" train --db "$dir/bench.sqlite" --threads 2
echo "train (whole command): $(seconds "$start") s"

if command -v wrk >/dev/null; then
    port=18087
    "$bin" serve --db "$dir/bench.sqlite" --port $port --thumbnails "$dir/catalog/thumbnails" >/dev/null 2>&1 &
    server=$!
    trap 'kill $server 2>/dev/null' EXIT
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
    mid=$(sed -n 2p "$dir/catalog/model_names.psv" | tr -d '\r' | awk -F'|' '{print $NF}')
    echo "model page /models/$mid:"
    wrk -t2 -c32 -d10s "http://127.0.0.1:$port/models/$mid" | wrk_lines rps latency
    echo "picker page /:"
    wrk -t2 -c32 -d10s "http://127.0.0.1:$port/" | wrk_lines rps latency
    echo "random model pages (mostly cache misses):"
    tail -n +2 "$dir/catalog/model_urls.psv" | tr -d '\r' | awk -F'|' '{print $NF}' | grep -E '^[0-9a-f]{32}$' > "$dir/mids.txt"
    MIDS="$dir/mids.txt" wrk -t2 -c32 -d10s -s scripts/wrk/random-models.lua "http://127.0.0.1:$port" | wrk_lines rps latency
fi
