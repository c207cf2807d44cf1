"""Who speaks for whom: a person whose titles name an organisation speaks with its voice.

"Tedros said 16,000 cases" and "the WHO said 16,000 cases" are one claim to a fact-checker: the
Director-General speaks for the World Health Organization. Linking compares voices, not names, so
the two are the same speaker to it; two different organisations (CDC 2,900 cases, WHO 2,400) stay
two speakers. Nothing here is about one story: the link is read off the titles the articles give
the person ("World Health Organization Director-General Tedros", "Fed chair Jerome Powell").
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

from claims.extract.speakers import fold
from claims.text.lexicon import STOP_WORDS

# Words of an organisation's name that do not tell one organisation from another.
_FILLER = {"of", "the", "for", "and", "on", "in", "us", "u", "s"}


def _name_words(name: str) -> frozenset[str]:
    words = frozenset(w for w in re.findall(r"\w+", fold(name)) if w not in _FILLER)
    # "WHO" as a word of a title could be the pronoun ("the official who ..."): an acronym that is
    # also a common word only counts inside a longer name.
    return frozenset() if len(words) == 1 and words <= STOP_WORDS else words


Id = TypeVar("Id", bound=Hashable)


def voices(people: Mapping[Id, Iterable[str]], organisations: Mapping[Id, Iterable[str]]) -> dict[Id, Id]:
    """{person id: id of the organisation they speak for} for the people whose title words hold
    every telling word of one name (or alias) of exactly one organisation; everyone else speaks
    for themselves and is left out.

    Args:
        people: person id -> the folded title words seen with them.
        organisations: organisation id -> its name and aliases.
    """
    names = {
        org: [words for words in map(_name_words, spellings) if words]
        for org, spellings in organisations.items()
    }
    out: dict = {}
    for person, titles in people.items():
        seen = {fold(w) for w in titles}
        hits = {org for org, spellings in names.items() if any(words <= seen for words in spellings)}
        if len(hits) == 1:
            out[person] = hits.pop()
    return out


def voice_of(speaker: Id | None, spoken_for: Mapping[Id, Id]) -> Id | None:
    return spoken_for.get(speaker, speaker) if speaker is not None else None


def voices_in_book(book) -> dict[str, str]:
    """:func:`voices` over a :class:`~claims.extract.speakers.SpeakerBook`, by canonical name."""
    organisations = {name: {name, *aliases} for name, aliases in book.organisations.items()}
    return voices({p: book.roles.get(p, set()) for p in book.people}, organisations)


def stored_voices(speakers) -> dict[int, int]:
    """:func:`voices` over stored speakers: (Speaker, aliases) rows as ``db.crud.speakers_with_aliases`` gives."""
    people = {s.id: (s.titles or "").split() for s, _ in speakers if s.kind == "person"}
    organisations = {s.id: [s.name, *aliases] for s, aliases in speakers if s.kind == "organisation"}
    return voices(people, organisations)
