"""Backups of the database and their restore, both with SQLite's online backup API.

The backup API copies pages under SQLite's own locks, so a backup can be taken while the UI and
other processes are writing, and a restore reaches readers of the live database as one commit
(a file copy would tear pages under a WAL reader).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from db.session import (
    BUSY_TIMEOUT,
    check_schema,
    connect_read_only,
    get_engine,
    read_only_error,
    writable,
)

Progress = Callable[[int, int], None]
"""Called after each step of a copy with the pages copied so far and the pages in all."""


class BackupError(Exception):
    """A backup or restore refused or failed; the message is one line, ``"<file>: <reason>"``."""

    def __init__(self, file: Path, reason: str):
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


@dataclass
class Copy:
    """A database copied by :func:`backup` or :func:`restore`."""

    path: Path
    mentions: int
    verdicts: int  # tracked claims a reviewer gave a status other than unreviewed
    kept: Path | None = None  # restore: where the database it replaced was kept


def backup(
    *, source: Path, dest: Path, force: bool = False, pages: int = -1, progress: Progress | None = None
) -> Copy:
    """Copy the database ``source`` to the new file ``dest``, while others may be writing to it.

    The copy is of one moment of ``source`` (one read transaction held throughout, so writers
    elsewhere neither block it nor make it start over), a single file without -wal, and passes
    ``PRAGMA integrity_check`` before it takes the name ``dest``: an interrupted or failed backup
    leaves no file there.

    Args:
        source: the live database.
        dest: the backup file to write; its folder must exist.
        force: replace ``dest`` if it exists.
        pages: pages copied per step (-1: all in one step).
        progress: see :data:`Progress`.

    Raises:
        BackupError: ``source`` is no SQLite database, ``dest`` exists (without ``force``), is
            the database itself or cannot be written, or the copy is damaged.
    """
    source, dest = Path(source), Path(dest)
    if not source.is_file():
        raise BackupError(source, "no such database")
    if dest.is_dir():
        raise BackupError(dest, "is a folder; give the backup's file name")
    if not dest.parent.is_dir():
        raise BackupError(dest, f"its folder {dest.parent} does not exist")
    if dest.exists() and dest.resolve() == source.resolve():
        raise BackupError(dest, "is the database itself")
    if dest.exists() and not force:
        raise BackupError(dest, "already exists (use --force to replace it)")
    with closing(_open_source(source)) as connection:
        return _copy_to_new_file(connection, source, dest, pages=pages, progress=progress)


def check(*, path: Path) -> str:
    """Check that ``path`` is a whole database of this workbench that this code can restore.

    Returns:
        Its schema revision (an older one is upgraded after a restore).

    Raises:
        BackupError: no such file, not an SQLite database, damaged (``PRAGMA integrity_check``),
            or no ``alembic_version`` table.
        UnusableDatabase: a schema newer than this code knows.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(path, "no such file" if not path.exists() else "is not a file")
    with closing(_open_source(path)) as connection:
        try:
            found = connection.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError as error:
            raise BackupError(path, f"damaged ({error})") from error
        if found != [("ok",)]:
            raise BackupError(path, f"damaged (integrity_check: {found[0][0]})")
        revision = check_schema(connection, path, read_only=False)
    if revision is None:
        raise BackupError(path, "not a database of the claim workbench (no alembic_version table)")
    return revision


