"""Fine-tuning on CLEF 2020 tweets (train -> dev) and a ClaimBuster model on CLEF 2019 train debates (exploration).

    .venv/bin/python bench/explore_finetune_clef.py clef20 [--init MODEL.pt] [--epochs 6]
    .venv/bin/python bench/explore_finetune_clef.py clef19 --init MODEL.pt
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cw_data
import cw_finetune as ft
from checkworthiness import average_precision, clef19_map


def main():
    p = argparse.ArgumentParser()
    p.add_argument("task", choices=["clef20", "clef19"])
    p.add_argument("--split", type=int, default=4)
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--lr", type=float, default=3e-5)
    p.add_argument("--init", type=Path)
    a = p.parse_args()
    import torch
    import train_checkworthy as train

    enc = ft.Encoder(a.split)
    if a.task == "clef20":
        tr, dv = cw_data.load("clef20_train"), cw_data.load("clef20_dev")
        head = train.fit_head(tr.texts, tr.vectors, tr.labels)
        lr_logit = train.scorer_from(train.to_params({"news": head}, {})).heads["news"].logits(dv.texts, dv.vectors)
        print(json.dumps({"lr_dev_ap": round(average_precision(dv.labels, lr_logit), 4)}), flush=True)
        s_tr, s_dv = enc.lower(tr.texts), enc.lower(dv.texts)

        def on_epoch(epoch, model):
            z = ft.predict(enc, model, s_dv)
            out = {"epoch": epoch, "ft": round(average_precision(dv.labels, z), 4)}
            for w in (0.3, 0.5, 0.7):
                out[f"ens{w}"] = round(average_precision(dv.labels, w * z + (1 - w) * lr_logit), 4)
            print(json.dumps(out), flush=True)

        init = torch.load(a.init) if a.init else None
        ft.train(enc, s_tr, tr.labels, epochs=a.epochs, lr=a.lr, on_epoch=on_epoch, init=init)
    else:
        d = cw_data.load("clef19_train")
        cb = cw_data.load("claimbuster")
        head = train.fit_head(cb.texts, cb.vectors, cb.labels)
        lr_logit = train.scorer_from(train.to_params({"news": head}, {})).heads["news"].logits(d.texts, d.vectors)
        model = ft.top_model(enc)
        model.load_state_dict(torch.load(a.init))
        z = ft.predict(enc, model, enc.lower(d.texts))
        out = {"lr": round(clef19_map(d.ids, d.labels, lr_logit), 4), "ft": round(clef19_map(d.ids, d.labels, z), 4)}
        for w in (0.3, 0.5, 0.7):
            out[f"ens{w}"] = round(clef19_map(d.ids, d.labels, w * z + (1 - w) * lr_logit), 4)
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
