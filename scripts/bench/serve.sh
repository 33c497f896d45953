#!/usr/bin/env bash
# Page and API throughput of `recasketch serve` against nginx serving the very same pages as static files, in one run,
# at Sketchfab scale: pages drawn uniformly from all 28,806 models (not a warm subset), a fresh server with 2 s of
# warm-up, wrk at 64 connections. Then a retrain is published under load: the swap must cost no request.
# Needs nginx (Debian nginx-light), wrk and curl; builds the catalogue into bench-data/ when absent.
#   DURATION=10 CONNECTIONS=64 scripts/bench/serve.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib/common.sh"
cd "$repo_root"
duration=${DURATION:-10}
connections=${CONNECTIONS:-64}
data=${DATA:-bench-data}
port=${PORT:-8181}
nginx_port=${NGINX_PORT:-8182}
require_tool nginx nginx-light
require_tool wrk
require_tool curl
bin="$(build_release)/recasketch"
db="$data/recasketch.sqlite"
sketchfab_catalogue "$bin" "$data" | tail -1
if [ ! -f "$db" ]; then
    $bin import --urls "$data/catalog/model_urls.psv" --likes "$data/catalog/model_likes_anon.psv" \
        --features "$data/catalog/model_feats.psv" --names "$data/catalog/model_names.psv" \
        --thumbnails "$data/catalog/thumbnails" --db "$db" | tail -1
    $bin train --db "$db" --thumbnails "$data/catalog/thumbnails" --visual-descriptor classical | tail -1
fi

work=$(mktemp -d)
chmod 755 "$work"  # nginx's workers read the mirror as another user
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT

# Paths: every model page; the tags and categories; 500 searches for words of model names; the API's lists.
awk -F'|' 'NR > 1 { gsub("\r", "", $NF); if ($NF ~ /^[0-9a-zA-Z]+$/) print "/models/" $NF }' "$data/catalog/model_urls.psv" > "$work/models.txt"
awk -F'|' 'NR > 1 { gsub("\r", "", $3); if ($2 == "tag" && $3 ~ /^[a-z0-9-]+$/) print "/tags/" $3 }' "$data/catalog/model_feats.psv" | sort -u > "$work/tags.txt"
awk -F'|' 'NR > 1 && NR % 57 == 0 { n = split(tolower($1), w, /[^a-z]+/); for (i = 1; i <= n; i++) if (length(w[i]) > 3) { print "/search?q=" w[i]; break } }' \
    "$data/catalog/model_urls.psv" | sort -u | head -500 > "$work/search.txt"
sed 's|^/models/\(.*\)|/api/v1/models/\1/recommendations|' "$work/models.txt" > "$work/api.txt"
echo "paths: $(wc -l < "$work/models.txt") model pages, $(wc -l < "$work/tags.txt") tag pages, $(wc -l < "$work/search.txt") searches"

start=$(date +%s.%N)
LOG_LEVEL=${LOG_LEVEL:-notice} $bin serve --db "$db" --port "$port" > "$work/serve.log" 2>&1 &
server=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.1; done
ready=$(date +%s.%N)
rss() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$server/status"; }
peak() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$server/status"; }
echo "server: snapshot of $(wc -l < "$work/models.txt") models loaded and serving in $(echo "$ready - $start" | bc) s, RSS $(rss) MB"

# The same pages as static files for nginx, fetched from the server itself.
mirror="$work/mirror"
for list in models tags search; do
    awk -v root="$mirror" -v base="http://127.0.0.1:$port" '{ file = $0; gsub(/\?q=/, "/q-", file); print "url = \"" base $0 "\"\noutput = \"" root file ".html\"" }' \
        "$work/$list.txt" > "$work/$list.curl"
    curl -s --no-progress-meter --create-dirs --parallel --parallel-max 8 -K "$work/$list.curl"
