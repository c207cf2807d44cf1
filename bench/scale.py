"""How the workbench holds up as the archive grows: the search index and the database, 10,000 to 1,000,000 mentions.

    .venv/bin/python -m bench.scale                                  # index 10k, 100k, 1M; stores 100k, 1M; relinking 10k, 1M
    .venv/bin/python -m bench.scale --sizes 100000 --store-sizes --relink-sizes --probes 64 128 256

Embedding a million real sentences takes hours here, so the figures use synthetic vectors shaped
like real ones. The real vectors are the bundled model's of the CheckThat! 2021 task 2A verified
claims (../shared/bench/clef2021_t2a_en/vclaims.tsv). Two of them at a time are mixed into a
"claim", and each claim gets about five "mentions": the claim's vector plus a little noise, which
puts a mention at cosine 0.7 to 0.9 from its claim, as re-reports are. The queries are 200
held-out sentences: their real vectors, or their text where the model encodes it.

Index stage (``--sizes``), in this process:
- the build (training the lists and adding every vector) and the save;
- raw FAISS search p50 for one query, exact and as shipped, and the shipped index's recall@10
  against exact search;
- recall and p50 of the inverted file at other probe counts (``--probes``), which is how
  ``claims.embed.index.PROBES`` was chosen;
- what one article's ten new vectors cost the saved index: added to its recent part, against the
  whole file loaded and written again; and search p50 with the recent part at its largest;
and, in a fresh process: loading the saved index and the search model, encoding each query and
searching (p50), and that process's peak RSS (VmHWM).

Store stage (``--store-sizes``): a workbench database of that many mentions, written straight into
SQLite (bench/synthetic_store.py: real sentences as the texts, the synthetic vectors), then, each
in a fresh process: the index rebuilt from the database; search through ``claims.search.hybrid``
(query encoding, FAISS, keywords, the database fetch) against encoding plus raw FAISS; and
``python -m claims --help`` and ``python -m claims search`` from a cold start, with peak RSS; and
the reviewer UI through Streamlit's AppTest (the Queue page's first render, a rerun, page 2,
another order, a text and a speaker filter; the Speakers page; a claim's page; the Search page's
first query and its p50), with that process's peak RSS.

Relinking stage (``--relink-sizes``): bench.relink_scale with its sentence-like vectors and seeded
neighbourhoods, every size in the same fresh process: one article's ten new mentions relinked, the
time per new mention, and that against the smallest size's.

It prints a table per stage and draws docs/scale_search.png (time and memory against size).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = ROOT.parent / "shared" / "bench" / "clef2021_t2a_en" / "vclaims.tsv"
QUERIES = 200
K = 10


def real_sentences() -> tuple[list[str], np.ndarray]:
    from claims.train.checkworthy_data import cached_vectors

    with CLAIMS.open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    return texts, np.asarray(cached_vectors(texts), dtype=np.float32)


def sentence_like(count: int, real: np.ndarray, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``count`` unit vectors in clusters of about five around mixtures of two real sentences'
    vectors, and the cluster (tracked claim) of each."""
    rng = np.random.default_rng(seed)
    claims = max(1, count // 5)
    first, second = rng.integers(0, len(real), claims), rng.integers(0, len(real), claims)
    weight = rng.uniform(0.55, 0.9, (claims, 1)).astype(np.float32)
    centres = weight * real[first] + (1 - weight) * real[second]
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.empty((count, real.shape[1]), dtype=np.float32)
    cluster = rng.integers(0, claims, count)
    for start in range(0, count, 100_000):
        end = min(count, start + 100_000)
        noise = rng.uniform(0.02, 0.05, (end - start, 1)).astype(np.float32)
        out[start:end] = centres[cluster[start:end]]
        out[start:end] += rng.normal(size=(end - start, real.shape[1])).astype(np.float32) * noise
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out, cluster


def timed_searches(index, queries: np.ndarray) -> tuple[float, list[list[int]]]:
    """(p50 ms of one query, the ids found for each)."""
    times, found = [], []
    for query in queries:
        started = time.perf_counter()
        hits = index.search(query, K)
        times.append(time.perf_counter() - started)
        found.append([i for i, _ in hits])
    return float(np.median(times) * 1000), found


def recall(found: list[list[int]], truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t.tolist())) / K for f, t in zip(found, truth)]))


