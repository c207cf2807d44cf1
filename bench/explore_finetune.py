"""Is fine-tuning worth it? One ClaimBuster outer fold, judged on a validation slice of its training folds only.

    .venv/bin/python bench/explore_finetune.py [--split 4] [--epochs 3] [--lr 3e-5]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cw_data
import cw_finetune as ft
from checkworthiness import FOLDS, SEED, average_precision, best_threshold, f1


def best_f1(labels, scores):
    t = best_threshold(labels, scores)
    return f1(labels, scores >= t)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--split", type=int, default=4)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--lr", type=float, default=3e-5)
    p.add_argument("--fold", type=int, default=0)
    p.add_argument("--save", type=Path)
    a = p.parse_args()
    import train_checkworthy as train
    from sklearn.model_selection import StratifiedKFold, train_test_split

    cb = cw_data.load("claimbuster")
    rows, _held_out = list(StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(cb.texts, cb.labels))[a.fold]
    fit, val = train_test_split(rows, test_size=0.15, stratify=cb.labels[rows], random_state=SEED)
    head = train.fit_head([cb.texts[i] for i in fit], cb.vectors[fit], cb.labels[fit])
    lr_logit = train.scorer_from(train.to_params({"news": head}, {})).heads["news"].logits([cb.texts[i] for i in val], cb.vectors[val])
    yv = cb.labels[val]
    print(json.dumps({"lr": {"ap": round(average_precision(yv, lr_logit), 4), "f1": round(best_f1(yv, lr_logit), 4)}}), flush=True)
    enc = ft.Encoder(a.split)
    states = enc.lower(cb.texts)

    def on_epoch(epoch, model):
        z = ft.predict(enc, model, [states[i] for i in val])
        out = {"epoch": epoch, "ft": {"ap": round(average_precision(yv, z), 4), "f1": round(best_f1(yv, z), 4)}}
        for w in (0.3, 0.5, 0.7):
            e = w * z + (1 - w) * lr_logit
            out[f"ens{w}"] = {"ap": round(average_precision(yv, e), 4), "f1": round(best_f1(yv, e), 4)}
        print(json.dumps(out), flush=True)

    model = ft.train(enc, [states[i] for i in fit], cb.labels[fit], epochs=a.epochs, lr=a.lr, on_epoch=on_epoch)
    if a.save:
        import torch

        torch.save(model.state_dict(), a.save)


if __name__ == "__main__":
    main()
