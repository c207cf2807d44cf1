"""Extract stored articles again (after the extractor improved) without losing what reviewers did.

Re-ingesting a file already stored is skipped (same content); ``ingest
--reextract`` runs extraction on it again instead. The new mentions are laid
over the stored ones by span:

- a span found again keeps its mention row (id, tracked claim, sourcing,
  notes and history stay) and takes the new speaker, venue, frame, score and
  vectors;
- a new span is stored as a new mention;
- a stored span no longer found is removed, unless a reviewer added it or
  worked on it (sourcing set, or history written by a person), which keeps it;
- a span a reviewer marked "not a claim" stays out.

Then every mention is relinked, so reviewers' merges, splits and moves, stored
as decisions between stable mention keys, hold as they do after any ingest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlmodel import Session

from claims.embed.encoder import Embedder, to_bytes
from claims.extract.speakers import SpeakerBook
from claims.ingest.store import (
    ArticleSpeakers,
    extract_mentions,
    keep_with_body,
    load_book,
    load_linker,
    store_mention,
)
from claims.link.relink import RELINKER
from claims.records import CleanArticle, FoundClaim
from db import crud
from db.models import A_CLAIM, NOT_A_CLAIM, AttributionKind, Mention

MACHINES = {RELINKER, "extraction"}  # History rows these write are not a reviewer's work


@dataclass
class ReextractReport:
    kept: int = 0  # spans found again
    added: int = 0  # new spans
    removed: int = 0  # spans no longer found, nobody had worked on
    held: int = 0  # spans no longer found, kept because a reviewer added or worked on them
    refused: int = 0  # new spans a reviewer had marked "not a claim"

    def __str__(self) -> str:
        return f"{self.kept} kept, {self.added} added, {self.removed} removed, {self.held} held for reviewers, {self.refused} left out as not a claim"


def as_article(row) -> CleanArticle:
    """A stored article as extraction reads it: the clean text it stored, not the file again."""
    return CleanArticle(document=row.document, text=row.text, title=row.title, published=row.published)


def _reviewed(session: Session, mention: Mention, added_by_reviewer: set[tuple[int, int]]) -> bool:
    if (mention.start, mention.end) in added_by_reviewer or mention.sourcing is not None:
        return True
    return any(
        row.reviewer not in MACHINES for row in crud.history_of_mention(session, mention_id=mention.id)
    )


def _update(mention: Mention, found: FoundClaim, vector: np.ndarray, speaker_id: int | None) -> bool:
    """Lay the new extraction over a stored mention of the same span; whether anything changed."""
    who = found.attribution
    fresh = {
        "text": found.text,
        "speaker_id": speaker_id,
        "venue": who.venue,
        "attribution": AttributionKind(who.kind),
        "checkworthiness": found.checkworthiness,
        "role": found.role,
        "said_when": who.when,
        "said_on": found.said_on,
    }
    changed = any(getattr(mention, name) != value for name, value in fresh.items())
    if mention.text != found.text:
        mention.search_model = None  # its search vectors are embedded again when the index is rebuilt
    for name, value in fresh.items():
        setattr(mention, name, value)
    mention.embedding = to_bytes(vector)
    if changed:
        mention.version = Mention.version + 1  # in SQL: no increment is lost to another writer
    return changed


def reextract_article(
    session: Session, article_id: int, found: list[FoundClaim], vectors: np.ndarray, book: SpeakerBook, linker
) -> ReextractReport:
    """Lay ``found`` (a fresh extraction of the stored article) over its stored mentions. The caller
    owns the transaction and relinks afterwards."""

    report = ReextractReport()
    feedback = crud.feedback_rows(session, article_id=article_id)
    refused = {(f.start, f.end) for f in feedback if f.label == NOT_A_CLAIM} | {
        f.text for f in feedback if f.label == NOT_A_CLAIM
    }
    added_by_reviewer = {(f.start, f.end) for f in feedback if f.label == A_CLAIM}
    stored = {
        (m.start, m.end): m
        for m in (row.mention for row in crud.mention_rows(session, article_id=article_id))
    }
    speakers = ArticleSpeakers(session, book)
    ids: list[int | None] = []
    for mention, vector in zip(found, vectors):
        if (mention.start, mention.end) in refused or mention.text in refused:
            report.refused += 1
            ids.append(None)
            continue
        speaker_id = speakers.id_of(mention.attribution)
        old = stored.pop((mention.start, mention.end), None)
        if old is not None:
            _update(old, mention, vector, speaker_id)
            session.add(old)
            report.kept += 1
            ids.append(old.id)
        else:
            row = store_mention(
                session,
                article_id=article_id,
                mention=mention,
                vector=vector,
                speaker_id=speaker_id,
                linker=linker,
            )
            report.added += 1
            ids.append(row.id)
        if mention.repeats is not None and ids[mention.repeats] is not None:
            keep_with_body(session, ids[-1], ids[mention.repeats])
    session.flush()
    for mention in stored.values():
        if _reviewed(session, mention, added_by_reviewer):
            report.held += 1
            continue
        for row in crud.history_of_mention(session, mention_id=mention.id):
            row.mention_id = None
            session.add(row)
        for suggestion in crud.suggestions_touching(session, mention_id=mention.id):
            session.delete(suggestion)
        session.flush()
        session.delete(mention)
        report.removed += 1
    session.flush()
    return report


def reextract(
    engine, article_ids: list[int], *, embedder: Embedder, config=None, progress=None
) -> ReextractReport:
    """Extract the stored articles ``article_ids`` again; one transaction per article, each asking for
    the refresh (relinking, search vectors, the FAISS file) that :func:`claims.ingest.pipeline.ingest` runs next."""
    from claims.config import settings
    from db.session import session_scope

    total = ReextractReport()
    if not article_ids:
        return total
    with Session(engine) as session:
        rows = [crud.get_article(session, article_id=i) for i in article_ids]
        articles = [as_article(row) for row in rows]
        book = load_book(session)
    extracted = extract_mentions(articles, book=book, embedder=embedder, config=config)
    for done, (article_id, (found, vectors)) in enumerate(zip(article_ids, extracted), start=1):
        with session_scope(engine) as session:
            linker = load_linker(session, embedder.dimension, config or settings())
            report = reextract_article(session, article_id, found, vectors, book, linker)
            crud.want_refresh(session)
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        if progress:
            progress(done, len(article_ids), articles[done - 1].document)
    return total
