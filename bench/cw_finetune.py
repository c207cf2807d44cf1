"""Training the fine-tuned top layers of the check-worthiness model (issue 4; not shipped, see docs/BENCHMARKS.md).

The lower layers of all-MiniLM-L6-v2 stay frozen, so their output is computed
once per text and cached in ``bench/.cache/`` (float16, keyed by a hash of the
texts); only the top layers (all above ``SPLIT``), mean pooling and a linear head
are trained on it. Needs torch (installed with sentence-transformers).
"""

from __future__ import annotations

import hashlib
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cw_data

from claims.checkworthy_encoder import MAX_TOKENS  # noqa: E402


def torch_threads(n: int | None = None):
    import torch

    torch.set_num_threads(n or int(os.environ.get("CW_THREADS", "2")))
    return torch


class Encoder:
    """The bundled model split after ``split`` layers (the rest is what gets fine-tuned)."""

    def __init__(self, split: int):
        torch = torch_threads()
        from sentence_transformers import SentenceTransformer

        from claims.checkworthy_encoder import Bert
        from claims.embed import model_path

        self.bert = Bert(SentenceTransformer(str(model_path()), device="cpu"))
        self.split = split
        self.top = len(self.bert.layers) - split
        self.torch = torch

    def lower(self, texts: list[str], batch: int = 128) -> list[np.ndarray]:
        """The output of the first ``split`` layers, one float16 (tokens, 384) array per text."""
        torch = self.torch
        digest = hashlib.sha256("\n".join([f"split{self.split}-{MAX_TOKENS}", *texts]).encode("utf-8")).hexdigest()[:20]
        path = cw_data.CACHE / f"lower-{digest}.npz"
        if path.exists():
            with np.load(path) as data:
                flat, offsets = data["flat"], data["offsets"]
            return [flat[offsets[i] : offsets[i + 1]] for i in range(len(texts))]
        out: list[np.ndarray] = [None] * len(texts)  # type: ignore[list-item]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        started = time.time()
        with torch.inference_mode():
            for start in range(0, len(order), batch):
                rows = order[start : start + batch]
                enc = self.bert.tokens([texts[i] for i in rows])
                h = self.bert.lower(enc, self.split)
                lengths = enc["attention_mask"].sum(1).tolist()
                for j, i in enumerate(rows):
                    out[i] = h[j, : lengths[j]].numpy().astype(np.float16)
        offsets = np.cumsum([0] + [len(a) for a in out])
        cw_data.CACHE.mkdir(parents=True, exist_ok=True)
        np.savez(path, flat=np.concatenate(out), offsets=offsets)
        print(f"lower states of {len(texts)} texts in {time.time() - started:.0f} s", file=sys.stderr, flush=True)
        return out


def top_model(encoder: Encoder):
    from claims.checkworthy_encoder import top_model as build

    return build(encoder.bert, encoder.top)


def _batch(torch, states: list[np.ndarray], rows):
    longest = max(len(states[i]) for i in rows)
    h = np.zeros((len(rows), longest, states[rows[0]].shape[1]), dtype=np.float32)
    mask = np.zeros((len(rows), longest), dtype=np.int64)
    for j, i in enumerate(rows):
        h[j, : len(states[i])] = states[i]
        mask[j, : len(states[i])] = 1
    return torch.from_numpy(h), torch.from_numpy(mask)


def predict(encoder: Encoder, model, states: list[np.ndarray], batch: int = 256) -> np.ndarray:
    torch = encoder.torch
    model.eval()
    order = sorted(range(len(states)), key=lambda i: len(states[i]))
    out = np.zeros(len(states))
    with torch.inference_mode():
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            out[rows] = model(*_batch(torch, states, rows)).numpy()
    return out