def measure_size(count: int, real: np.ndarray, queries: np.ndarray, probes: list[int], folder: Path) -> dict:
    import faiss

    from claims.embed import index as vector_index
    from claims.embed.index import VectorIndex, kind_for, lists_for, training_rows

    vectors, _ = sentence_like(count, real)
    ids = np.arange(1, count + 1, dtype=np.int64)
    exact = VectorIndex()
    exact.add(ids, vectors)
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    truth = flat.search(queries, K)[1] + 1  # ids are row + 1
    del flat
    exact_p50, _ = timed_searches(exact, queries)
    del exact
    row: dict = {"mentions": count, "kind": kind_for(count), "exact search p50 ms": round(exact_p50, 2)}

    started = time.perf_counter()
    if kind_for(count) == "exact":
        index = VectorIndex()
    else:
        index = VectorIndex(training=vectors[training_rows(count)], lists=lists_for(count))
    index.add(ids, vectors)
    row["build s"] = round(time.perf_counter() - started, 1)
    row["lists"] = index.lists
    path = folder / f"scale-{count}.faiss"
    started = time.perf_counter()
    index.save(path)
    row["save s"] = round(time.perf_counter() - started, 2)
    row["file MB"] = round(path.stat().st_size / 1e6)
    p50, found = timed_searches(index, queries)
    row["search p50 ms"] = round(p50, 2)
    row["recall@10"] = round(recall(found, truth), 4)
    if index.kind == "ivf":
        shipped = vector_index.PROBES
        try:
            for n in probes:
                vector_index.PROBES = n  # what search reads at each call
                p50, found = timed_searches(index, queries)
                row[f"probes {n}: recall@10 / p50 ms"] = f"{recall(found, truth):.4f} / {p50:.2f}"
        finally:
            vector_index.PROBES = shipped
    row.update(one_article(path, vectors[:10]))
    row["mapped file: search p50 ms, recent part empty / full"] = " / ".join(
        f"{p50:.2f}" for p50 in with_full_recent_part(path, vectors, queries)
    )
    del index, vectors
    row.update(fresh_process(path))
    path.unlink()
    vector_index.recent_file(path).unlink(missing_ok=True)
    return row


def with_full_recent_part(path: Path, vectors: np.ndarray, queries: np.ndarray) -> tuple[float, float]:
    """Search p50 (ms) of the saved file loaded as a reader loads it (mapped): with no recent part,
    and with the recent part as large as it grows before it is folded in (the main file's vectors,
    perturbed, added again under new ids; nothing is saved)."""
    from claims.embed.index import RECENT_MIN, RECENT_SHARE, VectorIndex

    index = VectorIndex.load(path, mapped=True)
    timed_searches(index, queries)  # the mapped lists paged in once, as a long-running reader has them
    empty = timed_searches(index, queries)[0]
    count = int(max(RECENT_MIN, RECENT_SHARE * len(index)))
    extra = (
        vectors[:count]
        + np.random.default_rng(3).normal(size=(count, vectors.shape[1])).astype(np.float32) * 0.03
    )
    extra /= np.linalg.norm(extra, axis=1, keepdims=True)
    first = int(index.id_array().max()) + 1
    index.change(ids=np.arange(first, first + count), vectors=extra)
    return empty, timed_searches(index, queries)[0]


def one_article(path: Path, vectors: np.ndarray, runs: int = 5) -> dict:
    """What one article's ingest costs the saved index: its ten mentions' vectors added to the recent
    part and saved (as ``claims.embed.index.update`` does, the database aside), p50 of ``runs``; and,
    for the record, the whole file loaded, added to and written again, as each update did before."""
    from claims.embed.index import VectorIndex

    recent, whole = [], []
    first = int(VectorIndex.load(path, mapped=True).id_array().max()) + 1
    for run in range(runs):
        ids = np.arange(first + 20 * run, first + 20 * run + len(vectors))
        started = time.perf_counter()
        index = VectorIndex.load(path, mapped=True)
        index.change(ids=ids, vectors=vectors)
        index.save(path)
        recent.append(time.perf_counter() - started)
        started = time.perf_counter()
        index = VectorIndex.load(path)
        index.change(ids=ids + 10, vectors=vectors)
        index.fold()
        index.save(path)
        whole.append(time.perf_counter() - started)
    return {
        "one article's update: recent part s": round(float(np.median(recent)), 3),
        "... the whole file rewritten s": round(float(np.median(whole)), 2),
    }


