"""The shipped linear recipe of a check-worthiness head: fitting, calibration and the parameter file.

Each head is the average of two logistic regressions: one over the bundled
sentence embedding plus the cheap features, one over TF-IDF word (1-2 gram) and
character (2-5 gram) features; ``HEADS`` names the sets each head learns from.
Needs scikit-learn to fit; the scorer runs in numpy.
"""

from __future__ import annotations

import json

import numpy as np

from claims.checkworthy.features import FEATURES, chars, feature_matrix, words
from claims.checkworthy.model import Scorer

C_DENSE = 1.0  # inverse regularisation of the embedding + features model
C_SPARSE = 4.0  # and of the TF-IDF model
MAX_WORDS = 40_000
MAX_CHARS = 60_000
HEADS = {
    "news": ["claimbuster"],
    "tweets": ["clef20_train", "clef20_dev"],
}
# Every training set: better on the CLEF 2019 debates in cross-validation over its
# train split (MAP 0.257 against 0.247), worse on ClaimBuster (F1 0.766 against 0.809);
# the news head follows ClaimBuster's definition of a check-worthy factual sentence.
UNION = ["claimbuster", "clef19_train", "clef20_train", "clef20_dev"]
CALIBRATE_ON = {"news": {"claimbuster"}, "tweets": {"clef20_train", "clef20_dev"}}  # see calibrate()


def fit_head(
    texts: list[str],
    vectors: np.ndarray,
    labels: np.ndarray,
    *,
    blocks: tuple[str, ...] = ("dense", "sparse"),
    weights: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Train one head; returns its parameters (names without the head prefix).

    ``blocks`` leaves out one of the two models for comparisons in the bench
    (its weights are then zero): ``("dense",)`` is embeddings + features only,
    ``("sparse",)`` TF-IDF only. ``weights`` weigh the rows (default 1 each).
    """
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    dense_x = np.hstack([vectors, feature_matrix(texts)])
    dense = LogisticRegression(C=C_DENSE, max_iter=5000).fit(dense_x, labels, sample_weight=weights)
    vw = TfidfVectorizer(analyzer=words, sublinear_tf=True, min_df=2, max_features=MAX_WORDS)
    vc = TfidfVectorizer(analyzer=chars, sublinear_tf=True, min_df=3, max_features=MAX_CHARS)
    xw, xc = vw.fit_transform(texts), vc.fit_transform(texts)
    sparse = LogisticRegression(C=C_SPARSE, max_iter=5000).fit(
        sp.hstack([xw, xc]).tocsr(), labels, sample_weight=weights
    )
    d = vectors.shape[1]
    n_words = len(vw.vocabulary_)
    coef = sparse.coef_[0]
    if "dense" not in blocks:
        dense.coef_[:] = 0.0
        dense.intercept_[:] = 0.0
    if "sparse" not in blocks:
        coef = np.zeros_like(coef)
        sparse.intercept_[:] = 0.0
    # Centre the embedding, the features and the character block on the training average so
    # explanations read "compared with a typical training sentence"; the bias absorbs the shift.
    mean = dense_x.mean(axis=0)
    chars_mean = float(np.mean(xc @ coef[n_words:]))
    bias = 0.5 * (dense.intercept_[0] + sparse.intercept_[0] + mean @ dense.coef_[0] + chars_mean)
    return {
        "emb": dense.coef_[0][:d],
        "emb.mean": mean[:d],
        "features": dense.coef_[0][d:],
        "features.mean": mean[d:],
        "bias": np.float64(bias),
        "chars.mean": np.float64(chars_mean),
        "words.vocab": _blob(vw.get_feature_names_out()),
        "words.idf": vw.idf_,
        "words.coef": coef[:n_words],
        "chars.vocab": _blob(vc.get_feature_names_out()),
        "chars.idf": vc.idf_,
        "chars.coef": coef[n_words:],
    }


def calibrate(
    texts: list[str], vectors: np.ndarray, labels: np.ndarray, reference: np.ndarray, weights: np.ndarray
) -> float:
    """The logit of the best-F1 threshold in 3-fold cross-validation over the training data.

    Subtracted from the head's bias, so that 0.5 is the cut with the best F1 of
    the check-worthy class on the ``reference`` rows (ClaimBuster for the news
    head: its "check-worthy factual sentence" is the definition we follow).
    Scores move, rankings do not.
    """
    from sklearn.model_selection import StratifiedKFold

    logits = np.zeros(len(texts))
    for a, b in StratifiedKFold(3, shuffle=True, random_state=0).split(texts, labels):
        head = fit_head([texts[i] for i in a], vectors[a], labels[a], weights=weights[a])
        scorer = scorer_from(to_params({"news": head}, {}))
        logits[b] = scorer.heads["news"].logits([texts[i] for i in b], vectors[b])
    keep = reference.astype(bool)
    order = np.argsort(-logits[keep], kind="stable")
    hits = labels[keep][order] > 0
    f1 = 2 * np.cumsum(hits) / (np.arange(1, len(hits) + 1) + hits.sum())
    return float(logits[keep][order][int(np.argmax(f1))])


def _blob(strings) -> np.ndarray:
    return np.frombuffer("\n".join(strings).encode("utf-8"), dtype=np.uint8)


def to_params(
    heads: dict[str, dict[str, np.ndarray]], trained_on: dict[str, list[str]]
) -> dict[str, np.ndarray]:
    """All heads' parameters under ``<head>.<name>`` plus a JSON ``meta`` entry."""
    meta = {
        "heads": list(heads),
        "calibrated": "0.5 = best-F1 cut in 3-fold CV on the training data",
        "features": list(FEATURES),
        "trained_on": trained_on,
        "model": "all-MiniLM-L6-v2",
        "c_dense": C_DENSE,
        "c_sparse": C_SPARSE,
    }
    params = {"meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)}
    for head, values in heads.items():
        for name, value in values.items():
            value = np.asarray(value)
            params[f"{head}.{name}"] = (
                value.astype(np.float32) if value.dtype.kind == "f" and value.dtype != np.float16 else value
            )
    return params


def scorer_from(params: dict[str, np.ndarray]) -> Scorer:
    """The scorer exactly as it is after a save and load (float32 weights)."""
    return Scorer(params)
