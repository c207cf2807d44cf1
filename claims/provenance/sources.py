"""Provenance of a tracked claim: where it first appeared, who carried it when, and who cites whom.

Everything is computed from the claim's mention rows (``db.crud.mention_rows``),
so nothing is stored: the first appearance is the earliest article by its
published date, then by ingest time (an undated article counts after every
dated one); the timeline lists each outlet's mentions in that order; and a
citation is a phrase around a mention that credits another outlet or the
state media ("according to TASS", "told Russian state media", "as reported by
the Valdora Herald", "citing Interfax"). A cited outlet that has its own
mention of the same claim is linked to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from claims.provenance.drift import NAMES_DROPPED, Drift, compare
from claims.text.sentences import paragraph_at
from db.crud import MentionRow
from db.models import MentionRole

UNKNOWN_OUTLET = "unknown outlet"
VENUE = "venue"  # the phrase of a citation found as the mention's stored venue, not in its paragraph

# News agencies and broadcasters often credited by name.
AGENCIES = (
    "TASS",
    "RIA Novosti",
    "Interfax",
    "Reuters",
    "AFP",
    "Agence France-Presse",
    "AP",
    "Associated Press",
    "Xinhua",
    "Bloomberg",
    "BBC",
    "CNN",
    "Al Jazeera",
    "Sputnik",
    "RT",
    "Anadolu",
    "Ekho Moskvy",
    "Kommersant",
    "Izvestia",
)
# A name with one of these words in it, or right after it, is a media outlet.
_MEDIA_WORDS = (
    r"media|television|TV|radio|channel|newspaper|news\s+agency|agency|broadcaster|daily|times|herald|post|gazette|"
    r"wire|ledger|journal|tribune|telegraph|guardian|news|press|chronicle|observer|courier|magazine"
)
_NOT_MEDIA = re.compile(r"\b(?:conference|briefing|committee|meeting|hearing|statement)\b", re.IGNORECASE)
_MEDIA = re.compile(r"\b(?:" + _MEDIA_WORDS + r")\b", re.IGNORECASE)
_NAME = r"(?:[A-Z][\w’'&.-]*)(?:\s+(?:[A-Z][\w’'&.-]*|\d+|of|de|al))*"
_STATE = r"(?:[A-Z]\w+\s+)?state(?:-run|-owned|-controlled)?\s+(?:media|television|TV|radio|news\s+agency|broadcaster|outlets?)"
_SOURCE = rf"(?:the\s+)?(?P<source>{_STATE}|{_NAME}(?:\s+(?:{_MEDIA_WORDS}))?)"
_CITES = [
    re.compile(rf"\b(?i:according\s+to)\s+{_SOURCE}"),
    re.compile(rf"\b(?i:(?:as\s+)?reported\s+by)\s+{_SOURCE}"),
    re.compile(rf"\b(?i:citing)\s+{_SOURCE}"),
    re.compile(rf"\b(?i:told|speaking\s+to|in\s+an\s+interview\s+with|quoted\s+by)\s+{_SOURCE}"),
    re.compile(rf"\b(?:on|by)\s+(?P<source>{_STATE})"),
    re.compile(
        rf"(?:^|[.,;]\s+|\band\s+)(?:the\s+)?(?P<source>{_NAME})\s+(?:reported|reports|said\s+in\s+a\s+report|quoted)\b"
    ),
]


@dataclass(frozen=True)
class Citation:
    """A mention that credits another source; ``cites`` is that source's own mention of the claim, when stored."""

    mention_id: int
    source: str
    phrase: str
    cites: int | None = None  # mention id in the same tracked claim


@dataclass(frozen=True)
class TimelineRow:
    outlet: str
    published: date | None
    ingested_at: datetime
    document: str
    mention_id: int
    role: str
    first: bool


@dataclass
class Wording:
    """One mention's wording against the claim's first appearance (``drift`` is None for the base itself)."""

    row: MentionRow
    drift: Drift | None


def _key(row: MentionRow) -> tuple:
    article, mention = row.article, row.mention
    ingested = article.ingested_at.replace(tzinfo=None) if article.ingested_at else datetime.max
    # Within one article: the body before its headline, then reading order.
    return (
        article.published is None,
        article.published or date.max,
        ingested,
        article.id,
        mention.role != MentionRole.body,
        mention.start,
        mention.id,
    )


def in_order(rows: Iterable[MentionRow]) -> list[MentionRow]:
    """Mentions earliest first: by the article's published date, then its ingest time (undated articles last)."""
    return sorted(rows, key=_key)


def first_appearance(rows: Iterable[MentionRow]) -> MentionRow | None:
    """The earliest published mention of a tracked claim (see :func:`in_order`), or None without mentions."""
    ordered = in_order(rows)
    return ordered[0] if ordered else None


