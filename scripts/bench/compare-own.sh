#!/usr/bin/env bash
# What bringing in an outside recommender costs at Sketchfab scale (28,806 models), in one run on one catalogue:
#   1. import-lists of 28,806 × 12 pairs (the stored wrmf lists' top 12, written out as if computed elsewhere);
#   2. evaluate --db with and without that imported carousel (same split, fixed settings), twice each, alternating;
#   3. model pages from `serve` with and without the carousel: wrk, 64 connections, pages drawn from every model,
#      alternating A/B/A/B so drift hits both.
# Needs wrk and curl. DB=path of a trained Sketchfab-scale catalogue (copied, never changed), else bench-data's.
#   DURATION=10 ROUNDS=3 DB=bench-data/recasketch.sqlite scripts/bench/compare-own.sh   (PAGES_ONLY=1: step 3 alone)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib/common.sh"
cd "$repo_root"
require_tool wrk
require_tool curl
duration=${DURATION:-10}
port=${PORT:-8183}
bin="$(build_release)/recasketch"
source_db=${DB:-bench-data/recasketch.sqlite}
[ -f "$source_db" ] || { echo "$0: no catalogue at $source_db: run scripts/bench/serve.sh once, or give DB=path" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
db="$work/catalog.sqlite"
cp "$source_db" "$db"

python3 - "$db" "$work/lists.psv" "$work/models.txt" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
mids = dict(db.execute("SELECT id, mid FROM models"))
with open(sys.argv[2], "w") as out:
    out.write("model_uid|neighbour_uid|score\n")
    for model, neighbour, score in db.execute(
            "SELECT model_id, recommended_id, score FROM recommendations WHERE algorithm = 'wrmf' AND rank <= 12 ORDER BY model_id, rank"):
        out.write(f"{mids[model]}|{mids[neighbour]}|{score}\n")
with open(sys.argv[3], "w") as out:
    for mid in mids.values():
        out.write(f"/models/{mid}\n")
PY
echo "lists: $(($(wc -l < "$work/lists.psv") - 1)) pairs"

if [ -n "${PAGES_ONLY:-}" ]; then
    "$bin" import-lists --db "$db" --name outside --title "Brought in" "$work/lists.psv" > /dev/null
else
    echo "== import-lists"
    /usr/bin/time -f "import-lists: %e s wall, %M KB peak" "$bin" import-lists --db "$db" --name outside --title "Brought in" "$work/lists.psv"
fi
without="$work/without.sqlite"
cp "$db" "$without"
"$bin" remove-lists --db "$without" --name outside > /dev/null

evaluate() {  # DB LABEL
    local start end
    start=$(date +%s.%N)
    "$bin" evaluate --db "$1" --algorithms popularity,itemknn,wrmf --tune-budget 0 --similar-items 0 > "$work/evaluate.log"
    end=$(date +%s.%N)
    echo "evaluate --db ($2): $(echo "$end - $start" | bc) s; outside scored: $(grep -q '^outside ' "$work/evaluate.log" && echo yes || echo no)"
}
if [ -z "${PAGES_ONLY:-}" ]; then
    echo "== evaluate --db, with and without the imported carousel"
    for round in 1 2; do
        evaluate "$db" "with, round $round"
        evaluate "$without" "without, round $round"
    done
fi

pages() {  # DB LABEL
    "$bin" serve --db "$1" --port "$port" > "$work/serve.log" 2>&1 &
    local server=$!
    until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.1; done
    PATHS="$work/models.txt" wrk -t2 -c64 -d2s -s scripts/wrk/random-path.lua "http://127.0.0.1:$port" > /dev/null
    local rps p99 non2xx errors requests
    read -r rps p99 non2xx errors requests < <(PATHS="$work/models.txt" wrk -t2 -c64 -d"${duration}s" --latency \
        -s scripts/wrk/random-path.lua "http://127.0.0.1:$port" | wrk_figures)
    local bytes
    bytes=$(curl -s "http://127.0.0.1:$port$(head -1 "$work/models.txt")" | wc -c)
    echo "model pages ($2): $rps req/s, p99 $p99, $non2xx non-2xx, $errors socket errors of $requests; a page $bytes bytes, $(echo "$rps * $bytes / 1000000" | bc) MB/s"
    kill "$server"; wait "$server" 2>/dev/null || true
}
echo "== model pages from serve"
pages "$without" "warm-up, not counted" > /dev/null
for round in $(seq "${ROUNDS:-3}"); do
    if [ $((round % 2)) -eq 1 ]; then
        pages "$db" "with the imported carousel, round $round"
        pages "$without" "without, round $round"
    else
        pages "$without" "without, round $round"
        pages "$db" "with the imported carousel, round $round"
    fi
done
