"""Previously published fact-checks: import them, and rank them for a new claim.

Accepted files: TSV or CSV with a header and the columns ``id, text`` (optional
``title, url, rating, date``), or ClaimReview JSON / JSON-LD.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session
from tqdm.auto import tqdm

from claims.embed.encoder import Embedder, default_embedder, from_bytes, to_bytes
from claims.factchecks.ranker import Corpus, Ranker, clean_query, load_ranker, rank
from claims.ingest.sources import IngestError, read_text_file
from claims.review.guards import claim_to_review, must_exist, reviewer_name
from db import crud
from db.models import FactCheck, FactCheckEvidence
from db.session import session_scope

OPTIONAL_COLUMNS = ("title", "url", "rating", "date")

EVIDENCE = "fact-check evidence"  # the history field of attaching and detaching one


@dataclass
class FactCheckMatch:
    id: str  # the fact-check's id as imported
    score: float
    text: str
    title: str | None = None
    url: str | None = None
    rating: str | None = None
    fact_check_id: int | None = None  # the database row, for attaching it as evidence


def read_table(path: Path) -> list[dict]:
    """Rows of a TSV/CSV file with at least the columns ``id`` and ``text``, checked row by row."""
    raw = read_text_file(path)
    delimiter = "\t" if path.suffix.lower() in {".tsv", ".tab"} or raw.split("\n", 1)[0].count("\t") else ","
    # Quotes inside tweets are text, not CSV quoting, in the TSVs fact-checkers exchange. A CSV is
    # read strictly: an unterminated quote is an error, not two rows silently run into one.
    kind = "TSV" if delimiter == "\t" else "CSV"
    reader = csv.DictReader(
        raw.splitlines(),
        delimiter=delimiter,
        quoting=csv.QUOTE_NONE if kind == "TSV" else csv.QUOTE_MINIMAL,
        strict=kind == "CSV",
    )
    try:
        columns = [c.strip().lower() for c in reader.fieldnames or []]
        missing = [c for c in ("id", "text") if c not in columns]
        if missing:
            raise IngestError(
                str(path),
                f"missing column(s) {', '.join(missing)} (the header has: {', '.join(columns) or 'nothing'})",
            )
        rows = []
        for row in reader:
            number = reader.line_num
            if None in row:  # DictReader files surplus fields under None
                raise IngestError(str(path), f"line {number}: more fields than the header's {len(columns)}")
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            if not row.get("id") or not row.get("text"):
                raise IngestError(str(path), f"line {number}: empty id or text")
            rows.append(row)
    except csv.Error as error:  # a field over the csv module's limit, a quote left open
        raise IngestError(
            str(path),
            f"not readable as {kind} after line {reader.line_num} ({error})",
        ) from error
    return rows


_TEXT_FIELDS = ("claimReviewed", "name", "headline", "url", "@id", "datePublished")


def read_claimreview(path: Path) -> list[dict]:
    """Rows from ClaimReview JSON / JSON-LD (one object, a list, or an @graph), checked object by object."""
    try:
        data = json.loads(read_text_file(path))
    except json.JSONDecodeError as error:
        raise IngestError(str(path), f"not valid JSON (line {error.lineno}: {error.msg})") from error
    except RecursionError as error:
        raise IngestError(str(path), "JSON nested too deeply to be ClaimReview") from error
    items = data.get("@graph", [data]) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise IngestError(
            str(path), f"expected a ClaimReview object or a list of them, found {type(items).__name__}"
        )
    rows = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or item.get("@type") != "ClaimReview":
            continue
        for field in _TEXT_FIELDS:
            if item.get(field) is not None and not isinstance(item[field], str):
                raise IngestError(
                    str(path),
                    f"ClaimReview #{number}: {field} should be text, found {type(item[field]).__name__}",
                )
        text = item.get("claimReviewed")
        if not text:
            raise IngestError(str(path), f"ClaimReview #{number} has no claimReviewed")
        rating = item.get("reviewRating") or {}
        alternate = rating.get("alternateName") if isinstance(rating, dict) else None
        rows.append(
            {
                "id": str(item.get("url") or item.get("@id") or f"{path.name}#{number}"),
                "text": text,
                "title": item.get("name") or item.get("headline"),
                "url": item.get("url"),
                "rating": alternate if isinstance(alternate, str) else None,
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


def import_file(
    engine: Engine, path: Path, *, embedder: Embedder | None = None, progress: bool = False
) -> tuple[int, int]:
    """Import fact-checks from ``path``; returns (added, already known). All or nothing.

    The text and the title of each new fact-check are embedded once, here, and stored.
    """
    rows = read_file(Path(path))
    with Session(engine) as session:
        known = crud.fact_check_external_ids(session)
    new = [r for r in rows if r["id"] not in known]
    new = list({r["id"]: r for r in new}.values())
    embedder = embedder or default_embedder()
    vectors = embedder.encode([r["text"] for r in new], progress=progress)
    titled = [i for i, r in enumerate(new) if r.get("title")]
    title_vectors = dict(zip(titled, embedder.encode([new[i]["title"] for i in titled], progress=progress)))
    with session_scope(engine) as session:
        for i, (row, vector) in enumerate(
            tqdm(list(zip(new, vectors)), desc="saving", unit=" checks", disable=not progress)
        ):
            extra = {c: row.get(c) or None for c in OPTIONAL_COLUMNS}
            title_vector = to_bytes(title_vectors[i]) if i in title_vectors else None
            session.add(
                FactCheck(
                    external_id=row["id"],
                    text=row["text"],
                    embedding=to_bytes(vector),
                    title_embedding=title_vector,
                    **extra,
                )
            )
    return len(new), len(rows) - len(new)


_corpus_cache: dict[str, tuple[tuple, Corpus, list[FactCheck]]] = {}


def load_corpus(engine: Engine, *, embedder: Embedder | None = None) -> tuple[Corpus, list[FactCheck]]:
    """The imported fact-checks as a rankable :class:`Corpus` (kept in memory until the table changes).

    Fact-checks imported before titles were embedded get their title vectors now, once.
    """
    key = str(engine.url)
    with Session(engine) as session:
        signature = crud.fact_check_signature(session)
        cached = _corpus_cache.get(key)
        if cached and cached[0] == signature:
            return cached[1], cached[2]
        checks = crud.fact_check_rows(session)
        for check in checks:
            session.expunge(check)
    missing = [c for c in checks if c.title and c.title_embedding is None]
    if missing:
        vectors = (embedder or default_embedder()).encode([c.title for c in missing])
        with session_scope(engine) as session:
            for check, vector in zip(missing, vectors):
                check.title_embedding = to_bytes(vector)
                session.add(session.merge(check))
    dimension = len(from_bytes(checks[0].embedding)) if checks else 1
    empty = np.zeros(dimension, dtype=np.float32)
    corpus = Corpus(
        [c.external_id for c in checks],
        [c.text for c in checks],
        [c.title or "" for c in checks],
        np.vstack([from_bytes(c.embedding) for c in checks])
        if checks
        else np.zeros((0, dimension), np.float32),
        np.vstack([from_bytes(c.title_embedding) if c.title_embedding else empty for c in checks])
        if checks
        else np.zeros((0, dimension), np.float32),
    )
    _corpus_cache[key] = (signature, corpus, checks)
    return corpus, checks


def match(
    engine: Engine,
    texts: Sequence[str],
    *,
    k: int = 5,
    embedder: Embedder | None = None,
    ranker: Ranker | None = None,
    plain: bool = False,
) -> list[list[FactCheckMatch]]:
    """For each text, the ``k`` imported fact-checks most likely to check the same claim, best first.

    Candidates come from BM25 and dense search; the shipped re-ranker (claims/models/factmatch.json)
    orders them (see :mod:`claims.factchecks.ranker`); scores are in 0..1. With ``plain``, or when no
    ranker is shipped, dense cosine (the better of text and title) orders them instead.
    """
    if not texts:
        return []
    corpus, checks = load_corpus(engine, embedder=embedder)
    if not len(corpus):
        return [[] for _ in texts]
    embedder = embedder or default_embedder()
    vectors = embedder.encode([clean_query(t) or t for t in texts])
    found = rank(corpus, list(texts), vectors, k=k, ranker=None if plain else (ranker or load_ranker()))
    return [
        [
            FactCheckMatch(
                checks[i].external_id,
                round(score, 4),
                checks[i].text,
                checks[i].title,
                checks[i].url,
                checks[i].rating,
                checks[i].id,
            )
            for i, score in row
        ]
        for row in found
    ]


def matches_for_claim(
    engine: Engine, claim_id: int, *, k: int = 5, embedder: Embedder | None = None
) -> list[FactCheckMatch]:
    """The best fact-check matches for a tracked claim's canonical text."""
    with Session(engine) as session:
        text = claim_to_review(session, claim_id).canonical_text
    return match(engine, [text], k=k, embedder=embedder)[0]


