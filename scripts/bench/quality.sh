#!/usr/bin/env bash
# Recommendation quality against the peers, with paired intervals: on MovieLens 100k (ratings >= 4 as likes, genres
# as features), HetRec's Last.fm-2k (every artist a user listened to as a like, the tags users gave artists as
# features, each tag used on 2+ artists) and the Sketchfab-scale demo catalogue (tags and categories as features),
# over split seeds 1, 2, 3. Ours: every algorithm `evaluate` fits, each with its settings chosen on a validation
# split carved from that seed's training likes (never its test likes; --tune-budget auto, the default), scored as a
# model (EASE with its whole weight matrix, the walks with their whole rows), with Spark MLlib's ALS in the same run
# when spark-submit is there; then WRMF at implicit's settings word for word (wrmf-at-implicit-settings) and the fixed
# defaults of --tune-budget 0 (named -fixed; FIXED=0 skips them). Peers, fitted on exactly the same split files
# (scripts/bench/quality-peers.py): implicit's ALS and LightFM's WARP with and without features at peers.py's
# settings, and the strong peers of ../shared/tools/strong_peers.py (textbook EASE, implicit's BM25 item-item) and
# cornac's EASE (when cornac is in .peers/), each of these with its setting chosen on strong_peers' validation split.
# Per dataset and seed the table gives every model's mean precision@10 and NDCG@10 and the best of ours against the
# best peer; each ratio comes with its 95% paired bootstrap interval over the test users; "ahead" means the lower
# bound is above 1. Fit and tuning times are printed by each tool as it goes (and stored in ours.json's
# settings_searches). Not a test: run it by hand (MovieLens and Last.fm take a few minutes a seed; the Sketchfab-scale
# demo about 15 minutes a seed, most of it EASE's two inverses and the EASE peers').
#
# Usage: scripts/bench/quality.sh [DIR]        (default bench-data/; kept out of git)
#   SEEDS="1 2 3"  DATASETS="movielens lastfm sketchfab"  TUNE_BUDGET=auto  FIXED=1
#   MOVIELENS=../shared/data/movielens-100k  LASTFM=../shared/data/lastfm-2k
#   PEERS=../shared/tools/peers.py  STRONG_PEERS=(strong_peers.py beside PEERS)
# Needs the peers in .peers/ (see scripts/bench/wrmf.sh; cornac's EASE also needs `.peers/bin/pip install cornac`);
# Spark's ALS needs spark-submit (SPARK_SUBMIT, or the pyspark that .ci/run installs in .build-ci/spark).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib/common.sh"
cd "$repo_root"
dir=${1:-bench-data}
seeds=${SEEDS:-1 2 3}
datasets=${DATASETS:-movielens lastfm sketchfab}
peers=${PEERS:-../shared/tools/peers.py}
strong_peers=${STRONG_PEERS:-$(dirname "$peers")/strong_peers.py}
movielens=${MOVIELENS:-../shared/data/movielens-100k}
lastfm=${LASTFM:-../shared/data/lastfm-2k}
spark_submit=${SPARK_SUBMIT:-.build-ci/spark/bin/spark-submit}
[ -x .peers/bin/python ] || { echo "missing .peers/: see the usage note at the top of scripts/bench/wrmf.sh" >&2; exit 1; }
spark="" spark_flags=()
if [ -x "$spark_submit" ]; then
    spark=",spark-als" spark_flags=(--spark-submit "$spark_submit")
else
    echo "no spark-submit at $spark_submit (set SPARK_SUBMIT): Spark's ALS is left out of this run" >&2
fi
bin="$(build_release 2>/dev/null)/recasketch"
mkdir -p "$dir"

sketchfab_catalogue "$bin" "$dir"
awk -F'\t' 'BEGIN { print "user,item,weight" } $3 >= 4 { print $1 "," $2 ",1" }' "$movielens/u.data" > "$dir/movielens-likes.csv"
# Genre flags are columns 6-24 of u.item, named in u.genre ("name|index").
awk -F'|' 'NR == FNR { if ($1 != "") genre[$2 + 6] = $1; next }
           FNR == 1 { print "item,feature,weight" }
           { for (c = 6; c <= 24; c++) if ($c == 1) print $1 ",genre_" genre[c] ",1" }' \
    "$movielens/u.genre" <(iconv -f latin1 -t utf-8 "$movielens/u.item") > "$dir/movielens-genres.csv"
