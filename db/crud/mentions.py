"""Mentions and tracked claims: rows for review pages and exports, summaries, vectors."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Integer, column, func, text
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from db import fts
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
        # The two search vectors are 3 kB of every row and only the search index reads them (crud.search).
        .options(defer(Mention.search_embedding), defer(Mention.search_context_embedding))
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
    claim_ids: Sequence[int] | None = None,
    statuses: Sequence[ClaimStatus] | None = None,
    speaker_id: int | None = None,
    article_id: int | None = None,
) -> list[MentionRow]:
    query = _mention_query()
    if claim_ids is not None:
        query = query.where(Mention.claim_id.in_(list(claim_ids)))
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


# Mentions whose text holds a phrase, as a subquery (FTS5); the phrase travels as a bound parameter.
_MATCHING_MENTIONS = text("SELECT rowid FROM mention_fts WHERE mention_fts MATCH :queue_phrase").columns(
    column("rowid", Integer)
)
QUEUE_ORDERS = {
    # Each is an index read backwards or forwards (TrackedClaim's indexes); id, the rowid, ends every index.
    "mentions": (TrackedClaim.mention_count.desc(), TrackedClaim.first_seen.desc(), TrackedClaim.id.desc()),
    "first_seen": (TrackedClaim.first_seen, TrackedClaim.id),
    "checkworthiness": (
        TrackedClaim.top_checkworthiness.desc(),
        TrackedClaim.mention_count.desc(),
        TrackedClaim.id.desc(),
    ),
}


def _queue_filters(
    session: Session,
    *,
    text: str | None = None,
    statuses: Sequence[ClaimStatus] | None = None,
    speaker: str | None = None,
    outlet: str | None = None,
) -> list | None:
    """The WHERE clauses of the queue's filters; None when a filter names nothing stored."""
    # A reviewed claim left without mentions keeps its record, off the queue.
    where = [TrackedClaim.mention_count > 0]
    if statuses:
        where.append(TrackedClaim.status.in_(list(statuses)))
    if speaker:
        speaker_id = session.exec(select(Speaker.id).where(Speaker.name == speaker)).first()
        if speaker_id is None:
            return None
        where.append(TrackedClaim.id.in_(select(Mention.claim_id).where(Mention.speaker_id == speaker_id)))
    if outlet:
        outlet_id = session.exec(select(Outlet.id).where(Outlet.name == outlet)).first()
        if outlet_id is None:
            return None
        where.append(
            TrackedClaim.id.in_(
                select(Mention.claim_id)
                .join(Article, Mention.article_id == Article.id)
                .where(Article.outlet_id == outlet_id)
            )
        )
    if text:
        phrase = fts.phrase(text)
        if phrase:
            where.append(
                TrackedClaim.id.in_(
                    select(Mention.claim_id).where(
                        Mention.id.in_(_MATCHING_MENTIONS.bindparams(queue_phrase=phrase))
                    )
                )
            )
    return where


def claim_summaries(
    session: Session,
    *,
    sort: str = "mentions",
    limit: int | None = None,
    offset: int = 0,
    text: str | None = None,
    statuses: Sequence[ClaimStatus] | None = None,
    speaker: str | None = None,
    outlet: str | None = None,
) -> list[ClaimSummary]:
    """One page of the review queue: tracked claims filtered and sorted in SQL.

    Args:
        sort: ``mentions`` (most first), ``first_seen`` (oldest first) or ``checkworthiness``.
        text: words one of the claim's mentions holds in this order (an FTS5 phrase, so
            "Ghani's" finds "Ghani"; the last word may be cut short).
        speaker, outlet: names; the claim has a mention by that speaker, or in that outlet.
    """
    where = _queue_filters(session, text=text, statuses=statuses, speaker=speaker, outlet=outlet)
    if where is None:
        return []
    query = select(TrackedClaim).where(*where).order_by(*QUEUE_ORDERS[sort]).offset(offset)
    claims = list(session.exec(query.limit(limit) if limit else query).all())
    ids = [c.id for c in claims]
    outlets: dict[int, set[str]] = {i: set() for i in ids}
    speakers: dict[int, set[str]] = {i: set() for i in ids}
    names = (
        select(Mention.claim_id, Outlet.name, Speaker.name)
        .distinct()
        .join(Article, Mention.article_id == Article.id)
        .join(Outlet, Article.outlet_id == Outlet.id, isouter=True)
        .join(Speaker, Mention.speaker_id == Speaker.id, isouter=True)
        .where(Mention.claim_id.in_(ids))
    )
    for claim_id, outlet_name, speaker_name in session.exec(names).all():
        if outlet_name:
            outlets[claim_id].add(outlet_name)
        if speaker_name:
            speakers[claim_id].add(speaker_name)
    pending = dict(
        session.exec(
            select(LinkSuggestion.claim_id, func.count())
            .where(LinkSuggestion.state == SuggestionState.pending, LinkSuggestion.claim_id.in_(ids))
            .group_by(LinkSuggestion.claim_id)
        ).all()
    )
    return [
        ClaimSummary(
            c,
            c.mention_count,
            sorted(outlets[c.id]),
            sorted(speakers[c.id]),
            pending.get(c.id, 0),
            c.top_checkworthiness,
        )
        for c in claims
    ]


def claim_count(
    session: Session,
    *,
    text: str | None = None,
    statuses: Sequence[ClaimStatus] | None = None,
    speaker: str | None = None,
    outlet: str | None = None,
) -> int:
    """How many tracked claims the queue's filters keep (:func:`claim_summaries`)."""
    where = _queue_filters(session, text=text, statuses=statuses, speaker=speaker, outlet=outlet)
    if where is None:
        return 0
    return int(session.exec(select(func.count()).select_from(TrackedClaim).where(*where)).one())


def mention_total(session: Session, *, statuses: Sequence[ClaimStatus] | None = None) -> int:
    """How many mentions the tracked claims with ``statuses`` (any, if none) hold, from the claims' counts."""
    query = select(func.coalesce(func.sum(TrackedClaim.mention_count), 0))
    if statuses:
        query = query.where(TrackedClaim.status.in_(list(statuses)))
    return int(session.exec(query).one())


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
