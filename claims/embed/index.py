"""FAISS indexes over the mentions' vectors, keyed by mention id: the search model's
(:mod:`claims.embed.search_model`, :data:`SEARCH`) and the link model's (:data:`LINK`, where relinking
finds each mention's nearest).

The index is a cache: the vectors live in the database and the index file
(``<db>.faiss`` and ``<db>.link.faiss`` beside the database) is rebuilt from them whenever it is
missing, unreadable, holds a different number of vectors or another last id,
or any of a sample of its vectors differs from the database's. Each refresh
after a write adds and drops only what moved (:func:`update`). Its kind follows
the size (:func:`kind_for`): exact while exact search is fast, an inverted
file (IVF) above. A cache that cannot be written (a folder in its place, a
read-only disk) leaves search working from memory.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session

from claims.config import settings
from claims.embed.encoder import DIMENSION, from_bytes
from claims.files import replace_atomically
from db import crud
from db.session import db_file

# The approximate index's parameters, chosen by bench/scale.py on vectors shaped like real sentences'
# (docs/BENCHMARKS.md, "Scale"). An inverted file (IVF) rather than a graph (HNSW): it drops a removed
# mention in place, where a graph would have to be rebuilt, and it trains and fills faster.
PROBES = 512  # lists searched per query (a quarter of them at a million vectors): see docs/BENCHMARKS.md
# Below this many allowed ids (a search filter), the allowed vectors are compared exactly: the probed
# lists may hold too few of them.
FILTER_EXACT = 20_000
EXACT, IVF = "exact", "ivf"
TRAINING_PER_LIST = 40  # k-means asks for at least 39 points a centroid
# What an update changes goes to a small second file (the recent part) until it passes this many
# vectors or this share of the main file; then both are folded into a new main file. Each update
# writes what it changed, not the archive (at a million vectors the main file is 0.76 GB), and the
# folding costs a constant share of each mention's (docs/BENCHMARKS.md, "Scale").
RECENT_MIN = 2_000
RECENT_SHARE = 0.02


def kind_for(count: int) -> str:
    """The index kind for ``count`` vectors: exact while that is fast, an inverted file above."""
    return EXACT if count <= settings().exact_index_limit else IVF


def lists_for(count: int) -> int:
    """Inverted lists for ``count`` vectors: a power of two near 2·√count (2,048 at a million), and
    never more than the vectors can train."""
    return min(int(2 ** round(math.log2(2 * math.sqrt(max(count, 1))))), max(1, count // TRAINING_PER_LIST))


def training_rows(count: int) -> np.ndarray:
    """Which of ``count`` vectors train an inverted file's lists: a fixed draw, so that the same
    vectors train the same lists."""
    drawn = np.random.default_rng(0).choice(
        count, min(count, TRAINING_PER_LIST * lists_for(count)), replace=False
    )
    return np.sort(drawn)


class VectorIndex:
    """Inner-product search keyed by mention id (vectors are normalised, so scores are cosines).

    Exact (``IndexFlatIP``), or, given ``training`` vectors, an inverted file of ``lists`` lists
    over float16 vectors (half the memory: 0.77 GB at a million, not 1.5).

    Beside the FAISS index (the main part) it holds a recent part: vectors added since the main
    part was saved, searched exactly, and the main part's ids dropped since (:meth:`change`). A
    recent id hides the main part's vector of the same id. :meth:`fold` merges the recent part in.
    """

    def __init__(self, dimension: int = DIMENSION, *, training: np.ndarray | None = None, lists: int = 0):
        self.dimension = dimension
        self._no_recent()
        self.main_changed = True  # the main part differs from any file: save() writes it
        if training is None:
            self.index = faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
            return
        ivf = faiss.IndexIVFScalarQuantizer(
            faiss.IndexFlatIP(dimension),
            dimension,
            lists,
            faiss.ScalarQuantizer.QT_fp16,
            faiss.METRIC_INNER_PRODUCT,
        )
        ivf.cp.seed = 1234  # the same vectors train the same lists
        ivf.train(np.ascontiguousarray(training, dtype=np.float32))
        ivf.set_direct_map_type(faiss.DirectMap.Hashtable)  # look up and remove by mention id
        self.index = ivf

    def _no_recent(self) -> None:
        self.recent_ids = np.zeros(0, dtype=np.int64)
        self.recent = np.zeros((0, self.dimension), dtype=np.float32)
        self.dropped = np.zeros(0, dtype=np.int64)  # the main part's ids no longer held
        # The main part's ids held again, with new vectors, in the recent part.
        self.shadowed = np.zeros(0, dtype=np.int64)

    def _hidden(self) -> np.ndarray:
        """The main part's ids not to be returned: dropped, or held again in the recent part. (Only
        those: a selector over every recent id made each search at a million three times slower.)"""
        return np.union1d(self.dropped, self.shadowed)

    def __len__(self) -> int:
        return int(self.index.ntotal) - len(self.dropped) - len(self.shadowed) + len(self.recent_ids)

    @property
    def recent_size(self) -> int:
        return len(self.recent_ids) + len(self.dropped)

    def change(
        self, *, drop: Sequence[int] = (), ids: Sequence[int] = (), vectors: np.ndarray | None = None
    ) -> None:
        """Drop ``drop`` and hold ``vectors`` under ``ids`` (replacing any held), in the recent part."""
        drop = np.asarray(drop, dtype=np.int64)
        ids = np.asarray(ids, dtype=np.int64)
        main = self._main_ids()
        keep = ~np.isin(self.recent_ids, np.union1d(drop, ids))
        self.recent_ids, self.recent = self.recent_ids[keep], self.recent[keep]
        # Dropped: in the main part and not held again; a re-added id is hidden there by the recent part.
        self.dropped = np.setdiff1d(np.union1d(self.dropped, _among(drop, main)), ids)
        if len(ids):
            rows = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dimension)
            self.recent_ids = np.concatenate([self.recent_ids, ids])
            self.recent = np.vstack([self.recent, rows])
        self.shadowed = np.sort(_among(self.recent_ids, main))

    def fold(self) -> None:
        """Merge the recent part into the main one (which must be writable: not loaded ``mapped``)."""
        hidden = self._hidden()
        if len(hidden):
            self.remove(_among(hidden, self._main_ids()).tolist())
        self.add(self.recent_ids.tolist(), self.recent)
        self._no_recent()
        self.main_changed = True

    @property
    def kind(self) -> str:
        return IVF if isinstance(self.index, faiss.IndexIVF) else EXACT

    @property
    def lists(self) -> int:
        return int(self.index.nlist) if self.kind == IVF else 0

    @property
    def tolerance(self) -> float:
        """How far a stored vector may come back from the index: float16 keeps about three digits."""
        return 1e-6 if self.kind == EXACT else 2e-3

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Add to the main part (a build; :meth:`change` for an update)."""
        if len(ids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dimension)
        self.index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))
        self.main_changed = True

    def remove(self, ids: Sequence[int]) -> None:
        """Remove from the main part."""
        if len(ids):
            self.main_changed = True
            # The id table of an inverted file removes only an explicit array of ids.
            wanted = np.asarray(ids, dtype=np.int64)
            selector = faiss.IDSelectorArray(wanted) if self.kind == IVF else faiss.IDSelectorBatch(wanted)
            self.index.remove_ids(selector)

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
        if self.kind == IVF and among is not None and len(among) <= FILTER_EXACT:
            return self._exact_among(query[0], k, among)
        found = self._search_main(query, k, among)
        if len(self.recent_ids):
            allowed = (
                np.isin(self.recent_ids, np.asarray(among, dtype=np.int64)) if among is not None else None
            )
            ids = self.recent_ids if allowed is None else self.recent_ids[allowed]
            found = _merged(
                found, ids, (self.recent if allowed is None else self.recent[allowed]) @ query[0], k
            )
        return found

    def held_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of everything held, in no particular order: an exact index's own arrays,
        the recent part's appended (read from the file when mapped, never copied from SQLite)."""
        if self.kind != EXACT:
            raise ValueError("only an exact index lays its vectors out as a matrix")
        main_ids = self._main_ids()
        flat = faiss.downcast_index(self.index.index)
        vectors = faiss.rev_swig_ptr(flat.get_xb(), len(main_ids) * self.dimension).reshape(
            -1, self.dimension
        )
        if not self.recent_size:
            return main_ids, vectors
        keep = ~np.isin(main_ids, self._hidden())
        return np.concatenate([main_ids[keep], self.recent_ids]), np.vstack([vectors[keep], self.recent])

    def search_many(self, queries: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        """:meth:`search` for each row of ``queries`` at once (FAISS's own threads across them)."""
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dimension)
        if len(self) == 0 or k <= 0 or not len(queries):
            return [[] for _ in queries]
        hidden = self._hidden()
        kept = [faiss.IDSelectorBatch(hidden)] if len(hidden) else []
        selector = faiss.IDSelectorNot(kept[0]) if kept else None
        if self.kind == IVF:
            params = faiss.SearchParametersIVF(nprobe=min(PROBES, self.lists), sel=selector)
        else:
            params = faiss.SearchParameters(sel=selector)
        found = [[] for _ in queries]
        if self.index.ntotal:
            scores, ids = self.index.search(queries, min(k, int(self.index.ntotal)), params=params)
            found = [
                [(int(i), float(c)) for i, c in zip(row, cos) if i != -1] for row, cos in zip(ids, scores)
            ]
        if len(self.recent_ids):
            found = [
                _merged(hits, self.recent_ids, scores, k)
                for hits, scores in zip(found, queries @ self.recent.T)
            ]
        return found

    def _search_main(self, query: np.ndarray, k: int, among: Sequence[int] | None) -> list[tuple[int, float]]:
        if self.index.ntotal == 0:
            return []
        inverted = self.kind == IVF
        hidden = self._hidden()
        # One query: threads only add synchronisation, which a busy machine makes costly.
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            # The selectors must outlive the search: the parameters hold only pointers to them.
            kept = []
            selector = None if among is None else faiss.IDSelectorBatch(np.asarray(among, dtype=np.int64))
            if len(hidden):
                kept = [faiss.IDSelectorBatch(hidden)]
                kept.append(faiss.IDSelectorNot(kept[0]))
                if selector is not None:
                    kept.append(selector)
                    selector = faiss.IDSelectorAnd(selector, kept[1])
                else:
                    selector = kept[1]
            if inverted:
                probes = min(PROBES, self.lists)
                # Fewer allowed vectors in each list: probe more lists to meet k of them.
                if among is not None:
                    probes = min(self.lists, int(probes * len(self) / len(among)))
                params = faiss.SearchParametersIVF(nprobe=probes, sel=selector)
            else:
                params = faiss.SearchParameters(sel=selector)
            scores, ids = self.index.search(query, min(k, int(self.index.ntotal)), params=params)
        finally:
            faiss.omp_set_num_threads(threads)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i != -1]

    def _exact_among(self, query: np.ndarray, k: int, among: Sequence[int]) -> list[tuple[int, float]]:
        held = np.intersect1d(np.asarray(among, dtype=np.int64), self.id_array())
        if len(held) == 0:
            return []
        scores = self._vectors_of(held) @ query
        order = np.argsort(-scores, kind="stable")[:k]
        return [(int(held[i]), float(scores[i])) for i in order]

    def save(self, path: Path) -> None:
        """Write atomically and durably: after a crash at any point, the old file or the new one.

        The main part is written only when it changed (or is not there); the recent part goes to
        :func:`recent_file`, stamped with the main part it was made against, so a recent file left
        beside another main file (a crash between the two writes) is not read."""
        if self.main_changed or not path.exists():
            replace_atomically(path, lambda tmp: faiss.write_index(self.index, tmp))
            self.main_changed = False
        recent = recent_file(path)
        if not self.recent_size:
            recent.unlink(missing_ok=True)
            return

        def write(tmp: str) -> None:
            with open(tmp, "wb") as out:
                np.savez(
                    out, ids=self.recent_ids, vectors=self.recent, dropped=self.dropped, stamp=self._stamp()
                )

        replace_atomically(recent, write)

    def _stamp(self) -> np.ndarray:
        """Which main part this is: its count and two sums of its ids (a different set of ids, a different stamp)."""
        ids = self._main_ids()
        return np.array([len(ids), int(ids.sum()), int((ids * ids).sum())], dtype=np.int64)

    def ids(self) -> list[int]:
        """The mention ids held (in the order added, for an exact index)."""
        return [int(i) for i in self.id_array()]

    def id_array(self) -> np.ndarray:
        """Every id held, the recent part's included."""
        main = self._main_ids()
        if not self.recent_size:
            return main
        return np.concatenate([np.setdiff1d(main, self._hidden(), assume_unique=True), self.recent_ids])

    def _main_ids(self) -> np.ndarray:
        if self.kind == EXACT:
            return faiss.vector_to_array(self.index.id_map)
        lists = self.index.invlists
        parts = [
            faiss.rev_swig_ptr(lists.get_ids(i), lists.list_size(i)).copy()
            for i in range(self.lists)
            if lists.list_size(i)
        ]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def vector(self, mention_id: int) -> np.ndarray:
        return self._vectors_of(np.array([mention_id], dtype=np.int64))[0]

    def _vectors_of(self, ids: np.ndarray) -> np.ndarray:
        out = np.empty((len(ids), self.dimension), dtype=np.float32)
        recent = np.isin(ids, self.recent_ids)
        if recent.any():
            row = {int(i): r for r, i in enumerate(self.recent_ids)}
            out[recent] = self.recent[[row[int(i)] for i in ids[recent]]]
        if (~recent).any():
            out[~recent] = self.index.reconstruct_batch(ids[~recent])
        return out

    @classmethod
    def load(cls, path: Path, *, mapped: bool = False) -> VectorIndex:
        """The index saved at ``path``; ``mapped`` maps an inverted file's lists from the file instead
        of reading them (0.012 s against 0.106 s for 200,000 vectors), for searching only."""
        index = cls.__new__(cls)
        index.index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP if mapped else 0)
        index.dimension = index.index.d
        index._no_recent()
        index.main_changed = False
        recent = recent_file(path)
        try:
            with np.load(recent, allow_pickle=False) as saved:
                if np.array_equal(saved["stamp"], index._stamp()):
                    index.recent_ids, index.recent = saved["ids"], saved["vectors"]
                    index.dropped = saved["dropped"]
                    index.shadowed = np.sort(_among(index.recent_ids, index._main_ids()))
        except (OSError, ValueError, KeyError):  # none, or damaged: the database check finds what it lacks
            pass
        return index


