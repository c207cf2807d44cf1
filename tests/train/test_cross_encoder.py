"""The fully fine-tuned cross-encoder: a tiny fine-tune runs end to end and both orders make it symmetric."""

from __future__ import annotations

import json

import numpy as np

from claims.train import cross_encoder
from claims.train.pair_model import Pairs, mrpc


def test_a_tiny_fine_tune_scores_every_pair_the_same_both_ways_round(tmp_path):
    from claims.train.lora import load_bert

    bert = load_bert()
    train = mrpc("train")
    few = Pairs(train.first[:40], train.second[:40], train.labels[:40])
    model, epoch, cut, history = cross_encoder.fit(bert, few, cross_encoder.Config(epochs=1))
    assert epoch == 1 and [h["epoch"] for h in history] == [1]

    s = cross_encoder.scores(bert, model, few)
    assert s.shape == (40,) and np.all((s >= 0) & (s <= 1)) and s.min() <= cut <= s.max()
    swapped = Pairs(few.second, few.first, few.labels)
    assert np.allclose(s, cross_encoder.scores(bert, model, swapped))  # the mean of both orders

    cross_encoder.save(model, tmp_path / "model", {"cut": cut, "epoch": epoch})
    assert json.loads((tmp_path / "model" / "meta.json").read_text())["cut"] == cut
    assert (tmp_path / "model" / "model.safetensors").stat().st_size > 10_000_000
