#!/usr/bin/env bash
# WRMF against implicit's AlternatingLeastSquares on the same split, factors, regularisation, alpha, iterations
# and threads: the Sketchfab-scale demo set and MovieLens 100k (ratings >= 4 as likes). Prints both tools'
# figures and the ratios. Not a test: run it by hand.
#
# Usage: scripts/bench/wrmf.sh [DIR]        (default bench-data/; kept out of git)
# Needs the peers in .peers/ (kept out of git):
#   python3 -m venv .peers && .peers/bin/pip install implicit numpy scipy threadpoolctl setuptools wheel \
#     && .peers/bin/pip install --no-build-isolation lightfm
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib/common.sh"
cd "$repo_root"
dir=${1:-bench-data}
peers=${PEERS:-../shared/tools/peers.py}
movielens=${MOVIELENS:-../shared/data/movielens-100k/u.data}
factors=64 iterations=15 regularization=0.1 alpha=50 threads=2
[ -x .peers/bin/python ] || { echo "missing .peers/: see the usage note at the top of this script" >&2; exit 1; }
bin="$(build_release 2>/dev/null)/recasketch"
mkdir -p "$dir"

sketchfab_catalogue "$bin" "$dir"
awk -F'\t' 'BEGIN { print "user,item,weight" } $3 >= 4 { print $1 "," $2 ",1" }' "$movielens" > "$dir/movielens-likes.csv"

compare() {  # name, our json, peers jsonl
    .peers/bin/python - "$1" "$2" "$3" <<'PY'
import json, sys
name, ours_path, peers_path = sys.argv[1:]
ours = {a["name"]: a for a in json.load(open(ours_path))["algorithms"]}
peers = {p["model"]: p for p in map(json.loads, open(peers_path)) if "model" in p}
pairs = [("wrmf", "als"), ("popularity", "popularity")]
keys = ["fit_seconds", "precision@5", "precision@10", "recall@10", "ndcg@10", "auc"]
print(f"\n== {name} ==")
print(f"{'':12}" + "".join(f"{k:>14}" for k in keys))
for mine, theirs in pairs:
    if mine not in ours or theirs not in peers: continue
    a, b = ours[mine], peers[theirs]
    b = dict(b, fit_seconds=b["fit_s"])
    print(f"{'ours ' + mine:12}" + "".join(f"{a[k]:>14.4f}" for k in keys))
    print(f"{'implicit ' + theirs if theirs == 'als' else 'peers ' + theirs:12}" + "".join(f"{b[k]:>14.4f}" for k in keys))
    print(f"{'ratio':12}" + "".join(f"{(a[k] / b[k] if b[k] else float('nan')):>14.3f}" for k in keys))
PY
}

run() {  # name, input flag, input file
    local name=$1 flag=$2 input=$3
    echo "### $name: RecASketch"
    /usr/bin/time -f "RecASketch evaluate: %e s wall, %M KB peak" "$bin" evaluate "$flag" "$input" \
        --write-split "$dir/split-$name" --algorithms popularity,itemknn,wrmf --factors $factors \
        --iterations $iterations --regularization $regularization --alpha $alpha --threads $threads \
        --json "$dir/ours-$name.json" --similar-items 20
    echo "### $name: implicit (peers.py)"
    /usr/bin/time -f "peers.py: %e s wall, %M KB peak" .peers/bin/python "$peers" run \
        --train "$dir/split-$name/train.csv" --test "$dir/split-$name/test.csv" --models popularity,als \
        --factors $factors --iterations $iterations --regularization $regularization --alpha $alpha \
        --threads $threads > "$dir/peers-$name.jsonl"
    compare "$name" "$dir/ours-$name.json" "$dir/peers-$name.jsonl"
}

run sketchfab-scale --likes "$dir/catalog/model_likes_anon.psv"
run movielens-100k --interactions "$dir/movielens-likes.csv"
