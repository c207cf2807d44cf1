"""Counts for `stats` and the queue."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from db.models import (
    Article,
    ClaimStatus,
    LinkSuggestion,
    Mention,
    Note,
    Outlet,
    Speaker,
    SuggestionState,
    TrackedClaim,
)


def counts(session: Session) -> dict[str, int]:
    def count(model, *where) -> int:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()

    return {
        "articles": count(Article),
        "outlets": count(Outlet),
        "speakers": count(Speaker),
        "mentions": count(Mention),
        "tracked_claims": session.exec(select(func.count(func.distinct(Mention.claim_id)))).one(),
        "multi_source_claims": session.exec(
            select(func.count()).select_from(
                select(Mention.claim_id)
                .join(Article)
                .group_by(Mention.claim_id)
                .having(func.count(func.distinct(Article.id)) > 1)
                .subquery()
            )
        ).one(),
        "pending_suggestions": count(LinkSuggestion, LinkSuggestion.state == SuggestionState.pending),
        "reviewed_claims": count(TrackedClaim, TrackedClaim.status != ClaimStatus.unreviewed),
        "notes": count(Note),
    }


def status_counts(session: Session) -> dict[str, int]:
    rows = session.exec(select(TrackedClaim.status, func.count()).group_by(TrackedClaim.status)).all()
    return {status.value: n for status, n in rows}
