"""The model search embeds with: the bundled encoder with low-rank weights for news paraphrase added.

all-MiniLM-L6-v2 as shipped misses much of how outlets re-word a statement and
how fact-checkers type it. ``claims/models/search.npz`` holds LoRA matrices
(``lora.<layer>.<module>.A`` rank x in, ``.B`` out x rank, float16, scaled by
``lora_scale``), trained by ``bench/train_search.py`` on paraphrase pairs the
team wrote (``bench/data/search_pairs.tsv``). They are merged into the weights
of a second copy of the bundled model; the shared one, which linking, claim
matching and check-worthiness use, is never touched.

Queries, claim texts and their paragraphs are all embedded by this model, so
every stored search vector records the model's name (:attr:`SearchEmbedder.name`,
which carries the adapters' digest); vectors of another name are embedded again
(:func:`claims.embed.search_vectors.refresh`). ``$CLAIMS_SEARCH_ADAPTERS`` names
another adapters file, or ``none`` for the bundled model as shipped.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from claims.config import MODELS
from claims.embed.encoder import MODEL_NAME, Embedder, default_embedder
from claims.embed.lora import merge

ADAPTERS = MODELS / "search.npz"


class SearchEmbedder(Embedder):
    """An :class:`~claims.embed.encoder.Embedder` whose model has the search adapters merged in."""

    def __init__(self, adapters: Path = ADAPTERS, device: str = "cpu"):
        super().__init__(device=device)
        with np.load(adapters, allow_pickle=False) as stored:
            params = {key: stored[key] for key in stored.files}
        if not merge(self.model[0].auto_model, params, "lora", float(params["lora_scale"])):
            raise ValueError(f"{adapters}: no LoRA matrices (lora.<layer>.<module>.A) in it")
        self.model.eval()
        self.name = name_of(Path(adapters))


def _adapters() -> Path | None:
    """The adapters file search uses, or None for the bundled model as shipped."""
    choice = os.environ.get("CLAIMS_SEARCH_ADAPTERS", "")
    if choice.lower() == "none":
        return None
    path = Path(choice) if choice else ADAPTERS
    if not path.exists():
        if choice:
            raise FileNotFoundError(f"$CLAIMS_SEARCH_ADAPTERS: {path} does not exist")
        return None
    return path


def name_of(adapters: Path | None) -> str:
    if adapters is None:
        return MODEL_NAME
    return f"{MODEL_NAME}+search-{hashlib.sha256(adapters.read_bytes()).hexdigest()[:12]}"


def search_model_name() -> str:
    """The name :func:`search_embedder` would have, without loading a model."""
    return name_of(_adapters())


@lru_cache(maxsize=1)
def search_embedder() -> Embedder:
    """One search model per process: the shipped adapters, ``$CLAIMS_SEARCH_ADAPTERS``, or the bundled model
    when that says ``none`` or no adapters file exists."""
    adapters = _adapters()
    return default_embedder() if adapters is None else SearchEmbedder(adapters)


def _exported(name: str) -> Path:
    from claims.embed import onnx_query

    return onnx_query.cache_dir() / f"{name}.onnx"


def query_encoder_ready() -> bool:
    """Whether :func:`query_encoder` finds the search model exported already (else it exports
    it first, about ten seconds: a command says so before it waits)."""
    return _exported(search_model_name()).exists()


@lru_cache(maxsize=1)
def query_encoder():
    """What encodes search queries: the search model through ONNX Runtime (:mod:`claims.embed.onnx_query`),
    exported and checked against torch on first use; torch's :func:`search_embedder` if that fails."""
    from claims.embed import onnx_query

    name = search_model_name()
    target = _exported(name)
    try:
        if target.exists():
            return onnx_query.OnnxQueryEncoder(target, name)
        torch_model = search_embedder()
        onnx_query.export(torch_model, target)
        encoder = onnx_query.OnnxQueryEncoder(target, name)
        if onnx_query.agrees(encoder, torch_model):
            return encoder
        target.unlink(missing_ok=True)
    # No runtime, a read-only cache, an export that failed: torch encodes the queries as before.
    except (ImportError, OSError, RuntimeError, ValueError):
        pass
    return search_embedder()
