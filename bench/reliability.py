"""Reliability harnesses: kill -9 mid-ingest, concurrent review edits, concurrent ingests.

    .venv/bin/python -m bench.reliability edits [--processes 8] [--edits 500]
    .venv/bin/python -m bench.reliability ingests
    .venv/bin/python -m bench.reliability kills [--runs 50] [--seed 0]
    .venv/bin/python -m bench.reliability sizes [--sizes 5000,100000,300000,1100000]

``edits``: each process plays a reviewer who opens a claim (reads its version and status) and
saves another status, over and over, on 4 claims shared by all. Every save must be accepted,
moving the version on by exactly one, or refused as a conflict. lost = accepted saves that the
final versions do not account for (each one overwrote another reviewer's save unseen); also
counted: accepted saves made from a version another accepted save had already used.

``ingests``: the seeds are stored first; then two ``python -m claims ingest`` processes take
the demo articles (odd and even files) while two reviewers edit the seeds' claims. Both ingests
must finish with 0 failed, the tracked claims must equal those of one ingest of everything, and
no reviewer edit may be lost.

``kills``: each run ingests the five seeds with ``python -m claims ingest`` and SIGKILLs it at a
random moment or at a chosen phase (after the first article, once every article is stored but
the refresh is not done), then runs the same ingest again. A run has recovered when the rerun
exits 0, the database passes ``PRAGMA integrity_check``, the keyword index and the FAISS file hold
every mention, every article is stored and the tracked claims equal those of an uninterrupted
ingest. Prints survived / lost / conflicts (and the time each harness took) as JSON.

``sizes``: one article of each length (the seeds' paragraphs repeated) is ingested by
``python -m claims ingest`` with the size limits raised above it; prints the process's peak RSS
and time. The longest is ingested again with the default limits, where it must be refused.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

from claims.eval.reliability import new_claims, review_edits

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")

SEEDS = ROOT.parent / "shared" / "seeds"
DEMO = ROOT / "demo" / "articles"


def check_edits(path: str, outcomes: list[tuple]) -> dict:
    from sqlmodel import Session, select

    from db import crud
    from db.models import History
    from db.session import get_engine

    saved = Counter((c, v) for c, v, what in outcomes if what == "saved")
    doubled = sum(n - 1 for n in saved.values() if n > 1)
    engine = get_engine(path)
    lost, history_ok = 0, True
    with Session(engine) as session:
        base = {c: 0 for c, _, _ in outcomes}
        for claim_id in base:
            accepted = sum(n for (c, _), n in saved.items() if c == claim_id)
            claim = crud.get_claim(session, claim_id=claim_id)
            rows = session.exec(
                select(History).where(History.claim_id == claim_id, History.field == "status")
            ).all()
            ordered = sorted(rows, key=lambda h: h.id)
            history_ok &= all(a.new == b.old for a, b in zip(ordered, ordered[1:]))
            history_ok &= not ordered or ordered[-1].new == claim.status.value
            start = min(v for c, v, _ in outcomes if c == claim_id)
            lost += max(0, accepted - (claim.version - start))
    engine.dispose()
    return {
        "edits": len(outcomes),
        "saved": sum(saved.values()),
        "conflicts": sum(1 for o in outcomes if o[2] == "conflict"),
        "lost": lost,
        "saved_from_a_version_another_save_used": doubled,
        "history_consistent": history_ok,
    }


def run_edits(path: str, claim_ids: list[int], processes: int, edits: int) -> dict:
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        runs = pool.starmap(
            review_edits, [(path, f"reviewer {p}", claim_ids, edits, p) for p in range(processes)]
        )
    return check_edits(path, [o for run in runs for o in run])


def edits_harness(processes: int, edits: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "claims.db")
        started = time.time()
        figures = run_edits(path, new_claims(path, 4), processes, edits)
    return {"processes": processes, **figures, "seconds": round(time.time() - started, 1)}


def cli(db: Path, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "claims", "--db", str(db), *map(str, args)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def claims_of(db: Path) -> set:
    from sqlmodel import Session

    from claims.eval.linking import partition
    from db.session import get_engine

    engine = get_engine(db)
    with Session(engine) as session:
        found = partition(session)
    engine.dispose()
    return found


def reference(folders: list[Path], tmp: Path) -> set:
    """The tracked claims of one uninterrupted ingest of ``folders``."""
    from claims.ingest.pipeline import ingest
    from db.session import get_engine

    db = tmp / "reference.db"
    engine = get_engine(db)
    assert ingest(engine, [str(f) for f in folders]).ok
    engine.dispose()
    return claims_of(db)


def ingests_harness() -> dict:
    import shutil

    from sqlmodel import Session, select

    from claims.ingest.pipeline import ingest
    from db.models import TrackedClaim
    from db.session import get_engine

    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = tmp / "claims.db"
        engine = get_engine(db)
        assert ingest(engine, [str(SEEDS)]).ok
        with Session(engine) as session:
            seed_claims = [c.id for c in session.exec(select(TrackedClaim)).all()][:6]
        engine.dispose()
        files = sorted(p for p in DEMO.iterdir() if p.is_file())
        halves = [tmp / "a", tmp / "b"]
        for half, part in zip(halves, (files[::2], files[1::2])):
            half.mkdir()
            for file in part:
                shutil.copy(file, half)
        runs = [cli(db, "ingest", half) for half in halves]
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            edits = pool.starmap_async(
                review_edits, [(str(db), f"reviewer {p}", seed_claims, 100, p) for p in range(2)]
            )
            outputs = [run.communicate(timeout=1800) for run in runs]
            outcomes = [o for run in edits.get() for o in run]
        complete = [run.returncode == 0 and " 0 failed" in out for run, (out, _) in zip(runs, outputs)]
        same = claims_of(db) == reference([SEEDS, DEMO], tmp)
        figures = check_edits(str(db), outcomes)
    return {
        "ingests_complete": sum(complete),
        "claims_as_one_ingest": same,
        "review_edits": figures,
        "seconds": round(time.time() - started, 1),
    }


def consistent(db: Path) -> list[str]:
    """What is wrong with ``db`` after a rerun; empty when everything holds."""
    from sqlmodel import Session

    from claims.ingest.refresh import out_of_step
    from db import crud
    from db.session import get_engine

    problems = []
    with closing(sqlite3.connect(db)) as connection:
        if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            problems.append("integrity_check")
    engine = get_engine(db)
    with Session(engine) as session:
        counts = crud.counts(session)
    if counts["articles"] != 5:
        problems.append(f"{counts['articles']} articles stored")
    problems += out_of_step(engine)
    engine.dispose()
    return problems


def kills_harness(runs: int, seed: int) -> dict:
    from typer.testing import CliRunner

    from claims.cli import app
    from db.session import get_engine

    rng = random.Random(seed)
    phases = ["random", "first article stored", "all stored, refresh pending"]
    results = []
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        expected = reference([SEEDS], tmp)
        for i in range(runs):
            phase = phases[i % len(phases)]
            db = tmp / f"run{i}.db"
            get_engine(db).dispose()
            run = cli(db, "ingest", SEEDS)
            begun = time.monotonic()
            delay = rng.uniform(2, 30)  # a CLI ingest of the seeds takes 20-40 s here, model load included
            killed_at = None
            while run.poll() is None:
                if phase == "random":
                    hit = time.monotonic() - begun >= delay
                else:
                    with closing(sqlite3.connect(db, timeout=30)) as connection:
                        stored = connection.execute("SELECT count(*) FROM article").fetchone()[0]
                        wanted, done = connection.execute("SELECT wanted, done FROM refresh_state").fetchone()
                    hit = stored >= 1 if phase == "first article stored" else stored == 5 and wanted > done
                if hit:
                    run.send_signal(signal.SIGKILL)
                    killed_at = round(time.monotonic() - begun, 1)
                    break
                time.sleep(0.05)
            run.wait()
            rerun = CliRunner().invoke(app, ["--db", str(db), "ingest", str(SEEDS)])
            problems = [] if rerun.exit_code == 0 else [f"rerun exit {rerun.exit_code}"]
            problems += consistent(db)
            if claims_of(db) != expected:
                problems.append("tracked claims differ")
            results.append({"phase": phase, "killed_at": killed_at, "problems": problems})
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    return {
        "runs": runs,
        "killed": sum(1 for r in results if r["killed_at"] is not None),
        "recovered": sum(1 for r in results if not r["problems"]),
        "lost": [r for r in results if r["problems"]],
        "seconds": round(time.time() - started, 1),
    }


def long_article(chars: int, folder: Path) -> Path:
    """An article of about ``chars`` characters: the seeds' paragraphs over and over, as one file."""
    paragraphs = [
        line.strip()
        for file in sorted(SEEDS.glob("*.txt"))
        for line in file.read_text().splitlines()
        if line.strip()
    ]
    body, size, i = ["A long report"], 0, 0
    while size < chars:
        body.append(paragraphs[i % len(paragraphs)])
        size += len(body[-1]) + 2
        i += 1
    path = folder / f"long_{chars}.txt"
    path.write_text("\n\n".join(body))
    return path


