"""The check-worthiness test splits, scored exactly as ``python -m claims checkworthy --file`` scores them."""

from __future__ import annotations

import numpy as np

from claims.train import checkworthy_data

TESTS = {
    "clef19_test": "clef2019_t1_en/sentences.test.tsv",
    "clef20_test": "clef2020_t1_en/sentences.test.tsv",
}


def split_scores(
    name: str, scorer=None, *, embedder=None, cache: bool = True
) -> tuple[checkworthy_data.Split, np.ndarray]:
    """A test split and its scores, computed exactly as the CLI computes them for that file."""
    from claims.checkworthy.model import default_scorer

    split = checkworthy_data.load(name, vectors=False)
    if cache:
        vectors = checkworthy_data.cached_vectors(split.texts, embedder)
    else:
        from claims.embed.encoder import default_embedder

        vectors = (embedder or default_embedder()).encode(split.texts)
    return split, (scorer or default_scorer()).score(split.texts, vectors)
