"""The public check-worthiness sets in ../shared/bench and a cache of their embeddings.

Read by the check-worthiness training and evaluation. The embeddings (also of
other texts the benchmarks embed) are cached in ``bench/.cache/`` (gitignored),
keyed by a hash of the model name and the texts, and computed exactly as the CLI
computes them: one ``Embedder.encode`` call over the texts of one file, in file order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]

BENCH = ROOT.parent / "shared" / "bench"
CACHE = ROOT / "bench" / ".cache"

FILES = {
    "claimbuster": BENCH / "claimbuster_cbd" / "sentences.tsv",
    "clef19_train": BENCH / "clef2019_t1_en" / "sentences.train.tsv",
    "clef19_test": BENCH / "clef2019_t1_en" / "sentences.test.tsv",
    "clef20_train": BENCH / "clef2020_t1_en" / "sentences.train.tsv",
    "clef20_dev": BENCH / "clef2020_t1_en" / "sentences.dev.tsv",
    "clef20_test": BENCH / "clef2020_t1_en" / "sentences.test.tsv",
}


@dataclass
class Split:
    name: str
    ids: list[str]
    texts: list[str]
    labels: np.ndarray
    vectors: np.ndarray | None = None


def read(path: Path) -> tuple[list[str], list[str], list[int]]:
    """ids, texts, labels of a TSV with a header: id, label, text (label optional).

    Read by the same function as ``python -m claims checkworthy --file``, so the
    texts are exactly the ones the CLI scores.
    """
    from claims.factchecks.store import read_table

    rows = read_table(path)
    return [r["id"] for r in rows], [r["text"] for r in rows], [int(r.get("label") or 0) for r in rows]


def cached_vectors(texts: list[str], embedder=None, *, progress: bool = True) -> np.ndarray:
    """The embedder's vectors for ``texts``, from bench/.cache when computed before."""
    from claims.embed.encoder import MODEL_NAME, default_embedder

    digest = hashlib.sha256("\n".join([MODEL_NAME, *texts]).encode("utf-8")).hexdigest()[:20]
    path = CACHE / f"{MODEL_NAME}-{digest}.npy"
    if path.exists():
        return np.load(path)
    embedder = embedder or default_embedder()
    vectors = embedder.encode(texts, progress=progress)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def load(name: str, *, vectors: bool = True) -> Split:
    ids, texts, labels = read(FILES[name])
    split = Split(name, ids, texts, np.asarray(labels, dtype=np.int64))
    if vectors:
        split.vectors = cached_vectors(texts)
    return split