def train(encoder: Encoder, states: list[np.ndarray], labels: np.ndarray, *, epochs: int = 3, lr: float = 3e-5, head_lr: float = 1e-3, batch: int = 32, seed: int = 0, on_epoch=None, weights=None, init=None):
    """Fine-tune the top layers + head; ``on_epoch(epoch, model)`` after each epoch."""
    torch = encoder.torch
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = top_model(encoder)
    if init is not None:  # continue from another fine-tuned model (an intermediate task)
        model.load_state_dict(init)
    with torch.no_grad():
        model.head.weight.mul_(0.0)
        model.head.bias.fill_(math.log(labels.mean() / (1 - labels.mean())))
    opt = torch.optim.AdamW([{"params": model.layers.parameters(), "lr": lr}, {"params": model.head.parameters(), "lr": head_lr}], weight_decay=0.01)
    steps = epochs * math.ceil(len(states) / batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / (0.06 * steps)) * max(0.0, (steps - s) / steps))
    y = torch.tensor(labels, dtype=torch.float32)
    wt = torch.ones(len(states)) if weights is None else torch.tensor(weights, dtype=torch.float32)
    for epoch in range(1, epochs + 1):
        model.train()
        started = time.time()
        # batches of similar length (less padding), in random order
        perm = rng.permutation(len(states))
        chunks = [perm[i : i + batch * 50] for i in range(0, len(perm), batch * 50)]
        batches = []
        for chunk in chunks:
            chunk = sorted(chunk, key=lambda i: len(states[i]))
            batches += [chunk[i : i + batch] for i in range(0, len(chunk), batch)]
        rng.shuffle(batches)
        total = 0.0
        for rows in batches:
            rows = list(rows)
            logits = model(*_batch(torch, states, rows))
            loss = (torch.nn.functional.binary_cross_entropy_with_logits(logits, y[rows], reduction="none") * wt[rows]).mean()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += loss.item() * len(rows)
        print(f"  epoch {epoch}: loss {total / len(states):.4f}, {len(states) / (time.time() - started):.0f} texts/s", file=sys.stderr, flush=True)
        if on_epoch:
            on_epoch(epoch, model)
    return model


SPLIT = 4  # layers kept as bundled; the 2 above are fine-tuned
EPOCHS = 3
MIX = (0.3, 0.5, 0.7)  # weight of the fine-tuned logit against the logistic-regression head's
VALIDATION = 0.15  # share of the training rows held out to choose the epoch, the weight and the cut


def fit_mixed(encoder: Encoder, texts: list[str], vectors: np.ndarray, labels: np.ndarray, states: list[np.ndarray], *, score: list[tuple[list[str], np.ndarray, list[np.ndarray]]] = (), weights: np.ndarray | None = None, seed: int = 0) -> dict:
    """The fine-tuned head averaged with the shipped logistic-regression recipe, all choices on a held-out slice.

    Both models learn from the same (1 - VALIDATION) of the rows; on the rest
    the epoch (1..EPOCHS) and the weight (MIX) with the best F1 are chosen, and
    the best-F1 cut of the mix. ``score`` lists (texts, vectors, states) to
    score with the chosen model (logits, the cut subtracted so that 0 is the cut);
    ``weights`` weigh the training rows (reviewers' decisions, ``--extra-weight``).
    Returns the LR parameters, the fine-tuned state, the weight, the cut and the scores.
    """
    import train_checkworthy as recipe
    from checkworthiness import average_precision, best_threshold, f1
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(texts))
    fit, val = train_test_split(idx, test_size=VALIDATION, stratify=labels, random_state=seed)
    lr = recipe.fit_head([texts[i] for i in fit], vectors[fit], labels[fit], weights=None if weights is None else weights[fit])
    lr_head = recipe.scorer_from(recipe.to_params({"news": lr}, {})).heads["news"]
    lr_val = lr_head.logits([texts[i] for i in val], vectors[val])
    lr_score = [lr_head.logits(t, v) for t, v, _ in score]
    runs = []

    def on_epoch(epoch, model):
        ft_val = predict(encoder, model, [states[i] for i in val])
        ft_score = [predict(encoder, model, s) for _, _, s in score]
        state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        for w in MIX:
            mixed = w * ft_val + (1 - w) * lr_val
            cut = best_threshold(labels[val], mixed)
            runs.append({"epoch": epoch, "mix": w, "cut": cut, "val_f1": f1(labels[val], mixed >= cut), "val_ap": average_precision(labels[val], mixed), "top_mean": float(ft_val.mean()), "state": state, "scores": [w * a + (1 - w) * b - cut for a, b in zip(ft_score, lr_score)]})
            print(f"    epoch {epoch} mix {w}: validation F1 {runs[-1]['val_f1']:.4f} AP {runs[-1]['val_ap']:.4f}", file=sys.stderr, flush=True)

    train(encoder, [states[i] for i in fit], labels[fit], epochs=EPOCHS, seed=seed, on_epoch=on_epoch, weights=None if weights is None else weights[fit])
    lr_cut = best_threshold(labels[val], lr_val)
    best = max(runs, key=lambda r: (r["val_f1"], r["val_ap"]))
    best["lr"] = lr
    best["lr_val_f1"] = f1(labels[val], lr_val >= lr_cut)
    best["fit_rows"] = len(fit)
    return best
