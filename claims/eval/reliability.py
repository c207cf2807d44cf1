"""Reviewers in their own processes, for the concurrency harness (bench/reliability.py) and its test."""

from __future__ import annotations

import random

from sqlmodel import Session

from claims.review.verdicts import ConflictError, set_status
from db import crud
from db.models import ClaimStatus, TrackedClaim
from db.session import get_engine, session_scope

STATUSES = [ClaimStatus.unreviewed, ClaimStatus.in_progress, ClaimStatus.true, ClaimStatus.false]


def new_claims(path: str, count: int) -> list[int]:
    """``count`` tracked claims in the database at ``path`` (created and migrated if new); their ids."""
    engine = get_engine(path)
    with session_scope(engine) as session:
        claims = [TrackedClaim(canonical_text=f"claim {i}") for i in range(count)]
        session.add_all(claims)
        session.flush()
        ids = [claim.id for claim in claims]
    engine.dispose()
    return ids


def review_edits(
    path: str, reviewer: str, claim_ids: list[int], edits: int, seed: int | None = None
) -> list[tuple]:
    """One reviewer's process: open a claim (read its version and status), then save another status.

    Claims are taken in turn, or at random when ``seed`` is given. Returns ``(claim_id, version read,
    "saved" | "conflict")`` per edit; any other outcome raises.
    """
    engine = get_engine(path, migrate=False)
    rng = random.Random(seed)  # nosec B311  # picks which claim a test reviewer edits next; no secret
    outcomes = []
    for i in range(edits):
        claim_id = claim_ids[i % len(claim_ids)] if seed is None else rng.choice(claim_ids)
        with Session(engine) as session:  # the page the reviewer opened
            claim = crud.get_claim(session, claim_id=claim_id)
            seen, status = claim.version, claim.status
        new = STATUSES[(STATUSES.index(status) + 1) % len(STATUSES)] if status in STATUSES else STATUSES[0]
        try:
            with session_scope(engine) as session:
                set_status(session, claim_id=claim_id, status=new, reviewer=reviewer, expected_version=seen)
            outcomes.append((claim_id, seen, "saved"))
        except ConflictError:
            outcomes.append((claim_id, seen, "conflict"))
    engine.dispose()
    return outcomes
