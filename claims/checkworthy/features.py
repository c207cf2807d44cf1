"""The text side of the check-worthiness model: cheap features and n-gram analysers.

Everything here is plain Python and numpy, shared by training
(``bench/train_checkworthy.py`` passes :func:`words` and :func:`chars` to
scikit-learn as analysers) and by run-time scoring (:class:`Tfidf` rebuilds the
fitted TF-IDF from its vocabulary and idf weights), so both see the same tokens.
"""

from __future__ import annotations

import math
import re
from itertools import pairwise

import numpy as np

from claims.checkworthy.rules import compile_cues, cue_flags

_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|billions|trillion|dozen|half|twice|double|doubled|triple|tripled)\b",
    re.IGNORECASE,
)
# The words each yes/no feature looks for. They define the shipped model's inputs: a change to one
# is a change of the model, to be retrained (bench/train_checkworthy.py) and measured again.
_CUES = {
    "quantity": r"[$%£€]|\b(?:percent|per cent|dollars?|tax(?:es)?|jobs|budget|deficit|debt|rate|average|cost|costs|spent|spend|spending|paid|pay|fund(?:s|ed|ing)?)\b",
    "time": r"\b(?:1[89]\d\d|20\d\d)\b|\b(?:last|this|next) (?:year|month|week)\b|\bsince\b|\bago\b",
    "comparative": r"\b(?:better|worse|more|less|fewer|safer|higher|lower|larger|smaller|most|least|first|only|never|always|every|record|increase[ds]?|decrease[ds]?|rose|fell|cut|raised|grew|doubled)\b|\w+er than\b|\w+est\b",
    "past": r"\b(?:was|were|had|did|has been|have been|voted|passed|signed|created|lost|killed|died|went)\b|\b\w{3,}ed\b",
    "modal": r"\b(?:will|would|should|could|might|may|must|shall|going to|gonna|want to|need to|have to|plan to|let's|let us)\b",
    "hedge": r"\b(?:I think|I feel|I hope|I believe|I guess|I mean|maybe|perhaps|probably|in my opinion|we'll see|I'm not sure)\b",
    "first_person": r"\b(?:I|I'm|I've|me|my|we|we're|we've|us|our)\b",
    "second_person": r"\b(?:you|your|you're|click|subscribe|sign up|read more|share)\b",
    "negation": r"\b(?:not|no|never|nobody|nothing|n't|none)\b|n't\b",
    "courtesy": r"\b(?:thank you|thanks|good evening|good night|welcome|applause|laughter|crosstalk|hello|congratulations|god bless)\b",
}
_CUE = compile_cues(_CUES)
_ENTITY = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z]+|\b[A-Z]{2,}\b")
_TWEET = re.compile(r"https?://\S+|[@#]\w+")
_WORD = re.compile(r"(?u)\b\w\w+\b")
_SPACES = re.compile(r"\s\s+")

FEATURES = (
    "length",
    "short",
    "number",
    "quantity",
    "time",
    "entity",
    "comparative",
    "past",
    "modal",
    "hedge",
    "first_person",
    "second_person",
    "negation",
    "reporting",
    "courtesy",
    "question",
    "exclamation",
    "tweet_markup",
)


def features(text: str) -> dict[str, float]:
    """Cheap interpretable features of ``text``, each 0..1 (shown to reviewers as 'why').

    Numbers and quantities, named entities (capitalised words inside the
    sentence), dates, comparisons, past-tense reports, modality (promises and
    hedges), persons addressed, reporting verbs, questions and tweet markup.
    """
    words = text.split()
    values = cue_flags(_CUE, text) | {
        "length": min(math.log1p(len(words)) / math.log1p(40), 1.0),
        "short": 1.0 if len(words) < 6 else 0.0,
        "number": min(len(_NUMBER.findall(text)) / 2, 1.0),
        "entity": min(len(_ENTITY.findall(_TWEET.sub(" ", text))) / 3, 1.0),
        "question": 1.0 if text.rstrip(" \"”’'").endswith("?") else 0.0,
        "exclamation": 1.0 if "!" in text else 0.0,
        "tweet_markup": min(len(_TWEET.findall(text)) / 3, 1.0),
    }
    return {name: values[name] for name in FEATURES}


def feature_matrix(texts: list[str]) -> np.ndarray:
    """:func:`features` of each text as rows, columns in :data:`FEATURES` order."""
    return np.array(
        [[f[name] for name in FEATURES] for f in (features(t) for t in texts)], dtype=np.float64
    ).reshape(len(texts), len(FEATURES))


def words(text: str) -> list[str]:
    """Lower-cased word unigrams and bigrams (URLs and user names folded to one token)."""
    text = re.sub(r"https?://\S+", " URL ", text)
    text = re.sub(r"@\w+", " USER ", text)
    tokens = _WORD.findall(text.lower())
    return tokens + [f"{a} {b}" for a, b in pairwise(tokens)]


def chars(text: str, low: int = 2, high: int = 5) -> list[str]:
    """Character n-grams inside word boundaries (as scikit-learn's ``char_wb``)."""
    text = _SPACES.sub(" ", re.sub(r"https?://\S+", " ", text.lower()))
    grams = []
    for word in text.split():
        word = f" {word} "
        for n in range(low, high + 1):
            if len(word) < n:
                break
            grams.extend(word[i : i + n] for i in range(len(word) - n + 1))
    return grams


ANALYSERS = {"words": words, "chars": chars}


class Tfidf:
    """A fitted TF-IDF (sublinear tf, l2 rows) rebuilt from its vocabulary and idf."""

    def __init__(self, analyser: str, vocabulary: np.ndarray, idf: np.ndarray):
        self.analyse = ANALYSERS[analyser]
        self.terms = [str(t) for t in vocabulary]
        self.index = {term: i for i, term in enumerate(self.terms)}
        self.idf = np.asarray(idf, dtype=np.float64)

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(term indices, weights) of ``text``: one sparse row."""
        counts: dict[int, int] = {}
        for gram in self.analyse(text):
            j = self.index.get(gram)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        weights = (1.0 + np.log(tf)) * self.idf[cols]
        return cols, weights / np.linalg.norm(weights)

    def dot(self, texts: list[str], coef: np.ndarray) -> np.ndarray:
        """Each text's TF-IDF row times ``coef`` (a linear model's weights)."""
        out = np.zeros(len(texts))
        for i, text in enumerate(texts):
            cols, weights = self.row(text)
            out[i] = float(weights @ coef[cols])
        return out
