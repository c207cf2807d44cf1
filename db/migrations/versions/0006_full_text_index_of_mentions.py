"""full-text index of mentions

An external-content FTS5 table over ``mention.text`` (BM25 keyword search),
kept in step by triggers, and filled from the mentions already stored.

Revision ID: 0006
Revises: 0007
Create Date: 2026-11-25 09:30:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = '0006'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Frozen copies of db/fts.py's statements as of this revision (a migration must not change later).
UPGRADE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS mention_fts USING fts5("
    "text, content='mention', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS mention_fts_insert AFTER INSERT ON mention BEGIN "
    "INSERT INTO mention_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS mention_fts_delete AFTER DELETE ON mention BEGIN "
    "INSERT INTO mention_fts(mention_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS mention_fts_update AFTER UPDATE OF text ON mention BEGIN "
    "INSERT INTO mention_fts(mention_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO mention_fts(rowid, text) VALUES (new.id, new.text); END",
    # Backfill: index every mention stored before this revision.
    "INSERT INTO mention_fts(mention_fts) VALUES ('rebuild')",
]

DOWNGRADE = [
    "DROP TRIGGER IF EXISTS mention_fts_update",
    "DROP TRIGGER IF EXISTS mention_fts_delete",
    "DROP TRIGGER IF EXISTS mention_fts_insert",
    "DROP TABLE IF EXISTS mention_fts",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
