"""Ingesting files, folders, HTML and URLs; boilerplate; bad input; duplicates."""

from __future__ import annotations

import re
import shutil

import pytest
from sqlmodel import Session, select

from claims.ingest.pipeline import ingest
from claims.ingest.sources import IngestError, load
from claims.text.clean import remove_boilerplate
from db import crud
from db.models import Article, LinkSuggestion, Mention, TrackedClaim
from tests.conftest import DEMO, SEEDS, seed

BOILERPLATE = [
    "Support The Moscow Times!",
    "Your support can help us fill the gap.",
    "Our journalism is banned in Russia. We need your help",
    "Sign up for our free weekly newsletter",
    "Subscribers agree to the Privacy Policy",
    "A Message from The Moscow Times",
    "Russia's Prosecutor General's Office has designated The Moscow Times",
    "By supporting The Moscow Times",
    "MFA Russia / flickr",
    "AP Photo/Alexander Zemlianichenko",
    "Press Association Images",
    "Share this article",
    "Want us to email you top stories",
    "Download our Apps",
    "Please enter your comment!",
    "Please enter your name here",
    "protected by reCAPTCHA",
    "Also, Read| New Addition To The Curriculum",
    "Remind me later.",
]


def test_no_boilerplate_line_becomes_a_claim(seeded):
    with Session(seeded) as session:
        texts = [m.text for m in session.exec(select(Mention)).all()]
        articles = session.exec(select(Article)).all()
    assert len(texts) > 40
    for line in BOILERPLATE:
        assert not any(line.lower() in t.lower() for t in texts), line
    for article in articles:
        for line in BOILERPLATE:
            assert line not in article.text, (article.document, line)


def test_photo_caption_with_agency_credit_is_dropped():
    cleaned = remove_boilerplate(seed("001").read_text())
    assert not any(line.endswith("Afghanistan. TASS") for line in cleaned.text.split("\n"))
    assert "Ambassador Dmitry Zhirnov told Russian state media" in cleaned.text


def test_outlet_title_from_the_text():
    article = load(str(seed("000")))
    assert article.outlet == "The Moscow Times"
    assert article.title == "Russia Hails 'Positive Signal' From Taliban"
    assert load(str(seed("004"))).outlet == "Kubha News"
    assert load(str(seed("002"))).outlet == "Associated Press"
    assert load(str(seed("002")), outlet="AP via Square1").outlet == "AP via Square1"


def test_reingest_adds_nothing(seeded):
    with Session(seeded) as session:
        before = crud.counts(session)
    report = ingest(seeded, [str(SEEDS)])
    assert [r.status for r in report.results] == ["skipped"] * 5
    assert all("already ingested" in r.reason for r in report.results)
    with Session(seeded) as session:
        assert crud.counts(session) == before