done
sed 's|?q=|/q-|' "$work/search.txt" > "$work/search-static.txt"
chmod -R a+rX "$mirror"
echo "mirror: $(find "$mirror" -type f | wc -l) files, $(du -sm "$mirror" | cut -f1) MB"
cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    default_type text/html;
    client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp; uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
    server {
        listen 127.0.0.1:$nginx_port;
        root $mirror;
        location / { try_files \$uri.html =404; }
    }
}
CONF
mkdir -p "$work/tmp"
nginx -c "$work/nginx.conf"
sleep 2

measure() {  # name url paths-file [wrk script] → "req/s p99 non2xx errors"
    local output
    output=$(PATHS="$3" wrk -t2 -c"$connections" -d"${duration}s" --latency -s "${4:-scripts/wrk/random-path.lua}" "$2")
    local rps p99 non2xx errors
    read -r rps p99 non2xx errors _ < <(wrk_figures <<<"$output")
    echo "$rps $p99 $non2xx $errors"
}

printf "\n%-26s %12s %10s %12s %10s %8s\n" "pages (uniform draws)" "serve req/s" "serve p99" "nginx req/s" "nginx p99" "ratio"
for kind in models tags search; do
    static_list="$work/$kind.txt"; [ "$kind" = search ] && static_list="$work/search-static.txt"
    read -r s_rps s_p99 s_bad s_err < <(measure serve "http://127.0.0.1:$port" "$work/$kind.txt")
    read -r n_rps n_p99 n_bad n_err < <(measure nginx "http://127.0.0.1:$nginx_port" "$static_list")
    printf "%-26s %12s %10s %12s %10s %8s\n" "$kind" "$s_rps" "$s_p99" "$n_rps" "$n_p99" "$(echo "scale=2; $s_rps / $n_rps" | bc)"
    [ "$s_bad$s_err$n_bad$n_err" = "0000" ] || echo "  (non-2xx or socket errors: serve $s_bad/$s_err, nginx $n_bad/$n_err)"
done
read -r a_rps a_p99 a_bad a_err < <(measure api "http://127.0.0.1:$port" "$work/api.txt")
printf "%-26s %12s %10s %12s %10s %8s\n" "api recommendations" "$a_rps" "$a_p99" "" "" ""
read -r f_rps f_p99 f_bad f_err < <(LIKES=5 measure for-you "http://127.0.0.1:$port" "$work/models.txt" scripts/wrk/for-you.lua)
printf "%-26s %12s %10s %12s %10s %8s\n" "POST for-you (5 likes)" "$f_rps" "$f_p99" "" "" ""
[ "$a_bad$a_err$f_bad$f_err" = "0000" ] || echo "  (non-2xx or socket errors: api $a_bad/$a_err, for-you $f_bad/$f_err)"
echo "server RSS after the runs: $(rss) MB"

echo
echo "== retrain published under load (wrk on model pages, ${connections} connections)"
before=$(curl -s "http://127.0.0.1:$port/api/v1/algorithms" | md5sum)
PATHS="$work/models.txt" wrk -t2 -c"$connections" -d"$((duration + 10))s" -s scripts/wrk/random-path.lua "http://127.0.0.1:$port" > "$work/swap.txt" &
wrk_pid=$!
sleep 2
$bin train --db "$db" --algorithms popularity,itemknn | tail -1
wait $wrk_pid
wrk_lines rps non2xx errors requests < "$work/swap.txt"
[ -n "$(wrk_lines non2xx errors < "$work/swap.txt")" ] && echo "swap: FAILED requests" || echo "swap: zero non-2xx, zero socket errors"
# The swap may still be loading if the retrain ended late in the run: wait for it (at most a minute).
for _ in $(seq 60); do
    after=$(curl -s "http://127.0.0.1:$port/api/v1/algorithms" | md5sum)
    [ "$before" != "$after" ] && break
    sleep 1
done
[ "$before" != "$after" ] && echo "swap: the new run is served (algorithms changed)" || echo "swap: NOT picked up"
sleep 3  # the old snapshot's memory is handed back a second after the swap
echo "server RSS at the end: $(rss) MB; peak over the whole run (VmHWM): $(peak) MB"
