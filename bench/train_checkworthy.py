"""Retrain the check-worthiness model and write claims/models/checkworthy.npz.

    .venv/bin/python -m bench.train_checkworthy [--extra feedback.tsv [--extra-weight 5]] [--out PATH] [--lora]

Reads ../shared/bench (ClaimBuster CBD, CLEF CheckThat! 2019 and 2020 task 1,
train and dev splits only: never the test splits). ``--extra`` adds reviewers'
decisions, a TSV with a header and the columns ``text, label`` (1 = a claim
worth checking, 0 = not a claim), to the news head. Needs scikit-learn
(requirements-dev.txt); the linear model scores in numpy, ``--lora`` (the shipped file:
``--lora --lora-rank 16 --lora-targets all``) needs torch.

Each head is the average of two logistic regressions: one over the bundled
sentence embedding plus the cheap features, one over TF-IDF word (1-2 gram) and
character (2-5 gram) features. The news head learns from every training set, the
tweets head from the CLEF 2020 tweets only.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

from claims.checkworthy.model import MODEL_PATH
from claims.train import checkworthy_data, lora
from claims.train.checkworthy_head import CALIBRATE_ON, HEADS, calibrate, fit_head, to_params


def read_extra(path: Path) -> tuple[list[str], np.ndarray]:
    """Reviewer decisions: a TSV with a header and the columns text, label (0/1)."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    if rows and not {"text", "label"} <= set(rows[0]):
        raise SystemExit(f"{path}: needs the columns text, label (has {', '.join(rows[0])})")
    texts = [row["text"] for row in rows if row["text"].strip()]
    labels = [int(float(row["label"])) for row in rows if row["text"].strip()]
    return texts, np.asarray(labels, dtype=np.int64)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--extra", type=Path, help="TSV of reviewer decisions (text, label) added to the news head"
    )
    parser.add_argument(
        "--extra-weight",
        type=float,
        default=1.0,
        help="weight of each --extra row against one training sentence (default 1)",
    )
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument(
        "--lora",
        action="store_true",
        help="mix LoRA adapters on every encoder layer into both heads (claims/train/lora.py); see docs/BENCHMARKS.md",
    )
    lora.add_arguments(parser)
    parser.add_argument(
        "--tweets-epochs",
        type=int,
        default=6,
        help="LoRA epochs on CLEF 2020 train for the tweets head, the best on its dev split kept (default 6)",
    )
    args = parser.parse_args()

    splits = {
        name: checkworthy_data.load(name) for name in sorted({n for names in HEADS.values() for n in names})
    }
    trained_on = {
        head: [str(checkworthy_data.FILES[n].relative_to(checkworthy_data.BENCH)) for n in names]
        for head, names in HEADS.items()
    }
    heads = {}
    for head, names in HEADS.items():
        texts = [t for n in names for t in splits[n].texts]
        vectors = np.vstack([splits[n].vectors for n in names])
        labels = np.concatenate([splits[n].labels for n in names])
        reference = np.concatenate([np.full(len(splits[n].texts), n in CALIBRATE_ON[head]) for n in names])
        weights = np.ones(len(texts))
        extra_rows = None
        if head == "news" and args.extra:
            extra_texts, extra_labels = read_extra(args.extra)
            texts += extra_texts
            vectors = np.vstack([vectors, checkworthy_data.cached_vectors(extra_texts)])
            labels = np.concatenate([labels, extra_labels])
            reference = np.concatenate([reference, np.zeros(len(extra_texts), dtype=bool)])
            weights = np.concatenate([weights, np.full(len(extra_texts), args.extra_weight)])
            extra_rows = np.arange(len(texts) - len(extra_texts), len(texts))
            trained_on[head].append(str(args.extra))
        print(f"{head}: {len(texts)} texts, {int(labels.sum())} check-worthy", flush=True)
        if args.lora and head == "news":
            lora.configure(args.lora_rank, args.lora_targets, args.lora_epochs)
            heads[head], news_run = lora.fit_lora(
                texts, vectors, labels, weights=None if extra_rows is None else weights, extra=extra_rows
            )
            continue
        if args.lora and head == "tweets":
            heads[head] = lora.fit_lora_tweets(
                news_run["state"] if "news" in heads else None, epochs=args.tweets_epochs
            )
            continue
        heads[head] = fit_head(texts, vectors, labels, weights=weights)
        shift = calibrate(texts, vectors, labels, reference, weights)
        heads[head]["bias"] = heads[head]["bias"] - shift
        print(
            f"{head}: best-F1 cut at logit {shift:.3f} (probability {1 / (1 + np.exp(-shift)):.3f}) moved to 0.5",
            flush=True,
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **to_params(heads, trained_on))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
