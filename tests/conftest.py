"""Shared fixtures: real SQLite files in temp dirs, the real bundled model, the real seeds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
DEMO = ROOT / "demo" / "articles"


def seed(prefix: str) -> Path:
    """The seed article whose file name starts with ``prefix`` (e.g. "001")."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def embedder():
    from claims.embed import Embedder

    return Embedder()


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "claims.db"


@pytest.fixture
def engine(db_path):
    from db.session import get_engine

    engine = get_engine(db_path)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory, embedder) -> Path:
    """A database with the five seeds ingested once per test session (copied per test)."""
    from claims.pipeline import ingest
    from db.session import get_engine

    path = tmp_path_factory.mktemp("seeded") / "claims.db"
    engine = get_engine(path)
    report = ingest(engine, [str(SEEDS)], embedder=embedder)
    assert report.ok and len(report.ingested) == 5
    engine.dispose()
    return path


@pytest.fixture
def seeded_path(seeded_template, tmp_path) -> Path:
    """A private copy of the seeded database (with its index) for one test."""
    target = tmp_path / "seeded.db"
    for suffix in ("", "-wal", ".faiss"):
        source = seeded_template.with_name(seeded_template.name + suffix)
        if source.exists():
            shutil.copy(source, target.with_name(target.name + suffix))
    return target


@pytest.fixture
def seeded(seeded_path):
    from db.session import get_engine

    engine = get_engine(seeded_path)
    yield engine
    engine.dispose()
