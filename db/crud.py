"""Every query of the workbench. Keyword-only functions taking the session;
the caller owns the transaction (see db.session.session_scope)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from sqlalchemy import func
from sqlmodel import Session, select

from db.models import (
    Article,
    ClaimStatus,
    History,
    LinkSuggestion,
    Mention,
    Note,
    Outlet,
    Speaker,
    SpeakerAlias,
    SpeakerKind,
    SuggestionState,
    TrackedClaim,
)

# --- outlets, articles -------------------------------------------------------


def get_or_create_outlet(session: Session, *, name: str) -> Outlet:
    outlet = session.exec(select(Outlet).where(Outlet.name == name)).first()
    if outlet is None:
        outlet = Outlet(name=name)
        session.add(outlet)
        session.flush()
    return outlet




def known_hashes(session: Session) -> set[str]:
    return set(session.exec(select(Article.content_hash)).all())


# --- speakers ----------------------------------------------------------------


def speakers_with_aliases(session: Session) -> list[tuple[Speaker, list[str]]]:
    rows = session.exec(select(Speaker, SpeakerAlias).join(SpeakerAlias, isouter=True).order_by(Speaker.id)).all()
    grouped: dict[int, tuple[Speaker, list[str]]] = {}
    for speaker, alias in rows:
        entry = grouped.setdefault(speaker.id, (speaker, []))
        if alias is not None:
            entry[1].append(alias.alias)
    return list(grouped.values())


def upsert_speaker(session: Session, *, name: str, aliases: Iterable[str], kind: SpeakerKind) -> Speaker:
    """The speaker known by ``name`` or any of ``aliases``, created or renamed to ``name``."""
    aliases = set(aliases)
    speaker = session.exec(select(Speaker).where(Speaker.name == name)).first()
    if speaker is None and aliases:
        alias_row = session.exec(select(SpeakerAlias).where(SpeakerAlias.alias.in_(aliases))).first()
        speaker = session.get(Speaker, alias_row.speaker_id) if alias_row else None
        if speaker is not None:
            speaker.name = name
    if speaker is None:
        speaker = Speaker(name=name, kind=kind)
        session.add(speaker)
        session.flush()
    existing = set(session.exec(select(SpeakerAlias.alias).where(SpeakerAlias.alias.in_(aliases))).all())
    for alias in sorted(aliases - existing):
        session.add(SpeakerAlias(speaker_id=speaker.id, alias=alias))
    session.flush()
    return speaker


def speaker_names(session: Session) -> list[str]:
    return list(session.exec(select(Speaker.name).order_by(Speaker.name)).all())


def outlet_names(session: Session) -> list[str]:
    return list(session.exec(select(Outlet.name).order_by(Outlet.name)).all())


# --- mentions and tracked claims --------------------------------------------


def all_mention_vectors(session: Session) -> list[tuple[int, int, Optional[int], str, bytes]]:
    """(mention id, tracked claim id, speaker id, text, embedding) of every mention."""
    return list(session.exec(select(Mention.id, Mention.claim_id, Mention.speaker_id, Mention.text, Mention.embedding).order_by(Mention.id)).all())




def mention_signature(session: Session) -> tuple[int, int]:
    """(number of mentions, highest mention id): changes whenever a mention is added or removed."""
    count, max_id = session.exec(select(func.count(Mention.id), func.max(Mention.id))).one()
    return int(count), int(max_id or 0)


@dataclass
class MentionRow:
    """A mention with everything a reviewer or an editor reads next to it."""

    mention: Mention
    article: Article
    claim: TrackedClaim
    speaker: Optional[str]
    outlet: Optional[str]


def _mention_query():
    return (
        select(Mention, Article, TrackedClaim, Speaker.name, Outlet.name)
        .join(Article, Mention.article_id == Article.id)
        .join(TrackedClaim, Mention.claim_id == TrackedClaim.id)
        .join(Speaker, Mention.speaker_id == Speaker.id, isouter=True)
        .join(Outlet, Article.outlet_id == Outlet.id, isouter=True)
    )


def mention_rows(
    session: Session,
    *,
    mention_ids: Optional[Sequence[int]] = None,
    claim_id: Optional[int] = None,
    statuses: Optional[Sequence[ClaimStatus]] = None,
) -> list[MentionRow]:
    query = _mention_query()
    if mention_ids is not None:
        query = query.where(Mention.id.in_(list(mention_ids)))
    if claim_id is not None:
        query = query.where(Mention.claim_id == claim_id)
    if statuses:
        query = query.where(TrackedClaim.status.in_(list(statuses)))
    query = query.order_by(Mention.claim_id, Article.published, Article.ingested_at, Mention.id)
    return [MentionRow(*row) for row in session.exec(query).all()]


@dataclass
class ClaimSummary:
    claim: TrackedClaim
    mentions: int
    outlets: list[str]
    speakers: list[str]
    pending_suggestions: int


def claim_summaries(
    session: Session,
    *,
    statuses: Optional[Sequence[ClaimStatus]] = None,
    speaker: Optional[str] = None,
    outlet: Optional[str] = None,
    text: Optional[str] = None,
    sort: str = "mentions",
    limit: Optional[int] = None,
) -> list[ClaimSummary]:
    """Tracked claims for the review queue, filtered and sorted (``mentions`` or ``first_seen``)."""
    rows = mention_rows(session, statuses=statuses)
    pending = dict(
        session.exec(
            select(LinkSuggestion.claim_id, func.count())
            .where(LinkSuggestion.state == SuggestionState.pending)
            .group_by(LinkSuggestion.claim_id)
        ).all()
    )
    grouped: dict[int, list[MentionRow]] = {}
    for row in rows:
        grouped.setdefault(row.claim.id, []).append(row)
    summaries = []
    for claim_rows in grouped.values():
        claim = claim_rows[0].claim
        speakers = sorted({r.speaker for r in claim_rows if r.speaker})
        outlets = sorted({r.outlet for r in claim_rows if r.outlet})
        if speaker and speaker not in speakers:
            continue
        if outlet and outlet not in outlets:
            continue
        if text and not any(text.lower() in r.mention.text.lower() for r in claim_rows) and text.lower() not in claim.canonical_text.lower():
            continue
        summaries.append(ClaimSummary(claim, len(claim_rows), outlets, speakers, pending.get(claim.id, 0)))
    if sort == "first_seen":
        summaries.sort(key=lambda s: (s.claim.first_seen, s.claim.id))
    else:
        summaries.sort(key=lambda s: (-s.mentions, s.claim.first_seen, s.claim.id))
    return summaries[:limit] if limit else summaries


def claim_sizes(session: Session, *, claim_ids: Sequence[int]) -> dict[int, int]:
    """Number of mentions of each of ``claim_ids``."""
    rows = session.exec(select(Mention.claim_id, func.count()).where(Mention.claim_id.in_(list(claim_ids))).group_by(Mention.claim_id)).all()
    return dict(rows)


def get_claim(session: Session, *, claim_id: int) -> Optional[TrackedClaim]:
    return session.get(TrackedClaim, claim_id)


def get_mention(session: Session, *, mention_id: int) -> Optional[Mention]:
    return session.get(Mention, mention_id)


def notes_for(session: Session, *, claim_id: int) -> list[Note]:
    return list(session.exec(select(Note).where(Note.claim_id == claim_id).order_by(Note.created_at, Note.id)).all())


def history_for(session: Session, *, claim_id: int) -> list[History]:
    return list(session.exec(select(History).where(History.claim_id == claim_id).order_by(History.at, History.id)).all())


def suggestions_for(session: Session, *, claim_id: int, state: SuggestionState = SuggestionState.pending) -> list[tuple[LinkSuggestion, Mention]]:
    """Suggestions that a mention (now in another claim) may be this claim."""
    query = (
        select(LinkSuggestion, Mention)
        .join(Mention, LinkSuggestion.mention_id == Mention.id)
        .where(LinkSuggestion.claim_id == claim_id, LinkSuggestion.state == state)
        .order_by(LinkSuggestion.score.desc())
    )
    return list(session.exec(query).all())


def pending_suggestions(session: Session) -> list[LinkSuggestion]:
    return list(session.exec(select(LinkSuggestion).where(LinkSuggestion.state == SuggestionState.pending)).all())




def counts(session: Session) -> dict[str, int]:
    def count(model, *where) -> int:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()

    return {
        "articles": count(Article),
        "outlets": count(Outlet),
        "speakers": count(Speaker),
        "mentions": count(Mention),
        "tracked_claims": session.exec(select(func.count(func.distinct(Mention.claim_id)))).one(),
        "multi_source_claims": session.exec(
            select(func.count()).select_from(
                select(Mention.claim_id).join(Article).group_by(Mention.claim_id).having(func.count(func.distinct(Article.id)) > 1).subquery()
            )
        ).one(),
        "pending_suggestions": count(LinkSuggestion, LinkSuggestion.state == SuggestionState.pending),
        "reviewed_claims": count(TrackedClaim, TrackedClaim.status != ClaimStatus.unreviewed),
        "notes": count(Note),
    }


def status_counts(session: Session) -> dict[str, int]:
    rows = session.exec(select(TrackedClaim.status, func.count()).group_by(TrackedClaim.status)).all()
    return {status.value: n for status, n in rows}
