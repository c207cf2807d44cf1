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
from pathlib import Path

from claims.eval.claim_matching import run_split


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
