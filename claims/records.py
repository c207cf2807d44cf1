"""Plain records passed between the pipeline stages (no database, no model; the stored vocabulary's enums)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from db.models import AttributionKind, MentionRole

# The speaker of "sources said", "people familiar with the matter said": kept apart from any named one.
ANONYMOUS = "anonymous sources"


class DocumentStatus(StrEnum):
    """What became of one document of a batch."""

    ingested = "ingested"
    skipped = "skipped"  # already stored with the same content
    reextracted = "reextracted"
    failed = "failed"


@dataclass
class CleanArticle:
    """One ingested document, boilerplate already removed."""

    document: str  # path or URL it came from
    text: str  # clean text; every span below indexes into it
    title: str | None = None
    outlet: str | None = None
    published: date | None = None
    removed: list[tuple[str, str]] = field(default_factory=list)  # (paragraph, reason) dropped as furniture


@dataclass
class Sentence:
    """A unit of text: one sentence, or several when one quotation runs across them."""

    start: int
    end: int
    text: str
    paragraph: int
    quotes: list[tuple[int, int]] = field(default_factory=list)  # spans of quoted text, absolute


@dataclass
class Attribution:
    speaker: str | None  # canonical-ish name as written, titles stripped
    venue: str | None
    kind: AttributionKind
    speaker_is_organisation: bool = False
    # Where the reported statement itself sits in the unit, without its frame ("X said that ...").
    statement: tuple[int, int] | None = None
    when: str | None = None  # the date phrase of the frame, as written ("Monday evening")
    # Reported in a perfect tense ("had said", "has said many times"): some earlier occasion, not the venue named.
    earlier: bool = False


@dataclass
class FoundClaim:
    """A check-worthy claim found in an article."""

    start: int
    end: int
    text: str
    attribution: Attribution
    checkworthiness: float
    sentence: str  # the whole unit it came from, for context
    role: MentionRole = MentionRole.body  # headline when it repeats a body claim
    said_on: date | None = None  # attribution.when resolved against the article's date
    repeats: int | None = None  # for a headline: index of the body mention it repeats
