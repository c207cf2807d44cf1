"""Each tracked claim's mention count, article count and top check-worthiness follow its mentions,
whoever moves them (db/claim_stats.py): the queue sorts and pages by these numbers."""

from __future__ import annotations

import sqlite3

from sqlmodel import Session

from claims.review.feedback import drop_mention
from claims.review.regroup import merge_claims
from db import crud
from db.session import get_engine, session_scope

STORED = "SELECT id, mention_count, article_count, top_checkworthiness FROM tracked_claim ORDER BY id"
COUNTED = (
    "SELECT c.id, count(m.id), count(DISTINCT m.article_id), coalesce(max(m.checkworthiness), 0) "
    "FROM tracked_claim c LEFT JOIN mention m ON m.claim_id = c.id GROUP BY c.id ORDER BY c.id"
)


def stored_and_counted(path) -> tuple[list, list]:
    with sqlite3.connect(path) as connection:
        return connection.execute(STORED).fetchall(), connection.execute(COUNTED).fetchall()


def test_ingest_and_relinking_leave_every_claim_counted(seeded_path, seeded):
    stored, counted = stored_and_counted(seeded_path)
    assert stored == counted
    assert any(row[2] > 1 for row in stored)  # claims quoted by several outlets are among them


def test_a_reviewer_merging_and_dropping_mentions_moves_the_numbers(seeded_path, seeded):
    with Session(seeded) as session:
        one, two = [s for s in crud.claim_summaries(session) if s.mentions >= 1][:2]
        mention = crud.mention_rows(session, claim_id=two.claim.id)[0].mention
    with session_scope(seeded) as session:
        merge_claims(session, keep_id=one.claim.id, other_id=two.claim.id, reviewer="Ann")
    with Session(seeded) as session:
        (merged,) = [s for s in crud.claim_summaries(session) if s.claim.id == one.claim.id]
        assert merged.mentions == one.mentions + two.mentions
        assert two.claim.id not in {s.claim.id for s in crud.claim_summaries(session)}  # off the queue
    with session_scope(seeded) as session:
        drop_mention(session, mention_id=mention.id, reviewer="Ann")
    with Session(seeded) as session:
        (merged,) = [s for s in crud.claim_summaries(session) if s.claim.id == one.claim.id]
        assert merged.mentions == one.mentions + two.mentions - 1
    stored, counted = stored_and_counted(seeded_path)
    assert stored == counted


def test_lost_triggers_are_put_back_and_the_claims_recounted(seeded_path, seeded):
    seeded.dispose()
    with sqlite3.connect(seeded_path) as connection:
        # As Alembic's batch mode leaves a rebuilt table: no triggers, and numbers gone stale meanwhile.
        for name in ("claim_stats_insert", "claim_stats_delete", "claim_stats_update"):
            connection.execute(f"DROP TRIGGER {name}")
        connection.execute("UPDATE tracked_claim SET mention_count = 0, article_count = 0")
    get_engine(seeded_path).dispose()  # any writer opening the file
    stored, counted = stored_and_counted(seeded_path)
    assert stored == counted
    with sqlite3.connect(seeded_path) as connection:
        names = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"claim_stats_insert", "claim_stats_delete", "claim_stats_update"} <= names
