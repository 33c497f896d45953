#!/usr/bin/env bash
# The shipped deployment, for real: two `serve` instances on Unix sockets behind nginx with deploy/nginx's files
# (only paths and the port rewritten for a test folder), under wrk load:
#   (a) pages, API, static files and thumbnails answer through nginx; model pages come from the files the instances
#       write (--static-pages), byte for byte the instances' pages, with the same headers;
#   (b) an instance killed with SIGKILL and restarted costs no request;
#   (c) a retrain publishes a new snapshot: no request fails and the new recommendations are served, by the
#       instances and in the model pages' files;
#   (d) SIGTERM to an instance lets its requests finish (no request fails, it exits 0), then it comes back.
# The systemd units are checked with systemd-analyze verify (systemd cannot run here).
# Needs nginx (Debian nginx-light), wrk, curl and systemd-analyze. Exit 1 with the failed check named.
#   scripts/tests/deploy.sh BIN DB THUMBNAILS [PORT]
# Without arguments it runs as .ci/run does: on the CI's small demo (built, or reused, in .build-ci/demo) with a
# copy of its database in .build-ci/deploy.sqlite, since the test retrains it.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib/common.sh"
cd "$repo_root"
require_tool nginx nginx-light
require_tool wrk
require_tool curl
require_tool systemd-analyze systemd
if [ $# -eq 0 ]; then
    ci_demo
    cp .build-ci/demo/recasketch.sqlite .build-ci/deploy.sqlite
    set -- "$bin" .build-ci/deploy.sqlite .build-ci/demo/catalog/thumbnails
fi
bin=$(realpath "$1"); db=$(realpath "$2"); thumbnails=$(realpath "$3"); port=${4:-18180}
duration=${DURATION:-8}
fail() { echo "test-deploy FAILED: $*" >&2; exit 1; }
pass() { echo "  ok: $*"; }

work=$(mktemp -d)
chmod 755 "$work"
declare -A servers=()
cleanup() {
    for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "== systemd units (systemd-analyze verify)"
mkdir -p "$work/units"
for unit in deploy/systemd/*; do
    sed "s|/usr/local/bin/recasketch|$bin|g" "$unit" > "$work/units/$(basename "$unit")"
done
units=("$work/units/recasketch@1.service" "$work/units/recasketch-refresh.service" "$work/units/recasketch-refresh.timer"
       "$work/units/recasketch-retrain.service" "$work/units/recasketch-retrain.timer")
cp "$work/units/recasketch@.service" "$work/units/recasketch@1.service"
verify=$(systemd-analyze verify "${units[@]}" 2>&1) || fail "systemd-analyze verify: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify warns: $verify"
pass "5 unit files verify cleanly"

echo "== two instances on Unix sockets, nginx in front"
mkdir -p "$work/run" "$work/log"
start_instance() {  # number
    "$bin" serve --db "$db" --unix-socket "$work/run/recasketch-$1.sock" --reload-check-seconds 1 --static-pages "$work/pages" \
        >> "$work/log/instance-$1.log" 2>&1 &
    servers[$1]=$!
    for _ in $(seq 300); do
        curl -sf --unix-socket "$work/run/recasketch-$1.sock" http://app/healthz >/dev/null && return 0
        sleep 0.1
    done
    fail "instance $1 did not start: $(tail -3 "$work/log/instance-$1.log")"
}
start_instance 1
start_instance 2
mode=$(stat -c %a "$work/run/recasketch-1.sock")
[ "$mode" = 660 ] || fail "the socket's mode is $mode, not 660"
pass "instances answer on their sockets (mode $mode)"

# The shipped files with the paths and the port rewritten; nothing else changes.
scripts/lib/local-nginx.sh "$work" "$port" "$thumbnails" || fail "nginx -t refused the configuration"
nginx -c "$work/nginx.conf"
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

echo "== (a) everything answers through nginx"
mids=$(curl -sf "$base/api/v1/search?q=a&limit=100" | python3 -c "import json,sys; print('\n'.join(m['mid'] for m in json.load(sys.stdin)['results']))")
mid=$(head -1 <<<"$mids")
status() { curl -s -o /dev/null -w "%{http_code}" "$@"; }
for path in / "/models/$mid" "/api/v1/models/$mid/recommendations" /evaluation /about /openapi.json; do
    [ "$(status "$base$path")" = 200 ] || fail "$path through nginx answered $(status "$base$path")"
done
pass "pages and API: 200"
for _ in $(seq 300); do [ -e "$work/pages/current/models/$mid.html" ] && break; sleep 0.1; done
[ -e "$work/pages/current/models/$mid.html" ] || fail "the instances wrote no static model pages: $(tail -2 "$work/log/instance-1.log")"
same_page() {  # mid: nginx's file and an instance's page, byte for byte, with the same page headers
    curl -s -D "$work/nginx.h" -o "$work/nginx.html" "$base/models/$1"
    curl -s -D "$work/app.h" -o "$work/app.html" --unix-socket "$work/run/recasketch-1.sock" "http://app/models/$1"
    cmp -s "$work/nginx.html" "$work/app.html" || fail "/models/$1 from nginx's file differs from the instance's page"
    grep -qi "^x-cache:" "$work/nginx.h" && fail "/models/$1 was relayed to an instance, not sent from the file"
    for header in content-type cache-control content-security-policy x-content-type-options x-frame-options referrer-policy; do
        grep -qi "^$header:" "$work/app.h" || fail "/models/$1: the instance's page has no $header"
        [ "$(grep -i "^$header:" "$work/nginx.h" | tr -d '\r')" = "$(grep -i "^$header:" "$work/app.h" | tr -d '\r')" ] \
            || fail "/models/$1: $header differs: nginx '$(grep -i "^$header:" "$work/nginx.h")', app '$(grep -i "^$header:" "$work/app.h")'"
    done
}
same_page "$mid"
headers=$(curl -s -D - -o "$work/nginx.html.gz" -H "Accept-Encoding: gzip" "$base/models/$mid")
grep -qi "^content-encoding: gzip" <<<"$headers" || fail "/models/$mid is not sent compressed to a browser: $headers"
gzip -dc "$work/nginx.html.gz" | cmp -s - "$work/app.html" || fail "/models/$mid compressed is not the instance's page"
[ "$(stat -c %s "$work/nginx.html.gz")" = "$(stat -c %s "$work/pages/current/models/$mid.html.gz")" ] \
    || fail "/models/$mid was compressed again by nginx rather than sent from its .gz copy"
[ "$(status "$base/models/ffffffffffffffffffffffffffffffff")" = 404 ] || fail "a model without a file is not passed to the instances"
pass "model pages sent from the instances' files (gzip copies to browsers): the same bytes and headers; a model without one goes to an instance"
headers=$(curl -s -D - -o /dev/null -H "Accept-Encoding: gzip" "$base/static/app.css")
grep -qi "^content-encoding: gzip" <<<"$headers" || fail "app.css is not served compressed: $headers"
grep -qi "^cache-control: public, max-age=86400" <<<"$headers" || fail "app.css has no long cache lifetime: $headers"
grep -qi "^content-security-policy" <<<"$headers" && fail "app.css came from the app, not from nginx"
pass "static files from disk, precompressed, cached a day"
thumbnail=$(find "$thumbnails" -name '*.jpg' -printf '%f\n' | awk 'NR == 1')
headers=$(curl -s -D - -o /dev/null "$base/thumbnails/$thumbnail")
grep -q "^HTTP/1.1 200" <<<"$headers" || fail "thumbnail: $headers"
grep -qi "^cache-control: public, max-age=2592000" <<<"$headers" || fail "thumbnail without a long cache lifetime"
pass "thumbnails from disk, cached 30 days"
[ "$(status -X POST -H 'Content-Type: application/json' --data "{\"liked\": [\"$mid\"]}" "$base/api/v1/recommendations")" = 200 ] \
    || fail "POST For you through nginx"
[ "$(status -X POST -H 'Content-Type: application/json' --data-binary "@$bin" "$base/api/v1/recommendations")" = 413 ] \
    || fail "a large body is not refused by nginx"
pass "For you POST answers; a body over client_max_body_size gets 413"
limited=0
for _ in $(seq 80); do [ "$(status "$base/api/v1/algorithms")" = 429 ] && limited=$((limited + 1)); done
[ "$limited" -gt 0 ] || fail "80 API requests at once were never rate limited"
pass "the API rate limit answers 429 past its burst ($limited of 80)"
# nginx writes the access log through a 64k buffer flushed every second: wait for a flush before reading it.
for _ in $(seq 30); do grep -q "rid=" "$work/log/recasketch.access.log" 2>/dev/null && break; sleep 0.1; done
grep -q "rid=" "$work/log/recasketch.access.log" || fail "the access log is not in the documented format"
pass "access log in the recasketch format"
sleep 2  # let the rate limit's bucket refill

# wrk on model pages (nginx's files), search pages (the instances), static files and thumbnails (the API's rate limit
# is meant to stop one client hammering it), each request with a query of its own so that nginx's page cache never
# answers for the instances.
words=$(curl -sf "$base/api/v1/search?q=a&limit=100" | python3 -c "import json,sys; print('\n'.join(sorted({m['name'].split()[0].lower() for m in json.load(sys.stdin)['results'] if m['name'].split() and m['name'].split()[0].isalpha()})))")
{ sed 's|^|/models/|' <<<"$mids"; for _ in 1 2 3; do sed 's|^|/search?q=|' <<<"$words"; done
  echo /static/app.css; echo /static/app.js; find "$thumbnails" -name '*.jpg' -printf '/thumbnails/%f\n' | awk 'NR <= 50'; } > "$work/paths.txt"
load() {  # seconds output-file: a wrk run in the background; its pid in $wrk_pid
    BUST=1 PATHS="$work/paths.txt" wrk -t2 -c64 -d"$1s" -s scripts/wrk/random-path.lua "$base" > "$2" 2>&1 &
    wrk_pid=$!
}
clean() {  # wrk-output name: fails on any answer that is not 2xx and on any broken connection
    local requests non2xx broken
    read -r _ _ non2xx broken requests < <(wrk_figures < "$1")
    [ "$requests" -gt 0 ] || fail "$2: wrk made no request"
    [ "$non2xx" = 0 ] || fail "$2: $non2xx answers were not 2xx ($(wrk_lines non2xx errors requests < "$1" | tr '\n' ' '))"
    # An instance writes each answer (head and body) in one write, so one killed mid-answer leaves nginx nothing it
    # has passed on half of: the request is retried on the other instance.
    [ "$broken" = 0 ] || fail "$2: $broken connections broken ($(wrk_lines errors requests < "$1" | tr '\n' ' '))"
    pass "$2: $requests requests, zero failed"
}

echo "== (b) SIGKILL one instance under load, then restart it"
load "$duration" "$work/kill.txt"
sleep 2
kill -9 "${servers[1]}"
wait "${servers[1]}" 2>/dev/null || true
sleep 1
start_instance 1
wait "$wrk_pid"
clean "$work/kill.txt" "SIGKILL and restart"

echo "== (c) a retrain publishes a new snapshot under load"
before=$(curl -s --unix-socket "$work/run/recasketch-2.sock" http://app/api/v1/algorithms)
before_link=$(readlink "$work/pages/current")
load "$duration" "$work/retrain.txt"
sleep 1
"$bin" train --db "$db" --algorithms popularity > "$work/log/train.log" 2>&1 || fail "train: $(tail -2 "$work/log/train.log")"
changed=0
for _ in $(seq 100); do
    one=$(curl -s --unix-socket "$work/run/recasketch-1.sock" http://app/api/v1/algorithms)
    two=$(curl -s --unix-socket "$work/run/recasketch-2.sock" http://app/api/v1/algorithms)
    [ "$one" != "$before" ] && [ "$two" != "$before" ] && [ "$one" = "$two" ] && { changed=1; break; }
    sleep 0.2
done
[ "$changed" = 1 ] || fail "the retrain was not picked up by both instances"
wait "$wrk_pid"
clean "$work/retrain.txt" "retrain published under load"
pass "both instances serve the new run"
for _ in $(seq 300); do [ "$(readlink "$work/pages/current")" != "$before_link" ] && break; sleep 0.1; done
[ "$(readlink "$work/pages/current")" != "$before_link" ] || fail "the model pages' files were not rewritten after the retrain"
same_page "$mid"
pass "the model pages' files moved to the new run ($before_link → $(readlink "$work/pages/current")) and match the instances"

echo "== (d) SIGTERM drains an instance under load"
# A request in flight when the signal comes: its body trickles in over about six seconds.
python3 -c "import json,sys; print(json.dumps({'liked': sys.argv[1].split()[:200] * 2}))" "$mids" > "$work/liked.json"
curl -s -o "$work/slow.json" -w "%{http_code}" --limit-rate 2k -X POST -H "Content-Type: application/json" \
    --data-binary "@$work/liked.json" --unix-socket "$work/run/recasketch-2.sock" http://app/api/v1/recommendations > "$work/slow.status" &
slow=$!
load "$duration" "$work/term.txt"
sleep 2
kill -TERM "${servers[2]}"
code=0; wait "${servers[2]}" || code=$?
[ "$code" = 0 ] || fail "instance 2 exited $code on SIGTERM: $(tail -3 "$work/log/instance-2.log")"
wait "$slow" || true
[ "$(cat "$work/slow.status")" = 200 ] && grep -q '"recommendations"' "$work/slow.json" \
    || fail "the request in flight at SIGTERM did not finish: status $(cat "$work/slow.status")"
pass "instance 2 finished the request in flight (a POST still uploading) and exited 0"
sleep 1
start_instance 2
wait "$wrk_pid"
clean "$work/term.txt" "SIGTERM and restart"
echo "test-deploy: all checks passed"
