"""Rank published fact-checks for a claim: candidates from BM25 and dense search, then a fitted re-ranker.

Stage one takes the union of the top candidates by BM25 (fact-check text + title), by
dense cosine to the fact-check's text and by dense cosine to its title. Stage two scores
each candidate with gradient-boosted trees over lexical, dense, fuzzy, number and rank
features (:data:`FEATURES`, :func:`candidates_and_features`); the trees are the flat arrays
of ``claims/models/factmatch.npz``, fitted by ``bench/train_factmatch.py`` on the CLEF
CheckThat! claim-matching train splits. A linear :class:`Ranker` (JSON) can stand in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse

from claims.config import MODELS
from claims.text.lexicon import STOP_WORDS as LEXICON_STOP_WORDS
from claims.text.lexicon import TWEET_WORDS
from claims.text.numbers import digit_strings

MODEL_FILE = MODELS / "factmatch.npz"
CANDIDATES = 20  # per first-stage list; the union is re-ranked
BATCH = 256  # queries scored against the whole corpus at once

_URL = re.compile(r"(https?://\S+|pic\.twitter\.com/\S+|\bt\.co/\S+)")
# "— Name (@handle) January 14, 2020" closes every embedded tweet.
_TWEET_TAIL = re.compile(r"\s*[—–-]\s*[^—–]*\(@\w+\)\s*\w+ \d{1,2}, \d{4}\s*$")
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_CAPITAL = re.compile(r"\b[A-Z][a-zA-Z]+")

STOP_WORDS = LEXICON_STOP_WORDS | TWEET_WORDS


def clean_query(text: str) -> str:
    """A claim as a fact-checker would write it: no links, no tweet byline."""
    text = _TWEET_TAIL.sub("", text)
    text = _URL.sub(" ", text)
    text = text.replace("#", " ").replace("@", " ")
    return re.sub(r"\s+", " ", text).strip()


def tokens(text: str) -> list[str]:
    """Lower-cased content words, plural ``s`` dropped."""
    words = []
    for word in _WORD.findall(text.lower().replace("’", "'")):
        word = word.split("'")[0]
        if word in STOP_WORDS or not word:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return words


def capitals(text: str) -> set[str]:
    return {w.lower() for w in _CAPITAL.findall(text)} - STOP_WORDS


class BM25:
    """Okapi BM25 over a fixed list of documents, as one sparse matrix product per batch of queries."""

    def __init__(self, documents: Sequence[str], *, k1: float = 1.2, b: float = 0.75):
        self.vocabulary: dict[str, int] = {}
        rows, cols, counts = [], [], []
        lengths = np.zeros(len(documents), dtype=np.float32)
        for row, document in enumerate(documents):
            words = tokens(document)
            lengths[row] = len(words)
            seen: dict[int, int] = {}
            for word in words:
                column = self.vocabulary.setdefault(word, len(self.vocabulary))
                seen[column] = seen.get(column, 0) + 1
            rows.extend([row] * len(seen))
            cols.extend(seen)
            counts.extend(seen.values())
        shape = (len(documents), max(len(self.vocabulary), 1))
        tf = sparse.csr_matrix((np.asarray(counts, dtype=np.float32), (rows, cols)), shape=shape)
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=shape[1]).astype(np.float32)
        idf = np.log1p((len(documents) - df + 0.5) / (df + 0.5))
        norm = k1 * (1 - b + b * lengths / max(float(lengths.mean()) if len(lengths) else 1.0, 1e-6))
        tf = tf.tocoo()
        weight = tf.data * (k1 + 1) / (tf.data + norm[tf.row]) * idf[tf.col]
        self.weights = sparse.csr_matrix((weight, (tf.row, tf.col)), shape=shape).T.tocsr()  # terms x docs

    def scores(self, queries: Sequence[str]) -> np.ndarray:
        """BM25 of every document for each query: shape (len(queries), documents)."""
        rows, cols = [], []
        for row, query in enumerate(queries):
            found = {self.vocabulary[w] for w in tokens(query) if w in self.vocabulary}
            rows.extend([row] * len(found))
            cols.extend(found)
        matrix = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(queries), self.weights.shape[0])
        )
        return np.asarray((matrix @ self.weights).todense(), dtype=np.float32)


@dataclass
class Corpus:
    """The imported fact-checks, ready to rank: texts, titles, their vectors and BM25 indexes."""

    ids: list[str]
    texts: list[str]
    titles: list[str]
    text_vectors: np.ndarray  # (n, d), L2-normalised
    title_vectors: np.ndarray  # (n, d); zero rows where a fact-check has no title

    def __post_init__(self):
        self.bm25_all = BM25([f"{title} {text}" for text, title in zip(self.texts, self.titles)])
        self.bm25_text = BM25(self.texts)
        self.bm25_title = BM25(self.titles)
        self.text_tokens = [set(tokens(t)) for t in self.texts]
        self.title_tokens = [set(tokens(t)) for t in self.titles]
        self.numbers = [digit_strings(f"{title} {text}") for text, title in zip(self.texts, self.titles)]
        self.capitals = [capitals(f"{title} {text}") for text, title in zip(self.texts, self.titles)]

    def __len__(self) -> int:
        return len(self.ids)


FEATURES = (
    "cos_text", "cos_title", "cos_max", "cos_text_gap", "cos_title_gap", "cos_max_gap",
    "bm25_all", "bm25_text", "bm25_title", "bm25_all_gap",
    "rr_cos_text", "rr_cos_title", "rr_bm25_all",
    "overlap_text", "overlap_title", "contain_text", "contain_title",
    "fuzz_text", "fuzz_title", "partial_title",
    "numbers_shared", "numbers_missing", "capitals_shared",
)  # fmt: skip


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(scores.shape[1])[None, :].repeat(scores.shape[0], 0), axis=1)
    return ranks


def _overlap(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def candidates_and_features(
    corpus: Corpus, queries: Sequence[str], query_vectors: np.ndarray, *, depth: int = CANDIDATES
):
    """For each query: the candidate rows of ``corpus`` and their feature matrix (columns :data:`FEATURES`)."""
    from rapidfuzz import fuzz

    cleaned = [clean_query(q) for q in queries]
    cos_text = query_vectors @ corpus.text_vectors.T
    cos_title = query_vectors @ corpus.title_vectors.T
    cos_max = np.maximum(cos_text, cos_title)
    bm_all = corpus.bm25_all.scores(cleaned)
    bm_text = corpus.bm25_text.scores(cleaned)
    bm_title = corpus.bm25_title.scores(cleaned)
    ranks = {
        name: _ranks(matrix) for name, matrix in (("text", cos_text), ("title", cos_title), ("bm25", bm_all))
    }
    out = []
    for q, query in enumerate(cleaned):
        rows: list[int] = []
        for matrix in (cos_text, cos_title, bm_all):
            rows.extend(np.argsort(-matrix[q], kind="stable")[:depth].tolist())
        rows = list(dict.fromkeys(rows))
        q_tokens = set(tokens(query))
        q_numbers = digit_strings(query)
        q_capitals = capitals(query)
        lowered = query.lower()
        bm_top = max(float(bm_all[q].max()), 1e-6)
        bm_text_top = max(float(bm_text[q].max()), 1e-6)
        bm_title_top = max(float(bm_title[q].max()), 1e-6)
        tops = cos_text[q].max(), cos_title[q].max(), cos_max[q].max()
        matrix = np.zeros((len(rows), len(FEATURES)), dtype=np.float32)
        for i, row in enumerate(rows):
            text, title = corpus.texts[row], corpus.titles[row]
            shared_numbers = q_numbers & corpus.numbers[row]
            matrix[i] = (
                cos_text[q, row], cos_title[q, row], cos_max[q, row],
                cos_text[q, row] - tops[0], cos_title[q, row] - tops[1], cos_max[q, row] - tops[2],
                bm_all[q, row] / bm_top, bm_text[q, row] / bm_text_top, bm_title[q, row] / bm_title_top,
                (bm_all[q, row] - bm_top) / bm_top,
                1 / (1 + ranks["text"][q, row]), 1 / (1 + ranks["title"][q, row]), 1 / (1 + ranks["bm25"][q, row]),
                _overlap(q_tokens, corpus.text_tokens[row]), _overlap(q_tokens, corpus.title_tokens[row]),
                len(q_tokens & corpus.text_tokens[row]) / max(len(corpus.text_tokens[row]), 1),
                len(q_tokens & corpus.title_tokens[row]) / max(len(corpus.title_tokens[row]), 1),
                fuzz.token_set_ratio(lowered, text.lower()) / 100, fuzz.token_set_ratio(lowered, title.lower()) / 100,
                fuzz.partial_ratio(title.lower(), lowered) / 100 if title else 0.0,
                len(shared_numbers) / max(len(corpus.numbers[row]), 1), float(bool(corpus.numbers[row] - q_numbers)),
                len(q_capitals & corpus.capitals[row]) / max(len(corpus.capitals[row]), 1),
            )  # fmt: skip
        out.append((np.asarray(rows, dtype=np.int64), matrix))
    return out


@dataclass
class _Logistic:
    note: str = field(default="", kw_only=True)  # where the parameters came from

    def logits(self, matrix: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def score(self, matrix: np.ndarray) -> np.ndarray:
        """Probability-like relevance in 0..1 for each row of ``matrix``."""
        return 1 / (1 + np.exp(-self.logits(matrix)))


@dataclass
class Ranker(_Logistic):
    """A linear scorer over standardised :data:`FEATURES` (logistic regression)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def logits(self, matrix: np.ndarray) -> np.ndarray:
        return ((matrix - self.mean) / self.scale) @ self.coef + self.intercept

    def to_json(self) -> dict:
        return {
            "features": list(FEATURES),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: dict) -> Ranker:
        _check_features(data["features"])
        return cls(
            *(np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "coef")),
            float(data["intercept"]),
            note=data.get("note", ""),
        )


