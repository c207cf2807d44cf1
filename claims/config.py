"""Thresholds in one place. Each can be overridden by an environment variable
of the same name with a ``CLAIMS_`` prefix (e.g. ``CLAIMS_AUTO_LINK=0.85``).

The linking thresholds were chosen from the similarities measured on the seed
articles (docs/BENCHMARKS.md, "Choosing the link thresholds").
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

# The shipped model files (claims/models/NOTE.md says how each was trained).
MODELS = Path(__file__).resolve().parent / "models"


@dataclass(frozen=True)
class Settings:
    # Cosine similarity at or above which a new mention joins an existing tracked claim.
    auto_link: float = 0.82
    # Between this and auto_link, the mention starts its own claim and a link is suggested.
    suggest_link: float = 0.72
    # Claims shorter than this (in words) never auto-link on similarity alone: the speaker must agree too.
    short_claim_words: int = 8
    # Check-worthiness below which a statement is not kept as a claim.
    checkworthy: float = 0.5
    # Bounds on one article, so that one huge or hostile document cannot hold the machine: a file or
    # download larger than this is refused unread...
    max_file_bytes: int = 5_000_000
    # ...and so is an article whose text after cleaning is longer (a long feature is about 50,000).
    max_chars: int = 300_000
    # ...and one of more sentences than this (each is a candidate claim to score and embed).
    max_sentences: int = 10_000
    # A longer article is parsed in parts of about this many characters, so memory stays flat with length.
    part_chars: int = 20_000
    # Wall-clock seconds for downloading one URL, connecting and redirects included: a server that
    # trickles its page cannot hold an ingest.
    fetch_seconds: float = 30.0
    # Another link model's file (as bench/train_linking.py writes them) instead of the shipped one:
    # the leave-one-story-out evaluation links each story with a model fitted without it.
    link_model: str = ""
    # The search and link indexes are exact up to this many vectors and inverted files (IVF) above: exact search over
    # 100,000 vectors takes about 10 ms a query here, over a million 65 ms (docs/BENCHMARKS.md, "Scale").
    exact_index_limit: int = 100_000


def settings() -> Settings:
    values = {}
    for f in fields(Settings):
        raw = os.environ.get(f"CLAIMS_{f.name.upper()}")
        if raw is not None:
            values[f.name] = type(f.default)(raw)
    return Settings(**values)
