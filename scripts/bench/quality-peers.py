#!/usr/bin/env python3
"""Fit the peer libraries on one split and write each test user's precision@10 and NDCG@10, as
`recasketch evaluate --per-user` does for our algorithms, so scripts/bench/quality.sh can pair them user by user.

Reads the split (and optional features) with ../shared/tools/peers.py's own readers, so its indexing is the
peers' reference; fits implicit's ALS and LightFM's WARP (with item features when given) at peers.py's defaults.

usage: quality-peers.py --peers PATH/peers.py --train T --test T [--features F] --out FILE [--threads 2 --seed 42]
Prints one line per peer: name and fit seconds.
"""
import argparse
import importlib.util
import math
import sys
import time

import numpy as np


def per_user(scores_for, train, test, user_ids, name, out):
    """The test users' precision@10 and NDCG@10, training items excluded, with RecASketch's definitions."""
    users = np.unique(test.nonzero()[0])
    for u in users:
        s = np.asarray(scores_for(u), dtype=np.float64).copy()
        s[train.indices[train.indptr[u]:train.indptr[u + 1]]] = -np.inf
        relevant = set(test.indices[test.indptr[u]:test.indptr[u + 1]].tolist())
        top = np.argpartition(-s, 10)[:10]
        top = top[np.argsort(-s[top], kind="stable")]
        hits = [1.0 if int(x) in relevant else 0.0 for x in top]
        dcg = sum(h / math.log2(r + 2) for r, h in enumerate(hits))
        idcg = sum(1 / math.log2(r + 2) for r in range(min(len(relevant), 10)))
        out.write(f"{name},{user_ids[u]},{sum(hits) / 10},{dcg / idcg if idcg else 0}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peers", required=True)
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--features")
    ap.add_argument("--out", required=True)
    ap.add_argument("--factors", type=int, default=64)
    ap.add_argument("--iterations", type=int, default=15)
    ap.add_argument("--regularization", type=float, default=0.1)
    ap.add_argument("--alpha", type=float, default=50.0)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    import implicit
    from lightfm import LightFM
    from threadpoolctl import threadpool_limits
    spec = importlib.util.spec_from_file_location("peers", a.peers)
    peers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(peers)
    train, test, uid, iid = peers.load_split(argparse.Namespace(train=a.train, test=a.test))
    user_ids = {n: x for x, n in uid.items()}
    binary = train.copy()
    binary.data = np.ones_like(binary.data)
    all_items = np.arange(train.shape[1], dtype=np.int32)
    with open(a.out + ".tmp", "w") as out, threadpool_limits(limits=1, user_api="blas"):
        out.write("algorithm,user,precision@10,ndcg@10\n")
        confidence = train.copy()
        confidence.data = (a.alpha * confidence.data).astype(np.float32)
        als = implicit.cpu.als.AlternatingLeastSquares(factors=a.factors, regularization=a.regularization, alpha=1.0,
                                                       iterations=a.iterations, num_threads=a.threads, random_state=a.seed)
        start = time.perf_counter()
        als.fit(confidence, show_progress=False)
        print(f"implicit-als fit {time.perf_counter() - start:.2f} s", flush=True)
        U, V = np.asarray(als.user_factors), np.asarray(als.item_factors)
        per_user(lambda u: V @ U[u], train, test, user_ids, "implicit-als", out)
        variants = [("lightfm-warp", None)]
        if a.features:
            variants.append(("lightfm-warp-features", peers.item_features_matrix(a.features, iid, with_identity=True)))
        for name, features in variants:
            model = LightFM(no_components=a.factors, loss="warp", learning_rate=0.05, item_alpha=1e-6, user_alpha=1e-6,
                            random_state=a.seed)
            start = time.perf_counter()
            model.fit(binary.tocoo(), item_features=features, epochs=a.epochs, num_threads=a.threads)
            print(f"{name} fit {time.perf_counter() - start:.2f} s", flush=True)
            per_user(lambda u: model.predict(int(u), all_items, item_features=features, num_threads=a.threads),
                     train, test, user_ids, name, out)
    import os
    os.replace(a.out + ".tmp", a.out)


if __name__ == "__main__":
    sys.exit(main())