def attach_evidence(
    session: Session, *, claim_id: int, fact_check_id: int, reviewer: str, score: float | None = None
) -> FactCheckEvidence:
    """Record a published fact-check as evidence for a tracked claim (with a history row). Idempotent."""
    reviewer = reviewer_name(reviewer)
    claim_to_review(session, claim_id)
    check = must_exist(
        crud.get_fact_check(session, fact_check_id=fact_check_id), f"fact-check {fact_check_id}"
    )
    existing = crud.get_evidence(session, claim_id=claim_id, fact_check_id=fact_check_id)
    if existing:
        return existing
    evidence = FactCheckEvidence(
        claim_id=claim_id, fact_check_id=fact_check_id, score=score, reviewer=reviewer
    )
    session.add(evidence)
    crud.record_history(session, claim_id=claim_id, field=EVIDENCE, new=_label(check), reviewer=reviewer)
    session.flush()
    return evidence


def detach_evidence(session: Session, *, claim_id: int, fact_check_id: int, reviewer: str) -> bool:
    """Remove an attached fact-check from a tracked claim (with a history row); False if it was not attached."""
    reviewer = reviewer_name(reviewer)
    existing = crud.get_evidence(session, claim_id=claim_id, fact_check_id=fact_check_id)
    if existing is None:
        return False
    check = crud.get_fact_check(session, fact_check_id=fact_check_id)
    session.delete(existing)
    crud.record_history(
        session, claim_id=claim_id, field=EVIDENCE, old=_label(check), new=None, reviewer=reviewer
    )
    session.flush()
    return True


def _label(check: FactCheck) -> str:
    return f"{check.external_id}: {check.title or check.text}" + (
        f" ({check.rating})" if check.rating else ""
    )
