"""What relinking reads and records: mention rows with their keys, reviewers' link decisions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, insert
from sqlmodel import Session, select

from db.models import (
    Article,
    LinkDecision,
    LinkDirty,
    LinkNeighbour,
    LinkNode,
    LinkState,
    LinkSuggestion,
    Mention,
    SuggestionState,
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


def link_rows(session: Session, *, mention_ids: Iterable[int] | None = None) -> list[LinkRow]:
    """Every mention (or those of ``mention_ids`` still stored) with what relinking weighs, in mention id order."""
    query = select(
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
    ).join(Article, Mention.article_id == Article.id)
    chunks = [None] if mention_ids is None else list(_chunks(mention_ids))
    rows = []
    for chunk in chunks:
        where = query if chunk is None else query.where(Mention.id.in_(chunk))
        rows += [
            LinkRow(*row[:7], getattr(row[7], "value", row[7]), *row[8:])
            for row in session.exec(where.order_by(Mention.id)).all()
        ]
    return rows


def mention_ids_where(
    session: Session, *, claim_ids: Iterable[int] = (), speaker_ids: Iterable[int] = ()
) -> dict[int, list[int]]:
    """{claim id or speaker id: its mentions' ids} for those tracked claims, or for those speakers
    (one of the two)."""
    claim_ids, speaker_ids = list(claim_ids), list(speaker_ids)
    by = Mention.claim_id if claim_ids else Mention.speaker_id
    found: dict[int, list[int]] = {}
    for chunk in _chunks(claim_ids or speaker_ids):
        for owner, mention_id in session.connection().execute(select(by, Mention.id).where(by.in_(chunk))):
            found.setdefault(owner, []).append(mention_id)
    return found


def mentions_without_node(session: Session) -> list[int]:
    """Mentions relinking has kept nothing for: inserted while its triggers were missing, say."""
    query = select(Mention.id).where(Mention.id.not_in(select(LinkNode.mention_id)))
    return list(session.exec(query).all())


def mention_ids_of_keys(session: Session, *, keys: Iterable[str]) -> dict[str, int]:
    """{key: mention id} of the stored mentions among :func:`mention_key` ``keys``."""
    wanted: dict[str, set[tuple[int, int]]] = {}
    for key in keys:
        prefix, start, end = key.rsplit(":", 2)
        wanted.setdefault(prefix, set()).add((int(start), int(end)))
    found: dict[str, int] = {}
    for prefix, spans in wanted.items():
        # The key holds the first 16 characters of the hash: a range over the indexed column finds them.
        query = (
            select(Mention.id, Mention.start, Mention.end, Article.content_hash)
            .join(Article, Mention.article_id == Article.id)
            .where(Article.content_hash >= prefix, Article.content_hash < prefix + "~")
        )
        for mention_id, start, end, content_hash in session.exec(query).all():
            if (start, end) in spans:
                found[mention_key(content_hash, start, end)] = mention_id
    return found


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


# What relinking keeps between runs (db.models.LinkNode and the tables beside it).

_CHUNK = 900  # ids per IN (...): well under SQLite's bound on query parameters


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ids = sorted(set(ids))
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def link_nodes(session: Session, *, mention_ids: Iterable[int] | None = None) -> dict[int, tuple[int, float]]:
    """{mention id: (component, cosine of its last listed neighbour)} as the last relinking left them,
    for every mention or for ``mention_ids``."""
    query = select(LinkNode.mention_id, LinkNode.component, LinkNode.kth)
    chunks = [None] if mention_ids is None else list(_chunks(mention_ids))
    nodes = {}
    for chunk in chunks:
        where = query if chunk is None else query.where(LinkNode.mention_id.in_(chunk))
        nodes.update({m: (c, k) for m, c, k in session.connection().execute(where)})
    return nodes


def component_members(session: Session, *, components: Iterable[int]) -> dict[int, list[int]]:
    """{component: the mentions the last relinking put in it}."""
    found: dict[int, list[int]] = {}
    for chunk in _chunks(components):
        query = select(LinkNode.component, LinkNode.mention_id).where(LinkNode.component.in_(chunk))
        for component, mention_id in session.connection().execute(query):
            found.setdefault(component, []).append(mention_id)
    return found


def link_node_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(LinkNode)).one())


def lowest_kth(session: Session) -> float | None:
    """The lowest "cosine of the last listed neighbour" stored: a newcomer closer than that to a
    mention may enter its list."""
    return session.exec(select(func.min(LinkNode.kth))).one()


def link_dirty(session: Session) -> set[int]:
    """Mentions inserted, changed or deleted since the last relinking (db.link_state)."""
    return set(session.exec(select(LinkDirty.mention_id)).all())


def neighbour_lists(session: Session, *, mention_ids: Iterable[int]) -> dict[int, list[tuple[int, float]]]:
    """The stored (neighbour id, cosine) lists of these mentions, best first."""
    lists: dict[int, list[tuple[int, float]]] = {}
    for chunk in _chunks(mention_ids):
        query = (
            select(LinkNeighbour.mention_id, LinkNeighbour.neighbour_id, LinkNeighbour.cosine)
            .where(LinkNeighbour.mention_id.in_(chunk))
            .order_by(LinkNeighbour.mention_id, LinkNeighbour.rank)
        )
        # Core rows, not ORM ones: a relinking reads thousands of lists.
        for mention_id, neighbour_id, cosine in session.connection().execute(query):
            lists.setdefault(mention_id, []).append((neighbour_id, cosine))
    return lists


def listed_by(session: Session, *, neighbour_ids: Iterable[int]) -> dict[int, set[int]]:
    """{neighbour id: the mentions whose stored lists hold it}."""
    found: dict[int, set[int]] = {}
    for chunk in _chunks(neighbour_ids):
        query = select(LinkNeighbour.neighbour_id, LinkNeighbour.mention_id).where(
            LinkNeighbour.neighbour_id.in_(chunk)
        )
        for neighbour_id, mention_id in session.connection().execute(query):
            found.setdefault(neighbour_id, set()).add(mention_id)
    return found


def link_state(session: Session) -> tuple[str, str] | None:
    """(link model fingerprint, inputs JSON) of the last relinking, or None before the first."""
    state = session.get(LinkState, 1)
    return (state.model, state.inputs) if state is not None else None


def store_link_state(
    session: Session,
    *,
    model: str,
    inputs: str,
    lists: dict[int, list[tuple[int, float]]],
    nodes: dict[int, tuple[int, float]],
    gone: Iterable[int],
    seen: Iterable[int],
    full: bool = False,
) -> None:
    """Write what a relinking worked out: new neighbour ``lists`` and ``nodes`` (component, kth),
    forget the ``gone`` mentions and clear the dirty marks it has ``seen``; a ``full`` one replaces
    everything stored."""
    gone = list(gone)
    if full:
        for table in (LinkNeighbour, LinkNode):
            session.execute(delete(table))
    for chunk in _chunks([*lists, *gone]):
        session.execute(delete(LinkNeighbour).where(LinkNeighbour.mention_id.in_(chunk)))
    for chunk in _chunks([*nodes, *gone]):
        session.execute(delete(LinkNode).where(LinkNode.mention_id.in_(chunk)))
    for chunk in _chunks(seen):
        session.execute(delete(LinkDirty).where(LinkDirty.mention_id.in_(chunk)))
    neighbour_rows = [
        {"mention_id": m, "rank": rank, "neighbour_id": n, "cosine": c}
        for m, row in lists.items()
        for rank, (n, c) in enumerate(row)
    ]
    node_rows = [{"mention_id": m, "component": c, "kth": k} for m, (c, k) in nodes.items()]
    for table, rows in ((LinkNeighbour, neighbour_rows), (LinkNode, node_rows)):
        for start in range(0, len(rows), 10_000):
            session.execute(insert(table), rows[start : start + 10_000])
    state = session.get(LinkState, 1) or LinkState(id=1, model=model, inputs=inputs)
    state.model, state.inputs = model, inputs
    session.add(state)
    session.flush()


def drop_pending_suggestions(
    session: Session, *, mention_ids: Iterable[int], claim_ids: Iterable[int]
) -> None:
    """Delete the pending suggestions of these mentions and of those pointing at these claims."""
    pending = LinkSuggestion.state == SuggestionState.pending
    for chunk in _chunks(mention_ids):
        session.execute(delete(LinkSuggestion).where(pending, LinkSuggestion.mention_id.in_(chunk)))
    for chunk in _chunks(claim_ids):
        session.execute(delete(LinkSuggestion).where(pending, LinkSuggestion.claim_id.in_(chunk)))
