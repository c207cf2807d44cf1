"""Adapt the bundled encoder to search: LoRA weights trained on paraphrase pairs we wrote ourselves.

    CW_THREADS=2 .venv/bin/python -m bench.train_search         # writes claims/models/search.npz (about 3 min)
    .venv/bin/python -m bench.train_search --out /tmp/search.npz --epochs 6

all-MiniLM-L6-v2 misses the paraphrases news re-reporting and fact-checkers'
queries use (other words for the same statement, numbers written another way,
a keyword string for a sentence). ``bench/data/search_pairs.tsv`` holds
queries, the claim each means and a near-miss claim of the same story, on
invented stories that never touch the search evaluation's (its README). Low-rank
adapters (``claims/train/lora.py``: rank 16 on every linear layer of all 6 layers,
the bundled weights frozen) are trained so that a query's vector is nearer its
claim than every other claim and near-miss in its batch (cross-entropy over
scaled cosines, "multiple negatives ranking" with hard negatives). Queries,
claims and paragraphs are all embedded by the adapted model
(``claims/embed/search_model.py``); linking, claim matching and check-worthiness keep
the bundled model. ``bench/search.py`` measures the result.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from claims.train.search import (
    EPOCHS,
    OUT,
    PAIRS,
    read_pairs,
    to_params,
    train,
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rows = read_pairs(args.pairs)
    started = time.time()
    model = train(rows, epochs=args.epochs, seed=args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **to_params(model, rows, args.epochs, args.pairs.resolve()))
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) from {len(rows)} rows in {time.time() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