def _merged(
    found: list[tuple[int, float]], ids: np.ndarray, scores: np.ndarray, k: int
) -> list[tuple[int, float]]:
    """The best ``k`` of ``found`` (the main part's hits) and the recent part's ``ids`` scored ``scores``."""
    if len(scores) > k:  # only the recent part's best k can make the merged top k
        best = np.argpartition(-scores, k - 1)[:k]
        ids, scores = ids[best], scores[best]
    return sorted(found + list(zip(ids.tolist(), scores.tolist())), key=lambda hit: -hit[1])[:k]


def _among(ids: np.ndarray, held: np.ndarray) -> np.ndarray:
    """Those of ``ids`` in ``held``. (``np.intersect1d`` first makes both unique, by hashing: half
    a second for a million ids, where this lookup takes milliseconds.)"""
    ids = np.asarray(ids, dtype=np.int64)
    return ids[np.isin(ids, held)]


def recent_file(path: Path) -> Path:
    """Where the recent part of the index saved at ``path`` goes."""
    return path.with_name(path.name + "-recent.npz")


@dataclass(frozen=True)
class Held:
    """Which of each mention's vectors an index holds, and the file beside the database it is saved to."""

    column: str  # db.crud.VECTOR_COLUMNS
    suffix: str

    def stale(self, session: Session) -> bool:
        """Whether some mention lacks its vector of the current model (only search vectors can)."""
        if self.column != "search_embedding":
            return False
        from claims.embed.search_model import search_model_name

        return crud.search_vectors_stale(session, model=search_model_name())


