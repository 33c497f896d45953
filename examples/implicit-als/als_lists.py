#!/usr/bin/env python3
"""Fit implicit's ALS on a split written by `recasketch export-split` and write what RecASketch compares:

  --lists FILE       each model's similar_items, model_uid|neighbour_uid|score a line, for `recasketch import-lists`
  --user-lists FILE  each test user's top N, user|model|rank a line, for `recasketch evaluate --user-lists NAME=FILE`

Only train.csv is read for fitting; test.csv gives the users whose top N is written, never their held-out likes.
"""
import argparse
import csv
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # implicit's advice: its own threads, not BLAS's (set before numpy loads)

import numpy as np  # noqa: E402
import scipy.sparse as sparse  # noqa: E402


def read_pairs(path):
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != ["user", "item"]:
            sys.exit(f"{path}:1: expected the header user,item (a split from `recasketch export-split`), found {header}")
        return [(row[0], row[1]) for row in reader if row]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("split", help="the folder export-split wrote (train.csv, test.csv, split.json)")
    parser.add_argument("--lists", required=True, help="where to write the item-to-item lists")
    parser.add_argument("--user-lists", help="where to write the test users' top N (optional)")
    parser.add_argument("--factors", type=int, default=64, help="implicit's factors (default 64)")
    parser.add_argument("--regularization", type=float, default=0.05, help="implicit's regularization (default 0.05)")
    parser.add_argument("--alpha", type=float, default=1.0, help="implicit's alpha (default 1.0)")
    parser.add_argument("--iterations", type=int, default=15, help="implicit's iterations (default 15)")
    parser.add_argument("--neighbours", type=int, default=20, help="similar models kept per model (default 20)")
    parser.add_argument("--top", type=int, default=20, help="models per test user in --user-lists (default 20)")
    parser.add_argument("--seed", type=int, default=42, help="implicit's random_state (default 42)")
    args = parser.parse_args()

    from implicit.als import AlternatingLeastSquares

    train = read_pairs(os.path.join(args.split, "train.csv"))
    users = sorted({user for user, _ in train})
    items = sorted({item for _, item in train})
    user_index = {user: index for index, user in enumerate(users)}
    item_index = {item: index for index, item in enumerate(items)}
    rows = np.array([user_index[user] for user, _ in train])
    columns = np.array([item_index[item] for _, item in train])
    likes = sparse.csr_matrix((np.ones(len(train), dtype=np.float32), (rows, columns)), shape=(len(users), len(items)))

    model = AlternatingLeastSquares(factors=args.factors, regularization=args.regularization, alpha=args.alpha,
                                    iterations=args.iterations, random_state=args.seed)
    model.fit(likes, show_progress=False)

    count = min(args.neighbours + 1, len(items))
    neighbours, scores = model.similar_items(np.arange(len(items)), N=count)
    written = 0
    with open(args.lists, "w", encoding="utf-8") as out:
        out.write("model_uid|neighbour_uid|score\n")
        for item, (row, row_scores) in enumerate(zip(neighbours, scores)):
            kept = [(other, score) for other, score in zip(row, row_scores) if other != item][: args.neighbours]
            for other, score in kept:
                out.write(f"{items[item]}|{items[other]}|{score:.6f}\n")
                written += 1
    print(f"{args.lists}: {written} pairs for {len(items)} models "
          f"(implicit {model.__class__.__module__.split('.')[0]} ALS, {args.factors} factors, {args.iterations} iterations)")

    if args.user_lists:
        test_users = sorted({user for user, _ in read_pairs(os.path.join(args.split, "test.csv")) if user in user_index})
        ids = np.array([user_index[user] for user in test_users])
        recommended, _ = model.recommend(ids, likes[ids], N=min(args.top, len(items)), filter_already_liked_items=True)
        with open(args.user_lists, "w", encoding="utf-8") as out:
            out.write("user|model|rank\n")
            for user, row in zip(test_users, recommended):
                for rank, item in enumerate(row, start=1):
                    out.write(f"{user}|{items[item]}|{rank}\n")
        print(f"{args.user_lists}: the top {args.top} of {len(test_users)} test users")


if __name__ == "__main__":
    main()
