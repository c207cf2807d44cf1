"""Semantic search over mentions, results grouped by tracked claim."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Optional

from sqlalchemy.engine import Engine
from sqlmodel import Session

from claims.embed import Embedder, default_embedder
from claims.index import VectorIndex, load_or_rebuild
from db import crud


@dataclass
class SearchResult:
    """One tracked claim, represented by its mention closest to the query."""

    claim_id: int  # the best-matching mention
    cluster_id: int  # its tracked claim
    text: str
    speaker: Optional[str]
    venue: Optional[str]
    attribution: str
    checkworthiness: float
    document: str
    outlet: Optional[str]
    title: Optional[str]
    status: str
    mentions: int
    score: float

    def to_dict(self) -> dict:
        return asdict(self)


def search(
    engine: Engine,
    query: str,
    *,
    k: int = 10,
    embedder: Optional[Embedder] = None,
    index: Optional[VectorIndex] = None,
) -> list[SearchResult]:
    """The ``k`` tracked claims closest in meaning to ``query``, best first.

    Args:
        engine: the database.
        query: any wording of the statement looked for.
        k: how many tracked claims to return.
        embedder: defaults to the bundled model.
        index: a loaded index; by default the saved one (rebuilt if stale).
    """
    query = query.strip()
    if not query or k <= 0:
        return []
    embedder = embedder or default_embedder()
    index = index if index is not None else load_or_rebuild(engine)
    vector = embedder.encode_one(query)
    # Several mentions of one claim can crowd the top: look deeper, then group.
    hits = index.search(vector, k * 5 + 20)
    if not hits:
        return []
    scores = dict(hits)
    with Session(engine) as session:
        rows = crud.mention_rows(session, mention_ids=list(scores))
        sizes = crud.claim_sizes(session, claim_ids={row.claim.id for row in rows})
    best: dict[int, crud.MentionRow] = {}
    for row in rows:
        current = best.get(row.claim.id)
        if current is None or scores[row.mention.id] > scores[current.mention.id]:
            best[row.claim.id] = row
    results = [
        SearchResult(
            claim_id=row.mention.id,
            cluster_id=row.claim.id,
            text=row.mention.text,
            speaker=row.speaker,
            venue=row.mention.venue,
            attribution=row.mention.attribution.value,
            checkworthiness=round(row.mention.checkworthiness, 4),
            document=row.article.document,
            outlet=row.outlet,
            title=row.article.title,
            status=row.claim.status.value,
            mentions=sizes.get(row.claim.id, 1),
            score=round(scores[row.mention.id], 4),
        )
        for row in best.values()
    ]
    results.sort(key=lambda r: -r.score)
    return results[:k]
