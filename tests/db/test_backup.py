"""Backups and restores: real databases in tmp_path, a reviewer saving in another process."""

from __future__ import annotations

import hashlib
import multiprocessing
import random
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from claims.cli import app
from claims.eval.reliability import review_edits
from claims.review.verdicts import add_note
from db import crud
from db.backup import backup
from db.models import TrackedClaim
from db.session import get_engine, session_scope


def run(db, *args):
    return CliRunner().invoke(app, ["--db", str(db), *map(str, args)])


def one_line(result) -> str:
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def some_claims(path: Path, count: int = 4) -> list[int]:
    engine = get_engine(path)
    with Session(engine) as session:
        ids = session.exec(select(TrackedClaim.id).order_by(TrackedClaim.id).limit(count)).all()
    engine.dispose()
    return list(ids)


def reviews(path: Path) -> dict[str, list[tuple]]:
    """Every reviewer's verdict, note and history row in the database at ``path``."""
    with closing(sqlite3.connect(path)) as connection:
        return {
            "verdicts": connection.execute(
                "SELECT id, status, version, reviewer, updated_at FROM tracked_claim ORDER BY id"
            ).fetchall(),
            "notes": connection.execute("SELECT * FROM note ORDER BY id").fetchall(),
            "history": connection.execute("SELECT * FROM history ORDER BY id").fetchall(),
        }


def note(path: Path, claim_id: int, text: str) -> None:
    engine = get_engine(path)
    with session_scope(engine) as session:
        add_note(session, claim_id=claim_id, text=text, reviewer="Ann Smith")
    engine.dispose()


