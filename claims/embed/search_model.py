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
(:func:`claims.search.vectors.refresh`). ``$CLAIMS_SEARCH_ADAPTERS`` names
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
        data = Path(adapters).read_bytes()
        with np.load(adapters, allow_pickle=False) as stored:
            params = {key: stored[key] for key in stored.files}
        if not merge(self.model[0].auto_model, params, "lora", float(params["lora_scale"])):
            raise ValueError(f"{adapters}: no LoRA matrices (lora.<layer>.<module>.A) in it")
        self.model.eval()
        self.name = f"{MODEL_NAME}+search-{hashlib.sha256(data).hexdigest()[:12]}"


@lru_cache(maxsize=1)
def search_embedder() -> Embedder:
    """One search model per process: the shipped adapters, ``$CLAIMS_SEARCH_ADAPTERS``, or the bundled model
    when that says ``none`` or no adapters file exists."""
    choice = os.environ.get("CLAIMS_SEARCH_ADAPTERS", "")
    if choice.lower() == "none":
        return default_embedder()
    path = Path(choice) if choice else ADAPTERS
    if not path.exists():
        if choice:
            raise FileNotFoundError(f"$CLAIMS_SEARCH_ADAPTERS: {path} does not exist")
        return default_embedder()
    return SearchEmbedder(path)
