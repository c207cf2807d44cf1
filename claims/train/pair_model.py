"""A pair model that reads both sentences at once: the bundled encoder with LoRA adapters, fed
"first [SEP] second", trained to say whether two news sentences state the same thing (MRPC).

The adapters and head train as the check-worthiness adapters do (claims.train.lora); the epoch
and the cut are chosen on a slice of the training pairs the training never sees.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np

from claims.train import lora
from claims.train.checkworthy_data import BENCH
from claims.train.metrics import best_threshold, f1

MRPC = BENCH / "mrpc"
MAX_PAIR_TOKENS = 128
VALIDATION = 0.15


@dataclass
class Pairs:
    first: list[str]
    second: list[str]
    labels: np.ndarray


def mrpc(split: str) -> Pairs:
    with (MRPC / f"msr_paraphrase_{split}.txt").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    return Pairs([r[3] for r in rows], [r[4] for r in rows], np.array([int(r[0]) for r in rows], dtype=float))


def validation_split(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(held-out rows, training rows) of ``n`` pairs: the slice every pair model chooses its epoch
    and cut on, the same rows for the same seed."""
    order = np.random.default_rng(seed).permutation(n)
    cut = int(VALIDATION * n)
    return order[:cut], order[cut:]


def pair_tokens(bert, pairs: Pairs) -> list[np.ndarray]:
    enc = bert.tokenizer(pairs.first, pairs.second, truncation=True, max_length=MAX_PAIR_TOKENS)
    return [np.asarray(ids, dtype=np.int64) for ids in enc["input_ids"]]


def fit_cross_encoder(bert, pairs: Pairs, *, epochs: int = 3, lr: float = lora.LR, seed: int = 0):
    """(model, epoch, cut): trained on all but a validation slice, the epoch with the best
    validation F1 kept, its cut chosen on that slice."""
    tokens = pair_tokens(bert, pairs)
    held, fit = validation_split(len(tokens), seed)
    best = {"f1": -1.0}

    def on_epoch(epoch, model):
        scores = lora.predict(model, [tokens[i] for i in held])
        cut = best_threshold(pairs.labels[held], scores)
        score = f1(pairs.labels[held], scores >= cut)
        print(f"  epoch {epoch}: validation F1 {score:.4f} at cut {cut:.3f}", flush=True)
        if score > best["f1"]:
            best.update(
                f1=score, epoch=epoch, cut=cut, state={k: v.clone() for k, v in model.trainable().items()}
            )

    model = lora.train(
        bert, [tokens[i] for i in fit], pairs.labels[fit], epochs=epochs, lr=lr, seed=seed, on_epoch=on_epoch
    )
    model.load_state_dict(best["state"], strict=False)
    return model, best["epoch"], best["cut"]


def scores(bert, model, pairs: Pairs) -> np.ndarray:
    return lora.predict(model, pair_tokens(bert, pairs))
