"""LoRA adapters on every layer of the bundled encoder, trained for check-worthiness.

The training library behind ``python -m bench.train_checkworthy --lora`` (the
shipped model) and ``python -m bench.checkworthiness --method lora`` (its
cross-validation); the search model's training builds on it too.

Low-rank matrices A (rank x in) and B (out x rank, zero at the start) are added
to the query and value projections (``TARGETS``; ``all``: every linear layer) of
all 6 layers of all-MiniLM-L6-v2: ``W x + ALPHA * B A x``. The bundled weights
stay frozen; the adapters and a linear head over the mean-pooled, normalised
output (the sentence embedding itself before training) are trained end to end.
The adapted model's logit is mixed with the shipped logistic-regression recipe,
the epoch, the weight and the cut chosen on rows the training never sees. Needs
torch (installed with sentence-transformers).
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from dataclasses import dataclass

import numpy as np

from claims.checkworthy.encoder import MAX_TOKENS
from claims.train import checkworthy_data, checkworthy_head
from claims.train.metrics import average_precision, best_threshold, f1

RANK = 8
ALPHA = 2.0  # the adapters' output is scaled by ALPHA (alpha / rank = 16 / 8 in the usual notation)
TARGETS = ("attention.self.query", "attention.self.value")
ALL_LINEAR = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)
LORA_DROPOUT = 0.1
LR = 5e-4  # adapters
HEAD_LR = 1e-3
BATCH = 32
EPOCHS = 3
MIX = (0.3, 0.5, 0.7, 1.0)  # weight of the adapted model's logit against the logistic-regression head's
VALIDATION = (
    0.15  # share of the ClaimBuster training rows held out to choose the epoch, the weight and the cut
)


def torch_threads():
    import torch

    torch.set_num_threads(int(os.environ.get("CW_THREADS", "1")))
    return torch


def load_bert():
    """The bundled model's tokenizer and BERT (a fresh copy, never the shared embedder)."""
    torch_threads()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    from claims.checkworthy.encoder import Bert
    from claims.embed.encoder import model_path

    return Bert(SentenceTransformer(str(model_path()), device="cpu"))


def configure(rank: int | None = None, targets: str | None = None, epochs: int | None = None) -> None:
    """Set the rank, the adapted modules (``"qv"``: query and value, ``"all"``: every linear layer)
    and the number of epochs on ClaimBuster (the epoch is chosen among 1..epochs)."""
    global RANK, TARGETS, EPOCHS
    RANK = rank or RANK
    EPOCHS = epochs or EPOCHS
    TARGETS = {None: TARGETS, "qv": ("attention.self.query", "attention.self.value"), "all": ALL_LINEAR}[
        targets
    ]


def add_arguments(parser) -> None:
    """``--lora-rank``, ``--lora-targets`` and ``--lora-epochs``, as both training scripts take them
    (pass them to :func:`configure`)."""
    parser.add_argument("--lora-rank", type=int, default=8, help="rank of the LoRA adapters (default 8)")
    parser.add_argument(
        "--lora-targets",
        choices=["qv", "all"],
        default="qv",
        help="LoRA on the query and value projections (default) or on every linear layer",
    )
    parser.add_argument(
        "--lora-epochs",
        type=int,
        default=3,
        help="LoRA epochs on ClaimBuster, the best on the validation slice kept (default 3)",
    )


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
            return {
                k: v
                for k, v in self.state_dict().items()
                if k.endswith((".A", ".B")) or k.startswith("head.")
            }

        def forward(self, input_ids, attention_mask):
            h = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            w = attention_mask.unsqueeze(-1).to(h.dtype)
            pooled = nn.functional.normalize((h * w).sum(1) / w.sum(1).clamp(min=1), dim=-1)
            return self.head(pooled).squeeze(-1)

    return Model()


def tokenize(bert, texts: list[str]) -> list[np.ndarray]:
    """Token ids of each text, cut at MAX_TOKENS as the scorer cuts them."""
    enc = bert.tokenizer(list(texts), truncation=True, max_length=MAX_TOKENS)
    return [np.asarray(ids, dtype=np.int64) for ids in enc["input_ids"]]