if [[ " $datasets " == *" lastfm "* ]]; then
    # Every (user, artist) pair listened to is a like (tab-separated with a header, CRLF line ends).
    tr -d '\r' < "$lastfm/user_artists.dat" |
        awk -F'\t' 'BEGIN { print "user,item,weight" }
                    NR > 1 && NF >= 2 && !seen[$1 FS $2]++ { print $1 "," $2 ",1" }' \
        > "$dir/lastfm-likes.csv"
    # Each distinct (artist, tag) that any user assigned, as tag_<text> (Latin-1 in tags.dat; spaces become _, commas
    # go), kept when the tag is on at least 2 artists.
    awk -F'\t' 'NR == FNR { sub(/\r$/, ""); t = $2; gsub(/,/, "", t); gsub(/ /, "_", t)
                            if (FNR > 1 && t != "") tag[$1] = t; next }
                FNR > 1 && ($3 in tag) && !seen[$2 SUBSEP tag[$3]]++ { n++; item[n] = $2; name[n] = tag[$3]
                                                                       artists[tag[$3]]++ }
                END { print "item,feature,weight"
                      for (k = 1; k <= n; k++) if (artists[name[k]] >= 2) print item[k] ",tag_" name[k] ",1" }' \
        <(iconv -f latin1 -t utf-8 "$lastfm/tags.dat") <(tr -d '\r' < "$lastfm/user_taggedartists.dat") \
        > "$dir/lastfm-tags.csv"
fi

for name in $datasets; do
    case $name in
        movielens) input=(--interactions "$dir/movielens-likes.csv"); features=$dir/movielens-genres.csv ;;
        lastfm) input=(--interactions "$dir/lastfm-likes.csv"); features=$dir/lastfm-tags.csv ;;
        sketchfab) input=(--likes "$dir/catalog/model_likes_anon.psv"); features=$dir/catalog/model_feats.psv ;;
        *) echo "unknown dataset $name" >&2; exit 64 ;;
    esac
    ours=() theirs=()
    for seed in $seeds; do
        split=$dir/quality-$name-$seed
        mkdir -p "$split"
        echo "### $name, split seed $seed: RecASketch, settings chosen on a validation split (and Spark's ALS in the same run)"
        /usr/bin/time -f "evaluate: %e s wall, %M KB peak" "$bin" evaluate "${input[@]}" --seed "$seed" \
            --features "$features" --write-split "$split" --write-features "$split/features.csv" \
            --algorithms "popularity,itemknn,wrmf,ease,rp3beta,ease-tags,rp3beta-tags,blend,warp,warp-tags$spark" \
            --tune-budget "${TUNE_BUDGET:-auto}" "${spark_flags[@]}" --spark-staging "$split/spark" --similar-items 0 \
            --per-user "$split/ours.csv" --json "$split/ours.json" | grep -v "^spark: "
        echo "### $name, split seed $seed: implicit, LightFM, the strong peers (EASE, BM25) and cornac's EASE"
        .peers/bin/python scripts/bench/quality-peers.py --peers "$peers" --strong-peers "$strong_peers" \
            --train "$split/train.csv" --test "$split/test.csv" --features "$split/features.csv" \
            --out "$split/peers.csv" --seed "$seed"
        echo "### $name, split seed $seed: WRMF at implicit's settings word for word (peers.py's: 64 factors, 15 iterations, λ 0.1, α 50)"
        "$bin" evaluate --train "$split/train.csv" --test "$split/test.csv" --seed "$seed" --algorithms wrmf \
            --factors 64 --iterations 15 --regularization 0.1 --alpha 50 --initialisation uniform --tune-budget 0 \
            --similar-items 0 --bootstrap 0 --per-user "$split/implicit-settings.csv" | grep -E "^wrmf:"
        sed -E 's/^wrmf,/wrmf-at-implicit-settings,/' "$split/implicit-settings.csv" | tail -n +2 >> "$split/ours.csv"
        if [ "${FIXED:-1}" = 1 ]; then
            echo "### $name, split seed $seed: the fixed defaults (--tune-budget 0), named -fixed"
            "$bin" evaluate --train "$split/train.csv" --test "$split/test.csv" --seed "$seed" \
                --features "$split/features.csv" --algorithms wrmf,ease,rp3beta,ease-tags,rp3beta-tags --tune-budget 0 \
                --similar-items 0 --bootstrap 0 --per-user "$split/fixed.csv" | grep -E "^[a-z0-9-]+: fit"
            grep -v -- "-lists," "$split/fixed.csv" | sed -E 's/^([a-z0-9-]+),/\1-fixed,/' | tail -n +2 >> "$split/ours.csv"
        fi
        ours+=("$split/ours.csv") theirs+=("$split/peers.csv")
    done
    .peers/bin/python scripts/bench/quality-compare.py --name "$name" \
        --ours "$(IFS=,; echo "${ours[*]}")" --peers "$(IFS=,; echo "${theirs[*]}")"
done
