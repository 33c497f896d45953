#!/usr/bin/env python3
"""Fit the peer libraries on one split and write each test user's precision@10 and NDCG@10, as
`recasketch evaluate --per-user` does for our algorithms, so scripts/bench/quality.sh can pair them user by user.

Reads the split (and optional features) with ../shared/tools/peers.py's own readers, so its indexing is the
peers' reference; fits implicit's ALS and LightFM's WARP (with item features when given) at peers.py's defaults.
Then the strong peers of ../shared/tools/strong_peers.py (imported, not copied), each with its setting chosen by
precision@10 on strong_peers' validation split (carve_validation: 5 likes of 20% of the training users with 10+,
carved from the training likes only, the same split for every model), then refitted on all the training likes:
  ease          the textbook closed form (strong_peers.ease_weights: float64, negative weights kept), λ from --lambdas
  bm25          implicit's BM25 item-item (K1, B defaults), K from --ks
  cornac-ease   cornac's EASE (cornac.models.EASE at its defaults but lamb), lamb from --lambdas; only when cornac
                imports
EASE needs about four dense items×items float64 matrices at once: both are skipped, and say so, when that is more
than the memory available.

usage: quality-peers.py --peers PATH/peers.py --train T --test T [--features F] --out FILE [--threads 2 --seed 42]
       [--strong-peers PATH/strong_peers.py] [--models implicit-als,…] [--lambdas 10,…] [--ks 20,…]
Prints one line per peer: name and fit seconds (the strong peers also their chosen setting and its validation
precision@10, and the seconds the choice took).
"""
import argparse
import importlib.util
import math
import os
import sys
import time
import warnings

import numpy as np

MODELS = "implicit-als,lightfm-warp,lightfm-warp-features,ease,bm25,cornac-ease"


def per_user(scores_for, train, test, user_ids, name, out):
    """The test users' precision@10 and NDCG@10, training items excluded, with RecASketch's definitions."""
    users = np.unique(test.nonzero()[0])
    for u in users:
        s = np.asarray(scores_for(u), dtype=np.float64).ravel().copy()
        s[train.indices[train.indptr[u]:train.indptr[u + 1]]] = -np.inf
        relevant = set(test.indices[test.indptr[u]:test.indptr[u + 1]].tolist())
        top = np.argpartition(-s, 10)[:10]
        top = top[np.argsort(-s[top], kind="stable")]
        hits = [1.0 if int(x) in relevant else 0.0 for x in top]
        dcg = sum(h / math.log2(r + 2) for r, h in enumerate(hits))
        idcg = sum(1 / math.log2(r + 2) for r in range(min(len(relevant), 10)))
        out.write(f"{name},{user_ids[u]},{sum(hits) / 10},{dcg / idcg if idcg else 0}\n")


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # strong_peers' own `import peers` then finds this one
    spec.loader.exec_module(module)
    return module


def choose(peers, grid, scorer, fit, val):
    """(setting, validation precision@10, seconds): the first setting of `grid` whose model, fitted on `fit`, has
    the best precision@10 on `val` by peers.metrics (strong_peers.py's rule). scorer(setting, x) fits on x and
    returns the per-user scores function."""
    start = time.perf_counter()
    best = None
    for setting in grid:
        p = peers.metrics(scorer(setting, fit), fit, val)["precision@10"]
        if best is None or p > best[1]:
            best = (setting, p)
    return best[0], best[1], time.perf_counter() - start


