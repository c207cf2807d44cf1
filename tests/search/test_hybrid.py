"""Hybrid search: the keyword index follows the mentions, filters, highlights, and paraphrase queries."""

from __future__ import annotations

import csv
import shutil
from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session

from claims.review.feedback import add_mention, drop_mention
from claims.search.hybrid import Filters, fuse, search, spans
from claims.search.keywords import rebuild_keywords
from claims.search.query import keyword_terms, match_expression, resolve_speakers
from db import crud, fts
from db.session import get_engine, session_scope
from tests.conftest import DEMO, ROOT, SEEDS
from ui.render import highlighted_text

QUERIES = ROOT / "tests" / "data" / "search_queries.tsv"
ACCEPTANCE = 0.90


def queries() -> list[dict]:
    with QUERIES.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def intended_claim(session: Session, anchor: str) -> int:
    """The one tracked claim with a mention containing ``anchor``."""
    claims = {row.claim.id for row in crud.mention_rows(session) if anchor in row.mention.text}
    assert len(claims) == 1, (anchor, claims)
    return claims.pop()


def hit_at_1(engine, embedder, mode: str) -> tuple[float, list[str]]:
    rows = queries()
    with Session(engine) as session:
        wanted = [intended_claim(session, row["anchor"]) for row in rows]
    misses = []
    for row, claim_id in zip(rows, wanted):
        results = search(engine, row["query"], k=1, mode=mode)
        if not results or results[0].cluster_id != claim_id:
            misses.append(row["query"])
    return 1 - len(misses) / len(rows), misses


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, embedder):
    """The seeds and the demo corpus in one database."""
    from claims.ingest.pipeline import ingest

    engine = get_engine(tmp_path_factory.mktemp("corpus") / "claims.db")
    report = ingest(engine, [str(SEEDS), str(DEMO)], embedder=embedder)
    assert report.ok and len(report.ingested) == 5 + len([p for p in DEMO.iterdir() if p.is_file()])
    yield engine
    engine.dispose()


def keyword_count(engine) -> int:
    with engine.connect() as connection:
        return fts.indexed_count(connection)


def mention_count(engine) -> int:
    with Session(engine) as session:
        return crud.mention_signature(session)[0]


# --- acceptance 5 ------------------------------------------------------------


@pytest.mark.slow
def test_queries_are_paraphrases_not_copies(corpus):
    rows = queries()
    assert len(rows) >= 20
    assert {row["corpus"] for row in rows} == {"seeds", "demo"}
    with Session(corpus) as session:
        texts = [row.mention.text.lower() for row in crud.mention_rows(session)]
    for row in rows:
        words = keyword_terms(row["query"])
        # no query is a mention's words: fewer than 70% of its content words occur in its intended mention
        target = next(t for t in texts if row["anchor"].lower() in t)
        shared = sum(1 for w in words if w in keyword_terms(target))
        assert shared / len(words) < 0.7, row["query"]
        assert row["query"].lower() not in target


@pytest.mark.slow
def test_acceptance_hit_at_1(corpus, embedder):
    # 106/117 = 0.906 measured; the held-out readings are lower (docs/BENCHMARKS.md): odd rows 0.897, rows 78-117 0.875.
    score, misses = hit_at_1(corpus, embedder, "hybrid")
    assert score >= ACCEPTANCE, misses


@pytest.mark.slow
def test_fused_is_no_worse_than_either_retriever(corpus, embedder):
    fused, _ = hit_at_1(corpus, embedder, "hybrid")
    dense, _ = hit_at_1(corpus, embedder, "dense")
    keyword, _ = hit_at_1(corpus, embedder, "keyword")
    assert fused >= dense and fused >= keyword


# --- the keyword index follows the mentions ------------------------------------


