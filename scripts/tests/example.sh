#!/usr/bin/env bash
# The README's "Compare your own model" end to end: examples/implicit-als/run.sh on a copy of a demo catalogue
# (implicit, numpy and scipy from PyPI in .build-ci/implicit; tests only), then that copy served, and checks that the
# imported carousel is on a model page, in the JSON API, and in the offline table with its interval.
#   scripts/tests/example.sh [BIN DB]
# Without arguments it builds the debug binary and the CI's small demo (.build-ci/demo), as .ci/run does.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib/common.sh"
cd "$repo_root"
require_tool curl
if [ $# -ge 2 ]; then bin=$1; source_db=$2; else ci_demo; source_db=.build-ci/demo/recasketch.sqlite; fi
venv=.build-ci/implicit
[ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import implicit" 2>/dev/null \
    || { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet -r examples/implicit-als/requirements.txt; }

work=.build-ci/example
rm -rf "$work" && mkdir -p "$work"
db="$work/recasketch.sqlite"
cp "$source_db" "$db"
echo "== examples/implicit-als/run.sh $db"
RECASKETCH="$bin" PYTHON="$venv/bin/python" examples/implicit-als/run.sh "$db" "$work" | tee "$work/run.log" | grep -v "iteration"

failures=0
check() {  # WHAT COMMAND…
    local what=$1; shift
    if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; failures=$((failures + 1)); fi
}
json=$work/evaluation.json
check "the offline table has implicit-als and implicit-als-top, each with a 95% interval and paired verdicts" python3 - "$json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
rows = {row["name"]: row for row in report["algorithms"]}
for name in ("implicit-als", "implicit-als-top"):
    low, high = rows[name]["precision@10_interval"]
    assert low <= rows[name]["precision@10"] <= high, name
    assert any(name in (pair["a"], pair["b"]) and pair["verdict"] for pair in report["comparisons"]), name
row = rows["implicit-als"]
print("   implicit-als precision@10 %.4f [%.4f, %.4f]" % (row["precision@10"], *row["precision@10_interval"]))
PY

port=18097
"$bin" serve --db "$db" --port $port > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
mid=$(head -2 "$work/lists.psv" | tail -1 | cut -d'|' -f1)
page=$(curl -sf "http://127.0.0.1:$port/models/$mid")
check "the model page of $mid shows the implicit-als carousel, marked as brought in" \
    grep -q 'data-algorithm="implicit-als".*brought in' <<< "$(tr -d '\n' <<< "$page")"
api=$(curl -sf "http://127.0.0.1:$port/api/v1/models/$mid/recommendations?algorithm=implicit-als")
check "/api/v1/models/$mid/recommendations?algorithm=implicit-als lists its suggestions" \
    python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["lists"][0]["algorithm"]=="implicit-als" and d["lists"][0]["recommendations"]' "$api"
check "/evaluation shows implicit-als" grep -q "implicit-als" <<< "$(curl -sf "http://127.0.0.1:$port/evaluation")"
[ "$failures" -eq 0 ] || { echo "$failures checks failed"; exit 1; }
