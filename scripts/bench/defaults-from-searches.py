#!/usr/bin/env python3
"""The fixed defaults (`--tune-budget 0`) from the settings searches of several datasets together: for each
algorithm, the candidate whose validation precision@10, relative to the best candidate of the same search, has the
highest mean over the searches (the geometric mean, so no dataset's scale dominates). Reads the `settings_searches`
that `recasketch evaluate --json FILE` stores (one file per dataset and split seed) and prints, per algorithm, the
five best candidates with their relative figure on each search.

    python3 scripts/bench/defaults-from-searches.py bench-data/quality-*/ours.json

WRMF's successive halving scores every candidate at its first rung only, so its candidates are compared there.
"""
import json
import math
import sys
from collections import defaultdict


def main(paths):
    searches = defaultdict(list)  # algorithm -> [(label, {point: precision})]
    for path in paths:
        for search in json.load(open(path)).get("settings_searches", []):
            first_rung = [t for t in search["trials"] if t.get("rung", 0) == 0]
            points = {json.dumps(t["settings"], sort_keys=True): t["precision@10"] for t in first_rung}
            searches[search["algorithm"]].append((path, points))
    for algorithm, runs in searches.items():
        common = set.intersection(*(set(points) for _, points in runs))
        scored = []
        for point in common:
            relative = [points[point] / max(points.values()) for _, points in runs if max(points.values()) > 0]
            scored.append((math.exp(sum(math.log(max(r, 1e-9)) for r in relative) / len(relative)), point, relative))
        scored.sort(reverse=True)
        print(f"{algorithm}: {len(runs)} searches, {len(common)} candidates in all of them")
        for mean, point, relative in scored[:5]:
            print(f"  {mean:.4f}  {point}  " + " ".join(f"{r:.3f}" for r in relative))


if __name__ == "__main__":
    main(sys.argv[1:])