def test_keyword_index_follows_ingest_drop_and_add(seeded, embedder):
    assert keyword_count(seeded) == mention_count(seeded) > 0
    hits = search(seeded, "Ashraf Ghani", mode="keyword")
    target = next(r for r in hits if "better than under Ashraf Ghani" in r.text)
    with Session(seeded) as session:
        row = crud.mention_rows(session, mention_ids=[target.mention_id])[0]
        article_id, start, end = row.article.id, row.mention.start, row.mention.end
    with session_scope(seeded) as session:
        drop_mention(session, mention_id=target.mention_id, reviewer="Ann")
    assert keyword_count(seeded) == mention_count(seeded)
    assert target.mention_id not in {
        r.mention_id for r in search(seeded, "Ashraf Ghani", k=50, mode="keyword")
    }
    with session_scope(seeded) as session:
        added_id = add_mention(
            session, article_id=article_id, start=start, end=end, reviewer="Ann", embedder=embedder
        ).id
    assert keyword_count(seeded) == mention_count(seeded)
    assert added_id in {r.mention_id for r in search(seeded, "Ashraf Ghani", k=50, mode="keyword")}
    with seeded.begin() as connection:  # FTS5 compares its index with the mentions; raises if they differ
        connection.execute(text("INSERT INTO mention_fts(mention_fts, rank) VALUES ('integrity-check', 1)"))


def test_past_the_match_cap_the_commonest_query_words_are_left_out(seeded):
    """BM25 must score every match before ranking: in a large archive the words that match most are
    dropped from the keyword search first, the rarest always kept, and a small archive keeps them all."""
    from claims.search.hybrid import scarce

    words = ["taliban", "ghani", "zhirnov", "nosuchword"]
    with Session(seeded) as session:
        counts = dict(zip(words, crud.keyword_counts(session, matches=[f'"{w}"' for w in words], cap=10_000)))
        assert counts["taliban"] > counts["ghani"] > 0 and counts["nosuchword"] == 0
        assert scarce(session, words) == words  # the seeds are far below the cap
        cap = sum(counts.values()) - 1  # one match too many: the commonest word goes
        assert scarce(session, words, cap=cap) == ["ghani", "zhirnov", "nosuchword"]
        assert scarce(session, ["taliban"], cap=1) == ["taliban"]  # the rarest is kept however common


def test_odd_queries_do_not_break_the_keyword_search(seeded, embedder):
    for query in [
        '"Kabul',
        "NEAR(embassy guard)",
        "embassy AND OR NOT",
        "col:text ^Kabul*",
        "what did he say?",
        "?!",
    ]:
        search(seeded, query)  # no FTS5 syntax error
    assert search(seeded, "what did he say?", mode="keyword") == []  # only stopwords: nothing to match


def test_lost_triggers_come_back_and_reindex_rebuilds(seeded_path):
    engine = get_engine(seeded_path)
    with engine.begin() as connection:  # what a batch migration rebuilding `mention` does
        for name in ("mention_fts_insert", "mention_fts_delete", "mention_fts_update"):
            connection.execute(text(f"DROP TRIGGER {name}"))
        connection.execute(text("INSERT INTO mention_fts(mention_fts) VALUES ('delete-all')"))
    assert keyword_count(engine) == 0
    assert rebuild_keywords(engine) == mention_count(engine)
    with engine.connect() as connection:
        triggers = {
            row[0]
            for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        }
    assert {"mention_fts_insert", "mention_fts_delete", "mention_fts_update"} <= triggers
    engine.dispose()


