"""The pair model's data and cut: MRPC as published, both sentences in one input, the best-F1 cut."""

from __future__ import annotations

import numpy as np

from claims.train.metrics import best_threshold
from claims.train.pair_model import mrpc, pair_tokens


def test_mrpc_loads_with_the_published_counts():
    train, test = mrpc("train"), mrpc("test")
    assert (len(train.labels), int(train.labels.sum())) == (4076, 2753)
    assert (len(test.labels), int(test.labels.sum())) == (1725, 1147)
    assert train.first[0].startswith("Amrozi accused his brother")


def test_the_cut_is_the_score_with_the_best_f1():
    labels = np.array([0, 0, 1, 1, 0, 1])
    scores = np.array([0.1, 0.2, 0.7, 0.8, 0.75, 0.9])
    assert (
        best_threshold(labels, scores) == 0.7
    )  # 3 of 3 found, one false: F1 0.857, better than any other cut


def test_both_sentences_go_in_one_input_separated_once():
    from claims.train.lora import load_bert

    bert = load_bert()
    pair = mrpc("test")
    pair.first, pair.second = ["Kabul is calm."], ["The city is quiet."]
    (ids,) = pair_tokens(bert, pair)
    words = bert.tokenizer.convert_ids_to_tokens(ids.tolist())
    assert words[0] == "[CLS]" and words.count("[SEP]") == 2 and "kabul" in words and "quiet" in words
