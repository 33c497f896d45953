#!/usr/bin/env bash
# Recommendation quality against the peers, with paired intervals: on MovieLens 100k (ratings >= 4 as likes, genres
# as features) and the Sketchfab-scale demo catalogue (tags and categories as features), over split seeds 1, 2, 3,
# every algorithm of ours (`evaluate`, which also runs Spark MLlib's ALS in the same run) against implicit's ALS and
# LightFM's WARP (with and without features) fitted on exactly the same split files. Each ratio comes with its 95%
# paired bootstrap interval over the test users; "ahead" means the lower bound is above 1. Fit times are printed by
# each tool as it goes. Then WRMF, EASE and RP3beta again with settings `recasketch tune` found on a validation split
# carved from that seed's training likes (never its test likes), named wrmf-tuned, ease-tuned and rp3beta-tuned in
# the table, with Spark's ALS at the tuned WRMF's factors, iterations and α as spark-als-same-settings (TUNED=0 skips
# this; the other peers keep peers.py's settings). Not a test: run it by hand (about 25 minutes on
# two cores, plus the tuning: TUNE_BUDGET per grid, 15m by default).
#
# Usage: scripts/bench/quality.sh [DIR]        (default bench-data/; kept out of git)
#   SEEDS="1 2 3"  DATASETS="movielens sketchfab"  TUNED=1  TUNE_BUDGET=15m
# Needs the peers in .peers/ (see scripts/bench/wrmf.sh) and Spark's spark-submit (SPARK_SUBMIT, or the pyspark
# that .ci/run installs in .build-ci/spark).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib/common.sh"
cd "$repo_root"
dir=${1:-bench-data}
seeds=${SEEDS:-1 2 3}
datasets=${DATASETS:-movielens sketchfab}
peers=${PEERS:-../shared/tools/peers.py}
movielens=${MOVIELENS:-../shared/data/movielens-100k}
spark_submit=${SPARK_SUBMIT:-.build-ci/spark/bin/spark-submit}
[ -x .peers/bin/python ] || { echo "missing .peers/: see the usage note at the top of scripts/bench/wrmf.sh" >&2; exit 1; }
[ -x "$spark_submit" ] || { echo "missing spark-submit ($spark_submit): set SPARK_SUBMIT" >&2; exit 1; }
bin="$(build_release 2>/dev/null)/recasketch"
mkdir -p "$dir"

sketchfab_catalogue "$bin" "$dir"
awk -F'\t' 'BEGIN { print "user,item,weight" } $3 >= 4 { print $1 "," $2 ",1" }' "$movielens/u.data" > "$dir/movielens-likes.csv"
# Genre flags are columns 6-24 of u.item, named in u.genre ("name|index").
awk -F'|' 'NR == FNR { if ($1 != "") genre[$2 + 6] = $1; next }
           FNR == 1 { print "item,feature,weight" }
           { for (c = 6; c <= 24; c++) if ($c == 1) print $1 ",genre_" genre[c] ",1" }' \
    "$movielens/u.genre" <(iconv -f latin1 -t utf-8 "$movielens/u.item") > "$dir/movielens-genres.csv"

for name in $datasets; do
    case $name in
        movielens) input=(--interactions "$dir/movielens-likes.csv"); features=$dir/movielens-genres.csv ;;
        sketchfab) input=(--likes "$dir/catalog/model_likes_anon.psv"); features=$dir/catalog/model_feats.psv ;;
        *) echo "unknown dataset $name" >&2; exit 64 ;;
    esac
    ours=() theirs=()
    for seed in $seeds; do
        split=$dir/quality-$name-$seed
        mkdir -p "$split"
        echo "### $name, split seed $seed: RecASketch (and Spark's ALS in the same run)"
        /usr/bin/time -f "evaluate: %e s wall, %M KB peak" "$bin" evaluate "${input[@]}" --seed "$seed" \
            --features "$features" --write-split "$split" --write-features "$split/features.csv" \
            --algorithms popularity,itemknn,wrmf,ease,rp3beta,warp,warp-tags,spark-als \
            --spark-submit "$spark_submit" --spark-staging "$split/spark" --similar-items 0 \
            --per-user "$split/ours.csv" --json "$split/ours.json" | grep -v "^spark: "
        echo "### $name, split seed $seed: implicit and LightFM"
        .peers/bin/python scripts/bench/quality-peers.py --peers "$peers" --train "$split/train.csv" \
            --test "$split/test.csv" --features "$split/features.csv" --out "$split/peers.csv" --seed "$seed"
        if [ "${TUNED:-1}" = 1 ]; then
            echo "### $name, split seed $seed: WRMF, EASE and RP3beta tuned on a validation split of the training likes"
            for algorithm in wrmf ease rp3beta; do
                /usr/bin/time -f "tune $algorithm: %e s wall, %M KB peak" "$bin" tune --algorithm "$algorithm" \
                    --train "$split/train.csv" --seed "$seed" --time-budget "${TUNE_BUDGET:-15m}" \
                    --write "$split/tuned-$algorithm.json" | tail -1
            done
            tuned_flags=$(python3 - "$split" <<'PY'
import json, sys
split = sys.argv[1]
flags = {"wrmf": {"factors": "--factors", "regularization": "--regularization", "alpha": "--alpha"},
         "ease": {"regularization": "--ease-lambda"}, "rp3beta": {"alpha": "--rp3-alpha", "beta": "--rp3-beta"}}
out = []
for algorithm, names in flags.items():
    settings = json.load(open(f"{split}/tuned-{algorithm}.json"))["settings"]
    for key, flag in names.items():
        value = settings[key]
        out += [flag, str(int(value)) if key == "factors" else repr(value)]
print(" ".join(out))
PY
)
            echo "tuned: $tuned_flags"
            # shellcheck disable=SC2086  # the flags are words
            # Spark's ALS again at the tuned WRMF's factors, iterations and α (its own λ): the same-settings pair.
            "$bin" evaluate --train "$split/train.csv" --test "$split/test.csv" --seed "$seed" \
                --algorithms wrmf,ease,rp3beta,spark-als $tuned_flags --spark-submit "$spark_submit" \
                --spark-staging "$split/spark" --similar-items 0 --bootstrap 0 --per-user "$split/tuned.csv" \
                | grep -E "^(wrmf|ease|rp3beta|spark-als) "
            sed -E 's/^(wrmf|ease|rp3beta),/\1-tuned,/; s/^spark-als,/spark-als-same-settings,/' "$split/tuned.csv" \
                | tail -n +2 >> "$split/ours.csv"
        fi
        ours+=("$split/ours.csv") theirs+=("$split/peers.csv")
    done
    .peers/bin/python scripts/bench/quality-compare.py --name "$name" \
        --ours "$(IFS=,; echo "${ours[*]}")" --peers "$(IFS=,; echo "${theirs[*]}")"
done
