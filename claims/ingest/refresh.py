"""The one refresh after every write: relink, search vectors, the FAISS file, the keyword index."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from claims.link.relink import RelinkReport, relink
from claims.search import index as vector_index
from claims.search.vectors import refresh as refresh_search_vectors
from db import crud
from db.session import session_scope


@dataclass
class RefreshReport:
    relinked: RelinkReport
    embedded: int  # mentions embedded by the search model
    indexed: int  # vectors in the FAISS file


def refresh(engine: Engine, *, force: bool = False, embed_progress: bool = False) -> RefreshReport | None:
    """Bring the derived data up to what is stored: regroup every mention into tracked claims (the
    clusters are recomputed over all of them, so the order articles came in does not matter), embed
    new mentions with the search model, rebuild the FAISS file.

    Runs only when a write asked for it (:func:`db.crud.want_refresh`) and no refresh has covered
    that yet, or when ``force``d. Relinking holds the database's write lock, so two runs at once
    take turns; each is complete on its own. Returns None when there was nothing to do.
    """
    with session_scope(engine) as session:
        wanted = crud.refresh_wanted(session)
        if wanted is None and not force:
            return None
        relinked = relink(session)
    embedded = refresh_search_vectors(engine, progress=embed_progress)
    index = vector_index.rebuild(engine)
    if wanted is not None:
        with session_scope(engine) as session:
            crud.refresh_done(session, wanted=wanted)
    return RefreshReport(relinked, embedded, len(index))
