"""What every review action checks before it writes: a reviewer's name, the claim it acts on, and
that nobody saved the claim (or mention) since the reviewer read it.

A save is one conditional UPDATE on the version read, so two reviewers can never both win; the
loser gets a :class:`ConflictError` that names who saved in between.
"""

from __future__ import annotations

from sqlmodel import Session

from db import crud
from db.models import TrackedClaim, utcnow


class ConflictError(Exception):
    """Someone saved this claim after you opened it."""


class ReviewError(Exception):
    """A review action that cannot apply (unknown id, empty note, no reviewer name)."""


def reviewer_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ReviewError("a reviewer name is needed to record the change")
    return name


def claim_to_review(session: Session, claim_id: int) -> TrackedClaim:
    claim = crud.get_claim(session, claim_id=claim_id)
    if claim is None:
        raise ReviewError(f"no tracked claim {claim_id}")
    return claim


def check_version(kind: str, current: int, expected: int | None, who: str | None) -> None:
    if expected is not None and current != expected:
        by = f" by {who}" if who else ""
        raise ConflictError(
            f"{kind} was changed{by} after you opened it (version {expected} -> {current}); reload to see the change"
        )


def save_claim(session: Session, claim: TrackedClaim, reviewer: str, **values) -> None:
    """Write ``values`` to ``claim`` and move its version on, unless another reviewer saved it since it was read.

    Raises:
        ConflictError: the claim's version in the database is no longer the one read; nothing is written.
    """
    read = claim.version
    if not crud.update_if_version(
        session, claim, version=read, reviewer=reviewer, updated_at=utcnow(), **values
    ):
        current = crud.current_version(session, TrackedClaim, claim.id)
        if current is not None:
            session.expire(claim)  # to name who saved it: the row as it is now
        refuse("This claim", current, read, claim.reviewer if current is not None else None)


def refuse(kind: str, current: int | None, read: int, who: str | None) -> None:
    """Raise the ConflictError for a conditional write that found ``current`` instead of ``read``."""
    if current is None:
        raise ConflictError(f"{kind} was removed after you opened it; reload")
    check_version(kind, current, read, who)
    raise ConflictError(f"{kind} changed after you opened it; reload")
