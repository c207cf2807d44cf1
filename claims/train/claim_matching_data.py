"""CLEF CheckThat! claim-matching data in ../shared/bench (see its README): corpora and splits.

Splits reuse query ids for different tweets, so every split is loaded on its own, never merged on id.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "shared" / "bench"
DATASETS = {"2020": "clef2020_t2_en", "2021": "clef2021_t2a_en", "2022": "clef2022_t2a_en"}


def read_tsv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            {k: (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]


def vclaims_path(year: str) -> Path:
    return BENCH / DATASETS[year] / "vclaims.tsv"


@dataclass
class Split:
    year: str
    name: str  # train, dev, test, devtest
    queries: list[tuple[str, str]]  # (id, text), file order
    qrels: dict[str, set[str]]

    @property
    def queries_path(self) -> Path:
        return (
            BENCH
            / DATASETS[self.year]
            / ("queries.tsv" if self.name == "test" else f"queries.{self.name}.tsv")
        )


def load_split(year: str, name: str) -> Split:
    folder = BENCH / DATASETS[year]
    suffix = "" if name == "test" else f".{name}"
    queries = [(r["id"], r["text"]) for r in read_tsv(folder / f"queries{suffix}.tsv")]
    qrels: dict[str, set[str]] = {}
    for row in read_tsv(folder / f"qrels{suffix}.tsv"):
        qrels.setdefault(row["query_id"], set()).add(row["vclaim_id"])
    return Split(year, name, queries, qrels)
