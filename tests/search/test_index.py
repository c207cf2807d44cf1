"""The FAISS wrapper agrees with brute force, and the saved index follows the database."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from claims.config import Settings
from claims.embed import index as vector_index
from claims.embed.index import LiveIndex, VectorIndex
from claims.link.linker import JOIN, NEW, SUGGEST, best_claim, decide


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


def test_index_is_rebuilt_when_missing_or_out_of_step_and_kept_when_only_older(seeded):
    from sqlmodel import Session

    from db import crud

    path = vector_index.index_path(seeded)
    assert path.exists()
    count = len(vector_index.load_or_rebuild(seeded))
    path.unlink()
    assert len(vector_index.load_or_rebuild(seeded)) == count and path.exists()
    # A verdict makes the database newer than the file without changing a vector: no rebuild.
    old = time.time() - 3600
    os.utime(path, (old, old))
    vector_index.load_or_rebuild(seeded)
    assert path.stat().st_mtime == old
    # A file that holds another set of vectors is rebuilt.
    with Session(seeded) as session:
        first = crud.vector_ids(session, column="search_embedding")[0]
    stale = vector_index.VectorIndex.load(path)
    stale.remove([first])
    stale.save(path)
    assert len(vector_index.load_or_rebuild(seeded)) == count
    assert first in vector_index.VectorIndex.load(path).ids()


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


_SAVER = """
import sys
from pathlib import Path

import numpy as np

from claims.embed.index import VectorIndex

