"""Shared fixtures: real SQLite files in temp dirs, the real bundled model, the real seeds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")

# Property tests (tests/test_properties.py) run the same 200 examples on every run, so CI is quick and a
# failure comes back the same way: no timing deadline on a shared 2-core machine, no example database
# left in the work tree. HYPOTHESIS_PROFILE=deep searches 10,000 fresh examples per property by hand.
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("deep", max_examples=10_000, deadline=None, derandomize=False, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
DEMO = ROOT / "demo" / "articles"


def seed(prefix: str) -> Path:
    """The seed article whose file name starts with ``prefix`` (e.g. "001")."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def embedder():
    from claims.embed.encoder import Embedder

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
    from claims.ingest.pipeline import ingest
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
    for suffix in ("", "-wal", ".faiss", ".faiss-recent.npz", ".link.faiss", ".link.faiss-recent.npz"):
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
