#!/usr/bin/env bash
# nginx in front, measured: model pages at Sketchfab scale (uniform draws over all 28,806), wrk with 64 connections,
# in the same run:
#   direct        one `serve` instance on a TCP port;
#   shipped       nginx with deploy/nginx's configuration (paths and port rewritten) in front of two instances on Unix
#                 sockets that write their model pages as files (--static-pages): nginx sends the files;
#   proxy alone   the same nginx configuration with no page files and no page cache: every request relayed to an
#                 instance, which is nginx's cost as a proxy.
# On two cores this measures nginx's overhead, not scaling: nginx, the instances and wrk share the same two cores.
# Needs nginx (Debian nginx-light), wrk and curl, and bench-data/ (scripts/bench/serve.sh builds it).
# ACCEPT_ENCODING=gzip sends that header as browsers do (nginx then sends the pages' gzip copies; the app answers
# uncompressed either way).
#   DURATION=10 CONNECTIONS=64 RUNS=3 [ACCEPT_ENCODING=gzip] scripts/bench/deploy.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib/common.sh"
cd "$repo_root"
duration=${DURATION:-10}; connections=${CONNECTIONS:-64}; runs=${RUNS:-3}
data=${DATA:-bench-data}; direct_port=${PORT:-8281}; nginx_port=${NGINX_PORT:-8282}; proxy_port=$((nginx_port + 1))
require_tool nginx nginx-light
require_tool wrk
require_tool curl
[ -f "$data/recasketch.sqlite" ] || { echo "no $data/recasketch.sqlite: run scripts/bench/serve.sh once to build it" >&2; exit 1; }
bin="$(build_release)/recasketch"
work=$(mktemp -d); chmod 755 "$work"
trap 'kill $(jobs -p) 2>/dev/null || true; for pid in "$work/nginx.pid" "$work/proxy/nginx.pid"; do [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null; done; rm -rf "$work"' EXIT
awk -F'|' 'NR > 1 { gsub("\r", "", $NF); if ($NF ~ /^[0-9a-zA-Z]+$/) print "/models/" $NF }' "$data/catalog/model_urls.psv" > "$work/models.txt"

scripts/lib/local-nginx.sh "$work" "$nginx_port" "$(realpath "$data/catalog/thumbnails")"
SOCKETS="$work/run" PAGES="$work/proxy/no-pages" NGINX_CACHE=off \
    scripts/lib/local-nginx.sh "$work/proxy" "$proxy_port" "$(realpath "$data/catalog/thumbnails")"
for instance in 1 2; do
    LOG_LEVEL=notice "$bin" serve --db "$data/recasketch.sqlite" --unix-socket "$work/run/recasketch-$instance.sock" \
        --static-pages "$work/pages" > "$work/log/$instance.log" 2>&1 &
done
LOG_LEVEL=notice "$bin" serve --db "$data/recasketch.sqlite" --port "$direct_port" > "$work/log/direct.log" 2>&1 &
started=$SECONDS
for _ in $(seq 1500); do
    curl -sf "http://127.0.0.1:$direct_port/healthz" >/dev/null && curl -sf --unix-socket "$work/run/recasketch-1.sock" http://x/healthz >/dev/null \
        && curl -sf --unix-socket "$work/run/recasketch-2.sock" http://x/healthz >/dev/null && break
    sleep 0.2
done
echo "instances up in $((SECONDS - started)) s"
curl -sf "http://127.0.0.1:$direct_port/healthz" >/dev/null || { echo "the direct instance did not start: $(tail -3 "$work/log/direct.log")" >&2; exit 1; }
for _ in $(seq 1200); do [ -e "$work/pages/current" ] && break; sleep 0.1; done
[ -e "$work/pages/current" ] || { echo "the instances wrote no static pages: $(tail -2 "$work/log/1.log")" >&2; exit 1; }
grep -h "static pages written" "$work"/log/[12].log | sed 's/^/  /'
nginx -c "$work/nginx.conf"
nginx -c "$work/proxy/nginx.conf"
sleep 2

measure() {  # url → "req/s p99 failures"
    local output rps p99 non2xx errors
    output=$(PATHS="$work/models.txt" wrk ${ACCEPT_ENCODING:+-H "Accept-Encoding: $ACCEPT_ENCODING"} -t2 -c"$connections" -d"${duration}s" --latency -s scripts/wrk/random-path.lua "$1")
    read -r rps p99 non2xx errors _ < <(wrk_figures <<<"$output")
    echo "$rps $p99 $((non2xx + errors))"
}
printf "%-5s %14s %9s %15s %9s %6s %15s %9s %6s\n" run "direct req/s" p99 "shipped req/s" p99 ratio "proxy-only req/s" p99 ratio
for run in $(seq "$runs"); do
    read -r d_rps d_p99 d_bad < <(measure "http://127.0.0.1:$direct_port")
    read -r s_rps s_p99 s_bad < <(measure "http://127.0.0.1:$nginx_port")
    read -r p_rps p_p99 p_bad < <(measure "http://127.0.0.1:$proxy_port")
    printf "%-5s %14s %9s %15s %9s %6s %15s %9s %6s\n" "$run" "$d_rps" "$d_p99" "$s_rps" "$s_p99" "$(echo "scale=2; $s_rps / $d_rps" | bc)" \
        "$p_rps" "$p_p99" "$(echo "scale=2; $p_rps / $d_rps" | bc)"
    [ "$d_bad$s_bad$p_bad" = "000" ] || echo "      failed requests: direct $d_bad, shipped $s_bad, proxy alone $p_bad"
done
