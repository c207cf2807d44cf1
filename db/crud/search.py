"""What search reads: filters, search-model vectors and FTS5 keyword hits."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date

from sqlalchemy import func, text
from sqlmodel import Session, select

from db import fts
from db.models import (
    Article,
    ClaimStatus,
    Mention,
    Outlet,
    TrackedClaim,
)


def filtered_mention_ids(
    session: Session,
    *,
    speaker_ids: Sequence[int] | None = None,
    outlet: str | None = None,
    since: date | None = None,
    until: date | None = None,
    statuses: Sequence[ClaimStatus] | None = None,
    min_checkworthiness: float | None = None,
) -> list[int]:
    """Ids of the mentions that pass every filter given (dates are the article's, inclusive; outlet ignores case)."""
    query = (
        select(Mention.id)
        .join(Article, Mention.article_id == Article.id)
        .join(TrackedClaim, Mention.claim_id == TrackedClaim.id)
    )
    if speaker_ids is not None:
        query = query.where(Mention.speaker_id.in_(list(speaker_ids)))
    if outlet:
        query = query.join(Outlet, Article.outlet_id == Outlet.id).where(
            func.lower(Outlet.name) == outlet.strip().lower()
        )
    if since is not None:
        query = query.where(Article.published >= since)
    if until is not None:
        query = query.where(Article.published <= until)
    if statuses:
        query = query.where(TrackedClaim.status.in_(list(statuses)))
    if min_checkworthiness:
        query = query.where(Mention.checkworthiness >= min_checkworthiness)
    return list(session.exec(query.order_by(Mention.id)).all())


def search_context_vectors(session: Session, *, mention_ids: Sequence[int]) -> dict[int, bytes]:
    """The search model's paragraph vectors of these mentions."""
    ids = list(mention_ids)
    if not ids:
        return {}
    query = select(Mention.id, Mention.search_context_embedding).where(
        Mention.id.in_(ids), Mention.search_context_embedding.is_not(None)
    )
    return dict(session.exec(query).all())


VECTOR_COLUMNS = ("search_embedding", "embedding")  # the search model's vector, the link model's


def _vector_column(column: str):
    if column not in VECTOR_COLUMNS:
        raise ValueError(f"no vector column {column!r}")
    return getattr(Mention, column)


def vector_ids(session: Session, *, column: str) -> list[int]:
    """Ids of the mentions that have a vector in ``column`` (:data:`VECTOR_COLUMNS`), ascending."""
    query = select(Mention.id).where(_vector_column(column).is_not(None)).order_by(Mention.id)
    # Core rows, not ORM ones: at a million mentions the ORM's rows cost a second more.
    return list(session.connection().execute(query).scalars())


def vector_batches(
    session: Session, *, column: str, mention_ids: Sequence[int] | None = None, size: int = 20_000
) -> Iterator[list[tuple[int, bytes]]]:
    """(mention id, vector in ``column``) of every mention that has one (or of ``mention_ids``), ``size``
    at a time in id order, so a million vectors never sit in memory as Python objects at once (and no
    query has more parameters than SQLite takes)."""
    vector = _vector_column(column)
    having = select(Mention.id, vector).where(vector.is_not(None))
    if mention_ids is not None:
        wanted = sorted({int(i) for i in mention_ids})
        for start in range(0, len(wanted), size):
            chunk = wanted[start : start + size]
            rows = list(session.exec(having.where(Mention.id.in_(chunk)).order_by(Mention.id)).all())
            if rows:
                yield rows
        return
    after = 0
    while rows := list(session.exec(having.where(Mention.id > after).order_by(Mention.id).limit(size)).all()):
        yield rows
        after = rows[-1][0]


def vectors_of(session: Session, *, column: str, mention_ids: Sequence[int]) -> dict[int, bytes]:
    """The vectors in ``column`` of ``mention_ids`` that have one, by mention id."""
    return {
        i: vector
        for rows in vector_batches(session, column=column, mention_ids=mention_ids)
        for i, vector in rows
    }


def _stale(model: str):
    # "< or >" rather than "!=": SQLite answers each side from the index on search_model, where "!="
    # would read every mention.
    return Mention.search_model.is_(None) | (Mention.search_model < model) | (Mention.search_model > model)


def search_vectors_stale(session: Session, *, model: str) -> bool:
    """Whether any mention lacks search vectors of ``model``."""
    return session.exec(select(Mention.id).where(_stale(model)).limit(1)).first() is not None


def mentions_needing_search_vectors(session: Session, *, model: str) -> list[tuple[Mention, Article]]:
    """Mentions whose search vectors are missing or came from another model than ``model``."""
    stale = _stale(model)
    mentions = session.exec(select(Mention).where(stale).order_by(Mention.id)).all()
    # Each article is read once: joined, its text would come back once per mention, and a long
    # article's thousands of mentions would hold thousands of copies of it at once.
    articles = {
        a.id: a
        for a in session.exec(select(Article).where(Article.id.in_(select(Mention.article_id).where(stale))))
    }
    return [(m, articles[m.article_id]) for m in mentions]


def keyword_hits(
    session: Session, *, match: str, limit: int, mention_ids: Sequence[int] | None = None
) -> list[tuple[int, float]]:
    """(mention id, BM25) of the mentions whose text matches the FTS5 expression ``match``, best first.

    BM25 as SQLite's ``bm25()`` gives it: negative, lower is better. ``mention_ids``
    restricts the search to those mentions (the filters' result).
    """
    if not match or limit <= 0 or (mention_ids is not None and not mention_ids):
        return []
    sql = "SELECT rowid, bm25(mention_fts) AS rank FROM mention_fts WHERE mention_fts MATCH :match"
    params: dict = {"match": match, "limit": limit}
    if mention_ids is not None:
        sql += " AND rowid IN (SELECT value FROM json_each(:ids))"
        params["ids"] = json.dumps([int(i) for i in mention_ids])
    rows = session.connection().execute(text(sql + " ORDER BY rank LIMIT :limit"), params).all()
    return [(int(i), float(r)) for i, r in rows]


def keyword_counts(session: Session, *, matches: Sequence[str], cap: int) -> list[int]:
    """How many mentions each FTS5 expression of ``matches`` matches, counted up to ``cap``: counting
    stops there, so a word in half the archive costs no more than a rare one."""
    sql = text(
        "SELECT count(*) FROM (SELECT rowid FROM mention_fts WHERE mention_fts MATCH :match LIMIT :cap)"
    )
    connection = session.connection()
    return [int(connection.execute(sql, {"match": match, "cap": cap}).scalar_one()) for match in matches]


def keyword_marked(
    session: Session, *, match: str, mention_ids: Sequence[int], start: str, end: str
) -> dict[int, str]:
    """Each of ``mention_ids`` that matches ``match``: its text with the matched words between ``start`` and ``end``."""
    if not match or not mention_ids:
        return {}
    texts = dict(
        session.exec(select(Mention.id, Mention.text).where(Mention.id.in_(list(mention_ids)))).all()
    )
    return fts.highlighted(texts, match=match, start=start, end=end)
