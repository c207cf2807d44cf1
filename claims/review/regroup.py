"""Reviewers regroup mentions: merge two tracked claims, split mentions off into a new one,
move one mention to another claim.

Each change is applied at once, written to History, and stored as link
decisions between the mentions' stable keys (:class:`db.models.LinkDecision`),
so every later relinking (after an ingest, a re-ingest of the same articles
into a new database with the decisions carried over, or a reindex) keeps it.
The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from claims.review.guards import (
    ReviewError,
    check_version,
    claim_to_review,
    move_to,
    reviewer_name,
    save_regrouped,
)
from db import crud
from db.models import Mention, TrackedClaim


def _members(session: Session, claim_id: int) -> list[Mention]:
    return [row.mention for row in crud.mention_rows(session, claim_id=claim_id)]


def merge_claims(
    session: Session, *, keep_id: int, other_id: int, reviewer: str, expected_version: int | None = None
) -> TrackedClaim:
    """Move every mention of ``other_id`` into ``keep_id``; the emptied claim keeps its history."""
    reviewer = reviewer_name(reviewer)
    if keep_id == other_id:
        raise ReviewError("choose two different tracked claims to merge")
    keep, other = claim_to_review(session, keep_id), claim_to_review(session, other_id)
    check_version("the tracked claim", keep.version, expected_version, keep.reviewer)
    kept, moving = _members(session, keep.id), _members(session, other.id)
    if not kept or not moving:
        raise ReviewError("both tracked claims need mentions to be merged")
    crud.record_link_decisions(
        session, pairs=[(m.id, kept[0].id) for m in moving], same=True, reviewer=reviewer
    )
    for mention in moving:
        move_to(session, mention, keep, reviewer, f"merged from claim {other.id}")
    crud.record_history(
        session, claim_id=other.id, field="merged into", new=f"claim {keep.id}", reviewer=reviewer
    )
    save_regrouped(session, [keep, other], reviewer)
    return keep


def split_mentions(
    session: Session,
    *,
    claim_id: int,
    mention_ids: Sequence[int],
    reviewer: str,
    expected_version: int | None = None,
) -> TrackedClaim:
    """Take ``mention_ids`` out of ``claim_id`` into a new tracked claim of their own (kept together)."""
    reviewer = reviewer_name(reviewer)
    claim = claim_to_review(session, claim_id)
    check_version("the tracked claim", claim.version, expected_version, claim.reviewer)
    members = _members(session, claim.id)
    chosen = [m for m in members if m.id in set(mention_ids)]
    rest = [m for m in members if m.id not in set(mention_ids)]
    if len(chosen) != len(set(mention_ids)):
        raise ReviewError(f"only mentions of tracked claim {claim.id} can be split off it")
    if not chosen or not rest:
        raise ReviewError("choose some, but not all, of the claim's mentions to split off")
    crud.record_link_decisions(
        session, pairs=[(a.id, b.id) for a in chosen for b in rest], same=False, reviewer=reviewer
    )
    crud.record_link_decisions(
        session, pairs=[(chosen[0].id, m.id) for m in chosen[1:]], same=True, reviewer=reviewer
    )
    new = TrackedClaim(canonical_text=chosen[0].text, reviewer=reviewer)
    session.add(new)
    session.flush()
    for mention in chosen:
        move_to(session, mention, new, reviewer, f"split from claim {claim.id}")
    what = f"{len(chosen)} mention(s) to claim {new.id}"
    crud.record_history(session, claim_id=claim.id, field="split off", new=what, reviewer=reviewer)
    save_regrouped(session, [claim], reviewer)
    return new


def move_mention(session: Session, *, mention_id: int, to_claim_id: int, reviewer: str) -> Mention:
    """Move one mention to another tracked claim: it stays apart from the one it leaves."""
    reviewer = reviewer_name(reviewer)
    mention = crud.get_mention(session, mention_id=mention_id)
    if mention is None:
        raise ReviewError(f"no mention {mention_id}")
    if mention.claim_id == to_claim_id:
        raise ReviewError(f"mention {mention_id} is already in tracked claim {to_claim_id}")
    source, target = claim_to_review(session, mention.claim_id), claim_to_review(session, to_claim_id)
    left = [m for m in _members(session, source.id) if m.id != mention.id]
    joined = _members(session, target.id)
    if not joined:
        raise ReviewError(f"tracked claim {target.id} has no mentions to join")
    crud.record_link_decisions(
        session, pairs=[(mention.id, m.id) for m in left], same=False, reviewer=reviewer
    )
    crud.record_link_decisions(session, pairs=[(mention.id, joined[0].id)], same=True, reviewer=reviewer)
    move_to(session, mention, target, reviewer, f"moved from claim {source.id}")
    save_regrouped(session, [source, target], reviewer)
    return mention
