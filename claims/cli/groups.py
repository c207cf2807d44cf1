"""The command groups (factchecks, speakers, feedback) and backup and restore."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from claims.cli.base import (
    app,
    factchecks_app,
    fail,
    feedback_app,
    listing,
    open_engine,
    read_queries,
    reads,
    speakers_app,
    state,
    write,
)


@factchecks_app.command("import")
def factchecks_import(
    file: Path = typer.Argument(
        ..., help="TSV/CSV with columns id, text (title, url, rating, date optional), or ClaimReview JSON."
    ),
):
    """Import published fact-checks so new claims can be matched against them.

    Example:

        python -m claims factchecks import published_checks.tsv
    """
    from claims.factchecks.store import import_file
    from claims.ingest.sources import IngestError

    try:
        added, known = import_file(open_engine(), file, progress=True)
    except IngestError as error:
        fail(str(error))
    typer.echo(f"{added} fact-checks imported, {known} already known")


@factchecks_app.command("match")
@reads
def factchecks_match(
    text: str | None = typer.Argument(None, help="A claim to look up."),
    file: Path | None = typer.Option(
        None, "--file", help="TSV with columns id, text: one JSON line per query."
    ),
    k: int = typer.Option(5, "--k", min=1, help="How many fact-checks per query."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    plain: bool = typer.Option(
        False, "--plain", help="Dense cosine only, without the re-ranker (for comparison)."
    ),
):
    """Rank imported fact-checks for a claim: has this been checked before?

    Candidates from BM25 and dense search, ordered by the shipped re-ranker; scores are 0..1.

    Example:

        python -m claims factchecks match "Kabul is safer under the Taliban" --k 3
        python -m claims factchecks match --file queries.tsv --k 5
    """
    from claims.factchecks.store import match

    if (text is None) == (file is None):
        fail("give either TEXT or --file", 2)
    queries = read_queries(file) if file else [("", text)]
    results = match(open_engine(), [q for _, q in queries], k=k, plain=plain)
    if file:
        for (query_id, _), found in zip(queries, results):
            line = {
                "query_id": query_id,
                "results": [{"id": m.id, "score": m.score, "text": m.text} for m in found],
            }
            typer.echo(json.dumps(line, ensure_ascii=False))
        return
    found = results[0]
    if as_json:
        typer.echo(json.dumps([m.__dict__ for m in found], ensure_ascii=False, indent=2))
        return
    if not found:
        typer.echo("No fact-checks imported yet (python -m claims factchecks import FILE).")
    for m in found:
        typer.echo(f"{m.score:.3f}  {m.id}  {m.rating or ''}  {m.text}")


@speakers_app.command("list")
@reads
def speakers_list(as_json: bool = typer.Option(False, "--json", help="Print a JSON array.")):
    """List speakers with their spellings and how often they are quoted.

    Example:

        python -m claims speakers list --json
    """
    from sqlmodel import Session

    from db import crud

    with Session(open_engine()) as session:
        rows = [
            {
                "id": s.speaker.id,
                "name": s.speaker.name,
                "kind": s.speaker.kind.value,
                "aliases": s.aliases,
                "mentions": s.mentions,
                "articles": s.articles,
            }
            for s in crud.speaker_summaries(session)
        ]
    listing(
        rows,
        as_json=as_json,
        empty="No speakers yet (is anything ingested?).",
        lines=lambda row: [
            f"{row['id']:>5}  {row['name']}  ({row['kind']}, {row['mentions']} mentions in {row['articles']} articles)",
            f"       aliases: {', '.join(row['aliases'])}",
        ],
    )


@speakers_app.command("merge")
def speakers_merge(
    keep: str = typer.Argument(..., help="The speaker to keep: id or name."),
    merge: list[str] = typer.Argument(
        ..., metavar="MERGE...", help="Speakers that are the same one: ids or names."
    ),
    reviewer: str = typer.Option(..., "--reviewer", help="Your name, recorded with the change."),
):
    """Merge speakers into one: mentions and spellings move to KEEP, and stay there on re-ingest.

    Example:

        python -m claims speakers merge "Russian Foreign Ministry" "Foreign Ministry" 12 --reviewer "Ann Smith"
    """
    from claims.review.actions import run
    from claims.review.speakers import merge_speakers_by_name

    done = run(open_engine(), merge_speakers_by_name, reviewer=reviewer, keep=keep, merge=merge)
    if not done.saved:
        fail(done.message)
    typer.echo(f"merged {len(merge)} speaker(s) into {done.result.name}")


@feedback_app.command("export")
@reads
def feedback_export(
    out: Path | None = typer.Option(None, "--out", help="TSV file to write (default: standard output)."),
):
    """Export reviewers' verdicts on claims (dropped: 0, added: 1) as a TSV of text, label.

    The retraining script reads it with --extra FILE.

    Example:

        python -m claims feedback export --out feedback.tsv
    """
    from sqlmodel import Session

    from claims.review.feedback import feedback_table, feedback_tsv

    with Session(open_engine()) as session:
        data = feedback_tsv(session)
        rows = len(feedback_table(session))
    if out:
        write(out, data.encode("utf-8"))
        typer.echo(f"wrote {rows} verdicts to {out}", err=True)
    else:
        typer.echo(data, nl=False)


PAGES_PER_STEP = 1024  # 4 MB of 4 KB pages between two updates of the progress bar


def _copy(run, **arguments):
    """Run a copy of db.backup with a progress bar; a refusal is one line."""
    from tqdm import tqdm

    from db.backup import BackupError
    from db.session import UnusableDatabase

    with tqdm(total=0, unit="page", disable=None, file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            return run(**arguments, pages=PAGES_PER_STEP, progress=progress)
        except (BackupError, UnusableDatabase) as error:
            bar.close()
            fail(str(error))


@app.command("backup")
def backup_command(
    dest: Path = typer.Argument(..., help="The backup file to write (its folder must exist)."),
    force: bool = typer.Option(False, "--force", help="Replace DEST if it exists."),
):
    """Copy the database to DEST, safely while the app and other commands are writing to it.

    The copy is one moment of the database, in one file, checked with
    PRAGMA integrity_check before it takes the name DEST. Bring it back
    with `restore`.

    Example:

        python -m claims --db data/claims.db backup backups/claims-2024-06-01.db
    """
    from db.backup import backup
    from db.session import default_db_path

    done = _copy(backup, source=state.db or default_db_path(), dest=dest, force=force)
    typer.echo(f"Backed up {done.mentions:,} mentions, {done.verdicts:,} verdicts to {done.path}")


@app.command("restore")
def restore_command(
    backup: Path = typer.Argument(..., help="A backup made by `backup` (or a copy of a workbench database)."),
):
    """Replace the database with BACKUP, keeping the database replaced beside it.

    BACKUP must pass PRAGMA integrity_check and be a database of this workbench
    whose schema this version knows (an older one is upgraded). The database
    as it was is kept as <db>.before-restore-<time>; readers see the restored
    one at once, whole.

    Example:

        python -m claims --db data/claims.db restore backups/claims-2024-06-01.db
    """
    from db.backup import restore
    from db.session import default_db_path

    done = _copy(restore, backup=backup, target=state.db or default_db_path())
    kept = f"; the database it replaced is kept as {done.kept}" if done.kept else ""
    typer.echo(f"Restored {done.mentions:,} mentions, {done.verdicts:,} verdicts from {backup}{kept}")


if __name__ == "__main__":  # pragma: no cover
    app()
