"""How long relinking takes as the archive grows: everything, and after one new article.

    .venv/bin/python -m bench.relink_scale                 # N = 1000, 3000, 10000
    .venv/bin/python -m bench.relink_scale --sizes 13000

Each store holds N mentions written straight into SQLite (bench.synthetic_store): real texts, the
CheckThat! 2021 task 2A verified claims (../shared/bench/clef2021_t2a_en/vclaims.tsv, 13,825 short
claims on many topics), with the bundled model's real vectors (cached in bench/.cache), one tracked
claim each, speakers taking turns. Per size:

- **all**: the first relinking of the store, which decides every mention (what every ingest did
  before relinking was incremental);
- **one article**: ten new mentions (the file's next ten claims) written as one article, then
  relinked: what an ingest adds now, and per new mention;
- **same**: everything is then relinked from nothing; "yes" when that moves no mention and leaves
  the same pending suggestions.

No model load, extraction, search vectors or FAISS file is counted.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
NEW = 10  # one article's mentions


def _state(engine) -> tuple[set, set]:
    """(tracked claims as sets of mention ids, pending suggestions as (mention, its claim's members))."""
    from sqlalchemy import text

    with engine.connect() as connection:
        claims: dict[int, set[int]] = {}
        for mention, claim in connection.execute(text("SELECT id, claim_id FROM mention")):
            claims.setdefault(claim, set()).add(mention)
        pending = connection.execute(
            text("SELECT mention_id, claim_id FROM link_suggestion WHERE state = 'pending'")
        ).all()
    return {frozenset(m) for m in claims.values()}, {(m, frozenset(claims[c])) for m, c in pending}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    args = parser.parse_args()

    from bench.synthetic_store import append_mentions, build_store
    from claims.link.relink import relink
    from claims.train.checkworthy_data import cached_vectors
    from db import link_state
    from db.session import get_engine, session_scope

    path = ROOT.parent / "shared" / "bench" / "clef2021_t2a_en" / "vclaims.tsv"
    with path.open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    vectors = cached_vectors(texts)
    print(
        f"{'mentions':>9} {'all s':>7} {'one article s':>14} {'per new mention ms':>19} "
        f"{'looked at':>10} {'tracked claims':>15} {'same':>5}"
    )
    for n in args.sizes:
        n = min(n, len(texts) - NEW) // 10 * 10
        with tempfile.TemporaryDirectory() as tmp:
            store = Path(tmp) / "relink.db"
            build_store(store, vectors[:n], np.arange(n), texts, model_name="bench")
            engine = get_engine(store)
            started = time.perf_counter()
            with session_scope(engine) as session:
                relink(session)
            everything = time.perf_counter() - started
            connection = sqlite3.connect(store)
            append_mentions(
                connection, vectors[: n + NEW], np.arange(n + NEW), texts, model_name="bench", first=n
            )
            connection.close()
            started = time.perf_counter()
            with session_scope(engine) as session:
                report = relink(session)
            one = time.perf_counter() - started
            after = _state(engine)
            with session_scope(engine) as session:
                link_state.forget(session.connection())
                again = relink(session)
            same = again.moved == 0 and _state(engine) == after
            engine.dispose()
        print(
            f"{n:>9} {everything:>7.2f} {one:>14.3f} {1000 * one / NEW:>19.1f} "
            f"{report.looked_at:>10} {len(after[0]):>15} {'yes' if same else 'NO':>5}"
        )


if __name__ == "__main__":
    main()