def ease_fits(n_items):
    """Whether four dense n_items² float64 matrices fit in the memory available now (None: cannot tell)."""
    need = 4 * 8 * n_items ** 2
    try:
        with open("/proc/meminfo") as f:
            available = next(int(line.split()[1]) * 1024 for line in f if line.startswith("MemAvailable:"))
    except (OSError, StopIteration):
        return True, need, None
    return need < 0.9 * available, need, available


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peers", required=True)
    ap.add_argument("--strong-peers", help="strong_peers.py (default: beside --peers)")
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--features")
    ap.add_argument("--out", required=True)
    ap.add_argument("--models", default=MODELS, help=f"a subset of {MODELS}")
    ap.add_argument("--factors", type=int, default=64)
    ap.add_argument("--iterations", type=int, default=15)
    ap.add_argument("--regularization", type=float, default=0.1)
    ap.add_argument("--alpha", type=float, default=50.0)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--lambdas", default="10,30,100,300,1000,3000", help="EASE's λ grid (textbook and cornac)")
    ap.add_argument("--ks", default="20,50,100,200", help="BM25's K grid (strong_peers.py's default)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    models = a.models.split(",")
    unknown = set(models) - set(MODELS.split(","))
    if unknown:
        sys.exit(f"unknown models: {', '.join(sorted(unknown))}")
    # Import the libraries first: importing them loads OpenBLAS, and a thread limit set before that is lost.
    import implicit
    import implicit.nearest_neighbours
    from lightfm import LightFM
    from threadpoolctl import threadpool_limits
    try:
        import cornac
        from cornac.models import EASE as CornacEASE
    except ImportError:
        cornac = None
    peers = load_module("peers", a.peers)
    strong = load_module("strong_peers", a.strong_peers or os.path.join(os.path.dirname(a.peers), "strong_peers.py"))
    train, test, uid, iid = peers.load_split(argparse.Namespace(train=a.train, test=a.test))
    user_ids = {n: x for x, n in uid.items()}
    binary = train.copy()
    binary.data = np.ones_like(binary.data)
    all_items = np.arange(train.shape[1], dtype=np.int32)
    with open(a.out + ".tmp", "w") as out, threadpool_limits(limits=1, user_api="blas"):
        out.write("algorithm,user,precision@10,ndcg@10\n")
        if "implicit-als" in models:
            confidence = train.copy()
            confidence.data = (a.alpha * confidence.data).astype(np.float32)
            als = implicit.cpu.als.AlternatingLeastSquares(factors=a.factors, regularization=a.regularization,
                                                           alpha=1.0, iterations=a.iterations, num_threads=a.threads,
                                                           random_state=a.seed)
            start = time.perf_counter()
            als.fit(confidence, show_progress=False)
            print(f"implicit-als fit {time.perf_counter() - start:.2f} s", flush=True)
            U, V = np.asarray(als.user_factors), np.asarray(als.item_factors)
            per_user(lambda u: V @ U[u], train, test, user_ids, "implicit-als", out)
        variants = [("lightfm-warp", None)] if "lightfm-warp" in models else []
        if a.features and "lightfm-warp-features" in models:
            variants.append(("lightfm-warp-features", peers.item_features_matrix(a.features, iid, with_identity=True)))
        for name, features in variants:
            model = LightFM(no_components=a.factors, loss="warp", learning_rate=0.05, item_alpha=1e-6, user_alpha=1e-6,
                            random_state=a.seed)
            start = time.perf_counter()
            model.fit(binary.tocoo(), item_features=features, epochs=a.epochs, num_threads=a.threads)
            print(f"{name} fit {time.perf_counter() - start:.2f} s", flush=True)
            per_user(lambda u: model.predict(int(u), all_items, item_features=features, num_threads=a.threads),
                     train, test, user_ids, name, out)

        # The strong peers, on strong_peers.py's validation split of the binary training likes.
        x = binary.astype(np.float64).tocsr()
        fit, val = strong.carve_validation(x)
        lambdas = [float(v) for v in a.lambdas.split(",")]
        fits, need, available = ease_fits(x.shape[1])
        # A float64 inverse takes about n³/6e10 s on two cores (8 minutes at 24,000 items) and each peer needs one
        # per λ tried plus the final fit: past EASE_PEER_MAX_ITEMS the two are left out rather than run for hours.
        max_items = int(os.environ.get("EASE_PEER_MAX_ITEMS", "10000"))
        for name in [m for m in ("ease", "cornac-ease") if m in models]:
            if x.shape[1] > max_items:
                print(f"{name} skipped: {x.shape[1]} items, over EASE_PEER_MAX_ITEMS={max_items} "
                      f"({len(lambdas) + 1} float64 inverses of about {x.shape[1] ** 3 / 6e10 / 60:.0f} min each)", flush=True)
                continue
            if not fits:
                print(f"{name} skipped: {x.shape[1]} items need about {need / 2**30:.1f} GB, "
                      f"{available / 2**30:.1f} GB available", flush=True)
                continue
            if name == "ease":
                def scorer(lam, xx):
                    return strong.score_with(strong.ease_weights(xx, lam), xx)
                setting = "lambda"
            else:
                if cornac is None:
                    print("cornac-ease skipped: cornac does not import (.peers/bin/pip install cornac)", flush=True)
                    continue

                def scorer(lam, xx):
                    # Ids are our own indices, so cornac's matrix is xx and its scores line up with our items.
                    rows, cols = xx.nonzero()
                    data = cornac.data.Dataset.build(list(zip(rows.tolist(), cols.tolist(), [1.0] * len(rows))),
                                                     global_uid_map={k: k for k in range(xx.shape[0])},
                                                     global_iid_map={k: k for k in range(xx.shape[1])})
                    model = CornacEASE(lamb=lam, verbose=False).fit(data)
                    return lambda u: np.asarray(model.score(int(u))).ravel()
                setting = "lamb"
            with threadpool_limits(limits=a.threads, user_api="blas"):
                best, validation, choosing = choose(peers, lambdas, scorer, fit, val)
                start = time.perf_counter()
                scores = scorer(best, x)
                seconds = time.perf_counter() - start
                per_user(scores, train, test, user_ids, name, out)
            print(f"{name} fit {seconds:.2f} s ({setting} {best:g}, validation p@10 {validation:.4f}; "
                  f"choosing took {choosing:.1f} s)", flush=True)
            del scores
        if "bm25" in models:
            def scorer(k, xx):
                model = implicit.nearest_neighbours.BM25Recommender(K=k)
                with warnings.catch_warnings():  # implicit's own BM25 weighting hands its fit a COO matrix
                    warnings.filterwarnings("ignore", message="Method expects CSR input")
                    model.fit(xx.astype(np.float32), show_progress=False)
                similarity = model.similarity.tocsr()
                return lambda u: np.asarray((xx[u] @ similarity).todense()).ravel()
            best, validation, choosing = choose(peers, [int(v) for v in a.ks.split(",")], scorer, fit, val)
            start = time.perf_counter()
            scores = scorer(best, x)
            print(f"bm25 fit {time.perf_counter() - start:.2f} s (K {best}, validation p@10 {validation:.4f}; "
                  f"choosing took {choosing:.1f} s)", flush=True)
            per_user(scores, train, test, user_ids, "bm25", out)
    os.replace(a.out + ".tmp", a.out)


if __name__ == "__main__":
    sys.exit(main())
