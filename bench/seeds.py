"""Ingest the five seed articles into a fresh database and report the figures of
docs/BENCHMARKS.md: claims extracted, mentions per tracked claim, seconds per
article, sentences embedded per second, and the similarities behind the link
thresholds.

    .venv/bin/python -m bench.seeds [--seeds ../shared/seeds]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Same statement in two seed articles, by anchors of each side (our reading of the seeds).
SAME_CLAIM = [
    ("better than under Ashraf Ghani", "better than it was under (President) Ashraf Ghani"),
    ('situation in Kabul was "stabilizing"', "situation in Kabul “is stabilizing”"),
    ("already started to guard his embassy", "was already guarding his embassy"),
    ("reached out to the Taliban — which is banned", "reached out to the Taliban and hosted"),
    ('based on the "conduct" of the new authorities', 'based "on the conduct of the new authorities."'),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    args = parser.parse_args()

    import numpy as np
    from sqlmodel import Session

    from claims.config import settings
    from claims.embed.encoder import Embedder, from_bytes
    from claims.ingest.pipeline import ingest
    from db import crud
    from db.session import get_engine

    t0 = time.perf_counter()
    embedder = Embedder()
    load_seconds = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        engine = get_engine(Path(tmp) / "bench.db")
        report = ingest(engine, [str(args.seeds)], embedder=embedder)
        with Session(engine) as session:
            numbers = crud.counts(session)
            summaries = crud.claim_summaries(session)
            rows = crud.mention_rows(session)
        engine.dispose()

    articles = len(report.ingested)
    sizes = [s.mentions for s in summaries]
    print(f"articles ingested            {articles}")
    print(
        f"claims (mentions) extracted  {numbers['mentions']}  ({numbers['mentions'] / articles:.1f} per article)"
    )
    print(f"tracked claims               {numbers['tracked_claims']}")
    print(f"mentions per tracked claim   mean {statistics.mean(sizes):.2f}, max {max(sizes)}")
    print(f"claims in 2+ articles        {numbers['multi_source_claims']}")
    print(f"pending link suggestions     {numbers['pending_suggestions']}")
    print(f"model load                   {load_seconds:.2f} s (once per process)")
    print(f"seconds per article          {report.seconds / articles:.2f} (whole pipeline, model loaded)")
    print(
        f"extracted and embedded       {report.embedded} claims in {report.embed_seconds:.2f} s (spaCy parse and its first load included)"
    )

    # Link thresholds: where do same-claim pairs and the other cross-article pairs fall?
    config = settings()
    vectors = {r.mention.id: from_bytes(r.mention.embedding) for r in rows}
    gold_scores, gold_found = [], 0
    gold_pairs = set()
    for left, right in SAME_CLAIM:
        a = [r for r in rows if left in r.mention.text]
        b = [r for r in rows if right in r.mention.text]
        if a and b:
            gold_found += 1
            gold_pairs.add(frozenset((a[0].mention.id, b[0].mention.id)))
            same = a[0].claim.id == b[0].claim.id
            score = float(vectors[a[0].mention.id] @ vectors[b[0].mention.id])
            gold_scores.append(score)
            print(f"  same-claim pair  {score:.3f}  linked={same}  {left[:45]!r}")
    others = [
        float(vectors[x.mention.id] @ vectors[y.mention.id])
        for x, y in combinations(rows, 2)
        if x.article.id != y.article.id and frozenset((x.mention.id, y.mention.id)) not in gold_pairs
    ]
    others = np.array(others)
    print(
        f"same-claim pairs found       {gold_found}/{len(SAME_CLAIM)}, similarity min {min(gold_scores):.3f}"
    )
    print(
        f"other cross-article pairs    {len(others)}: >= auto_link {config.auto_link}: {(others >= config.auto_link).sum()}, "
        f">= suggest_link {config.suggest_link}: {(others >= config.suggest_link).sum()}, max {others.max():.3f}, p99 {np.quantile(others, 0.99):.3f}"
    )


if __name__ == "__main__":
    main()