def restore(*, backup: Path, target: Path, pages: int = -1, progress: Progress | None = None) -> Copy:
    """Replace the database ``target`` with the backup ``backup``, keeping the one replaced.

    ``backup`` is checked first (:func:`check`); then ``target`` as it is is copied beside itself
    (``<name>.before-restore-<time>``); then ``backup`` is copied over it, page by page under
    SQLite's locks, as one commit that readers of ``target`` see whole; then an older schema is
    brought up to date. A refusal leaves ``target`` untouched.

    Args:
        backup: a backup made by :func:`backup` (or any copy of a workbench's database).
        target: the live database; need not exist.
        pages: pages copied per step (-1: all in one step).
        progress: see :data:`Progress`; the copy of ``backup`` only.

    Raises:
        BackupError: ``backup`` fails :func:`check`, ``target`` is ``backup`` itself, is no
            SQLite database, or its page size differs (WAL cannot change it).
        UnusableDatabase: ``backup``'s schema is newer than this code knows, or ``target`` is read-only.
    """
    backup, target = Path(backup), Path(target)
    check(path=backup)
    if target.exists() and target.resolve() == backup.resolve():
        raise BackupError(backup, "is the live database itself")
    if not writable(target):
        raise read_only_error(target)
    if not target.parent.is_dir():
        raise BackupError(target, f"its folder {target.parent} does not exist")
    kept = None
    if target.exists() and target.stat().st_size > 0:
        with closing(_open_source(target)) as live, closing(_open_source(backup)) as copy:
            sizes = [c.execute("PRAGMA page_size").fetchone()[0] for c in (live, copy)]
            if sizes[0] != sizes[1] and live.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                raise BackupError(
                    backup, f"its page size ({sizes[1]}) differs from the live database's ({sizes[0]})"
                )
            kept = _copy_to_new_file(live, target, _side_file(target))
    # A write committed elsewhere between the copy aside and this one would be in neither; Python's
    # backup() refuses a destination inside a transaction, so the lock cannot be held across both.
    with closing(_open_source(backup)) as source:
        destination = sqlite3.connect(target, timeout=BUSY_TIMEOUT)
        with closing(destination):
            try:
                _step(source, destination, pages=pages, progress=progress)
            except sqlite3.DatabaseError as error:  # the page copy reads no tables: the writing failed
                raise BackupError(target, f"could not be written ({error}); it is as it was") from error
    get_engine(target).dispose()  # an older schema is migrated up as on any other opening
    with closing(connect_read_only(target)) as connection:
        mentions, verdicts = _counts(connection)
    return Copy(target, mentions, verdicts, kept=kept.path if kept else None)


def _open_source(path: Path) -> sqlite3.Connection:
    """``path`` read-only, in autocommit mode so that the caller decides where a read transaction starts."""
    try:
        return connect_read_only(path, autocommit=True)
    except sqlite3.DatabaseError as error:
        raise BackupError(path, _reason(error)) from error


def _reason(error: sqlite3.DatabaseError) -> str:
    text = str(error)
    if "not a database" in text:
        return "not an SQLite database"
    if "malformed" in text:
        return f"damaged ({text})"
    return f"cannot be read ({text})"


def _step(
    source: sqlite3.Connection,
    destination: sqlite3.Connection,
    *,
    pages: int = -1,
    progress: Progress | None = None,
) -> None:
    # One read transaction across every step: a commit elsewhere between two steps would
    # otherwise restart the copy, which under steady writing might never finish.
    source.execute("BEGIN")
    try:
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        report = (lambda _status, left, total: progress(total - left, total)) if progress else None
        source.backup(destination, pages=pages, progress=report)
    finally:
        source.execute("COMMIT")


def _copy_to_new_file(
    source: sqlite3.Connection,
    name: Path,
    dest: Path,
    *,
    pages: int = -1,
    progress: Progress | None = None,
) -> Copy:
    """Copy ``source`` (the database ``name``) to ``dest`` by way of a temporary file beside it."""
    try:
        handle, temporary = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".partial")
    except OSError as error:
        raise BackupError(dest, f"cannot be written ({error.strerror})") from error
    os.close(handle)
    temporary = Path(temporary)
    try:
        with closing(sqlite3.connect(temporary)) as copy:
            _step(source, copy, pages=pages, progress=progress)
            # The copy carries the live database's WAL flag: make it one file that can be copied alone.
            copy.execute("PRAGMA journal_mode=DELETE")
            found = copy.execute("PRAGMA integrity_check").fetchall()
            if found != [("ok",)]:
                raise BackupError(name, f"its copy fails integrity_check ({found[0][0]})")
            mentions, verdicts = _counts(copy)
        with suppress(OSError):  # as private as the database it copies, not mkstemp's 0600
            temporary.chmod(name.stat().st_mode & 0o777)
        os.replace(temporary, dest)
    except (OSError, sqlite3.DatabaseError) as error:
        raise BackupError(dest, f"cannot be written ({getattr(error, 'strerror', None) or error})") from error
    finally:
        for leftover in (temporary, temporary.with_name(temporary.name + "-journal")):
            leftover.unlink(missing_ok=True)
    return Copy(dest, mentions, verdicts)


def _side_file(target: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = target.with_name(f"{target.name}.before-restore-{stamp}")
    n = 1
    while kept.exists():  # two restores in one second
        n += 1
        kept = target.with_name(f"{target.name}.before-restore-{stamp}-{n}")
    return kept


def _counts(connection: sqlite3.Connection) -> tuple[int, int]:
    """Mentions and verdicts (tracked claims not unreviewed); zero for tables a database lacks."""
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    mentions = connection.execute("SELECT count(*) FROM mention").fetchone()[0] if "mention" in tables else 0
    verdicts = (
        connection.execute("SELECT count(*) FROM tracked_claim WHERE status != 'unreviewed'").fetchone()[0]
        if "tracked_claim" in tables
        else 0
    )
    return mentions, verdicts
