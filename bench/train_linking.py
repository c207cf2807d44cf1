"""Fit the link model (claims/models/linking.json) on pairs labelled by the annotated stories' gold
(claims.eval.stories: seeds, demo, news_dev story_a and story_b).

    .venv/bin/python -m bench.train_linking                  # fit on the seeds and the demo (the shipped model)
    .venv/bin/python -m bench.train_linking --held-out       # also: each story's pairs scored by a model fitted on the others
    .venv/bin/python -m bench.train_linking --story seeds --story demo --story story_a --story story_b --out /tmp/all.json

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

from claims.eval.stories import STORIES
from claims.train.linking import ROOT, checkthat_pairs, corpus_pairs, fitted_model, mrpc_pairs, pair_report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--held-out", action="store_true")
    parser.add_argument(
        "--story",
        choices=STORIES,
        action="append",
        help="stories to fit on (default: seeds and demo, as shipped)",
    )
    parser.add_argument(
        "--checkthat-weight",
        type=float,
        default=0.0,
        help="weight of each CheckThat! pair against a gold pair (0: leave them out)",
    )
    parser.add_argument(
        "--mrpc-weight",
        type=float,
        default=0.0,
        help="weight of each MRPC train pair against a gold pair (0: leave them out)",
    )
    # 0.2: with the 12-article demo gold, 0.2 and 0.3 reach F1 0.90 on both gold sets, 0.1 and 0.5 do not (docs/BENCHMARKS.md).
    parser.add_argument(
        "--C", type=float, default=0.2, help="inverse regularisation strength of the logistic regression"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "claims" / "models" / "linking.json")
    args = parser.parse_args()

    from claims.embed.encoder import default_embedder
    from claims.link.pair_features import FEATURES

    embedder = default_embedder()
    stories = args.story or ["seeds", "demo"]
    data = {name: corpus_pairs(name, embedder)[:2] for name in stories}
    public = []
    for label, pairs, weight in (
        ("CheckThat! 2021 train", checkthat_pairs, args.checkthat_weight),
        ("MRPC train", mrpc_pairs, args.mrpc_weight),
    ):
        if weight > 0:
            x_public, y_public = pairs(embedder)
            public.append((x_public, y_public, weight))
            print(f"{label} pairs: {len(y_public)} ({int(y_public.sum())} same), weight {weight}")

    if args.held_out:
        for test in stories:
            model = fitted_model([data[n] for n in stories if n != test], args.C, public)
            p = model.probability(data[test][0])
            print(
                f"fit without {test}: join {model.join} suggest {model.suggest}: "
                f"{pair_report(p, data[test][1], model.join, model.suggest)}"
            )
    shipped = fitted_model([data[n] for n in stories], args.C, public)
    x = np.vstack([data[name][0] for name in stories])
    y = np.concatenate([data[name][1] for name in stories])
    p = shipped.probability(x)
    print(
        f"fit on all: join {shipped.join} suggest {shipped.suggest}: {pair_report(p, y, shipped.join, shipped.suggest)}"
    )
    for name, weight in zip(FEATURES, shipped.weights):
        print(f"  {name:18} {weight:+.3f}")
    args.out.write_text(
        shipped.to_json(trained_on=f"pairs of the {', '.join(stories)} gold (bench/train_linking.py)"),
        encoding="utf-8",
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
