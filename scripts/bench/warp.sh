#!/usr/bin/env bash
# WARP with and without item features against LightFM on the same split, features, components, loss, learning
# schedule (Adagrad, lr 0.05), penalties (1e-6), epochs (30) and threads (2): the Sketchfab-scale demo set with
# its tags and categories, and MovieLens 100k with genres. Lock-free training over two threads is not
# deterministic in either library, so each side runs with SEEDS seeds (default 3) and the means are compared.
# Not a test: run it by hand. Needs .peers/ (see scripts/bench/wrmf.sh) and the splits that bench/wrmf.sh wrote.
#
# Usage: scripts/bench/warp.sh [DIR]     (default bench-data/; DATASETS="sketchfab-scale" to run one)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib/common.sh"
cd "$repo_root"
dir=${1:-bench-data}
peers=${PEERS:-../shared/tools/peers.py}
seeds=${SEEDS:-3}
[ -x .peers/bin/python ] || { echo "missing .peers/: see scripts/bench/wrmf.sh" >&2; exit 1; }
[ -f "$dir/split-sketchfab-scale/train.csv" ] || { echo "run scripts/bench/wrmf.sh first (it writes the splits)" >&2; exit 1; }
bin="$(build_release 2>/dev/null)/recasketch"

# Features: the demo's published model_feats.psv as kind:value, MovieLens genres as genre_NAME.
"$bin" evaluate --train "$dir/split-sketchfab-scale/train.csv" --test "$dir/split-sketchfab-scale/test.csv" \
    --algorithms popularity --features "$dir/catalog/model_feats.psv" --write-features "$dir/features-sketchfab-scale.csv" \
    --similar-items 0 >/dev/null
.peers/bin/python - "${MOVIELENS_ITEMS:-../shared/data/movielens-100k}" "$dir/features-movielens-100k.csv" <<'PY'
import sys
folder, out = sys.argv[1:]
genres = [l.split('|')[0] for l in open(f"{folder}/u.genre", encoding="latin-1") if l.strip()]
with open(out, "w") as f:
    f.write("item,feature,weight\n")
    for line in open(f"{folder}/u.item", encoding="latin-1"):
        fields = line.rstrip("\n").split("|")
        for genre, flag in zip(genres, fields[5:24]):
            if flag == "1":
                f.write(f"{fields[0]},genre_{genre.replace(' ', '_').replace(',', '')},1\n")
PY

for name in ${DATASETS:-sketchfab-scale movielens-100k}; do
    split="$dir/split-$name"
    : > "$dir/warp-ours-$name.jsonl"; : > "$dir/warp-peers-$name.jsonl"
    for seed in $(seq 1 "$seeds"); do
        echo "### $name seed $seed: RecASketch"
        "$bin" evaluate --train "$split/train.csv" --test "$split/test.csv" --algorithms warp,warp-tags \
            --features "$dir/features-$name.csv" --factors 64 --epochs 30 --learning-rate 0.05 --threads 2 \
            --seed "$seed" --similar-items 0 --json "$dir/warp-ours-$name-$seed.json" | grep -E '^warp'
        cat "$dir/warp-ours-$name-$seed.json" >> "$dir/warp-ours-$name.jsonl"; echo >> "$dir/warp-ours-$name.jsonl"
        echo "### $name seed $seed: LightFM"
        .peers/bin/python "$peers" run --train "$split/train.csv" --test "$split/test.csv" \
            --features "$dir/features-$name.csv" --models warp,warp-features --factors 64 --epochs 30 --threads 2 \
            --seed "$seed" >> "$dir/warp-peers-$name.jsonl"
    done
    .peers/bin/python - "$name" "$dir/warp-ours-$name.jsonl" "$dir/warp-peers-$name.jsonl" "$seeds" <<'PY'
import json, sys
name, ours_path, peers_path, seeds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
text = open(ours_path).read()
ours, decoder, index = [], json.JSONDecoder(), 0
while index < len(text):
    while index < len(text) and text[index].isspace(): index += 1
    if index >= len(text): break
    obj, index = decoder.raw_decode(text, index); ours.append(obj)
peers = [json.loads(l) for l in open(peers_path) if l.strip().startswith("{")]
def mean(rows, key): return sum(r[key] for r in rows) / len(rows)
keys = ["fit_seconds", "precision@5", "precision@10", "ndcg@10", "auc"]
print(f"\n== {name}: means over {seeds} seeds ==")
print(f"{'':22}" + "".join(f"{k:>14}" for k in keys) + f"{'cold p@10':>14}")
for mine, theirs in [("warp", "warp"), ("warp-tags", "warp-features")]:
    a = [alg for run in ours for alg in run["algorithms"] if alg["name"] == mine]
    b = [dict(p, fit_seconds=p["fit_s"]) for p in peers if p.get("model") == theirs]
    if not a or not b: continue
    print(f"{'RecASketch ' + mine:22}" + "".join(f"{mean(a, k):>14.4f}" for k in keys) + f"{mean(a, 'cold_precision@10'):>14.4f}")
    print(f"{'LightFM ' + theirs:22}" + "".join(f"{mean(b, k):>14.4f}" for k in keys))
    print(f"{'ratio':22}" + "".join(f"{mean(a, k) / mean(b, k):>14.3f}" for k in keys))
    print(f"{'per epoch (s)':22}{mean(a, 'fit_seconds') / 30:>14.4f} vs {mean(b, 'fit_seconds') / 30:.4f}")
PY
done
