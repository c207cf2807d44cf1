"""Extraction scored against a gold corpus, through the loading and extraction code of ingestion."""

from __future__ import annotations

from pathlib import Path


def evaluate(gold_path: Path, folder: Path, embedder=None):
    """(figures, per-article scores) for one corpus."""
    from claims.embed.encoder import default_embedder
    from claims.eval.goldset import figures, load_gold, match
    from claims.extract.speakers import SpeakerBook
    from claims.ingest.pipeline import extract_mentions
    from claims.ingest.sources import load

    gold = load_gold(gold_path)
    names = sorted(gold.articles)
    articles = [load(str(folder / name)) for name in names]
    extracted = extract_mentions(articles, book=SpeakerBook(), embedder=embedder or default_embedder())
    scores = [match(mentions, gold.articles[name]) for name, (mentions, _) in zip(names, extracted)]
    return figures(scores), scores