SEARCH = Held("search_embedding", ".faiss")  # the search model's vectors: what a query is matched against
LINK = Held("embedding", ".link.faiss")  # the link model's: where relinking finds each mention's nearest


def index_path(engine: Engine, held: Held = SEARCH) -> Path | None:
    file = db_file(engine)
    return file.with_name(file.name + held.suffix) if file else None


def build(engine: Engine, held: Held = SEARCH) -> VectorIndex:
    """A fresh index of every mention's vector, embedding first the search vectors missing or stale
    (:func:`claims.embed.search_vectors.refresh`)."""
    if held == SEARCH:
        from claims.embed.search_vectors import refresh

        refresh(engine)
    with Session(engine) as session:
        ids = crud.vector_ids(session, column=held.column)
        if kind_for(len(ids)) == EXACT:
            index = VectorIndex()
        else:
            sample = crud.vectors_of(
                session, column=held.column, mention_ids=[ids[i] for i in training_rows(len(ids))]
            )
            training = np.vstack([from_bytes(vector) for vector in sample.values()])
            index = VectorIndex(training=training, lists=lists_for(len(ids)))
        for rows in crud.vector_batches(session, column=held.column):
            index.add([r[0] for r in rows], np.vstack([from_bytes(r[1]) for r in rows]))
    return index


