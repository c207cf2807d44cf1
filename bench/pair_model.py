"""The pair model on MRPC: the bundled encoder's cosine (cut chosen on train) against a
cross-encoder (claims.train.pair_model) trained on MRPC train, both scored once on the test split.

    CW_THREADS=2 .venv/bin/python -m bench.pair_model [--epochs 3] [--lora-rank 8] [--lora-targets qv|all] [--lr 5e-4]
    CW_THREADS=1 .venv/bin/python -m bench.pair_model --full [--lr 3e-5] [--epochs 4] [--batch 16]
        [--pooling mean|cls] [--one-order] [--save DIR]

--full fine-tunes every weight of the bundled encoder (claims.train.cross_encoder) instead of LoRA
adapters, on both orders of each training pair (--one-order: as given) with both orders' scores
averaged; the cosine baseline is not scored again then. --save writes the kept model's weights and
its cut to DIR (keep DIR outside the repository).

The configuration is chosen on the validation slice of MRPC train (printed per epoch); the test
split is scored once for each configuration run.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

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
    parser.add_argument(
        "--lr", type=float, default=None, help="learning rate (default 5e-4 for LoRA, 3e-5 with --full)"
    )
    parser.add_argument("--full", action="store_true", help="fine-tune every weight instead of LoRA")
    parser.add_argument("--batch", type=int, default=16, help="batch size of --full (default 16)")
    parser.add_argument("--pooling", choices=["mean", "cls"], default="mean", help="pooling of --full")
    parser.add_argument("--one-order", action="store_true", help="--full on the pairs as given only")
    parser.add_argument("--save", type=Path, help="directory to save the --full model in")
    args = parser.parse_args()
    if args.full:
        full(args)
        return
    args.lr = args.lr or 5e-4
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


def full(args) -> None:
    from claims.train import cross_encoder
    from claims.train.lora import load_bert

    config = cross_encoder.Config(
        lr=args.lr or cross_encoder.LR,
        epochs=args.epochs,
        batch=args.batch,
        pooling=args.pooling,
        both_orders=not args.one_order,
    )
    print(f"full fine-tune: {config}", flush=True)
    train, test = mrpc("train"), mrpc("test")
    bert = load_bert()
    started = time.perf_counter()
    model, epoch, cut, history = cross_encoder.fit(bert, train, config)
    seconds = time.perf_counter() - started
    print(f"trained in {seconds:.0f} s, epoch {epoch} kept", flush=True)
    started = time.perf_counter()
    predicted = cross_encoder.scores(bert, model, test, both_orders=config.both_orders) >= cut
    orders = "both orders" if config.both_orders else "one order"
    row = report(
        f"cross-encoder, full fine-tune lr {config.lr} batch {config.batch} {config.pooling} pooling, "
        f"{orders}, epoch {epoch} of {config.epochs}, cut {cut:.3f}",
        test.labels,
        predicted,
    )
    print(f"test scored in {time.perf_counter() - started:.0f} s", flush=True)
    if args.save:
        meta = {"config": vars(config), "epoch": epoch, "cut": cut, "validation": history, "test": row}
        meta["train_seconds"] = round(seconds)
        cross_encoder.save(model, args.save, meta)
        print(f"saved to {args.save}", flush=True)


if __name__ == "__main__":
    main()
