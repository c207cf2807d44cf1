"""`python -m claims maintenance`: checks first, then ANALYZE and VACUUM; a damaged database is left alone."""

from __future__ import annotations

import re

from sqlalchemy import text
from typer.testing import CliRunner

from claims.cli import app
from claims.search.hybrid import search
from db.session import db_file, session_scope


def test_maintenance_compacts_a_sound_database_and_keeps_everything(seeded):
    before = search(seeded, "Kabul is safer now than under Ghani", k=3)
    with session_scope(seeded) as session:  # free pages to give back
        session.connection().execute(text("CREATE TABLE scratch(x)"))
        session.connection().execute(text("INSERT INTO scratch VALUES (zeroblob(2000000))"))
        session.connection().execute(text("DROP TABLE scratch"))
    result = CliRunner().invoke(app, ["--db", str(db_file(seeded)), "maintenance"])
    assert result.exit_code == 0, result.output
    assert "sound" in result.output and "vacuumed" in result.output
    before_mb, after_mb = map(
        float, re.search(r"vacuumed: ([\d.]+) MB -> ([\d.]+) MB", result.output).groups()
    )
    assert after_mb < before_mb - 1.0  # the two megabytes were given back
    with seeded.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM sqlite_stat1")).scalar_one() > 0  # ANALYZE ran
    assert search(seeded, "Kabul is safer now than under Ghani", k=3) == before


def test_maintenance_reports_a_keyword_index_out_of_step_and_changes_nothing(seeded):
    with session_scope(seeded) as session:
        session.connection().execute(text("DELETE FROM mention_fts WHERE rowid = 2"))
    file = db_file(seeded)
    result = CliRunner().invoke(app, ["--db", str(file), "maintenance"])
    assert result.exit_code == 1
    assert "keyword index" in result.output and "nothing was changed" in result.output
    with seeded.connect() as connection:
        analyzed = connection.execute(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        ).scalar_one()
    assert analyzed == 0
