"""LoRA adapters on every layer of the bundled encoder for check-worthiness (issue 4; see docs/BENCHMARKS.md).

    .venv/bin/python bench/cw_lora.py time [--rows 256]                  # texts/s of one training pass
    .venv/bin/python bench/cw_lora.py clef20 [--init NEWS.npz] [--epochs 6]  # CLEF20 train -> dev only
    .venv/bin/python bench/cw_lora.py fold1 [--lora-rank 16 --lora-targets all] [--init S.npz] [--adversarial 1.0]  # ClaimBuster CV fold 1, its 15% validation slice only
    .venv/bin/python bench/cw_lora.py clef19-start --out S.npz [--lora-rank 16 --lora-targets all]  # one epoch on CLEF19 train, a start for fold1

Low-rank matrices A (rank x in) and B (out x rank, zero at the start) are added
to the query and value projections (``TARGETS``; ``--lora-targets all``: every
linear layer) of all 6 layers of all-MiniLM-L6-v2: ``W x + ALPHA * B A x``. The
bundled weights stay frozen; the adapters and a linear head over the
mean-pooled, normalised output (the sentence embedding itself before
training) are trained end to end. As with the fine-tuned top layers
(``bench/cw_finetune.py``) the adapted model's logit is mixed with the shipped
logistic-regression recipe, the epoch, the weight and the cut chosen on rows the
training never sees. Needs torch (installed with sentence-transformers).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cw_data

from claims.checkworthy_encoder import MAX_TOKENS  # noqa: E402

RANK = 8
ALPHA = 2.0  # the adapters' output is scaled by ALPHA (alpha / rank = 16 / 8 in the usual notation)
TARGETS = ("attention.self.query", "attention.self.value")
ALL_LINEAR = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense", "intermediate.dense", "output.dense")
LORA_DROPOUT = 0.1
LR = 5e-4  # adapters
HEAD_LR = 1e-3
BATCH = 32
EPOCHS = 3
MIX = (0.3, 0.5, 0.7, 1.0)  # weight of the adapted model's logit against the logistic-regression head's
VALIDATION = 0.15  # share of the ClaimBuster training rows held out to choose the epoch, the weight and the cut
ADVERSARIAL = 0.0  # FGM: size of the perturbation of the token embeddings along the loss gradient (0: off)


def torch_threads():
    import torch

    torch.set_num_threads(int(os.environ.get("CW_THREADS", "1")))
    return torch


def load_bert():
    """The bundled model's tokenizer and BERT (a fresh copy, never the shared embedder)."""
    torch_threads()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    from claims.checkworthy_encoder import Bert
    from claims.embed import model_path

    return Bert(SentenceTransformer(str(model_path()), device="cpu"))


def configure(rank: int | None = None, targets: str | None = None, epochs: int | None = None, adversarial: float | None = None) -> None:
    """Set the rank, the adapted modules (``"qv"``: query and value, ``"all"``: every linear layer),
    the number of epochs on ClaimBuster (the epoch is chosen among 1..epochs) and the FGM perturbation."""
    global RANK, TARGETS, EPOCHS, ADVERSARIAL
    RANK = rank or RANK
    EPOCHS = epochs or EPOCHS
    ADVERSARIAL = ADVERSARIAL if adversarial is None else adversarial
    TARGETS = {None: TARGETS, "qv": ("attention.self.query", "attention.self.value"), "all": ALL_LINEAR}[targets]


def build(bert, *, rank: int | None = None, targets=None, seed: int = 0):
    """A copy of ``bert``'s BERT with LoRA adapters on ``targets`` of every layer, mean pooling and a linear head."""
    import copy

    torch = torch_threads()
    rank, targets = rank or RANK, targets or TARGETS
    nn = torch.nn
    torch.manual_seed(seed)

    class Adapted(nn.Module):
        def __init__(self, base: nn.Linear):
            super().__init__()
            self.base = base
            self.A = nn.Parameter(torch.randn(rank, base.in_features) / math.sqrt(base.in_features))
            self.B = nn.Parameter(torch.zeros(base.out_features, rank))
            self.drop = nn.Dropout(LORA_DROPOUT)

        def forward(self, x):
            return self.base(x) + ALPHA * (self.drop(x) @ self.A.t() @ self.B.t())

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = copy.deepcopy(bert.bert)
            for p in self.bert.parameters():
                p.requires_grad_(False)
            self.names = []
            for i, layer in enumerate(self.bert.encoder.layer):
                for target in targets:
                    parent, attr = target.rsplit(".", 1)
                    owner = layer.get_submodule(parent)
                    setattr(owner, attr, Adapted(getattr(owner, attr)))
                    self.names.append(f"{i}.{target}")
            self.head = nn.Linear(self.bert.config.hidden_size, 1)
            self.scale = ALPHA

        def adapters(self) -> dict:
            return {name: (m.A, m.B) for name, m in zip(self.names, self._modules_list())}

        def _modules_list(self):
            out = []
            for name in self.names:
                layer, target = name.split(".", 1)
                out.append(self.bert.encoder.layer[int(layer)].get_submodule(target))
            return out

        def trainable(self) -> dict:
            return {k: v for k, v in self.state_dict().items() if k.endswith((".A", ".B")) or k.startswith("head.")}

        def forward(self, input_ids, attention_mask):
            h = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            w = attention_mask.unsqueeze(-1).to(h.dtype)
            pooled = nn.functional.normalize((h * w).sum(1) / w.sum(1).clamp(min=1), dim=-1)
            return self.head(pooled).squeeze(-1)

    return Model()


