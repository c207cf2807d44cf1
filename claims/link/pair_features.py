"""What two mentions share and where they disagree: the features the link model weighs.

Cosine similarity alone links "ferry crossings doubled" with "ferry crossings
rose by 60 percent, not doubled". These features add what a reviewer checks:
the words and numbers both use, a negation or an opposite on one side only,
whether the same speaker is named, and how each was reported.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz

from claims.text.lexicon import LINK_STOP_WORDS, negates
from claims.text.numbers import counted_words, numbers
from db.models import AttributionKind, MentionRole

FEATURES = (
    "cosine",
    "rare_overlap",  # shared content-word stems / the smaller side's, each weighed by its rarity: "Taliban" in every claim proves little
    "rare_overlap_larger",  # the same over the larger side's: what one side adds that the other does not say
    "fuzzy",  # rapidfuzz token_set_ratio / 100
    "number_conflict",  # each gives a number the other does not, or counts another thing with it
    "number_one_side",  # only one side gives a number
    "shared_number",  # both give one number ("twice" and "doubled" are both 2)
    "negation_flip",  # one side negates what the other states
    "opposite_words",  # "better" on one side, "worse" on the other
    "restriction_one_side",  # "no sailing cancelled for technical reasons" against "no sailing cancelled"
    "same_speaker",
    "speaker_conflict",  # both name a speaker, different ones
    "both_quotes",  # both direct quotes
    "same_article",
    "short",  # either side under 8 words
)

# Phrases that narrow what a claim covers: with one on one side only, the two claim different things.
_RESTRICTION = re.compile(
    r"\b(?:for\s+(?:\w+\s+){0,2}reasons?|except(?:\s+for)?|apart\s+from|other\s+than|excluding|unless|with\s+the\s+exception\s+of)\b",
    re.IGNORECASE,
)
_OPPOSITES = [
    ("better", "worse"),
    ("more", "less"),
    ("more", "fewer"),
    ("increase", "decrease"),
    ("increased", "decreased"),
    ("rise", "fall"),
    ("rose", "fell"),
    ("up", "down"),
    ("open", "closed"),
    ("safe", "unsafe"),
    ("win", "lose"),
    ("won", "lost"),
    ("higher", "lower"),
    ("support", "oppose"),
    ("legal", "illegal"),
]


@dataclass(frozen=True)
class LinkItem:
    """One mention as the linker sees it."""

    key: str  # stable across databases: article content hash, start, end
    text: str
    vector: np.ndarray
    speaker_id: int | None = None
    kind: str = ""
    article: str = ""
    role: str = MentionRole.body

    @property
    def words(self) -> int:
        return len(self.text.split())


RARITY_MIN_TEXTS = 20


@lru_cache(maxsize=1 << 16)
def _stems(text: str) -> frozenset[str]:
    # Cached: relinking meets each mention in about twenty pairs.
    return frozenset(
        w[:5] for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in LINK_STOP_WORDS and len(w) > 2
    )


_CLAUSE_END = {
    ",",
    ";",
    ":",
    ".",
    "!",
    "?",
    "—",
    "–",
    "but",
    "and",
    "while",
    "although",
    "though",
    "because",
    "since",
    "as",
}


@lru_cache(maxsize=1 << 16)
def negated_stems(text: str) -> frozenset[str]:
    """Stems of the content words a negation governs: from "not", "no", "never"... to the end of its
    clause, at most eight words ("not a single sailing had been cancelled" negates "cancelled")."""
    out: set[str] = set()
    tokens = re.findall(r"[a-z0-9']+|[,;:.!?—–]", text.lower())
    for i, token in enumerate(tokens):
        if negates(token):
            for word in tokens[i + 1 : i + 9]:
                if word in _CLAUSE_END:
                    break
                if word not in LINK_STOP_WORDS and len(word) > 2:
                    out.add(word[:5])
    return frozenset(out)


def negation_flip(a: str, b: str) -> bool:
    """One side negates what the other states: "have not doubled" against "have doubled"."""
    na, nb = negated_stems(a), negated_stems(b)
    sa, sb = _stems(a), _stems(b)
    return bool((na & (sb - nb)) or (nb & (sa - na)))


@lru_cache(maxsize=1 << 16)
def _numbers(text: str) -> frozenset[float]:
    return frozenset(numbers(text))


@lru_cache(maxsize=1 << 16)
def _counted(text: str) -> dict[str, frozenset[float]]:
    return {word: frozenset(values) for word, values in counted_words(text).items()}


def numbers_swapped(a: str, b: str) -> bool:
    """The same numbers counting other things: "three against and 11 for" and "eleven against and
    three for", "5 deaths in 75 countries" and "75 deaths in 5 countries"."""
    ca, cb = _counted(a), _counted(b)
    na, nb = _numbers(a), _numbers(b)
    return any(not (ca[w] & cb[w]) and bool((ca[w] & nb) or (cb[w] & na)) for w in ca.keys() & cb.keys())


