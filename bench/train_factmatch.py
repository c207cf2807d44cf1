"""Fit the fact-check re-ranker (claims/models/factmatch.npz) on CLEF CheckThat! claim matching.

    .venv/bin/python -m bench.train_factmatch \
        [--train 2020:train,2021:train] [--dev 2020:dev,2021:dev,2022:dev] [--C 1.0] [--gbm 6 3] \
        [--ship gbm|lr] [--out claims/models/factmatch.npz]

Training rows: for every training query, each first-stage candidate (claims/factchecks/ranker.py)
labelled 1 if the qrels pair it with the query. Only train splits are fitted; dev splits
are scored for choosing C and the features. No test split is read.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from claims.factchecks.ranker import (
    FEATURES,
    MODEL_FILE,
    TreeRanker,
)
from claims.train.factmatch import (
    GBM_ITERATIONS,
    ROOT,
    evaluate,
    fit,
    fit_gbm,
    fit_pairwise,
    labelled,
    parse,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", default="2020:train,2021:train")
    parser.add_argument("--dev", default="2020:dev,2021:dev")
    parser.add_argument("--C", type=float, nargs="+", default=[1.0])
    parser.add_argument(
        "--gbm",
        type=int,
        nargs="*",
        default=[],
        metavar="DEPTH",
        help="also score HistGradientBoosting trees of these max depths on dev",
    )
    parser.add_argument(
        "--ship",
        choices=["gbm", "lr"],
        default="gbm",
        help="what --out writes: trees of the first --gbm depth (.npz) or the LR of the first C (.json)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"write the ranker fitted with the first C (e.g. {MODEL_FILE.relative_to(ROOT)})",
    )
    args = parser.parse_args()
    start = time.time()
    train = [labelled(y, s) for y, s in parse(args.train)]
    dev = {f"{y}:{s}": labelled(y, s) for y, s in parse(args.dev)}
    x = np.vstack([t[3] for t in train])
    y = np.concatenate([t[4] for t in train])
    print(
        f"training rows {len(y)} ({int(y.sum())} relevant); features ready in {time.time() - start:.0f}s",
        file=sys.stderr,
    )
    report = {}
    for name, (blocks, split, found, _, _labels) in dev.items():
        recall = float(
            np.mean(
                [
                    bool(found.ids and any(found.ids[r] in split.qrels.get(q, ()) for r in rows))
                    for (q, _), (rows, _) in zip(split.queries, blocks)
                    if q in split.qrels
                ]
            )
        )
        report[name] = {"candidate_recall": round(recall, 4)}
        for feature in ("cos_text", "cos_title", "cos_max", "bm25_all"):
            column = FEATURES.index(feature)
            report[name][feature] = round(evaluate(blocks, split, found, lambda m, c=column: m[:, c]), 4)
    for c in args.C:
        ranker = fit(x, y, c, "")
        pairwise = fit_pairwise(train, c, "")
        for name, (blocks, split, found, _, _) in dev.items():
            report[name][f"lr_C{c}"] = round(evaluate(blocks, split, found, ranker.score), 4)
            report[name][f"pairwise_C{c}"] = round(evaluate(blocks, split, found, pairwise.score), 4)
    trees = {}
    for depth in args.gbm:
        note = f"HistGradientBoostingClassifier(max_iter={GBM_ITERATIONS}, learning_rate=0.05, max_depth={depth}, random_state=0), fitted on CLEF CheckThat! claim matching {args.train} (shared/bench)"
        trees[depth] = TreeRanker.from_sklearn(fit_gbm(x, y, depth), note)
        for name, (blocks, split, found, _, _) in dev.items():
            report[name][f"gbm_depth{depth}"] = round(evaluate(blocks, split, found, trees[depth].score), 4)
    print(json.dumps(report, indent=1))
    if args.out and args.ship == "gbm":
        trees[args.gbm[0]].save(args.out)
        print(f"wrote {args.out}", file=sys.stderr)
    elif args.out:
        note = f"logistic regression, C={args.C[0]}, fitted on CLEF CheckThat! claim matching {args.train} (shared/bench)"
        ranker = fit(x, y, args.C[0], note)
        args.out.write_text(json.dumps(ranker.to_json(), indent=1) + "\n", encoding="utf-8")
        print("coefficients:", dict(zip(FEATURES, np.round(ranker.coef, 3))), file=sys.stderr)
        print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
