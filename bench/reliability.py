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

from claims.eval.reliability import (
    edits_harness,
    ingests_harness,
    kills_harness,
    sizes_harness,
)


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
