"""Runs the stages for a batch of documents: load, extract, embed, link, store.

One transaction per article, so an article lands whole or not at all, and one
bad document never stops the rest of the batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session

from claims import index as vector_index
from claims.checkworthy import default_scorer
from claims.config import Settings, settings
from claims.dates import resolve
from claims.detect import extract
from claims.embed import Embedder, default_embedder, from_bytes, to_bytes
from claims.headlines import attach_headline
from claims.ingest import IngestError, content_hash, expand, load
from claims.link import JOIN, SUGGEST, Linker
from claims.records import Article, Mention
from claims.relink import RelinkReport, relink
from claims.search_vectors import refresh as refresh_search_vectors
from claims.speakers import SpeakerBook, fold
from claims.text import clean_name
from db import crud
from db.models import Article as ArticleRow
from db.models import AttributionKind, LinkSuggestion, SpeakerKind, TrackedClaim
from db.models import Mention as MentionRow
from db.session import session_scope

if TYPE_CHECKING:
    from claims.reextract import ReextractReport

EXTRACTION = "extraction"  # the reviewer name of link decisions extraction itself makes

# progress(done, total, message) is called as documents are processed.
Progress = Callable[[int, int, str], None]


@dataclass
class DocumentResult:
    document: str
    status: str  # "ingested", "skipped", "reextracted" or "failed"
    reason: str = ""
    mentions: int = 0
    article_id: int | None = None


@dataclass
class IngestReport:
    results: list[DocumentResult] = field(default_factory=list)
    seconds: float = 0.0
    embedded: int = 0
    embed_seconds: float = 0.0
    reextraction: ReextractReport | None = None
    refreshed: bool = False  # clusters, search vectors and the FAISS file were brought up to date

    def _with(self, status: str) -> list[DocumentResult]:
        return [r for r in self.results if r.status == status]

    @property
    def ingested(self) -> list[DocumentResult]:
        return self._with("ingested")

    @property
    def skipped(self) -> list[DocumentResult]:
        return self._with("skipped")

    @property
    def reextracted(self) -> list[DocumentResult]:
        return self._with("reextracted")

    @property
    def failed(self) -> list[DocumentResult]:
        return self._with("failed")

    @property
    def ok(self) -> bool:
        return not self.failed


def load_book(session: Session) -> SpeakerBook:
    """The speakers stored so far, their aliases, and the pairs reviewers split."""
    book = SpeakerBook()
    for speaker, aliases in crud.speakers_with_aliases(session):
        target = book.organisations if speaker.kind == SpeakerKind.organisation else book.people
        target[speaker.name] = set(aliases) | {fold(speaker.name)}
        if speaker.titles:
            book.roles[speaker.name] = set(speaker.titles.split())
        if speaker.pronoun:
            book.genders[speaker.name] = speaker.pronoun
    book.apart = {frozenset(pair) for pair in crud.apart_names(session)}
    return book


def load_linker(session: Session, dimension: int, config: Settings) -> Linker:
    linker = Linker(dimension, config)
    rows = crud.all_mention_vectors(session)
    if rows:
        linker.add(np.vstack([from_bytes(r[4]) for r in rows]), [r[1] for r in rows], [r[2] for r in rows])
    return linker


def extract_mentions(
    articles: list[Article],
    *,
    book: SpeakerBook,
    embedder: Embedder,
    config: Settings | None = None,
    progress: bool = False,
    failed: dict[int, str] | None = None,
) -> list[tuple[list[Mention], np.ndarray]]:
    """Each article's check-worthy mentions and their embeddings, as ingestion stores them.

    The benchmark of extraction calls this too, so what it measures is what lands in the database.

    Args:
        failed: when given, an article whose extraction raises is recorded here (its index: the
            reason) and gets no mentions, so the other articles go on; otherwise the error propagates.
    """
    config = config or settings()
    extracted = []
    for i, article in enumerate(articles):
        try:
            extracted.append(extract(article.text, book=book, threshold=config.checkworthy))
        except Exception as error:  # a hostile text may trip any stage; one article must not end the batch
            if failed is None:
                raise
            failed[i] = f"claims could not be extracted ({type(error).__name__}: {error})"
            extracted.append([])
    vectors = embedder.encode([m.text for mentions in extracted for m in mentions], progress=progress)
    out, offset = [], 0
    for article, mentions in zip(articles, extracted):
        for mention in mentions:
            mention.said_on = resolve(mention.attribution.when, article.published)
        out.append(
            attach_headline(article.text, mentions, vectors[offset : offset + len(mentions)], embedder)
        )
        offset += len(mentions)
    # The rules decided what is a claim; the trained model ranks how check-worthy each one is.
    scorer = default_scorer()
    for mentions, rows in out:
        for mention, value in zip(mentions, scorer.score([m.text for m in mentions], rows, domain="news")):
            mention.checkworthiness = round(float(value), 4)
    return out


def store_speaker(session: Session, book: SpeakerBook, name: str, *, organisation: bool) -> int:
    """The id of the stored speaker ``name`` resolves to in ``book``, created when new.

    Names go through the book first, so a name a reviewer merged into another
    speaker (now one of its aliases) lands on the speaker kept.
    """
    resolve = book.resolve_organisation if organisation else book.resolve_person
    name = resolved = resolve(clean_name(name))
    book_part = book.organisations if organisation else book.people
    kind = SpeakerKind.organisation if organisation else SpeakerKind.person
    aliases = book_part.get(name, {fold(name)})
    known = crud.speaker_named(session, name=name, folded=fold(name))
    if known is not None and known.name != name:
        # A name merged or renamed away by a reviewer (of either kind): a spelling of the speaker kept.
        name, kind = known.name, known.kind
    stored = crud.upsert_speaker(session, name=name, aliases=aliases, kind=kind)
    # Kept with the speaker, so an article ingested later on its own still knows them.
    titles = set((stored.titles or "").split()) | book.roles.get(resolved, set())
    if titles and " ".join(sorted(titles)) != stored.titles:
        stored.titles = " ".join(sorted(titles))
    if book.genders.get(resolved) and not stored.pronoun:
        stored.pronoun = book.genders[resolved]
    session.add(stored)
    return stored.id


def store_mention(
    session: Session,
    *,
    article_id: int,
    mention: Mention,
    vector: np.ndarray,
    speaker_id: int | None,
    linker: Linker,
    pending: Linker | None = None,
    claim_id: int | None = None,
) -> MentionRow:
    """Link ``mention`` to a tracked claim (joining one, or a new one with perhaps a suggestion) and store it.

    Args:
        linker: the stored mentions' vectors.
        pending: mentions of the same article not yet in ``linker``; they are linked to as well.
        claim_id: join this tracked claim whatever the vectors say (a headline repeating a body mention).
    """
    words = len(mention.text.split())
    decision = linker.link(vector, words=words, speaker_id=speaker_id)
    if pending is not None:
        # Mentions of this same article link to each other too.
        local = pending.link(vector, words=words, speaker_id=speaker_id)
        if local.score > decision.score:
            decision = local
    if claim_id is not None:
        decision = type(decision)(JOIN, claim_id, decision.score)
    elif decision.action == JOIN:
        claim_id = decision.claim_id
    else:
        claim = TrackedClaim(canonical_text=mention.text)
        session.add(claim)
        session.flush()
        claim_id = claim.id
    who = mention.attribution
    stored = MentionRow(
        article_id=article_id,
        claim_id=claim_id,
        speaker_id=speaker_id,
        start=mention.start,
        end=mention.end,
        text=mention.text,
        venue=who.venue,
        attribution=AttributionKind(who.kind),
        checkworthiness=mention.checkworthiness,
        role=mention.role,
        said_when=who.when,
        said_on=mention.said_on,
        embedding=to_bytes(vector),
    )
    session.add(stored)
    session.flush()
    if decision.action == SUGGEST:
        session.add(
            LinkSuggestion(mention_id=stored.id, claim_id=decision.claim_id, score=round(decision.score, 4))
        )
        session.flush()
    return stored


def _store_article(
    session: Session,
    article: Article,
    digest: str,
    mentions: list[Mention],
    vectors: np.ndarray,
    book: SpeakerBook,
    linker: Linker,
) -> tuple[ArticleRow, list[tuple[np.ndarray, int, int | None]]]:
    outlet = crud.get_or_create_outlet(session, name=article.outlet) if article.outlet else None
    row = ArticleRow(
        document=article.document,
        title=article.title,
        published=article.published,
        text=article.text,
        outlet_id=outlet.id if outlet else None,
        content_hash=digest,
        removed=[list(pair) for pair in article.removed],
    )
    session.add(row)
    session.flush()
    speaker_ids: dict[str, int] = {}
    added: list[tuple[np.ndarray, int, int | None]] = []
    stored_ids: list[int] = []
    pending = Linker(linker.matrix.shape[1], linker.config)
    for mention, vector in zip(mentions, vectors):
        who = mention.attribution
        speaker_id = None
        if who.speaker:
            if who.speaker not in speaker_ids:
                speaker_ids[who.speaker] = store_speaker(
                    session, book, who.speaker, organisation=who.speaker_is_organisation
                )
            speaker_id = speaker_ids[who.speaker]
        claim_id = added[mention.repeats][1] if mention.repeats is not None else None
        stored = store_mention(
            session,
            article_id=row.id,
            mention=mention,
            vector=vector,
            speaker_id=speaker_id,
            linker=linker,
            pending=pending,
            claim_id=claim_id,
        )
        if mention.repeats is not None:
            # Kept as a standing link, so every relinking keeps the headline with the body claim it repeats.
            crud.record_link_decisions(
                session, pairs=[(stored.id, stored_ids[mention.repeats])], same=True, reviewer=EXTRACTION
            )
        pending.add(vector[None, :], [stored.claim_id], [speaker_id])
        added.append((vector, stored.claim_id, speaker_id))
        stored_ids.append(stored.id)
    crud.want_refresh(session)
    return row, added


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
        progress: called as ``progress(done, total, document)`` as articles are stored.
        embed_progress: show a progress bar (on stderr) while embedding.
        documents: the name to store and report for a source, when it is not
            the source itself (an uploaded file's original name, not its temp path).
        reextract: for documents already stored (same content), run extraction
            again instead of skipping them (:mod:`claims.reextract`: reviewers'
            work on the old mentions is kept).

    Returns:
        An :class:`IngestReport` with one result per document.
    """
    import time

    started = time.perf_counter()
    config = config or settings()
    report = IngestReport()
    names = documents or {}
    loaded: list[tuple[Article, str]] = []
    again: dict[str, str] = {}  # content hash -> document name, of stored articles to extract again
    with Session(engine) as session:
        seen = crud.known_hashes(session)
    for item in expand(sources):
        if isinstance(item, IngestError):
            report.results.append(
                DocumentResult(names.get(item.document, item.document), "failed", item.reason)
            )
            continue
        try:
            article = load(item, outlet=outlet, config=config)
        except IngestError as error:
            report.results.append(
                DocumentResult(names.get(error.document, error.document), "failed", error.reason)
            )
            continue
        article.document = names.get(item, item)
        digest = content_hash(article.text)
        if digest in seen:
            if reextract and digest not in again:
                again[digest] = article.document
            elif digest not in again:
                report.results.append(
                    DocumentResult(article.document, "skipped", "already ingested (same content)")
                )
            continue
        seen.add(digest)
        loaded.append((article, digest))

    if not loaded and not again:  # every document failed or was skipped: say so without loading the model
        report.refreshed = refresh(engine, embed_progress=embed_progress) is not None
        report.seconds = time.perf_counter() - started
        return report
    embedder = embedder or default_embedder()
    with Session(engine) as session:
        book = load_book(session)
        linker = load_linker(session, embedder.dimension, config)
    if progress and loaded:
        progress(0, len(loaded), f"finding claims in {len(loaded)} articles")
    t0 = time.perf_counter()
    failed: dict[int, str] = {}
    extracted = extract_mentions(
        [article for article, _ in loaded],
        book=book,
        embedder=embedder,
        config=config,
        progress=embed_progress,
        failed=failed,
    )
    for i in sorted(failed):
        report.results.append(DocumentResult(loaded[i][0].document, "failed", failed[i]))
    extracted = [pair for i, pair in enumerate(extracted) if i not in failed]
    loaded = [pair for i, pair in enumerate(loaded) if i not in failed]
    report.embed_seconds = time.perf_counter() - t0
    report.embedded = sum(len(mentions) for mentions, _ in extracted)

    total = len(loaded)
    for done, ((article, digest), (mentions, article_vectors)) in enumerate(zip(loaded, extracted), start=1):
        try:
            with session_scope(engine) as session:
                row, added = _store_article(session, article, digest, mentions, article_vectors, book, linker)
        except Exception as error:  # the article's transaction is rolled back; the batch goes on
            report.results.append(
                DocumentResult(article.document, "failed", f"could not be stored ({error})")
            )
        else:
            for vector, claim_id, speaker_id in added:
                linker.add(vector[None, :], [claim_id], [speaker_id])
            report.results.append(
                DocumentResult(article.document, "ingested", mentions=len(mentions), article_id=row.id)
            )
        if progress:
            progress(done, total, article.document)
    if again:
        from claims.reextract import reextract as extract_again

        with Session(engine) as session:
            stored = {digest: crud.article_with_hash(session, content_hash=digest).id for digest in again}
        report.reextraction = extract_again(engine, list(stored.values()), embedder=embedder, config=config)
        report.results += [
            DocumentResult(document, "reextracted", article_id=stored[digest])
            for digest, document in again.items()
        ]
    # Every stored article asked for a refresh in its own transaction; so did any run killed or still
    # going elsewhere. Whatever is left is done here, so a rerun finishes an interrupted ingest.
    if progress and total:
        progress(total, total, "grouping claims and embedding them for search")
    t0 = time.perf_counter()
    report.refreshed = refresh(engine, embed_progress=embed_progress) is not None
    report.embed_seconds += time.perf_counter() - t0
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class RefreshReport:
    relinked: RelinkReport
    embedded: int  # mentions embedded by the search model
    indexed: int  # vectors in the FAISS file


def refresh(engine: Engine, *, force: bool = False, embed_progress: bool = False) -> RefreshReport | None:
    """Bring the derived data up to what is stored: regroup every mention into tracked claims (the
    clusters are recomputed over all of them, so the order articles came in does not matter), embed
    new mentions with the search model, rebuild the FAISS file.

    Runs only when a write asked for it (:func:`db.crud.want_refresh`) and no refresh has covered
    that yet, or when ``force``d. Relinking holds the database's write lock, so two runs at once
    take turns; each is complete on its own. Returns None when there was nothing to do.
    """
    with session_scope(engine) as session:
        wanted = crud.refresh_wanted(session)
        if wanted is None and not force:
            return None
        relinked = relink(session)
    embedded = refresh_search_vectors(engine, progress=embed_progress)
    index = vector_index.rebuild(engine)
    if wanted is not None:
        with session_scope(engine) as session:
            crud.refresh_done(session, wanted=wanted)
    return RefreshReport(relinked, embedded, len(index))
