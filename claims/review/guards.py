"""What every review action checks before it writes: a reviewer's name, the claim it acts on, and
that nobody saved the claim (or mention) since the reviewer read it.

A save is one conditional UPDATE on the version read, so two reviewers can never both win; the
loser gets a :class:`ConflictError` that names who saved in between.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from db import crud
from db.models import Mention, TrackedClaim, utcnow


class ConflictError(Exception):
    """Someone saved this claim after you opened it."""


class ReviewError(Exception):
    """A review action that cannot apply (unknown id, empty note, no reviewer name)."""


def reviewer_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ReviewError("a reviewer name is needed to record the change")
    return name


def must_exist(row, what: str):
    """``row``, or a ReviewError "no ``what``" when the lookup found nothing."""
    if row is None:
        raise ReviewError(f"no {what}")
    return row


def claim_to_review(session: Session, claim_id: int) -> TrackedClaim:
    return must_exist(crud.get_claim(session, claim_id=claim_id), f"tracked claim {claim_id}")


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


def save_regrouped(session: Session, claims: Sequence[TrackedClaim], reviewer: str) -> None:
    """Save each claim a regrouping touched (each conditional on the version read) and ask, in the
    same transaction, for the refresh: relinking keeps the change, the indexes follow."""
    for claim in claims:
        save_claim(session, claim, reviewer)
    session.add_all(claims)
    session.flush()
    crud.want_refresh(session)


def move_to(
    session: Session, mention: Mention, target: TrackedClaim, reviewer: str, why: str | None = None
) -> None:
    """Put ``mention`` in ``target``, with the history row that says from where (and why)."""
    old, new = f"claim {mention.claim_id}", f"claim {target.id}" + (f" ({why})" if why else "")
    crud.record_history(
        session, claim_id=target.id, mention_id=mention.id, field="link", old=old, new=new, reviewer=reviewer
    )
    mention.claim_id = target.id
    mention.version = Mention.version + 1  # in SQL: no increment is lost to another writer
    session.add(mention)
