"""Speakers who speak for one another: a person and the organisation their title names.

"World Health Organization (WHO) Director-General Tedros Adhanom Ghebreyesus" and "the WHO said"
report one briefing; "Transport Minister Elena Markovic" and "the Transport Ministry" one
ministry's figures. Outlets give the same statement to either, so for linking the two are no
conflict of speakers. A tie needs every word of the organisation's name among the person's title
words (matched on their first five letters: "minister" and "ministry"), or the organisation to be
the initials of one so tied ("WHO").
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from claims.extract.speakers import fold

_MINOR = {"the", "and", "for", "of"}
_STEM = 5


@dataclass(frozen=True)
class Voice:
    key: Hashable  # the speaker's id
    name: str
    is_organisation: bool
    titles: frozenset[str] = frozenset()  # folded title words seen with a person


def _words(name: str) -> list[str]:
    return [w for w in re.findall(r"[a-z]+", fold(name)) if len(w) > 2 and w not in _MINOR]


def _initials(name: str) -> str:
    return "".join(w[0] for w in _words(name))


def ties(voices: Iterable[Voice]) -> set[frozenset]:
    """The pairs of speaker keys that speak for one another."""
    voices = list(voices)
    people = [v for v in voices if not v.is_organisation and v.titles]
    groups = [v for v in voices if v.is_organisation and _words(v.name)]
    tied: set[frozenset] = set()
    for group in groups:
        needed = {w[:_STEM] for w in _words(group.name)}
        for person in people:
            if needed <= {t[:_STEM] for t in person.titles}:
                tied.add(frozenset((group.key, person.key)))
    for short in (g for g in groups if re.fullmatch(r"[A-Z]{2,6}", g.name)):
        for group in groups:
            if group is not short and _initials(group.name) == short.name.lower():
                tied |= {
                    frozenset((short.key, other))
                    for pair in tied
                    if group.key in pair
                    for other in pair - {group.key}
                }
    return tied
