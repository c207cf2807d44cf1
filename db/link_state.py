"""Which mentions relinking must look at again, kept by SQLite whoever writes.

Triggers on ``mention`` list in ``link_dirty`` every mention inserted, deleted or changed in
what linking reads (text, vector, speaker, role, attribution, article): ingest, re-extraction,
a reviewer's speaker merge, a bench script's raw SQL. Relinking (:func:`claims.link.relink.relink`)
starts from those and clears them. Created by migration 0017.

Alembic's batch mode drops a table's triggers when it rebuilds it. :func:`ensure` puts back what
is missing and then forgets every stored neighbourhood, so the next relinking is a full one:
changes made while the triggers were gone are not listed.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from db.fts import put_back_triggers

# Literal SQL, nothing formatted in; migration 0017 holds a frozen copy of the same statements.
TRIGGERS = {
    "link_dirty_insert": "AFTER INSERT ON mention BEGIN INSERT OR IGNORE INTO link_dirty VALUES (new.id); END",
    "link_dirty_delete": "AFTER DELETE ON mention BEGIN INSERT OR IGNORE INTO link_dirty VALUES (old.id); END",
    "link_dirty_update": (
        "AFTER UPDATE OF text, embedding, speaker_id, role, attribution, article_id ON mention BEGIN "
        "INSERT OR IGNORE INTO link_dirty VALUES (old.id); INSERT OR IGNORE INTO link_dirty VALUES (new.id); END"
    ),
}


def forget(connection: Connection) -> None:
    """Drop every stored neighbourhood: the next relinking works everything out again."""
    for table in ("link_node", "link_neighbour", "link_dirty", "link_state"):
        connection.execute(text(f"DELETE FROM {table}"))  # nosec B608  # table names from the tuple above


def ensure(connection: Connection) -> bool:
    """Create any missing trigger, and forget the neighbourhoods then. True if anything was missing."""
    if not put_back_triggers(connection, TRIGGERS, tables=("mention", "link_dirty")):
        return False
    forget(connection)
    return True