def timeline(rows: Iterable[MentionRow]) -> list[TimelineRow]:
    """Each mention as a dated row, grouped by outlet (outlets in order of their first mention), earliest first."""
    ordered = in_order(rows)
    first_of: dict[str, int] = {}
    for position, row in enumerate(ordered):
        first_of.setdefault(row.outlet or UNKNOWN_OUTLET, position)
    out = [
        TimelineRow(
            row.outlet or UNKNOWN_OUTLET,
            row.article.published,
            row.article.ingested_at,
            row.article.document,
            row.mention.id,
            row.mention.role,
            position == 0,
        )
        for position, row in enumerate(ordered)
    ]
    return sorted(out, key=lambda r: first_of[r.outlet])  # stable: keeps the date order within an outlet


def wordings(rows: Iterable[MentionRow]) -> list[Wording]:
    """The first appearance as the base, then every later mention's word diff and drift flags against it."""
    ordered = in_order(rows)
    if not ordered:
        return []
    base = ordered[0]
    out = [Wording(base, None)]
    for row in ordered[1:]:
        drift = compare(
            base.mention.text,
            row.mention.text,
            base_kind=base.mention.attribution.value,
            other_kind=row.mention.attribution.value,
            base_speaker=base.speaker,
            other_speaker=row.speaker,
        )
        if (
            row.mention.role != MentionRole.body
        ):  # a headline or caption shortens by design: dropped names are no drift
            drift.flags = [f for f in drift.flags if f.kind != NAMES_DROPPED]
        out.append(Wording(row, drift))
    return out


def _fold(name: str) -> str:
    name = re.sub(r"^(?:the|a)\s+", "", name.strip(), flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", name).casefold()


def _same_source(a: str, b: str) -> bool:
    a, b = _fold(a), _fold(b)
    return bool(a and b) and (
        a == b
        or re.search(rf"\b{re.escape(a)}\b", b) is not None
        or re.search(rf"\b{re.escape(b)}\b", a) is not None
    )


def is_media(name: str, *, outlets: Sequence[str] = (), text: str = "") -> bool:
    """Whether ``name`` is a media source: a known outlet or agency, a name with a media word,
    or one that ``text`` calls a radio, channel, newspaper... ("Ekho Moskvy radio")."""
    if any(_same_source(name, known) for known in (*outlets, *AGENCIES)):
        return True
    if _NOT_MEDIA.search(name):
        return False
    if _MEDIA.search(name):
        return True
    return (
        bool(text)
        and re.search(rf"\b{re.escape(name)}\s+(?:{_MEDIA_WORDS})\b", text, re.IGNORECASE) is not None
    )


def cited_sources(
    text: str,
    start: int,
    end: int,
    *,
    venue: str | None = None,
    outlets: Sequence[str] = (),
    own_outlet: str | None = None,
) -> list[tuple[str, str]]:
    """(source, phrase) of each media source credited around ``text[start:end]``: in its paragraph,
    and its stored ``venue`` when that is a media outlet. The article's own outlet is not a citation."""
    found: list[tuple[str, str]] = []

    def add(source: str, phrase: str) -> None:
        source = re.sub(r"^the\s+", "", source.strip(" ,.;:"), flags=re.IGNORECASE)
        source = re.sub(r"[’']s$", "", source)
        if not source or (own_outlet and _same_source(source, own_outlet)):
            return
        if not is_media(source, outlets=outlets, text=text):
            return
        if any(_same_source(source, known) for known, _ in found):
            return
        found.append((source, phrase))

    paragraph = paragraph_at(text, start, end)
    for pattern in _CITES:
        for match in pattern.finditer(paragraph):
            add(match.group("source"), match.group().strip(" ,.;"))
    if venue:
        add(venue, VENUE)
    return found


def citations(rows: Iterable[MentionRow], *, outlets: Sequence[str] = ()) -> list[Citation]:
    """Who each mention of a tracked claim credits, linked to the cited outlet's own mention when the claim has one.

    Args:
        rows: the mention rows of one tracked claim.
        outlets: every outlet name known to the database, to recognise outlets cited by name.
    """
    ordered = in_order(rows)
    known = sorted({*outlets, *(r.outlet for r in ordered if r.outlet)})
    out: list[Citation] = []
    for row in ordered:
        m = row.mention
        for source, phrase in cited_sources(
            row.article.text, m.start, m.end, venue=m.venue, outlets=known, own_outlet=row.outlet
        ):
            target = next(
                (
                    r.mention.id
                    for r in ordered
                    if r.outlet and r.article.id != row.article.id and _same_source(source, r.outlet)
                ),
                None,
            )
            out.append(Citation(m.id, source, phrase, target))
    return out