def test_bad_files_are_reported_by_name_and_the_rest_ingests(engine, tmp_path, embedder):
    batch = tmp_path / "batch"
    batch.mkdir()
    for good in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(good, batch)
    (batch / "empty.txt").write_text("")
    (batch / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (batch / "latin1.txt").write_bytes(
        "Le ministre a déclaré que la situation était stable.".encode("latin-1")
    )
    report = ingest(engine, [str(batch)], embedder=embedder)
    failed = {r.document.split("/")[-1]: r.reason for r in report.failed}
    assert failed["empty.txt"] == "empty file"
    assert failed["photo.txt"] == "binary file, not text"
    assert "not UTF-8" in failed["latin1.txt"]
    assert len(report.ingested) == 2
    assert not report.ok
    with Session(engine) as session:
        assert crud.counts(session)["articles"] == 2


def test_missing_path_and_unsupported_type(engine, tmp_path, embedder):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    report = ingest(engine, [str(tmp_path / "nope.txt"), str(pdf)], embedder=embedder)
    reasons = {r.document: r.reason for r in report.failed}
    assert reasons[str(tmp_path / "nope.txt")] == "no such file or folder"
    assert "unsupported file type '.pdf'" in reasons[str(pdf)]


def test_url_whose_host_is_not_found_says_so():
    with pytest.raises(IngestError) as error:
        load("http://nowhere.invalid/story.html")  # .invalid never resolves (RFC 2606)
    assert error.value.document == "http://nowhere.invalid/story.html"
    assert error.value.reason.startswith("host not found (nowhere.invalid)")


def test_html_article_with_metadata(engine, tmp_path, embedder):
    page = tmp_path / "story.html"
    page.write_text(
        """<!doctype html><html><head><title>Ferries doubled, minister says | Harbour Gazette</title>
        <meta property="og:site_name" content="Harbour Gazette">
        <meta property="article:published_time" content="2025-03-04T09:00:00Z"></head>
        <body><nav>Home | World | Sport</nav>
        <article><h1>Ferries doubled, minister says</h1>
        <p>Transport Minister Elena Markovic said on Tuesday that ferry crossings on the Sorrel Strait had doubled since the bridge closed in March.</p>
        <p>"Not a single sailing has been cancelled since the closure of the bridge," Markovic told Radio Valdora.</p>
        <p>The opposition leader Tomas Brandt said waiting times at the terminal had tripled in the same period.</p>
        </article>
        <div class="newsletter">Sign up for our newsletter and get the top stories in your inbox.</div>
        <footer>© 2025 Harbour Gazette. All rights reserved.</footer></body></html>""",
        encoding="utf-8",
    )
    report = ingest(engine, [str(page)], embedder=embedder)
    assert report.ok, report.failed
    with Session(engine) as session:
        article = session.exec(select(Article)).one()
        rows = crud.mention_rows(session)
    assert article.published.isoformat() == "2025-03-04"
    assert "Harbour Gazette" in (rows[0].outlet or "")
    assert "newsletter" not in article.text and "All rights reserved" not in article.text
    quote = [r for r in rows if r.mention.text.startswith("Not a single sailing")]
    assert quote and quote[0].speaker == "Elena Markovic" and quote[0].mention.venue == "Radio Valdora"


def test_failed_article_leaves_stored_data_intact(seeded, tmp_path, embedder):
    """An article whose transaction fails is rolled back whole; earlier articles stay."""
    from sqlalchemy import event

    with Session(seeded) as session:
        before = crud.counts(session)
    story = tmp_path / "new.txt"
    story.write_text(
        "Harbour Party leader Tomas Brandt said on Monday that ferry fares had risen by forty percent since March.\n"
    )

    def refuse(conn, cursor, statement, *args):
        if statement.startswith("INSERT INTO mention"):
            raise RuntimeError("disk full")

    event.listen(seeded, "before_cursor_execute", refuse)
    try:
        report = ingest(seeded, [str(story)], embedder=embedder)
    finally:
        event.remove(seeded, "before_cursor_execute", refuse)
    assert report.failed and "disk full" in report.failed[0].reason
    with Session(seeded) as session:
        assert crud.counts(session) == before
        assert not re.search("ferry fares", " ".join(a.text for a in session.exec(select(Article)).all()))


@pytest.mark.slow
def test_a_role_learnt_in_one_ingest_names_the_speaker_in_the_next(engine, embedder):
    demo = DEMO
    earlier = sorted(str(p) for p in demo.iterdir() if p.name < "10")
    assert ingest(engine, earlier, embedder=embedder).ok
    # Article 10 only says "the transport minister told Radio Valdora"; her name is in the articles before.
    assert ingest(engine, [str(demo / "10_sorrel_evening_post.txt")], embedder=embedder).ok
    with Session(engine) as session:
        (row,) = [r for r in crud.mention_rows(session) if "twice as many sailings" in r.mention.text]
        assert row.speaker == "Elena Markovic"
        speaker = crud.get_speaker(session, speaker_id=row.mention.speaker_id)
        assert {"transport", "minister"} <= set(speaker.titles.split()) and speaker.pronoun == "she"
        assert not set(speaker.titles.split()) & {"the", "of", "said", "told", "says"}, (
            speaker.titles
        )  # the frame's words are not titles


def test_an_article_is_stored_when_another_ingest_regrouped_the_claims_it_read(engine, embedder):
    """Two ingests at once: this one read the stored vectors, then the other's relinking replaced the
    tracked claims they pointed to. The article is still stored, each mention on a claim that exists."""
    from claims.config import settings
    from claims.ingest.sources import from_text
    from claims.ingest.store import extract_mentions, load_book, load_linker, store_article
    from db.session import session_scope

    assert ingest(engine, [str(DEMO / "01_valdora_herald.txt")], embedder=embedder).ok
    with Session(engine) as session:
        book = load_book(session)
        linker = load_linker(session, embedder.dimension, settings())
    with session_scope(engine) as session:  # the other ingest's relinking, as it lands
        for suggestion in session.exec(select(LinkSuggestion)).all():
            session.delete(suggestion)
        old = session.exec(select(TrackedClaim)).all()
        for mention in session.exec(select(Mention)).all():
            fresh = TrackedClaim(canonical_text=mention.text)
            session.add(fresh)
            session.flush()
            mention.claim_id = fresh.id
            session.add(mention)
        session.flush()
        for claim in old:
            session.delete(claim)
    article = from_text((DEMO / "02_coastline_news.txt").read_text(), document="02_coastline_news.txt")
    [(mentions, vectors)] = extract_mentions([article], book=book, embedder=embedder)
    assert (linker.claim_ids > 0).all() and mentions
    with session_scope(engine) as session:
        store_article(session, article, "digest-02", mentions, vectors, book, linker)
    with Session(engine) as session:
        claims = {c.id for c in session.exec(select(TrackedClaim)).all()}
        stored = session.exec(select(Mention)).all()
    assert len(stored) > len(mentions) and all(m.claim_id in claims for m in stored)


def test_an_acronym_and_a_clipped_name_are_the_organisation_they_stand_for(engine, tmp_path, embedder):
    texts = {
        "a.txt": "The World Health Organization said on Saturday that 16,000 cases had been reported in 75 countries.\n\n"
        "The Federal Reserve said on Friday that it would raise interest rates by 75 basis points.",
        "b.txt": "WHO said the risk of the outbreak spreading further in Europe was high this summer.\n\n"
        "The Fed said inflation was running at 8.5% in July, far above its target of 2%.\n\n"
        "Russia said the talks in Moscow had brought the sides closer to an agreement on trade.\n\n"
        "The Russian Foreign Ministry said the talks would resume in the autumn in Kazan.",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert ingest(engine, [str(tmp_path / n) for n in texts], embedder=embedder).ok
    with Session(engine) as session:
        speakers = sorted({r.speaker for r in crud.mention_rows(session) if r.speaker})
    assert speakers == ["Federal Reserve", "Russia", "Russian Foreign Ministry", "World Health Organization"]


def test_one_bar_follows_the_whole_ingest_with_the_time_left(engine, embedder):
    steps = []
    report = ingest(engine, [str(seed("001")), str(seed("002"))], embedder=embedder, progress=steps.append)
    assert report.ok
    fractions = [s.fraction for s in steps]
    assert fractions[0] == 0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    stages = list(dict.fromkeys(s.stage for s in steps))
    assert stages == ["extract", "encode", "store", "search"]  # the bar moves in every stage, in order
    assert steps[0].seconds_left is None and steps[-1].seconds_left == 0
    assert any(s.seconds_left for s in steps)
    stored = [s.describe(lambda document: document.rsplit("/", 1)[-1]) for s in steps if s.stage == "store"]
    assert stored[-1].startswith("Storing: 2 of 2 articles (002_") and "left" in stored[-1]
