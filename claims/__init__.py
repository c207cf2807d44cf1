"""Claim workbench: ingest news articles, extract claims with their speakers,
link the same claim across sources, search, review and export.

The public API; the CLI (``python -m claims``) and the UI sit on these.
"""

from claims.checkworthy import Scorer, default_scorer, load_scorer
from claims.embed import Embedder, default_embedder
from claims.export import CSV_COLUMNS, to_claimreview, to_csv
from claims.factchecks import (
    FactCheckMatch,
    attach_evidence,
    detach_evidence,
    matches_for_claim,
)
from claims.factchecks import import_file as import_factchecks
from claims.factchecks import match as match_factchecks
from claims.feedback import add_mention, drop_mention, explain, feedback_tsv, find_span
from claims.index import LiveIndex, load_or_rebuild, rebuild
from claims.ingest import IngestError
from claims.pipeline import IngestReport, ingest
from claims.review import (
    ConflictError,
    ReviewError,
    add_note,
    decide_suggestion,
    set_sourcing,
    set_status,
)
from claims.search import SearchResult, search
from claims.speaker_review import merge_speakers, rename_speaker, split_speaker

__all__ = [
    "CSV_COLUMNS",
    "ConflictError",
    "Embedder",
    "FactCheckMatch",
    "IngestError",
    "IngestReport",
    "LiveIndex",
    "ReviewError",
    "Scorer",
    "SearchResult",
    "add_mention",
    "add_note",
    "attach_evidence",
    "decide_suggestion",
    "default_embedder",
    "default_scorer",
    "detach_evidence",
    "drop_mention",
    "explain",
    "feedback_tsv",
    "find_span",
    "import_factchecks",
    "ingest",
    "load_or_rebuild",
    "load_scorer",
    "match_factchecks",
    "matches_for_claim",
    "merge_speakers",
    "rebuild",
    "rename_speaker",
    "search",
    "set_sourcing",
    "set_status",
    "split_speaker",
    "to_claimreview",
    "to_csv",
]
