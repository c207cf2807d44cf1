"""One reviewer action, run as the UI and the CLI run it: in its own transaction, refused with a
message instead of an exception, followed by the refresh when it regrouped, added or dropped
mentions, and telling the page the claim's version it may now hold as seen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from claims.ingest.refresh import refresh
from claims.review.guards import ConflictError, ReviewError
from db import crud
from db.session import session_scope


@dataclass
class Outcome:
    """What one action did. ``seen`` is the version of the page's claim the reviewer now holds as
    seen: moved on past their own save, but not past a save someone else made before it."""

    saved: bool
    message: str = ""  # why it was refused
    conflict: bool = False  # refused because another reviewer saved in between
    result: Any = None  # what the action returned
    seen: int | None = None


def run(
    engine: Engine,
    action: Callable[..., Any],
    *,
    reviewer: str,
    opened: int | None = None,
    seen: int | None = None,
    **arguments,
) -> Outcome:
    """Call ``action(session, reviewer=reviewer, **arguments)`` in one transaction.

    Args:
        opened: the tracked claim the reviewer has open, whose version ``seen`` tracks.
        seen: the version of it the reviewer read; None when they hold none.
    """
    try:
        with session_scope(engine) as session:
            before = _version(session, opened)
            result = action(session, reviewer=reviewer, **arguments)
            after = _version(session, opened)  # dropping a claim's last mention removes the claim
    except ConflictError as error:
        return Outcome(
            False, f"another reviewer changed this after you opened it. {error}", conflict=True, seen=seen
        )
    except ReviewError as error:
        return Outcome(False, str(error), seen=seen)
    refresh(engine)
    return Outcome(True, result=result, seen=after if seen == before else seen)


def _version(session, claim_id: int | None) -> int | None:
    claim = crud.get_claim(session, claim_id=claim_id) if claim_id is not None else None
    return claim.version if claim is not None else None
