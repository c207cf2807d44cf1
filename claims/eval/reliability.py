"""Reliability harnesses and the reviewers they run in their own processes: concurrent review edits,
two ingests at once, kill -9 mid-ingest, peak memory by article length (bench/reliability.py runs
them; tests/test_hostile.py runs short versions)."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import subprocess  # nosec B404  # the harnesses run our own CLI as a user would
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

from sqlmodel import Session

from claims.review.verdicts import ConflictError, set_status
from db import crud
from db.models import ClaimStatus, TrackedClaim
from db.session import get_engine, session_scope

STATUSES = [ClaimStatus.unreviewed, ClaimStatus.in_progress, ClaimStatus.true, ClaimStatus.false]


def new_claims(path: str, count: int) -> list[int]:
    """``count`` tracked claims in the database at ``path`` (created and migrated if new); their ids."""
    engine = get_engine(path)
    with session_scope(engine) as session:
        claims = [TrackedClaim(canonical_text=f"claim {i}") for i in range(count)]
        session.add_all(claims)
        session.flush()
        ids = [claim.id for claim in claims]
    engine.dispose()
    return ids


def review_edits(
    path: str, reviewer: str, claim_ids: list[int], edits: int, seed: int | None = None
) -> list[tuple]:
    """One reviewer's process: open a claim (read its version and status), then save another status.

    Claims are taken in turn, or at random when ``seed`` is given. Returns ``(claim_id, version read,
    "saved" | "conflict")`` per edit; any other outcome raises.
    """
    engine = get_engine(path, migrate=False)
    rng = random.Random(seed)  # nosec B311  # picks which claim a test reviewer edits next; no secret
    outcomes = []
    for i in range(edits):
        claim_id = claim_ids[i % len(claim_ids)] if seed is None else rng.choice(claim_ids)
        with Session(engine) as session:  # the page the reviewer opened
            claim = crud.get_claim(session, claim_id=claim_id)
            seen, status = claim.version, claim.status
        new = STATUSES[(STATUSES.index(status) + 1) % len(STATUSES)] if status in STATUSES else STATUSES[0]
        try:
            with session_scope(engine) as session:
                set_status(session, claim_id=claim_id, status=new, reviewer=reviewer, expected_version=seen)
            outcomes.append((claim_id, seen, "saved"))
        except ConflictError:
            outcomes.append((claim_id, seen, "conflict"))
    engine.dispose()
    return outcomes


ROOT = Path(__file__).resolve().parents[2]

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
    return subprocess.Popen(  # nosec B603  # this Python running our CLI, no shell
        [sys.executable, "-m", "claims", "--db", str(db), *map(str, args)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def split_in_two(folder: Path, into: Path) -> list[Path]:
    """Two folders under ``into`` holding ``folder``'s files, odd and even, for two ingests at once."""
    files = sorted(p for p in folder.iterdir() if p.is_file())
    halves = [into / "a", into / "b"]
    for half, part in zip(halves, (files[::2], files[1::2])):
        half.mkdir()
        for file in part:
            shutil.copy(file, half)
    return halves


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
    if not ingest(engine, [str(f) for f in folders]).ok:
        raise RuntimeError(f"the reference ingest of {folders} failed")
    engine.dispose()
    return claims_of(db)


def ingests_harness() -> dict:

    from sqlmodel import Session, select

    from claims.ingest.pipeline import ingest
    from db.models import TrackedClaim
    from db.session import get_engine

    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = tmp / "claims.db"
        engine = get_engine(db)
        if not ingest(engine, [str(SEEDS)]).ok:
            raise RuntimeError(f"the ingest of {SEEDS} failed")
        with Session(engine) as session:
            seed_claims = [c.id for c in session.exec(select(TrackedClaim)).all()][:6]
        engine.dispose()
        halves = split_in_two(DEMO, tmp)
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

    rng = random.Random(seed)  # nosec B311  # draws when to kill a test ingest; no secret
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
    run = subprocess.Popen(  # nosec B603  # this Python running our CLI, no shell
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
