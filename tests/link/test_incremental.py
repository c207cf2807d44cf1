"""Relinking after an ingest decides again only what the new articles can reach, and decides it as
relinking everything would: the same tracked claims and the same suggestions."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from claims.eval.linking import partition
from claims.ingest.pipeline import ingest
from claims.link.relink import relink
from db import crud, link_state
from db.models import LinkSuggestion, SuggestionState
from db.session import get_engine, session_scope
from tests.conftest import ROOT, SEEDS

DEMO = ROOT / "demo" / "articles"


def _pending(session: Session) -> set[tuple[str, tuple[str, ...]]]:
    """Each pending suggestion as (the mention's key, the keys of the suggested claim's mentions)."""
    rows = crud.mention_rows(session)
    keys = {
        r.mention.id: crud.mention_key(r.article.content_hash, r.mention.start, r.mention.end) for r in rows
    }
    members: dict[int, list[str]] = {}
    for r in rows:
        members.setdefault(r.mention.claim_id, []).append(keys[r.mention.id])
    pending = LinkSuggestion.state == SuggestionState.pending
    return {
        (keys[s.mention_id], tuple(sorted(members[s.claim_id])))
        for s in session.exec(select(LinkSuggestion).where(pending)).all()
    }


def _relink_everything(engine) -> None:
    with session_scope(engine) as session:
        link_state.forget(session.connection())
        report = relink(session)
    assert report.full and report.moved == 0 and report.new_claims == 0, report


@pytest.fixture(scope="module")
def two_stories_one_by_one(tmp_path_factory, embedder):
    """Our demo story (ferries), then the seeds (Kabul), one article at a time."""
    engine = get_engine(tmp_path_factory.mktemp("incremental") / "two.db")
    reports = []
    for file in [*sorted(DEMO.glob("*.txt")), *sorted(SEEDS.glob("*.txt"))]:
        report = ingest(engine, [str(file)], embedder=embedder)
        assert report.ok
        reports.append(report.relinked)
    return engine, reports


@pytest.mark.slow
def test_each_ingest_decides_again_only_part_of_the_archive(two_stories_one_by_one):
    engine, reports = two_stories_one_by_one
    # The first articles are most of what is stored: those are decided whole.
    assert reports[0].full and not any(r.full for r in reports[len(reports) // 2 :]), reports
    with Session(engine) as session:
        rows = crud.mention_rows(session)
    # The last seed article reaches the Kabul story's mentions and the few ferry mentions with no close
    # neighbour (any newcomer is among their 20 nearest), not every mention.
    assert 0 < reports[-1].looked_at < len(rows), reports


@pytest.mark.slow
def test_relinking_everything_again_changes_nothing(two_stories_one_by_one):
    engine, _ = two_stories_one_by_one
    with Session(engine) as session:
        before, suggested = partition(session), _pending(session)
    _relink_everything(engine)
    with Session(engine) as session:
        assert partition(session) == before
        assert _pending(session) == suggested
        assert len(before) > 20  # not one big claim, nor every mention alone
        assert any(len(group) > 2 for group in before)


def test_a_deleted_mention_is_relinked_around(seeded):
    """Deleting a mention (raw SQL, as a script might) leaves the rest as relinking everything leaves it."""
    with session_scope(seeded) as session:
        first = crud.mention_rows(session)[0].mention.id
        session.execute(text("DELETE FROM link_suggestion WHERE mention_id = :m"), {"m": first})
        session.execute(text("DELETE FROM mention WHERE id = :m"), {"m": first})
        report = relink(session)
    assert not report.full and report.looked_at >= 1
    with Session(seeded) as session:
        after, suggested = partition(session), _pending(session)
    _relink_everything(seeded)
    with Session(seeded) as session:
        assert partition(session) == after and _pending(session) == suggested


def test_seeds_one_by_one_match_the_seeds_at_once(tmp_path, embedder, seeded):
    engine = get_engine(tmp_path / "one_by_one.db")
    for file in sorted(SEEDS.glob("*.txt")):
        assert ingest(engine, [str(file)], embedder=embedder).ok
    with Session(engine) as a, Session(seeded) as b:
        assert partition(a) == partition(b)
        assert _pending(a) == _pending(b)


def test_reviewers_regrouping_is_relinked_as_relinking_everything_would(seeded):
    from claims.review.regroup import move_mention, split_mentions

    with Session(seeded) as session:
        rows = crud.mention_rows(session)
        sizes: dict[int, list[int]] = {}
        for r in rows:
            sizes.setdefault(r.mention.claim_id, []).append(r.mention.id)
        big, other = sorted(sizes, key=lambda c: -len(sizes[c]))[:2]
    with session_scope(seeded) as session:
        split_mentions(session, claim_id=big, mention_ids=sizes[big][:1], reviewer="Ann")
        move_mention(session, mention_id=sizes[other][0], to_claim_id=big, reviewer="Ann")
    with session_scope(seeded) as session:
        report = relink(session)
    assert not report.full and report.looked_at < len(rows)
    with Session(seeded) as session:
        after, suggested = partition(session), _pending(session)
    _relink_everything(seeded)
    with Session(seeded) as session:
        assert partition(session) == after and _pending(session) == suggested


def test_lost_triggers_are_put_back_and_the_next_relinking_decides_everything(seeded_path, seeded):
    import sqlite3

    seeded.dispose()
    with sqlite3.connect(seeded_path) as connection:
        # As Alembic's batch mode leaves a rebuilt table: no triggers, so changes meanwhile go unlisted.
        for name in link_state.TRIGGERS:
            connection.execute(f"DROP TRIGGER {name}")
        connection.execute("UPDATE mention SET speaker_id = NULL WHERE id = (SELECT min(id) FROM mention)")
    engine = get_engine(seeded_path)  # any writer opening the file
    with sqlite3.connect(seeded_path) as connection:
        names = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(link_state.TRIGGERS) <= names
    with session_scope(engine) as session:
        assert relink(session).full


@pytest.mark.slow
def test_above_the_exact_size_the_seeds_one_by_one_still_match(tmp_path, embedder, seeded, monkeypatch):
    """Past ``exact_index_limit`` each mention's nearest come from an inverted file and a newcomer
    enters only the lists of its own nearest (approximate): on the seeds, ingested one article at a
    time, that still gives the tracked claims and suggestions of the exact index, all at once."""
    from claims.embed.index import LINK, VectorIndex, index_path

    monkeypatch.setenv("CLAIMS_EXACT_INDEX_LIMIT", "40")
    engine = get_engine(tmp_path / "inverted.db")
    reports = []
    for file in sorted(SEEDS.glob("*.txt")):
        report = ingest(engine, [str(file)], embedder=embedder)
        assert report.ok
        reports.append(report.relinked)
    assert VectorIndex.load(index_path(engine, LINK)).kind == "ivf"
    assert not reports[-1].full
    with Session(engine) as a, Session(seeded) as b:
        assert partition(a) == partition(b)
        assert _pending(a) == _pending(b)


def test_a_mention_written_past_the_dirty_list_still_reaches_the_link_index(seeded_path, seeded):
    """The link index is brought in step from the dirty list alone; when the counts say something
    was written past it, every id is compared instead."""
    import sqlite3

    from claims.embed.index import LINK, VectorIndex, index_path

    seeded.dispose()
    with sqlite3.connect(seeded_path) as connection:
        columns = [r[1] for r in connection.execute("PRAGMA table_info(mention)") if r[1] != "id"]
        copied = ", ".join("start + 1" if c == "start" else c for c in columns)
        connection.execute(
            f"INSERT INTO mention ({', '.join(columns)}) SELECT {copied} FROM mention"
            " WHERE id = (SELECT min(id) FROM mention)"
        )
        connection.execute("DELETE FROM link_dirty")  # as if the trigger had missed it
        added = connection.execute("SELECT max(id) FROM mention").fetchone()[0]
    engine = get_engine(seeded_path)
    with session_scope(engine) as session:
        relink(session)
    with Session(engine) as session:
        stored = set(session.exec(text("SELECT id FROM mention")).scalars())
    assert added in stored
    assert set(VectorIndex.load(index_path(engine, LINK)).ids()) == stored
    engine.dispose()
