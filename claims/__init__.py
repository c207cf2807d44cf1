"""Claim workbench: ingest news articles, extract claims with their speakers,
link the same claim across sources, search, review and export.

The public API; the CLI (``python -m claims``) and the UI sit on these.
"""

from claims.checkworthy.model import Scorer, default_scorer, load_scorer
from claims.embed.encoder import Embedder, default_embedder
from claims.export import CSV_COLUMNS, to_claimreview, to_csv
from claims.factchecks.store import FactCheckMatch, attach_evidence, detach_evidence, matches_for_claim
from claims.factchecks.store import import_file as import_factchecks
from claims.factchecks.store import match as match_factchecks
from claims.ingest.pipeline import IngestReport, ingest
from claims.ingest.sources import IngestError
from claims.link.relink import relink
from claims.provenance.drift import Drift, compare, drift_flags, word_diff
from claims.provenance.sources import citations, first_appearance, timeline, wordings
from claims.review.feedback import add_mention, drop_mention, explain, feedback_tsv, find_span
from claims.review.regroup import merge_claims, move_mention, split_mentions
from claims.review.speakers import merge_speakers, rename_speaker, split_speaker
from claims.review.verdicts import (
    ConflictError,
    ReviewError,
    add_note,
    decide_suggestion,
    set_sourcing,
    set_status,
)
from claims.search.hybrid import Filters, SearchResult, search
from claims.search.index import LiveIndex, load_or_rebuild, rebuild
from claims.search.keywords import rebuild_keywords
from claims.search.query import resolve_speakers

__all__ = [
    "CSV_COLUMNS",
    "ConflictError",
    "Drift",
    "Embedder",
    "FactCheckMatch",
    "Filters",
    "IngestError",
    "IngestReport",
    "LiveIndex",
    "ReviewError",
    "Scorer",
    "SearchResult",
    "add_mention",
    "add_note",
    "attach_evidence",
    "citations",
    "compare",
    "decide_suggestion",
    "default_embedder",
    "default_scorer",
    "detach_evidence",
    "drift_flags",
    "drop_mention",
    "explain",
    "feedback_tsv",
    "find_span",
    "first_appearance",
    "import_factchecks",
    "ingest",
    "load_or_rebuild",
    "load_scorer",
    "match_factchecks",
    "matches_for_claim",
    "merge_claims",
    "merge_speakers",
    "move_mention",
    "rebuild",
    "rebuild_keywords",
    "relink",
    "rename_speaker",
    "resolve_speakers",
    "search",
    "set_sourcing",
    "set_status",
    "split_mentions",
    "split_speaker",
    "timeline",
    "to_claimreview",
    "to_csv",
    "word_diff",
    "wordings",
]
