"""The keyword (FTS5) index of mention texts, kept in step by triggers and checked by the refresh."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from db import crud, fts


def rebuild_keywords(engine: Engine) -> int:
    """Re-create the keyword index's table and triggers if missing and re-index every mention; the count indexed."""
    with engine.begin() as connection:
        if not fts.ensure(connection):
            fts.rebuild(connection)
        return fts.indexed_count(connection)


def keywords_in_step(engine: Engine) -> int:
    """Put back a missing table or trigger, and re-index when the index holds another number of
    mentions than the table (the triggers were lost and found again, a copy was edited by hand);
    the count indexed. Cheap when all is well: two counts."""
    with engine.begin() as connection:
        fts.ensure(connection)
        indexed = fts.indexed_count(connection)
    with Session(engine) as session:
        mentions = crud.mention_signature(session)[0]
    return indexed if indexed == mentions else rebuild_keywords(engine)
