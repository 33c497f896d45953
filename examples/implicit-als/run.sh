#!/usr/bin/env bash
# The README's "Compare your own model", in four commands: export the split `evaluate --db` scores, fit implicit's
# ALS on it outside RecASketch, import its similar_items lists as the carousel `implicit-als`, and evaluate every
# carousel, the imported one and implicit's own top N per user included, on that split with paired intervals.
#   examples/implicit-als/run.sh DB [WORK_DIR]
# Needs `recasketch` on the PATH (or RECASKETCH=path) and python3 with requirements.txt installed (PYTHON=path).
set -euo pipefail
db=${1:?usage: examples/implicit-als/run.sh DB [WORK_DIR]}
work=${2:-$(mktemp -d)}
recasketch=${RECASKETCH:-recasketch}
python=${PYTHON:-python3}
here=$(dirname "$0")

"$recasketch" export-split --db "$db" --out "$work/split"
"$python" "$here/als_lists.py" "$work/split" --lists "$work/lists.psv" --user-lists "$work/top.psv"
"$recasketch" import-lists --db "$db" --name implicit-als --title "implicit's ALS, trained outside" \
    --description "implicit's AlternatingLeastSquares fitted on the exported split; its similar_items lists." "$work/lists.psv"
"$recasketch" evaluate --db "$db" --algorithms all --user-lists "implicit-als-top=$work/top.psv" --json "$work/evaluation.json"
