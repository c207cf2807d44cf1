"""Reviewer feedback on extraction: drop a false claim, add a missed one, remember both.

Each verdict is an :class:`db.models.ExtractionFeedback` row (label 1 = a claim,
0 = not a claim) that ``python -m claims feedback export`` writes as a TSV of
``text, label`` for the next retraining of the check-worthiness model.
The caller owns the transaction.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
from sqlmodel import Session

from claims.checkworthy.desk import desk_priority
from claims.checkworthy.model import default_scorer
from claims.checkworthy.rules import rule_score
from claims.config import Settings, settings
from claims.embed.encoder import Embedder
from claims.extract.speakers import fold
from claims.ingest.store import load_book, load_linker, store_mention, store_speaker
from claims.records import Attribution, FoundClaim
from claims.review.guards import (
    ReviewError,
    check_version,
    claim_to_review,
    reviewer_name,
    save_regrouped,
)
from claims.text.clean import clean_name
from claims.text.sentences import segment
from db import crud
from db.models import A_CLAIM, NOT_A_CLAIM, AttributionKind, ExtractionFeedback, Mention, SpeakerKind

TSV_COLUMNS = ["text", "label"]


def explain(
    text: str, *, vector: np.ndarray | None = None, quoted: bool = False, top: int = 8
) -> list[tuple[str, float]]:
    """Why a sentence was taken and how it ranks (the one place the UI asks).

    First the extraction rules' score (a sentence is taken at 0.5 or more), then
    the trained model's largest signed contributions to its check-worthiness
    (positive pushes towards check-worthy). ``vector`` is the stored embedding;
    without it the sentence is embedded again.
    """
    taken = (
        "extraction rules' score (taken at 0.50 or more)",
        round(rule_score(text, quoted=quoted), 4),
    )
    return [taken, *default_scorer().explain(text, vector, domain="news", top=top)]


def find_span(article_text: str, selected: str) -> tuple[int, int]:
    """Where ``selected`` (pasted or selected by a reviewer) sits in ``article_text``.

    Whitespace may differ (line breaks, double spaces); everything else must match.

    Raises:
        ReviewError: nothing selected, not found, or found more than once.
    """
    words = (selected or "").split()
    if not words:
        raise ReviewError("no text selected: paste or choose the missed claim")
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    found = [m.span() for m in pattern.finditer(article_text)]
    shown = " ".join(words)
    shown = shown if len(shown) <= 60 else shown[:57] + "…"
    if not found:
        raise ReviewError(f"“{shown}” is not in the article's text (copy it from the article as shown)")
    if len(found) > 1:
        raise ReviewError(f"“{shown}” occurs {len(found)} times in the article: select a longer passage")
    return found[0]


def unextracted_sentences(session: Session, *, article_id: int) -> list[tuple[int, int, str]]:
    """(start, end, text) of the article's sentences that hold no mention yet, in reading order."""
    article = crud.get_article(session, article_id=article_id)
    if article is None:
        raise ReviewError(f"no article {article_id}")
    taken = [(r.mention.start, r.mention.end) for r in crud.mention_rows(session, article_id=article_id)]
    return [
        (unit.start, unit.end, unit.text)
        for unit in segment(article.text)
        if len(unit.text.split()) >= 3 and not any(s < unit.end and e > unit.start for s, e in taken)
    ]


def drop_mention(
    session: Session, *, mention_id: int, reviewer: str, expected_version: int | None = None
) -> ExtractionFeedback:
    """Record that a mention is not a claim and take it out of its tracked claim.

    The mention and its link suggestions are deleted. A tracked claim left
    without mentions is deleted too, unless reviewers already worked on it
    (notes or history), in which case it is kept, emptied, with a history row.

    Raises:
        ReviewError: no reviewer or an unknown mention.
        ConflictError: the mention changed since ``expected_version``.
    """
    reviewer = reviewer_name(reviewer)
    mention = crud.get_mention(session, mention_id=mention_id)
    if mention is None:
        raise ReviewError(f"no mention {mention_id}")
    check_version("This mention", mention.version, expected_version, None)
    claim = claim_to_review(session, mention.claim_id)
    feedback = ExtractionFeedback(
        article_id=mention.article_id,
        start=mention.start,
        end=mention.end,
        text=mention.text,
        label=NOT_A_CLAIM,
        reviewer=reviewer,
    )
    session.add(feedback)
    for row in crud.history_of_mention(session, mention_id=mention.id):
        row.mention_id = None  # the change stays in the claim's history; the mention is gone
        session.add(row)
    for suggestion in crud.suggestions_touching(session, mention_id=mention.id):
        session.delete(suggestion)
    session.flush()
    session.delete(mention)
    session.flush()
    left = crud.mention_rows(session, claim_id=claim.id)
    if (
        not left
        and not crud.notes_for(session, claim_id=claim.id)
        and not crud.history_for(session, claim_id=claim.id)
    ):
        for suggestion in crud.suggestions_touching(session, claim_id=claim.id):
            session.delete(suggestion)
        session.flush()
        session.delete(claim)
        session.flush()
        crud.want_refresh(session)
        return feedback
    crud.record_history(
        session,
        claim_id=claim.id,
        field="mention",
        old=mention.text,
        new="dropped: not a claim",
        reviewer=reviewer,
    )
    if left and claim.canonical_text == mention.text:
        crud.record_history(
            session,
            claim_id=claim.id,
            field="canonical text",
            old=claim.canonical_text,
            new=left[0].mention.text,
            reviewer=reviewer,
        )
        claim.canonical_text = left[0].mention.text
    save_regrouped(session, [claim], reviewer)
    return feedback


