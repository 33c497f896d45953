#!/usr/bin/env bash
# Writes WORK/nginx.conf: deploy/nginx's shipped files with only their paths and port rewritten into WORK (sockets
# in WORK/run, the instances' static pages in WORK/pages, logs in WORK/log, static files copied and precompressed
# into WORK/static), under a main file that stands in for a host's /etc/nginx/nginx.conf. Used by tests/deploy.sh
# and bench/deploy.sh. SOCKETS=DIR and PAGES=DIR point at another folder's sockets and pages.
#   scripts/lib/local-nginx.sh WORK PORT THUMBNAILS
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$1; port=$2; thumbnails=$3
sockets=${SOCKETS:-$work/run}; pages=${PAGES:-$work/pages}
mkdir -p "$work/run" "$work/log" "$work/static" "$work/tmp"
cp Sources/Website/Static/* "$work/static/"
gzip -k -f -9 "$work"/static/*.css "$work"/static/*.js "$work"/static/*.svg
rewrite() {
    sed -e "s|/run/recasketch/|$sockets/|g" -e "s|/srv/recasketch/static/|$work/static/|g" -e "s|/srv/recasketch/data/pages/|$pages/|g" \
        -e "s|/srv/recasketch/data/catalog/thumbnails/|$thumbnails/|g" -e "s|/var/log/nginx/|$work/log/|g" \
        -e "s|/etc/nginx/recasketch-proxy.conf|$work/recasketch-proxy.conf|g" -e "s|/var/cache/nginx/recasketch|$work/cache|g" \
        -e "s|listen 80;|listen 127.0.0.1:$port;|" -e "/listen \[::\]:80;/d" "$1"
}
rewrite deploy/nginx/recasketch.conf > "$work/recasketch.conf"
rewrite deploy/nginx/recasketch-proxy.conf > "$work/recasketch-proxy.conf"
# NGINX_CACHE=off measures the proxy alone (bench/deploy.sh reports both).
[ "${NGINX_CACHE:-on}" = off ] && sed -i '/^proxy_cache /d' "$work/recasketch-proxy.conf"
cat > "$work/nginx.conf" <<CONF
# Stands in for /etc/nginx/nginx.conf (as root here, so the workers reach the sockets).
user root;
worker_processes ${NGINX_WORKERS:-2};
pid $work/nginx.pid;
error_log $work/log/nginx-error.log;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp; uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
    include $work/recasketch.conf;
}
CONF
nginx -t -c "$work/nginx.conf" 2> "$work/nginx-test.log" || { cat "$work/nginx-test.log" >&2; exit 1; }
