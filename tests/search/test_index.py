"""The FAISS wrapper agrees with brute force, and the saved index follows the database."""

from __future__ import annotations

import os
import time

import numpy as np

from claims.config import Settings
from claims.link.linker import JOIN, NEW, SUGGEST, best_claim, decide
from claims.search import index as vector_index
from claims.search.index import LiveIndex, VectorIndex


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
    from claims.ingest.pipeline import ingest

    live = LiveIndex(seeded)
    before = len(live.get())
    story = tmp_path / "s.txt"
    story.write_text(
        "Harbour Party leader Tomas Brandt said on Monday that ferry fares had risen by forty percent since March.\n"
    )
    assert ingest(seeded, [str(story)], embedder=embedder).ok
    assert len(live.get()) == before + 1


def test_link_decisions():
    config = Settings(auto_link=0.8, suggest_link=0.7, short_claim_words=8)
    assert decide(0.9, words=12, same_speaker=False, config=config) == JOIN
    assert (
        decide(0.9, words=4, same_speaker=False, config=config) == SUGGEST
    )  # short: similarity alone is not enough
    assert decide(0.9, words=4, same_speaker=True, config=config) == JOIN
    assert decide(0.75, words=12, same_speaker=True, config=config) == SUGGEST
    assert decide(0.5, words=12, same_speaker=True, config=config) == NEW
    matrix = np.eye(3, dtype=np.float32)
    assert best_claim(np.array([0, 1, 0], dtype=np.float32), matrix, np.array([10, 20, 30]))[:2] == (20, 1.0)
    assert (
        best_claim(np.zeros(3, dtype=np.float32), np.zeros((0, 3), dtype=np.float32), np.zeros(0))[0] is None
    )


def test_search_model_is_the_bundled_one_adapted_and_leaves_it_alone(embedder):
    """Search embeds with its own adapted copy of the bundled model; linking and the rest keep the original."""
    import hashlib
    import json

    from claims.embed.search_model import ADAPTERS, SearchEmbedder, search_embedder

    texts = [
        "Ferry crossings have doubled since the bridge closed.",
        "The envoy said the city is calmer than before.",
    ]
    before = embedder.encode(texts)
    model = search_embedder()
    assert isinstance(model, SearchEmbedder) and model.name.startswith("all-MiniLM-L6-v2+search-")
    adapted = model.encode(texts)
    assert np.allclose(np.linalg.norm(adapted, axis=1), 1.0, atol=1e-5)
    assert np.abs(adapted - before).max() > 0.01  # the adapters change the vectors...
    assert (adapted * before).sum(axis=1).min() > 0.8  # ...without leaving the model's space
    assert np.array_equal(embedder.encode(texts), before)
    with np.load(ADAPTERS, allow_pickle=False) as stored:
        meta = json.loads(bytes(stored["meta"]).decode("utf-8"))
    assert meta["trained_on"] == "bench/data/search_pairs.tsv" and ADAPTERS.stat().st_size < 5_000_000
    # The shipped adapters were trained on the pairs as committed (retrain with bench/train_search.py after editing them).
    pairs = ADAPTERS.parents[2] / "bench" / "data" / "search_pairs.tsv"
    assert hashlib.sha256(pairs.read_bytes()).hexdigest() == meta["data_sha256"]


def test_search_vectors_follow_the_search_model(seeded, monkeypatch):
    """Mentions stored before search had its own model, or embedded by other adapters, are embedded again
    when the index is next loaded; the index then answers in the search model's space."""
    from sqlalchemy import text

    from claims.embed.search_model import search_embedder

    with seeded.begin() as connection:
        count = connection.execute(text("SELECT count(*) FROM mention")).scalar_one()
        connection.execute(
            text(
                "UPDATE mention SET search_embedding = NULL, search_context_embedding = NULL, search_model = NULL WHERE id % 2 = 0"
            )
        )
        connection.execute(text("UPDATE mention SET search_model = 'other adapters' WHERE id % 3 = 0"))
    index = vector_index.load_or_rebuild(seeded)
    assert len(index) == count
    with seeded.connect() as connection:
        models = connection.execute(text("SELECT DISTINCT search_model FROM mention")).scalars().all()
        one = connection.execute(text("SELECT id, text FROM mention ORDER BY id LIMIT 1")).one()
    assert models == [search_embedder().name]
    ((found, cosine),) = index.search(search_embedder().encode_query(one.text), 1)
    assert found == one.id and cosine > 0.99


def test_search_training_pairs_never_touch_the_evaluated_stories():
    """bench/data/search_pairs.tsv trains the search model; the search is measured on the seeds' story and
    the demo corpus's, so none of their people, places or subjects may appear in it (its README's rule)."""
    import re

    from tests.conftest import ROOT

    text = (ROOT / "bench" / "data" / "search_pairs.tsv").read_text(encoding="utf-8")
    banned = r"russia\w*|taliban|afghan\w*|kabul\w*|ghani|moscow|kremlin|lavrov|zhirnov|kabulov|ferry|ferries|bridges?|sailings?|valdora|markovi\w*|brandt|kessel|sorrel|calder|eriksen|dahl|brenner|aalto|lind"
    assert not re.findall(rf"\b(?:{banned})\b", text, flags=re.IGNORECASE)
