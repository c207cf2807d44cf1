"""The claim page's "Wording over time" and "Provenance" sections, through AppTest."""

from __future__ import annotations

import streamlit as st
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from claims.ingest.pipeline import ingest
from claims.provenance.drift import DiffOp, Flag
from db import crud
from db.session import get_engine
from tests.conftest import DEMO, ROOT
from ui.drift_view import diff_html, flag_badges

APP = ROOT / "app.py"
ZHIRNOV = "better than under Ashraf Ghani"


def claim_with(engine, text: str) -> int:
    with Session(engine) as session:
        ids = [s.claim.id for s in crud.claim_summaries(session, text=text)]
    assert len(ids) == 1
    return ids[0]


def open_claim(claim_id: int) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["claim_id"] = claim_id
    at.run()
    at.switch_page("ui/pages/claim.py").run()
    assert not at.exception, at.exception
    return at


def test_diff_and_badges_are_marked_and_escaped():
    html = diff_html(
        [DiffOp("equal", "under"), DiffOp("delete", "<b>old</b>", " "), DiffOp("insert", "(President)", " ")]
    )
    assert html.startswith("under <del")
    # A replacement that follows its deletion directly is kept apart by a space.
    assert diff_html([DiffOp("delete", "That is"), DiffOp("insert", "The")]).count("</del> <ins") == 1
    assert "&lt;b&gt;old&lt;/b&gt;</del>" in html and "<b>old</b>" not in html
    assert ">(President)</ins>" in html
    assert "number changed: 7 → 17" in flag_badges([Flag("number changed", "7 → 17")])
    assert "&lt;script&gt;" in flag_badges([Flag("names added", "<script>")])


def test_claim_page_shows_zhirnov_wording_change_first_appearance_and_timeline(app_db, seeded):
    at = open_claim(claim_with(seeded, ZHIRNOV))
    subheaders = [s.value for s in at.subheader]
    assert "Wording over time" in subheaders and "Provenance" in subheaders
    page = "\n".join(h.value for h in at.html)
    # 003's wording against 001's: the added words are marked as insertions, and flagged.
    assert ">now under the Taliban</ins>" in page
    assert ">(President)</ins>" in page
    assert ">That is</del>" in page
    assert "quoted words changed" in page and "names added: Taliban, President" in page
    # First appearance: 001 (both undated, 001 ingested first).
    first = next(h.value for h in at.html if "First appeared" in h.value)
    assert "The Moscow Times" in first and "001_000a073d6dfb7b73.txt" in first
    timeline = next(h.value for h in at.html if 'class="timeline"' in h.value)
    assert timeline.index("001_000a073d6dfb7b73.txt") < timeline.index("003_136cd665c0aaefab.txt")
    assert "unknown outlet" in timeline and "(first appearance)" in timeline
    assert "Ekho Moskvy" in page  # 001 credits the radio station it quotes


def test_claim_page_links_a_citing_mention_to_the_cited_outlet(monkeypatch, tmp_path, embedder):
    path = tmp_path / "demo.db"
    engine = get_engine(path)
    assert ingest(
        engine, [str(DEMO / "01_valdora_herald.txt"), str(DEMO / "09_strait_digest.txt")], embedder=embedder
    ).ok
    claim_id = claim_with(engine, "almost doubled")
    engine.dispose()
    monkeypatch.setenv("CLAIMS_DB", str(path))
    st.cache_resource.clear()
    try:
        at = open_claim(claim_id)
    finally:
        st.cache_resource.clear()
    page = "\n".join(h.value for h in at.html)
    assert "qualifier added: almost" in page and ">had almost</ins>" in page
    cites = next(h.value for h in at.html if " cites " in h.value)
    assert "Strait Digest" in cites and "<b>Valdora Herald</b>" in cites
    assert "its mention in <code>01_valdora_herald.txt</code>, 2026-03-03" in cites