@dataclass
class TreeRanker(_Logistic):
    """Gradient-boosted trees over :data:`FEATURES` (from scikit-learn's HistGradientBoosting), as flat arrays.

    Node ``i`` of the forest tests ``matrix[:, feature[i]] <= threshold[i]`` and goes to ``left[i]``
    or ``right[i]`` (indexes into the same arrays); leaves carry ``value``. The score is the logistic
    of ``baseline`` plus one leaf value per tree, the trees starting at ``roots``.
    """

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    leaf: np.ndarray
    roots: np.ndarray
    baseline: float

    def logits(self, matrix: np.ndarray) -> np.ndarray:
        matrix = np.asarray(matrix, dtype=np.float64)
        rows = np.arange(len(matrix))
        total = np.full(len(matrix), self.baseline)
        for root in self.roots:
            node = np.full(len(matrix), root)
            while True:
                inner = ~self.leaf[node]
                if not inner.any():
                    break
                at = node[inner]
                go_left = matrix[rows[inner], self.feature[at]] <= self.threshold[at]
                node[inner] = np.where(go_left, self.left[at], self.right[at])
            total += self.value[node]
        return total

    @classmethod
    def from_sklearn(cls, model, note: str = "") -> TreeRanker:
        # scikit-learn has no public access to a HistGradientBoosting model's trees, so this
        # reads ``_predictors`` and ``_baseline_prediction``. Training only (bench/train_factmatch.py);
        # scoring is numpy. scikit-learn is pinned in the lock, and
        # tests/factchecks/test_factchecks.py::test_trees_score_as_scikit_learn_does fails on any other version.
        parts, roots, offset = [], [], 0
        for (tree,) in model._predictors:
            nodes = tree.nodes
            roots.append(offset)
            parts.append(
                (
                    nodes["feature_idx"],
                    nodes["num_threshold"],
                    nodes["left"] + offset,
                    nodes["right"] + offset,
                    nodes["value"],
                    nodes["is_leaf"].astype(bool),
                )
            )
            offset += len(nodes)
        arrays = [np.concatenate(column) for column in zip(*parts)]
        return cls(*arrays, np.asarray(roots), float(np.ravel(model._baseline_prediction)[0]), note=note)

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path, feature=self.feature.astype(np.int16), threshold=self.threshold.astype(np.float64), left=self.left.astype(np.int32),
            right=self.right.astype(np.int32), value=self.value.astype(np.float64), leaf=self.leaf, roots=self.roots.astype(np.int32),
            baseline=np.float64(self.baseline), meta=np.array(json.dumps({"features": list(FEATURES), "note": self.note})),
        )  # fmt: skip

    @classmethod
    def load(cls, path: Path) -> TreeRanker:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            _check_features(meta["features"])
            arrays = [data[k] for k in ("feature", "threshold", "left", "right", "value", "leaf", "roots")]
            return cls(*arrays, float(data["baseline"]), note=meta.get("note", ""))