path, n = Path(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(0)
vectors = rng.normal(size=(n, 384)).astype(np.float32)
versions = []
for size in (n // 2, n):
    index = VectorIndex()
    index.add(list(range(size)), vectors[:size])
    versions.append(index)
print("ready", flush=True)
while True:
    for index in versions:
        index.save(path)
"""


def test_a_save_killed_at_any_moment_leaves_the_old_index_or_the_new(tmp_path):
    """Killing the process mid-save (kill -9, no clean-up runs) leaves a whole file at the index's path."""
    import signal
    import subprocess
    import sys

    path = tmp_path / "claims.db.faiss"
    n = 40_000  # 60 MB a save: long enough that most kills land inside a write
    rng = np.random.default_rng(1)
    for _ in range(6):
        saver = subprocess.Popen(
            [sys.executable, "-c", _SAVER, str(path), str(n)], stdout=subprocess.PIPE, text=True
        )
        assert saver.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
        saver.send_signal(signal.SIGKILL)
        saver.wait()
        if path.exists():
            assert len(VectorIndex.load(path)) in (n // 2, n)
    assert path.exists()


def _clustered(count: int, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors shaped as a news archive's: 1,000 topics, claims around each, and about five
    mentions (re-reports) around each claim. (Probing 8 lists instead of the shipped 128 finds 0.95.)"""

    def unit(x):
        return x / np.linalg.norm(x, axis=1, keepdims=True)

    topics = unit(rng.normal(size=(1000, 384)).astype(np.float32))
    claims = unit(
        topics[rng.integers(0, 1000, count // 5)]
        + rng.normal(size=(count // 5, 384)).astype(np.float32) * 0.06
    )
    return unit(
        claims[rng.integers(0, len(claims), count)] + rng.normal(size=(count, 384)).astype(np.float32) * 0.03
    )


def _recall(index: VectorIndex, vectors, ids, queries, among=None) -> float:
    allowed = np.arange(len(ids)) if among is None else np.flatnonzero(np.isin(ids, among))
    hits = 0
    for query in queries:
        truth = ids[allowed[np.argsort(-(vectors[allowed] @ query))[:10]]]
        hits += len(set(truth.tolist()) & {i for i, _ in index.search(query, 10, among=among)})
    return hits / (10 * len(queries))


def test_each_index_kind_finds_what_exact_search_finds():
    """The inverted file (used above ``exact_index_limit`` vectors) keeps recall@10 ≥ 0.98 against
    exact numpy search, unfiltered and through a search filter; the exact index finds exactly it."""
    from claims.embed.index import IVF, lists_for, training_rows

    rng = np.random.default_rng(11)
    count = 40_000
    vectors = _clustered(count, rng)
    ids = rng.choice(10**7, size=count, replace=False)
    # Queries near stored vectors but none of them, as a reworded query is.
    queries = (
        vectors[rng.choice(count, 60, replace=False)] + rng.normal(size=(60, 384)).astype(np.float32) * 0.03
    )
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    inverted = VectorIndex(training=vectors[training_rows(count)], lists=lists_for(count))
    inverted.add(ids.tolist(), vectors)
    exact = VectorIndex()
    exact.add(ids.tolist(), vectors)
    assert inverted.kind == IVF and inverted.lists >= 64
    assert _recall(exact, vectors, ids, queries) == 1.0
    assert _recall(inverted, vectors, ids, queries) >= 0.98
    most, few = ids[:30_000], ids[:500]  # a filter past FILTER_EXACT goes through the lists
    assert _recall(inverted, vectors, ids, queries, among=most) >= 0.98
    assert _recall(inverted, vectors, ids, queries, among=few) == 1.0  # compared exactly
    # Removed ids are gone, the rest still found.
    inverted.remove(ids[:100].tolist())
    assert len(inverted) == count - 100
    assert not set(ids[:100].tolist()) & {i for q in queries for i, _ in inverted.search(q, 10)}


def test_the_index_kind_follows_the_size_and_each_refresh_touches_only_what_moved(
    seeded, tmp_path, embedder, monkeypatch
):
    """Past ``exact_index_limit`` mentions the saved index becomes an inverted file; later ingests
    and a dropped mention add and remove in place, and the file agrees with the database throughout."""
    from sqlmodel import Session

    from claims.ingest.pipeline import ingest
    from claims.ingest.refresh import out_of_step
    from claims.review.actions import run
    from claims.review.feedback import drop_mention
    from db import crud

    path = vector_index.index_path(seeded)
    assert VectorIndex.load(path).kind == "exact"
    with Session(seeded) as session:
        count = len(crud.vector_ids(session, column="search_embedding"))
    monkeypatch.setenv("CLAIMS_EXACT_INDEX_LIMIT", str(count))
    first = tmp_path / "first.txt"
    first.write_text(
        "Harbour Party leader Tomas Brandt said on Monday that ferry fares had risen by forty percent since March.\n"
    )
    assert ingest(seeded, [str(first)], embedder=embedder).ok
    grown = VectorIndex.load(path)
    assert grown.kind == "ivf" and out_of_step(seeded) == []
    main_file = path.stat().st_mtime_ns, path.stat().st_size
    second = tmp_path / "second.txt"
    second.write_text(
        "Port director Ilse Varga said on Tuesday that cargo volumes had fallen by a third since the bridge closed.\n"
    )
    assert ingest(seeded, [str(second)], embedder=embedder).ok
    after = VectorIndex.load(path)
    assert after.lists == grown.lists and len(after) == len(grown) + 1  # added in place, not retrained
    assert out_of_step(seeded) == []
    # Only the recent part was written: the main file (0.76 GB at a million) is as it was.
    assert (path.stat().st_mtime_ns, path.stat().st_size) == main_file
    assert vector_index.recent_file(path).exists()
    with Session(seeded) as session:
        newest = max(crud.vector_ids(session, column="search_embedding"))
    assert run(seeded, drop_mention, reviewer="Ann", mention_id=newest).saved
    assert newest not in VectorIndex.load(path).ids()
    assert out_of_step(seeded) == []


@pytest.mark.parametrize("inverted", [False, True])
def test_the_recent_part_holds_changes_until_folded_and_is_read_only_beside_its_main_file(tmp_path, inverted):
    """Changes go to a small recent file, and searching main + recent finds what one index of the
    same vectors finds; a recent file left beside another main file (a crash between the two
    writes of a fold) is not read."""
    from claims.embed.index import lists_for, recent_file, training_rows

    rng = np.random.default_rng(5)
    vectors = _clustered(12_000, rng)
    ids = np.arange(1, 10_001)
    if inverted:
        index = VectorIndex(training=vectors[training_rows(10_000)], lists=lists_for(10_000))
    else:
        index = VectorIndex()
    index.add(ids.tolist(), vectors[:10_000])
    path = tmp_path / "claims.db.faiss"
    index.save(path)
    main_file = path.read_bytes()

    loaded = VectorIndex.load(path, mapped=True)
    dropped, replaced, added = ids[:300], ids[300:400], np.arange(10_001, 12_001)
    loaded.change(
        drop=dropped,
        ids=np.concatenate([replaced, added]),
        vectors=vectors[np.r_[10_000:10_100, 10_000:12_000]],
    )
    loaded.save(path)
    assert path.read_bytes() == main_file and recent_file(path).exists()

    live = np.concatenate([ids[400:], replaced, added])
    live_vectors = np.vstack([vectors[400:10_000], vectors[10_000:10_100], vectors[10_000:12_000]])
    reread = VectorIndex.load(path, mapped=True)
    assert len(reread) == len(live) and sorted(reread.ids()) == sorted(live.tolist())
    assert np.allclose(reread.vector(int(replaced[0])), vectors[10_000], atol=1e-6)
    queries = vectors[rng.choice(12_000, 40, replace=False)]
    assert _recall(reread, live_vectors, live, queries) >= (0.98 if inverted else 1.0)
    assert _recall(reread, live_vectors, live, queries, among=live[::3]) >= (0.98 if inverted else 1.0)
    assert not set(dropped.tolist()) & {i for q in queries for i, _ in reread.search(q, 10)}

    stale = recent_file(path).read_bytes()
    folded = VectorIndex.load(path)
    folded.fold()
    folded.save(path)
    assert not recent_file(path).exists() and path.read_bytes() != main_file
    assert sorted(VectorIndex.load(path).ids()) == sorted(live.tolist())
    recent_file(path).write_bytes(stale)  # as a crash after the new main file, before the old recent went
    assert sorted(VectorIndex.load(path).ids()) == sorted(live.tolist())
