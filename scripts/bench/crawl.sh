#!/usr/bin/env bash
# Crawl throughput against the in-process fake Sketchfab (5% 500s, 5% 429s), unthrottled and at the default rate
# limit; kill -9 midway and resume, comparing the bytes with an uninterrupted crawl; then import, train and serve
# with the background thumbnail refresh, measuring page throughput during and after it. Needs: curl, wrk, sqlite3.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib/common.sh"
cd "$repo_root"
release=$(build_release recasketch fake-sketchfab)
bin=$release/recasketch
fake=$release/fake-sketchfab
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
port=8091
"$fake" --port $port --models ${MODELS:-2000} --server-errors 0.05 --rate-limits 0.05 >/dev/null &
sleep 1
base="http://127.0.0.1:$port"
api=(--api-base "$base" --site-base "$base")

echo "== unthrottled (--rate 0 --concurrency 8)"
"$bin" crawl --out "$work/straight" "${api[@]}" --rate 0 --concurrency 8 --min-likes 5 --thumbnails | tail -3

echo "== default rate limit (2 req/s), first list page only"
"$bin" crawl --out "$work/polite" "${api[@]}" --max-pages 1 --min-likes 5 | tail -3

echo "== kill -9 midway, then resume"
"$bin" crawl --out "$work/resumed" "${api[@]}" --rate 0 --concurrency 8 --min-likes 5 --thumbnails >/dev/null &
pid=$!
# Wait until the list is walked and a few hundred models' likes are journalled, then kill without warning.
until [ -f "$work/resumed/.crawl/likes.jsonl" ] && [ "$(wc -l < "$work/resumed/.crawl/likes.jsonl")" -ge 300 ]; do sleep 0.05; done
kill -9 $pid; wait $pid 2>/dev/null || true
echo "killed after $(wc -l < "$work/resumed/.crawl/likes.jsonl") models; files present: $(ls "$work/resumed" | tr '\n' ' ')"
"$bin" crawl --out "$work/resumed" "${api[@]}" --rate 0 --concurrency 8 --min-likes 5 --thumbnails | tail -2
for f in model_urls.psv model_likes_anon.psv model_feats.psv; do
    cmp "$work/straight/$f" "$work/resumed/$f" && echo "$f: identical to the uninterrupted crawl"
done

echo "== crawl → import → train → serve with --refresh-every (CDN links, no local thumbnails)"
"$bin" import --urls "$work/straight/model_urls.psv" --likes "$work/straight/model_likes_anon.psv" \
    --features "$work/straight/model_feats.psv" --db "$work/site.sqlite" | tail -1
"$bin" train --db "$work/site.sqlite" --algorithms wrmf,itemknn,popularity | tail -1
mid=$(sed -n 2p "$work/straight/model_urls.psv" | awk -F'|' '{print $NF}' | tr -d '\r')
# Pages rendered on every request (no page cache), so each one reads the database the refresh job writes to.
page() { local rps; read -r rps _ < <(wrk -t2 -c16 -d5s "http://127.0.0.1:8092/models/$mid" | wrk_figures); echo "$rps"; }
"$bin" serve --db "$work/site.sqlite" --port 8092 >/dev/null 2>&1 &
server=$!; sleep 1
echo "model page, no refresh job:              $(page) req/s"
kill $server; wait $server 2>/dev/null || true
for rate in 2 200; do
    "$bin" serve --db "$work/site.sqlite" --port 8092 --refresh-every 1h \
        --api-base "$base" --rate $rate --concurrency 4 >"$work/serve.log" 2>&1 &
    server=$!; sleep 1
    echo "model page while refreshing at $rate req/s: $(page) req/s"
    if [ $rate = 200 ]; then
        until grep -q "unchanged" "$work/serve.log"; do sleep 0.5; done
        grep "refresh-thumbnails" "$work/serve.log" | sed "s/.*refresh-thumbnails: //" | grep -E "due|unchanged"
    fi
    kill $server; wait $server 2>/dev/null || true
done
"$bin" serve --db "$work/site.sqlite" --port 8092 >/dev/null 2>&1 &
sleep 1
curl -s -o /dev/null -w "model page: HTTP %{http_code}\n" "http://127.0.0.1:8092/models/$mid"
sqlite3 "$work/site.sqlite" "SELECT count(*) || ' models with a CDN thumbnail link' FROM models WHERE thumbnail_url LIKE 'http%'" 2>/dev/null || true
