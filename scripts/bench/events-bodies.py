#!/usr/bin/env python3
"""Writes valid event bodies for scripts/bench/events.sh, one JSON body a line, read from a running site's API.

Usage: events-bodies.py URL COUNT OUT

Each body is what a model page's script sends for a page view: the views of "Picked from all of them" (the leading
lists merged by team-draft multileaving) and of each leading carousel, and a click in the mixed carousel, so each
counts 1 + leading carousels + 1 events (printed). Pages are the first COUNT models the search API lists.
"""
import json
import random
import sys
import urllib.request


def api(base, path):
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return json.load(response)


def main():
    base, count, out = sys.argv[1].rstrip("/"), int(sys.argv[2]), sys.argv[3]
    leading = {entry["algorithm"] for entry in api(base, "/api/v1/algorithms")["algorithms"] if entry["displayOrder"] < 40}
    pages = [entry["mid"] for entry in api(base, f"/api/v1/search?q=a&limit=100")["results"]]
    random.seed(1)
    bodies, sizes = [], set()
    for mid in pages[:count]:
        lists = [(entry["algorithm"], [item["model"]["mid"] for item in entry["recommendations"]])
                 for entry in api(base, f"/api/v1/models/{mid}/recommendations?limit=100")["lists"] if entry["algorithm"] in leading]
        lists = [(name, models) for name, models in lists if models]
        if len(lists) < 2:
            continue
        merged, taken, cursor = [], set(), {name: 0 for name, _ in lists}
        while len(merged) < max(len(models) for _, models in lists):
            added = False
            for name, models in random.sample(lists, len(lists)):
                while cursor[name] < len(models) and models[cursor[name]] in taken:
                    cursor[name] += 1
                if cursor[name] < len(models) and len(merged) < max(len(m) for _, m in lists):
                    taken.add(models[cursor[name]])
                    merged.append((models[cursor[name]], name))
                    added = True
            if not added:
                break
        events = [{"type": "impression", "page": mid, "carousel": "picked", "models": [m for m, _ in merged],
                   "placed_by": [n for _, n in merged]}]
        events += [{"type": "impression", "page": mid, "carousel": name, "models": models} for name, models in lists]
        events.append({"type": "click", "page": mid, "carousel": "picked", "model": merged[1][0], "position": 1,
                       "credited": merged[1][1], "rankers": [name for name, _ in lists], "first": True})
        sizes.add(len(events))
        bodies.append(json.dumps({"events": events}, separators=(",", ":")))
    if not bodies or len(sizes) != 1:
        sys.exit(f"no usable pages, or pages with different numbers of leading carousels: {sizes}")
    with open(out, "w") as file:
        file.write("\n".join(bodies) + "\n")
    print(sizes.pop())


if __name__ == "__main__":
    main()
