"""Storing what extraction found: speakers resolved through the speaker book, mentions linked on
their first pass, and the extraction of a batch of articles as ingestion stores it.

The ingest pipeline, re-extraction and a reviewer's added claim all store through these.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sqlmodel import Session

from claims.checkworthy.desk import desk_priority
from claims.checkworthy.model import default_scorer
from claims.config import Settings, settings
from claims.embed.encoder import Embedder, from_bytes, to_bytes
from claims.extract.detect import extract
from claims.extract.headlines import attach_headline
from claims.extract.speakers import SpeakerBook, fold
from claims.link.linker import JOIN, NEW, SUGGEST, Linker
from claims.records import Attribution, CleanArticle, FoundClaim
from claims.text.clean import clean_name
from claims.text.dates import resolve
from db import crud
from db.models import Article, AttributionKind, LinkSuggestion, Mention, SpeakerKind, TrackedClaim

EXTRACTION = "extraction"  # the reviewer name of link decisions extraction itself makes


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
    articles: list[CleanArticle],
    *,
    book: SpeakerBook,
    embedder: Embedder,
    config: Settings | None = None,
    progress: bool = False,
    failed: dict[int, str] | None = None,
    steps: Callable[[str, int, int], None] | None = None,
) -> list[tuple[list[FoundClaim], np.ndarray]]:
    """Each article's check-worthy mentions and their embeddings, as ingestion stores them.

    The benchmark of extraction calls this too, so what it measures is what lands in the database.

    Args:
        failed: when given, an article whose extraction raises is recorded here (its index: the
            reason) and gets no mentions, so the other articles go on; otherwise the error propagates.
        steps: called as ``steps(stage, done, total)``: ``extract`` after each article, ``encode``
            as the mentions are encoded (:class:`claims.ingest.progress.Tracker`).
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
        if steps:
            steps("extract", i + 1, len(articles))
    texts = [m.text for mentions in extracted for m in mentions]
    on_chunk = (lambda done, total: steps("encode", done, total)) if steps else None
    vectors = embedder.encode(texts, progress=progress and not steps, on_chunk=on_chunk)
    out, offset = [], 0
    for article, mentions in zip(articles, extracted):
        for mention in mentions:
            mention.said_on = resolve(mention.attribution.when, article.published)
        out.append(
            attach_headline(article.text, mentions, vectors[offset : offset + len(mentions)], embedder)
        )
        offset += len(mentions)
    # The rules decided what is a claim; the trained model ranks how check-worthy each one is, and
    # the desk's policy lifts a named speaker's comparison.
    scorer = default_scorer()
    for mentions, rows in out:
        for mention, value in zip(mentions, scorer.score([m.text for m in mentions], rows, domain="news")):
            who = mention.attribution
            mention.checkworthiness = round(
                desk_priority(float(value), mention.text, who.kind, who.speaker), 4
            )
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


class ArticleSpeakers:
    """The stored speaker of each mention of one article, each name stored (or found) once."""

    def __init__(self, session: Session, book: SpeakerBook):
        self.session, self.book, self.ids = session, book, {}

    def id_of(self, who: Attribution) -> int | None:
        if not who.speaker:
            return None
        if who.speaker not in self.ids:
            self.ids[who.speaker] = store_speaker(
                self.session, self.book, who.speaker, organisation=who.speaker_is_organisation
            )
        return self.ids[who.speaker]


def store_mention(
    session: Session,
    *,
    article_id: int,
    mention: FoundClaim,
    vector: np.ndarray,
    speaker_id: int | None,
    linker: Linker,
    pending: Linker | None = None,
    claim_id: int | None = None,
) -> Mention:
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
    if claim_id is None and decision.action != NEW and session.get(TrackedClaim, decision.claim_id) is None:
        # Another ingest's relinking regrouped that tracked claim away since the vectors were read;
        # the mention starts one of its own, and the refresh after the batch links it again.
        decision = type(decision)(NEW, None, decision.score)
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
    stored = Mention(
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


def keep_with_body(session: Session, headline_id: int, body_id: int) -> None:
    """A standing link between a headline and the body claim it repeats, so every relinking keeps them together."""
    crud.record_link_decisions(session, pairs=[(headline_id, body_id)], same=True, reviewer=EXTRACTION)


def store_article(
    session: Session,
    article: CleanArticle,
    digest: str,
    mentions: list[FoundClaim],
    vectors: np.ndarray,
    book: SpeakerBook,
    linker: Linker,
) -> tuple[Article, list[tuple[np.ndarray, int, int | None]]]:
    """Store one article and what extraction found in it, each mention linked as it comes (the
    refresh after the batch relinks them all); (the row, each mention's (vector, claim, speaker))."""
    outlet = crud.get_or_create_outlet(session, name=article.outlet) if article.outlet else None
    row = Article(
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
    speakers = ArticleSpeakers(session, book)
    added: list[tuple[np.ndarray, int, int | None]] = []
    stored_ids: list[int] = []
    pending = Linker(linker.matrix.shape[1], linker.config)
    for mention, vector in zip(mentions, vectors):
        speaker_id = speakers.id_of(mention.attribution)
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
            keep_with_body(session, stored.id, stored_ids[mention.repeats])
        pending.add(vector[None, :], [stored.claim_id], [speaker_id])
        added.append((vector, stored.claim_id, speaker_id))
        stored_ids.append(stored.id)
    crud.want_refresh(session)
    return row, added