# What every child script shares: its peak RSS (VmHWM, not getrusage: Linux carries ru_maxrss over
# from the parent across exec), and the p50 of timed steps.
_PEAK = """
import time


def peak_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def two_steps(items, first, second):
    \"\"\"Seconds of first(item), and of second(item, what first returned), for each item.\"\"\"
    firsts, seconds = [], []
    for item in items:
        t0 = time.perf_counter()
        out = first(item)
        t1 = time.perf_counter()
        second(item, out)
        firsts.append(t1 - t0)
        seconds.append(time.perf_counter() - t1)
    return firsts, seconds


def p50(seconds):
    return sorted(seconds)[len(seconds) // 2]
"""

_SEARCHER = (
    _PEAK
    + """
import json, sys, time
from pathlib import Path

started = time.perf_counter()
from claims.embed.index import VectorIndex
index = VectorIndex.load(Path(sys.argv[1]))
loaded = time.perf_counter() - started
from claims.embed.search_model import query_encoder
model = query_encoder()
texts = json.loads(sys.stdin.read())
model.encode_query(texts[0])
encode, find = two_steps(texts, model.encode_query, lambda text, vector: index.search(vector, 10))
print(json.dumps({
    "import + load s": round(loaded, 2),
    "encode p50 ms": round(p50(encode) * 1000, 1),
    "encode + search p50 ms": round(p50([a + b for a, b in zip(encode, find)]) * 1000, 1),
    "search process peak RSS MB": round(peak_kb() / 1024),
}))
"""
)


