"""The search model's vectors of every mention's text and paragraph, kept in step with the model.

They are embedded when the search index is built (:func:`claims.embed.index.build`):
after an ingest, a re-extraction or a reviewer's added claim, for databases
stored before search had its own model (migration 0010), and for every mention
again when the search adapters change (each vector records the model's name).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session

from claims.embed.encoder import Embedder, to_bytes
from claims.embed.search_model import search_embedder, search_model_name
from claims.text.sentences import paragraph_at
from db import crud
from db.session import session_scope


def refresh(
    engine: Engine,
    *,
    embedder: Embedder | None = None,
    progress: bool = False,
    on_chunk: Callable[[int, int], None] | None = None,
) -> list[int]:
    """Embed the text and paragraph of every mention whose search vectors are missing or stale; their ids.

    ``on_chunk(done, total)`` follows the encoding (:meth:`claims.embed.encoder.Embedder.encode`)."""
    name = embedder.name if embedder is not None else search_model_name()
    with Session(engine) as session:  # embedding takes a while: read, embed, then take the write lock
        rows = crud.mentions_needing_search_vectors(session, model=name)
        work = [(m.id, m.text, paragraph_at(article.text, m.start, m.end)) for m, article in rows]
    if not work:
        return []  # the model is loaded only when there is something to embed
    embedder = embedder or search_embedder()
    unique = sorted({text for _, text, _ in work} | {paragraph for _, _, paragraph in work})
    vectors = dict(
        zip(unique, embedder.encode(unique, progress=progress and not on_chunk, on_chunk=on_chunk))
    )
    written: list[int] = []
    with session_scope(engine) as session:
        for mention_id, text, paragraph in work:
            mention = crud.get_mention(session, mention_id=mention_id)
            if mention is None or mention.text != text:  # changed meanwhile: the next refresh embeds it
                continue
            mention.search_embedding = to_bytes(vectors[text])
            mention.search_context_embedding = to_bytes(vectors[paragraph])
            mention.search_model = embedder.name
            session.add(mention)
            written.append(mention_id)
    return written
