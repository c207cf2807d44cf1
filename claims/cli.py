"""Command line: parse, call the library, print. ``python -m claims --help``."""

from __future__ import annotations

import functools
import json
import sys
from datetime import datetime
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
    read_only: bool = False  # set by @_reads for the command running


state = State()


@app.callback()
def main(
    db: Path | None = typer.Option(
        None, "--db", help="Database file (default: $CLAIMS_DB, else data/claims.db)."
    ),
):
    """Claim workbench: ingest articles, extract and link claims, search, export."""
    state.db = db


def _engine():
    from sqlalchemy.exc import SQLAlchemyError

    from db.session import UnusableDatabase, get_engine

    try:
        return get_engine(state.db, read_only=state.read_only)
    except UnusableDatabase as error:  # read-only for a writer, a schema too new (or too old to read)
        _fail(str(error))
    except (SQLAlchemyError, OSError) as error:  # a folder, another kind of file, a damaged database
        reason = getattr(error, "orig", None) or getattr(error, "strerror", None) or error
        _fail(f"{state.db}: cannot be opened as the workbench's SQLite database ({reason})", 2)


def _reads(command):
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
                _fail(
                    f"{file} is read-only, and this command would first store what it lacks: "
                    "run python -m claims reindex on a writable copy"
                )
            state.read_only = False
            return command(*args, **kwargs)
        finally:
            state.read_only = False

    return reading


def _write(out: Path, data: bytes) -> None:
    """Write an export to ``out``, or fail with one line naming it (a folder, no such folder, no right)."""
    try:
        out.write_bytes(data)
    except OSError as error:
        _fail(f"{out}: cannot be written ({error.strerror or error})")


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def ingest(
    sources: list[str] = typer.Argument(
        ..., metavar="PATH_OR_URL...", help="Files (.txt .md .html), folders or http(s) URLs."
    ),
    source: str | None = typer.Option(
        None, "--source", help="Outlet name for all these documents (overrides what they say)."
    ),
    reextract: bool = typer.Option(
        False,
        "--reextract",
        help="Extract documents already stored again (after an upgrade); reviewers' work is kept.",
    ),
):
    """Ingest articles: extract claims, embed and link them across sources.

    Example:

        python -m claims ingest ../shared/seeds/ https://example.org/story.html --source "Example News"

    Documents already ingested (same text) are skipped, or with --reextract
    extracted again: mentions found again keep their tracked claim, notes and
    history, reviewers' merges, splits and dropped claims hold. A document
    that cannot be read is reported by name; the others are still ingested
    and the exit code is 1.
    """
    from tqdm import tqdm

    from claims.ingest.pipeline import ingest as run
    from claims.records import DocumentStatus

    bar = tqdm(total=0, unit="article", disable=None, file=sys.stderr)

    def progress(done: int, total: int, document: str) -> None:
        bar.total = total
        bar.update(done - bar.n)

    report = run(
        _engine(), sources, outlet=source, progress=progress, embed_progress=True, reextract=reextract
    )
    bar.close()
    for result in report.results:
        if result.status == DocumentStatus.ingested:
            typer.echo(f"ingested  {result.document}  ({result.mentions} claims)")
        elif result.status == DocumentStatus.reextracted:
            typer.echo(f"extracted again  {result.document}")
        elif result.status == DocumentStatus.skipped:
            typer.echo(f"skipped   {result.document}  ({result.reason})")
        else:
            typer.echo(f"FAILED    {result.document}: {result.reason}", err=True)
    if report.reextraction:
        typer.echo(f"claims of {len(report.reextracted)} stored documents: {report.reextraction}")
    if report.refreshed and not report.ingested and not report.reextracted:
        typer.echo("finished an earlier run's refresh: tracked claims regrouped, search index rebuilt")
    typer.echo(
        f"{len(report.ingested)} ingested, {len(report.skipped)} skipped, {len(report.failed)} failed in {report.seconds:.1f}s"
    )
    if not report.ok:
        raise typer.Exit(1)


