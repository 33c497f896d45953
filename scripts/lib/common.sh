# shellcheck shell=bash
# What the scripts under scripts/ (and .ci/run) share. Sourced, never run:
#   source "$(dirname "$0")/../lib/common.sh"
# It defines $repo_root and functions only: it sets no shell option and changes no directory. The functions take
# paths relative to the checkout's top folder, where every script works (cd "$repo_root").

# The checkout's top folder, wherever the sourcing script was started from.
# shellcheck disable=SC2034  # for the scripts that source this file
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Exits 1 unless the command NAME (or a path to it) is installed, naming the Debian package that has it (NAME's
# own name by default).
require_tool() {  # NAME [DEBIAN_PACKAGE]
    command -v "$1" >/dev/null && return 0
    echo "$0: needs $1 (Debian: apt-get install ${2:-$1})" >&2
    exit 1
}

# Builds the release binary of each PRODUCT (recasketch by default) and prints SwiftPM's release bin folder:
#   bin="$(build_release)/recasketch"
# The build's progress is dropped; its warnings and errors still reach stderr (add 2>/dev/null to drop them too).
build_release() {  # [PRODUCT…]
    local product
    for product in "${@:-recasketch}"; do
        swift build -c release --product "$product" >/dev/null || return
    done
    swift build -c release --show-bin-path
}

# The Sketchfab-scale demo catalogue (`generate --models 28806 --users 62583`, ~630k likes) in DIR/catalog, written
# once and reused by every benchmark that finds it there (DIR is bench-data/ by default, kept out of git).
# `generate` writes model_urls.psv last, so that file marks a complete catalogue.
sketchfab_catalogue_ready() {  # DIR
    [ -f "$1/catalog/model_urls.psv" ]
}
sketchfab_catalogue() {  # BIN DIR: generate's output when it writes the catalogue, nothing when it is already there
    sketchfab_catalogue_ready "$2" || "$1" generate --out "$2/catalog" --models 28806 --users 62583
}

# wrk's report on stdin, read in one place. wrk_figures prints one line "REQ/S P99 NON2XX SOCKET_ERRORS REQUESTS":
# the Requests/sec figure and the 99% latency as wrk prints them ("-" when absent: wrk prints the percentiles only
# with --latency), the answers wrk counted as Non-2xx or 3xx, the broken connections (connect + read + write +
# timeout errors) and the requests made (each 0 when wrk reports none):
#   read -r rps p99 non2xx errors requests < <(wrk … | wrk_figures)
# wrk_lines KIND… prints the report's own lines of those kinds, as wrk printed them and in its order: rps (the
# Requests/sec line), latency (the lines that say Latency), non2xx, errors (Socket errors) and requests (the
# "N requests in" line); nothing of a kind wrk did not report (it prints Non-2xx and Socket errors only when nonzero):
#   wrk … | wrk_lines rps latency
wrk_figures() {
    wrk_report
}
wrk_lines() {  # KIND…
    wrk_report "$@"
}
wrk_report() {  # [KIND…]: the figures without a KIND, else those kinds' lines
    awk -v kinds="$*" '
        BEGIN { lines = split(kinds, k, " "); for (i = 1; i <= lines; i++) wanted[k[i]] = 1 }
        { kind = "" }
        /Requests\/sec/ { kind = "rps"; rps = $2 }
        /Latency/ { kind = "latency" }
        $1 == "99%" { p99 = $2 }
        /Non-2xx/ { kind = "non2xx"; non2xx = $NF }
        /Socket errors/ { kind = "errors"; line = $0; gsub(",", "", line); split(line, f, " ")
                          errors = f[4] + f[6] + f[8] + f[10] }
        /requests in/ { kind = "requests"; requests = $1 }
        lines && (kind in wanted) { print }
        END { if (!lines) print (rps == "" ? "-" : rps), (p99 == "" ? "-" : p99), non2xx + 0, errors + 0,
                                requests + 0 }'
}

# The small served demo that the contract, browser and deployment tests use (.ci/run runs the three on one build,
# one catalogue and one server): the debug build, and `demo` with 400 models and the classical descriptor in
# .build-ci/demo (git-ignored; `demo` reuses it when it is there). Sets $bin.
ci_demo() {
    swift build --product recasketch
    bin="$(swift build --show-bin-path)/recasketch"
    "$bin" demo --data-dir .build-ci/demo --models 400 --users 1500 --visual-descriptor classical --no-serve
}

# Serves ci_demo's catalogue on PORT in the background, its log in .build-ci/serve.log, and returns once /healthz
# answers (or after a minute). Sets $server, the server's pid: the caller stops it.
serve_ci_demo() {  # PORT
    "$bin" serve --db .build-ci/demo/recasketch.sqlite --thumbnails .build-ci/demo/catalog/thumbnails --port "$1" > .build-ci/serve.log 2>&1 &
    # shellcheck disable=SC2034  # for the caller, which stops it
    server=$!
    for _ in $(seq 600); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && break; sleep 0.1; done
}

# A test script's server: the URL it was given, else the CI's small demo built and served on port 18099 for the
# run (stopped when the script exits). Sets `site_url`.
site_under_test() {  # [URL]
    if [ $# -gt 0 ]; then site_url=$1; return; fi
    require_tool curl
    ci_demo
    serve_ci_demo 18099
    trap 'kill $server 2>/dev/null || true' EXIT
    # shellcheck disable=SC2034  # for the caller
    site_url="http://127.0.0.1:18099"
}

# schemathesis from PyPI (tests only) in .build-ci/schemathesis, made once.
schemathesis_venv() {
    local venv=.build-ci/schemathesis
    [ -x "$venv/bin/schemathesis" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet schemathesis; }
}
