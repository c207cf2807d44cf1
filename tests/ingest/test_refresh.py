"""Every write path ends with the one refresh: the FAISS file, the search vectors and the keyword
index agree with the stored mentions after each, checked in full by ``out_of_step``."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session
from typer.testing import CliRunner

from claims.cli import app
from claims.ingest.pipeline import ingest
from claims.ingest.refresh import out_of_step
from claims.review.actions import run
from claims.review.feedback import add_mention, drop_mention, find_span
from claims.review.regroup import merge_claims, split_mentions
from claims.review.verdicts import set_status
from claims.search.hybrid import search
from db import crud
from db.models import ClaimStatus
from db.session import db_file, session_scope
from tests.conftest import SEEDS

MISSED = "Then Moscow struggled to evacuate its embassy under fire after a disastrous decade-long war."


def _claims(engine) -> list[crud.ClaimSummary]:
    with Session(engine) as session:
        return crud.claim_summaries(session)


def test_an_ingest_leaves_everything_in_step(seeded):
    assert out_of_step(seeded) == []


def test_the_check_finds_what_is_out_of_step(seeded):
    with session_scope(seeded) as session:
        session.connection().execute(text("UPDATE mention SET search_model = NULL WHERE id = 1"))
        session.connection().execute(text("DELETE FROM mention_fts WHERE rowid = 2"))
        crud.want_refresh(session)
    problems = out_of_step(seeded)
    assert any("search vectors" in p for p in problems)
    assert any("keyword index" in p for p in problems)
    assert any("refresh was asked for" in p for p in problems)
    db_file(seeded).with_name(db_file(seeded).name + ".faiss").unlink()
    assert "no FAISS file" in out_of_step(seeded)
    db_file(seeded).with_name(db_file(seeded).name + ".link.faiss").unlink()
    assert "no link model's FAISS file" in out_of_step(seeded)


def test_reextraction_leaves_everything_in_step(seeded, embedder):
    with session_scope(seeded) as session:
        # What an older extractor might have stored: a claim cut one character short.
        session.connection().execute(
            text(
                'UPDATE mention SET "end" = "end" - 1, text = substr(text, 1, length(text) - 1) WHERE id = 3'
            )
        )
    report = ingest(seeded, [str(SEEDS)], embedder=embedder, reextract=True)
    assert report.reextraction.added >= 1
    assert out_of_step(seeded) == []


@pytest.mark.slow
def test_the_cli_reindex_rebuilds_everything_in_step(seeded):
    with session_scope(seeded) as session:
        session.connection().execute(text("INSERT INTO mention_fts(mention_fts) VALUES ('delete-all')"))
    result = CliRunner().invoke(app, ["--db", str(db_file(seeded)), "reindex"])
    assert result.exit_code == 0, result.output
    assert out_of_step(seeded) == []
    assert f"keyword index: {sum(c.mentions for c in _claims(seeded))} mentions" in result.output


def test_a_regroup_is_kept_by_the_refresh_that_follows_it(seeded):
    first, second, *_ = (
        c for c in _claims(seeded) if c.mentions == 1 and "Taliban" in c.claim.canonical_text
    )
    done = run(seeded, merge_claims, reviewer="Ann", keep_id=first.claim.id, other_id=second.claim.id)
    assert done.saved, done.message
    assert out_of_step(seeded) == []  # relinked, and the refresh mark cleared
    with Session(seeded) as session:
        kept = crud.mention_rows(session, claim_id=first.claim.id)
    assert len(kept) == 2
    split = run(
        seeded, split_mentions, reviewer="Ann", claim_id=first.claim.id, mention_ids=[kept[1].mention.id]
    )
    assert split.saved and out_of_step(seeded) == []
    with Session(seeded) as session:
        assert [r.mention.id for r in crud.mention_rows(session, claim_id=first.claim.id)] == [
            kept[0].mention.id
        ]


def test_an_added_and_a_dropped_claim_are_found_and_gone_at_once(seeded, embedder):
    with Session(seeded) as session:
        article = next(
            crud.get_article(session, article_id=i)
            for i, document, _ in crud.article_choices(session)
            if document.endswith("003_136cd665c0aaefab.txt")
        )
    start, end = find_span(article.text, MISSED)
    added = run(
        seeded, add_mention, reviewer="Ann", article_id=article.id, start=start, end=end, embedder=embedder
    )
    assert added.saved, added.message
    assert out_of_step(seeded) == []
    assert search(seeded, MISSED, k=1)[0].mention_id == added.result.id
    assert (
        search(seeded, "evacuate embassy disastrous decade", k=1, mode="keyword")[0].mention_id
        == added.result.id
    )
    dropped = run(seeded, drop_mention, reviewer="Ann", mention_id=added.result.id)
    assert dropped.saved and out_of_step(seeded) == []
    assert added.result.id not in {r.mention_id for r in search(seeded, MISSED, k=5)}


def test_a_refused_action_says_why_and_asks_for_no_refresh(seeded):
    claim = _claims(seeded)[0].claim
    done = run(seeded, set_status, reviewer="Ann", opened=claim.id, seen=claim.version, claim_id=claim.id,
               status=ClaimStatus.false, expected_version=claim.version + 5)  # fmt: skip
    assert not done.saved and done.conflict and "changed" in done.message
    assert done.seen == claim.version  # the page still holds what it read
    saved = run(seeded, set_status, reviewer="Ann", opened=claim.id, seen=claim.version, claim_id=claim.id,
                status=ClaimStatus.false, expected_version=claim.version)  # fmt: skip
    assert saved.saved and saved.seen == claim.version + 1  # its own save moves the page on
    with Session(seeded) as session:
        assert crud.refresh_wanted(session) is None