def pad_batch(torch, tokens: list[np.ndarray], rows):
    """Token ids of ``rows``, right-padded with zeros to the longest, and their attention mask, as tensors."""
    longest = max(len(tokens[i]) for i in rows)
    ids = np.zeros((len(rows), longest), dtype=np.int64)
    mask = np.zeros((len(rows), longest), dtype=np.int64)
    for j, i in enumerate(rows):
        ids[j, : len(tokens[i])] = tokens[i]
        mask[j, : len(tokens[i])] = 1
    return torch.from_numpy(ids), torch.from_numpy(mask)


def predict(model, tokens: list[np.ndarray], batch: int = 128, *, inputs=None) -> np.ndarray:
    """The model's logit for each row of ``tokens``, in batches of similar length; ``inputs(torch,
    rows)`` makes a batch's arguments (default: the padded ids and their mask)."""
    torch = torch_threads()
    inputs = inputs or (lambda torch, rows: pad_batch(torch, tokens, rows))
    model.eval()
    order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
    out = np.zeros(len(tokens))
    with torch.inference_mode():
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            out[rows] = model(*inputs(torch, rows)).double().numpy()
    return out


def train(
    bert,
    tokens: list[np.ndarray],
    labels: np.ndarray,
    *,
    epochs: int = 3,
    lr: float = LR,
    head_lr: float = HEAD_LR,
    batch: int = BATCH,
    seed: int = 0,
    on_epoch=None,
    init: dict | None = None,
    weights=None,
):
    """Train adapters + head; ``on_epoch(epoch, model)`` after each epoch. ``init``: a ``trainable()`` state to start from
    (an intermediate task; its head is kept)."""
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
    opt = torch.optim.AdamW(
        [{"params": adapters, "lr": lr}, {"params": model.head.parameters(), "lr": head_lr}],
        weight_decay=0.01,
    )
    steps = epochs * math.ceil(len(tokens) / batch)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.06 * steps)) * max(0.0, (steps - s) / steps)
    )
    y = torch.tensor(labels, dtype=torch.float32)
    wt = torch.ones(len(tokens)) if weights is None else torch.tensor(weights, dtype=torch.float32)
    for epoch in range(1, epochs + 1):
        model.train()
        started = time.time()
        batches = length_batches(rng, [len(t) for t in tokens], batch)
        total, seen = 0.0, 0
        for rows in batches:
            rows = list(rows)
            logits = model(*pad_batch(torch, tokens, rows))
            loss = (
                torch.nn.functional.binary_cross_entropy_with_logits(logits, y[rows], reduction="none")
                * wt[rows]
            ).mean()
            step(torch, opt, sched, loss, [p for p in model.parameters() if p.requires_grad])
            total += loss.item() * len(rows)
            seen += len(rows)
        end_epoch(
            epoch, model, on_epoch, f"loss {total / seen:.4f}, {seen / (time.time() - started):.1f} texts/s"
        )
    return model


def end_epoch(epoch: int, model, on_epoch, progress: str) -> None:
    """Report an epoch's ``progress`` on stderr, then hand the model to ``on_epoch(epoch, model)``."""
    print(f"  epoch {epoch}: {progress}", file=sys.stderr, flush=True)
    if on_epoch:
        on_epoch(epoch, model)


def step(torch, opt, sched, loss, params) -> None:
    """One optimiser step on ``loss``, gradients clipped to norm 1."""
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    sched.step()


def length_batches(rng, lengths: list[int], batch: int) -> list[list[int]]:
    """Row indices in batches of similar length (less padding), the batches in random order."""
    perm = rng.permutation(len(lengths))
    batches = []
    for chunk in [perm[i : i + batch * 50] for i in range(0, len(perm), batch * 50)]:
        chunk = sorted(chunk, key=lambda i: lengths[i])
        batches += [list(chunk[i : i + batch]) for i in range(0, len(chunk), batch)]
    rng.shuffle(batches)
    return batches


