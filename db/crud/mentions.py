"""Mentions and tracked claims: rows for review pages and exports, summaries, vectors."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, text
from sqlmodel import Session, select

from db.models import (
    Article,
    ClaimStatus,
    History,
    LinkSuggestion,
    Mention,
    Outlet,
    Speaker,
    SuggestionState,
    TrackedClaim,
)


def all_mention_vectors(session: Session) -> list[tuple[int, int, int | None, str, bytes]]:
    """(mention id, tracked claim id, speaker id, text, embedding) of every mention."""
    return list(
        session.exec(
            select(
                Mention.id, Mention.claim_id, Mention.speaker_id, Mention.text, Mention.embedding
            ).order_by(Mention.id)
        ).all()
    )


def mention_signature(session: Session) -> tuple[int, int]:
    """(number of mentions, highest mention id): changes whenever a mention is added or removed."""
    count, max_id = session.exec(select(func.count(Mention.id), func.max(Mention.id))).one()
    return int(count), int(max_id or 0)


def mention_state(session: Session) -> tuple[int, int, str]:
    """:func:`mention_signature` and the newest mention's time: also moves when a dropped
    mention's id is given again to a new one (SQLite reuses the highest id once it is deleted)."""
    count, max_id, newest = session.exec(
        select(func.count(Mention.id), func.max(Mention.id), func.max(Mention.created_at))
    ).one()
    return int(count), int(max_id or 0), str(newest or "")


@dataclass
class MentionRow:
    """A mention with everything a reviewer or an editor reads next to it."""

    mention: Mention
    article: Article
    claim: TrackedClaim
    speaker: str | None
    outlet: str | None


def _mention_query():
    return (
        select(Mention, Article, TrackedClaim, Speaker.name, Outlet.name)
        .join(Article, Mention.article_id == Article.id)
        .join(TrackedClaim, Mention.claim_id == TrackedClaim.id)
        .join(Speaker, Mention.speaker_id == Speaker.id, isouter=True)
        .join(Outlet, Article.outlet_id == Outlet.id, isouter=True)
    )


def mention_rows(
    session: Session,
    *,
    mention_ids: Sequence[int] | None = None,
    claim_id: int | None = None,
    statuses: Sequence[ClaimStatus] | None = None,
    speaker_id: int | None = None,
    article_id: int | None = None,
) -> list[MentionRow]:
    query = _mention_query()
    if speaker_id is not None:
        query = query.where(Mention.speaker_id == speaker_id)
    if article_id is not None:
        query = query.where(Mention.article_id == article_id)
    if mention_ids is not None:
        query = query.where(Mention.id.in_(list(mention_ids)))
    if claim_id is not None:
        query = query.where(Mention.claim_id == claim_id)
    if statuses:
        query = query.where(TrackedClaim.status.in_(list(statuses)))
    query = query.order_by(Mention.claim_id, Article.published, Article.ingested_at, Mention.id)
    return [MentionRow(*row) for row in session.exec(query).all()]


# One column of many mentions in one statement, light (no texts, no vectors); the ids travel as one
# JSON array, so no statement grows with their number. Literal SQL: nothing is formatted into it.
_COLUMN_BY_ID = {
    "claim_id": text("SELECT id, claim_id FROM mention WHERE id IN (SELECT value FROM json_each(:ids))"),
    "speaker_id": text("SELECT id, speaker_id FROM mention WHERE id IN (SELECT value FROM json_each(:ids))"),
}


def column_of(session: Session, *, column: str, mention_ids: Sequence[int]) -> dict[int, int | None]:
    """{mention id: its ``column`` (``claim_id`` or ``speaker_id``)} for ``mention_ids``."""
    if not mention_ids:
        return {}
    ids = json.dumps([int(i) for i in mention_ids])
    rows = session.connection().execute(_COLUMN_BY_ID[column], {"ids": ids}).all()
    return {int(i): (int(value) if value is not None else None) for i, value in rows}


def claims_of(session: Session, *, mention_ids: Sequence[int]) -> dict[int, int]:
    """{mention id: its tracked claim id} for ``mention_ids``."""
    return column_of(session, column="claim_id", mention_ids=mention_ids)


@dataclass
class ClaimSummary:
    claim: TrackedClaim
    mentions: int
    outlets: list[str]
    speakers: list[str]
    pending_suggestions: int
    checkworthiness: float = 0.0  # the highest of its mentions'


def claim_summaries(
    session: Session,
    *,
    sort: str = "mentions",
    limit: int | None = None,
    text: str | None = None,  # words the claim's text holds
    statuses: Sequence[ClaimStatus] | None = None,
    speaker: str | None = None,
    outlet: str | None = None,
) -> list[ClaimSummary]:
    """Tracked claims for the review queue, filtered and sorted (``mentions``, ``first_seen`` or ``checkworthiness``)."""
    rows = mention_rows(session, statuses=statuses)
    pending = dict(
        session.exec(
            select(LinkSuggestion.claim_id, func.count())
            .where(LinkSuggestion.state == SuggestionState.pending)
            .group_by(LinkSuggestion.claim_id)
        ).all()
    )
    grouped: dict[int, list[MentionRow]] = {}
    for row in rows:
        grouped.setdefault(row.claim.id, []).append(row)
    summaries = []
    for claim_rows in grouped.values():
        claim = claim_rows[0].claim
        speakers = sorted({r.speaker for r in claim_rows if r.speaker})
        outlets = sorted({r.outlet for r in claim_rows if r.outlet})
        if speaker and speaker not in speakers:
            continue
        if outlet and outlet not in outlets:
            continue
        if (
            text
            and not any(text.lower() in r.mention.text.lower() for r in claim_rows)
            and text.lower() not in claim.canonical_text.lower()
        ):
            continue
        top = max(r.mention.checkworthiness for r in claim_rows)
        summaries.append(
            ClaimSummary(claim, len(claim_rows), outlets, speakers, pending.get(claim.id, 0), top)
        )
    if sort == "first_seen":
        summaries.sort(key=lambda s: (s.claim.first_seen, s.claim.id))
    elif sort == "checkworthiness":
        summaries.sort(key=lambda s: (-s.checkworthiness, -s.mentions, s.claim.id))
    else:
        summaries.sort(key=lambda s: (-s.mentions, s.claim.first_seen, s.claim.id))
    return summaries[:limit] if limit else summaries


def claim_sizes(session: Session, *, claim_ids: Sequence[int]) -> dict[int, int]:
    """Number of mentions of each of ``claim_ids``."""
    rows = session.exec(
        select(Mention.claim_id, func.count())
        .where(Mention.claim_id.in_(list(claim_ids)))
        .group_by(Mention.claim_id)
    ).all()
    return dict(rows)


def get_claim(session: Session, *, claim_id: int) -> TrackedClaim | None:
    return session.get(TrackedClaim, claim_id)


def get_mention(session: Session, *, mention_id: int) -> Mention | None:
    return session.get(Mention, mention_id)


def mention_at(session: Session, *, article_id: int, start: int, end: int) -> Mention | None:
    """A mention of the article overlapping ``start:end``, if any."""
    query = select(Mention).where(Mention.article_id == article_id, Mention.start < end, Mention.end > start)
    return session.exec(query.order_by(Mention.id)).first()


def history_of_mention(session: Session, *, mention_id: int) -> list[History]:
    return list(session.exec(select(History).where(History.mention_id == mention_id)).all())
