"""Engine and sessions: SQLite by default, WAL and foreign keys on, schema via Alembic."""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

DEFAULT_DB = Path("data") / "claims.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def default_db_path() -> Path:
    """``$CLAIMS_DB`` if set, else ``data/claims.db``."""
    return Path(os.environ.get("CLAIMS_DB") or DEFAULT_DB)


def db_url(path: str | Path) -> str:
    text = str(path)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser()}"


BUSY_TIMEOUT = 10.0  # seconds a connection waits for another's lock


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """The settings every connection gets, and why (docs/BENCHMARKS.md "Scale" has the figures).

    - ``journal_mode=WAL``: the UI's readers never wait for an ingest's writes, nor it for them.
    - ``foreign_keys=ON``: SQLite's default is off, and a mention must not outlive its article.
    - ``busy_timeout``: two writers queue for the lock instead of one failing at once.
    - ``synchronous`` stays FULL, SQLite's default: NORMAL would save one fsync per commit in WAL
      mode, but a power cut could then undo a reviewer's verdict the page had said was saved.
    - The page cache and memory-mapping stay at SQLite's defaults: every query the UI runs reads
      through an index (tests/ui/test_query_plans.py), the OS keeps the file's hot pages in memory
      anyway, and with these defaults the queue reruns in 0.25 s at a million mentions.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
    cursor.close()


class UnusableDatabase(Exception):
    """A database this code must not use as asked: read-only for a writer, or a schema it cannot read.

    The message is one line naming the file.
    """

    def __init__(self, file: Path, message: str):
        super().__init__(message)
        self.file = file


def read_only_error(file: Path) -> UnusableDatabase:
    """The refusal of a write to ``file``, which this process may not write."""
    if file.exists():
        return UnusableDatabase(file, f"{file} is read-only, and this command writes to it")
    return UnusableDatabase(file, f"{file} does not exist, and its folder is read-only")


def get_engine(path: str | Path | None = None, *, migrate: bool = True, read_only: bool = False) -> Engine:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date.

    Args:
        path: a file path or an SQLAlchemy URL; defaults to :func:`default_db_path`.
        migrate: run Alembic's ``upgrade head`` first (idempotent).
        read_only: open an existing SQLite file so that nothing can be written to it
            (:func:`connect_read_only`): its journal mode is left alone and nothing is migrated,
            so a file or folder this process may not write can still be read. A file that does
            not exist yet is created as without it; a database that is no file is not migrated.

    Raises:
        UnusableDatabase: the file is read-only and ``read_only`` is not set; its schema is newer
            than this code knows; or, with ``read_only``, older (only a writer may upgrade it).
    """
    path = default_db_path() if path is None else path
    url = db_url(path)
    file = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    if read_only and file is not None and file.is_file():
        engine = create_engine(f"sqlite:///{file}", creator=lambda: connect_read_only(file))
        with _disposed_on_error(engine), engine.connect() as connection:
            check_schema(connection, file, read_only=True)
        return engine
    if file is not None:
        if not writable(file):
            raise read_only_error(file)
        file.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False} if url.startswith("sqlite") else {})
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate and not (read_only and file is None):  # a server's database: upgrading it is for writers
        with _disposed_on_error(engine):
            try:
                with engine.connect() as connection:
                    check_schema(connection, file or Path(url), read_only=False)
                upgrade(engine)
            except OperationalError as error:
                # what os.access cannot see: an immutable file, say
                if file is not None and "readonly" in str(error.orig):
                    raise read_only_error(file) from error
                raise
    return engine


@contextmanager
def _disposed_on_error(engine: Engine) -> Iterator[None]:
    try:
        yield
    except BaseException:
        engine.dispose()
        raise


def writable(file: Path) -> bool:
    """Whether this process may write ``file``: the file itself and, for WAL's -wal and -shm files,
    its folder (an absent file: whether its nearest existing folder may be written)."""
    folder = file.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if file.exists() and not os.access(file, os.W_OK):
        return False
    return os.access(folder, os.W_OK)


def connect_read_only(file: str | Path, *, autocommit: bool = False) -> sqlite3.Connection:
    """A DB-API connection to the SQLite ``file`` that cannot write to it (``mode=ro``).

    A WAL database is read through its -shm file, created beside it when missing. In a folder
    this process may not write, with no -wal file there, it is opened as immutable instead: no
    writer can be at work on it then, since a writer would need the -wal file.

    Args:
        file: the database file.
        autocommit: leave transactions to the caller's own BEGIN (``isolation_level=None``).
    """
    file = Path(file).resolve()
    uri = f"file:{quote(str(file))}?mode=ro"
    options = {"uri": True, "timeout": BUSY_TIMEOUT, "check_same_thread": False}
    if autocommit:
        options["isolation_level"] = None
    connection = sqlite3.connect(uri, **options)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opening is lazy
    except sqlite3.OperationalError:
        connection.close()
        if file.with_name(file.name + "-wal").exists() or os.access(file.parent, os.W_OK):
            raise
        connection = sqlite3.connect(uri + "&immutable=1", **options)
    return connection


@functools.cache
def known_revisions() -> tuple[str, frozenset[str]]:
    """The head revision of ``db/migrations`` and every revision there."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    return script.get_current_head(), frozenset(r.revision for r in script.walk_revisions())


def schema_revision(connection: Connection | sqlite3.Connection) -> str | None:
    """The Alembic revision a database is at; None when it has no ``alembic_version`` table."""
    if isinstance(connection, sqlite3.Connection):
        found = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone() if found else None
    else:
        found = inspect(connection).has_table("alembic_version")
        row = (
            connection.exec_driver_sql("SELECT version_num FROM alembic_version").fetchone()
            if found
            else None
        )
    return row[0] if row else None


def check_schema(connection: Connection | sqlite3.Connection, file: Path, *, read_only: bool) -> str | None:
    """The database's revision, when this code can use it: known, and for a reader the head.

    Raises:
        UnusableDatabase: a revision this code does not know (written by a newer version), or,
            with ``read_only``, one older than the head.
    """
    revision = schema_revision(connection)
    head, known = known_revisions()
    if revision is not None and revision not in known:
        raise UnusableDatabase(
            file,
            f"{file}: its schema (revision {revision}) is newer than this version of the workbench "
            f"knows (up to {head}); update the workbench",
        )
    if read_only and revision != head:
        raise UnusableDatabase(
            file,
            f"{file}: its schema (revision {revision or 'none'}) is older than this workbench's ({head}); "
            "run a writing command first to upgrade it (e.g. python -m claims reindex)",
        )
    return revision


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the Alembic migrations in ``db/migrations`` to ``engine``."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        if revision == "head" and connection.dialect.name == "sqlite":
            from db import claim_stats, fts, link_state

            # triggers a later table rebuild may have dropped
            fts.ensure(connection)
            claim_stats.ensure(connection)
            link_state.ensure(connection)


def db_file(engine: Engine) -> Path | None:
    """The SQLite file behind ``engine``, or None for other databases."""
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One write transaction: committed when the block ends, rolled back if it raises.

    On SQLite it takes the write lock before its first read (``BEGIN IMMEDIATE``), so what the
    block reads cannot be changed by another process before the block writes: two writers
    queue (up to the busy timeout) instead of one overwriting what the other just read.
    """
    with Session(engine, expire_on_commit=False) as session:
        try:
            if engine.dialect.name == "sqlite":
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
