"""The search model's vectors of every mention's text and paragraph, kept in step with the model.

They are embedded when the search index is built (:func:`claims.index.build`):
after an ingest, a re-extraction or a reviewer's added claim, for databases
stored before search had its own model (migration 0010), and for every mention
again when the search adapters change (each vector records the model's name).
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from claims.embed import Embedder, to_bytes
from claims.search_model import search_embedder
from claims.text import paragraph_at
from db import crud
from db.session import session_scope


def refresh(engine: Engine, *, embedder: Embedder | None = None, progress: bool = False) -> int:
    """Embed the text and paragraph of every mention whose search vectors are missing or stale; how many."""
    embedder = embedder or search_embedder()
    with session_scope(engine) as session:
        rows = crud.mentions_needing_search_vectors(session, model=embedder.name)
        if not rows:
            return 0
        paragraphs = [paragraph_at(article.text, mention.start, mention.end) for mention, article in rows]
        unique = sorted({mention.text for mention, _ in rows} | set(paragraphs))
        vectors = dict(zip(unique, embedder.encode(unique, progress=progress)))
        for (mention, _), paragraph in zip(rows, paragraphs):
            mention.search_embedding = to_bytes(vectors[mention.text])
            mention.search_context_embedding = to_bytes(vectors[paragraph])
            mention.search_model = embedder.name
            session.add(mention)
    return len(rows)