def add_mention(
    session: Session,
    *,
    article_id: int,
    start: int,
    end: int,
    reviewer: str,
    embedder: Embedder,
    speaker: str | None = None,
    speaker_kind: SpeakerKind | str = SpeakerKind.person,
    venue: str | None = None,
    attribution: AttributionKind | str | None = None,
    config: Settings | None = None,
) -> Mention:
    """Add a claim the extractor missed: ``article.text[start:end]``, linked like an ingested one.

    Args:
        speaker: who made it; resolved like ingested names (an existing
            speaker's name or spelling finds that speaker), else a new speaker.
        speaker_kind: for a new speaker, person or organisation.
        attribution: how the article reports it; by default reported speech
            when a speaker is given, else the outlet's own assertion.

    Returns:
        The stored mention (in a tracked claim it joined, or in a new one).

    Raises:
        ReviewError: no reviewer, unknown article, an empty or out-of-range
            span, or a span that overlaps an existing mention.
    """
    reviewer = reviewer_name(reviewer)
    article = crud.get_article(session, article_id=article_id)
    if article is None:
        raise ReviewError(f"no article {article_id}")
    if not (0 <= start < end <= len(article.text)):
        raise ReviewError(f"characters {start}–{end} are not a span of the article (0–{len(article.text)})")
    while start < end and article.text[start].isspace():
        start += 1
    while end > start and article.text[end - 1].isspace():
        end -= 1
    text = article.text[start:end]
    if not text:
        raise ReviewError("the selected text is empty")
    existing = crud.mention_at(session, article_id=article_id, start=start, end=end)
    if existing is not None:
        raise ReviewError(
            f"this overlaps a claim already extracted (tracked claim #{existing.claim_id}): “{existing.text[:80]}”"
        )
    speaker = clean_name(speaker or "") or None
    kind = (
        AttributionKind(attribution)
        if attribution
        else (AttributionKind.reported_speech if speaker else AttributionKind.outlet_assertion)
    )
    organisation = SpeakerKind(speaker_kind) == SpeakerKind.organisation
    speaker_id = None
    if speaker:
        known = crud.speaker_named(session, name=speaker, folded=fold(speaker))
        speaker_id = (
            known.id
            if known
            else store_speaker(session, load_book(session), speaker, organisation=organisation)
        )
    vector = embedder.encode_one(text)
    model_score = float(default_scorer().score([text], vector[None, :], domain="news")[0])
    score = round(desk_priority(model_score, text, kind, speaker), 4)
    found = FoundClaim(
        start=start,
        end=end,
        text=text,
        attribution=Attribution(speaker, (venue or "").strip() or None, kind.value, organisation),
        checkworthiness=score,
        sentence=text,
    )
    linker = load_linker(session, embedder.dimension, config or settings())
    stored = store_mention(
        session, article_id=article.id, mention=found, vector=vector, speaker_id=speaker_id, linker=linker
    )
    session.add(
        ExtractionFeedback(
            article_id=article.id, start=start, end=end, text=text, label=A_CLAIM, reviewer=reviewer
        )
    )
    claim = claim_to_review(session, stored.claim_id)
    added = f"added by reviewer: {text}"
    crud.record_history(
        session, claim_id=claim.id, mention_id=stored.id, field="mention", new=added, reviewer=reviewer
    )
    save_regrouped(session, [claim], reviewer)
    return stored


def feedback_table(session: Session) -> list[tuple[str, int]]:
    """(text, label) per span reviewers judged; a span judged twice keeps the latest verdict."""
    latest: dict[tuple[int, int, int], ExtractionFeedback] = {}
    for row in crud.feedback_rows(session):
        latest[(row.article_id, row.start, row.end)] = row
    return [(row.text, row.label) for row in latest.values()]


def feedback_tsv(session: Session) -> str:
    """The feedback as a TSV with the header ``text, label`` (what the retraining script reads with ``--extra``)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(TSV_COLUMNS)
    for text, label in feedback_table(session):
        writer.writerow([" ".join(text.split()), label])
    return out.getvalue()
