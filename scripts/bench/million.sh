#!/usr/bin/env bash
# Today's Sketchfab on one machine: generate, import and train every likes-based carousel at MODELS models
# (default 1,000,000 with 2.2 users per model, ~22M likes), printing each stage's wall time and peak memory
# (GNU time's maximum resident set), then the approximate top-N's recall against exact lists and the all-items
# search beside exact at the same size (bench-neighbours on the trained WRMF factors).
# A benchmark, not a test: well over an hour at a million models on 2 cores with every carousel (docs/scaling.md);
# needs ~8 GB of disk in WORK.
#   MODELS=1000000 WORK=/tmp/million scripts/bench/million.sh
#   MODELS=100000 scripts/bench/million.sh          # the same stages at a tenth of the size
# TRAIN_FLAGS adds flags to train (e.g. "--tune-budget 0" for the fixed defaults, "--neighbour-search exact").
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib/common.sh"
cd "$repo_root"
[ -x /usr/bin/time ] || { echo "$0: needs GNU time (/usr/bin/time; Debian package time)" >&2; exit 1; }
models=${MODELS:-1000000}
users=$((models * 22 / 10))
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
bin="$(build_release)/recasketch"
summary="$work/stages.tsv"
: > "$summary"

# Runs one stage under GNU time; its output goes to WORK/NAME.log (and the terminal), its time and peak to the table.
stage() {
    local name=$1; shift
    echo "== $name: $*"
    /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" 2>&1 | tee "$work/$name.log"
    read -r seconds kilobytes < "$work/$name.time"
    printf '%s\t%s\t%s\n' "$name" "$seconds" "$kilobytes" >> "$summary"
}

rm -rf "$work/catalogue" "$work/catalog.sqlite"*
stage generate "$bin" generate --out "$work/catalogue" --models "$models" --users "$users" --no-thumbnails
stage import "$bin" import --urls "$work/catalogue/model_urls.psv" --likes "$work/catalogue/model_likes_anon.psv" \
    --features "$work/catalogue/model_feats.psv" --names "$work/catalogue/model_names.psv" --db "$work/catalog.sqlite"
# shellcheck disable=SC2086
stage train "$bin" train --db "$work/catalog.sqlite" ${TRAIN_FLAGS:-}
stage neighbours "$bin" bench-neighbours --db "$work/catalog.sqlite" --exact-up-to 0

echo
echo "== $models models, $(grep -oE '[0-9]+ likes' "$work/import.log" | head -1 || true)"
printf '%-12s %10s %12s\n' stage seconds "peak GB"
while IFS=$'\t' read -r name seconds kilobytes; do
    awk -v n="$name" -v s="$seconds" -v k="$kilobytes" 'BEGIN { printf "%-12s %10.1f %12.2f\n", n, s, k / 1048576 }'
done < "$summary"
echo
echo "per algorithm (train):"
grep -E 'trained in .* stored in' "$work/train.log" || true
echo "top-N searches:"
grep -E 'recall@|top-[0-9]+ similar' "$work/train.log" "$work/neighbours.log" | sed "s|$work/||" || true
