"""Extraction against the hand-made gold sets: claim recall and precision,
speaker, venue, attribution-kind, role and date accuracy, boilerplate mentions.

    .venv/bin/python -m bench.extraction                # seeds gold and demo gold
    .venv/bin/python -m bench.extraction --verbose      # and every miss and mistake
    .venv/bin/python -m bench.extraction --json

The articles go through the same loading and extraction code as ingestion
(claims.ingest.sources.load, claims.ingest.pipeline.extract_mentions), one speaker book per corpus.
"""

from __future__ import annotations

import argparse
import json
import time

from claims.eval.corpora import CORPORA
from claims.eval.extraction import evaluate


def _explain(scores) -> None:
    for score in scores:
        print(f"\n## {score.name}")
        for claim in score.missed:
            print(f"  MISSED   {claim.id}: {claim.anchor!r}")
        for found in score.found:
            m, c = found.mention.attribution, found.claim
            wrong = []
            if not found.speaker_ok:
                wrong.append(f"speaker {m.speaker!r} (gold {c.speaker})")
            if not found.venue_ok:
                wrong.append(f"venue {m.venue!r} (gold {c.venue})")
            if not found.kind_ok:
                wrong.append(f"kind {m.kind!r} (gold {c.kind})")
            if not found.role_ok:
                wrong.append(f"role {getattr(found.mention, 'role', 'body')!r} (gold {c.role!r})")
            if c.when and not found.when_ok:
                wrong.append(f"when {getattr(m, 'when', None)!r} (gold {c.when!r})")
            if wrong:
                print(f"  WRONG    {c.id}: " + "; ".join(wrong))
        for mention in score.extra:
            print(f"  EXTRA    [{mention.checkworthiness:.2f}] {mention.text[:110]!r}")
        for mention in score.boilerplate:
            print(f"  FURNITURE {mention.text[:110]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", choices=sorted(CORPORA), action="append", help="default: all")
    parser.add_argument(
        "--verbose", action="store_true", help="list every miss, extra mention and wrong field"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from claims.embed.encoder import default_embedder

    embedder = default_embedder()
    results = {}
    for name in args.corpus or sorted(CORPORA, reverse=True):
        gold_path, folder = CORPORA[name]
        started = time.perf_counter()
        numbers, scores = evaluate(gold_path, folder, embedder)
        results[name] = numbers.as_dict() | {
            "articles": len(scores),
            "seconds": round(time.perf_counter() - started, 2),
        }
        if args.verbose:
            _explain(scores)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    keys = list(next(iter(results.values())))
    print(f"\n{'':24}" + "".join(f"{name:>10}" for name in results))
    for key in keys:
        print(f"{key:24}" + "".join(f"{results[name][key]:>10}" for name in results))


if __name__ == "__main__":
    main()
