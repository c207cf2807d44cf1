"""Check-worthiness: how much a sentence reads as a checkable factual claim, 0..1.

A trained model from shipped parameters (``claims/models/checkworthy.npz``, see
``claims/models/NOTE.md``): the average of two logistic regressions, scored in
numpy, one over the bundled sentence embedding plus cheap features
(:mod:`claims.checkworthy.features`), one over TF-IDF word and character
n-grams; mixed with the logit of the bundled encoder adapted by shipped LoRA
weights (:class:`claims.checkworthy.encoder.LoRA`, torch, loaded on first use)
when the file has them, as the shipped one does. There are two heads with the
same shape: ``news`` (trained on ClaimBuster's US debate sentences, used for
articles) and ``tweets`` (trained on CLEF 2020 COVID-19 tweets). Scores are
shifted so that 0.5 is the best-F1 cut on held-out training data.
``bench/train_checkworthy.py`` retrains them; ``bench/checkworthiness.py``
measures them (docs/BENCHMARKS.md).

    >>> scorer = default_scorer()                      # loads once per process
    >>> scorer.score(["Unemployment fell to 3.5% in 2019.", "Thank you all."])
    >>> scorer.explain("Unemployment fell to 3.5% in 2019.")
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from claims.checkworthy.features import FEATURES, Tfidf, feature_matrix, features
from claims.config import MODELS

MODEL_PATH = MODELS / "checkworthy.npz"
DOMAINS = ("news", "tweets")
TWEET_SHARE = 0.25  # a batch is scored as tweets when this share of texts carries @, # or links
_TWEET_MARKUP = re.compile(r"https?://\S+|(?<!\w)[@#]\w+")

__all__ = ["DOMAINS", "MODEL_PATH", "Scorer", "default_scorer", "guess_domain", "load_scorer"]


def guess_domain(texts: Sequence[str]) -> str:
    """``"tweets"`` when at least :data:`TWEET_SHARE` of ``texts`` carry tweet markup, else ``"news"``.

    The choice is made for a whole batch (a file of tweets is scored with one
    head, so its scores rank on one scale); a single text is a batch of one.
    """
    if not texts:
        return "news"
    marked = sum(1 for text in texts if _TWEET_MARKUP.search(text))
    return "tweets" if marked >= TWEET_SHARE * len(texts) else "news"


def _strings(blob: np.ndarray) -> list[str]:
    """Strings stored as one UTF-8 byte array joined by newlines (no pickle needed)."""
    return bytes(blob).decode("utf-8").split("\n")


class _Head:
    """One head: 0.5 * (embedding + features model) + 0.5 * (TF-IDF model).

    A head with LoRA adapters on the encoder (``<head>.lora.*``, ``<head>.lora_scale``,
    ``<head>.mix``; :class:`claims.checkworthy.encoder.LoRA`) mixes the adapted
    encoder's logit in: ``mix * adapted + (1 - mix) * linear - cut``.
    """

    def __init__(self, params: Mapping[str, np.ndarray], name: str):
        p = lambda key: np.asarray(params[f"{name}.{key}"])
        self.name = name
        self.mix = float(p("mix")) if f"{name}.mix" in params else 0.0
        if self.mix:
            self.lora_scale = float(p("lora_scale"))
            self.adapters = {key: value for key, value in params.items() if key.startswith(f"{name}.lora.")}
            self.cut = float(p("cut"))
            self.adapted_mean = float(p("top_mean"))
            self._adapted = None
        self.emb = p("emb").astype(np.float64)
        self.emb_mean = p("emb.mean").astype(np.float64)
        self.feat = p("features").astype(np.float64)
        self.feat_mean = p("features.mean").astype(np.float64)
        self.bias = float(p("bias"))
        self.chars_mean = float(p("chars.mean"))
        self.words = Tfidf("words", _strings(p("words.vocab")), p("words.idf"))
        self.chars = Tfidf("chars", _strings(p("chars.vocab")), p("chars.idf"))
        self.words_coef = p("words.coef").astype(np.float64)
        self.chars_coef = p("chars.coef").astype(np.float64)

    def linear_logits(self, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        dense = (np.asarray(vectors, dtype=np.float64) - self.emb_mean) @ self.emb + (
            feature_matrix(list(texts)) - self.feat_mean
        ) @ self.feat
        sparse = (
            self.words.dot(list(texts), self.words_coef)
            + self.chars.dot(list(texts), self.chars_coef)
            - self.chars_mean
        )
        return 0.5 * (dense + sparse) + self.bias

    def adapted_logits(self, texts: Sequence[str]) -> np.ndarray:
        if self._adapted is None:  # torch and the adapters are loaded on first use
            from claims.checkworthy.encoder import LoRA

            self._adapted = LoRA(self.adapters, f"{self.name}.lora", self.lora_scale)
        return self._adapted.logits(texts)

    def logits(self, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        linear = self.linear_logits(texts, vectors)
        if not self.mix:
            return linear
        return self.mix * self.adapted_logits(texts) + (1 - self.mix) * linear - self.cut

    def contributions(self, text: str, vector: np.ndarray) -> list[tuple[str, float]]:
        share = 0.5 * (1 - self.mix)
        parts = [
            (
                "sentence meaning (embedding)",
                share * float((np.asarray(vector, dtype=np.float64) - self.emb_mean) @ self.emb),
            )
        ]
        values = features(text)
        parts += [
            (f"feature: {name}", share * float((values[name] - m) * w))
            for name, w, m in zip(FEATURES, self.feat, self.feat_mean)
        ]
        cols, weights = self.words.row(text)
        parts += [
            (f"word: {self.words.terms[j]}", share * float(w * self.words_coef[j]))
            for j, w in zip(cols, weights)
        ]
        cols, weights = self.chars.row(text)
        parts.append(
            (
                "spelling (character n-grams)",
                share * (float(weights @ self.chars_coef[cols]) - self.chars_mean),
            )
        )
        if self.mix:
            parts.append(
                (
                    "sentence reading (adapted encoder)",
                    self.mix * (float(self.adapted_logits([text])[0]) - self.adapted_mean),
                )
            )
        return parts


class Scorer:
    """The trained check-worthiness model; build with :func:`load_scorer` or :func:`default_scorer`."""

    def __init__(self, params: Mapping[str, np.ndarray]):
        self.meta = json.loads(bytes(np.asarray(params["meta"])).decode("utf-8"))
        if list(self.meta["features"]) != list(FEATURES):
            raise ValueError("check-worthiness parameters were trained with other features; retrain them")
        self.heads = {name: _Head(params, name) for name in self.meta["heads"]}

    def _head(self, texts: Sequence[str], domain: str | None) -> _Head:
        domain = domain or guess_domain(texts)
        if domain not in self.heads:
            raise ValueError(f"unknown domain {domain!r}; choose from {', '.join(self.heads)}")
        return self.heads[domain]

    def score(
        self,
        texts: Sequence[str],
        vectors: np.ndarray | None = None,
        *,
        embedder=None,
        domain: str | None = None,
        progress: bool = False,
    ) -> np.ndarray:
        """Check-worthiness of each text, float64 in 0..1.

        Args:
            texts: Sentences (or tweets).
            vectors: The embedder's L2-normalised rows for ``texts``; computed
                with ``embedder`` (default: the bundled model) when None.
            embedder: Used only when ``vectors`` is None.
            domain: ``"news"`` or ``"tweets"``; None guesses it for the batch
                (:func:`guess_domain`).
            progress: Show a progress bar while embedding.
        """
        texts = list(texts)
        if not texts:
            return np.zeros(0)
        if vectors is None:
            from claims.embed.encoder import default_embedder

            vectors = (embedder or default_embedder()).encode(texts, progress=progress)
        if len(vectors) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(vectors)} vectors")
        logits = self._head(texts, domain).logits(texts, vectors)
        return 1.0 / (1.0 + np.exp(-logits))

    def explain(
        self,
        text: str,
        vector: np.ndarray | None = None,
        *,
        domain: str | None = None,
        top: int = 8,
        embedder=None,
    ) -> list[tuple[str, float]]:
        """The largest signed contributions to ``text``'s logit, biggest first.

        Each entry is (what, contribution): the sentence embedding as a whole,
        each cheap feature present, each known word or word pair, and the
        character n-grams as a whole. Positive pushes towards check-worthy.
        """
        if vector is None:
            from claims.embed.encoder import default_embedder

            vector = (embedder or default_embedder()).encode([text])[0]
        parts = self._head([text], domain).contributions(text, vector)
        parts = [(name, round(float(value), 4)) for name, value in parts if value]
        return sorted(parts, key=lambda item: -abs(item[1]))[:top]


def load_scorer(path: Path | str = MODEL_PATH) -> Scorer:
    """A :class:`Scorer` from a parameter file written by ``bench/train_checkworthy.py``."""
    with np.load(path, allow_pickle=False) as params:
        return Scorer(dict(params))


@lru_cache(maxsize=1)
def default_scorer() -> Scorer:
    """The shipped model, loaded once per process."""
    return load_scorer()
