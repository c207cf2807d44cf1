"""The FAISS wrapper agrees with brute force, and the saved index follows the database."""

from __future__ import annotations

import os
import time

import numpy as np

from claims import index as vector_index
from claims.config import Settings
from claims.index import LiveIndex, VectorIndex
from claims.link import JOIN, NEW, SUGGEST, best_claim, decide


def test_search_matches_brute_force(tmp_path):
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(500, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = rng.choice(10_000, size=500, replace=False)
    index = VectorIndex()
    index.add(ids.tolist(), vectors)
    index.save(tmp_path / "x.faiss")
    loaded = VectorIndex.load(tmp_path / "x.faiss")
    for q in rng.normal(size=(10, 384)).astype(np.float32):
        q /= np.linalg.norm(q)
        expected = np.argsort(-(vectors @ q))[:5]
        got = loaded.search(q, 5)
        assert [i for i, _ in got] == ids[expected].tolist()
        assert np.allclose([s for _, s in got], (vectors @ q)[expected], atol=1e-5)


def test_index_is_rebuilt_when_missing_or_older_than_the_database(seeded):
    path = vector_index.index_path(seeded)
    assert path.exists() and not vector_index.is_stale(seeded)
    count = len(vector_index.load_or_rebuild(seeded))
    path.unlink()
    assert vector_index.is_stale(seeded)
    assert len(vector_index.load_or_rebuild(seeded)) == count and path.exists()
    old = time.time() - 3600
    os.utime(path, (old, old))
    assert vector_index.is_stale(seeded)
    vector_index.load_or_rebuild(seeded)
    assert not vector_index.is_stale(seeded)


def test_live_index_follows_new_mentions(seeded, tmp_path, embedder):
    from claims.pipeline import ingest

    live = LiveIndex(seeded)
    before = len(live.get())
    story = tmp_path / "s.txt"
    story.write_text("Harbour Party leader Tomas Brandt said on Monday that ferry fares had risen by forty percent since March.\n")
    assert ingest(seeded, [str(story)], embedder=embedder).ok
    assert len(live.get()) == before + 1


def test_link_decisions():
    config = Settings(auto_link=0.8, suggest_link=0.7, short_claim_words=8)
    assert decide(0.9, words=12, same_speaker=False, config=config) == JOIN
    assert decide(0.9, words=4, same_speaker=False, config=config) == SUGGEST  # short: similarity alone is not enough
    assert decide(0.9, words=4, same_speaker=True, config=config) == JOIN
    assert decide(0.75, words=12, same_speaker=True, config=config) == SUGGEST
    assert decide(0.5, words=12, same_speaker=True, config=config) == NEW
    matrix = np.eye(3, dtype=np.float32)
    assert best_claim(np.array([0, 1, 0], dtype=np.float32), matrix, np.array([10, 20, 30]))[:2] == (20, 1.0)
    assert best_claim(np.zeros(3, dtype=np.float32), np.zeros((0, 3), dtype=np.float32), np.zeros(0))[0] is None
