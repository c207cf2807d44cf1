"""What relinking reads and records: mention rows with their keys, reviewers' link decisions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from db.models import (
    Article,
    LinkDecision,
    Mention,
    TrackedClaim,
)


@dataclass
class LinkRow:
    mention_id: int
    claim_id: int
    article_id: int
    speaker_id: int | None
    start: int
    end: int
    text: str
    attribution: str
    role: str
    embedding: bytes
    content_hash: str
    published: date | None
    ingested_at: datetime


def link_rows(session: Session) -> list[LinkRow]:
    """Every mention with what relinking weighs, in mention id order."""
    query = (
        select(
            Mention.id,
            Mention.claim_id,
            Mention.article_id,
            Mention.speaker_id,
            Mention.start,
            Mention.end,
            Mention.text,
            Mention.attribution,
            Mention.role,
            Mention.embedding,
            Article.content_hash,
            Article.published,
            Article.ingested_at,
        )
        .join(Article, Mention.article_id == Article.id)
        .order_by(Mention.id)
    )
    return [
        LinkRow(*row[:7], getattr(row[7], "value", row[7]), *row[8:]) for row in session.exec(query).all()
    ]


def claims_by_id(session: Session, *, claim_ids: Iterable[int]) -> list[TrackedClaim]:
    ids = list(claim_ids)
    return list(session.exec(select(TrackedClaim).where(TrackedClaim.id.in_(ids))).all()) if ids else []


def mention_key(content_hash: str, start: int, end: int) -> str:
    """A mention's name that is the same in every database holding its article."""
    return f"{content_hash[:16]}:{start}:{end}"


def _keys_of_mentions(session: Session, mention_ids: Iterable[int]) -> dict[int, str]:
    ids = list(mention_ids)
    if not ids:
        return {}
    query = (
        select(Mention.id, Article.content_hash, Mention.start, Mention.end)
        .join(Article, Mention.article_id == Article.id)
        .where(Mention.id.in_(ids))
    )
    return {mid: mention_key(h, start, end) for mid, h, start, end in session.exec(query).all()}


def link_constraints(session: Session) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(must, cannot) key pairs from reviewers' link decisions, the latest word on a pair winning."""
    latest: dict[frozenset, LinkDecision] = {}
    for row in session.exec(select(LinkDecision).order_by(LinkDecision.at, LinkDecision.id)).all():
        latest[frozenset((row.key_a, row.key_b))] = row
    must = [(row.key_a, row.key_b) for row in latest.values() if row.same]
    cannot = [(row.key_a, row.key_b) for row in latest.values() if not row.same]
    return must, cannot


def record_link_decisions(
    session: Session, *, pairs: Iterable[tuple[int, int]], same: bool, reviewer: str
) -> int:
    """Store a reviewer's decision for mention id pairs; returns how many pairs were written."""
    pairs = [(a, b) for a, b in pairs if a != b]
    keys = _keys_of_mentions(session, {m for pair in pairs for m in pair})
    for a, b in pairs:
        session.add(LinkDecision(key_a=keys[a], key_b=keys[b], same=same, reviewer=reviewer))
    session.flush()
    return len(pairs)
