"""Each tracked claim's mention count, article count and top check-worthiness, kept in step by SQLite.

The queue sorts and filters 100,000s of claims by these numbers a page at a time, so they live
on ``tracked_claim`` itself (indexed) instead of being grouped out of every mention on each
rerun. Triggers on ``mention`` recompute them for the claims a change touches, on every insert,
delete and change of claim, article or check-worthiness, whoever writes: ingest, relinking, a
reviewer's regrouping, a bench script's raw SQL. Each recount reads one claim's entries of
``ix_mention_claim_stats`` only. Created by migration 0015.

As with the keyword index (:mod:`db.fts`), Alembic's batch mode drops a table's triggers when it
rebuilds the table; :func:`ensure` puts back what is missing and recounts every claim then.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from db.fts import put_back_triggers

# Literal SQL, nothing formatted in; migration 0015 holds a frozen copy of the same statements.
_RECOUNT = (
    "UPDATE tracked_claim SET "
    "mention_count = (SELECT count(*) FROM mention WHERE mention.claim_id = tracked_claim.id), "
    "article_count = (SELECT count(DISTINCT article_id) FROM mention WHERE mention.claim_id = tracked_claim.id), "
    "top_checkworthiness = coalesce("
    "(SELECT max(checkworthiness) FROM mention WHERE mention.claim_id = tracked_claim.id), 0)"
)
TRIGGERS = {
    "claim_stats_insert": f"AFTER INSERT ON mention BEGIN {_RECOUNT} WHERE id = new.claim_id; END",
    "claim_stats_delete": f"AFTER DELETE ON mention BEGIN {_RECOUNT} WHERE id = old.claim_id; END",
    "claim_stats_update": (
        "AFTER UPDATE OF claim_id, article_id, checkworthiness ON mention BEGIN "
        f"{_RECOUNT} WHERE id IN (old.claim_id, new.claim_id); END"
    ),
}


def recount(connection: Connection) -> None:
    """Recount every tracked claim from its mentions."""
    connection.execute(text(_RECOUNT))


def ensure(connection: Connection) -> bool:
    """Create any missing trigger and recount every claim then. True if anything was missing."""
    if not put_back_triggers(connection, TRIGGERS, tables=("mention", "tracked_claim")):
        return False
    recount(connection)
    return True
