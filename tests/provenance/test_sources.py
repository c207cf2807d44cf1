"""Provenance: first appearance, the timeline per outlet, and which mentions cite which."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from claims.ingest.pipeline import ingest
from claims.provenance.sources import (
    UNKNOWN_OUTLET,
    citations,
    cited_sources,
    first_appearance,
    in_order,
    timeline,
    wordings,
)
from db import crud
from db.session import get_engine
from tests.conftest import DEMO

CLAIM = "Port director Jonas Eriksen said harbour fees would rise by 12 percent in July."


def article(folder, name: str, title: str, outlet: str, published: str | None) -> str:
    """A short article of our own, carrying the same claim."""
    dated = f"Published {published}\n\n" if published else ""
    path = folder / name
    path.write_text(f"{title}\n\n{dated}By Ann Lee, {outlet}\n\n{CLAIM}\n")
    return str(path)


def names(rows) -> list[str]:
    return [r.article.document.rsplit("/", 1)[-1] for r in rows]


@pytest.fixture(scope="module")
def fees(tmp_path_factory, embedder):
    """Four articles with one claim, ingested in an order unlike their dates:
    undated first, then March 5, then two of March 3 (d before b). Read-only: built once per module."""
    tmp_path = tmp_path_factory.mktemp("fees")
    engine = get_engine(tmp_path / "claims.db")
    docs = [
        article(tmp_path, "c.txt", "Harbour fees to rise", "Gamma Daily", None),
        article(tmp_path, "a.txt", "Port Ardent fees going up", "Alpha Post", "March 5, 2026"),
        article(tmp_path, "d.txt", "Fees at the harbour in July", "Delta News", "March 3, 2026"),
        article(tmp_path, "b.txt", "Port to raise its fees", "Beta Times", "March 3, 2026"),
    ]
    for doc in docs:  # one batch each: ingest times strictly in this order
        assert len(ingest(engine, [doc], embedder=embedder).ingested) == 1
    with Session(engine) as session:
        summaries = crud.claim_summaries(session, text="harbour fees would rise")
        assert len(summaries) == 1 and summaries[0].mentions == 4
        yield crud.mention_rows(session, claim_id=summaries[0].claim.id)
    engine.dispose()


def test_first_appearance_is_the_earliest_date_then_the_earliest_ingest(fees):
    assert names(in_order(fees)) == ["d.txt", "b.txt", "a.txt", "c.txt"]
    first = first_appearance(fees)
    assert names([first]) == ["d.txt"]
    assert first.outlet == "Delta News" and first.article.published == date(2026, 3, 3)
    # Input order does not matter.
    assert first_appearance(list(reversed(fees))).mention.id == first.mention.id
    assert first_appearance([]) is None


def test_timeline_has_a_dated_row_per_mention_grouped_by_outlet(fees):
    rows = timeline(fees)
    assert [(r.outlet, r.published) for r in rows] == [
        ("Delta News", date(2026, 3, 3)),
        ("Beta Times", date(2026, 3, 3)),
        ("Alpha Post", date(2026, 3, 5)),
        ("Gamma Daily", None),
    ]
    assert [r.first for r in rows] == [True, False, False, False]


def test_wordings_take_the_first_appearance_as_base(fees):
    shown = wordings(fees)
    assert shown[0].drift is None and names([shown[0].row]) == ["d.txt"]
    assert all(w.drift is not None and not w.drift.changed and w.drift.flags == [] for w in shown[1:])


# --- citations ---------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, source",
    [
        ("The embassy is open, according to TASS.", "TASS"),
        ("Zhirnov told Russian state media that the embassy was guarded.", "Russian state media"),
        ("Ferry traffic has doubled, as reported by the Valdora Herald.", "Valdora Herald"),
        ("Citing Interfax, the paper said the talks would resume.", "Interfax"),
        ("Reuters reported that the talks would resume in May.", "Reuters"),
        ("He said on state television that the meeting went well.", "state television"),
    ],
)
def test_cited_sources_find_the_credited_outlet(sentence, source):
    found = cited_sources(sentence, 0, len(sentence))
    assert [name for name, _ in found] == [source]


@pytest.mark.parametrize(
    "sentence",
    [
        "The bridge will reopen next spring, according to the Ministry of Transport.",
        "Eriksen told reporters at a press conference that crossings rose.",
        "Markovic said the figures speak for themselves.",
    ],
)
def test_speakers_and_venues_that_are_not_media_are_no_citation(sentence):
    assert cited_sources(sentence, 0, len(sentence)) == []


def test_own_outlet_is_no_citation_and_a_media_venue_is():
    text = "Opposition leader Tomas Brandt told Island Wire that waiting times had tripled."
    assert cited_sources(text, 0, len(text), own_outlet="Island Wire") == []
    text = "Speaking to Ekho Moskvy radio on Monday evening, he said the impressions were good."
    assert [s for s, _ in cited_sources(text, 0, len(text), venue="Ekho Moskvy")] == ["Ekho Moskvy radio"]


def test_a_mention_citing_another_outlet_links_to_that_outlets_mention(engine, embedder):
    # Ingested citing article first: the cited Herald article is still the first appearance (its date is earlier).
    assert ingest(
        engine, [str(DEMO / "09_strait_digest.txt"), str(DEMO / "01_valdora_herald.txt")], embedder=embedder
    ).ok
    with Session(engine) as session:
        summaries = crud.claim_summaries(session, text="almost doubled")
        assert len(summaries) == 1
        rows = crud.mention_rows(session, claim_id=summaries[0].claim.id)
        outlets = crud.outlet_names(session)
    first = first_appearance(rows)
    assert first.outlet == "Valdora Herald" and first.mention.role == "body"
    digest = next(r for r in rows if r.outlet == "Strait Digest")
    cited = [c for c in citations(rows, outlets=outlets) if c.mention_id == digest.mention.id]
    assert [(c.source, c.cites) for c in cited] == [("Valdora Herald", first.mention.id)]
    later = next(w for w in wordings(rows) if w.row.mention.id == digest.mention.id)
    assert [(f.kind, f.detail) for f in later.drift.flags] == [("qualifier added", "almost")]


def test_a_cited_outlet_without_a_mention_of_the_claim_is_kept_by_name(seeded):
    with Session(seeded) as session:
        ids = [s.claim.id for s in crud.claim_summaries(session, text="already started to guard his embassy")]
        rows = crud.mention_rows(session, claim_id=ids[0])
        outlets = crud.outlet_names(session)
    cited = citations(rows, outlets=outlets)
    assert [(c.source, c.cites) for c in cited] == [("Russian state media", None)]
    assert UNKNOWN_OUTLET in {r.outlet for r in timeline(rows)}  # 003 names no outlet


def test_csv_rows_carry_first_seen_and_drift(seeded):
    from claims.export import CSV_COLUMNS, rows

    assert CSV_COLUMNS[-3:] == ["first_seen", "drift", "mention_id"]  # new columns go last: none moves
    zhirnov = [r for r in rows(seeded) if "Ashraf Ghani" in r["claim_text"]]
    assert len(zhirnov) == 2
    assert {r["first_seen"].rsplit("/", 1)[-1] for r in zhirnov} == {"001_000a073d6dfb7b73.txt"}
    by_doc = {r["document"].rsplit("/", 1)[-1][:3]: r["drift"] for r in zhirnov}
    assert by_doc["001"] == ""
    assert "quoted words changed" in by_doc["003"] and "names added: Taliban, President" in by_doc["003"]
