"""Review actions: verdict status, sourcing, notes, link suggestions, each with history.

Every change is checked against the version the reviewer read: if someone
else saved the claim (or mention) in between, :class:`ConflictError` says so
instead of silently overwriting their work. The caller owns the transaction.
"""

from __future__ import annotations

from sqlmodel import Session

from claims.review.guards import (
    ConflictError,
    ReviewError,
    check_version,
    claim_to_review,
    move_to,
    refuse,
    reviewer_name,
    save_claim,
    save_regrouped,
)
from db import crud
from db.models import (
    ClaimStatus,
    LinkSuggestion,
    Mention,
    Note,
    Sourcing,
    SuggestionState,
    TrackedClaim,
    utcnow,
)


def set_status(
    session: Session,
    *,
    claim_id: int,
    status: ClaimStatus | str,
    reviewer: str,
    expected_version: int | None = None,
) -> TrackedClaim:
    """Set a tracked claim's verdict status."""
    reviewer = reviewer_name(reviewer)
    status = ClaimStatus(status)
    claim = claim_to_review(session, claim_id)
    check_version("This claim", claim.version, expected_version, claim.reviewer)
    if claim.status == status:
        return claim
    crud.record_history(
        session,
        claim_id=claim.id,
        field="status",
        old=claim.status.value,
        new=status.value,
        reviewer=reviewer,
    )
    save_claim(session, claim, reviewer, status=status)
    return claim


def set_sourcing(
    session: Session,
    *,
    mention_id: int,
    sourcing: Sourcing | str | None,
    reviewer: str,
    expected_version: int | None = None,
) -> Mention:
    """Mark how one mention is sourced: Primary, Secondary or Unsourced."""
    reviewer = reviewer_name(reviewer)
    sourcing = Sourcing(sourcing) if sourcing else None
    mention = crud.get_mention(session, mention_id=mention_id)
    if mention is None:
        raise ReviewError(f"no mention {mention_id}")
    check_version("This mention", mention.version, expected_version, None)
    if mention.sourcing == sourcing:
        return mention
    crud.record_history(
        session,
        claim_id=mention.claim_id,
        mention_id=mention.id,
        field="sourcing",
        old=mention.sourcing.value if mention.sourcing else None,
        new=sourcing.value if sourcing else None,
        reviewer=reviewer,
    )
    read = mention.version
    if not crud.update_if_version(session, mention, version=read, sourcing=sourcing):
        refuse("This mention", crud.current_version(session, Mention, mention_id), read, None)
    save_claim(session, claim_to_review(session, mention.claim_id), reviewer)
    return mention


def add_note(session: Session, *, claim_id: int, text: str, reviewer: str) -> Note:
    reviewer = reviewer_name(reviewer)
    text = (text or "").strip()
    if not text:
        raise ReviewError("the note is empty")
    claim = claim_to_review(session, claim_id)
    note = Note(claim_id=claim.id, reviewer=reviewer, text=text)
    session.add(note)
    crud.record_history(session, claim_id=claim.id, field="note", new=text, reviewer=reviewer)
    save_claim(session, claim, reviewer)
    return note


def decide_suggestion(session: Session, *, suggestion_id: int, accept: bool, reviewer: str) -> LinkSuggestion:
    """Accept (move the mention into the suggested claim) or reject a link suggestion."""
    reviewer = reviewer_name(reviewer)
    suggestion = session.get(LinkSuggestion, suggestion_id)
    if suggestion is None:
        raise ReviewError(f"no link suggestion {suggestion_id}")
    state = SuggestionState.accepted if accept else SuggestionState.rejected
    if not crud.decide_if_pending(session, suggestion, state=state, decided_by=reviewer, decided_at=utcnow()):
        session.expire(suggestion)
        raise ConflictError(
            f"this suggestion was already {suggestion.state.value} by {suggestion.decided_by}"
        )
    target = claim_to_review(session, suggestion.claim_id)
    # Remembered as link decisions, so relinking after the next ingest keeps the reviewer's word.
    members = [
        row.mention.id
        for row in crud.mention_rows(session, claim_id=target.id)
        if row.mention.id != suggestion.mention_id
    ]
    crud.record_link_decisions(
        session,
        pairs=[(suggestion.mention_id, m) for m in (members[:1] if accept else members)],
        same=accept,
        reviewer=reviewer,
    )
    if accept:
        # The emptied claim is kept (with its history); claims without mentions are not listed.
        move_to(session, crud.get_mention(session, mention_id=suggestion.mention_id), target, reviewer)
    else:
        crud.record_history(
            session,
            claim_id=target.id,
            mention_id=suggestion.mention_id,
            field="link",
            old="suggested",
            new="rejected",
            reviewer=reviewer,
        )
    save_regrouped(session, [target], reviewer)
    return suggestion
