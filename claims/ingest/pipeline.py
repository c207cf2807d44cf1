"""Runs the stages for a batch of documents: load, extract, embed, link, store.

One transaction per article, so an article lands whole or not at all, and one
bad document never stops the rest of the batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlmodel import Session

from claims.config import Settings, settings
from claims.embed.encoder import Embedder, default_embedder
from claims.ingest.progress import Progress, Tracker
from claims.ingest.refresh import RefreshReport, refresh
from claims.ingest.sources import IngestError, content_hash, expand, load
from claims.ingest.store import extract_mentions, load_book, load_linker, store_article
from claims.link.relink import RelinkReport
from claims.records import CleanArticle, DocumentStatus
from db import crud
from db.session import session_scope

if TYPE_CHECKING:
    from claims.ingest.reextract import ReextractReport


@dataclass
class DocumentResult:
    document: str
    status: DocumentStatus
    reason: str = ""
    mentions: int = 0
    article_id: int | None = None


def _with_status(status: DocumentStatus) -> property:
    return property(lambda report: [r for r in report.results if r.status == status])


@dataclass
class IngestReport:
    results: list[DocumentResult] = field(default_factory=list)
    seconds: float = 0.0
    embedded: int = 0
    embed_seconds: float = 0.0
    reextraction: ReextractReport | None = None
    refreshed: bool = False  # clusters, search vectors and the FAISS file were brought up to date
    relinked: RelinkReport | None = None  # what the refresh's relinking decided again

    ingested = _with_status(DocumentStatus.ingested)
    skipped = _with_status(DocumentStatus.skipped)
    reextracted = _with_status(DocumentStatus.reextracted)
    failed = _with_status(DocumentStatus.failed)

    @property
    def ok(self) -> bool:
        return not self.failed

    def note_refresh(self, refreshed: RefreshReport | None) -> None:
        self.refreshed = refreshed is not None
        self.relinked = refreshed.relinked if refreshed is not None else None


def ingest(
    engine: Engine,
    sources: list[str],
    *,
    outlet: str | None = None,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    embed_progress: bool = False,
    documents: dict[str, str] | None = None,
    config: Settings | None = None,
    reextract: bool = False,
) -> IngestReport:
    """Ingest files, folders and URLs into the database behind ``engine``.

    Args:
        engine: from :func:`db.session.get_engine`.
        sources: paths of files or folders, or http(s) URLs.
        outlet: the outlet's name for every document, overriding what they say.
        embedder: defaults to the bundled model.
        progress: called with a :class:`~claims.ingest.progress.Step` as the ingest goes: the
            stage, how far it is, the fraction of the whole and an estimate of the time left.
        embed_progress: show a progress bar (on stderr) while embedding.
        documents: the name to store and report for a source, when it is not
            the source itself (an uploaded file's original name, not its temp path).
        reextract: for documents already stored (same content), run extraction
            again instead of skipping them (:mod:`claims.ingest.reextract`: reviewers'
            work on the old mentions is kept).

    Returns:
        An :class:`IngestReport` with one result per document.
    """
    import time

    started = time.perf_counter()
    config = config or settings()
    report = IngestReport()
    names = documents or {}
    loaded: list[tuple[CleanArticle, str]] = []
    again: dict[str, str] = {}  # content hash -> document name, of stored articles to extract again
    with Session(engine) as session:
        seen = crud.known_hashes(session)
    for item in expand(sources):
        if isinstance(item, IngestError):
            report.results.append(
                DocumentResult(names.get(item.document, item.document), DocumentStatus.failed, item.reason)
            )
            continue
        try:
            article = load(item, outlet=outlet, config=config)
        except IngestError as error:
            report.results.append(
                DocumentResult(names.get(error.document, error.document), DocumentStatus.failed, error.reason)
            )
            continue
        article.document = names.get(item, item)
        digest = content_hash(article.text)
        if digest in seen:
            if reextract and digest not in again:
                again[digest] = article.document
            elif digest not in again:
                report.results.append(
                    DocumentResult(
                        article.document, DocumentStatus.skipped, "already ingested (same content)"
                    )
                )
            continue
        seen.add(digest)
        loaded.append((article, digest))

    if not loaded and not again:  # every document failed or was skipped: say so without loading the model
        report.note_refresh(refresh(engine, embed_progress=embed_progress))
        report.seconds = time.perf_counter() - started
        return report
    embedder = embedder or default_embedder()
    with Session(engine) as session:
        book = load_book(session)
        linker = load_linker(session, embedder.dimension, config)
    steps = Tracker(progress)
    steps("extract", 0, len(loaded))
    t0 = time.perf_counter()
    failed: dict[int, str] = {}
    extracted = extract_mentions(
        [article for article, _ in loaded],
        book=book,
        embedder=embedder,
        config=config,
        progress=embed_progress,
        failed=failed,
        steps=steps,
    )
    for i in sorted(failed):
        report.results.append(DocumentResult(loaded[i][0].document, DocumentStatus.failed, failed[i]))
    extracted = [pair for i, pair in enumerate(extracted) if i not in failed]
    loaded = [pair for i, pair in enumerate(loaded) if i not in failed]
    report.embed_seconds = time.perf_counter() - t0
    report.embedded = sum(len(mentions) for mentions, _ in extracted)

    total = len(loaded)
    for done, ((article, digest), (mentions, article_vectors)) in enumerate(zip(loaded, extracted), start=1):
        try:
            with session_scope(engine) as session:
                row, added = store_article(session, article, digest, mentions, article_vectors, book, linker)
        except Exception as error:  # the article's transaction is rolled back; the batch goes on
            report.results.append(
                DocumentResult(article.document, DocumentStatus.failed, f"could not be stored ({error})")
            )
        else:
            for vector, claim_id, speaker_id in added:
                linker.add(vector[None, :], [claim_id], [speaker_id])
            report.results.append(
                DocumentResult(
                    article.document, DocumentStatus.ingested, mentions=len(mentions), article_id=row.id
                )
            )
        steps("store", done, total, article.document)
    if again:
        from claims.ingest.reextract import reextract as extract_again

        with Session(engine) as session:
            stored = {digest: crud.article_with_hash(session, content_hash=digest).id for digest in again}
        report.reextraction = extract_again(engine, list(stored.values()), embedder=embedder, config=config)
        report.results += [
            DocumentResult(document, DocumentStatus.reextracted, article_id=stored[digest])
            for digest, document in again.items()
        ]
    # Every stored article asked for a refresh in its own transaction; so did any run killed or still
    # going elsewhere. Whatever is left is done here, so a rerun finishes an interrupted ingest.
    steps("search", 0, 1)
    t0 = time.perf_counter()
    report.note_refresh(refresh(engine, embed_progress=embed_progress, on_chunk=steps.stage("search")))
    steps.finish()
    report.embed_seconds += time.perf_counter() - t0
    report.seconds = time.perf_counter() - started
    return report