def tokenize(bert, texts: list[str]) -> list[np.ndarray]:
    """Token ids of each text, cut at MAX_TOKENS as the scorer cuts them."""
    enc = bert.tokenizer(list(texts), truncation=True, max_length=MAX_TOKENS)
    return [np.asarray(ids, dtype=np.int64) for ids in enc["input_ids"]]


def _batch(torch, tokens: list[np.ndarray], rows):
    longest = max(len(tokens[i]) for i in rows)
    ids = np.zeros((len(rows), longest), dtype=np.int64)
    mask = np.zeros((len(rows), longest), dtype=np.int64)
    for j, i in enumerate(rows):
        ids[j, : len(tokens[i])] = tokens[i]
        mask[j, : len(tokens[i])] = 1
    return torch.from_numpy(ids), torch.from_numpy(mask)


def predict(model, tokens: list[np.ndarray], batch: int = 128) -> np.ndarray:
    torch = torch_threads()
    model.eval()
    order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
    out = np.zeros(len(tokens))
    with torch.inference_mode():
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            out[rows] = model(*_batch(torch, tokens, rows)).double().numpy()
    return out


def train(bert, tokens: list[np.ndarray], labels: np.ndarray, *, epochs: int = 3, lr: float = LR, head_lr: float = HEAD_LR, batch: int = BATCH, seed: int = 0, on_epoch=None, init: dict | None = None, weights=None, limit: int | None = None):
    """Train adapters + head; ``on_epoch(epoch, model)`` after each epoch. ``init``: a ``trainable()`` state to start from
    (an intermediate task; its head is kept). ``limit`` stops after that many batches (timing)."""
    torch = torch_threads()
    rng = np.random.default_rng(seed)
    model = build(bert, seed=seed)
    if init is not None:
        model.load_state_dict(init, strict=False)
    else:
        with torch.no_grad():
            model.head.weight.mul_(0.0)
            model.head.bias.fill_(math.log(labels.mean() / (1 - labels.mean())))
    adapters = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head.")]
    opt = torch.optim.AdamW([{"params": adapters, "lr": lr}, {"params": model.head.parameters(), "lr": head_lr}], weight_decay=0.01)
    steps = epochs * math.ceil(len(tokens) / batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / (0.06 * steps)) * max(0.0, (steps - s) / steps))
    y = torch.tensor(labels, dtype=torch.float32)
    wt = torch.ones(len(tokens)) if weights is None else torch.tensor(weights, dtype=torch.float32)
    # FGM (as ClaimBuster's own spotter, Meng et al. 2020): a second loss on token embeddings pushed
    # along their gradient; the frozen embeddings get no gradient, so the hook makes them a leaf.
    adv = {"delta": None, "leaf": None}

    def perturb(_module, _inputs, output):
        if not torch.is_grad_enabled():  # scoring between epochs
            return output
        if adv["delta"] is not None:
            return output + adv["delta"]
        adv["leaf"] = output.detach().requires_grad_(True)
        return adv["leaf"]

    hook = model.bert.embeddings.word_embeddings.register_forward_hook(perturb) if ADVERSARIAL else None
    for epoch in range(1, epochs + 1):
        model.train()
        started = time.time()
        perm = rng.permutation(len(tokens))  # batches of similar length (less padding), in random order
        batches = []
        for chunk in [perm[i : i + batch * 50] for i in range(0, len(perm), batch * 50)]:
            chunk = sorted(chunk, key=lambda i: len(tokens[i]))
            batches += [chunk[i : i + batch] for i in range(0, len(chunk), batch)]
        rng.shuffle(batches)
        if limit:
            batches = batches[:limit]
        total, seen = 0.0, 0
        for rows in batches:
            rows = list(rows)
            logits = model(*_batch(torch, tokens, rows))
            loss = (torch.nn.functional.binary_cross_entropy_with_logits(logits, y[rows], reduction="none") * wt[rows]).mean()
            opt.zero_grad()
            loss.backward()
            if hook is not None:
                grad = adv["leaf"].grad
                norm = grad.flatten(1).norm(dim=1).clamp(min=1e-12).view(-1, 1, 1)
                adv["delta"] = ADVERSARIAL * grad / norm
                adv_logits = model(*_batch(torch, tokens, rows))
                (torch.nn.functional.binary_cross_entropy_with_logits(adv_logits, y[rows], reduction="none") * wt[rows]).mean().backward()
                adv["delta"] = None
            torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
            opt.step()
            sched.step()
            total += loss.item() * len(rows)
            seen += len(rows)
        print(f"  epoch {epoch}: loss {total / seen:.4f}, {seen / (time.time() - started):.1f} texts/s", file=sys.stderr, flush=True)
        if on_epoch:
            on_epoch(epoch, model)
    if hook is not None:
        hook.remove()
    return model


