"""The one refresh after every write: relink, search vectors, the FAISS file, the keyword index.

Every write path ends with :func:`refresh`: an ingest, a re-extraction, the CLI's reindex and each
reviewer action that regroups or adds or drops mentions (:mod:`claims.review.actions`). A write asks
for it in its own transaction (:func:`db.crud.want_refresh`), so a run killed before its refresh
leaves the mark behind and the next one finishes the work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session

from claims.embed import index as vector_index
from claims.embed.encoder import from_bytes
from claims.embed.search_model import search_model_name
from claims.embed.search_vectors import refresh as refresh_search_vectors
from claims.link.relink import RelinkReport, relink
from claims.search.keywords import keywords_in_step, rebuild_keywords
from db import crud, fts, link_state
from db.session import session_scope


@dataclass
class RefreshReport:
    relinked: RelinkReport
    embedded: int  # mentions embedded by the search model
    indexed: int  # vectors in the FAISS file
    keywords: int  # mentions in the keyword index


def refresh(
    engine: Engine,
    *,
    force: bool = False,
    embed_progress: bool = False,
    on_chunk: Callable[[int, int], None] | None = None,
) -> RefreshReport | None:
    """Bring the derived data up to what is stored: regroup the mentions into tracked claims (the
    parts a change can reach are decided again, as relinking everything would decide them, so the
    order articles came in does not matter), embed new mentions with the search model, rebuild the
    FAISS file and bring the keyword index in step.

    Runs only when a write asked for it and no refresh has covered that yet, or when ``force``d
    (which also relinks every mention, not only what changed, and re-indexes every mention's
    words). Relinking holds the database's write lock, so two runs at once take turns; each is
    complete on its own. Returns None when there was nothing to do.
    ``on_chunk(done, total)`` follows the search model's encoding of new mentions.
    """
    if not force:  # every reviewer action ends here: most ask for nothing, and need not take the write lock
        with Session(engine) as session:
            if crud.refresh_wanted(session) is None:
                return None
    with session_scope(engine) as session:
        wanted = crud.refresh_wanted(session)
        if wanted is None and not force:
            return None  # another run covered it meanwhile
        if force:  # decide every mention again, not only what changed
            link_state.forget(session.connection())
        relinked = relink(session)
    embedded = refresh_search_vectors(engine, progress=embed_progress, on_chunk=on_chunk)
    index = vector_index.rebuild(engine) if force else vector_index.update(engine, changed=embedded)
    keywords = rebuild_keywords(engine) if force else keywords_in_step(engine)
    if wanted is not None:
        with session_scope(engine) as session:
            crud.refresh_done(session, wanted=wanted)
    return RefreshReport(relinked, len(embedded), len(index), keywords)


def out_of_step(engine: Engine) -> list[str]:
    """What of the derived data disagrees with the stored mentions; empty when all is in step.

    Checked in full, not sampled: every mention has search vectors of the current search model,
    each FAISS file (the search model's, the link model's) holds exactly the mentions' vectors
    under their ids, the keyword index holds every mention's text, and no refresh is left undone.
    """
    problems = []
    with Session(engine) as session:
        if crud.refresh_wanted(session) is not None:
            problems.append("a refresh was asked for and not done")
        if crud.search_vectors_stale(session, model=search_model_name()):
            problems.append("mentions without search vectors of the current search model")
        mentions = crud.mention_signature(session)[0]
    for held, name in ((vector_index.SEARCH, "FAISS file"), (vector_index.LINK, "link model's FAISS file")):
        problems += _index_problems(engine, held, name)
    with engine.connect() as connection:
        indexed = fts.indexed_count(connection)
    if indexed != mentions:
        problems.append(f"the keyword index holds {indexed} mentions, the database {mentions}")
    return problems


def _index_problems(engine: Engine, held: vector_index.Held, name: str) -> list[str]:
    with Session(engine) as session:
        stored = {
            i: vector for rows in crud.vector_batches(session, column=held.column) for i, vector in rows
        }
    path = vector_index.index_path(engine, held)
    saved = vector_index.VectorIndex.load(path) if path is not None and path.exists() else None
    if saved is None:
        return [f"no {name}"]
    ids = saved.ids()
    if sorted(ids) != sorted(stored):
        return [f"the {name} holds {len(ids)} ids, the database {len(stored)} vectors"]
    if any(not np.allclose(saved.vector(i), from_bytes(stored[i]), atol=saved.tolerance) for i in ids):
        return [f"the {name}'s vectors differ from the database's"]
    return []
