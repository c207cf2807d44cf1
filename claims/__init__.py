"""Claim workbench: ingest news articles, extract claims with their speakers,
link the same claim across sources, search, review and export.

The public API; the CLI (``python -m claims``) and the UI sit on these.
"""

from claims.checkworthy import Scorer, default_scorer, load_scorer
from claims.embed import Embedder, default_embedder
from claims.export import CSV_COLUMNS, to_claimreview, to_csv
from claims.index import LiveIndex, load_or_rebuild, rebuild
from claims.ingest import IngestError
from claims.pipeline import IngestReport, ingest
from claims.review import ConflictError, ReviewError, add_note, decide_suggestion, set_sourcing, set_status
from claims.search import SearchResult, search

__all__ = [
    "CSV_COLUMNS",
    "ConflictError",
    "Embedder",
    "IngestError",
    "IngestReport",
    "LiveIndex",
    "ReviewError",
    "Scorer",
    "SearchResult",
    "add_note",
    "decide_suggestion",
    "default_embedder",
    "default_scorer",
    "ingest",
    "load_or_rebuild",
    "load_scorer",
    "rebuild",
    "search",
    "set_sourcing",
    "set_status",
    "to_claimreview",
    "to_csv",
]
