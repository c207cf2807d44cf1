"""Fit the link model (claims/models/linking.json) on pairs labelled by our gold sets.

    .venv/bin/python -m bench.train_linking              # fit on seeds + demo gold, write the model
    .venv/bin/python -m bench.train_linking --held-out   # also: fit on one corpus, score pairs of the other

Pairs: every two extracted mentions (through claims.ingest.pipeline.extract_mentions,
as ingestion makes them) that match gold claims and whose embeddings have a
cosine of at least the model's candidate floor; gold SAME = 1, DIFFERENT and
DISTINCT = 0, RELATED left out. Features: claims/link/pair_features.py. A
logistic regression (scikit-learn, balanced classes); `join` is the
probability with the best pair F1 on the training pairs, `suggest` the
highest probability that still reaches 95% recall of same pairs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from claims.eval.corpora import CORPORA
from claims.train.linking import MIN_COSINE, ROOT, checkthat_pairs, corpus_pairs, fit, pair_report, thresholds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--held-out", action="store_true")
    parser.add_argument(
        "--checkthat-weight",
        type=float,
        default=0.0,
        help="weight of each CheckThat! pair against a gold pair (0: leave them out)",
    )
    # 0.2: with the 12-article demo gold, 0.2 and 0.3 reach F1 0.90 on both gold sets, 0.1 and 0.5 do not (docs/BENCHMARKS.md).
    parser.add_argument(
        "--C", type=float, default=0.2, help="inverse regularisation strength of the logistic regression"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "claims" / "models" / "linking.json")
    args = parser.parse_args()

    from claims.embed.encoder import default_embedder
    from claims.link.pair_features import FEATURES
    from claims.link.relink import LinkModel

    embedder = default_embedder()
    data = {name: corpus_pairs(name, embedder) for name in CORPORA}
    extra_x, extra_y = (
        checkthat_pairs(embedder)
        if args.checkthat_weight > 0
        else (np.zeros((0, len(FEATURES))), np.zeros(0, dtype=int))
    )
    print(
        f"CheckThat! 2021 train pairs: {len(extra_y)} ({int(extra_y.sum())} same), weight {args.checkthat_weight}"
    )

    def fit_with(names):
        x = np.vstack([data[n][0] for n in names] + [extra_x])
        y = np.concatenate([data[n][1] for n in names] + [extra_y])
        w = np.concatenate(
            [np.ones(sum(len(data[n][1]) for n in names)), np.full(len(extra_y), args.checkthat_weight)]
        )
        return fit(x, y, w, args.C)

    if args.held_out:
        for train, test in (("seeds", "demo"), ("demo", "seeds")):
            model = fit_with([train])
            join, suggest = thresholds(model.predict_proba(data[train][0])[:, 1], data[train][1])
            p = model.predict_proba(data[test][0])[:, 1]
            print(
                f"fit on {train}, pairs of {test}: join {join} suggest {suggest}: {pair_report(p, data[test][1], join, suggest)}"
            )
    x = np.vstack([data[name][0] for name in CORPORA])
    y = np.concatenate([data[name][1] for name in CORPORA])
    model = fit_with(list(CORPORA))
    p = model.predict_proba(x)[:, 1]
    join, suggest = thresholds(p, y)
    print(f"fit on all: join {join} suggest {suggest}: {pair_report(p, y, join, suggest)}")
    for name, weight in zip(FEATURES, model.coef_[0]):
        print(f"  {name:18} {weight:+.3f}")
    shipped = LinkModel(model.coef_[0], float(model.intercept_[0]), join, suggest, min_cosine=MIN_COSINE)
    args.out.write_text(
        shipped.to_json(
            trained_on="tests/data/seeds_gold.json and tests/data/demo_gold.json pairs (bench/train_linking.py)"
        ),
        encoding="utf-8",
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
