#!/usr/bin/env bash
# WRMF at implicit's settings word for word (`--factors 64 --iterations 15 --regularization 0.1 --alpha 50
# --initialisation uniform --tune-budget 0`) against implicit's AlternatingLeastSquares at the same settings, on the
# split files quality.sh wrote, averaged over several initialisation seeds for both: on MovieLens 100k's 187 test
# users one seed's factors move precision@10 by ±6%, more than the two implementations differ. Prints each split's
# mean over the seeds and the ratio. Not a test.
#
# Usage: scripts/bench/implicit-settings.sh [DIR]   (after quality.sh; default bench-data/)
#   DATASETS="movielens lastfm"  SPLITS="1 2 3"  INIT_SEEDS="11 12 13 14 15 16"
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib/common.sh"
cd "$repo_root"
dir=${1:-bench-data}
bin="$(build_release 2>/dev/null)/recasketch"
[ -x .peers/bin/python ] || { echo "missing .peers/: see the usage note at the top of scripts/bench/wrmf.sh" >&2; exit 1; }
mean_of() { awk '{ s += $1; n++ } END { printf "%.4f", s / n }'; }
for name in ${DATASETS:-movielens lastfm}; do
    for split in ${SPLITS:-1 2 3}; do
        folder=$dir/quality-$name-$split
        [ -f "$folder/train.csv" ] || { echo "no split in $folder: run quality.sh first" >&2; exit 1; }
        ours=$(for seed in ${INIT_SEEDS:-11 12 13 14 15 16}; do
            "$bin" evaluate --train "$folder/train.csv" --test "$folder/test.csv" --seed "$seed" --algorithms wrmf \
                --factors 64 --iterations 15 --regularization 0.1 --alpha 50 --initialisation uniform --tune-budget 0 \
                --similar-items 0 --bootstrap 0 | sed -n 's/^wrmf: .*precision@10 \([0-9.]*\).*/\1/p'
        done | mean_of)
        theirs=$(for seed in ${INIT_SEEDS:-11 12 13 14 15 16}; do
            .peers/bin/python scripts/bench/quality-peers.py --peers "${PEERS:-../shared/tools/peers.py}" \
                --train "$folder/train.csv" --test "$folder/test.csv" --out "$folder/implicit-$seed.csv" --seed "$seed" \
                --models implicit-als >/dev/null 2>&1
            awk -F, '$1 == "implicit-als" { s += $3; n++ } END { printf "%.6f\n", s / n }' "$folder/implicit-$seed.csv"
        done | mean_of)
        awk -v n="$name" -v s="$split" -v a="$ours" -v b="$theirs" \
            'BEGIN { printf "%-10s split %s  WRMF %.4f  implicit %.4f  ratio %.3f\n", n, s, a, b, a / b }'
    done
done
