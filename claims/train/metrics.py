"""Metrics of the benchmarks: average precision, the CLEF 2019 MAP over debates, F1 of the
positive class and its best threshold, and MAP@5 of claim matching."""

from __future__ import annotations

import numpy as np


def average_precision(labels: np.ndarray, scores: np.ndarray) -> float:
    """AP of a ranking by descending score (ties kept in input order, a stable sort)."""
    order = np.argsort(-np.asarray(scores), kind="stable")
    hits = np.asarray(labels)[order] > 0
    if not hits.any():
        return 0.0
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision[hits].mean())


def clef19_map(ids: list[str], labels: np.ndarray, scores: np.ndarray) -> float:
    debates = np.array([i.split(":")[0] for i in ids])
    return float(
        np.mean([average_precision(labels[debates == d], scores[debates == d]) for d in sorted(set(debates))])
    )


def best_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    """The score threshold with the highest F1 of class 1 on (labels, scores)."""
    order = np.argsort(-scores, kind="stable")
    hits = labels[order] > 0
    tp = np.cumsum(hits)
    f1 = 2 * tp / (np.arange(1, len(hits) + 1) + hits.sum())
    return float(scores[order][int(np.argmax(f1))])


def f1(labels: np.ndarray, predicted: np.ndarray) -> float:
    tp = int(np.sum(predicted & (labels > 0)))
    return 2 * tp / max(int(predicted.sum()) + int((labels > 0).sum()), 1)


def map_at_5(ranked: dict[str, list[str]], qrels: dict[str, set[str]]) -> float:
    """MAP@5 as trec_eval's map_cut_5: AP over the top 5, divided by the number of relevant claims.

    Queries without relevant claims are not scored (as the lab's scorer); a query with
    relevant claims but no ranking counts 0.
    """
    total = 0.0
    for query_id, relevant in qrels.items():
        hits, precision_sum = 0, 0.0
        for position, claim_id in enumerate(ranked.get(query_id, [])[:5], start=1):
            if claim_id in relevant:
                hits += 1
                precision_sum += hits / position
        total += precision_sum / len(relevant)
    return total / len(qrels) if qrels else 0.0