def peak_rss_ingest(article: Path, db: Path, env: dict) -> tuple[float, float, int, str]:
    """(peak RSS in MB, seconds, exit code, last line) of ``python -m claims ingest article``."""
    started = time.time()
    run = subprocess.Popen(
        [sys.executable, "-m", "claims", "--db", str(db), "ingest", str(article)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    out = run.stdout.read()
    _, status, usage = os.wait4(run.pid, 0)
    run.returncode = os.waitstatus_to_exitcode(status)
    lines = [line for line in out.splitlines() if line.strip()]
    return usage.ru_maxrss / 1024, time.time() - started, run.returncode, lines[-1] if lines else ""


def sizes_harness(sizes: list[int]) -> dict:
    """Peak RSS and time of one article's ingest, by length; the largest also with the default limits."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for chars in sizes:
            article = long_article(chars, folder)
            for limited in [False, True] if chars == max(sizes) else [False]:
                env = {**os.environ, "HF_HUB_OFFLINE": "1"}
                if not limited:
                    env["CLAIMS_MAX_CHARS"] = str(10 * chars)
                    env["CLAIMS_MAX_FILE_BYTES"] = str(10 * chars)
                db = folder / f"{chars}_{limited}.db"
                rss, seconds, code, last = peak_rss_ingest(article, db, env)
                rows.append(
                    {
                        "bytes": article.stat().st_size,
                        "limits": "default" if limited else "raised",
                        "peak_rss_mb": round(rss),
                        "seconds": round(seconds, 1),
                        "exit": code,
                        "summary": last,
                    }
                )
                print(json.dumps(rows[-1]), file=sys.stderr)
    return {"articles": rows}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("harness", choices=["edits", "ingests", "kills", "sizes"])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--edits", type=int, default=500, help="edits per process")
    parser.add_argument("--runs", type=int, default=50, help="kill runs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--sizes", default="5000,100000,300000,1100000", help="article lengths in characters, for sizes"
    )
    args = parser.parse_args()
    if args.harness == "edits":
        figures = edits_harness(args.processes, args.edits)
    elif args.harness == "ingests":
        figures = ingests_harness()
    elif args.harness == "sizes":
        figures = sizes_harness([int(n) for n in args.sizes.split(",")])
    else:
        figures = kills_harness(args.runs, args.seed)
    print(json.dumps({"harness": args.harness, **figures}, indent=2))


if __name__ == "__main__":
    main()