def fresh_process(path: Path) -> dict:
    texts, _ = real_sentences()
    held = [texts[i] for i in held_out(len(texts))]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    run = subprocess.run(
        [sys.executable, "-c", _SEARCHER, str(path)],
        input=json.dumps(held),
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


_REBUILD = (
    _PEAK
    + """
import json, sys, time
from claims.embed.index import rebuild
from db.session import get_engine
engine = get_engine(sys.argv[1])
started = time.perf_counter()
index = rebuild(engine)
print(json.dumps({"index rebuild from the database s": round(time.perf_counter() - started, 1),
                  "index kind": index.kind, "rebuild peak RSS MB": round(peak_kb() / 1024)}))
"""
)

_STORE_SEARCH = (
    _PEAK
    + """
import json, sys, time
from claims.embed.search_model import query_encoder
from claims.search.hybrid import DEPTH, search
from claims.embed.index import load_or_rebuild
from db.session import get_engine
queries = json.loads(sys.stdin.read())
engine = get_engine(sys.argv[1], read_only=True)
started = time.perf_counter()
index = load_or_rebuild(engine)
loaded = time.perf_counter() - started
model = query_encoder()
search(engine, queries[0], k=10, index=index, embedder=model)
full, raw = two_steps(
    queries,
    lambda query: search(engine, query, k=10, index=index, embedder=model),
    lambda query, _: index.search(model.encode_query(query), DEPTH),
)
print(json.dumps({
    "index load + check s": round(loaded, 2),
    "search p50 ms (encode, FAISS, keywords, database)": round(p50(full) * 1000, 1),
    "encode + raw FAISS p50 ms": round(p50(raw) * 1000, 1),
    "search / raw": round(p50(full) / p50(raw), 2),
    "UI-like search process peak RSS MB": round(peak_kb() / 1024),
}))
"""
)


_UI = (
    _PEAK
    + """
import json, os, sys, time
os.environ["CLAIMS_DB"] = sys.argv[1]
from streamlit.testing.v1 import AppTest
queries = json.loads(sys.stdin.read())
word = max(queries[0].split(), key=len).strip(".,;:!?")


def timed(change, runs=3):
    \"\"\"The app after change(); p50 seconds of that rerun over ``runs`` (AppTest's own timing: the
    script run and its elements, as the browser would get them).\"\"\"
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        at = change()
        seconds.append(time.perf_counter() - started)
        if at.exception:
            raise SystemExit(str(at.exception))
    return at, round(p50(seconds), 2)


row = {}
at = AppTest.from_file("app.py", default_timeout=600)
at, row["UI queue first render s (imports, engine)"] = timed(at.run, runs=1)
row["UI tracked claims"] = int(next(m.value for m in at.metric if m.label == "Tracked claims").replace(",", ""))
at, row["UI queue rerun s"] = timed(at.run)
claim = int(at.dataframe[0].value["cluster id"].iloc[0])  # the most mentioned, opened below
at, row["UI queue page 2 s"] = timed(lambda: at.number_input(key="queue_page").set_value(2).run())
at, row["UI queue by check-worthiness s"] = timed(lambda: at.radio(key="queue_sort").set_value("checkworthiness").run())
at, row["UI queue text filter s"] = timed(lambda: at.text_input(key="queue_text").set_value(word).run())
at, row["UI queue speaker filter s"] = timed(lambda: at.selectbox(key="queue_speaker").select_index(0).run())
at = at.switch_page("ui/pages/speakers.py").run()
at, row["UI speakers rerun s"] = timed(at.run)
at.session_state["claim_id"] = claim
at = at.switch_page("ui/pages/claim.py").run()
at, row["UI claim rerun s"] = timed(at.run)
at = at.switch_page("ui/pages/search.py").run()
at, row["UI search first query s (model, index)"] = timed(
    lambda: at.text_input(key="search_query").set_value(queries[1]).run(), runs=1
)
seconds = []
for query in queries[2:12]:
    started = time.perf_counter()
    at = at.text_input(key="search_query").set_value(query).run()
    seconds.append(time.perf_counter() - started)
    assert not at.exception, at.exception
row["UI search p50 s"] = round(p50(seconds), 2)
row["UI process peak RSS MB"] = round(peak_kb() / 1024)
print(json.dumps(row))
"""
)


def _child(code: str, *args: str, stdin: str = "") -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    run = subprocess.run(
        [sys.executable, "-c", code, *args], input=stdin, capture_output=True, text=True, env=env, cwd=ROOT
    )
    if run.returncode:
        raise RuntimeError(run.stderr[-2000:])
    return json.loads(run.stdout.strip().splitlines()[-1])


def cold_cli(*args: str, runs: int = 3) -> tuple[float, int]:
    """Median wall time of ``python -m claims ARGS`` from a cold interpreter, and its peak RSS (MB)."""
    from claims.eval.through_cli import cold_cli as run

    done = [run(*args, cwd=ROOT) for _ in range(runs)]
    return round(float(np.median([d.seconds for d in done])), 2), max(d.peak_mb for d in done)


def measure_store(count: int, real: np.ndarray, texts: list[str], queries: list[str], folder: Path) -> dict:
    """A database of ``count`` mentions: its index rebuilt, searched in a long-running process and from the CLI."""
    from bench.synthetic_store import build_store
    from claims.embed.search_model import query_encoder, search_embedder

    vectors, claims = sentence_like(count, real, seed=1)
    path = folder / f"store-{count}.db"
    started = time.perf_counter()
    build_store(path, vectors, claims, texts, model_name=search_embedder().name)
    row: dict = {"mentions": count, "store written s": round(time.perf_counter() - started)}
    row["database GB"] = round(path.stat().st_size / 1e9, 2)
    del vectors, claims
    query_encoder()  # exported once, as the first search anywhere would, before anything is timed
    row.update(_child(_REBUILD, str(path)))
    row.update(_child(_STORE_SEARCH, str(path), stdin=json.dumps(queries[:50])))
    row.update(_child(_UI, str(path), stdin=json.dumps(queries[50:70])))
    row["cli --help s"], _ = cold_cli("--help")
    row["cli search s"], row["cli search peak RSS MB"] = cold_cli(
        "--db", str(path), "search", queries[0], "--k", "10"
    )
    for suffix in (
        "",
        "-wal",
        "-shm",
        ".faiss",
        ".faiss-recent.npz",
        ".link.faiss",
        ".link.faiss-recent.npz",
    ):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    return row


def held_out(count: int) -> np.ndarray:
    """The sentences kept out of the synthetic claims, to query with."""
    return np.random.default_rng(42).permutation(count)[:QUERIES]


def plot(rows: list[dict], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["mentions"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(sizes, [r["exact search p50 ms"] for r in rows], "o-", label="exact FAISS search")
    left.plot(sizes, [r["search p50 ms"] for r in rows], "o-", label="shipped index's search")
    left.plot(sizes, [r["encode + search p50 ms"] for r in rows], "o-", label="query encoding + search")
    left.set(xscale="log", yscale="log", xlabel="mentions", ylabel="ms per query (p50)")
    left.legend()
    right.plot(sizes, [r["search process peak RSS MB"] for r in rows], "o-", label="search process")
    right.plot(sizes, [r["file MB"] for r in rows], "o-", label="index file")
    right.axhline(2500, color="grey", linestyle=":", label="2.5 GB bar")
    right.set(xscale="log", xlabel="mentions", ylabel="MB")
    right.legend()
    fig.suptitle("Search index against archive size (synthetic sentence-like vectors, 2 cores)")
    fig.tight_layout()
    fig.savefig(out, dpi=100)


def measure_relinking(sizes: list[int], folder: Path) -> list[dict]:
    """Relinking stage: one article's ten new mentions relinked in stores of each size, with their
    neighbourhoods seeded (bench.relink_scale --synthetic --seeded: relinking a million mentions
    whole takes hours), all in one process so the sizes are compared within one run."""
    if not sizes:
        return []
    command = [sys.executable, "-m", "bench.relink_scale", "--synthetic", "--seeded", "--json"]
    done = subprocess.run(
        [*command, "--folder", str(folder), "--sizes", *map(str, sizes)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    smallest = rows[0]["per new mention ms"]
    for row in rows:
        row["against the smallest"] = round(row["per new mention ms"] / smallest, 2)
        print(json.dumps(row), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=[10_000, 100_000, 1_000_000],
        help="sizes of the index stage ('' for none)",
    )
    parser.add_argument("--probes", type=int, nargs="*", default=[64, 128, 256, 512])
    parser.add_argument(
        "--store-sizes",
        type=int,
        nargs="*",
        default=[100_000, 1_000_000],
        help="sizes of the databases written and searched through the workbench ('' for none)",
    )
    parser.add_argument(
        "--relink-sizes",
        type=int,
        nargs="*",
        default=[10_000, 1_000_000],
        help="sizes of the relinking stage, all in one run of bench.relink_scale ('' for none)",
    )
    parser.add_argument("--folder", default=None, help="where the databases go (default: a temporary folder)")
    parser.add_argument("--plot", default=str(ROOT / "docs" / "scale_search.png"), help="'' for none")
    args = parser.parse_args()

    from claims.embed.index import PROBES

    texts, vectors = real_sentences()
    queries_at = held_out(len(texts))
    kept = np.setdiff1d(np.arange(len(texts)), queries_at)
    queries, real = vectors[queries_at], vectors[kept]
    print(
        f"synthetic vectors around {len(real):,} real sentences' (see the docstring); "
        f"{QUERIES} real held-out queries; shipped probes {PROBES}",
        flush=True,
    )
    rows, stores = [], []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=args.folder) as folder:
        for count in args.sizes:
            rows.append(measure_size(count, real, queries, args.probes, Path(folder)))
            print(json.dumps(rows[-1]), flush=True)
        query_texts = [texts[i] for i in queries_at]
        kept_texts = [texts[i] for i in kept]
        for count in args.store_sizes:
            stores.append(measure_store(count, real, kept_texts, query_texts, Path(folder)))
            print(json.dumps(stores[-1]), flush=True)
        relinks = measure_relinking(args.relink_sizes, Path(folder))
    for table in (rows, stores, relinks):
        columns = list(dict.fromkeys(key for row in table for key in row))
        print()
        print(" | ".join(columns))
        for row in table:
            print(" | ".join(str(row.get(c, "")) for c in columns))
    print(
        f"({time.perf_counter() - started:.0f} s; peak RSS of this process "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)"
    )
    if args.plot and rows:
        plot(rows, Path(args.plot))
        print(f"plot: {args.plot}")


if __name__ == "__main__":
    main()
