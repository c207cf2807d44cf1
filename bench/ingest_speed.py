"""Ingest throughput against the embedding model alone, on the same real articles, in one run.

    .venv/bin/python -m bench.ingest_speed

The articles are real news: the five seeds and both news_dev stories (../shared/seeds,
../shared/bench/news_dev), 25 articles. Each run ingests all of them into a fresh database in
one call, through ``claims.ingest.pipeline.ingest`` with the models already loaded (a warm-up
ingest of one seed into another file loads them first, as a long-running process would have).

Against it, in the same process: the bundled model's ``encode`` of the mentions the ingest
stored (their texts, batch 64), which is the floor the issue measures against. A second ingest,
under cProfile, says where the rest of the time goes; cProfile slows pure-Python code more than
the model, so its shares are read as shares of the profiled run, not of the plain one.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sqlite3
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SOURCES = [
    SHARED / "seeds",
    SHARED / "bench" / "news_dev" / "story_a",
    SHARED / "bench" / "news_dev" / "story_b",
]

# Where the profiled ingest's time goes: (label, file name ending, function name), cumulative.
STAGES = [
    ("load and clean the articles", "ingest/sources.py", "load"),
    ("extract claims (sentences, spaCy, attribution)", "extract/detect.py", "extract"),
    ("extraction, link-model encode and scores together", "claims/ingest/store.py", "extract_mentions"),
    ("check-worthiness scores", "checkworthy/model.py", "score"),
    ("store articles and mentions", "claims/ingest/store.py", "store_article"),
    ("relink what the new mentions reach", "claims/link/relink.py", "relink"),
    ("encode texts and paragraphs, search model", "claims/embed/search_vectors.py", "refresh"),
    ("update the FAISS index", "claims/embed/index.py", "update"),
    ("every model encode (both models)", "claims/embed/encoder.py", "encode"),
]


def articles() -> list[str]:
    return [str(p) for folder in SOURCES for p in sorted(folder.glob("[0-9]*.txt"))]


def mention_texts(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT text FROM mention ORDER BY id")]


def cumulative(profile: cProfile.Profile) -> dict[str, float]:
    stats = pstats.Stats(profile).stats  # {(file, line, name): (calls, prims, tottime, cumtime, callers)}
    found = {}
    for label, ending, name in STAGES:
        found[label] = sum(
            cum
            for (file, _line, function), (_cc, _nc, _tt, cum, _callers) in stats.items()
            if function == name and file.endswith(ending)
        )
    return found


def main() -> None:
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    from claims.embed.encoder import default_embedder
    from claims.ingest.pipeline import ingest
    from db.session import get_engine

    sources = articles()
    embedder = default_embedder()
    with tempfile.TemporaryDirectory() as folder:
        warm = get_engine(Path(folder) / "warm.db")
        ingest(warm, [str(SHARED / "seeds" / "000_2c6a2b4a34e50d85.txt")], embedder=embedder)
        warm.dispose()

        path = Path(folder) / "plain.db"
        engine = get_engine(path)
        started = time.perf_counter()
        report = ingest(engine, sources, embedder=embedder)
        took = time.perf_counter() - started
        engine.dispose()
        assert report.ok, [r for r in report.results if r.status.value == "failed"]
        texts = mention_texts(path)

        embedder.encode(texts[:64])
        started = time.perf_counter()
        embedder.encode(texts)
        alone = time.perf_counter() - started

        engine = get_engine(Path(folder) / "profiled.db")
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        ingest(engine, sources, embedder=embedder)
        profile.disable()
        profiled = time.perf_counter() - started
        engine.dispose()

    print(f"{len(sources)} articles, {len(texts)} mentions stored")
    print(f"ingest (models loaded): {took:.1f} s, {len(texts) / took:.1f} mentions/s")
    print(f"model.encode alone on the mentions' texts: {alone:.1f} s, {len(texts) / alone:.1f} mentions/s")
    print(f"ingest throughput / encode throughput: {alone / took:.2f} (bar 0.67)")
    print(f"\nprofiled ingest: {profiled:.1f} s; cumulative time by stage (stages nest: the last row holds")
    print("the encodes inside the 'encode' rows above it)")
    for label, seconds in cumulative(profile).items():
        print(f"  {label:<48} {seconds:6.1f} s  {100 * seconds / profiled:5.1f} %")


if __name__ == "__main__":
    main()
