#!/usr/bin/env python3
"""Paired ratios of precision@10 and NDCG@10 between our algorithms and the peers, with bootstrap intervals over
the test users (the same resampled users for both sides), from per-user CSV files (algorithm,user,p@10,ndcg@10)
of one or more split seeds. Prints a table per dataset; "ahead" means the interval's lower bound is above 1.

Every model in a peers file is a peer (quality-peers.py's: implicit-als, lightfm-warp[-features], ease, bm25,
cornac-ease, …), and so are Spark's runs in our files (spark-als, spark-als-same-settings); every other model in our
files is ours. A name may be on both sides (ease: ours and the textbook peer): the two are kept apart.
For each seed the table gives every model's mean precision@10 and NDCG@10 over the test users that all models
scored, then the best of ours against the best peer (by that metric's mean, on that seed) with the paired ratio
and its interval, then each of our main algorithms against each peer.

usage: quality-compare.py --name NAME --ours A.csv[,B.csv…] --peers A.csv[,B.csv…] [--resamples 1000 --seed 7]
       (one file of each per split seed, in the same order)
"""
import argparse
import csv
from collections import defaultdict

import numpy as np

OURS = ["wrmf", "ease", "rp3beta", "itemknn", "warp", "warp-tags", "bpr", "wrmf-tuned", "ease-tuned", "rp3beta-tuned"]
SPARK = ["spark-als", "spark-als-same-settings"]  # peers that `evaluate` runs beside ours, so in our files
PEERS = ["implicit-als", "lightfm-warp", "lightfm-warp-features", "ease", "bm25", "cornac-ease", "recpack-rp3beta",
         *SPARK]  # the order peers are listed in; any other peer follows, sorted
METRICS = ["p@10", "ndcg@10"]


def read(path):
    table = defaultdict(dict)
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            table[row["algorithm"]][row["user"]] = (float(row["precision@10"]), float(row["ndcg@10"]))
    return table


def paired(a, b, draws):
    ratio = a.mean() / b.mean() if b.mean() > 0 else float("nan")
    sums_a, sums_b = draws @ a, draws @ b
    valid = sums_b > 0
    ratios = np.sort(sums_a[valid] / sums_b[valid])
    low, high = np.quantile(ratios, [0.025, 0.975]) if len(ratios) else (float("nan"),) * 2
    verdict = "ahead" if low > 1 else "behind" if high < 1 else "not distinguishable"
    return ratio, low, high, verdict


def ordered(names, order):
    return [x for x in order if x in names] + sorted(set(names) - set(order))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--name", required=True)
    ap.add_argument("--ours", required=True)
    ap.add_argument("--peers", required=True)
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    rows = defaultdict(dict)  # (ours, peer, metric) -> {seed index: (ratio, low, high, verdict)}
    means = defaultdict(dict)  # (side, name) -> {seed index: (mean p@10, mean ndcg@10)}
    best = []  # per seed: [(metric, ours name, peer name, (ratio, low, high, verdict))]
    users_per_seed = []
    for s, (ours_path, peers_path) in enumerate(zip(a.ours.split(","), a.peers.split(","))):
        table = {}  # (side, name) -> {user: (p@10, ndcg@10)}
        for name, values in read(ours_path).items():
            table[("peer" if name in SPARK else "ours", name)] = values
        for name, values in read(peers_path).items():
            table[("peer", name)] = values
        users = sorted(set.intersection(*(set(v) for v in table.values())))
        n = len(users)
        users_per_seed.append(n)
        counts = rng.multinomial(n, np.full(n, 1 / n), size=a.resamples).astype(np.float64)

        def column(key, m):
            return np.array([table[key][u][m] for u in users])

        for key in table:
            means[key][s] = tuple(float(column(key, m).mean()) for m in range(len(METRICS)))
        seed_best = []
        for m, metric in enumerate(METRICS):
            top = {side: max((k for k in table if k[0] == side), key=lambda k: means[k][s][m], default=None)
                   for side in ("ours", "peer")}
            if top["ours"] and top["peer"]:
                seed_best.append((metric, top["ours"][1], top["peer"][1],
                                  paired(column(top["ours"], m), column(top["peer"], m), counts)))
        best.append(seed_best)
        peers_here = ordered([k[1] for k in table if k[0] == "peer"], PEERS)
        for ours in [x for x in OURS if ("ours", x) in table]:
            for peer in peers_here:
                for m, metric in enumerate(METRICS):
                    rows[(ours, peer, metric)][s] = paired(column(("ours", ours), m), column(("peer", peer), m), counts)
    seeds = len(a.ours.split(","))
    print(f"\n== {a.name}: {seeds} split seed(s), {a.resamples} paired bootstrap resamples each ==")
    print("mean precision@10 and NDCG@10 over the test users that every model scored "
          f"({', '.join(str(n) for n in users_per_seed)} users)")
    heads = [f"seed {i + 1}" for i in range(seeds)] + (["mean"] if seeds > 1 else [])
    print(f"{'':24} {'':4} " + "  ".join(f"{h:15}" for h in heads))
    print(f"{'model':24} {'side':4} " + "  ".join(f"{'p@10':7} {'ndcg@10':7}" for _ in heads))
    keys = [("ours", x) for x in ordered([k[1] for k in means if k[0] == "ours"], OURS)] \
        + [("peer", x) for x in ordered([k[1] for k in means if k[0] == "peer"], PEERS)]
    for key in keys:
        cells = [means[key].get(s) for s in range(seeds)]
        if seeds > 1:
            present = [c for c in cells if c]
            cells.append(tuple(np.mean([c[m] for c in present]) for m in range(len(METRICS))) if len(present) == seeds
                         else None)
        print(f"{key[1]:24} {key[0]:4} " + "  ".join(f"{c[0]:7.4f} {c[1]:7.4f}" if c else f"{'-':>7} {'-':>7}"
                                                     for c in cells))
    print("best of ours against the best peer, by each metric's mean on each seed (paired ratio [95% interval]):")
    for s, seed_best in enumerate(best):
        for metric, ours, peer, (r, lo, hi, v) in seed_best:
            print(f"seed {s + 1}  {metric:8} {ours + ' / ' + peer + ' (peer)':46} {r:5.3f} [{lo:5.3f}, {hi:5.3f}] {v}")
    print(f"{'ours':13} {'peer':23} {'metric':8} " + "  ".join(f"{'seed ' + str(i + 1):36}" for i in range(seeds)))
    for (ours, peer, metric), results in rows.items():
        cells = "  ".join(f"{results[s][0]:5.3f} [{results[s][1]:5.3f}, {results[s][2]:5.3f}] {results[s][3]:19}"
                          if s in results else f"{'-':36}" for s in range(seeds))
        print(f"{ours:13} {peer:23} {metric:8} {cells}")


if __name__ == "__main__":
    main()
