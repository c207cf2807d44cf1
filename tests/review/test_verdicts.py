"""Review changes persist with history; the CSV carries them and is safe to open."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from sqlmodel import Session

from claims.export import CSV_COLUMNS, to_claimreview, to_csv
from claims.ingest.pipeline import ingest
from claims.review import verdicts as review
from db import crud
from db.models import ClaimStatus, Sourcing
from db.session import get_engine, session_scope
from tests.conftest import seed


def _ghani_claim(engine):
    with Session(engine) as session:
        rows = [r for r in crud.mention_rows(session) if "better than under Ashraf Ghani" in r.mention.text]
    return rows[0].claim.id, rows[0].mention.id


def _csv(engine, **kwargs) -> pd.DataFrame:
    data = to_csv(engine, **kwargs)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_status_sourcing_note_persist_with_history_and_show_in_csv(seeded_path):
    engine = get_engine(seeded_path)
    claim_id, mention_id = _ghani_claim(engine)
    with session_scope(engine) as session:
        review.set_status(session, claim_id=claim_id, status=ClaimStatus.misleading, reviewer="Anna")
        review.set_sourcing(session, mention_id=mention_id, sourcing=Sourcing.primary, reviewer="Anna")
        review.add_note(session, claim_id=claim_id, text="Ekho Moskvy transcript checked", reviewer="Anna")
    engine.dispose()

    engine = get_engine(seeded_path)  # a new process would see the same
    with Session(engine) as session:
        claim = crud.get_claim(session, claim_id=claim_id)
        history = crud.history_for(session, claim_id=claim_id)
    assert claim.status == ClaimStatus.misleading and claim.reviewer == "Anna"
    changes = [(h.field, h.old, h.new, h.reviewer) for h in history]
    assert ("status", "Unreviewed", "Misleading", "Anna") in changes
    assert ("sourcing", None, "Primary", "Anna") in changes
    assert ("note", None, "Ekho Moskvy transcript checked", "Anna") in changes

    frame = _csv(engine)
    assert list(frame.columns)[: len(CSV_COLUMNS)] == CSV_COLUMNS
    rows = frame[frame.cluster_id == str(claim_id)]
    assert set(rows.status) == {"Misleading"} and set(rows.reviewer) == {"Anna"}
    assert rows.cluster_size.tolist() == [str(len(rows))] * len(rows)
    assert rows[rows.claim_id == str(mention_id)].sourcing.tolist() == ["Primary"]
    assert (rows.mention_id == rows.claim_id).all()  # claim_id is the mention's id, as mention_id says
    assert "Ekho Moskvy transcript checked" in rows.notes.iloc[0]
    assert any(d.endswith("001_000a073d6dfb7b73.txt") for d in rows.document)

    only = _csv(engine, statuses=["Misleading"])
    assert set(only.cluster_id) == {str(claim_id)}
    reviews = json.loads(to_claimreview(engine))
    assert reviews[0]["claimReviewed"].startswith("That is the situation in Kabul")
    assert reviews[0]["reviewRating"]["alternateName"] == "Misleading"


def test_formula_cells_are_neutralised(engine, embedder):
    report = ingest(engine, [str(seed("004"))], outlet='=HYPERLINK("http://evil")', embedder=embedder)
    assert report.ok
    frame = _csv(engine)
    assert set(frame.source) == {'\'=HYPERLINK("http://evil")'}
    assert not any(value.startswith(("=", "+", "-", "@")) for column in frame for value in frame[column])


def test_second_reviewer_does_not_silently_overwrite(seeded):
    claim_id, _ = _ghani_claim(seeded)
    with Session(seeded) as session:
        opened = crud.get_claim(session, claim_id=claim_id).version  # both reviewers open the claim
    with session_scope(seeded) as session:
        review.set_status(
            session, claim_id=claim_id, status="False", reviewer="Anna", expected_version=opened
        )
    with pytest.raises(review.ConflictError, match="changed by Anna"):
        with session_scope(seeded) as session:
            review.set_status(
                session, claim_id=claim_id, status="True", reviewer="Boris", expected_version=opened
            )
    with Session(seeded) as session:
        assert crud.get_claim(session, claim_id=claim_id).status == ClaimStatus.false


def test_review_needs_a_name_and_a_note_needs_text(seeded):
    claim_id, _ = _ghani_claim(seeded)
    with pytest.raises(review.ReviewError, match="reviewer name"):
        with session_scope(seeded) as session:
            review.set_status(session, claim_id=claim_id, status="True", reviewer="  ")
    with pytest.raises(review.ReviewError, match="empty"):
        with session_scope(seeded) as session:
            review.add_note(session, claim_id=claim_id, text=" ", reviewer="Anna")


def test_accepting_a_suggestion_moves_the_mention(seeded):
    with Session(seeded) as session:
        suggestion = crud.pending_suggestions(session)[0]
    with session_scope(seeded) as session:
        review.decide_suggestion(session, suggestion_id=suggestion.id, accept=True, reviewer="Anna")
    with Session(seeded) as session:
        assert crud.get_mention(session, mention_id=suggestion.mention_id).claim_id == suggestion.claim_id
        assert any(h.field == "link" for h in crud.history_for(session, claim_id=suggestion.claim_id))
    with pytest.raises(review.ConflictError, match="already accepted by Anna"):
        with session_scope(seeded) as session:
            review.decide_suggestion(session, suggestion_id=suggestion.id, accept=False, reviewer="Boris")


def test_claimreview_filter_on_statuses_without_a_verdict_publishes_nothing(seeded):
    assert json.loads(to_claimreview(seeded, statuses=["Unreviewed"])) == []
