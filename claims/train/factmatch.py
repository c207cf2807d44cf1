"""Training of the fact-check ranker: features of the CheckThat! splits, the linear, pairwise and tree fits."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from claims.factchecks.ranker import (
    Corpus,
    Ranker,
    candidates_and_features,
    clean_query,
)
from claims.train import claim_matching_data
from claims.train.checkworthy_data import cached_vectors
from claims.train.metrics import map_at_5

ROOT = Path(__file__).resolve().parents[2]

_corpora: dict[str, Corpus] = {}


def corpus(year: str) -> Corpus:
    """The year's verified claims as the database would hold them after ``factchecks import``."""
    if year not in _corpora:
        rows = claim_matching_data.read_tsv(claim_matching_data.vclaims_path(year))
        texts = [r["text"] for r in rows]
        titles = [r.get("title") or "" for r in rows]
        text_vectors = cached_vectors(texts)
        title_vectors = np.zeros_like(text_vectors)
        with_title = [i for i, t in enumerate(titles) if t]
        title_vectors[with_title] = cached_vectors([titles[i] for i in with_title])
        _corpora[year] = Corpus([r["id"] for r in rows], texts, titles, text_vectors, title_vectors)
    return _corpora[year]


def split_features(year: str, name: str):
    """(per-query candidate rows and features, the split, the corpus) for one split."""
    split = claim_matching_data.load_split(year, name)
    found = corpus(year)
    vectors = cached_vectors([clean_query(t) for _, t in split.queries])
    return candidates_and_features(found, [t for _, t in split.queries], vectors), split, found


def labelled(year: str, name: str):
    blocks, split, found = split_features(year, name)
    xs, ys = [], []
    for (query_id, _), (rows, matrix) in zip(split.queries, blocks):
        relevant = split.qrels.get(query_id, set())
        xs.append(matrix)
        ys.append(np.array([found.ids[r] in relevant for r in rows], dtype=np.int8))
    return blocks, split, found, np.vstack(xs), np.concatenate(ys)


def evaluate(blocks, split, found, scorer) -> float:
    ranked = {}
    for (query_id, _), (rows, matrix) in zip(split.queries, blocks):
        scores = scorer(matrix)
        ranked[query_id] = [found.ids[rows[i]] for i in np.argsort(-scores, kind="stable")[:5]]
    return map_at_5(ranked, split.qrels)


def fit(x: np.ndarray, y: np.ndarray, c: float, note: str) -> Ranker:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(0), x.std(0) + 1e-6
    model = LogisticRegression(C=c, max_iter=2000).fit((x - mean) / scale, y)
    return Ranker(mean, scale, model.coef_[0], float(model.intercept_[0]), note=note)


GBM_ITERATIONS = 300


def fit_gbm(x: np.ndarray, y: np.ndarray, depth: int):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=GBM_ITERATIONS, learning_rate=0.05, max_depth=depth, random_state=0
    ).fit(x, y)


def fit_pairwise(train, c: float, note: str) -> Ranker:
    """RankSVM-style: logistic regression on (relevant - other candidate) differences within each query."""
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([t[3] for t in train])
    mean, scale = x.mean(0), x.std(0) + 1e-6
    diffs = []
    for blocks, split, found, _, _ in train:
        for (query_id, _), (rows, matrix) in zip(split.queries, blocks):
            relevant = split.qrels.get(query_id, set())
            label = np.array([found.ids[r] in relevant for r in rows])
            if label.any() and (~label).any():
                z = (matrix - mean) / scale
                diffs.append((z[label][:, None, :] - z[~label][None, :, :]).reshape(-1, z.shape[1]))
    d = np.vstack(diffs)
    model = LogisticRegression(C=c, max_iter=2000, fit_intercept=False).fit(
        np.vstack([d, -d]), np.r_[np.ones(len(d)), np.zeros(len(d))]
    )
    return Ranker(mean, scale, model.coef_[0], 0.0, note=note)


def parse(spec: str) -> list[tuple[str, str]]:
    return [tuple(part.split(":")) for part in spec.split(",") if part]
