"""Engine and sessions: SQLite by default, WAL and foreign keys on, schema via Alembic."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
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


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def get_engine(path: str | Path | None = None, *, migrate: bool = True) -> Engine:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date.

    Args:
        path: a file path or an SQLAlchemy URL; defaults to :func:`default_db_path`.
        migrate: run Alembic's ``upgrade head`` first (idempotent).
    """
    path = default_db_path() if path is None else path
    url = db_url(path)
    if url.startswith("sqlite:///"):
        file = Path(url.removeprefix("sqlite:///"))
        file.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False} if url.startswith("sqlite") else {})
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        upgrade(engine)
    return engine


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
            from db import fts

            fts.ensure(connection)  # triggers a later table rebuild may have dropped


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
