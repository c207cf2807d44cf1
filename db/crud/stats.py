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
    """Counts of the archive, each from an index (the claims' from their trigger-kept numbers, db/claim_stats.py)."""

    def count(model, *where) -> int:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()

    return {
        "articles": count(Article),
        "outlets": count(Outlet),
        "speakers": count(Speaker),
        "mentions": count(Mention),
        # Claims with mentions: a reviewed claim left without any keeps its record but is not tracked.
        "tracked_claims": count(TrackedClaim, TrackedClaim.mention_count > 0),
        "multi_source_claims": count(TrackedClaim, TrackedClaim.article_count > 1),
        "pending_suggestions": count(LinkSuggestion, LinkSuggestion.state == SuggestionState.pending),
        "reviewed_claims": count(TrackedClaim, TrackedClaim.status != ClaimStatus.unreviewed),
        "notes": count(Note),
    }


def status_counts(session: Session) -> dict[str, int]:
    rows = session.exec(select(TrackedClaim.status, func.count()).group_by(TrackedClaim.status)).all()
    return {status.value: n for status, n in rows}
