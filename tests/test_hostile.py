"""Hostile and concurrent use: each finding of the probe is a named test here."""

from __future__ import annotations

import gzip
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from collections import Counter
from contextlib import closing, contextmanager, nullcontext
from pathlib import Path

import numpy as np
import pytest
from sqlmodel import Session, select

from claims.eval.reliability import claims_of, cli, new_claims, review_edits, split_in_two
from db import crud
from db.models import History
from db.session import get_engine
from tests.conftest import DEMO, ROOT, SEEDS, seed


def test_concurrent_verdict_saves_lose_no_update(tmp_path):
    """Finding 1: four processes save verdicts on two claims at once. Every save is accepted, moving
    the version on by exactly one, or refused as a conflict; none silently overwrites another."""
    path = tmp_path / "claims.db"
    claim_ids = new_claims(str(path), 2)
    processes, edits = 4, 50
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        runs = pool.starmap(
            review_edits, [(str(path), f"reviewer {p}", claim_ids, edits) for p in range(processes)]
        )
    outcomes = [o for run in runs for o in run]
    assert len(outcomes) == processes * edits
    saved = [(claim_id, seen) for claim_id, seen, what in outcomes if what == "saved"]
    assert saved, "no save went through"
    assert [pair for pair, n in Counter(saved).items() if n > 1] == []  # two saves from one version
    engine = get_engine(path)
    with Session(engine) as session:
        for claim_id in claim_ids:
            accepted = sum(1 for c, _ in saved if c == claim_id)
            assert crud.get_claim(session, claim_id=claim_id).version == 1 + accepted
            history = session.exec(select(History).where(History.claim_id == claim_id)).all()
            assert len(history) == accepted
            # the history replays into the stored status: each save starts where the last one ended
            ordered = sorted(history, key=lambda h: h.id)
            assert all(a.new == b.old for a, b in zip(ordered, ordered[1:]))
            assert ordered[-1].new == crud.get_claim(session, claim_id=claim_id).status.value
    engine.dispose()


# --- finding 4 and 5: one big article kills the batch; no limit on article size ------------------


