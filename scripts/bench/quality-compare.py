#!/usr/bin/env python3
"""Paired ratios of precision@10 and NDCG@10 between our algorithms and the peers, with bootstrap intervals over
the test users (the same resampled users for both sides), from per-user CSV files (algorithm,user,p@10,ndcg@10)
of one or more split seeds. Prints a table per dataset; "ahead" means the interval's lower bound is above 1.

usage: quality-compare.py --name NAME --ours A.csv[,B.csv…] --peers A.csv[,B.csv…] [--resamples 1000 --seed 7]
       (one file of each per split seed, in the same order)
"""
import argparse
import csv
from collections import defaultdict

import numpy as np

OURS = ["wrmf", "ease", "rp3beta", "itemknn", "warp", "warp-tags", "bpr", "wrmf-tuned", "ease-tuned", "rp3beta-tuned"]
PEERS = ["implicit-als", "lightfm-warp", "lightfm-warp-features", "spark-als", "spark-als-same-settings"]


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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--name", required=True)
    ap.add_argument("--ours", required=True)
    ap.add_argument("--peers", required=True)
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    rows = defaultdict(list)  # (ours, peer, metric) -> [(ratio, low, high, verdict)] per seed
    means = defaultdict(list)
    for ours_path, peers_path in zip(a.ours.split(","), a.peers.split(",")):
        table = read(ours_path)
        for name, values in read(peers_path).items():
            table[name] = values
        users = sorted(set.intersection(*(set(v) for v in table.values())))
        n = len(users)
        counts = rng.multinomial(n, np.full(n, 1 / n), size=a.resamples).astype(np.float64)
        for name, values in table.items():
            for m, metric in enumerate(["p@10", "ndcg@10"]):
                means[(name, metric)].append(np.mean([values[u][m] for u in users]))
        for ours in [x for x in OURS if x in table]:
            for peer in [x for x in PEERS if x in table]:
                for m, metric in enumerate(["p@10", "ndcg@10"]):
                    x = np.array([table[ours][u][m] for u in users])
                    y = np.array([table[peer][u][m] for u in users])
                    rows[(ours, peer, metric)].append(paired(x, y, counts))
    seeds = len(a.ours.split(","))
    print(f"\n== {a.name}: {seeds} split seed(s), {a.resamples} paired bootstrap resamples each ==")
    print("mean over the seeds: " + ", ".join(f"{k[0]} {k[1]} {np.mean(v):.4f}" for k, v in sorted(means.items()) if k[1] == "p@10"))
    print(f"{'ours':10} {'peer':22} {'metric':8} " + "  ".join(f"{'seed ' + str(i + 1):36}" for i in range(seeds)))
    for (ours, peer, metric), results in rows.items():
        cells = "  ".join(f"{r:5.3f} [{lo:5.3f}, {hi:5.3f}] {v:19}" for r, lo, hi, v in results)
        print(f"{ours:10} {peer:22} {metric:8} {cells}")


if __name__ == "__main__":
    main()
