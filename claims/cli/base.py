"""The CLI's app and command groups, the --db option, and what every command shares: opening the
database (read-only for reading commands), one-line failures, listings as text or JSON."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import typer

app = typer.Typer(
    help="Claim workbench: ingest articles, extract and link claims, search, export.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


factchecks_app = typer.Typer(
    help="Previously published fact-checks: import them and match claims against them.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


app.add_typer(factchecks_app, name="factchecks")


speakers_app = typer.Typer(
    help="Canonical speakers: list them, merge two that are one.", no_args_is_help=True, rich_markup_mode=None
)


app.add_typer(speakers_app, name="speakers")


feedback_app = typer.Typer(
    help="Reviewers' verdicts on extracted claims, for retraining.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


app.add_typer(feedback_app, name="feedback")


class State:
    db: Path | None = None
    read_only: bool = False  # set by @reads for the command running


state = State()


@app.callback()
def main(
    db: Path | None = typer.Option(
        None, "--db", help="Database file (default: $CLAIMS_DB, else data/claims.db)."
    ),
):
    """Claim workbench: ingest articles, extract and link claims, search, export."""
    state.db = db


def open_engine():
    from sqlalchemy.exc import SQLAlchemyError

    from db.session import UnusableDatabase, get_engine

    try:
        return get_engine(state.db, read_only=state.read_only)
    except UnusableDatabase as error:  # read-only for a writer, a schema too new (or too old to read)
        fail(str(error))
    except (SQLAlchemyError, OSError) as error:  # a folder, another kind of file, a damaged database
        reason = getattr(error, "orig", None) or getattr(error, "strerror", None) or error
        fail(f"{state.db}: cannot be opened as the workbench's SQLite database ({reason})", 2)


def reads(command):
    """Mark a command that only reads: it opens the database read-only, so that a file or folder
    this process may not write can still be read, and reading never changes the database."""

    @functools.wraps(command)
    def reading(*args, **kwargs):
        from sqlalchemy.exc import OperationalError

        from db.session import db_url, default_db_path, writable

        state.read_only = True
        try:
            return command(*args, **kwargs)
        except OperationalError as error:
            if "readonly" not in str(error.orig):
                raise
            # It would first store what it lacks (search vectors of other search adapters, title
            # vectors of old fact-checks), as it did before reading was read-only: on a database
            # this process may write, run it again with one that can.
            file = Path(db_url(state.db or default_db_path()).removeprefix("sqlite:///"))
            if not writable(file):
                fail(
                    f"{file} is read-only, and this command would first store what it lacks: "
                    "run python -m claims reindex on a writable copy"
                )
            state.read_only = False
            return command(*args, **kwargs)
        finally:
            state.read_only = False

    return reading


def write(out: Path, data: bytes) -> None:
    """Write an export to ``out``, or fail with one line naming it (a folder, no such folder, no right)."""
    try:
        out.write_bytes(data)
    except OSError as error:
        fail(f"{out}: cannot be written ({error.strerror or error})")


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def listing(items: list, *, as_json: bool, empty: str, lines, header: str | None = None) -> None:
    """``items`` as one JSON array, or as text: ``header``, then ``lines(item)`` of each, or ``empty``."""
    if as_json:
        typer.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if header:
        typer.echo(header)
    if not items:
        typer.echo(empty)
    for item in items:
        for line in lines(item):
            typer.echo(line)


def bracketed(text: str, spans: list) -> str:
    for start, end in reversed(spans):
        text = f"{text[:start]}[{text[start:end]}]{text[end:]}"
    return text


def read_queries(path: Path) -> list[tuple[str, str]]:
    from claims.factchecks.store import read_table
    from claims.ingest.sources import IngestError

    try:
        return [(row["id"], row["text"]) for row in read_table(path)]
    except IngestError as error:
        fail(str(error))
