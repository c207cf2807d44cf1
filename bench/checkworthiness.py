"""Check-worthiness figures of docs/BENCHMARKS.md.

    .venv/bin/python -m bench.checkworthiness [--method full|lora|dense|sparse] [--json FIGURES.json] [--scores DIR]

* ClaimBuster CBD: 4-fold stratified cross-validation (seed 0), F1 of the
  check-worthy class. In each fold the news head is retrained with the shipped
  recipe on the training folds (``--news-data union`` adds the CLEF train and
  dev sets) and the decision threshold is the
  one with the best F1 over 3-fold inner cross-validation of the training folds:
  the held-out fold is only scored. With ``--method lora`` the head is the
  bundled encoder with LoRA adapters mixed with that recipe
  (:func:`claimbuster_cv_lora`, ``claims/train/lora.py``): epoch, weight and cut are
  chosen on a 15% slice of the training folds.
* CLEF CheckThat! 2019 task 1 test: MAP over debates (AP per debate file, the id
  prefix before ':', then the mean), as the official scorer.
* CLEF CheckThat! 2020 task 1 test: AP over the ranked test tweets.

With ``--method full`` (the default) or ``lora`` the test splits are scored by the shipped
parameters (claims/models/checkworthy.npz) through the same code as
``python -m claims checkworthy --file``: ``--scores DIR`` writes the JSON lines
that command prints, so they can be compared with ``diff``. Other methods
retrain the heads in memory (one of the two models left out, or the news head
on every training set); they are not calibrated, which changes no figure here.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from claims.eval.checkworthy import TESTS, split_scores
from claims.eval.checkworthy_cv import claimbuster_cv, claimbuster_cv_lora
from claims.train import checkworthy_data, checkworthy_head, lora
from claims.train.metrics import average_precision, clef19_map


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--method",
        choices=["full", "dense", "sparse", "lora"],
        default="full",
        help="full: the shipped model (embeddings + features averaged with TF-IDF); lora: its ClaimBuster CV with LoRA adapters mixed in",
    )
    parser.add_argument(
        "--news-data",
        choices=["shipped", "union"],
        default="shipped",
        help="what the news head learns from: as shipped (ClaimBuster) or every training set",
    )
    parser.add_argument("--skip-cv", action="store_true", help="only the two CLEF test splits")
    parser.add_argument("--skip-tests", action="store_true", help="only the ClaimBuster cross-validation")
    parser.add_argument(
        "--params",
        type=Path,
        help="score the test splits with this parameter file instead of the shipped one (full)",
    )
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument(
        "--scores", type=Path, help="write <split>.jsonl files (the CLI's --file output) into this folder"
    )
    lora.add_arguments(parser)
    args = parser.parse_args()

    blocks = {
        "full": ("dense", "sparse"),
        "lora": ("dense", "sparse"),
        "dense": ("dense",),
        "sparse": ("sparse",),
    }[args.method]
    scorer = None
    if args.method not in ("full", "lora") or args.news_data != "shipped":  # retrain the heads in memory
        heads = {}
        recipe = {
            **checkworthy_head.HEADS,
            "news": checkworthy_head.UNION if args.news_data == "union" else checkworthy_head.HEADS["news"],
        }
        for head, names in recipe.items():
            splits = [checkworthy_data.load(n) for n in names]
            texts, vectors, labels = (
                [t for s in splits for t in s.texts],
                np.vstack([s.vectors for s in splits]),
                np.concatenate([s.labels for s in splits]),
            )
            heads[head] = checkworthy_head.fit_head(texts, vectors, labels, blocks=blocks)
        scorer = checkworthy_head.scorer_from(checkworthy_head.to_params(heads, {}))
    elif args.params:
        from claims.checkworthy.model import load_scorer

        scorer = load_scorer(args.params)

    figures: dict[str, object] = {"method": args.method, "news_data": args.news_data}
    started = time.time()
    if not args.skip_cv and args.method == "lora":
        lora.configure(args.lora_rank, args.lora_targets, args.lora_epochs)
        figures["lora"] = {
            "rank": lora.RANK,
            "targets": list(lora.TARGETS),
            "epochs": lora.EPOCHS,
            "lr": lora.LR,
        }
        mean, folds, chosen = claimbuster_cv_lora()
        figures["claimbuster_cv_f1"] = round(mean, 4)
        figures["claimbuster_folds"] = [round(f, 4) for f in folds]
        figures["claimbuster_chosen"] = chosen
    elif not args.skip_cv:
        mean, folds = claimbuster_cv(blocks, args.news_data)
        figures["claimbuster_cv_f1"] = round(mean, 4)
        figures["claimbuster_folds"] = [round(f, 4) for f in folds]
    for name in [] if args.skip_tests else TESTS:
        split, scores = split_scores(name, scorer)
        if name == "clef19_test":
            figures["clef19_test_map"] = round(clef19_map(split.ids, split.labels, scores), 4)
        else:
            figures["clef20_test_map"] = round(average_precision(split.labels, scores), 4)
        if args.scores:
            args.scores.mkdir(parents=True, exist_ok=True)
            with open(args.scores / f"{name}.jsonl", "w", encoding="utf-8") as out:
                out.writelines(
                    json.dumps({"id": row_id, "score": float(value)}) + "\n"
                    for row_id, value in zip(split.ids, scores)
                )
    figures["seconds"] = round(time.time() - started, 1)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
