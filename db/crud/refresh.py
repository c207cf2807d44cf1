"""The mark that derived data (clusters, search vectors, FAISS) needs a refresh after a write."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from db.models import (
    RefreshState,
)


def want_refresh(session: Session) -> None:
    """Say, in the writer's own transaction, that the derived data (clusters, search vectors, the
    FAISS file) must be refreshed: a write that commits can never leave that unsaid."""
    session.execute(update(RefreshState).where(RefreshState.id == 1).values(wanted=RefreshState.wanted + 1))


def refresh_wanted(session: Session) -> int | None:
    """The ``wanted`` count a refresh starting now will have covered, or None when nothing is left."""
    state = session.get(RefreshState, 1)
    return state.wanted if state is not None and state.wanted > state.done else None


def refresh_done(session: Session, *, wanted: int) -> None:
    """A refresh that began at ``wanted`` has finished (a later want stays open)."""
    session.execute(
        update(RefreshState).where(RefreshState.id == 1, RefreshState.done < wanted).values(done=wanted)
    )