def number_conflict(na: set[float], nb: set[float]) -> bool:
    """Each side states a number the other does not ("seven years" / "seventeen years");
    one adding a figure to the other's is not a conflict."""
    return bool(na) and bool(nb) and not (na <= nb or nb <= na)


def _opposite(a: str, b: str) -> bool:
    wa, wb = set(re.findall(r"[a-z]+", a.lower())), set(re.findall(r"[a-z]+", b.lower()))
    return any(
        (x in wa and y in wb and y not in wa and x not in wb)
        or (y in wa and x in wb and x not in wa and y not in wb)
        for x, y in _OPPOSITES
    )


@dataclass(frozen=True)
class Neighbourhood:
    """The content-word stems of a mention's nearest mentions, itself included, each counted once per text."""

    texts: int
    counts: Counter

    @classmethod
    def of(cls, texts: Iterable[str]) -> Neighbourhood:
        texts = list(texts)
        return cls(len(texts), Counter(stem for text in texts for stem in _stems(text)))


def pair_rarity(a: LinkItem, b: LinkItem, near_a: Neighbourhood, near_b: Neighbourhood) -> dict[str, float]:
    """Each stem of the pair weighed by its inverse document frequency among the two mentions'
    neighbourhoods (:class:`Neighbourhood`): "Taliban" in every claim of the story proves little, in an
    archive of a hundred stories as in one. Local, so a new mention reweighs only the mentions it is
    near, and relinking can stay local too."""
    texts = near_a.texts + near_b.texts
    if texts < RARITY_MIN_TEXTS:  # too few to tell a topic word from a telling one: count every word
        return {}
    return {
        stem: math.log((texts + 1) / (near_a.counts.get(stem, 0) + near_b.counts.get(stem, 0) + 1))
        for stem in _stems(a.text) | _stems(b.text)
    }


def pair_features(
    a: LinkItem, b: LinkItem, *, short_words: int = 8, rarity: dict[str, float] | None = None
) -> np.ndarray:
    """The :data:`FEATURES` of one pair, float64. ``rarity`` (from :func:`pair_rarity`) weighs the shared words;
    without it every word counts the same."""
    sa, sb = _stems(a.text), _stems(b.text)
    weigh = (lambda stems: sum(rarity.get(x, 1.0) for x in stems)) if rarity else len
    smaller = min(weigh(sa), weigh(sb)) if sa and sb else 0.0
    if sa and sb and not smaller:  # every word of one side is in every mention: count words
        weigh, smaller = len, min(len(sa), len(sb))
    rare_overlap = weigh(sa & sb) / smaller if smaller else 0.0
    larger = max(weigh(sa), weigh(sb)) if sa and sb else 0.0
    rare_overlap_larger = weigh(sa & sb) / larger if larger else 0.0
    na, nb = _numbers(a.text), _numbers(b.text)
    known = a.speaker_id is not None and b.speaker_id is not None
    return np.array(
        [
            float(np.dot(a.vector, b.vector)),
            rare_overlap,
            rare_overlap_larger,
            fuzz.token_set_ratio(a.text.lower(), b.text.lower()) / 100.0,
            float(number_conflict(na, nb) or numbers_swapped(a.text, b.text)),
            float(bool(na) != bool(nb)),
            float(bool(na & nb)),
            float(negation_flip(a.text, b.text)),
            float(_opposite(a.text, b.text)),
            float(bool(_RESTRICTION.search(a.text)) != bool(_RESTRICTION.search(b.text))),
            float(known and a.speaker_id == b.speaker_id),
            float(known and a.speaker_id != b.speaker_id),
            float(a.kind == b.kind == AttributionKind.direct_quote),
            float(bool(a.article) and a.article == b.article),
            float(min(a.words, b.words) < short_words),
        ]
    )