def _save(index: VectorIndex, path: Path | None) -> None:
    if path is not None:
        try:
            index.save(path)
        except (OSError, RuntimeError):  # a folder or a read-only disk where the cache goes
            pass


def rebuild(engine: Engine, held: Held = SEARCH) -> VectorIndex:
    """Rebuild the index from the database and save it beside the database (when it can be)."""
    index = build(engine, held)
    _save(index, index_path(engine, held))
    return index


def update(
    engine: Engine,
    *,
    changed: Collection[int] = (),
    held: Held = SEARCH,
    complete: tuple[int, int] | None = None,
) -> VectorIndex:
    """Bring the saved index in step with the database, touching only what moved, and save it.

    New mentions' vectors are added, removed mentions' dropped and ``changed`` ones (embedded again)
    replaced, so an ingest costs what it adds, not the archive's size. The index is rebuilt
    instead when there is none to start from, or when its kind or its lists no longer fit the size
    (:func:`kind_for`, :func:`lists_for`: the lists are trained again each time the archive has grown
    fourfold, so the cost of retraining stays a constant share of each mention's).

    Args:
        complete: (how many mentions hold the vector, the highest of their ids), given when
            ``changed`` lists every mention added, removed or re-embedded since the index was saved,
            as relinking's dirty list does. Only those mentions are read then. Every stored id is
            read (at a million mentions, seconds) only when the index so changed would not hold
            that many ids up to that one: something was written past the list.
    """
    path = index_path(engine, held)
    try:  # mapped: an update that only adds to the recent part never reads the main part's vectors
        index = VectorIndex.load(path, mapped=True) if path is not None and path.exists() else None
    except Exception:  # a damaged file: it is only a cache
        index = None
    if index is None or index.dimension != DIMENSION:
        return rebuild(engine, held)
    with Session(engine) as session:
        kept = index.id_array()
        drop = rows = None
        if complete is not None:
            listed = sorted({int(i) for i in changed})
            rows = _stored_rows(session, held, listed)
            drop = _among(np.asarray(listed, dtype=np.int64), kept)
            added = np.asarray([r[0] for r in rows], dtype=np.int64)
            left = kept[~np.isin(kept, drop)]
            count = len(left) + len(added)
            if (count, int(max(left.max(initial=0), added.max(initial=0)))) != tuple(complete):
                drop = rows = None
        if drop is None:
            stored = np.asarray(crud.vector_ids(session, column=held.column), dtype=np.int64)
            again = _among(np.asarray(sorted(changed), dtype=np.int64), kept)
            drop = np.union1d(np.setdiff1d(kept, stored, assume_unique=True), again)
            add = np.union1d(np.setdiff1d(stored, kept, assume_unique=True), again)
            count = len(stored)
        kind = kind_for(count)
        if index.kind != kind or (kind == IVF and lists_for(count) >= 2 * index.lists):
            return rebuild(engine, held)
        if rows is None:
            rows = _stored_rows(session, held, add.tolist())
    vectors = np.vstack([from_bytes(r[1]) for r in rows]) if rows else None
    if not len(drop) and not rows:
        return index
    index.change(drop=drop, ids=[r[0] for r in rows], vectors=vectors)
    if index.recent_size > max(RECENT_MIN, RECENT_SHARE * len(index)):
        writable = VectorIndex.load(path)  # the main part in memory, to fold the recent part into
        writable.change(drop=drop, ids=[r[0] for r in rows], vectors=vectors)
        writable.fold()
        index = writable
    _save(index, path)
    return index


