"""The pair model on MRPC: the bundled encoder's cosine (cut chosen on train) against a
cross-encoder (claims.train.pair_model) trained on MRPC train, both scored once on the test split.

    CW_THREADS=2 .venv/bin/python -m bench.pair_model [--epochs 3] [--lora-rank 8] [--lora-targets qv|all] [--lr 5e-4]

The configuration is chosen on the validation slice of MRPC train (printed per epoch); the test
split is scored once for each configuration run.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from claims.train.metrics import best_threshold, f1
from claims.train.pair_model import fit_cross_encoder, mrpc, scores


def report(name: str, labels: np.ndarray, predicted: np.ndarray) -> dict:
    row = {
        "method": name,
        "f1": round(f1(labels, predicted), 4),
        "accuracy": round(float((predicted == labels).mean()), 4),
    }
    print(json.dumps(row), flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lora-rank", type=int, default=8)
    parser.add_argument("--lora-targets", choices=["qv", "all"], default="qv")
    parser.add_argument("--lr", type=float, default=5e-4, help="learning rate of the adapters")
    args = parser.parse_args()
    from claims.embed.encoder import default_embedder
    from claims.train.lora import configure, load_bert

    configure(rank=args.lora_rank, targets=args.lora_targets)
    train, test = mrpc("train"), mrpc("test")
    embedder = default_embedder()
    cosine = lambda p: np.sum(embedder.encode(p.first) * embedder.encode(p.second), axis=1)
    cut = best_threshold(train.labels, cosine(train))
    report(f"bundled encoder cosine >= {cut:.3f} (cut chosen on train)", test.labels, cosine(test) >= cut)
    started = time.perf_counter()
    bert = load_bert()
    model, epoch, cut = fit_cross_encoder(bert, train, epochs=args.epochs, lr=args.lr)
    print(f"trained in {time.perf_counter() - started:.0f} s, epoch {epoch} kept", flush=True)
    report(
        f"cross-encoder, LoRA {args.lora_targets} rank {args.lora_rank} lr {args.lr}, epoch {epoch} of {args.epochs}, cut {cut:.3f}",
        test.labels,
        scores(bert, model, test) >= cut,
    )


if __name__ == "__main__":
    main()
