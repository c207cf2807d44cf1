"""Extracting stored articles again (a reviewer's merge or split survives a full
re-ingest): ``ingest --reextract`` keeps what reviewers did and lays the new extraction over the old."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session

from claims.ingest.pipeline import ingest
from claims.review.feedback import drop_mention
from claims.review.regroup import split_mentions
from claims.review.verdicts import add_note, set_sourcing, set_status
from db import crud
from db.session import db_file, session_scope
from tests.conftest import SEEDS


def _claims_holding(session, anchor: str) -> list[int]:
    return sorted({r.mention.claim_id for r in crud.mention_rows(session) if anchor in r.mention.text})


def _spans(session) -> dict[tuple[str, int, int], int]:
    return {
        (r.article.document, r.mention.start, r.mention.end): r.mention.id for r in crud.mention_rows(session)
    }


@pytest.mark.slow
def test_reextracting_keeps_reviewers_work(seeded, embedder):
    with Session(seeded) as session:
        (ghani,) = _claims_holding(session, "Ashraf Ghani")
        later = max(crud.mention_rows(session, claim_id=ghani), key=lambda r: r.article.document).mention.id
        (guard,) = [
            r.mention.id for r in crud.mention_rows(session) if "guard his embassy" in r.mention.text
        ][:1]
        (dropped,) = [
            r.mention.id
            for r in crud.mention_rows(session)
            if "terrorist organization banned in Russia" in r.mention.text
        ][:1]
        spans_before = _spans(session)
    with session_scope(seeded) as session:
        split_mentions(session, claim_id=ghani, mention_ids=[later], reviewer="Ann")
        set_status(session, claim_id=ghani, status="Misleading", reviewer="Ann")
        add_note(session, claim_id=ghani, text="Two outlets word it differently.", reviewer="Ann")
        set_sourcing(session, mention_id=guard, sourcing="Primary", reviewer="Ann")
        drop_mention(session, mention_id=dropped, reviewer="Ann")

    report = ingest(seeded, [str(SEEDS)], embedder=embedder, reextract=True)

    assert report.ok and len(report.reextracted) == 5 and not report.ingested and not report.skipped
    again = report.reextraction
    assert again.refused == 1 and again.added == 0 and again.removed == 0
    assert again.kept == len(spans_before) - 1
    with Session(seeded) as session:
        assert len(_claims_holding(session, "Ashraf Ghani")) == 2  # the split holds
        claim = crud.get_claim(session, claim_id=ghani)
        assert claim.status.value == "Misleading"
        assert [n.text for n in crud.notes_for(session, claim_id=ghani)] == [
            "Two outlets word it differently."
        ]
        assert crud.get_mention(session, mention_id=guard).sourcing.value == "Primary"
        assert not _claims_holding(session, "terrorist organization banned in Russia")  # stays dropped
        # The same spans are the same rows, so everything hanging off a mention stays put.
        assert {span: i for span, i in _spans(session).items()} == {
            span: i for span, i in spans_before.items() if i != dropped
        }


@pytest.mark.slow
def test_a_span_the_extractor_no_longer_finds_goes_and_the_new_one_comes(seeded_path, embedder):
    from db.session import get_engine

    engine = get_engine(seeded_path)
    with Session(engine) as session:
        row = next(r for r in crud.mention_rows(session) if "guard his embassy" in r.mention.text)
        right = (row.mention.start, row.mention.end)
    with session_scope(engine) as session:
        # What an older extractor might have stored: the same claim, cut one character short.
        session.connection().execute(
            text('UPDATE mention SET "end" = "end" - 1 WHERE id = :id'), {"id": row.mention.id}
        )
    report = ingest(engine, [str(SEEDS)], embedder=embedder, reextract=True)
    assert report.reextraction.added == 1 and report.reextraction.removed == 1
    with Session(engine) as session:
        assert right in {
            (r.mention.start, r.mention.end)
            for r in crud.mention_rows(session)
            if "guard his embassy" in r.mention.text
        }
        assert crud.get_mention(session, mention_id=row.mention.id) is None
    engine.dispose()


@pytest.mark.slow
def test_the_cli_extracts_again(seeded):
    from typer.testing import CliRunner

    from claims.cli import app

    result = CliRunner().invoke(app, ["--db", str(db_file(seeded)), "ingest", str(SEEDS), "--reextract"])
    assert result.exit_code == 0, result.output
    assert "extracted again" in result.output and "kept" in result.output
