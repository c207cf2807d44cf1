"""The full-text (FTS5, BM25) index of mention texts.

``mention_fts`` is an external-content FTS5 table over ``mention.text``:
it stores only the index, and triggers on ``mention`` keep it in step on
every insert, delete and change of text (ingest, a reviewer adding or
dropping a mention). Created by migration 0006.

SQLite drops a table's triggers with the table, and Alembic's batch mode
rebuilds a table to alter it; :func:`ensure` puts back whatever is missing
(and refills the index then), so a later migration cannot silently stop the
keyword index from following the mentions.
"""

from __future__ import annotations

import re
import sqlite3
import threading

from sqlalchemy import text
from sqlalchemy.engine import Connection

TABLE = "mention_fts"
TOKENIZE = "porter unicode61 remove_diacritics 2"

_CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    f"text, content='mention', content_rowid='id', tokenize='{TOKENIZE}')"
)
# The statements name the table outright instead of formatting TABLE in: nothing is ever formatted
# into SQL here (bandit's B608 flags any f-string that reads as SQL), and migration 0006 holds the same text.
_TRIGGERS = {
    "mention_fts_insert": "AFTER INSERT ON mention BEGIN INSERT INTO mention_fts(rowid, text) VALUES (new.id, new.text); END",
    "mention_fts_delete": "AFTER DELETE ON mention BEGIN INSERT INTO mention_fts(mention_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "mention_fts_update": (
        "AFTER UPDATE OF text ON mention BEGIN "
        "INSERT INTO mention_fts(mention_fts, rowid, text) VALUES ('delete', old.id, old.text); "
        "INSERT INTO mention_fts(rowid, text) VALUES (new.id, new.text); END"
    ),
}


def not_ours(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic ``include_object``: leave the FTS5 table and its shadow tables out of autogenerate and comparisons."""
    return not (type_ == "table" and name and name.startswith(TABLE))


def schema_names(connection: Connection) -> set[str]:
    """The names of the database's tables and triggers."""
    return {
        row[0]
        for row in connection.execute(
            text("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        )
    }


def put_back_triggers(connection: Connection, triggers: dict[str, str], *, tables: tuple[str, ...]) -> bool:
    """Create whichever of ``triggers`` ({name: body}) is missing, once ``tables`` exist. True if any
    was: the caller then repairs what went unrecorded meanwhile."""
    names = schema_names(connection)
    if not set(tables) <= names:
        return False
    missing = [name for name in triggers if name not in names]
    for name in missing:
        connection.execute(text(f"CREATE TRIGGER IF NOT EXISTS {name} {triggers[name]}"))
    return bool(missing)


def ensure(connection: Connection) -> bool:
    """Create the table and triggers if any is missing; refill the index then. True if anything was missing."""
    names = schema_names(connection)
    if "mention" not in names:
        return False
    missing = [name for name in (TABLE, *_TRIGGERS) if name not in names]
    if not missing:
        return False
    connection.execute(text(_CREATE_TABLE))
    for name, body in _TRIGGERS.items():
        connection.execute(text(f"CREATE TRIGGER IF NOT EXISTS {name} {body}"))
    rebuild(connection)
    return True


def rebuild(connection: Connection) -> None:
    """Re-index every mention's text from the ``mention`` table."""
    connection.execute(text("INSERT INTO mention_fts(mention_fts) VALUES ('rebuild')"))


def indexed_count(connection: Connection) -> int:
    """How many mentions the keyword index holds (one docsize row per indexed row)."""
    return int(connection.execute(text("SELECT count(*) FROM mention_fts_docsize")).scalar_one())


def phrase(words: str) -> str | None:
    """An FTS5 phrase of the words in ``words``, in their order, the last one also as a prefix
    ("under ashraf gha" finds "under Ashraf Ghani"); None when it holds no word. Only letters and
    digits reach the expression, so nothing a reviewer types is read as an FTS5 operator."""
    tokens = re.findall(r"\w+", words)
    return f'"{" ".join(tokens)}" *' if tokens else None


_SCRATCH = threading.local()
_CREATE_SCRATCH = f"CREATE VIRTUAL TABLE marked USING fts5(text, tokenize='{TOKENIZE}')"


def highlighted(texts: dict[int, str], *, match: str, start: str, end: str) -> dict[int, str]:
    """Each of ``texts`` that ``match`` matches, with the matched words between ``start`` and ``end``,
    as the keyword index marks them.

    The texts are indexed afresh in a scratch in-memory FTS5 table with the index's own tokenizer:
    asking the stored index for a few rows still walks every match of the query's words, 8 ms for a
    common word in a million mentions, where ten texts indexed anew take a fraction of one.
    """
    if not texts or not match:
        return {}
    scratch = getattr(_SCRATCH, "connection", None)
    if scratch is None:  # one per thread: the connection is not shared between threads
        scratch = sqlite3.connect(":memory:")
        scratch.execute(_CREATE_SCRATCH)
        _SCRATCH.connection = scratch
    with scratch:
        scratch.execute("DELETE FROM marked")
        scratch.executemany("INSERT INTO marked(rowid, text) VALUES (?, ?)", list(texts.items()))
        rows = scratch.execute(
            "SELECT rowid, highlight(marked, 0, ?, ?) FROM marked WHERE marked MATCH ?", (start, end, match)
        ).fetchall()
        scratch.execute("DELETE FROM marked")
    return {int(i): marked for i, marked in rows}