def _stored_rows(session: Session, held: Held, mention_ids: list[int]) -> list[tuple[int, bytes]]:
    return [
        row
        for batch in crud.vector_batches(session, column=held.column, mention_ids=mention_ids)
        for row in batch
    ]


SAMPLED = 64  # vectors of a saved index compared with the database's before it is trusted


def checked(engine: Engine, path: Path, held: Held = SEARCH) -> VectorIndex | None:
    """The saved index at ``path`` when it agrees with the database, else None.

    It must load, map ids as built, hold as many vectors as there are mentions with the same
    last id, and a sample of its vectors, spread over the file, must equal the stored ones.
    """
    try:
        index = VectorIndex.load(path, mapped=True)  # searched, never changed: update() loads its own
        ids = index.id_array()
    except Exception:  # a damaged file, a folder, an index of another kind: it is only a cache
        return None
    if index.dimension != DIMENSION or len(ids) != len(index):
        return None
    with Session(engine) as session:
        count, max_id = crud.mention_signature(session)
        if held.stale(session):
            return None
        if len(index) != count or (count and int(ids.max()) != max_id):
            return None
        sample = [
            int(ids[i]) for i in np.unique(np.linspace(0, len(ids) - 1, min(SAMPLED, len(ids))).astype(int))
        ]
        stored = crud.vectors_of(session, column=held.column, mention_ids=sample)
    for mention_id in sample:
        if mention_id not in stored:
            return None
        try:
            vector = index.index.reconstruct(mention_id)
        except RuntimeError:
            return None
        if not np.allclose(vector, from_bytes(stored[mention_id]), atol=index.tolerance):
            return None
    return index


def load_or_rebuild(engine: Engine, held: Held = SEARCH) -> VectorIndex:
    """The saved index when it passes :func:`checked`, else a rebuilt one.

    The file's age is not a test: a reviewer's verdict makes the database newer than the index
    without changing any vector, and at a million mentions a rebuild for that would take minutes.
    """
    path = index_path(engine, held)
    if path is not None and path.exists():
        index = checked(engine, path, held)
        if index is not None:
            return index
    return rebuild(engine, held)


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
