"""What a reader keeps in mind while reading an article: who spoke last, where, in what role."""

from __future__ import annotations

from dataclasses import dataclass, field

from claims.extract.speakers import SpeakerBook
from claims.records import Attribution
from claims.text.nlp import Analysis


@dataclass
class Passage:
    """What a reader remembers while going through an article."""

    book: SpeakerBook
    last_person: str | None = None
    last_subject: str | None = None  # the last person named as the subject of a sentence
    last_speaker: Attribution | None = None
    venues: dict[str, str] = field(default_factory=dict)  # person -> last venue they spoke at
    occasions: dict[str, str | None] = field(default_factory=dict)  # person -> the date words of that report
    # speaker -> every (venue, date words) the article reports them speaking at, in reading order
    heard_at: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)  # person -> title words seen with the name
    organisations: list[str] = field(default_factory=list)
    nlp: Analysis | None = None
    home: str | None = None  # the country the article is mostly about, for "the Foreign Ministry"
    since_speaker: int = 99  # units read since someone was last reported speaking
    text: str = ""  # the article so far, for the minister a bare "the ministry" belongs to
