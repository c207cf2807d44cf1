"""Keeping a long-lived database healthy: check it, refresh the query planner's statistics, compact it.

A desk's archive grows for a year and is written by many reviewers at once. SQLite never
shrinks a file by itself, never refreshes the statistics its planner chooses indexes by, and
only finds damage when a query reads the damaged page. :func:`maintain` does all three on
demand (``python -m claims maintenance``), in this order, so nothing is compacted that is
damaged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError

from db.session import db_file


@dataclass
class MaintenanceReport:
    problems: list[str] = field(default_factory=list)  # empty when every check passed
    analyzed: bool = False
    vacuumed: bool = False
    bytes_before: int = 0
    bytes_after: int = 0
    seconds: float = 0.0


def _size(engine: Engine) -> int:
    file = db_file(engine)
    if file is None:
        return 0
    return sum(p.stat().st_size for p in (file, file.with_name(file.name + "-wal")) if p.exists())


def check(engine: Engine) -> list[str]:
    """What is wrong with the database: damaged pages or indexes, broken references, a keyword
    index that disagrees with the mentions. Empty when nothing is."""
    problems = []
    with engine.connect() as connection:
        found = [row[0] for row in connection.execute(text("PRAGMA integrity_check"))]
        if found != ["ok"]:
            problems += [f"integrity: {line}" for line in found]
        for table, rowid, parent, _ in connection.execute(text("PRAGMA foreign_key_check")):
            problems.append(f"{table} row {rowid} refers to a missing {parent}")
        try:
            # FTS5's own check compares the index with the mention texts it was built from.
            connection.execute(
                text("INSERT INTO mention_fts(mention_fts, rank) VALUES ('integrity-check', 1)")
            )
        except DatabaseError as error:  # SQLite reports a keyword index out of step as an error
            problems.append(f"keyword index: {error.orig}")
    return problems


def maintain(engine: Engine, *, vacuum: bool = True) -> MaintenanceReport:
    """Check the database; when it is sound, refresh the planner's statistics (ANALYZE) and,
    with ``vacuum``, rewrite the file without its free pages (VACUUM) and fold the write-ahead
    log back into it. A damaged database is reported and left as it is, for a restore from backup.

    VACUUM needs room for a second copy of the file and waits for other writers to finish.
    """
    started = time.perf_counter()
    report = MaintenanceReport(bytes_before=_size(engine))
    report.problems = check(engine)
    if not report.problems:
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
        report.analyzed = True
        if vacuum:
            # VACUUM cannot run inside a transaction: on a connection of its own, in autocommit.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM"))
                connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            report.vacuumed = True
    report.bytes_after = _size(engine)
    report.seconds = time.perf_counter() - started
    return report
