"""FAISS index over the mentions' search vectors (:mod:`claims.embed.search_model`), keyed by mention id.

The index is a cache: the vectors live in the database and the index file
(``<db>.faiss`` beside the database) is rebuilt from them whenever it is
missing, older than the database, unreadable, holds a different number of
vectors or another last id, or any of a sample of its vectors differs from the
database's. A cache that cannot be written (a folder in its place, a read-only
disk) leaves search working from memory.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session

from claims.embed.encoder import DIMENSION, from_bytes
from db import crud
from db.session import db_file


class VectorIndex:
    """Exact inner-product search (vectors are normalised, so scores are cosines)."""

    def __init__(self, dimension: int = DIMENSION):
        self.dimension = dimension
        self.index = faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dimension)
        self.index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))

    def search(
        self, vector: np.ndarray, k: int, *, among: Sequence[int] | None = None
    ) -> list[tuple[int, float]]:
        """The ``k`` nearest ids to ``vector``, best first, as (id, cosine).

        Args:
            among: only these ids are candidates (search filters); None for all.
        """
        if len(self) == 0 or k <= 0 or (among is not None and len(among) == 0):
            return []
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, self.dimension)
        # One query: threads only add synchronisation, which a busy machine makes costly.
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            if among is None:
                scores, ids = self.index.search(query, min(k, len(self)))
            else:
                selector = faiss.IDSelectorBatch(np.asarray(among, dtype=np.int64))
                scores, ids = self.index.search(
                    query, min(k, len(self), len(among)), params=faiss.SearchParameters(sel=selector)
                )
        finally:
            faiss.omp_set_num_threads(threads)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i != -1]

    def save(self, path: Path) -> None:
        """Write atomically: readers see the old file or the new one, never half of one."""
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        os.close(handle)
        try:
            faiss.write_index(self.index, tmp)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def ids(self) -> list[int]:
        """The mention ids held, in the order they were added."""
        return [int(i) for i in faiss.vector_to_array(self.index.id_map)]

    def vector(self, mention_id: int) -> np.ndarray:
        return self.index.reconstruct(int(mention_id))

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        index = cls.__new__(cls)
        index.index = faiss.read_index(str(path))
        index.dimension = index.index.d
        return index


def index_path(engine: Engine) -> Path | None:
    file = db_file(engine)
    return file.with_name(file.name + ".faiss") if file else None


def build(engine: Engine) -> VectorIndex:
    """A fresh index of every mention's search vector, embedding first those missing or stale
    (:func:`claims.search.vectors.refresh`)."""
    from claims.search.vectors import refresh

    refresh(engine)
    index = VectorIndex()
    with Session(engine) as session:
        rows = crud.search_vectors(session)
    if rows:
        index.add([r[0] for r in rows], np.vstack([from_bytes(r[1]) for r in rows]))
    return index


def _db_mtime(file: Path) -> float:
    # Opening a database in WAL mode creates an empty -wal file: that is not a change of its data.
    times = [
        p.stat().st_mtime
        for p in (file, file.with_name(file.name + "-wal"))
        if p.exists() and (p == file or p.stat().st_size > 0)
    ]
    return max(times, default=0.0)


def is_stale(engine: Engine) -> bool:
    path = index_path(engine)
    file = db_file(engine)
    if path is None or file is None or not path.exists():
        return True
    if path.stat().st_mtime < _db_mtime(file):
        return True
    return False


def rebuild(engine: Engine) -> VectorIndex:
    """Rebuild the index from the database and save it beside the database (when it can be)."""
    index = build(engine)
    path = index_path(engine)
    if path is not None:
        try:
            index.save(path)
        except (OSError, RuntimeError):  # a folder or a read-only disk where the cache goes
            pass
    return index


SAMPLED = 64  # vectors of a saved index compared with the database's before it is trusted


def checked(engine: Engine, path: Path) -> VectorIndex | None:
    """The saved index at ``path`` when it agrees with the database, else None.

    It must load, map ids as built, hold as many vectors as there are mentions with the same
    last id, and a sample of its vectors, spread over the file, must equal the stored ones.
    """
    from claims.embed.search_model import search_embedder

    try:
        index = VectorIndex.load(path)
        ids = faiss.vector_to_array(index.index.id_map)
    except Exception:  # a damaged file, a folder, an index of another kind: it is only a cache
        return None
    if index.dimension != DIMENSION or len(ids) != len(index):
        return None
    with Session(engine) as session:
        count, max_id = crud.mention_signature(session)
        if crud.search_vectors_stale(session, model=search_embedder().name):
            return None
        if len(index) != count or (count and int(ids.max()) != max_id):
            return None
        sample = [
            int(ids[i]) for i in np.unique(np.linspace(0, len(ids) - 1, min(SAMPLED, len(ids))).astype(int))
        ]
        stored = crud.search_vectors_of(session, mention_ids=sample)
    for mention_id in sample:
        if mention_id not in stored:
            return None
        try:
            vector = index.index.reconstruct(mention_id)
        except RuntimeError:
            return None
        if not np.allclose(vector, from_bytes(stored[mention_id]), atol=1e-6):
            return None
    return index


def load_or_rebuild(engine: Engine) -> VectorIndex:
    """The saved index when it is up to date with the database and passes :func:`checked`, else a rebuilt one."""
    path = index_path(engine)
    if path is not None and not is_stale(engine):
        index = checked(engine, path)
        if index is not None:
            return index
    return rebuild(engine)


class LiveIndex:
    """An index kept in step with the database, for long-running processes (the UI).

    Each :meth:`get` compares the mentions' count, highest id and newest time
    with the database and reloads only when they moved.
    """

    def __init__(self, engine: Engine):
        self.engine = engine
        self.signature: tuple[int, int, str] | None = None
        self.index: VectorIndex | None = None

    def get(self) -> VectorIndex:
        with Session(self.engine) as session:
            signature = crud.mention_state(session)
        if self.index is None or signature != self.signature:
            self.index = load_or_rebuild(self.engine)
            self.signature = signature
        return self.index
