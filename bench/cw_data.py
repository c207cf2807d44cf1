"""Fill bench/.cache with the embeddings of the public check-worthiness sets in ../shared/bench.

    .venv/bin/python -m bench.cw_data

Prints each set's name, sentences, check-worthy sentences and the shape of its vectors.
"""

from __future__ import annotations

import argparse

from claims.train.checkworthy_data import FILES, load


def main() -> None:
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    for key in FILES:
        s = load(key)
        print(key, len(s.texts), int(s.labels.sum()), s.vectors.shape, flush=True)


if __name__ == "__main__":
    main()
