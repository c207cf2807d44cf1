"""Claim workbench: ingest news articles, extract claims with their speakers,
link the same claim across sources, search, review and export.

The public API; the CLI (``python -m claims``) and the UI sit on these. Each name is imported
on first use (PEP 562), so ``import claims`` and ``python -m claims --help`` do not load
torch, FAISS and SQLAlchemy for a command that needs none of them.
"""

from __future__ import annotations

import importlib
from typing import Any

# name -> (module, attribute): each imported on first use
_WHERE = {
    "CSV_COLUMNS": ("claims.export", "CSV_COLUMNS"),
    "ConflictError": ("claims.review.verdicts", "ConflictError"),
    "Drift": ("claims.provenance.drift", "Drift"),
    "Embedder": ("claims.embed.encoder", "Embedder"),
    "FactCheckMatch": ("claims.factchecks.store", "FactCheckMatch"),
    "Filters": ("claims.search.hybrid", "Filters"),
    "IngestError": ("claims.ingest.sources", "IngestError"),
    "IngestReport": ("claims.ingest.pipeline", "IngestReport"),
    "LiveIndex": ("claims.embed.index", "LiveIndex"),
    "ReviewError": ("claims.review.verdicts", "ReviewError"),
    "Scorer": ("claims.checkworthy.model", "Scorer"),
    "SearchResult": ("claims.search.hybrid", "SearchResult"),
    "add_mention": ("claims.review.feedback", "add_mention"),
    "add_note": ("claims.review.verdicts", "add_note"),
    "attach_evidence": ("claims.factchecks.store", "attach_evidence"),
    "citations": ("claims.provenance.sources", "citations"),
    "compare": ("claims.provenance.drift", "compare"),
    "decide_suggestion": ("claims.review.verdicts", "decide_suggestion"),
    "default_embedder": ("claims.embed.encoder", "default_embedder"),
    "default_scorer": ("claims.checkworthy.model", "default_scorer"),
    "detach_evidence": ("claims.factchecks.store", "detach_evidence"),
    "drift_flags": ("claims.provenance.drift", "drift_flags"),
    "drop_mention": ("claims.review.feedback", "drop_mention"),
    "explain": ("claims.review.feedback", "explain"),
    "feedback_tsv": ("claims.review.feedback", "feedback_tsv"),
    "find_span": ("claims.review.feedback", "find_span"),
    "first_appearance": ("claims.provenance.sources", "first_appearance"),
    "import_factchecks": ("claims.factchecks.store", "import_file"),
    "ingest": ("claims.ingest.pipeline", "ingest"),
    "load_or_rebuild": ("claims.embed.index", "load_or_rebuild"),
    "load_scorer": ("claims.checkworthy.model", "load_scorer"),
    "match_factchecks": ("claims.factchecks.store", "match"),
    "matches_for_claim": ("claims.factchecks.store", "matches_for_claim"),
    "merge_claims": ("claims.review.regroup", "merge_claims"),
    "merge_speakers": ("claims.review.speakers", "merge_speakers"),
    "move_mention": ("claims.review.regroup", "move_mention"),
    "rebuild": ("claims.embed.index", "rebuild"),
    "rebuild_keywords": ("claims.search.keywords", "rebuild_keywords"),
    "relink": ("claims.link.relink", "relink"),
    "rename_speaker": ("claims.review.speakers", "rename_speaker"),
    "resolve_speakers": ("claims.search.query", "resolve_speakers"),
    "search": ("claims.search.hybrid", "search"),
    "set_sourcing": ("claims.review.verdicts", "set_sourcing"),
    "set_status": ("claims.review.verdicts", "set_status"),
    "split_mentions": ("claims.review.regroup", "split_mentions"),
    "split_speaker": ("claims.review.speakers", "split_speaker"),
    "timeline": ("claims.provenance.sources", "timeline"),
    "to_claimreview": ("claims.export", "to_claimreview"),
    "to_csv": ("claims.export", "to_csv"),
    "word_diff": ("claims.provenance.drift", "word_diff"),
    "wordings": ("claims.provenance.sources", "wordings"),
}

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


# Two subpackages share their names with functions of the API (claims.ingest, claims.search). Loading
# them now and unbinding them makes those names the functions, whenever the subpackages are used.
for _package in ("ingest", "search"):
    importlib.import_module(f"claims.{_package}")
    del globals()[_package]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'claims' has no attribute {name!r}")
    module, attribute = _WHERE[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