def _check_features(names) -> None:
    if list(names) != list(FEATURES):
        raise ValueError("the ranker's features are not this code's; retrain with bench/train_factmatch.py")


@lru_cache(maxsize=4)
def load_ranker(path: Path | None = None):
    """The shipped ranker (``.npz`` trees or ``.json`` linear), or None when there is none (then dense cosine decides)."""
    path = Path(path or MODEL_FILE)
    if not path.exists():
        return None
    if path.suffix == ".npz":
        return TreeRanker.load(path)
    return Ranker.from_json(json.loads(path.read_text(encoding="utf-8")))


def rank(
    corpus: Corpus, queries: Sequence[str], query_vectors: np.ndarray, *, k: int = 5, ranker=None
) -> list[list[tuple[int, float]]]:
    """Best ``k`` (corpus row, score) per query, best first."""
    if not len(corpus):
        return [[] for _ in queries]
    results = []
    for start in range(0, len(queries), BATCH):  # bounds the (queries x corpus) score matrices
        batch = candidates_and_features(
            corpus,
            queries[start : start + BATCH],
            query_vectors[start : start + BATCH],
            depth=max(CANDIDATES, k),
        )
        for rows, matrix in batch:
            scores = ranker.score(matrix) if ranker else matrix[:, FEATURES.index("cos_max")]
            order = np.argsort(-scores, kind="stable")[:k]
            results.append([(int(rows[i]), float(scores[i])) for i in order])
    return results
