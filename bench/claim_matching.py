"""Claim-matching figures of docs/BENCHMARKS.md, measured through the CLI users run.

    .venv/bin/python -m bench.claim_matching SPLIT... [--plain] [--k 5] [--out DIR]

SPLIT is YEAR:NAME, e.g. 2020:dev 2021:dev 2022:dev (tuning) or 2020:test 2021:test
(report each test split once per method). For each split the year's verified claims
(../shared/bench/clef*/vclaims.tsv) are imported into a fresh temporary database with
``python -m claims --db TMP factchecks import vclaims.tsv``, the split's queries are
ranked with ``python -m claims --db TMP factchecks match --file queries.tsv --k 5``
(``--plain``: dense cosine only), both through typer's CliRunner in this process, and
the JSON lines it prints are scored with MAP@5 (trec_eval's map_cut_5, the lab's metric).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from claims.train import claim_matching_data
from claims.train.metrics import map_at_5

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def cli(*args: str) -> str:
    """Run ``python -m claims ARGS`` in-process; its stdout, or an error with its output."""
    from typer.testing import CliRunner

    from claims.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exit_code != 0:
        raise RuntimeError(
            f"python -m claims {' '.join(args)} failed ({result.exit_code}): {result.output}{result.exception or ''}"
        )
    return result.stdout


def run_split(year: str, name: str, *, plain: bool = False, k: int = 5, out: Path | None = None) -> dict:
    split = claim_matching_data.load_split(year, name)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "claims.db"
        start = time.time()
        imported = (
            cli("--db", db, "factchecks", "import", claim_matching_data.vclaims_path(year))
            .strip()
            .splitlines()[-1]
        )
        imported_in = time.time() - start
        start = time.time()
        args = ["--db", db, "factchecks", "match", "--file", split.queries_path, "--k", k] + (
            ["--plain"] if plain else []
        )
        lines = cli(*args).splitlines()
        matched_in = time.time() - start
    ranked = {}
    for line in lines:
        row = json.loads(line)
        ranked[row["query_id"]] = [r["id"] for r in row["results"]]
    if out:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{year}_{name}{'_plain' if plain else ''}.jsonl").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )
    return {
        "split": f"{year}:{name}",
        "method": "dense cosine" if plain else "re-ranked",
        "queries": len(split.qrels),
        "map@5": round(map_at_5(ranked, split.qrels), 4),
        "import": imported,
        "import_s": round(imported_in, 1),
        "match_s": round(matched_in, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("splits", nargs="+", help="YEAR:NAME, e.g. 2021:dev")
    parser.add_argument("--plain", action="store_true", help="dense cosine only (factchecks match --plain)")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--out", type=Path, help="keep the JSON lines the CLI printed here")
    args = parser.parse_args()
    for spec in args.splits:
        year, name = spec.split(":")
        print(json.dumps(run_split(year, name, plain=args.plain, k=args.k, out=args.out)), flush=True)


if __name__ == "__main__":
    main()
