"""Training of the search adapters: paraphrase pairs, in-batch contrastive LoRA fine-tuning, the shipped parameters."""

from __future__ import annotations

import csv
import hashlib
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from claims.train import lora

ROOT = Path(__file__).resolve().parents[2]

PAIRS = ROOT / "bench" / "data" / "search_pairs.tsv"

OUT = ROOT / "claims" / "models" / "search.npz"

RANK = 16

EPOCHS = 4

BATCH = 16

LR = 2e-4

SCALE = 20.0  # cosines times this are the logits of the cross-entropy


def read_pairs(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    bad = [
        n
        for n, row in enumerate(rows, start=2)
        if not all((row.get(k) or "").strip() for k in ("query", "claim", "other"))
    ]
    if not rows or bad:
        raise SystemExit(
            f"{path}: needs rows with query, claim and other (line {bad[0] if bad else 1} has not)"
        )
    return rows


def pooled(model, tokens: list[np.ndarray]):
    """Mean-pooled, normalised sentence vectors, as sentence-transformers computes them."""
    import torch

    ids, mask = lora.pad_batch(torch, tokens, list(range(len(tokens))))
    hidden = model.bert(
        input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)
    ).last_hidden_state
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return torch.nn.functional.normalize((hidden * weights).sum(1) / weights.sum(1).clamp(min=1), dim=-1)


def train(rows: list[dict[str, str]], *, epochs: int = EPOCHS, seed: int = 0):
    torch = lora.torch_threads()
    bert = lora.load_bert()
    model = lora.build(bert, rank=RANK, targets=lora.ALL_LINEAR, seed=seed)
    queries, claims, others = (
        lora.tokenize(bert, [row[k] for row in rows]) for k in ("query", "claim", "other")
    )
    adapters = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head.")]
    optimiser = torch.optim.AdamW(adapters, lr=LR, weight_decay=0.01)
    steps = epochs * math.ceil(len(rows) / BATCH)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / (0.06 * steps)) * max(0.0, (steps - s) / steps)
    )
    rng = np.random.default_rng(seed)
    for epoch in range(1, epochs + 1):
        model.train()
        started, total, batches = time.time(), 0.0, 0
        order = rng.permutation(len(rows))
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            q = pooled(model, [queries[i] for i in batch])
            candidates = torch.cat(
                [pooled(model, [claims[i] for i in batch]), pooled(model, [others[i] for i in batch])]
            )
            loss = torch.nn.functional.cross_entropy(SCALE * q @ candidates.t(), torch.arange(len(batch)))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total, batches = total + loss.item(), batches + 1
        print(
            f"epoch {epoch}: loss {total / batches:.4f}, {time.time() - started:.0f} s",
            file=sys.stderr,
            flush=True,
        )
    return model


def to_params(model, rows: list[dict[str, str]], epochs: int, source: Path) -> dict[str, np.ndarray]:
    params = {}
    for name, (a, b) in model.adapters().items():
        params[f"lora.{name}.A"] = a.detach().cpu().numpy().astype(np.float16)
        params[f"lora.{name}.B"] = b.detach().cpu().numpy().astype(np.float16)
    params["lora_scale"] = np.float64(lora.ALPHA)
    meta = {
        "model": "all-MiniLM-L6-v2",
        "trained_on": str(source.relative_to(ROOT) if source.is_relative_to(ROOT) else source),
        "data_sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        "rows": len(rows),
        "rank": RANK,
        "epochs": epochs,
        "batch": BATCH,
        "lr": LR,
        "scale": SCALE,
        "script": "bench/train_search.py",
    }
    params["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    return params
