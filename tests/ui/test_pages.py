"""The reviewer UI, page by page, through Streamlit's AppTest on real databases and the real model."""

from __future__ import annotations

import socket
import sqlite3

import pytest
import streamlit as st
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from claims import export
from claims.review.verdicts import set_status
from db import crud
from db.models import ClaimStatus
from db.session import session_scope
from tests.conftest import ROOT, seed
from tests.ui.conftest import ZHIRNOV
from ui.common import EMPTY
from ui.common import QUEUE_PAGE_SIZE as PAGE
from ui.render import MAX_CONTEXT, highlighted_context

APP = ROOT / "app.py"
PAGES = [
    "ui/pages/queue.py",
    "ui/pages/claim.py",
    "ui/pages/search.py",
    "ui/pages/speakers.py",
    "ui/pages/ingest.py",
    "ui/pages/export.py",
]


@pytest.fixture
def empty_db(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMS_DB", str(tmp_path / "empty.db"))
    st.cache_resource.clear()
    yield tmp_path / "empty.db"
    st.cache_resource.clear()


def open_page(page: str | None = None, **state) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def history_of(at: AppTest):
    """The Claim page's history table (the page shows other tables too, e.g. removed page furniture)."""
    return next(d.value for d in at.dataframe if "field" in d.value.columns)


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


# --- queue -------------------------------------------------------------------


def test_queue_pages_through_every_tracked_claim_once(app_db, seeded):
    at = open_page()
    assert at.title[0].value == "Review queue"
    with Session(seeded) as session:
        counts = crud.counts(session)
    total = counts["tracked_claims"]
    assert total > PAGE  # the seeds need two pages, or this test shows nothing
    first = at.dataframe[0].value
    assert len(first) == PAGE
    assert any(ZHIRNOV in text for text in first["claim"])  # quoted by several outlets: first page
    assert list(first["mentions"]) == sorted(first["mentions"], reverse=True)
    assert {"cluster id", "claim", "mentions", "outlets", "speakers", "status", "pending suggestions"} <= set(
        first.columns
    )
    assert f"1–{PAGE} of {total}" in at.caption[0].value
    assert dict(zip([m.label for m in at.metric], texts(at.metric)))["Tracked claims"] == str(total)
    at.number_input(key="queue_page").set_value(2).run()
    second = at.dataframe[0].value
    ids = list(first["cluster id"]) + list(second["cluster id"])
    assert len(ids) == len(set(ids)) == min(total, 2 * PAGE)
    assert second["mentions"].max() <= first["mentions"].min()


def test_queue_filters_by_speaker_and_text(app_db):
    at = open_page()
    at.selectbox(key="queue_speaker").select("Dmitry Zhirnov").run()
    table = at.dataframe[0].value
    assert all("Dmitry Zhirnov" in speakers for speakers in table["speakers"])
    assert any(ZHIRNOV in text for text in table["claim"])
    at.text_input(key="queue_text").set_value('"under ASHRAF Ghani" (').run()  # FTS5 syntax is read as words
    assert not at.exception and any(ZHIRNOV in text for text in at.dataframe[0].value["claim"])
    at.text_input(key="queue_text").set_value("no claim says this").run()
    assert "No tracked claim matches these filters." in texts(at.info)


def test_queue_opens_a_claim(app_db, zhirnov):
    at = open_page()
    at.selectbox(key="queue_pick").select(zhirnov)
    at.button(key="queue_open").click().run()
    assert not at.exception
    assert at.title[0].value == "Claim"
    assert at.query_params["claim"] == str(zhirnov)
    assert ZHIRNOV in at.html[0].value


# --- claim -------------------------------------------------------------------


def test_claim_page_shows_every_mention_in_context(app_db, zhirnov):
    at = open_page("ui/pages/claim.py", claim_id=zhirnov)
    page = "\n".join(texts(at.html))
    assert ZHIRNOV in at.html[0].value
    assert "001_000a073d6dfb7b73.txt" in page and "003_136cd665c0aaefab.txt" in page
    assert (
        page.count("<b>Speaker</b>: Dmitry Zhirnov") >= 2
    )  # each mention, and any pending suggestion of his
    assert "<mark>That is the situation in Kabul is better than under Ashraf Ghani</mark>" in page
    assert dict(zip([m.label for m in at.metric], texts(at.metric)))["Mentions"] == "2"
    assert len(at.get("button_group")) == 2  # a sourcing control per mention


def test_claim_page_reads_the_claim_from_the_url(app_db, zhirnov):
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.query_params["claim"] = str(zhirnov)
    at.switch_page("ui/pages/claim.py").run()
    assert not at.exception
    assert ZHIRNOV in at.html[0].value
    assert at.session_state["claim_id"] == zhirnov


def test_saving_a_status_records_history(app_db, seeded, zhirnov):
    at = open_page("ui/pages/claim.py", claim_id=zhirnov, reviewer="Ann")
    at.selectbox(key=f"status_{zhirnov}").select("Misleading")
    at.button(key="save_status").click().run()
    assert not at.exception
    assert "Status set to “Misleading”." in texts(at.success)
    history = history_of(at)
    assert history.iloc[0][["field", "old", "new", "reviewer"]].tolist() == [
        "status",
        "Unreviewed",
        "Misleading",
        "Ann",
    ]
    with Session(seeded) as session:
        assert crud.get_claim(session, claim_id=zhirnov).status == ClaimStatus.misleading
        assert [(h.field, h.new, h.reviewer) for h in crud.history_for(session, claim_id=zhirnov)] == [
            ("status", "Misleading", "Ann")
        ]


def test_changes_are_refused_without_a_reviewer_name(app_db, seeded, zhirnov):
    at = open_page("ui/pages/claim.py", claim_id=zhirnov)
    at.selectbox(key=f"status_{zhirnov}").select("False")
    at.button(key="save_status").click().run()
    assert any("Reviewer name" in w for w in texts(at.warning))
    with Session(seeded) as session:
        assert crud.get_claim(session, claim_id=zhirnov).status == ClaimStatus.unreviewed
        assert crud.history_for(session, claim_id=zhirnov) == []


@pytest.mark.slow
def test_a_concurrent_change_is_reported_not_overwritten(app_db, seeded, zhirnov):
    at = open_page("ui/pages/claim.py", claim_id=zhirnov, reviewer="Ann")
    with session_scope(seeded) as session:  # another reviewer saves while Ann's page is open
        set_status(session, claim_id=zhirnov, status="True", reviewer="Bob")
    at.selectbox(key=f"status_{zhirnov}").select("False").run()  # a rerun re-reads the claim...
    assert dict(zip([m.label for m in at.metric], texts(at.metric)))["Status"] == "True"
    at.button(key="save_status").click().run()  # ...but the save is checked against the version Ann opened
    assert any("another reviewer changed this" in e for e in texts(at.error))
    with Session(seeded) as session:
        assert crud.get_claim(session, claim_id=zhirnov).status == ClaimStatus.true
    button(at, "Reload the claim").click().run()
    assert at.selectbox(key=f"status_{zhirnov}").value == "True"
    assert not at.error
    at.selectbox(key=f"status_{zhirnov}").select("False")
    at.button(key="save_status").click().run()
    assert "Status set to “False”." in texts(at.success)


def test_sourcing_and_notes_are_saved_and_escaped(app_db, seeded, zhirnov):
    at = open_page("ui/pages/claim.py", claim_id=zhirnov, reviewer="Ann")
    at.get("button_group")[0].set_value("Primary").run()
    assert "Sourcing set to “Primary”." in texts(at.success)
    at.text_area(key=f"note_{zhirnov}").set_value("Compared with the <script>Ekho</script> transcript")
    button(at, "Add note").click().run()
    assert "Note added." in texts(at.success)
    assert at.text_area(key=f"note_{zhirnov}").value == ""
    assert any("&lt;script&gt;Ekho&lt;/script&gt;" in h for h in texts(at.html))
    at.selectbox(key=f"status_{zhirnov}").select("True")
    at.button(key="save_status").click().run()
    assert "Status set to “True”." in texts(at.success)  # her own earlier changes are no conflict
    with Session(seeded) as session:
        mentions = crud.mention_rows(session, claim_id=zhirnov)
        assert [r.mention.sourcing for r in mentions].count("Primary") == 1
        assert [n.text for n in crud.notes_for(session, claim_id=zhirnov)] == [
            "Compared with the <script>Ekho</script> transcript"
        ]


def test_accepting_a_link_suggestion_moves_the_mention(app_db, seeded):
    with Session(seeded) as session:
        suggestion = max(crud.pending_suggestions(session), key=lambda s: s.score)
    at = open_page("ui/pages/claim.py", claim_id=suggestion.claim_id, reviewer="Ann")
    assert f"accept_{suggestion.id}" in [b.key for b in at.button]
    at.button(key=f"accept_{suggestion.id}").click().run()
    assert not at.exception
    assert f"accept_{suggestion.id}" not in [b.key for b in at.button]
    with Session(seeded) as session:
        assert crud.get_mention(session, mention_id=suggestion.mention_id).claim_id == suggestion.claim_id


@pytest.mark.slow
def test_splitting_a_mention_off_and_merging_it_back(app_db, seeded, zhirnov):
    with Session(seeded) as session:
        first, second = crud.mention_rows(session, claim_id=zhirnov)
    at = open_page("ui/pages/claim.py", claim_id=zhirnov, reviewer="Ann")
    at.multiselect(key=f"split_pick_{zhirnov}").select(second.mention.id).run()
    at.button(key=f"split_go_{zhirnov}").click().run()
    assert not at.exception
    assert any("split off into a new claim" in s for s in texts(at.success))
    with Session(seeded) as session:
        moved = crud.get_mention(session, mention_id=second.mention.id).claim_id
        assert moved != zhirnov and crud.get_mention(session, mention_id=first.mention.id).claim_id == zhirnov
    at.number_input(key=f"merge_other_{zhirnov}").set_value(moved).run()
    at.button(key=f"merge_go_{zhirnov}").click().run()
    assert any(f"Claim #{moved} merged into this one." in s for s in texts(at.success))
    with Session(seeded) as session:
        assert crud.get_mention(session, mention_id=second.mention.id).claim_id == zhirnov
        assert [h.field for h in crud.history_for(session, claim_id=moved)][-1] == "merged into"


@pytest.mark.slow
def test_fact_checked_before_attaches_evidence(app_db, seeded, zhirnov, embedder, tmp_path):
    from claims.factchecks.store import import_file

    checks = tmp_path / "checks.tsv"
    checks.write_text(
        "id\ttext\ttitle\turl\trating\n"
        "fc-kabul\tA Russian envoy said Kabul is better off under the Taliban than under Ghani.\tKabul under the Taliban\thttps://example.org/kabul\tMisleading\n"
        "fc-ferry\tFerry crossings on the Sorrel Strait doubled after the bridge closed.\tFerries\t\tTrue\n",
        encoding="utf-8",
    )
    import_file(seeded, checks, embedder=embedder)
    at = open_page("ui/pages/claim.py", claim_id=zhirnov, reviewer="Ann")
    assert "Fact-checked before?" in texts(at.subheader)
    page = "\n".join(texts(at.html))
    assert page.index("Kabul under the Taliban") < page.index("Ferries")  # the best match first
    assert '<a href="https://example.org/kabul"' in page and "<i>Misleading</i>" in page
    with Session(seeded) as session:
        kabul = next(c.id for c in crud.fact_check_rows(session) if c.external_id == "fc-kabul")
    at.button(key=f"attach_{kabul}").click().run()
    assert not at.exception
    assert "Attached as evidence." in texts(at.success)
    assert f"attach_{kabul}" not in [b.key for b in at.button] and f"detach_{kabul}" in [
        b.key for b in at.button
    ]
    assert any("attached by Ann" in h for h in texts(at.html))
    assert history_of(at).iloc[-1][["field", "reviewer"]].tolist() == ["fact-check evidence", "Ann"]
    with Session(seeded) as session:
        assert [c.external_id for _, c in crud.evidence_for(session, claim_id=zhirnov)] == ["fc-kabul"]
    at = open_page("ui/pages/claim.py", claim_id=zhirnov, reviewer="Bob")  # remembered on a fresh visit
    at.button(key=f"detach_{kabul}").click().run()
    assert "Fact-check removed from the evidence." in texts(at.success)
    assert f"attach_{kabul}" in [b.key for b in at.button]
    with Session(seeded) as session:
        assert crud.evidence_for(session, claim_id=zhirnov) == []


def test_fact_checked_before_without_imports(app_db, zhirnov):
    at = open_page("ui/pages/claim.py", claim_id=zhirnov)
    assert "Fact-checked before?" in texts(at.subheader)
    assert any("No published fact-checks imported yet" in c for c in texts(at.caption))


# --- search, export, ingest ---------------------------------------------------


def test_search_finds_the_zhirnov_claim_first(app_db, zhirnov):
    at = open_page("ui/pages/search.py")
    at.text_input(key="search_query").set_value("Kabul is safer now than when Ghani ruled").run()
    assert not at.exception
    first = at.dataframe[0].value.iloc[0]
    assert first["cluster id"] == zhirnov
    assert "Ashraf Ghani" in first["text"] and first["speaker"] == "Dmitry Zhirnov"  # either outlet's wording
    at.selectbox(key="search_pick").select(zhirnov)
    at.button(key="search_open").click().run()
    assert at.title[0].value == "Claim" and ZHIRNOV in at.html[0].value


def test_search_highlights_words_and_filters_by_speaker(app_db):
    at = open_page("ui/pages/search.py")
    at.text_input(key="search_query").set_value("Ghani's rule").run()
    page = "\n".join(texts(at.html))
    assert "<mark>Ghani</mark>" in page
    at.text_input(key="search_speaker").set_value("Lavrof").run()
    assert not at.exception
    assert "Speaker: Sergei Lavrov" in texts(at.caption)
    assert set(at.dataframe[0].value["speaker"]) == {"Sergei Lavrov"}
    at.text_input(key="search_speaker").set_value("Nobody Atall").run()
    assert "No speaker like “Nobody Atall”." in texts(at.warning)
    at.text_input(key="search_speaker").set_value("").run()
    at.multiselect(key="search_status").select("False").run()
    assert "Nothing found." in texts(at.info)


def test_export_page_previews_and_offers_both_files(app_db, seeded, zhirnov):
    with session_scope(seeded) as session:
        set_status(session, claim_id=zhirnov, status="False", reviewer="Ann")
    at = open_page("ui/pages/export.py")
    everything = export.rows(seeded)
    preview = at.dataframe[0].value
    # The seeds' 88 claims are more than a preview shows: whole claims, the first to appear.
    first = sorted({r["cluster_id"] for r in everything}, key=lambda c: (first_seen_of(seeded)[c], c))[:50]
    assert set(preview["cluster_id"]) == set(first)
    assert len(preview) == sum(r["cluster_id"] in first for r in everything) < len(everything)
    assert f"of {len(everything)}" in at.caption[0].value
    assert [b.label for b in at.get("download_button")] == ["Download CSV", "Download ClaimReview JSON-LD"]
    at.multiselect(key="export_status").select("False").run()
    preview = at.dataframe[0].value
    assert list(preview.columns) == export.CSV_COLUMNS
    assert set(preview["cluster_id"]) == {zhirnov} and len(preview) == 2


def first_seen_of(engine) -> dict:
    with Session(engine) as session:
        return {s.claim.id: s.claim.first_seen for s in crud.claim_summaries(session)}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_ingest_page_reports_each_document(empty_db):
    at = open_page("ui/pages/ingest.py")
    assert EMPTY in texts(at.info)
    article = seed("001")
    at.file_uploader[0].upload(article.name, article.read_bytes(), "text/plain").upload(
        "empty.txt", b"", "text/plain"
    )
    url = f"http://127.0.0.1:{_closed_port()}/article"
    at.text_area[0].set_value(url)
    at.button[0].click().run()
    assert not at.exception
    assert "Ingested 1, skipped 0, failed 2." in texts(at.success)
    errors = texts(at.error)
    assert "empty.txt — empty file" in errors
    assert any(e.startswith(url) and "refused: 127.0.0.1 resolves to a private or local" in e for e in errors)
    report = at.dataframe[0].value
    assert dict(zip(report["document"], report["outcome"])) == {
        article.name: "ingested",
        "empty.txt": "failed",
        url: "failed",
    }
    assert EMPTY not in texts(at.info)
    # the article is stored under the uploaded file's name, not the temporary folder it sat in
    with sqlite3.connect(empty_db) as db:
        assert db.execute("select document from article").fetchall() == [(article.name,)]
    at.switch_page("ui/pages/queue.py").run()
    assert any(ZHIRNOV in text for text in at.dataframe[0].value["claim"])


@pytest.mark.slow
def test_ingest_page_extracts_a_stored_article_again(empty_db):
    at = open_page("ui/pages/ingest.py")
    article = seed("001")
    at.file_uploader[0].upload(article.name, article.read_bytes(), "text/plain")
    at.button[0].click().run()
    at.file_uploader[0].upload(article.name, article.read_bytes(), "text/plain")
    at.checkbox[0].check()
    at.button[0].click().run()
    assert not at.exception
    assert "Ingested 0, skipped 0, failed 0." in texts(at.success)
    assert any(text.startswith("Extracted 1 stored articles again:") for text in texts(at.info))
    assert list(at.dataframe[0].value["outcome"]) == ["reextracted"]


def test_every_page_greets_an_empty_database(empty_db):
    at = open_page()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert EMPTY in texts(at.info), page


# --- rendering helpers -------------------------------------------------------


def test_context_is_escaped_and_marks_the_claim():
    text = "Headline\n\nHe said <b>*this*</b> & more. Then left.\nNext paragraph."
    start = text.index("<b>")
    html = highlighted_context(text, start, start + len("<b>*this*</b>"))
    assert html == "<p>He said <mark>&lt;b&gt;*this*&lt;/b&gt;</mark> &amp; more. Then left.</p>"


def test_long_paragraphs_are_cut_around_the_claim():
    text = "x" * 5000 + " the claim " + "y" * 5000
    start = text.index("the claim")
    html = highlighted_context(text, start, start + len("the claim"))
    assert html.startswith("<p>…x") and html.endswith("y…</p>") and "<mark>the claim</mark>" in html
    assert len(html) < MAX_CONTEXT + 50


# --- speakers ----------------------------------------------------------------


def _speaker_ids(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {s.speaker.name: s.speaker.id for s in crud.speaker_summaries(session)}


def test_speakers_page_lists_speakers_with_counts(app_db, seeded):
    at = open_page("ui/pages/speakers.py")
    assert at.title[0].value == "Speakers"
    table = at.dataframe[0].value
    assert list(table.columns) == ["id", "name", "kind", "aliases", "mentions", "articles"]
    lavrov = table[table["name"] == "Sergei Lavrov"].iloc[0]
    assert "sergey lavrov" in lavrov["aliases"] and lavrov["mentions"] > 0 and lavrov["articles"] >= 2
    assert "No speakers were split yet." in texts(at.caption)


def test_merging_speakers_on_the_page(app_db, seeded):
    ids = _speaker_ids(seeded)
    at = open_page("ui/pages/speakers.py", reviewer="Ann")
    at.multiselect(key="merge_from").select(ids["Russia"])
    at.selectbox(key="merge_into").select(ids["Russian Foreign Ministry"])
    at.button(key="merge_go").click().run()
    assert not at.exception
    assert "Merged Russia into Russian Foreign Ministry." in texts(at.success)
    table = at.dataframe[0].value
    assert "Russia" not in set(table["name"])
    assert "russia" in table[table["name"] == "Russian Foreign Ministry"].iloc[0]["aliases"]
    changes = at.dataframe[1].value
    assert changes.iloc[0][["action", "old", "new", "reviewer"]].tolist() == [
        "merge",
        "Russia",
        "Russian Foreign Ministry",
        "Ann",
    ]
    assert "Russia" not in _speaker_ids(seeded)


def test_merging_into_itself_or_without_a_name_is_refused(app_db, seeded):
    ids = _speaker_ids(seeded)
    at = open_page("ui/pages/speakers.py")
    at.multiselect(key="merge_from").select(ids["Russia"])
    at.selectbox(key="merge_into").select(ids["Russian Foreign Ministry"])
    at.button(key="merge_go").click().run()
    assert any("Reviewer name" in w for w in texts(at.warning))
    at.sidebar.text_input(key="reviewer").set_value("Ann")
    at.multiselect(key="merge_from").select(ids["Russian Foreign Ministry"])
    at.button(key="merge_go").click().run()
    assert any("cannot merge Russian Foreign Ministry into itself" in e for e in texts(at.error))
    assert "Russia" in _speaker_ids(seeded)


def test_splitting_a_speaker_on_the_page(app_db, seeded):
    ids = _speaker_ids(seeded)
    lavrov = ids["Sergei Lavrov"]
    with Session(seeded) as session:
        sergey = [
            r.mention.id
            for r in crud.mention_rows(session, speaker_id=lavrov)
            if "Sergey Lavrov" in r.article.text
        ]
    at = open_page("ui/pages/speakers.py", reviewer="Ann")
    at.selectbox(key="split_from").select(lavrov).run()
    at.multiselect(key=f"split_aliases_{lavrov}").select("sergey lavrov")
    for mention_id in sergey:
        at.multiselect(key=f"split_mentions_{lavrov}").select(mention_id)
    at.text_input(key="split_name").set_value("Sergey Lavrov")
    at.button(key="split_go").click().run()
    assert not at.exception
    assert "Split “Sergey Lavrov” off Sergei Lavrov; the two are kept apart from now on." in texts(at.success)
    table = at.dataframe[0].value.set_index("name")
    assert table.loc["Sergey Lavrov", "mentions"] == len(sergey)
    assert "sergey lavrov" not in table.loc["Sergei Lavrov", "aliases"]
    assert any("Sergei Lavrov ≠ Sergey Lavrov" in m for m in texts(at.text))  # names as text, not Markdown


def test_renaming_a_speaker_on_the_page(app_db, seeded):
    ids = _speaker_ids(seeded)
    at = open_page("ui/pages/speakers.py", reviewer="Ann")
    at.selectbox(key="rename_which").select(ids["Russia"])
    at.text_input(key="rename_name").set_value("Vladimir Putin")
    at.button(key="rename_go").click().run()
    assert any("merge the two instead" in e for e in texts(at.error))
    at.text_input(key="rename_name").set_value("Ministry of Foreign Affairs of Russia")
    at.button(key="rename_go").click().run()
    assert (
        "Renamed Russia to “Ministry of Foreign Affairs of Russia”; the old name stays a spelling of it."
        in texts(at.success)
    )
    assert "Ministry of Foreign Affairs of Russia" in set(at.dataframe[0].value["name"])


def test_queue_sorts_by_check_worthiness(app_db):
    at = open_page()
    at.radio(key="queue_sort").set_value("checkworthiness").run()
    table = at.dataframe[0].value
    scores = table["check-worthiness"].tolist()
    assert scores == sorted(scores, reverse=True) and 0 < scores[-1] <= scores[0] <= 1


# --- extraction feedback on the claim page ----------------------------------

MISSED = "Then Moscow struggled to evacuate its embassy under fire after a disastrous decade-long war."


def test_claim_page_explains_each_mention(app_db, zhirnov):
    at = open_page("ui/pages/claim.py", claim_id=zhirnov)
    why = [e for e in at.expander if e.label.startswith("Why this was taken (check-worthiness")]
    assert len(why) == 2
    shown = texts(why[0].markdown)
    assert any("Taken by the extraction rules" in m for m in shown)
    assert any("- sentence meaning (embedding): " in m for m in shown), shown


@pytest.mark.slow
def test_dropping_a_mention_after_confirming(app_db, seeded, zhirnov):
    with Session(seeded) as session:
        first, second = crud.mention_rows(session, claim_id=zhirnov)
    at = open_page("ui/pages/claim.py", claim_id=zhirnov, reviewer="Ann")
    at.button(key=f"drop_{first.mention.id}").click().run()
    assert any("Drop this mention as not a claim?" in w for w in texts(at.warning))
    at.button(key=f"drop_no_{first.mention.id}").click().run()
    assert f"drop_{first.mention.id}" in [b.key for b in at.button]  # cancelled: nothing changed
    at.button(key=f"drop_{first.mention.id}").click().run()
    at.button(key=f"drop_yes_{first.mention.id}").click().run()
    assert not at.exception
    assert "Dropped: not a claim. This is remembered for the next retraining." in texts(at.success)
    assert dict(zip([m.label for m in at.metric], texts(at.metric)))["Mentions"] == "1"
    history = history_of(at)
    assert ["mention", "dropped: not a claim", "Ann"] in history[["field", "new", "reviewer"]].values.tolist()
    assert second.mention.text in at.html[0].value  # the claim is now headed by the mention left
    with Session(seeded) as session:
        assert [r.mention.id for r in crud.mention_rows(session, claim_id=zhirnov)] == [second.mention.id]
        assert [(f.text, f.label, f.reviewer) for f in crud.feedback_rows(session)] == [
            (first.mention.text, 0, "Ann")
        ]
    at.button(key=f"drop_{second.mention.id}").click().run()
    at.button(key=f"drop_yes_{second.mention.id}").click().run()
    assert not at.exception
    assert "Mentions" in [m.label for m in at.metric]  # reviewed (history): the emptied claim is kept
    assert "This claim has no mentions left: they were linked into other claims." in texts(at.info)


def _article_id(engine, name: str) -> int:
    with Session(engine) as session:
        return next(i for i, doc, _ in crud.article_choices(session) if doc.endswith(name))


def test_a_missed_claim_is_looked_for_in_the_claims_articles_first(app_db, seeded, zhirnov):
    with Session(seeded) as session:
        own = list(dict.fromkeys(r.article.id for r in crud.mention_rows(session, claim_id=zhirnov)))
        every = crud.article_choices(session)
        short = crud.article_choices(session, first=own, limit=1)
    assert [i for i, _, _ in short] == own + [next(i for i, _, _ in every if i not in own)]
    at = open_page("ui/pages/claim.py", claim_id=zhirnov, reviewer="Ann")
    assert at.selectbox(key="add_article").value == own[0]


def test_adding_a_missed_claim_by_pasting_its_text(app_db, seeded, zhirnov):
    article = _article_id(seeded, "003_136cd665c0aaefab.txt")
    at = open_page("ui/pages/claim.py", claim_id=zhirnov, reviewer="Ann")
    at.selectbox(key="add_article").select(article).run()
    assert MISSED in at.text_area(key=f"add_source_{article}").value
    at.text_area(key="add_text").set_value("struggled to evacuate its consulate")  # not in the article
    at.button(key="add_go").click().run()
    assert any("is not in the article" in e for e in texts(at.error))
    at.text_area(key="add_text").set_value(MISSED.replace(" its ", "\n its  "))
    at.text_input(key="add_speaker").set_value("Dmitry Zhirnov")
    at.text_input(key="add_venue").set_value("Ekho Moskvy")
    at.button(key="add_go").click().run()
    assert not at.exception
    assert any(s.startswith("Added as a claim: “Then Moscow struggled") for s in texts(at.success))
    assert any(i.startswith("It starts tracked claim #") for i in texts(at.info))
    assert at.text_area(key="add_text").value == ""
    with Session(seeded) as session:
        (row,) = [r for r in crud.mention_rows(session, article_id=article) if r.mention.text == MISSED]
        assert [(f.text, f.label) for f in crud.feedback_rows(session)] == [(MISSED, 1)]
    assert (row.speaker, row.mention.venue, row.mention.attribution.value) == (
        "Dmitry Zhirnov",
        "Ekho Moskvy",
        "reported speech",
    )


@pytest.mark.slow
def test_adding_a_missed_claim_by_choosing_a_sentence(app_db, seeded, zhirnov):
    article = _article_id(seeded, "003_136cd665c0aaefab.txt")
    at = open_page("ui/pages/claim.py", claim_id=zhirnov, reviewer="Ann")
    at.selectbox(key="add_article").select(article).run()
    at.radio(key="add_how").set_value("Choose a sentence").run()
    box = at.selectbox(key=f"add_sentence_{article}")
    span = next(option for option in box.options if option.startswith("Then Moscow struggled"))
    box.select(span)  # options are shown as text; selecting by the text shown picks the span
    at.selectbox(key="add_attribution").select("outlet's own")
    at.button(key="add_go").click().run()
    assert not at.exception
    assert any(s.startswith("Added as a claim") for s in texts(at.success))
    with Session(seeded) as session:
        (row,) = [r for r in crud.mention_rows(session, article_id=article) if r.mention.text == MISSED]
    assert row.speaker is None and row.mention.attribution.value == "outlet's own"
