"""Linking against the gold sets: pairwise precision, recall and F1 of the tracked claims
that ingestion builds, distinct pairs merged, suggestions, and whether another
ingest order gives the same tracked claims.

    .venv/bin/python -m bench.linking                 # seeds and demo gold
    .venv/bin/python -m bench.linking --verbose       # and every false and missed link
    .venv/bin/python -m bench.linking --json

Each corpus is ingested article by article through claims.ingest.pipeline.ingest into a
fresh SQLite file, in name order and then in reverse order into another one.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from claims.eval.corpora import CORPORA


def run(gold_path: Path, folder: Path, embedder, *, reverse: bool = False):
    from sqlmodel import Session

    from claims.eval.goldset import load_gold
    from claims.eval.linking import partition, score_links
    from claims.ingest.pipeline import ingest
    from db.session import get_engine

    gold = load_gold(gold_path)
    files = sorted(str(folder / name) for name in gold.articles)
    if reverse:
        files.reverse()
    with tempfile.TemporaryDirectory() as tmp:
        engine = get_engine(Path(tmp) / "bench.db")
        started = time.perf_counter()
        for path in files:
            report = ingest(engine, [path], embedder=embedder)
            if not report.ok:
                raise SystemExit(f"{path}: {report.failed[0].error}")
        seconds = time.perf_counter() - started
        with Session(engine) as session:
            figures, groups = score_links(session, gold), partition(session)
        engine.dispose()
    return figures, groups, seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", choices=sorted(CORPORA), action="append")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from claims.embed.encoder import default_embedder

    embedder = default_embedder()
    out = {}
    for name in args.corpus or list(CORPORA):
        gold_path, folder = CORPORA[name]
        figures, groups, seconds = run(gold_path, folder, embedder)
        _, reversed_groups, _ = run(gold_path, folder, embedder, reverse=True)
        row = figures.as_dict()
        row["same_clusters_in_reverse_order"] = groups == reversed_groups
        row["differing_clusters"] = len(groups ^ reversed_groups)
        row["ingest_seconds"] = round(seconds, 2)
        out[name] = row
        if args.verbose and not args.json:
            print(f"## {name}")
            for pair in figures.false_pairs:
                print("  false link  ", *pair)
            for pair in figures.missed_pairs:
                print("  missed link ", *pair)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    keys = list(next(iter(out.values())))
    names = list(out)
    print(f"{'figure':36}" + "".join(f"{n:>10}" for n in names))
    for key in keys:
        print(f"{key:36}" + "".join(f"{str(out[n][key]):>10}" for n in names))


if __name__ == "__main__":
    main()