@pytest.mark.slow
def test_a_database_from_before_the_keyword_index_upgrades_with_its_data(tmp_path, embedder):
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from claims.ingest.pipeline import ingest

    path = tmp_path / "old.db"
    config = Config()
    config.set_main_option("script_location", str(ROOT / "db" / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()
    # Today's code writes the rows; the schema is then taken back to 0007, the revision before the keyword index.
    assert ingest(get_engine(path), [str(SEEDS)], embedder=embedder).ok
    old = get_engine(path, migrate=False)
    with old.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")
    with old.connect() as connection:
        before = connection.execute(text("SELECT id, text, claim_id FROM mention ORDER BY id")).all()
        assert not connection.execute(text("SELECT name FROM sqlite_master WHERE name = 'mention_fts'")).all()
    old.dispose()
    engine = get_engine(path)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT id, text, claim_id FROM mention ORDER BY id")).all() == before
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head
    assert keyword_count(engine) == len(before)
    assert "better than under Ashraf Ghani" in search(engine, "Ghani", k=1, mode="keyword")[0].text
    engine.dispose()


# --- filters, speakers, highlights ---------------------------------------------


def test_speakers_are_found_despite_typos(seeded):
    with Session(seeded) as session:
        assert [name for _, name in resolve_speakers(session, "Zhirnof")] == ["Dmitry Zhirnov"]
        assert [name for _, name in resolve_speakers(session, "sergey lavrof")] == ["Sergei Lavrov"]
        assert [name for _, name in resolve_speakers(session, "Lavrov")] == ["Sergei Lavrov"]
        assert resolve_speakers(session, "Nobody Atall") == []


def test_a_query_names_its_speaker_and_the_frame_is_not_matched(seeded):
    from claims.search.query import named_speakers, speaker_part, statement_of

    with Session(seeded) as session:
        names = {speaker.id: speaker.name for speaker, _ in crud.speakers_with_aliases(session)}
        found, words = named_speakers(session, "Zhirnof: the situation in Kabul is calmer than under Ghani")
        assert [names[i] for i in found] == ["Dmitry Zhirnov"] and words == {"Zhirnof"}
        # A place that looks like a name ("Kabul" / Kabulov) and a lower-case near miss name nobody.
        assert named_speakers(session, "life in Kabul is calmer now") == (set(), set())
    assert (
        statement_of("Zhirnof: the situation in Kabul is calmer", {"Zhirnof"})
        == "the situation in Kabul is calmer"
    )
    assert statement_of("the envoy says the Taliban restored order", set()) == "the Taliban restored order"
    assert (
        statement_of("Lavrov welcomed the Taliban's openness", {"Lavrov"})
        == "welcomed the Taliban's openness"
    )
    assert (
        statement_of("Lavrov says", {"Lavrov"}) == "Lavrov says"
    )  # nothing left to look for: the query as typed
    # The speaker is named where the frame is; a name inside the statement is what it is about.
    with Session(seeded) as session:
        assert named_speakers(
            session, speaker_part("having dealings with such groups is a crime in Russia")
        ) == (set(), set())
        found, words = named_speakers(
            session, speaker_part("Lavrof: Kabulov overstated the Taliban's record")
        )
        assert [names[i] for i in found] == ["Sergei Lavrov"] and words == {"Lavrof"}
    assert (
        statement_of("having dealings with such groups is a crime in Russia", set())
        == "having dealings with such groups is a crime in Russia"
    )


def test_a_renamed_speaker_is_named_by_the_new_name_at_once(seeded):
    """The speakers a query is matched against are prepared once, and prepared again on any change."""
    from claims.review.speakers import rename_speaker
    from claims.search.query import named_speakers

    with Session(seeded) as session:
        zhirnov = next(s.id for s, _ in crud.speakers_with_aliases(session) if s.name == "Dmitry Zhirnov")
        assert named_speakers(session, "Zhirnov says Kabul is calmer")[0] == {zhirnov}
        assert named_speakers(session, "Zhyrnovsky says Kabul is calmer")[0] == set()
    with session_scope(seeded) as session:
        rename_speaker(session, speaker_id=zhirnov, new_name="Dmitry Zhyrnovsky", reviewer="Ann")
    with Session(seeded) as session:
        assert named_speakers(session, "Zhyrnovsky says Kabul is calmer")[0] == {zhirnov}
        assert named_speakers(session, "Zhirnov says Kabul is calmer")[0] == {zhirnov}  # kept as a spelling


def test_an_acronym_and_a_role_name_the_person_who_leads_that_organisation(engine, tmp_path, embedder):
    from claims.ingest.pipeline import ingest
    from claims.search.query import named_speakers, speaker_part

    (tmp_path / "a.txt").write_text(
        "World Health Organization Director-General Tedros Adhanom Ghebreyesus said on Saturday that "
        "the outbreak was now an emergency of international concern.\n\n"
        "The World Health Organization said on Friday that 16,000 cases had been reported in 75 countries.",
        encoding="utf-8",
    )
    assert ingest(engine, [str(tmp_path / "a.txt")], embedder=embedder).ok
    with Session(engine) as session:
        names = {speaker.id: speaker.name for speaker, _ in crud.speakers_with_aliases(session)}
        found, words = named_speakers(session, speaker_part("WHO chief: the outbreak is an emergency"))
        assert {names[i] for i in found} == {"Tedros Adhanom Ghebreyesus", "World Health Organization"}
        assert words == {"WHO", "chief"}
        found, _ = named_speakers(session, speaker_part("WHO: cases reported in 75 countries"))
        assert {names[i] for i in found} == {"World Health Organization"}
        # "who" in lower case is the pronoun, not the organisation
        assert named_speakers(session, speaker_part("who says the outbreak is an emergency")) == (
            set(),
            set(),
        )


def test_a_query_names_its_speaker_by_role_and_a_word_of_their_title(seeded):
    """ "The Russian diplomat says ...", "Fed boss says ...": a role noun and a word (or its first
    letters) of the titles the articles gave the person."""
    from claims.search.query import named_speakers, speaker_part

    with Session(seeded) as session:
        names = {speaker.id: speaker.name for speaker, _ in crud.speakers_with_aliases(session)}
        found, words = named_speakers(session, speaker_part("the Russian diplomat says the talks went well"))
        assert [names[i] for i in found] == ["Sergei Lavrov"] and words == {"Russian", "diplomat"}
        found, _ = named_speakers(session, speaker_part("Afghanistan ambassador says the embassy is guarded"))
        assert {names[i] for i in found} == {"Dmitry Zhirnov"}
        # A title word without a role noun names nobody: "Afghanistan" is what most claims are about.
        assert named_speakers(session, speaker_part("Afghanistan says the embassy is guarded")) == (
            set(),
            set(),
        )


@pytest.mark.slow
def test_filters(corpus, embedder):
    query = "the embassy in Kabul is safe"

    def run(**filters):
        return search(corpus, query, k=200, filters=Filters(**filters))

    everything = run()
    assert {r.speaker for r in run(speaker="zhirnof")} == {"Dmitry Zhirnov"}
    assert run(speaker="Nobody Atall") == []
    assert {r.outlet for r in run(outlet="island wire")} == {"Island Wire"}
    dated = run(since=date(2026, 3, 4), until=date(2026, 3, 6))  # the seeds carry no date: left out
    assert dated and all("2026-03-04" <= r.published <= "2026-03-06" for r in dated)
    assert len(dated) < len(everything)
    assert run(statuses=["False"]) == []
    with session_scope(corpus) as session:
        from claims.review.verdicts import set_status

        set_status(session, claim_id=everything[0].cluster_id, status="False", reviewer="Ann")
    assert [r.cluster_id for r in run(statuses=["False"])] == [everything[0].cluster_id]
    worthy = run(min_checkworthiness=0.6)
    assert worthy and all(r.checkworthiness >= 0.6 for r in worthy) and len(worthy) < len(everything)


@pytest.mark.slow
def test_results_are_grouped_and_words_highlighted(corpus, embedder):
    results = search(corpus, "ferry crossings doubled", k=10)
    assert len({r.cluster_id for r in results}) == len(results)
    top = results[0]
    marked = [top.text[start:end].lower() for start, end in top.highlights]
    assert {"ferry", "doubled"} <= set(marked) or {"crossings", "doubled"} <= set(marked)
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)


def test_highlight_helpers_escape_html():
    assert spans("a \x02cat\x03 and \x02dogs\x03") == ("a cat and dogs", [(2, 5), (10, 14)])
    html = highlighted_text("<b>Kabul</b> & co", [(3, 8)])
    assert html == "&lt;b&gt;<mark>Kabul</mark>&lt;/b&gt; &amp; co"
    assert fuse([[1, 2], [2, 3]], (1.0, 1.0))[2] > fuse([[1, 2], [2, 3]], (1.0, 1.0))[1]


def test_saved_copies_are_independent(seeded_path, tmp_path):
    """The keyword index lives in the database file, so a copied database carries it."""
    copy = tmp_path / "copy.db"
    shutil.copy(seeded_path, copy)
    engine = get_engine(copy)
    assert keyword_count(engine) == mention_count(engine)
    engine.dispose()


def test_highlights_mark_what_the_keyword_index_matches(corpus):
    """Results are marked in a scratch table with the index's tokenizer: stems, case and diacritics
    must come out as the stored index itself marks them, on every mention a query's words match."""
    with Session(corpus) as session:
        for query in ("ferry crossings doubled", "Ghani's governments", "situation in Kabul is better"):
            match = match_expression(keyword_terms(query))
            stored = dict(
                session.connection()
                .execute(
                    text(
                        "SELECT rowid, highlight(mention_fts, 0, '[', ']') FROM mention_fts "
                        "WHERE mention_fts MATCH :match"
                    ),
                    {"match": match},
                )
                .all()
            )
            ids = [row.mention.id for row in crud.mention_rows(session)]
            assert stored
            assert crud.keyword_marked(session, match=match, mention_ids=ids, start="[", end="]") == stored