@dataclass
class Rows:
    texts: list[str]
    vectors: np.ndarray
    labels: np.ndarray
    tokens: list[np.ndarray]
    ids: list[str] | None = None
    weights: np.ndarray | None = None  # of each row in training (reviewers' rows may weigh more); None: 1 each

    def take(self, idx) -> "Rows":
        return Rows(
            [self.texts[i] for i in idx], self.vectors[idx], self.labels[idx], [self.tokens[i] for i in idx],
            None if self.ids is None else [self.ids[i] for i in idx], None if self.weights is None else self.weights[idx],
        )


def rows(bert, split: cw_data.Split) -> Rows:
    return Rows(split.texts, split.vectors, split.labels, tokenize(bert, split.texts), split.ids)


def linear_head(fit: Rows | list[Rows]):
    """The shipped logistic-regression recipe trained on ``fit`` (uncalibrated), as a scorer head."""
    import train_checkworthy as recipe

    fit = fit if isinstance(fit, list) else [fit]
    texts = [t for r in fit for t in r.texts]
    weights = None if all(r.weights is None for r in fit) else np.concatenate([np.ones(len(r.texts)) if r.weights is None else r.weights for r in fit])
    head = recipe.fit_head(texts, np.vstack([r.vectors for r in fit]), np.concatenate([r.labels for r in fit]), weights=weights)
    return head, recipe.scorer_from(recipe.to_params({"news": head}, {})).heads["news"]


def fit_mixed(bert, fit: Rows, val: Rows, *, score: list[Rows] = (), epochs: int | None = None, seed: int = 0, init: dict | None = None, metric: str = "f1", lr: float = LR, linear_fit: list[Rows] | None = None) -> dict:
    """Adapters trained on ``fit`` and mixed with the linear recipe (trained on ``linear_fit``, default ``fit``);
    the epoch (1..epochs), the weight (MIX) and the cut chosen on ``val`` by ``metric`` (``"f1"`` then AP, or ``"ap"``).

    ``score`` lists rows to score with the chosen model (logits minus the cut, so 0 is the cut).
    Returns the linear parameters, the adapters' trainable state, the weight, the cut, the scores and every run.
    """
    from checkworthiness import average_precision, best_threshold, f1

    lr_params, lr_head = linear_head(linear_fit or fit)
    lr_val = lr_head.logits(val.texts, val.vectors)
    runs = []

    def on_epoch(epoch, model):
        ft_val = predict(model, val.tokens)
        state = {k: v.detach().clone() for k, v in model.trainable().items()}
        for w in MIX:
            mixed = w * ft_val + (1 - w) * lr_val
            cut = best_threshold(val.labels, mixed)
            run = {"epoch": epoch, "mix": w, "cut": cut, "val_f1": f1(val.labels, mixed >= cut), "val_ap": average_precision(val.labels, mixed), "top_mean": float(ft_val.mean()), "state": state}
            runs.append(run)
            print(f"    epoch {epoch} mix {w}: validation F1 {run['val_f1']:.4f} AP {run['val_ap']:.4f}", file=sys.stderr, flush=True)

    train(bert, fit.tokens, fit.labels, epochs=epochs or EPOCHS, seed=seed, on_epoch=on_epoch, init=init, lr=lr, weights=fit.weights)
    key = (lambda r: (r["val_f1"], r["val_ap"])) if metric == "f1" else (lambda r: (r["val_ap"], r["val_f1"]))
    best = dict(max(runs, key=key))
    if score:  # only the chosen epoch's model scores the other rows
        model = build(bert)
        model.load_state_dict(best["state"], strict=False)
        w, cut = best["mix"], best["cut"]
        best["adapted"] = [predict(model, r.tokens) for r in score]
        best["scores"] = [w * a + (1 - w) * lr_head.logits(r.texts, r.vectors) - cut for a, r in zip(best["adapted"], score)]
    lr_cut = best_threshold(val.labels, lr_val)
    best.update({"lr": lr_params, "lr_val_f1": f1(val.labels, lr_val >= lr_cut), "lr_val_ap": average_precision(val.labels, lr_val), "runs": [{k: round(r[k], 4) for k in ("epoch", "mix", "val_f1", "val_ap")} for r in runs]})
    return best


