"""The top-level commands: ingest, search, export, checkworthy, stats, reindex, maintenance."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import typer

from claims.cli.base import (
    app,
    bracketed,
    fail,
    listing,
    open_engine,
    read_queries,
    reads,
    write,
)


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

    # One bar for the whole ingest, in thousandths: tqdm's rate then gives the time left.
    bar = tqdm(total=1000, disable=None, file=sys.stderr, bar_format="{l_bar}{bar}| {elapsed}<{remaining}")

    def progress(step) -> None:
        bar.set_description(step.counted, refresh=False)
        bar.update(round(step.fraction * 1000) - bar.n)

    report = run(open_engine(), sources, outlet=source, progress=progress, reextract=reextract)
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
@reads
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

    from claims.embed.search_model import query_encoder_ready
    from claims.search.hybrid import MODES, Filters
    from claims.search.hybrid import search as run
    from claims.search.query import resolve_speakers
    from db.models import ClaimStatus

    valid = [s.value for s in ClaimStatus]
    for s in status or []:
        if s not in valid:
            fail(f"unknown status {s!r}; choose from: {', '.join(valid)}", 2)
    if mode not in MODES:
        fail(f"unknown mode {mode!r}; choose from: {', '.join(MODES)}", 2)
    engine = open_engine()
    found = []
    if speaker and speaker.strip():
        with Session(engine) as session:
            found = resolve_speakers(session, speaker)
        if not found:
            fail(f"no speaker like {speaker!r} (python -m claims speakers list)")
    filters = Filters(
        speaker=speaker,
        outlet=outlet,
        since=since.date() if since else None,
        until=until.date() if until else None,
        statuses=status or (),
        min_checkworthiness=min_checkworthiness,
    )
    if mode != "keyword" and not query_encoder_ready():
        typer.echo("Preparing the search model for fast queries (once, about 10 s)…", err=True)
    results = run(engine, query, k=k, filters=filters, mode=mode)
    listing(
        [r.to_dict() for r in results] if as_json else results,
        as_json=as_json,
        # printed once the search is done: @reads may run it twice
        header=f"speaker: {', '.join(name for _, name in found)}" if found else None,
        empty="No claims found (is anything ingested? are the filters too narrow?).",
        lines=lambda r: [
            f"{r.score:.3f}  claim {r.cluster_id} ({r.mentions} mention{'s' if r.mentions != 1 else ''}, {r.status})",
            f"       {r.speaker or r.outlet or 'unattributed'}: {bracketed(r.text, r.highlights)}",
            f"       {r.document}",
        ],
    )


@app.command()
@reads
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
            fail(f"unknown status {s!r}; choose from: {', '.join(valid)}", 2)
    if format == "csv":
        data = to_csv(open_engine(), statuses=status or None)
    elif format == "claimreview":
        data = to_claimreview(open_engine(), statuses=status or None).encode("utf-8")
    else:
        fail(f"unknown format {format!r}; choose csv or claimreview", 2)
    if out:
        write(out, data)
        typer.echo(f"wrote {out}", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


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
        fail("give either TEXT or --file", 2)
    if domain != "auto" and domain not in DOMAINS:
        fail(f"unknown domain {domain!r}; choose auto, {', '.join(DOMAINS)}", 2)
    chosen = None if domain == "auto" else domain
    scorer = default_scorer()
    if file:
        rows = read_queries(file)
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
@reads
def stats(as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Counts of articles, claims, speakers and review progress.

    Example:

        python -m claims --db data/claims.db stats
    """
    from sqlmodel import Session

    from db import crud

    with Session(open_engine()) as session:
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
    from claims.embed.index import index_path
    from claims.embed.search_model import search_embedder
    from claims.ingest.refresh import refresh

    engine = open_engine()
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


@app.command()
def maintenance(
    vacuum: bool = typer.Option(
        True, "--vacuum/--no-vacuum", help="Compact the file too (needs room for a copy)."
    ),
):
    """Check the database (integrity, references, the keyword index), then refresh the query
    planner's statistics (ANALYZE) and compact the file (VACUUM). A damaged database is reported
    and left alone: restore it from a backup (python -m claims restore).

    Run it now and then on a long-lived archive, when nobody is ingesting. Example:

        python -m claims maintenance
    """
    from db.maintenance import maintain

    report = maintain(open_engine(), vacuum=vacuum)
    for problem in report.problems:
        typer.echo(f"problem: {problem}", err=True)
    if report.problems:
        fail(f"{len(report.problems)} problem(s) found; nothing was changed")
    typer.echo("checked: integrity, references and the keyword index are sound")
    if report.analyzed:
        typer.echo("analyzed: the query planner's statistics are fresh")
    if report.vacuumed:
        typer.echo(f"vacuumed: {report.bytes_before / 1e6:.1f} MB -> {report.bytes_after / 1e6:.1f} MB")
    typer.echo(f"({report.seconds:.1f} s)")
