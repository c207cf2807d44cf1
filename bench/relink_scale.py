"""How long one relinking takes as the archive grows: ``claims.link.relink.cluster`` over N mentions.

    .venv/bin/python -m bench.relink_scale                 # N = 1000, 3000, 10000
    .venv/bin/python -m bench.relink_scale --sizes 20000

Every ingest relinks all stored mentions, so this is the time an ingest adds
on top of extraction. The texts are the CheckThat! 2021 task 2A verified
claims (../shared/bench/clef2021_t2a_en/vclaims.tsv, 13,825 short claims on
many topics) with the bundled model's vectors (cached in bench/.cache), and a
speaker id cycling through 50 speakers; no database, model load or FAISS
rebuild is counted.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    args = parser.parse_args()

    from claims.link.pair_features import LinkItem
    from claims.link.relink import cluster
    from claims.train.checkworthy_data import cached_vectors

    path = ROOT.parent / "shared" / "bench" / "clef2021_t2a_en" / "vclaims.tsv"
    with path.open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    vectors = cached_vectors(texts)
    print(f"{'mentions':>9} {'seconds':>8} {'tracked claims':>15} {'suggestions':>12}")
    for n in args.sizes:
        items = [LinkItem(f"k{i:06d}", texts[i], vectors[i], i % 50) for i in range(min(n, len(texts)))]
        started = time.perf_counter()
        groups, suggestions = cluster(items)
        print(
            f"{len(items):>9} {time.perf_counter() - started:>8.1f} {len(groups):>15} {len(suggestions):>12}"
        )


if __name__ == "__main__":
    main()
