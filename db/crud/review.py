"""Versioned writes (each conditional on the version read), notes, history, link suggestions, feedback."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, select

from db.models import (
    ExtractionFeedback,
    History,
    LinkSuggestion,
    Mention,
    Note,
    SuggestionState,
    TrackedClaim,
)


def where_given(query, column, value):
    """``query`` narrowed to ``column == value``, unless ``value`` is None (no filter asked)."""
    return query if value is None else query.where(column == value)


def update_if_version(session: Session, row: TrackedClaim | Mention, *, version: int, **values) -> bool:
    """``UPDATE … SET values, version = version + 1 WHERE id = ? AND version = ?`` for ``row``'s table.

    The check and the write are one statement, so no other writer's save can fall between them;
    False (nothing written) when another writer moved the version on since it was ``version``.
    ``row`` is refreshed from the database after a write.
    """
    model = type(row)
    statement = (
        update(model)
        .where(model.id == row.id, model.version == version)
        .values(**values, version=model.version + 1)
        .execution_options(synchronize_session=False)
    )
    if session.execute(statement).rowcount != 1:
        return False
    session.refresh(row)
    return True


def current_version(session: Session, model: type[TrackedClaim] | type[Mention], row_id: int) -> int | None:
    """The version a row has in the database now (not the session's copy), or None when it is gone."""
    return session.exec(select(model.version).where(model.id == row_id)).first()


def decide_if_pending(session: Session, suggestion: LinkSuggestion, **values) -> bool:
    """Record a decision on a link suggestion only while it is still pending (one statement)."""
    statement = (
        update(LinkSuggestion)
        .where(LinkSuggestion.id == suggestion.id, LinkSuggestion.state == SuggestionState.pending)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if session.execute(statement).rowcount != 1:
        return False
    session.refresh(suggestion)
    return True


def record_history(
    session: Session,
    *,
    claim_id: int,
    field: str,
    new: str | None,
    reviewer: str,
    old: str | None = None,
    mention_id: int | None = None,
) -> History:
    """One change to a tracked claim (or one of its mentions), as the claim's history shows it."""
    row = History(claim_id=claim_id, mention_id=mention_id, field=field, old=old, new=new, reviewer=reviewer)
    session.add(row)
    return row


def notes_for(session: Session, *, claim_id: int) -> list[Note]:
    return list(
        session.exec(select(Note).where(Note.claim_id == claim_id).order_by(Note.created_at, Note.id)).all()
    )


def history_for(session: Session, *, claim_id: int) -> list[History]:
    return list(
        session.exec(
            select(History).where(History.claim_id == claim_id).order_by(History.at, History.id)
        ).all()
    )


def suggestions_for(
    session: Session, *, claim_id: int, state: SuggestionState = SuggestionState.pending
) -> list[tuple[LinkSuggestion, Mention]]:
    """Suggestions that a mention (now in another claim) may be this claim."""
    query = (
        select(LinkSuggestion, Mention)
        .join(Mention, LinkSuggestion.mention_id == Mention.id)
        .where(LinkSuggestion.claim_id == claim_id, LinkSuggestion.state == state)
        .order_by(LinkSuggestion.score.desc())
    )
    return list(session.exec(query).all())


def pending_suggestions(session: Session) -> list[LinkSuggestion]:
    return list(
        session.exec(select(LinkSuggestion).where(LinkSuggestion.state == SuggestionState.pending)).all()
    )


def suggestions_touching(
    session: Session, *, mention_id: int | None = None, claim_id: int | None = None
) -> list[LinkSuggestion]:
    """Link suggestions of a mention, or to a tracked claim, whatever their state."""
    query = where_given(select(LinkSuggestion), LinkSuggestion.mention_id, mention_id)
    return list(session.exec(where_given(query, LinkSuggestion.claim_id, claim_id)).all())


def feedback_rows(
    session: Session, *, label: int | None = None, article_id: int | None = None
) -> list[ExtractionFeedback]:
    query = where_given(select(ExtractionFeedback), ExtractionFeedback.article_id, article_id)
    query = where_given(query, ExtractionFeedback.label, label)
    return list(session.exec(query.order_by(ExtractionFeedback.id)).all())
