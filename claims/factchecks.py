"""Previously published fact-checks: import them, and rank them for a new claim.

Accepted files: TSV or CSV with a header and the columns ``id, text`` (optional
``title, url, rating, date``), or ClaimReview JSON / JSON-LD.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from claims.embed import Embedder, default_embedder, from_bytes, to_bytes
from claims.ingest import IngestError, read_text_file
from db.models import FactCheck
from db.session import session_scope

OPTIONAL_COLUMNS = ("title", "url", "rating", "date")


@dataclass
class FactCheckMatch:
    id: str  # the fact-check's id as imported
    score: float
    text: str
    title: Optional[str] = None
    url: Optional[str] = None
    rating: Optional[str] = None


def read_table(path: Path) -> list[dict]:
    """Rows of a TSV/CSV file with at least the columns ``id`` and ``text``."""
    raw = read_text_file(path)
    delimiter = "\t" if path.suffix.lower() in {".tsv", ".tab"} or raw.split("\n", 1)[0].count("\t") else ","
    # Quotes inside tweets are text, not CSV quoting, in the TSVs fact-checkers exchange.
    reader = csv.DictReader(raw.splitlines(), delimiter=delimiter, quoting=csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL)
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    missing = [c for c in ("id", "text") if c not in columns]
    if missing:
        raise IngestError(str(path), f"missing column(s) {', '.join(missing)} (the header has: {', '.join(columns) or 'nothing'})")
    rows = []
    for number, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        if not row.get("id") or not row.get("text"):
            raise IngestError(str(path), f"line {number}: empty id or text")
        rows.append(row)
    return rows


def read_claimreview(path: Path) -> list[dict]:
    """Rows from ClaimReview JSON / JSON-LD (one object, a list, or an @graph)."""
    try:
        data = json.loads(read_text_file(path))
    except json.JSONDecodeError as error:
        raise IngestError(str(path), f"not valid JSON (line {error.lineno}: {error.msg})") from error
    items = data.get("@graph", [data]) if isinstance(data, dict) else data
    rows = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or item.get("@type") != "ClaimReview":
            continue
        text = item.get("claimReviewed")
        if not text:
            raise IngestError(str(path), f"ClaimReview #{number} has no claimReviewed")
        rating = item.get("reviewRating") or {}
        rows.append(
            {
                "id": str(item.get("url") or item.get("@id") or f"{path.name}#{number}"),
                "text": text,
                "title": item.get("name") or item.get("headline"),
                "url": item.get("url"),
                "rating": rating.get("alternateName") if isinstance(rating, dict) else None,
                "date": item.get("datePublished"),
            }
        )
    if not rows:
        raise IngestError(str(path), "no ClaimReview objects found")
    return rows


def read_file(path: Path) -> list[dict]:
    if not path.exists():
        raise IngestError(str(path), "no such file")
    if path.suffix.lower() in {".json", ".jsonld"}:
        return read_claimreview(path)
    return read_table(path)


def import_file(engine: Engine, path: Path, *, embedder: Optional[Embedder] = None, progress: bool = False) -> tuple[int, int]:
    """Import fact-checks from ``path``; returns (added, already known). All or nothing."""
    rows = read_file(Path(path))
    with Session(engine) as session:
        known = set(session.exec(select(FactCheck.external_id)).all())
    new = [r for r in rows if r["id"] not in known]
    new = list({r["id"]: r for r in new}.values())
    embedder = embedder or default_embedder()
    vectors = embedder.encode([r["text"] for r in new], progress=progress)
    with session_scope(engine) as session:
        for row, vector in zip(new, vectors):
            extra = {c: row.get(c) or None for c in OPTIONAL_COLUMNS}
            session.add(FactCheck(external_id=row["id"], text=row["text"], embedding=to_bytes(vector), **extra))
    return len(new), len(rows) - len(new)


def match(engine: Engine, texts: Sequence[str], *, k: int = 5, embedder: Optional[Embedder] = None) -> list[list[FactCheckMatch]]:
    """For each text, the ``k`` most similar imported fact-checks, best first."""
    with Session(engine) as session:
        checks = list(session.exec(select(FactCheck).order_by(FactCheck.id)).all())
    if not checks or not texts:
        return [[] for _ in texts]
    matrix = np.vstack([from_bytes(c.embedding) for c in checks])
    embedder = embedder or default_embedder()
    queries = embedder.encode(list(texts))
    scores = queries @ matrix.T
    results = []
    for row in scores:
        top = np.argsort(-row)[:k]
        results.append(
            [FactCheckMatch(checks[i].external_id, round(float(row[i]), 4), checks[i].text, checks[i].title, checks[i].url, checks[i].rating) for i in top]
        )
    return results
