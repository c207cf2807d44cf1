"""Cross-validation of the check-worthiness model on ClaimBuster, with and without LoRA adapters."""

from __future__ import annotations

import sys
import time

import numpy as np

from claims.train import checkworthy_data, checkworthy_head, lora
from claims.train.metrics import best_threshold, f1

FOLDS, SEED = 4, 0


def claimbuster_cv(blocks: tuple[str, ...], cv_data: str) -> tuple[float, list[float]]:
    from sklearn.model_selection import StratifiedKFold

    cb = checkworthy_data.load("claimbuster")
    names = checkworthy_head.UNION if cv_data == "union" else checkworthy_head.HEADS["news"]
    extra = [checkworthy_data.load(n) for n in names if n != "claimbuster"]

    def fit_score(train_rows: np.ndarray, test_rows: np.ndarray) -> np.ndarray:
        texts = [cb.texts[i] for i in train_rows] + [t for s in extra for t in s.texts]
        vectors = np.vstack([cb.vectors[train_rows], *[s.vectors for s in extra]])
        labels = np.concatenate([cb.labels[train_rows], *[s.labels for s in extra]])
        head = checkworthy_head.fit_head(texts, vectors, labels, blocks=blocks)
        scorer = checkworthy_head.scorer_from(checkworthy_head.to_params({"news": head}, {}))
        return scorer.score([cb.texts[i] for i in test_rows], cb.vectors[test_rows], domain="news")

    scores = []
    for k, (rows, held_out) in enumerate(
        StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(cb.texts, cb.labels)
    ):
        inner = np.zeros(len(rows))
        for a, b in StratifiedKFold(3, shuffle=True, random_state=SEED + 1).split(rows, cb.labels[rows]):
            inner[b] = fit_score(rows[a], rows[b])
        threshold = best_threshold(cb.labels[rows], inner)
        predicted = fit_score(rows, held_out) >= threshold
        scores.append(f1(cb.labels[held_out], predicted))
        print(f"  fold {k + 1}: threshold {threshold:.3f}  F1 {scores[-1]:.4f}", file=sys.stderr, flush=True)
    return float(np.mean(scores)), scores


def claimbuster_cv_lora() -> tuple[float, list[float], list[dict]]:
    """As :func:`claimbuster_cv` with LoRA adapters on every layer mixed in (``claims.train.lora.fit_mixed``).

    In each fold 15% of the training folds (stratified, seed 0) choose the epoch,
    the mixing weight and the cut; both models learn from the other 85%; the
    held-out fold is only scored.
    """
    from sklearn.model_selection import StratifiedKFold, train_test_split

    cb = checkworthy_data.load("claimbuster")
    bert = lora.load_bert()
    data = lora.rows(bert, cb)
    scores, chosen = [], []
    for k, (rows, held_out) in enumerate(
        StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(cb.texts, cb.labels)
    ):
        started = time.time()
        fit, val = train_test_split(rows, test_size=lora.VALIDATION, stratify=cb.labels[rows], random_state=0)
        run = lora.fit_mixed(bert, data.take(fit), data.take(val), score=[data.take(held_out)])
        scores.append(f1(cb.labels[held_out], run["scores"][0] >= 0))
        chosen.append(
            {
                "fold": k + 1,
                "epoch": run["epoch"],
                "mix": run["mix"],
                "validation_f1": round(run["val_f1"], 4),
                "validation_f1_lr_only": round(run["lr_val_f1"], 4),
                "seconds": round(time.time() - started),
            }
        )
        print(f"  fold {k + 1}: {chosen[-1]}  F1 {scores[-1]:.4f}", file=sys.stderr, flush=True)
    return float(np.mean(scores)), scores, chosen
