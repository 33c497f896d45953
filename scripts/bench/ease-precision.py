#!/usr/bin/env python3
"""EASE in float64 (numpy) on a split, scored by the item-kNN rule RecASketch's evaluate uses for its item-to-item
algorithms (each item's top-N row of B; a user's score for an item is the sum over their training likes), to check
that the Float32 block-sweep inverse in Sources/Recommenders/Linear loses nothing that shows in the metrics.
Prints precision@10 and NDCG@10 of float64 and float32 numpy EASE; compare with `evaluate --algorithms ease` on the
same split and the same --ease-lambda and --neighbours.

usage: ease-precision.py --train T --test T [--lambda 100] [--neighbours 100]
"""
import argparse
import csv
import math

import numpy as np


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))[1:]
    return [(r[0], r[1]) for r in rows if r]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--lambda", dest="lam", type=float, default=100)
    ap.add_argument("--neighbours", type=int, default=100)
    a = ap.parse_args()
    train, test = read(a.train), read(a.test)
    users = sorted({u for u, _ in train} | {u for u, _ in test})
    items = sorted({i for _, i in train} | {i for _, i in test})
    uid = {u: n for n, u in enumerate(users)}
    iid = {i: n for n, i in enumerate(items)}
    x = np.zeros((len(users), len(items)), dtype=np.float64)
    for u, i in train:
        x[uid[u], iid[i]] = 1
    held = {}
    for u, i in test:
        held.setdefault(uid[u], set()).add(iid[i])
    for dtype in (np.float64, np.float32):
        gram = (x.T @ x).astype(dtype)
        gram[np.diag_indices_from(gram)] += a.lam
        p = np.linalg.inv(gram)
        b = -p / np.diag(p)
        np.fill_diagonal(b, 0)
        b[b <= 0] = 0
        # Keep each row's top N, as the lists do.
        keep = np.argpartition(-b, a.neighbours, axis=1)[:, : a.neighbours]
        lists = np.zeros_like(b)
        rows = np.arange(b.shape[0])[:, None]
        lists[rows, keep] = b[rows, keep]
        precision = ndcg = 0.0
        for u, relevant in held.items():
            scores = x[u] @ lists
            scores[x[u] > 0] = -np.inf
            top = np.argsort(-scores, kind="stable")[:10]
            hits = [1.0 if t in relevant else 0.0 for t in top]
            precision += sum(hits) / 10
            idcg = sum(1 / math.log2(r + 2) for r in range(min(len(relevant), 10)))
            ndcg += sum(h / math.log2(r + 2) for r, h in enumerate(hits)) / idcg
        print(f"numpy EASE {np.dtype(dtype).name}: precision@10 {precision / len(held):.4f}  NDCG@10 {ndcg / len(held):.4f}"
              f"  ({len(items)} items, {len(held)} test users)")


if __name__ == "__main__":
    main()
