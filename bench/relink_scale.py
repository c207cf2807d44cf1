"""How long relinking takes as the archive grows: everything, and after one new article.

    .venv/bin/python -m bench.relink_scale                 # N = 1000, 3000, 10000
    .venv/bin/python -m bench.relink_scale --sizes 13000
    .venv/bin/python -m bench.relink_scale --synthetic --sizes 10000 100000
    .venv/bin/python -m bench.relink_scale --synthetic --seeded --sizes 10000 1000000   # 14 min
    .venv/bin/python -m bench.relink_scale --synthetic --seeded --sizes 1000000 --profile

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

``--seeded`` skips relinking everything, which at a million mentions would take hours (a million
searches of the index and twenty million pair decisions): the stored neighbourhoods are written
straight in instead, as a relinking of everything would leave them but for two shortcuts. Each
mention's 20 nearest come from an inverted file probing 8 lists, so some are approximate, and its
component is its synthetic cluster. Then "one article" is measured as above and "same" is not
checked.

With ``--synthetic`` the vectors are bench.scale's sentence-like ones instead (clusters of about
five around mixtures of two real sentences' vectors, the mentions of a cluster sharing a real
text), so a store can be larger than the file. No model load, extraction, search vectors or FAISS
file is counted.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import json
import pstats
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


def _claim_count(engine) -> int:
    from sqlalchemy import text

    with engine.connect() as connection:
        return connection.execute(text("SELECT count(DISTINCT claim_id) FROM mention")).scalar_one()


def seed_state(path: Path, vectors: np.ndarray, claims: np.ndarray, engine) -> None:
    """Write the neighbourhoods a relinking of everything would leave, the cheap way (the docstring says how)."""
    import faiss
    from sqlmodel import Session

    from claims.embed.index import lists_for, training_rows
    from claims.link.clusters import default_link_model
    from claims.link.relink import fingerprint, recorded_inputs
    from claims.link.voices import stored_voices
    from db import crud

    model = default_link_model()
    k, n = model.candidates, len(vectors)
    ivf = faiss.IndexIVFFlat(
        faiss.IndexFlatIP(vectors.shape[1]), vectors.shape[1], lists_for(n), faiss.METRIC_INNER_PRODUCT
    )
    ivf.train(vectors[training_rows(n)])
    ivf.add(vectors)
    probes = faiss.SearchParametersIVF(nprobe=8)
    first_of = {}
    for row, claim in enumerate(claims.tolist()):
        first_of.setdefault(claim, row + 1)
    with Session(engine) as session:
        inputs = recorded_inputs(stored_voices(crud.speakers_with_aliases(session)), [])
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    with connection:
        for start in range(0, n, 50_000):
            block = vectors[start : start + 50_000]
            scores, ids = ivf.search(block, k + 1, params=probes)
            neighbours, nodes = [], []
            for offset, (found, cosines) in enumerate(zip(ids, scores)):
                row = start + offset
                listed = [(int(j) + 1, float(c)) for j, c in zip(found, cosines) if j != -1 and j != row][:k]
                neighbours += [(row + 1, rank, j, c) for rank, (j, c) in enumerate(listed)]
                kth = listed[-1][1] if len(listed) == k else -2.0
                nodes.append((row + 1, first_of[int(claims[row])], kth))
            connection.executemany("INSERT INTO link_neighbour VALUES (?, ?, ?, ?)", neighbours)
            connection.executemany("INSERT INTO link_node VALUES (?, ?, ?)", nodes)
        connection.execute(
            "INSERT INTO link_state(id, model, inputs) VALUES (1, ?, ?)", (fingerprint(model), inputs)
        )
        connection.execute("DELETE FROM link_dirty")
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--synthetic", action="store_true", help="sentence-like vectors, any size")
    parser.add_argument("--seeded", action="store_true", help="write the neighbourhoods, do not relink all")
    parser.add_argument(
        "--profile", action="store_true", help="print cProfile's top of each one-article relinking"
    )
    parser.add_argument("--json", action="store_true", help="one JSON line per size (bench.scale reads them)")
    parser.add_argument("--folder", default=None, help="where the stores go (default: a temporary folder)")
    args = parser.parse_args()

    from bench.synthetic_store import append_mentions, build_store
    from claims.embed import index as vector_index
    from claims.link.relink import relink
    from claims.train.checkworthy_data import cached_vectors
    from db import link_state
    from db.session import get_engine, session_scope

    path = ROOT.parent / "shared" / "bench" / "clef2021_t2a_en" / "vclaims.tsv"
    with path.open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    vectors = cached_vectors(texts)
    if args.synthetic:
        from bench.scale import sentence_like

        vectors, claims = sentence_like(max(args.sizes) + NEW, np.asarray(vectors, dtype=np.float32), seed=1)
    else:
        claims = np.arange(len(texts))
    if not args.json:
        print(
            f"{'mentions':>9} {'all s':>7} {'one article s':>14} {'per new mention ms':>19} "
            f"{'looked at':>10} {'tracked claims':>15} {'same':>5}"
        )
    for n in args.sizes:
        n = (n if args.synthetic else min(n, len(texts) - NEW)) // 10 * 10
        with tempfile.TemporaryDirectory(dir=args.folder) as tmp:
            store = Path(tmp) / "relink.db"
            build_store(store, vectors[:n], claims[:n], texts, model_name="bench")
            engine = get_engine(store)
            started = time.perf_counter()
            if args.seeded:
                seed_state(store, vectors[:n], claims[:n], engine)
                everything = float("nan")
                vector_index.update(
                    engine, held=vector_index.LINK
                )  # built once, as the first relinking would
            else:
                with session_scope(engine) as session:
                    relink(session)
                everything = time.perf_counter() - started
            connection = sqlite3.connect(store)
            append_mentions(
                connection, vectors[: n + NEW], claims[: n + NEW], texts, model_name="bench", first=n
            )
            connection.close()
            profiler = cProfile.Profile() if args.profile else None
            started = time.perf_counter()
            with session_scope(engine) as session:
                if profiler:
                    profiler.enable()
                report = relink(session)
                if profiler:
                    profiler.disable()
            one = time.perf_counter() - started
            if profiler:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            claims_after = _claim_count(engine)
            same = "-"
            if not args.seeded:
                after = _state(engine)
                with session_scope(engine) as session:
                    link_state.forget(session.connection())
                    again = relink(session)
                same = "yes" if again.moved == 0 and _state(engine) == after else "NO"
            engine.dispose()
        if args.json:
            row = {
                "mentions": n,
                "one article s": round(one, 3),
                "per new mention ms": round(1000 * one / NEW, 1),
            }
            row |= {"looked at": report.looked_at, "tracked claims": claims_after}
            print(json.dumps(row), flush=True)
            continue
        print(
            f"{n:>9} {everything:>7.2f} {one:>14.3f} {1000 * one / NEW:>19.1f} "
            f"{report.looked_at:>10} {claims_after:>15} {same:>5}",
            flush=True,
        )


if __name__ == "__main__":
    main()