def to_params(model_state: dict, bert, run: dict) -> dict[str, np.ndarray]:
    """A head's parameters (names without the head prefix) for ``claims/checkworthy.npz``: the linear part,
    the adapters and head as float16 ``lora.*`` arrays, ``lora_scale``, ``mix``, ``cut``, ``top_mean``."""
    from claims.checkworthy_encoder import lora_arrays

    model = build(bert)
    model.load_state_dict(model_state, strict=False)
    params = dict(run["lr"])
    params.update(lora_arrays(model.adapters(), model.head, "lora"))
    params.update({"lora_scale": np.float64(model.scale), "mix": np.float64(run["mix"]), "cut": np.float64(run["cut"]), "top_mean": np.float64(run["top_mean"])})
    return params


def save_state(path: Path, state: dict) -> None:
    np.savez(path, **{k: v.numpy() for k, v in state.items()})


def load_state(path: Path) -> dict:
    torch = torch_threads()
    with np.load(path) as data:
        return {k: torch.from_numpy(data[k]) for k in data.files}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", choices=["time", "clef20", "fold1", "clef19-start"])
    parser.add_argument("--out", type=Path, help="clef19-start: where to save the adapters and head")
    parser.add_argument("--rows", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--lr", type=float, default=LR)
    parser.add_argument("--init", type=Path, help="adapters + head to start from (a state saved by --save-state elsewhere)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lora-rank", type=int, default=RANK)
    parser.add_argument("--lora-targets", choices=["qv", "all"], default="qv")
    parser.add_argument("--lora-epochs", type=int, default=EPOCHS, help="fold1: epochs on ClaimBuster")
    parser.add_argument("--adversarial", type=float, default=ADVERSARIAL, help="FGM perturbation of the token embeddings (0: off)")
    args = parser.parse_args()
    configure(args.lora_rank, args.lora_targets, args.lora_epochs, args.adversarial)
    bert = load_bert()
    if args.task == "time":
        cb = cw_data.load("claimbuster", vectors=False)
        pick = np.random.default_rng(0).choice(len(cb.texts), args.rows, replace=False)
        tokens = tokenize(bert, [cb.texts[i] for i in pick])
        started = time.time()
        train(bert, tokens, cb.labels[pick], epochs=1)
        print(json.dumps({"rows": args.rows, "seconds": round(time.time() - started, 1), "mean_tokens": float(np.mean([len(t) for t in tokens]))}))
        return
    started = time.time()
    if args.task == "clef19-start":  # CLEF19 train as an intermediate task; its 2.7% positives weigh half the loss
        c19 = cw_data.load("clef19_train", vectors=False)
        labels = np.asarray(c19.labels, dtype=float)
        weights = np.where(labels == 1, 0.5 / labels.mean(), 0.5 / (1 - labels.mean()))
        model = train(bert, tokenize(bert, c19.texts), labels, epochs=1, weights=weights, seed=args.seed)
        save_state(args.out, {k: v.detach().clone() for k, v in model.trainable().items()})
        print(json.dumps({"out": str(args.out), "seconds": round(time.time() - started)}))
        return
    if args.task == "fold1":  # as bench/checkworthiness.claimbuster_cv_lora, fold 1, without scoring the held-out fold
        from checkworthiness import FOLDS, SEED
        from sklearn.model_selection import StratifiedKFold, train_test_split

        cb = cw_data.load("claimbuster")
        data = rows(bert, cb)
        train_rows, _ = next(iter(StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(cb.texts, cb.labels)))
        fit, val = train_test_split(train_rows, test_size=VALIDATION, stratify=cb.labels[train_rows], random_state=0)
        run = fit_mixed(bert, data.take(fit), data.take(val), epochs=EPOCHS, seed=args.seed, init=load_state(args.init) if args.init else None)
        print(json.dumps({"rank": RANK, "targets": TARGETS, "best": {k: run[k] for k in ("epoch", "mix", "val_f1", "val_ap")}, "lr_val_f1": round(run["lr_val_f1"], 4), "runs": run["runs"], "seconds": round(time.time() - started)}, indent=1))
        return
    fit, val = rows(bert, cw_data.load("clef20_train")), rows(bert, cw_data.load("clef20_dev"))
    run = fit_mixed(bert, fit, val, epochs=args.epochs, seed=args.seed, metric="ap", lr=args.lr, init=load_state(args.init) if args.init else None)
    print(json.dumps({"init": str(args.init), "best": {k: run[k] for k in ("epoch", "mix", "val_ap")}, "lr_dev_ap": round(run["lr_val_ap"], 4), "runs": run["runs"], "seconds": round(time.time() - started)}, indent=1))


if __name__ == "__main__":
    main()