@dataclass
class Rows:
    texts: list[str]
    vectors: np.ndarray
    labels: np.ndarray
    tokens: list[np.ndarray]
    ids: list[str] | None = None
    weights: np.ndarray | None = (
        None  # of each row in training (reviewers' rows may weigh more); None: 1 each
    )

    def take(self, idx) -> Rows:
        return Rows(
            [self.texts[i] for i in idx],
            self.vectors[idx],
            self.labels[idx],
            [self.tokens[i] for i in idx],
            None if self.ids is None else [self.ids[i] for i in idx],
            None if self.weights is None else self.weights[idx],
        )


def rows(bert, split: checkworthy_data.Split) -> Rows:
    return Rows(split.texts, split.vectors, split.labels, tokenize(bert, split.texts), split.ids)


def linear_head(fit: Rows | list[Rows]):
    """The shipped logistic-regression recipe trained on ``fit`` (uncalibrated), as a scorer head."""
    fit = fit if isinstance(fit, list) else [fit]
    texts = [t for r in fit for t in r.texts]
    weights = (
        None
        if all(r.weights is None for r in fit)
        else np.concatenate([np.ones(len(r.texts)) if r.weights is None else r.weights for r in fit])
    )
    head = checkworthy_head.fit_head(
        texts, np.vstack([r.vectors for r in fit]), np.concatenate([r.labels for r in fit]), weights=weights
    )
    return head, checkworthy_head.scorer_from(checkworthy_head.to_params({"news": head}, {})).heads["news"]


def fit_mixed(
    bert,
    fit: Rows,
    val: Rows,
    *,
    score: list[Rows] = (),
    epochs: int | None = None,
    seed: int = 0,
    init: dict | None = None,
    metric: str = "f1",
    lr: float = LR,
    linear_fit: list[Rows] | None = None,
) -> dict:
    """Adapters trained on ``fit`` and mixed with the linear recipe (trained on ``linear_fit``, default ``fit``);
    the epoch (1..epochs), the weight (MIX) and the cut chosen on ``val`` by ``metric`` (``"f1"`` then AP, or ``"ap"``).

    ``score`` lists rows to score with the chosen model (logits minus the cut, so 0 is the cut).
    Returns the linear parameters, the adapters' trainable state, the weight, the cut, the scores and every run.
    """
    lr_params, lr_head = linear_head(linear_fit or fit)
    lr_val = lr_head.logits(val.texts, val.vectors)
    runs = []

    def on_epoch(epoch, model):
        ft_val = predict(model, val.tokens)
        state = {k: v.detach().clone() for k, v in model.trainable().items()}
        for w in MIX:
            mixed = w * ft_val + (1 - w) * lr_val
            cut = best_threshold(val.labels, mixed)
            run = {
                "epoch": epoch,
                "mix": w,
                "cut": cut,
                "val_f1": f1(val.labels, mixed >= cut),
                "val_ap": average_precision(val.labels, mixed),
                "top_mean": float(ft_val.mean()),
                "state": state,
            }
            runs.append(run)
            print(
                f"    epoch {epoch} mix {w}: validation F1 {run['val_f1']:.4f} AP {run['val_ap']:.4f}",
                file=sys.stderr,
                flush=True,
            )

    train(
        bert,
        fit.tokens,
        fit.labels,
        epochs=epochs or EPOCHS,
        seed=seed,
        on_epoch=on_epoch,
        init=init,
        lr=lr,
        weights=fit.weights,
    )
    key = (lambda r: (r["val_f1"], r["val_ap"])) if metric == "f1" else (lambda r: (r["val_ap"], r["val_f1"]))
    best = dict(max(runs, key=key))
    if score:  # only the chosen epoch's model scores the other rows
        model = build(bert)
        model.load_state_dict(best["state"], strict=False)
        w, cut = best["mix"], best["cut"]
        best["adapted"] = [predict(model, r.tokens) for r in score]
        best["scores"] = [
            w * a + (1 - w) * lr_head.logits(r.texts, r.vectors) - cut for a, r in zip(best["adapted"], score)
        ]
    lr_cut = best_threshold(val.labels, lr_val)
    best.update(
        {
            "lr": lr_params,
            "lr_val_f1": f1(val.labels, lr_val >= lr_cut),
            "lr_val_ap": average_precision(val.labels, lr_val),
            "runs": [{k: round(r[k], 4) for k in ("epoch", "mix", "val_f1", "val_ap")} for r in runs],
        }
    )
    return best


