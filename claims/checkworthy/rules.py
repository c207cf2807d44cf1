"""The first, hand-weighted check-worthiness rules (what claim extraction still uses).

A weighted sum of cheap features squashed by a logistic function. Factual
assertions with names, numbers, comparisons or a reporting frame score high;
questions, reader-addressed chatter and fragments score low. The weights are
hand-set; the trained model in :mod:`claims.checkworthy.model` is meant to replace
them once extraction is tuned for it (it judges promises and quoted opinions
the way its debate training data does: not check-worthy).
"""

from __future__ import annotations

import math
import re

from claims.text.lexicon import REPORTING

_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|dozen|percent|per cent)\b",
    re.IGNORECASE,
)
_COMPARATIVE = re.compile(
    r"\b(?:better|worse|more|less|fewer|safer|higher|lower|larger|smaller|most|least|first|only|never|always|all|none|no)\b|\w+er than\b",
    re.IGNORECASE,
)
_ASSERTIVE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|must|can|cannot|did|does|do)\b", re.IGNORECASE
)
_READER = re.compile(r"\b(?:you|your|click|subscribe|sign up|read more|share)\b", re.IGNORECASE)
_HEDGE = re.compile(r"\b(?:I think|I feel|I hope|maybe|perhaps|in my opinion|we'll see)\b", re.IGNORECASE)
_ENTITY = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")

WEIGHTS = {
    "bias": -1.6,
    "length": 0.9,  # log-scaled word count, saturating
    "number": 0.8,
    "entity": 0.9,
    "comparative": 0.5,
    "assertive": 0.8,
    "reporting": 0.6,
    "quoted": 1.2,
    "reader": -2.5,
    "hedge": -1.0,
    "question": -3.0,
}


def rule_features(text: str, *, quoted: bool = False) -> dict[str, float]:
    """The features :func:`rule_score` weighs, each 0..1 (shown to reviewers as 'why')."""
    words = text.split()
    return {
        "bias": 1.0,
        "length": min(math.log1p(len(words)) / math.log1p(20), 1.0),
        "number": 1.0 if _NUMBER.search(text) else 0.0,
        "entity": min(len(_ENTITY.findall(text)) / 2, 1.0),
        "comparative": 1.0 if _COMPARATIVE.search(text) else 0.0,
        "assertive": 1.0 if _ASSERTIVE.search(text) else 0.0,
        "reporting": 1.0 if REPORTING.search(text) else 0.0,
        "quoted": 1.0 if quoted else 0.0,
        "reader": 1.0 if _READER.search(text) else 0.0,
        "hedge": 1.0 if _HEDGE.search(text) else 0.0,
        "question": 1.0 if text.rstrip(" \"”’'").endswith("?") else 0.0,
    }


def rule_score(text: str, *, quoted: bool = False) -> float:
    """Check-worthiness of ``text`` in 0..1; ``quoted`` when someone is reported saying it."""
    if len(text.split()) < 4:
        return 0.0
    total = sum(WEIGHTS[name] * value for name, value in rule_features(text, quoted=quoted).items())
    return round(1.0 / (1.0 + math.exp(-total)), 4)
