"""CSV for editors and ClaimReview JSON-LD for publishing."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence

from sqlalchemy.engine import Engine
from sqlmodel import Session

from claims.provenance.sources import wordings
from db import crud
from db.models import ClaimStatus

CSV_COLUMNS = [
    "claim_id",
    "cluster_id",
    "claim_text",
    "speaker",
    "venue",
    "attribution",
    "checkworthiness",
    "role",
    "said_when",
    "said_on",
    "document",
    "source",
    "title",
    "published",
    "status",
    "sourcing",
    "reviewer",
    "updated_at",
    "cluster_size",
    "notes",
    "first_seen",
    "drift",
    "mention_id",
]
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """A cell's text, made inert if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def rows(
    engine: Engine,
    *,
    statuses: Sequence[ClaimStatus | str] | None = None,
    claim_ids: Sequence[int] | None = None,
) -> list[dict]:
    """One dict per mention, keys :data:`CSV_COLUMNS`, values as stored (not neutralised).

    ``claim_ids`` keeps the mentions of those tracked claims only (a preview: every mention of
    each, so first appearance and drift read as in the full file)."""
    wanted = [ClaimStatus(s) for s in statuses] if statuses else None
    with Session(engine) as session:
        mentions = crud.mention_rows(session, statuses=wanted, claim_ids=claim_ids)
        notes = {cid: crud.notes_for(session, claim_id=cid) for cid in {m.claim.id for m in mentions}}
    by_claim: dict[int, list[crud.MentionRow]] = {}
    for m in mentions:
        by_claim.setdefault(m.claim.id, []).append(m)
    # Each mention against its tracked claim's first appearance (earliest published, then ingested).
    first, drift = {}, {}
    for claim_rows in by_claim.values():
        shown = wordings(claim_rows)
        for w in shown:
            first[w.row.mention.id] = shown[0].row.article.document
            drift[w.row.mention.id] = (
                "; ".join(f"{f.kind}: {f.detail}" for f in w.drift.flags) if w.drift else ""
            )
    out = []
    for m in mentions:
        out.append(
            {
                "claim_id": m.mention.id,  # the contract's name for the mention's id; mention_id says it
                "cluster_id": m.claim.id,
                "claim_text": m.mention.text,
                "speaker": m.speaker or "",
                "venue": m.mention.venue or "",
                "attribution": m.mention.attribution.value,
                "checkworthiness": f"{m.mention.checkworthiness:.3f}",
                "role": m.mention.role,
                "said_when": m.mention.said_when or "",
                "said_on": m.mention.said_on.isoformat() if m.mention.said_on else "",
                "document": m.article.document,
                "source": m.outlet or "",
                "title": m.article.title or "",
                "published": m.article.published.isoformat() if m.article.published else "",
                "status": m.claim.status.value,
                "sourcing": m.mention.sourcing.value if m.mention.sourcing else "",
                "reviewer": m.claim.reviewer or "",
                "updated_at": m.claim.updated_at.isoformat(timespec="seconds"),
                "cluster_size": m.claim.mention_count,
                "notes": " | ".join(f"{n.reviewer}: {n.text}" for n in notes.get(m.claim.id, [])),
                "first_seen": first[m.mention.id],
                "drift": drift[m.mention.id],
                "mention_id": m.mention.id,
            }
        )
    return out


def to_csv(engine: Engine, *, statuses: Sequence[ClaimStatus | str] | None = None) -> bytes:
    """The CSV as UTF-8 with a byte-order mark, so Excel reads the accents right."""
    return write_csv(rows(engine, statuses=statuses))


def write_csv(records: Iterable[dict]) -> bytes:
    """``records`` (keys :data:`CSV_COLUMNS`) as the CSV file: a header, cells neutralised, UTF-8 with a BOM."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in records:
        writer.writerow({key: neutralise(value) for key, value in row.items()})
    return buffer.getvalue().encode("utf-8-sig")


# ClaimReview's reviewRating: our verdicts on its 1 (false) .. 5 (true) scale.
_RATING = {
    ClaimStatus.true: 5,
    ClaimStatus.mostly_true: 4,
    ClaimStatus.misleading: 2,
    ClaimStatus.false: 1,
}
_REVIEWED = set(_RATING) | {ClaimStatus.unverifiable}


def to_claimreview(
    engine: Engine, *, publisher: str = "Claim workbench", statuses: Sequence[ClaimStatus | str] | None = None
) -> str:
    """ClaimReview JSON-LD (schema.org) for every tracked claim with a verdict."""
    wanted = {ClaimStatus(s) for s in statuses} if statuses else _REVIEWED
    verdicts = sorted(wanted & _REVIEWED, key=lambda s: s.value)
    if not verdicts:  # only statuses without a verdict asked for: nothing to publish
        return "[]"
    by_claim: dict[int, list[crud.MentionRow]] = {}
    with Session(engine) as session:
        for m in crud.mention_rows(session, statuses=verdicts):
            by_claim.setdefault(m.claim.id, []).append(m)
    reviews = []
    for mentions in by_claim.values():
        claim, first = mentions[0].claim, mentions[0]
        rating = {"@type": "Rating", "alternateName": claim.status.value}
        if claim.status in _RATING:
            rating.update(ratingValue=_RATING[claim.status], bestRating=5, worstRating=1)
        item = {
            "@type": "Claim",
            "appearance": [{"@type": "CreativeWork", "url": m.article.document} for m in mentions],
        }
        if first.speaker:
            item["author"] = {
                "@type": "Person" if first.mention.speaker_id else "Organization",
                "name": first.speaker,
            }
        if first.article.published:
            item["datePublished"] = first.article.published.isoformat()
        reviews.append(
            {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "claimReviewed": claim.canonical_text,
                "author": {"@type": "Organization", "name": publisher},
                "dateModified": claim.updated_at.isoformat(timespec="seconds"),
                "reviewRating": rating,
                "itemReviewed": item,
            }
        )
    return json.dumps(reviews, ensure_ascii=False, indent=2)
