"""Hybrid search: hit@1 of dense-only, keyword-only and fused retrieval on our
paraphrased queries (tests/data/search_queries.tsv, seeds and demo corpus), and
search latency on the seeds database. Figures go to docs/BENCHMARKS.md.

    .venv/bin/python -m bench.search [--seeds ../shared/seeds] [--repeat 5]

hit@1: the top result's tracked claim is the one holding the query's anchor.
The fused weighting (claims.search.hybrid.ALPHA, CONTEXT_WEIGHT, SPEAKER_BOOST) was
chosen on the even rows only ("tune" below); the odd rows ("held out") played
no part in choosing it.
Latency: wall time of ``claims.search.hybrid.search`` with the model and the index
loaded once (as the UI and a long-running process use it), and with the index
loaded from its file at each call (as one CLI call does after the model load).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "data" / "search_queries.tsv"

# (label, search keyword arguments)
METHODS = [
    ("dense only", {"mode": "dense"}),
    ("keyword only (BM25)", {"mode": "keyword"}),
    ("fused: RRF, k=60, equal weights", {"mode": "hybrid", "fusion": "rrf"}),
    (
        "fused as before session 9 (0.95/0.05, paragraph 0.5, no frame reading)",
        {"mode": "hybrid", "alpha": 0.95, "context": 0.5, "framing": False},
    ),
    ("frame not read (no speaker boost, query as typed)", {"mode": "hybrid", "framing": False}),
    (
        "as in session 9 (0.85 / 0.15, paragraph 0.4, boost 0.05)",
        {"mode": "hybrid", "alpha": 0.85, "context": 0.4, "speaker_boost": 0.05},
    ),
    (
        "chosen for the 750-pair search model (0.9 / 0.1, paragraph 0.5, boost 0.05)",
        {"mode": "hybrid", "context": 0.5, "speaker_boost": 0.05},
    ),
    ("frame read, 0.95 cosine + 0.05 BM25", {"mode": "hybrid", "alpha": 0.95}),
    ("frame read, 0.8 cosine + 0.2 BM25", {"mode": "hybrid", "alpha": 0.8}),
    ("frame read, no speaker boost", {"mode": "hybrid", "speaker_boost": 0.0}),
    ("fused (default)", {"mode": "hybrid"}),
]
FIRST_SET = (
    37  # rows 1-37 were the whole set while earlier weights were chosen; 38-77 were written blind after
)
SECOND_SET = 77  # rows 78-117 were written blind in session 10, after every weight here had been chosen


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--repeat", type=int, default=5, help="Timed passes over the queries.")
    parser.add_argument("--verbose", action="store_true", help="Print every miss of the default.")
    args = parser.parse_args()

    from sqlmodel import Session

    from claims.embed.encoder import Embedder
    from claims.embed.index import load_or_rebuild
    from claims.ingest.pipeline import ingest
    from claims.search.hybrid import search
    from db import crud
    from db.session import get_engine

    with QUERIES.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    embedder = Embedder()
    with tempfile.TemporaryDirectory() as tmp:
        # Quality: seeds and demo corpus together.
        engine = get_engine(Path(tmp) / "all.db")
        assert ingest(engine, [str(args.seeds), str(ROOT / "demo" / "articles")], embedder=embedder).ok
        index = load_or_rebuild(engine)
        with Session(engine) as session:
            mentions = crud.mention_rows(session)
        wanted = []
        for row in rows:
            claims = {m.claim.id for m in mentions if row["anchor"] in m.mention.text}
            assert len(claims) == 1, row
            wanted.append(claims.pop())
        halves = {
            "tune (even rows)": range(0, len(rows), 2),
            "held out (odd rows)": range(1, len(rows), 2),
            f"rows 1-{FIRST_SET}": range(min(FIRST_SET, len(rows))),
            f"rows {FIRST_SET + 1}-{SECOND_SET}": range(FIRST_SET, min(SECOND_SET, len(rows))),
            f"rows {SECOND_SET + 1}-": range(SECOND_SET, len(rows)),
            "all": range(len(rows)),
        }
        print(
            f"{len(rows)} queries ({sum(r['corpus'] == 'seeds' for r in rows)} seeds, {sum(r['corpus'] == 'demo' for r in rows)} demo), "
            f"{len(mentions)} mentions"
        )
        print(f"{'hit@1':72}" + "".join(f"{name:>22}" for name in halves))
        for label, options in METHODS:
            hits = []
            for i, row in enumerate(rows):
                top = search(engine, row["query"], k=1, index=index, **options)
                hits.append(bool(top) and top[0].cluster_id == wanted[i])
                if args.verbose and not hits[-1] and label.endswith("(default)"):
                    print(f"  miss: {row['query']!r} -> {top[0].text[:70] if top else None!r}")
            cells = [
                f"{sum(hits[i] for i in part)}/{len(part)} = {sum(hits[i] for i in part) / len(part):.3f}"
                for part in halves.values()
            ]
            print(f"{label:72}" + "".join(f"{cell:>22}" for cell in cells))
        engine.dispose()

        # Speed: the seeds database alone.
        engine = get_engine(Path(tmp) / "seeds.db")
        assert ingest(engine, [str(args.seeds)], embedder=embedder).ok
        index = load_or_rebuild(engine)
        queries = [row["query"] for row in rows]
        search(engine, queries[0], index=index)  # warm-up
        for label, loaded in (("model and index loaded", index), ("index read from file per call", None)):
            times = []
            for _ in range(args.repeat):
                for query in queries:
                    t0 = time.perf_counter()
                    search(engine, query, k=10, index=loaded)
                    times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            p95 = times[int(0.95 * (len(times) - 1))]
            print(
                f"latency, {label:30} p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  ({len(times)} searches, k=10)"
            )
        engine.dispose()
    print(
        f"load average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
