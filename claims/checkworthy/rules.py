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

# The words each yes/no rule looks for.
_CUES = {
    "number": r"\b\d[\d,.]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|dozen|percent|per cent)\b",
    "comparative": r"\b(?:better|worse|more|less|fewer|safer|higher|lower|larger|smaller|most|least|first|only|never|always|all|none|no)\b|\w+er than\b",
    "assertive": r"\b(?:is|are|was|were|has|have|had|will|would|must|can|cannot|did|does|do)\b",
    "reader": r"\b(?:you|your|click|subscribe|sign up|read more|share)\b",
    "hedge": r"\b(?:I think|I feel|I hope|maybe|perhaps|in my opinion|we'll see)\b",
}


def compile_cues(patterns: dict[str, str]) -> dict[str, re.Pattern]:
    """Each cue's pattern compiled case-insensitively, and the reporting verbs as the cue ``reporting``."""
    return {name: re.compile(pattern, re.IGNORECASE) for name, pattern in patterns.items()} | {
        "reporting": REPORTING
    }


def cue_flags(cues: dict[str, re.Pattern], text: str) -> dict[str, float]:
    """1.0 for each cue found in ``text``, else 0.0."""
    return {name: 1.0 if cue.search(text) else 0.0 for name, cue in cues.items()}


_CUE = compile_cues(_CUES)
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
    values = cue_flags(_CUE, text) | {
        "bias": 1.0,
        "length": min(math.log1p(len(words)) / math.log1p(20), 1.0),
        "entity": min(len(_ENTITY.findall(text)) / 2, 1.0),
        "quoted": 1.0 if quoted else 0.0,
        "question": 1.0 if text.rstrip(" \"”’'").endswith("?") else 0.0,
    }
    return {name: values[name] for name in WEIGHTS}


def rule_score(text: str, *, quoted: bool = False) -> float:
    """Check-worthiness of ``text`` in 0..1; ``quoted`` when someone is reported saying it."""
    if len(text.split()) < 4:
        return 0.0
    total = sum(WEIGHTS[name] * value for name, value in rule_features(text, quoted=quoted).items())
    return round(1.0 / (1.0 + math.exp(-total)), 4)