@app.command()
@_reads
def search(
    query: str = typer.Argument(..., help="Any wording of the statement you are looking for."),
    k: int = typer.Option(10, "--k", min=1, help="How many tracked claims to show."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
    speaker: str | None = typer.Option(
        None,
        "--speaker",
        help="Only claims by this speaker (typos and surnames are fine: 'Zhirnof', 'lavrov').",
    ),
    outlet: str | None = typer.Option(None, "--outlet", help="Only mentions in this outlet (case ignored)."),
    since: datetime | None = typer.Option(
        None,
        "--since",
        formats=["%Y-%m-%d"],
        help="Only articles published on or after this date (YYYY-MM-DD).",
    ),
    until: datetime | None = typer.Option(
        None,
        "--until",
        formats=["%Y-%m-%d"],
        help="Only articles published on or before this date (YYYY-MM-DD).",
    ),
    status: list[str] | None = typer.Option(
        None, "--status", help="Only tracked claims with this status (repeatable), e.g. 'Unreviewed'."
    ),
    min_checkworthiness: float = typer.Option(
        0.0,
        "--min-checkworthiness",
        min=0.0,
        max=1.0,
        help="Only mentions scored at least this check-worthy (0-1).",
    ),
    mode: str = typer.Option(
        "hybrid", "--mode", help="hybrid (meaning and words, fused), dense (meaning) or keyword (BM25)."
    ),
):
    """Find tracked claims by meaning and by words, with filters.

    Matched words are shown in [brackets]; --json gives their character spans
    in "highlights".

    Example:

        python -m claims search "Kabul is safer now than when Ghani ruled" --k 5 --json
        python -m claims search "embassy guarded" --speaker zhirnof --since 2021-08-01 --status Unreviewed
    """
    from sqlmodel import Session

    from claims.search.hybrid import MODES, Filters
    from claims.search.hybrid import search as run
    from claims.search.query import resolve_speakers
    from db.models import ClaimStatus

    valid = [s.value for s in ClaimStatus]
    for s in status or []:
        if s not in valid:
            _fail(f"unknown status {s!r}; choose from: {', '.join(valid)}", 2)
    if mode not in MODES:
        _fail(f"unknown mode {mode!r}; choose from: {', '.join(MODES)}", 2)
    engine = _engine()
    found = []
    if speaker and speaker.strip():
        with Session(engine) as session:
            found = resolve_speakers(session, speaker)
        if not found:
            _fail(f"no speaker like {speaker!r} (python -m claims speakers list)")
    filters = Filters(
        speaker=speaker,
        outlet=outlet,
        since=since.date() if since else None,
        until=until.date() if until else None,
        statuses=status or (),
        min_checkworthiness=min_checkworthiness,
    )
    results = run(engine, query, k=k, filters=filters, mode=mode)
    _listing(
        [r.to_dict() for r in results] if as_json else results,
        as_json=as_json,
        # printed once the search is done: @_reads may run it twice
        header=f"speaker: {', '.join(name for _, name in found)}" if found else None,
        empty="No claims found (is anything ingested? are the filters too narrow?).",
        lines=lambda r: [
            f"{r.score:.3f}  claim {r.cluster_id} ({r.mentions} mention{'s' if r.mentions != 1 else ''}, {r.status})",
            f"       {r.speaker or r.outlet or 'unattributed'}: {_bracketed(r.text, r.highlights)}",
            f"       {r.document}",
        ],
    )


def _listing(items: list, *, as_json: bool, empty: str, lines, header: str | None = None) -> None:
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


def _bracketed(text: str, spans: list) -> str:
    for start, end in reversed(spans):
        text = f"{text[:start]}[{text[start:end]}]{text[end:]}"
    return text


@app.command()
@_reads
def export(
    format: str = typer.Option("csv", "--format", help="csv or claimreview."),
    out: Path | None = typer.Option(None, "--out", help="File to write (default: standard output)."),
    status: list[str] | None = typer.Option(
        None, "--status", help="Only claims with this status (repeatable), e.g. 'False'."
    ),
):
    """Export claim mentions as CSV for editors, or verdicts as ClaimReview JSON-LD.

    Example:

        python -m claims export --format csv --out claims.csv --status "In progress" --status False
    """
    from claims.export import to_claimreview, to_csv
    from db.models import ClaimStatus

    valid = [s.value for s in ClaimStatus]
    for s in status or []:
        if s not in valid:
            _fail(f"unknown status {s!r}; choose from: {', '.join(valid)}", 2)
    if format == "csv":
        data = to_csv(_engine(), statuses=status or None)
    elif format == "claimreview":
        data = to_claimreview(_engine(), statuses=status or None).encode("utf-8")
    else:
        _fail(f"unknown format {format!r}; choose csv or claimreview", 2)
    if out:
        _write(out, data)
        typer.echo(f"wrote {out}", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


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
        added, known = import_file(_engine(), file, progress=True)
    except IngestError as error:
        _fail(str(error))
    typer.echo(f"{added} fact-checks imported, {known} already known")


def _read_queries(path: Path) -> list[tuple[str, str]]:
    from claims.factchecks.store import read_table
    from claims.ingest.sources import IngestError

    try:
        return [(row["id"], row["text"]) for row in read_table(path)]
    except IngestError as error:
        _fail(str(error))


@factchecks_app.command("match")
@_reads
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
        _fail("give either TEXT or --file", 2)
    queries = _read_queries(file) if file else [("", text)]
    results = match(_engine(), [q for _, q in queries], k=k, plain=plain)
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


@app.command()
def checkworthy(
    text: str | None = typer.Argument(None, help="A sentence to score."),
    file: Path | None = typer.Option(
        None, "--file", help="TSV with columns id, text: one JSON line per row."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (with the reasons for a single TEXT)."),
    domain: str = typer.Option(
        "auto",
        "--domain",
        help="news, tweets, or auto: tweets when a quarter of the texts carry @, # or links.",
    ),
):
    """Score how check-worthy a sentence is, from 0 to 1 (the trained model of claims/models).

    Example:

        python -m claims checkworthy "The situation in Kabul is better than under Ashraf Ghani."
        python -m claims checkworthy --file sentences.tsv --json
    """
    from claims.checkworthy.model import DOMAINS, default_scorer

    if (text is None) == (file is None):
        _fail("give either TEXT or --file", 2)
    if domain != "auto" and domain not in DOMAINS:
        _fail(f"unknown domain {domain!r}; choose auto, {', '.join(DOMAINS)}", 2)
    chosen = None if domain == "auto" else domain
    scorer = default_scorer()
    if file:
        rows = _read_queries(file)
        scores = scorer.score([sentence for _, sentence in rows], domain=chosen, progress=len(rows) > 200)
        for (row_id, _), value in zip(rows, scores):
            typer.echo(json.dumps({"id": row_id, "score": float(value)}, ensure_ascii=False))
        return
    from claims.embed.encoder import default_embedder

    vector = default_embedder().encode([text])
    value = float(scorer.score([text], vector, domain=chosen)[0])
    if as_json:
        reasons = [
            {"feature": name, "contribution": c} for name, c in scorer.explain(text, vector[0], domain=chosen)
        ]
        typer.echo(json.dumps({"text": text, "score": value, "reasons": reasons}, ensure_ascii=False))
    else:
        typer.echo(f"{value:.3f}")


@app.command()
@_reads
def stats(as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Counts of articles, claims, speakers and review progress.

    Example:

        python -m claims --db data/claims.db stats
    """
    from sqlmodel import Session

    from db import crud

    with Session(_engine()) as session:
        numbers = crud.counts(session)
        numbers["by_status"] = crud.status_counts(session)
    if as_json:
        typer.echo(json.dumps(numbers, indent=2))
        return
    for key, value in numbers.items():
        if key != "by_status":
            typer.echo(f"{key.replace('_', ' '):22} {value}")
    for status, n in numbers["by_status"].items():
        typer.echo(f"  {status:20} {n}")


@app.command()
def reindex():
    """Group the mentions into tracked claims again (keeping every reviewer's merge,
    split and move) and rebuild the search indexes: the semantic one from the
    search model's vectors (embedding those missing or made by other search
    adapters), the keyword (FTS5) one from the texts.

    Run it after updating the link model or the search adapters. Example:

        python -m claims reindex
    """
    from claims.embed.search_model import search_embedder
    from claims.ingest.refresh import refresh
    from claims.search.index import index_path

    engine = _engine()
    done = refresh(engine, force=True, embed_progress=True)
    report = done.relinked
    typer.echo(
        f"relinked: {report.moved} mentions moved, {report.new_claims} new tracked claims, "
        f"{report.removed} emptied ones removed, {report.suggestions} link suggestions"
    )
    if done.embedded:
        typer.echo(
            f"embedded {done.embedded} mentions and their paragraphs with the search model ({search_embedder().name})"
        )
    typer.echo(f"indexed {done.indexed} mentions -> {index_path(engine)}")
    typer.echo(f"keyword index: {done.keywords} mentions")


@speakers_app.command("list")
@_reads
def speakers_list(as_json: bool = typer.Option(False, "--json", help="Print a JSON array.")):
    """List speakers with their spellings and how often they are quoted.

    Example:

        python -m claims speakers list --json
    """
    from sqlmodel import Session

    from db import crud

    with Session(_engine()) as session:
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
    _listing(
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

    done = run(_engine(), merge_speakers_by_name, reviewer=reviewer, keep=keep, merge=merge)
    if not done.saved:
        _fail(done.message)
    typer.echo(f"merged {len(merge)} speaker(s) into {done.result.name}")


@feedback_app.command("export")
@_reads
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

    with Session(_engine()) as session:
        data = feedback_tsv(session)
        rows = len(feedback_table(session))
    if out:
        _write(out, data.encode("utf-8"))
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
            _fail(str(error))


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