def fingerprint(folder: Path) -> dict[str, str]:
    """Each file in ``folder`` and a hash of its bytes: any write, or a file added, shows."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()
    }


def test_a_backup_taken_while_a_reviewer_saves_is_whole_and_of_one_moment(seeded_path, tmp_path):
    claim_ids = some_claims(seeded_path)
    with closing(sqlite3.connect(seeded_path)) as connection:
        base = dict(connection.execute("SELECT id, version FROM tracked_claim").fetchall())
    dest = tmp_path / "claims-backup.db"
    saved_in, steps = [], []  # history rows in each backup; the last backup's progress
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        saving = pool.apply_async(review_edits, (str(seeded_path), "reviewer 1", claim_ids, 300))
        deadline = time.monotonic() + 300
        while not saving.ready() and time.monotonic() < deadline:
            steps.clear()
            # small steps, so that the reviewer commits between them
            backup(
                source=seeded_path, dest=dest, force=True, pages=8, progress=lambda *step: steps.append(step)
            )
            assert len(steps) > 1 and steps[-1][0] == steps[-1][1]
            assert dest.read_bytes()[18:20] == b"\x01\x01"  # not WAL: the one file is the whole backup
            with closing(sqlite3.connect(dest)) as connection:
                assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                versions = dict(connection.execute("SELECT id, version FROM tracked_claim").fetchall())
                history = dict(
                    connection.execute("SELECT claim_id, count(*) FROM history GROUP BY claim_id").fetchall()
                )
            # of one moment: each claim's version moved on once per history row the same copy holds
            for claim_id in claim_ids:
                assert versions[claim_id] - base[claim_id] == history.get(claim_id, 0)
            saved_in.append(sum(history.values()))
        outcomes = saving.get(timeout=60)
    assert {what for _, _, what in outcomes} == {"saved"}  # nobody else was saving
    assert len(set(saved_in) - {0, len(outcomes)}) >= 2, f"too few backups fell between saves: {saved_in}"


def test_restore_brings_back_exactly_the_reviews_of_the_backup(seeded_path, tmp_path):
    claim_ids = some_claims(seeded_path)
    review_edits(str(seeded_path), "Ann Smith", claim_ids, 6)
    note(seeded_path, claim_ids[0], "Checked with the ministry's press office.")
    backed_up = reviews(seeded_path)
    dest = tmp_path / "claims-backup.db"
    result = run(seeded_path, "backup", dest)
    assert result.exit_code == 0, result.output
    engine = get_engine(seeded_path)
    with Session(engine) as session:
        counted = crud.counts(session)
    line = one_line(result)
    assert (
        line
        == f"Backed up {counted['mentions']:,} mentions, {counted['reviewed_claims']:,} verdicts to {dest}"
    )

    review_edits(str(seeded_path), "Bob Jones", claim_ids, 5)
    note(seeded_path, claim_ids[1], "The figure is from 2019, not 2021.")
    later = reviews(seeded_path)
    assert later != backed_up
    with Session(engine) as session:  # a reader that stays open across the restore
        assert crud.get_claim(session, claim_id=claim_ids[0]).version == later["verdicts"][0][2]

    result = run(seeded_path, "restore", dest)
    assert result.exit_code == 0, result.output
    assert reviews(seeded_path) == backed_up
    kept = list(tmp_path.glob("seeded.db.before-restore-*"))
    assert len(kept) == 1 and str(kept[0]) in one_line(result)
    assert reviews(kept[0]) == later  # the replaced database, reviews and all
    with Session(engine) as session:
        restored = crud.get_claim(session, claim_id=claim_ids[0])
        assert restored.version == backed_up["verdicts"][0][2]
    engine.dispose()
    assert run(seeded_path, "search", "Kabul is safer now than when Ghani ruled", "--k", "1").exit_code == 0


def test_restore_of_an_older_backup_upgrades_its_schema(tmp_path):
    from db.session import known_revisions, upgrade

    old = tmp_path / "old.db"
    engine = get_engine(old, migrate=False)
    upgrade(engine, "0011")
    engine.dispose()
    live = tmp_path / "claims.db"
    get_engine(live).dispose()
    result = run(live, "restore", old)
    assert result.exit_code == 0, result.output
    with closing(sqlite3.connect(live)) as connection:
        assert (
            connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            == known_revisions()[0]
        )


def damaged_copy(seeded_path: Path, target: Path) -> None:
    """A real backup with 64 KB of its middle overwritten, as a bad disk sector or a cut copy leaves it."""
    backup(source=seeded_path, dest=target)
    data = bytearray(target.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle : middle + 65536] = random.Random(11).randbytes(65536)
    target.write_bytes(bytes(data))


def other_database(target: Path) -> None:
    with closing(sqlite3.connect(target)) as connection:
        connection.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT)")
        connection.commit()


BAD_BACKUPS = {
    "a missing file": ("no such file", None),
    "a text file": ("not an SQLite database", lambda p, _: p.write_text("minutes of the meeting\n" * 200)),
    "a damaged backup": ("damaged", lambda p, seeded: damaged_copy(seeded, p)),
    "another program's database": ("not a database of the claim workbench", lambda p, _: other_database(p)),
    "a newer schema": ("is newer than this version of the workbench knows", None),
}


@pytest.mark.parametrize("kind", list(BAD_BACKUPS))
def test_restore_refuses_a_bad_backup_in_one_line_and_leaves_the_database(seeded_path, tmp_path, kind):
    reason, make = BAD_BACKUPS[kind]
    bad = tmp_path / "elsewhere" / "backup.db"
    bad.parent.mkdir()
    if kind == "a newer schema":
        backup(source=seeded_path, dest=bad)
        with closing(sqlite3.connect(bad)) as connection:
            connection.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
            connection.commit()
    elif make is not None:
        make(bad, seeded_path)
    before = fingerprint(tmp_path)
    result = run(seeded_path, "restore", bad)
    assert result.exit_code == 1
    line = one_line(result)
    assert line.startswith(f"Error: {bad}: ") and reason in line, line
    assert fingerprint(tmp_path) == before  # no byte of the live database changed, no side file


def test_backup_refuses_to_overwrite_unless_forced(seeded_path, tmp_path):
    dest = tmp_path / "claims-backup.db"
    dest.write_text("last week's backup")
    result = run(seeded_path, "backup", dest)
    assert result.exit_code == 1
    assert one_line(result) == f"Error: {dest}: already exists (use --force to replace it)"
    assert dest.read_text() == "last week's backup"
    result = run(seeded_path, "backup", dest, "--force")
    assert result.exit_code == 0, result.output
    with closing(sqlite3.connect(dest)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert not list(tmp_path.glob(".claims-backup.db.*"))  # no temporary file left


@pytest.mark.parametrize("where", ["a missing folder", "a folder"])
def test_backup_to_a_bad_destination_gets_one_line(seeded_path, tmp_path, where):
    dest = tmp_path / "no such folder" / "claims-backup.db" if where == "a missing folder" else tmp_path
    before = fingerprint(tmp_path)
    result = run(seeded_path, "backup", dest)
    assert result.exit_code == 1
    assert one_line(result).startswith(f"Error: {dest}: ")
    assert fingerprint(tmp_path) == before