def to_params(model_state: dict, bert, run: dict) -> dict[str, np.ndarray]:
    """A head's parameters (names without the head prefix) for ``claims/checkworthy.npz``: the linear part,
    the adapters and head as float16 ``lora.*`` arrays, ``lora_scale``, ``mix``, ``cut``, ``top_mean``."""
    from claims.checkworthy.encoder import lora_arrays

    model = build(bert)
    model.load_state_dict(model_state, strict=False)
    params = dict(run["lr"])
    params.update(lora_arrays(model.adapters(), model.head, "lora"))
    params.update(
        {
            "lora_scale": np.float64(model.scale),
            "mix": np.float64(run["mix"]),
            "cut": np.float64(run["cut"]),
            "top_mean": np.float64(run["top_mean"]),
        }
    )
    return params


def fit_lora(
    texts: list[str],
    vectors: np.ndarray,
    labels: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    extra: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], dict]:
    """The news head with LoRA adapters mixed in (:func:`fit_mixed`): 85% of the rows
    train both models, the other 15% choose the epoch, the weight and the cut. Returns the parameters and the run.

    ``extra`` (row numbers: reviewers' decisions) always train, with their ``weights``, and never choose:
    the choice follows the benchmark's definition of check-worthy, not a handful of rows."""
    from sklearn.model_selection import train_test_split

    started = time.time()
    bert = load_bert()
    data = Rows(texts, vectors, labels, tokenize(bert, texts), weights=weights)
    extra = np.asarray([] if extra is None else extra, dtype=np.int64)
    base = np.setdiff1d(np.arange(len(texts)), extra)
    fit, val = train_test_split(base, test_size=VALIDATION, stratify=labels[base], random_state=0)
    run = fit_mixed(bert, data.take(np.concatenate([fit, extra])), data.take(val))
    print(
        f"news LoRA: epoch {run['epoch']}, mix {run['mix']}, validation F1 {run['val_f1']:.4f} (linear only {run['lr_val_f1']:.4f}), {time.time() - started:.0f} s",
        flush=True,
    )
    return to_params(run["state"], bert, run), run


def fit_lora_tweets(news_state: dict | None, epochs: int = 6) -> dict[str, np.ndarray]:
    """The tweets head with LoRA adapters: trained on CLEF20 train from scratch and from the news head's
    adapters (ClaimBuster as an intermediate task); the start, the epoch (1..epochs) and the weight are
    chosen by AP on CLEF20 dev, the cut by F1 there. The linear part is then refitted on train + dev
    as shipped."""
    started = time.time()
    bert = load_bert()
    tr, dv = (
        rows(bert, checkworthy_data.load("clef20_train")),
        rows(bert, checkworthy_data.load("clef20_dev")),
    )
    runs = {}
    for start, init in [("scratch", None), ("claimbuster", news_state)]:
        if start == "claimbuster" and init is None:
            continue
        runs[start] = fit_mixed(bert, tr, dv, epochs=epochs, metric="ap", init=init)
        print(
            f"tweets LoRA from {start}: epoch {runs[start]['epoch']}, mix {runs[start]['mix']}, dev AP {runs[start]['val_ap']:.4f} (linear only {runs[start]['lr_val_ap']:.4f}); every epoch and weight: {json.dumps(runs[start]['runs'])}",
            flush=True,
        )
    start = max(runs, key=lambda k: runs[k]["val_ap"])
    run = runs[start]
    run["lr"] = checkworthy_head.fit_head(
        tr.texts + dv.texts, np.vstack([tr.vectors, dv.vectors]), np.concatenate([tr.labels, dv.labels])
    )
    print(f"tweets LoRA: chose the start from {start}, {time.time() - started:.0f} s", flush=True)
    return to_params(run["state"], bert, run)
