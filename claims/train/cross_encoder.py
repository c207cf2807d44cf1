"""A full fine-tune of the bundled encoder as a cross-encoder on MRPC: every weight trains, not only
LoRA adapters (claims.train.pair_model), with the usual recipe for BERT-sized pair classifiers:
AdamW, linear warm-up over the first tenth of the steps then linear decay, weight decay 0.01 (not on
biases and LayerNorm), batch 16, 128 tokens, dropout 0.1 before a linear head.

Both orders of a pair may be trained on and averaged at prediction: "same statement" is symmetric,
but a cross-encoder reading "a [SEP] b" is not. The epoch and the cut are chosen on the same
validation slice of MRPC train as the LoRA model's, so the two compare on the same rows.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from claims.train import lora
from claims.train.metrics import best_threshold, f1
from claims.train.pair_model import MAX_PAIR_TOKENS, Pairs, validation_split

LR = 3e-5
BATCH = 16
WARMUP = 0.1
WEIGHT_DECAY = 0.01
DROPOUT = 0.1


@dataclass
class Config:
    lr: float = LR
    epochs: int = 4
    batch: int = BATCH
    pooling: str = "mean"  # "mean": as the bundled sentence model was trained; "cls": the BERT habit
    both_orders: bool = True
    seed: int = 0


@dataclass
class Encoded:
    """Token ids and segment ids of each pair, read as "first [SEP] second" and, if asked, reversed."""

    ids: list[np.ndarray]
    types: list[np.ndarray]

    def take(self, rows) -> Encoded:
        return Encoded([self.ids[i] for i in rows], [self.types[i] for i in rows])

    def __add__(self, other: Encoded) -> Encoded:
        return Encoded(self.ids + other.ids, self.types + other.types)


def encode(bert, first: list[str], second: list[str]) -> Encoded:
    enc = bert.tokenizer(list(first), list(second), truncation=True, max_length=MAX_PAIR_TOKENS)
    as_arrays = lambda rows: [np.asarray(r, dtype=np.int64) for r in rows]
    return Encoded(as_arrays(enc["input_ids"]), as_arrays(enc["token_type_ids"]))


def build(bert, *, pooling: str = "mean", seed: int = 0):
    """A trainable copy of ``bert``'s BERT with dropout and a one-logit linear head over the pooled output."""
    import copy

    torch = lora.torch_threads()
    nn = torch.nn
    torch.manual_seed(seed)

    class CrossEncoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = copy.deepcopy(bert.bert)
            for p in self.bert.parameters():
                p.requires_grad_(True)
            self.drop = nn.Dropout(DROPOUT)
            self.head = nn.Linear(self.bert.config.hidden_size, 1)
            self.pooling = pooling

        def forward(self, input_ids, token_type_ids, attention_mask):
            h = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            if self.pooling == "cls":
                pooled = h[:, 0]
            else:
                w = attention_mask.unsqueeze(-1).to(h.dtype)
                pooled = (h * w).sum(1) / w.sum(1).clamp(min=1)
            return self.head(self.drop(pooled)).squeeze(-1)

    return CrossEncoder()


def _batch(torch, enc: Encoded, rows):
    ids, mask = lora.pad_batch(torch, enc.ids, rows)
    types, _ = lora.pad_batch(torch, enc.types, rows)
    return ids, types, mask


def logits(model, enc: Encoded, batch: int = 64) -> np.ndarray:
    return lora.predict(model, enc.ids, batch, inputs=lambda torch, rows: _batch(torch, enc, rows))


def train(bert, enc: Encoded, labels: np.ndarray, config: Config, *, on_epoch=None):
    """Fine-tune every weight on ``enc``; ``on_epoch(epoch, model)`` after each epoch."""
    torch = lora.torch_threads()
    rng = np.random.default_rng(config.seed)
    model = build(bert, pooling=config.pooling, seed=config.seed)
    with torch.no_grad():  # start at the base rate, so the first steps do not spend themselves on the bias
        model.head.bias.fill_(math.log(labels.mean() / (1 - labels.mean())))
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias") or "LayerNorm" in n]
    decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "LayerNorm" in n)]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": no_decay, "weight_decay": 0.0}],
        lr=config.lr,
    )
    steps = config.epochs * math.ceil(len(enc.ids) / config.batch)
    warm = max(1, int(WARMUP * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (steps - s) / (steps - warm))
    )
    y = torch.tensor(labels, dtype=torch.float32)
    for epoch in range(1, config.epochs + 1):
        model.train()
        started = time.time()
        batches = lora.length_batches(rng, [len(ids) for ids in enc.ids], config.batch)
        total = 0.0
        for rows in batches:
            rows = list(rows)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                model(*_batch(torch, enc, rows)), y[rows]
            )
            lora.step(torch, opt, sched, loss, model.parameters())
            total += loss.item() * len(rows)
        lora.end_epoch(
            epoch, model, on_epoch, f"loss {total / len(enc.ids):.4f}, {time.time() - started:.0f} s"
        )
    return model


def pair_scores(model, forward: Encoded, backward: Encoded | None = None) -> np.ndarray:
    """Probability that each pair states the same thing; with ``backward`` (the reversed pairs), the
    logits of both orders averaged first."""
    z = logits(model, forward)
    if backward is not None:
        z = (z + logits(model, backward)) / 2
    return 1 / (1 + np.exp(-z))


def fit(bert, pairs: Pairs, config: Config):
    """(model, epoch, cut, history): trained on all but the validation slice (pair_model's split),
    the epoch with the best validation F1 kept, its cut chosen on that slice."""
    forward = encode(bert, pairs.first, pairs.second)
    backward = encode(bert, pairs.second, pairs.first) if config.both_orders else None
    held, kept = validation_split(len(forward.ids), config.seed)
    enc, labels = forward.take(kept), pairs.labels[kept]
    if backward is not None:  # the reversed copy of a training pair only, never of a validation pair
        enc, labels = enc + backward.take(kept), np.concatenate([labels, labels])
    best, history = {"f1": -1.0}, []

    def on_epoch(epoch, model):
        s = pair_scores(model, forward.take(held), None if backward is None else backward.take(held))
        cut = best_threshold(pairs.labels[held], s)
        score = f1(pairs.labels[held], s >= cut)
        history.append({"epoch": epoch, "val_f1": round(score, 4), "cut": round(cut, 4)})
        print(f"  epoch {epoch}: validation F1 {score:.4f} at cut {cut:.3f}", flush=True)
        if score > best["f1"]:
            state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            best.update(f1=score, epoch=epoch, cut=cut, state=state)

    model = train(bert, enc, labels, config, on_epoch=on_epoch)
    model.load_state_dict(best["state"])
    return model, best["epoch"], best["cut"], history


def scores(bert, model, pairs: Pairs, *, both_orders: bool = True) -> np.ndarray:
    forward = encode(bert, pairs.first, pairs.second)
    return pair_scores(model, forward, encode(bert, pairs.second, pairs.first) if both_orders else None)


def save(model, path: Path, meta: dict) -> None:
    """The weights as ``model.safetensors`` and ``meta`` (cut, epoch, configuration) as ``meta.json`` in ``path``."""
    from safetensors.torch import save_file

    path.mkdir(parents=True, exist_ok=True)
    # contiguous copies: safetensors refuses tensors that share memory or are views
    save_file(
        {k: v.contiguous().clone() for k, v in model.state_dict().items()}, str(path / "model.safetensors")
    )
    (path / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