@pytest.mark.slow
def test_an_oversized_file_fails_alone_with_its_limit_named(tmp_path):
    """A folder of two good articles, a 1.6 MB article and a 6 MB one: the good ones are stored,
    each big one gets its own FAILED line naming the limit, and nothing prints a traceback."""
    from typer.testing import CliRunner

    from claims.cli import app

    folder = tmp_path / "batch"
    folder.mkdir()
    for good in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(good, folder)
    # Paragraphs that differ, so none is dropped as a repeat: the cleaned text stays long.
    paragraphs = (
        f"On day {i} the harbour authority counted {i * 7} ferry crossings, it said." for i in range(10**6)
    )
    for name, size in [("long.txt", 1_600_000), ("huge.txt", 6_000_000)]:
        text, length = ["Harbour report"], 0
        while length < size:
            text.append(next(paragraphs))
            length += len(text[-1]) + 2
        (folder / name).write_text("\n\n".join(text))
    db = tmp_path / "claims.db"
    result = CliRunner().invoke(app, ["--db", str(db), "ingest", str(folder)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "2 ingested, 0 skipped, 2 failed" in result.output
    failed = [line for line in result.output.splitlines() if line.startswith("FAILED")]
    assert any(
        "long.txt" in line and "over the limit of 300,000 (CLAIMS_MAX_CHARS)" in line for line in failed
    )
    assert any(
        "huge.txt" in line and "over the limit of 5,000,000 (CLAIMS_MAX_FILE_BYTES)" in line
        for line in failed
    )
    engine = get_engine(db)
    with Session(engine) as session:
        assert crud.counts(session)["articles"] == 2
    engine.dispose()


def test_the_limits_follow_the_settings(tmp_path, monkeypatch):
    from claims.ingest.sources import IngestError, load

    page = tmp_path / "story.txt"
    page.write_text("Ferry report\n\nThe minister said crossings had doubled. " * 20)
    monkeypatch.setenv("CLAIMS_MAX_CHARS", "100")
    try:
        load(str(page))
    except IngestError as error:
        assert "over the limit of 100 (CLAIMS_MAX_CHARS)" in error.reason
    else:
        raise AssertionError("a text over CLAIMS_MAX_CHARS was loaded")
    monkeypatch.setenv("CLAIMS_MAX_CHARS", "300000")
    assert load(str(page)).text
    monkeypatch.setenv("CLAIMS_MAX_SENTENCES", "10")
    page.write_text("Ferry report\n\n" + " ".join(f"Crossings rose by {n} percent." for n in range(20)))
    try:
        load(str(page))
    except IngestError as error:
        assert "about 20 sentences, over the limit of 10 (CLAIMS_MAX_SENTENCES)" in error.reason
    else:
        raise AssertionError("a text over CLAIMS_MAX_SENTENCES was loaded")


def test_a_long_article_is_read_in_parts_and_finds_what_one_reading_finds():
    """Finding 5: a long article is parsed a part at a time, so its memory stays bounded (the figures
    are in docs/BENCHMARKS.md, `bench/reliability.py sizes`); who said what carries across parts."""
    from claims.extract.detect import extract
    from claims.ingest.sources import load
    from claims.text.sentences import parts

    text = "\n\n".join(load(str(path)).text for path in sorted(SEEDS.glob("*.txt")))
    pieces = list(parts(text, 2_000))
    assert len(pieces) > 5 and all(len(piece) <= 2_000 for _, piece in pieces)
    assert "".join(piece for _, piece in pieces) == text
    whole = extract(text, part_chars=len(text))
    in_parts = extract(text, part_chars=2_000)
    found = lambda mentions: {(m.start, m.end, m.attribution.speaker) for m in mentions}
    assert all(text[m.start : m.end] == m.text for m in in_parts)
    # Parts end between paragraphs, so a claim is never cut; only a name that resolves across a part
    # boundary may differ.
    assert len(found(whole) & found(in_parts)) >= 0.95 * len(found(whole))
    assert {(m.start, m.end) for m in whole} == {(m.start, m.end) for m in in_parts}


# --- findings 2 and 3: two ingests at once; an ingest killed before its refresh ------------------


@pytest.mark.slow
def test_two_ingests_at_once_store_every_article_and_group_them_as_one_would(tmp_path, embedder):

    from claims.ingest.pipeline import ingest

    halves = split_in_two(DEMO, tmp_path)
    db = tmp_path / "claims.db"
    get_engine(db).dispose()  # migrated before the race, as a workbench in use is
    runs = [cli(db, "ingest", half) for half in halves]
    outputs = [run.communicate(timeout=900) for run in runs]
    for run, (out, err) in zip(runs, outputs):
        assert run.returncode == 0, err[-3000:]
        assert "Traceback" not in err and " 0 failed" in out
    together = tmp_path / "together.db"
    engine = get_engine(together)
    assert ingest(engine, [str(DEMO)], embedder=embedder).ok
    engine.dispose()
    assert claims_of(db) == claims_of(together)


@pytest.mark.slow
def test_an_ingest_killed_before_its_refresh_is_finished_by_the_rerun(tmp_path, seeded_template):
    """Killed (SIGKILL) once every article is stored but before the clusters and the search index are
    brought up to date: the rerun stores nothing new and finishes that work."""
    from typer.testing import CliRunner

    from claims.cli import app

    db = tmp_path / "claims.db"
    get_engine(db).dispose()
    run = cli(db, "ingest", SEEDS)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and run.poll() is None:
        with closing(sqlite3.connect(db, timeout=30)) as connection:
            stored = connection.execute("SELECT count(*) FROM article").fetchone()[0]
            wanted, done = connection.execute("SELECT wanted, done FROM refresh_state").fetchone()
        if stored == 5 and wanted > done:
            run.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    run.wait(timeout=60)
    assert run.returncode == -signal.SIGKILL, "the ingest ended before it could be killed mid-refresh"
    rerun = CliRunner().invoke(app, ["--db", str(db), "ingest", str(SEEDS)])
    assert rerun.exit_code == 0, rerun.output
    assert "0 ingested, 5 skipped, 0 failed" in rerun.output
    assert "finished an earlier run's refresh" in rerun.output
    assert claims_of(db) == claims_of(seeded_template)
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("SELECT wanted = done FROM refresh_state").fetchone()[0] == 1
        assert (
            connection.execute("SELECT count(*) FROM mention WHERE search_model IS NULL").fetchone()[0] == 0
        )


# --- finding 9: claims dropped as boilerplate by one keyword -----------------------------------

BUDGET_STORY = """NATO budget talks

Germany's contribution to the NATO budget doubled between 2019 and 2024, the finance ministry said.
Donations to the ruling party rose by 40 percent last year, according to the electoral commission.
"We need your donations to rebuild the bridge," the mayor told residents on Tuesday.
Analysts said 2 million households subscribe to the state broadcaster's streaming service.
The court ruled that the privacy policy of the app broke national law.
A Message from The Valdora Herald:
Dear readers,
Your support keeps our reporters in the field. Please consider a monthly contribution.
Donate
Sign up for our free weekly newsletter
This site is protected by reCAPTCHA and the Google Privacy Policy and Terms of Service apply.
"""


def test_a_claim_on_a_furniture_topic_is_kept_and_every_removed_paragraph_is_listed():
    """Finding 9: "contribution", "donations", "subscribe" or "privacy policy" in a sentence of the
    story is no evidence that it is page furniture; the appeal and the sign-up box after it are."""
    from claims.text.clean import remove_boilerplate

    cleaned = remove_boilerplate(BUDGET_STORY)
    story = BUDGET_STORY.split("A Message from")[0].strip().split("\n")
    assert cleaned.text.split("\n\n") == [line for line in story if line]
    removed = [paragraph for paragraph, _ in cleaned.removed]
    assert removed == BUDGET_STORY.split("\n", 7)[-1].strip().split("\n")
    assert all(reason for _, reason in cleaned.removed)


def test_the_removed_paragraphs_are_stored_with_the_article_and_shown_to_reviewers(
    tmp_path, embedder, monkeypatch
):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from claims.ingest.pipeline import ingest

    page = tmp_path / "budget.txt"
    page.write_text(BUDGET_STORY)
    db = tmp_path / "claims.db"
    engine = get_engine(db)
    assert ingest(engine, [str(page)], embedder=embedder).ok
    with Session(engine) as session:
        (row,) = crud.mention_rows(session)[:1]
        article = row.article
    engine.dispose()
    assert "Germany's contribution to the NATO budget doubled" in article.text
    assert [tuple(pair) for pair in article.removed][:2] == [
        ("A Message from The Valdora Herald:", "donation appeal"),
        ("Dear readers,", "donation appeal"),
    ]
    assert len(article.removed) == 6

    monkeypatch.setenv("CLAIMS_DB", str(db))
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["claim_id"] = row.mention.claim_id
    at.run()
    at.switch_page("ui/pages/claim.py").run()
    assert not at.exception, at.exception
    shown = next(d.value for d in at.dataframe if "Paragraph" in d.value.columns)
    assert list(shown["Paragraph"]) == [pair[0] for pair in article.removed]
    assert "donation appeal" in set(shown["Why"])
    st.cache_resource.clear()


# --- findings 11, 12, 14 and 15: clear errors, text read as text, nothing raw reaches a terminal --


@pytest.mark.parametrize("kind", ["a folder", "a text file", "a damaged database"])
def test_a_db_path_that_is_no_database_gets_one_clear_line(tmp_path, kind):
    from typer.testing import CliRunner

    from claims.cli import app

    target = tmp_path / "claims.db"
    if kind == "a folder":
        target.mkdir()
    elif kind == "a text file":
        target.write_text("minutes of the editorial meeting\n" * 50)
    else:
        target.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    result = CliRunner().invoke(app, ["--db", str(target), "stats"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and str(target) in lines[0] and "cannot be opened" in lines[0], result.output


def test_utf16_with_its_byte_order_mark_is_read_as_text(tmp_path):
    from claims.ingest.sources import load

    page = tmp_path / "story.txt"
    text = "Ferry report\n\nThe minister said crossings had doubled since the bridge closed in March."
    page.write_bytes(text.encode("utf-16"))
    assert "crossings had doubled" in load(str(page)).text


def test_control_characters_never_reach_the_store_or_the_terminal(tmp_path, embedder):
    from typer.testing import CliRunner

    from claims.cli import app
    from claims.ingest.pipeline import ingest

    page = tmp_path / "story.txt"
    page.write_text(
        "Harbour report\n\nThe port director said on Monday that ferry crossings \x1b[2J\x1b[31mhad doubled\x07 "
        "since the bridge closed, reaching 180 crossings a week.\n"
    )
    db = tmp_path / "claims.db"
    engine = get_engine(db)
    assert ingest(engine, [str(page)], embedder=embedder).ok
    with Session(engine) as session:
        stored = crud.mention_rows(session)
        article = stored[0].article.text
    engine.dispose()
    assert "had doubled" in article and not any(c in article for c in "\x1b\x07")
    result = CliRunner().invoke(app, ["--db", str(db), "search", "ferry crossings doubled"])
    assert "doubled" in result.output and "\x1b" not in result.output


PIXEL = "![pixel](http://127.0.0.1:9/p.png)"


def raw_markdown(at) -> list[str]:
    """Every Markdown-rendered text on the page that would show ``PIXEL`` as an image."""
    shown = [
        *at.markdown,
        *at.caption,
        *at.success,
        *at.info,
        *at.warning,
        *at.error,
        *at.title,
        *at.subheader,
    ]
    return [e.value for e in shown if "](http://127.0.0.1:9" in e.value and "\\]" not in e.value]


def test_names_and_claims_from_articles_are_shown_as_text_never_as_markdown(tmp_path, embedder, monkeypatch):
    """Finding 13: a Markdown image in a speaker's name or a claim's text would be fetched by every
    reviewer's browser; on the Speakers page and in the "Added as a claim" message it is text."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from claims.ingest.pipeline import ingest
    from claims.review.speakers import rename_speaker, split_speaker
    from db.session import session_scope

    page = tmp_path / "harbour.txt"
    missed = f"A reader posted {PIXEL} under the report about the harbour and its ferries"
    page.write_text(
        "Harbour report\n\nPort director Anna Berg said on Monday that ferry crossings had doubled since "
        "the bridge closed, reaching 180 crossings a week.\n\n"
        "Berg also said the harbour would need 40 more berths by the end of the year.\n\n" + missed + ".\n"
    )
    db = tmp_path / "claims.db"
    engine = get_engine(db)
    assert ingest(engine, [str(page)], embedder=embedder).ok
    with session_scope(engine) as session:
        rows = crud.mention_rows(session)
        speaker_id, claim_id = rows[0].mention.speaker_id, rows[0].mention.claim_id
        rename_speaker(session, speaker_id=speaker_id, new_name=f"{PIXEL} Anna Berg", reviewer="Ann")
        split_speaker(
            session, speaker_id=speaker_id, new_name=f"[{PIXEL}](http://127.0.0.1:9/)", reviewer="Ann",
            mention_ids=[rows[1].mention.id],
        )  # fmt: skip
    engine.dispose()

    monkeypatch.setenv("CLAIMS_DB", str(db))
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["claim_id"] = claim_id
    at.session_state["reviewer"] = "Ann"
    at.run()
    at.switch_page("ui/pages/speakers.py").run()
    assert not at.exception, at.exception
    assert any(PIXEL in e.value for e in at.text), "the kept-apart names are not listed"
    assert raw_markdown(at) == []

    at.switch_page("ui/pages/claim.py").run()
    at.text_area(key="add_text").set_value(missed)
    at.button(key="add_go").click().run()
    assert not at.exception, at.exception
    assert any(e.value.startswith("Added as a claim") for e in at.success), [e.value for e in at.error]
    assert raw_markdown(at) == []
    st.cache_resource.clear()


def test_the_ui_listens_on_this_machine_only_by_default():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "localhost"


def test_the_ui_asks_no_font_server_for_its_icon():
    """Finding 15: Streamlit's front end fetches a ":material/...:" page icon from fonts.gstatic.com
    (its bundled script builds that address); icons inside pages use the font it ships."""
    import ast

    import streamlit

    bundle = "".join(
        p.read_text(errors="ignore") for p in (Path(streamlit.__file__).parent / "static").rglob("index.*.js")
    )
    assert "fonts.gstatic.com/s/i/short-term/release/materialsymbolsrounded" in bundle  # why the rule
    assert list((Path(streamlit.__file__).parent / "static").rglob("MaterialSymbols-Rounded*.woff2"))
    calls = [
        node
        for node in ast.walk(ast.parse((ROOT / "app.py").read_text()))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "set_page_config"
    ]
    (icon,) = [k.value.value for call in calls for k in call.keywords if k.arg == "page_icon"]
    assert not icon.startswith(":"), f"page_icon {icon!r} would be fetched from a font server"


# --- finding 7: a corrupted FAISS cache is trusted ------------------------------------------------


ZHIRNOV_QUERY = "Kabul is safer now than when Ghani ruled"


def first_hit(engine) -> tuple[str, float]:
    from claims.search.hybrid import search

    top = search(engine, ZHIRNOV_QUERY, k=1, mode="dense")[0]
    return top.text, top.score


@pytest.mark.parametrize("damage", ["garbled vectors", "a folder in its place", "an index without ids"])
def test_a_damaged_index_file_is_never_trusted(seeded, damage):
    import faiss

    from claims.embed.index import index_path, rebuild

    rebuild(seeded)
    path = index_path(seeded)
    expected = first_hit(seeded)
    if damage == "garbled vectors":
        data = bytearray(path.read_bytes())
        middle = len(data) // 2
        data[middle : middle + 4096] = b"\x7f" * 4096  # float32 0x7f7f7f7f: about 3e38
        path.write_bytes(bytes(data))
    elif damage == "a folder in its place":
        path.unlink()
        path.mkdir()
    else:
        plain = faiss.IndexFlatIP(384)
        plain.add(np.zeros((1, 384), dtype=np.float32))
        faiss.write_index(plain, str(path))
    os.utime(path)  # newer than the database, as a cache written after it would be
    text, score = first_hit(seeded)
    assert (text, round(score, 4)) == (expected[0], round(expected[1], 4))
    assert -1.0001 <= score <= 1.0001
    if damage != "a folder in its place":  # the cache was written again, and is whole
        from claims.embed.index import checked

        assert checked(seeded, path) is not None


# --- finding 10: fact-check imports answer every malformed file with one line ---------------------

MALFORMED_IMPORTS = {
    "extra fields": (
        "checks.csv",
        "id,text\n1,Masks cause CO2 poisoning,surplus,more\n",
        "line 2: more fields",
    ),
    "a field over the csv limit": (
        "checks.tsv",
        "id\ttext\n1\t" + "x" * 140_000 + "\n",
        "not readable as TSV after line 1 (field larger than field limit",
    ),
    "an unterminated quote": (
        "checks.csv",
        'id,text\n1,"Masks cause CO2 poisoning\n2,5G spreads the virus\n',
        "not readable as CSV",
    ),
    "JSON null": ("checks.json", "null", "found NoneType"),
    "JSON 42": ("checks.json", "42", "found int"),
    "deeply nested JSON": ("checks.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "a non-string claimReviewed": (
        "checks.json",
        '{"@type": "ClaimReview", "claimReviewed": {"text": "Masks cause CO2 poisoning"}}',
        "claimReviewed should be text, found dict",
    ),
    "a non-string url": (
        "checks.json",
        '[{"@type": "ClaimReview", "claimReviewed": "Masks cause CO2 poisoning", "url": 42}]',
        "url should be text, found int",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED_IMPORTS))
def test_a_malformed_fact_check_import_gets_one_line_naming_the_file(tmp_path, case):
    from typer.testing import CliRunner

    from claims.cli import app

    name, content, message = MALFORMED_IMPORTS[case]
    path = tmp_path / name
    path.write_text(content)
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "claims.db"), "factchecks", "import", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # typer's exit, not an error escaping the command
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and str(path) in lines[0] and message in lines[0], result.output


# --- findings 6, 8 and 12: downloads --------------------------------------------------------------

STORY = """<!doctype html><html><head><title>Ferries doubled, minister says</title></head><body>
<nav>Home | World | Sport</nav><article><h1>Ferries doubled, minister says</h1>
<p>Transport Minister Elena Markovic said on Tuesday in Zürich that ferry crossings on the Sorrel Strait
had doubled since the bridge closed in March, reaching 180 crossings a week.</p>
<p>"Not a single sailing has been cancelled since the closure of the bridge," Markovic told Radio
Valdora, adding that the harbour authority would publish its figures on Friday.</p></article></body></html>"""


def _send(handler, body: bytes, *headers: tuple[str, str], status: int = 200) -> None:
    handler.send_response(status)
    for name, value in headers:
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def _trickle(handler, first: bytes, then: bytes, every: float) -> None:
    """Write ``first``, then ``then`` every ``every`` seconds until the client hangs up."""
    try:
        handler.wfile.write(first)
        for _ in range(60):
            handler.wfile.flush()
            time.sleep(every)
            handler.wfile.write(then)
    except OSError:
        pass


def _gzip_of_zeros(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip header, as Content-Encoding wants
    block = bytes(1 << 20)
    return b"".join(packer.compress(block) for _ in range(size >> 20)) + packer.flush()


def _bomb(handler, body: bytes) -> None:
    headers = [
        ("Content-Type", "text/html"),
        ("Content-Encoding", "gzip"),
        ("Content-Length", str(len(body))),
    ]
    _send(handler, body, *headers)


ROUTES = {
    # the good page, in Latin-1 and gzipped, as many servers send it
    "/story": lambda h: _send(
        h,
        gzip.compress(STORY.encode("latin-1")),
        ("Content-Type", "text/html; charset=ISO-8859-1"),
        ("Content-Encoding", "gzip"),
    ),
    "/trickle": lambda h: _trickle(
        h,
        b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body>",
        b"<p>Still loading.</p>\n",
        every=1,
    ),
    "/trickle-headers": lambda h: _trickle(h, b"HTTP/1.0 200 OK\r\n", b"X-Still-Loading: yes\r\n", every=0.3),
    "/big": lambda h: _send(h, b"<p>" + b"x" * 2_000_000 + b"</p>", ("Content-Type", "text/html")),
    "/big-announced": lambda h: _send(
        h, b"<p>x</p>", ("Content-Type", "text/html"), ("Content-Length", "10000000000")
    ),
    "/bomb": lambda h: _bomb(h, _gzip_of_zeros(100 << 20)),
    "/error": lambda h: _send(h, b"<h1>Oops</h1>", ("Content-Type", "text/html"), status=500),
    "/report.pdf": lambda h: _send(h, b"%PDF-1.4\n", ("Content-Type", "application/pdf")),
    "/loop": lambda h: _send(h, b"", ("Location", "/loop"), status=302),
    "/to-this-machine": lambda h: _send(h, b"", ("Location", "http://127.0.0.2/admin"), status=302),
}


@pytest.fixture
def site():
    """A web server on 127.0.0.1 answering ROUTES; ``site.requests`` lists the paths asked for."""
    import http.server
    import threading

    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            ROUTES[self.path](self)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    server.requests = requests
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def fetch_error(url: str, **kwargs) -> str:
    from claims.ingest.sources import IngestError, fetch

    with pytest.raises(IngestError) as error:
        fetch(url, **kwargs)
    assert error.value.document == url
    return error.value.reason


def test_a_local_page_is_fetched_and_read_as_an_article(site):
    """The good case, through the same checks: a gzipped Latin-1 page is decoded as the header says."""
    from claims.ingest.sources import load

    article = load(f"{site.url}/story", allow_private=True)
    assert site.requests == ["/story"]
    assert article.title == "Ferries doubled, minister says"
    assert "in Zürich that ferry crossings" in article.text and "Home | World" not in article.text


@pytest.mark.parametrize("path", ["/trickle", "/trickle-headers"])
def test_a_server_that_trickles_its_page_is_cut_off_at_the_deadline(site, path):
    """Finding 6: one small write a second kept an ingest busy past 300 s. The whole download has
    CLAIMS_FETCH_SECONDS, however the server spreads its bytes over the page or its headers."""
    from claims.config import Settings

    started = time.monotonic()
    reason = fetch_error(f"{site.url}{path}", config=Settings(fetch_seconds=2), allow_private=True)
    elapsed = time.monotonic() - started
    assert reason == "download took longer than 2 s (CLAIMS_FETCH_SECONDS)"
    assert 1.9 < elapsed < 3.5 and site.requests == [path]


def test_the_fetch_deadline_follows_the_settings(site, monkeypatch):
    monkeypatch.setenv("CLAIMS_FETCH_SECONDS", "1.5")
    reason = fetch_error(f"{site.url}/trickle", allow_private=True)
    assert reason == "download took longer than 1.5 s (CLAIMS_FETCH_SECONDS)"


@pytest.mark.parametrize(
    "path, message",
    [
        ("/big", "page over the limit of 1,000,000 bytes (CLAIMS_MAX_FILE_BYTES)"),
        ("/big-announced", "page of 10,000,000,000 bytes, over the limit of 1,000,000 bytes"),
    ],
    ids=["sent", "announced"],
)
def test_a_page_over_the_size_limit_is_refused(site, path, message):
    from claims.config import Settings

    reason = fetch_error(f"{site.url}{path}", config=Settings(max_file_bytes=1_000_000), allow_private=True)
    assert message in reason and "CLAIMS_MAX_FILE_BYTES" in reason


def test_a_gzip_bomb_is_stopped_at_the_size_limit_without_inflating_it(site):
    """100 MB of zeros in 100 KB of gzip: the decoded bytes count, and only about the limit is ever
    held in memory."""
    import tracemalloc

    from claims.config import Settings

    _gzip_of_zeros(1 << 20)  # zlib's own buffers, allocated before measuring
    tracemalloc.start()
    try:
        reason = fetch_error(
            f"{site.url}/bomb", config=Settings(max_file_bytes=1_000_000), allow_private=True
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert site.requests == ["/bomb"]
    # not the up-front check: the Content-Length of the 100 KB sent is under the limit, the 100 MB are not
    assert reason == "page over the limit of 1,000,000 bytes (CLAIMS_MAX_FILE_BYTES)"
    assert peak < 20_000_000, f"{peak:,} bytes held while reading a 1 MB-limited gzip bomb"


@pytest.mark.parametrize(
    "path, message",
    [
        ("/error", "the server answered HTTP 500 Internal Server Error"),
        ("/report.pdf", "not an HTML page (application/pdf)"),
        ("/loop", "more than 5 redirects"),
    ],
    ids=["HTTP 500", "a PDF", "a redirect loop"],
)
def test_what_the_server_answered_is_said_in_one_line(site, path, message):
    assert fetch_error(f"{site.url}{path}", allow_private=True) == message
    assert site.requests[0] == path


def test_a_closed_port_reads_as_connection_refused_not_no_network():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    reason = fetch_error(f"http://127.0.0.1:{port}/story", allow_private=True)
    assert reason == f"connection refused by 127.0.0.1 port {port}"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_an_address_on_this_machine_is_refused_and_named(site, host):
    """Finding 12: a URL on this machine (or a private network) is refused before any request, with
    the address it resolves to, instead of "no network connection"."""
    url = f"{site.url.replace('127.0.0.1', host)}/story"
    reason = fetch_error(url)
    assert reason.startswith(f"refused: {host} resolves to a private or local address (")
    assert "127.0.0.1" in reason or "::1" in reason
    assert site.requests == []


def test_a_redirect_to_this_machine_is_refused(site, monkeypatch):
    """Every redirect is checked again: the first hop passes (127.0.0.1 counted as public for this
    test only), the redirect to 127.0.0.2 does not."""
    from claims.ingest import fetch as fetcher

    public = fetcher.is_public
    monkeypatch.setattr(fetcher, "is_public", lambda address: address == "127.0.0.1" or public(address))
    reason = fetch_error(f"{site.url}/to-this-machine")
    assert site.requests == ["/to-this-machine"]
    assert reason == (
        "redirected to http://127.0.0.2/admin: "
        "refused: 127.0.0.2 resolves to a private or local address (127.0.0.2)"
    )


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/story.html"])
def test_a_url_other_than_http_is_refused(url):
    from claims.ingest.sources import IngestError, load

    with pytest.raises(IngestError) as error:
        load(url, allow_private=True)
    scheme = url.split(":", 1)[0]
    assert error.value.reason == f"refused: only http and https URLs are fetched, not {scheme}:"


def test_a_self_signed_certificate_is_never_trusted(tmp_path):
    """Finding 8: no fallback to unverified TLS, also for a server allowed by ``allow_private``."""
    import http.server
    import ssl
    import threading

    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", key, "-out", cert,
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    handshakes = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            _send(self, STORY.encode(), ("Content-Type", "text/html"))

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.set_servername_callback(lambda *args: handshakes.append(args))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        for host in ["127.0.0.1", "localhost"]:
            url = f"https://{host}:{server.server_address[1]}/story"
            assert (
                fetch_error(url, allow_private=True)
                == "TLS certificate not trusted (self-signed certificate)"
            )
    finally:
        server.shutdown()
        server.server_close()
    assert handshakes, "the server never saw a TLS handshake"


def test_a_refused_url_gets_one_failed_line_in_the_cli(site, tmp_path):
    from typer.testing import CliRunner

    from claims.cli import app

    url = f"{site.url}/story"
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "claims.db"), "ingest", url])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    failed = [line for line in result.output.splitlines() if line.startswith("FAILED")]
    assert failed == [
        f"FAILED    {url}: refused: 127.0.0.1 resolves to a private or local address (127.0.0.1)"
    ]
    assert "0 ingested, 0 skipped, 1 failed" in result.output
    assert site.requests == []


# --- finding 11: a read-only database -----------------------------------------------------------

READING_COMMANDS = [
    ["stats"],
    ["search", ZHIRNOV_QUERY, "--k", "3"],
    ["export", "--format", "csv"],
    ["export", "--format", "claimreview"],
    ["speakers", "list"],
    ["factchecks", "match", "Kabul is safer under the Taliban"],
    ["feedback", "export"],
]


def as_stored(db) -> tuple:
    """What any write to the database would change: its bytes, its time, a -wal with frames in it."""
    wal = db.with_name(db.name + "-wal")
    return (
        hashlib.sha256(db.read_bytes()).hexdigest(),
        db.stat().st_mtime_ns,
        wal.exists() and wal.stat().st_size > 0,
    )


@contextmanager
def write_protection(folder):
    """No write permission on ``folder`` and its files while the block runs (root is not bound by it)."""
    modes = {path: path.stat().st_mode for path in [folder, *folder.iterdir()]}
    for path in folder.iterdir():
        path.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


@pytest.fixture
def write_protected(seeded_path):
    with write_protection(seeded_path.parent):
        yield seeded_path


@pytest.mark.parametrize("command", READING_COMMANDS, ids=" ".join)
def test_reading_commands_read_a_write_protected_database_and_write_nothing(write_protected, command):
    from typer.testing import CliRunner

    from claims.cli import app

    before = as_stored(write_protected)
    result = CliRunner().invoke(app, ["--db", str(write_protected), *command])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert as_stored(write_protected) == before


def test_the_read_only_engine_cannot_write_even_for_root(seeded_path):
    from sqlalchemy.exc import OperationalError

    before = as_stored(seeded_path)
    engine = get_engine(seeded_path, read_only=True)
    with Session(engine) as session:
        assert crud.counts(session)["mentions"] > 0
    with pytest.raises(OperationalError, match="readonly"), engine.begin() as connection:
        connection.exec_driver_sql("UPDATE tracked_claim SET status = 'false'")
    engine.dispose()
    assert as_stored(seeded_path) == before


@pytest.fixture
def read_only_folder(seeded_path):
    """Runs the CLI on the seeded database in a folder it may not write: by permissions, or for root,
    whom they do not bind, on a read-only bind mount in the command's own mount namespace."""
    folder = seeded_path.parent
    prefix = []
    if os.geteuid() == 0:
        if not shutil.which("unshare") or subprocess.run(["unshare", "--mount", "true"]).returncode != 0:
            pytest.skip(
                "running as root, whom only a read-only mount binds, and unshare --mount is not allowed"
            )
        prefix = ["unshare", "--mount", "sh", "-c", 'mount --bind -o ro "$0" "$0" && exec "$@"', str(folder)]

    def run(*args) -> subprocess.CompletedProcess:
        command = [*prefix, sys.executable, "-m", "claims", "--db", str(seeded_path), *map(str, args)]
        env = {**os.environ, "HF_HUB_OFFLINE": "1"}
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)

    with nullcontext() if prefix else write_protection(folder):
        yield run


def test_a_database_in_a_read_only_folder_is_read_and_backed_up(
    read_only_folder, seeded_path, tmp_path_factory
):
    from db.session import connect_read_only

    before = as_stored(seeded_path)
    with closing(connect_read_only(seeded_path)) as connection:
        mentions = connection.execute("SELECT count(*) FROM mention").fetchone()[0]
    stats = read_only_folder("stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["mentions"] == mentions
    dest = tmp_path_factory.mktemp("backups") / "claims.db"
    copied = read_only_folder("backup", dest)
    assert copied.returncode == 0, copied.stderr
    assert f"Backed up {mentions:,} mentions" in copied.stdout
    assert as_stored(seeded_path) == before


@pytest.mark.parametrize("command", ["ingest", "speakers merge", "factchecks import", "restore"])
def test_a_writing_command_on_a_read_only_database_gets_one_line(
    read_only_folder, seeded_path, tmp_path_factory, command
):
    from db.backup import backup

    elsewhere = tmp_path_factory.mktemp("elsewhere")
    if command == "factchecks import":
        (elsewhere / "checks.tsv").write_text("id\ttext\nfc-1\tMasks cause CO2 poisoning\n")
    if command == "restore":
        backup(source=seeded_path, dest=elsewhere / "backup.db")
    arguments = {
        "ingest": ["ingest", seed("001")],
        "speakers merge": ["speakers", "merge", "1", "2", "--reviewer", "Ann Smith"],
        "factchecks import": ["factchecks", "import", elsewhere / "checks.tsv"],
        "restore": ["restore", elsewhere / "backup.db"],
    }[command]
    before = as_stored(seeded_path)
    result = read_only_folder(*arguments)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [f"Error: {seeded_path} is read-only, and this command writes to it"], result.stderr
    assert as_stored(seeded_path) == before


def test_an_older_schema_is_not_read_but_named(tmp_path):
    from typer.testing import CliRunner

    from claims.cli import app
    from db.session import upgrade

    db = tmp_path / "claims.db"
    engine = get_engine(db, migrate=False)
    upgrade(engine, "0011")
    engine.dispose()
    result = CliRunner().invoke(app, ["--db", str(db), "stats"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and str(db) in lines[0] and "older" in lines[0], result.output
    assert "run a writing command first to upgrade" in lines[0]
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0011"


@pytest.mark.parametrize("command", [["stats"], ["speakers", "merge", "1", "2", "--reviewer", "Ann Smith"]])
def test_a_newer_schema_gets_one_line_from_readers_and_writers(tmp_path, command):
    from typer.testing import CliRunner

    from claims.cli import app

    db = tmp_path / "claims.db"
    get_engine(db).dispose()
    with closing(sqlite3.connect(db)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
        connection.commit()
    result = CliRunner().invoke(app, ["--db", str(db), *command])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and str(db) in lines[0] and "newer than this version" in lines[0], result.output


def stale_search_vector(db) -> None:
    """One mention's search vectors made by other search adapters: search embeds and stores them anew."""
    with closing(sqlite3.connect(db)) as connection:
        connection.execute("UPDATE mention SET search_model = 'an older adapter' WHERE id = 1")
        connection.commit()


def test_a_reader_that_must_first_store_something_still_does_on_a_writable_database(seeded_path):
    from typer.testing import CliRunner

    from claims.cli import app

    stale_search_vector(seeded_path)
    result = CliRunner().invoke(app, ["--db", str(seeded_path), "search", ZHIRNOV_QUERY, "--k", "1"])
    assert result.exit_code == 0, result.output
    with closing(sqlite3.connect(seeded_path)) as connection:
        assert connection.execute("SELECT search_model FROM mention WHERE id = 1").fetchone()[0] != (
            "an older adapter"
        )


def test_a_reader_that_must_first_store_something_gets_one_line_on_a_read_only_database(seeded_path, request):
    stale_search_vector(seeded_path)
    run = request.getfixturevalue("read_only_folder")  # takes write permission away: after the change
    before = as_stored(seeded_path)
    result = run("search", ZHIRNOV_QUERY)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "is read-only" in lines[0] and "reindex" in lines[0], result.stderr
    assert as_stored(seeded_path) == before


# --- the hostile-input matrix: every case gets one line, the batch goes on, no traceback -------------

RTL_STORY = (
    "Harbour report\n\nPort director Dmitry Zhir\u200bnov\u202e said on Monday that ferry crossings had "
    "doubled since the bridge closed, reaching 180 crossings a week.\n"
)


def hostile_folder(folder):
    """{file name: what the ingest must say of it} for a folder of hostile files and one good article."""
    shutil.copy(seed("000"), folder / "good.txt")
    story = "Ferry report\n\nThe minister said crossings had doubled since March, reaching 180 a week.\n"
    cases = {
        "good.txt": "ingested",
        "cp1251.txt": ("not UTF-8 text", "iconv -f cp1251"),
        "latin1.txt": ("not UTF-8 text",),
        "utf16-mark.txt": "ingested",
        "utf16-no-mark.txt": "ingested",
        "utf8-mark.txt": "ingested",
        "empty.txt": ("empty file",),
        "blank.txt": ("empty file",),
        "photo.txt": ("binary file, not text",),
        "bomb.txt": ("binary file, not text",),  # never inflated
        "zipped.html": ("binary file, not text",),
        "deep.html": ("nested deeper than the parser's limit",),
        "script.html": ("no article text found",),
        "huge.txt": ("over the limit of 200,000 (CLAIMS_MAX_FILE_BYTES)",),
        "outside.txt": ("a link to a file outside the folder",),
        "rtl.txt": "ingested",
    }
    (folder / "cp1251.txt").write_bytes(
        "Министр заявил, что число переправ удвоилось с марта, достигнув 180 в неделю.".encode("cp1251")
    )
    (folder / "latin1.txt").write_bytes(story.replace("minister", "ministre déclaré").encode("latin-1"))
    (folder / "utf16-mark.txt").write_bytes(story.replace("Ferry", "Barge").encode("utf-16"))
    (folder / "utf16-no-mark.txt").write_bytes(story.replace("Ferry", "Tug").encode("utf-16-le"))
    (folder / "utf8-mark.txt").write_bytes(story.replace("Ferry", "Canal").encode("utf-8-sig"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_bytes(b" \n\t\n")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "bomb.txt").write_bytes(gzip.compress(b"\x00" * 20_000_000))
    (folder / "zipped.html").write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(300))
    (folder / "deep.html").write_text(
        "<html><body>" + "<div>" * 5000 + f"<p>{story}</p>" + "</div>" * 5000 + "</body></html>"
    )
    (folder / "script.html").write_text("<html><body><script>alert(1)</script></body></html>")
    (folder / "huge.txt").write_text(story * 3000)
    secret = folder.parent / "secret.txt"
    secret.write_text("Private notes\n\nThe editor said the source must never be named in print.\n")
    (folder / "outside.txt").symlink_to(secret)
    (folder / "rtl.txt").write_text(RTL_STORY)
    return cases


def no_traceback(result) -> bool:
    return result.exception is None or isinstance(result.exception, SystemExit)


def test_every_case_of_the_hostile_matrix_gets_one_line_and_the_batch_goes_on(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from claims.cli import app

    folder = tmp_path / "batch"
    folder.mkdir()
    cases = hostile_folder(folder)
    monkeypatch.setenv("CLAIMS_MAX_FILE_BYTES", "200000")
    db = str(tmp_path / "claims.db")
    archive = tmp_path / "articles.zip"
    archive.write_bytes(b"PK\x05\x06" + bytes(18))
    result = CliRunner().invoke(app, ["--db", db, "ingest", str(folder), str(archive), "ftp://example.org/a"])
    assert no_traceback(result), result.exception
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    for name, expected in cases.items():
        (line,) = [line for line in lines if line.split()[-1:] and f"/{name}" in line]
        if expected == "ingested":
            assert line.startswith("ingested"), line
        else:
            assert line.startswith("FAILED") and all(e in line for e in expected), line
    assert any(line.startswith("FAILED") and "unsupported file type '.zip'" in line for line in lines)
    assert any(line.startswith("FAILED") and "ftp://example.org/a: refused" in line for line in lines)
    ingested = sum(1 for e in cases.values() if e == "ingested")
    failed = len(cases) - ingested + 2
    assert f"{ingested} ingested, 0 skipped, {failed} failed" in result.output

    engine = get_engine(db)
    with Session(engine) as session:
        names = [s.name for s, _ in crud.speakers_with_aliases(session)]
        texts = [row.article.text for row in crud.mention_rows(session)]
    engine.dispose()
    assert "Dmitry Zhirnov" in names
    invisible = "\u200b\u202e\u00ad\u2066"
    assert not any(c in name for name in names for c in invisible)
    assert not any(c in text for text in texts for c in invisible)
    assert not any("never be named" in text for text in texts)  # the linked file was not read

    queries = ["x" * 10_000, "Kabul " * 1_700, 'NEAR("a" OR) * ^ -', "\u202eemit\u200b", "' OR 1=1 --", ""]
    for query in queries:
        found = CliRunner().invoke(app, ["--db", db, "search", query, "--k", "3"])
        assert no_traceback(found) and found.exit_code in (0, 1), (query[:20], found.output[-500:])
    for args in (["export", "--out", str(tmp_path)], ["export", "--out", str(tmp_path / "no" / "x.csv")]):
        refused = CliRunner().invoke(app, ["--db", db, *args])
        assert no_traceback(refused) and refused.exit_code == 1
        assert refused.output.strip().count("\n") == 0 and "cannot be written" in refused.output


def test_uploads_are_written_inside_their_folder_whatever_their_names(tmp_path):
    from claims.ingest.sources import stage_uploads

    folder = tmp_path / "uploads"
    folder.mkdir()
    names = [
        "../../escape.txt",
        "..",
        "",
        "/etc/passwd.txt",
        "..\\..\\win.txt",
        "a\nb.txt",
        "same.txt",
        "same.txt",
    ]
    staged = stage_uploads(folder, [(name, b"text") for name in names])
    assert len(staged) == len(names)
    for path in staged:
        assert Path(path).resolve().is_relative_to(folder.resolve()) and Path(path).read_bytes() == b"text"
    assert list(staged.values()) == [
        "escape.txt", "upload", "upload", "passwd.txt", "win.txt", "a b.txt", "same.txt", "same.txt"
    ]  # fmt: skip
    assert not (tmp_path / "escape.txt").exists()
