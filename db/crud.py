"""Every query of the workbench. Keyword-only functions taking the session;
the caller owns the transaction (see db.session.session_scope)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, text, update
from sqlmodel import Session, select

from db.models import (
    Article,
    ClaimStatus,
    ExtractionFeedback,
    FactCheck,
    FactCheckEvidence,
    History,
    LinkDecision,
    LinkSuggestion,
    Mention,
    Note,
    Outlet,
    RefreshState,
    Speaker,
    SpeakerAlias,
    SpeakerApart,
    SpeakerChange,
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


def article_with_hash(session: Session, *, content_hash: str) -> Article | None:
    return session.exec(select(Article).where(Article.content_hash == content_hash)).first()


# --- speakers ----------------------------------------------------------------


def speakers_of(session: Session, *, mention_ids: Sequence[int]) -> dict[int, int | None]:
    """{mention id: its speaker id or None} for ``mention_ids``."""
    if not mention_ids:
        return {}
    rows = (
        session.connection()
        .execute(
            text("SELECT id, speaker_id FROM mention WHERE id IN (SELECT value FROM json_each(:ids))"),
            {"ids": json.dumps([int(i) for i in mention_ids])},
        )
        .all()
    )
    return {int(i): (int(s) if s is not None else None) for i, s in rows}


def speakers_with_aliases(session: Session) -> list[tuple[Speaker, list[str]]]:
    rows = session.exec(
        select(Speaker, SpeakerAlias).join(SpeakerAlias, isouter=True).order_by(Speaker.id)
    ).all()
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


def get_speaker(session: Session, *, speaker_id: int) -> Speaker | None:
    return session.get(Speaker, speaker_id)


def speaker_named(session: Session, *, name: str, folded: str) -> Speaker | None:
    """The speaker called ``name``, else the one with the alias ``folded``."""
    speaker = session.exec(select(Speaker).where(Speaker.name == name)).first()
    if speaker is None:
        alias = session.exec(select(SpeakerAlias).where(SpeakerAlias.alias == folded)).first()
        speaker = session.get(Speaker, alias.speaker_id) if alias else None
    return speaker


def aliases_of(session: Session, *, speaker_id: int) -> list[SpeakerAlias]:
    return list(
        session.exec(
            select(SpeakerAlias).where(SpeakerAlias.speaker_id == speaker_id).order_by(SpeakerAlias.alias)
        ).all()
    )


def alias_row(session: Session, *, alias: str) -> SpeakerAlias | None:
    return session.exec(select(SpeakerAlias).where(SpeakerAlias.alias == alias)).first()


def mentions_of_speaker(session: Session, *, speaker_id: int) -> list[Mention]:
    return list(
        session.exec(select(Mention).where(Mention.speaker_id == speaker_id).order_by(Mention.id)).all()
    )


@dataclass
class SpeakerSummary:
    speaker: Speaker
    aliases: list[str]
    mentions: int
    articles: int


def speaker_summaries(session: Session) -> list[SpeakerSummary]:
    """Every speaker with its aliases and how many mentions and articles it has, most mentioned first."""
    numbers = {
        speaker_id: (mentions, articles)
        for speaker_id, mentions, articles in session.exec(
            select(
                Mention.speaker_id, func.count(Mention.id), func.count(func.distinct(Mention.article_id))
            ).group_by(Mention.speaker_id)
        ).all()
    }
    summaries = [
        SpeakerSummary(speaker, sorted(aliases), *numbers.get(speaker.id, (0, 0)))
        for speaker, aliases in speakers_with_aliases(session)
    ]
    summaries.sort(key=lambda s: (-s.mentions, s.speaker.name))
    return summaries


def apart_rows(session: Session, *, speaker_id: int | None = None) -> list[SpeakerApart]:
    query = select(SpeakerApart)
    if speaker_id is not None:
        query = query.where((SpeakerApart.speaker_a == speaker_id) | (SpeakerApart.speaker_b == speaker_id))
    return list(session.exec(query.order_by(SpeakerApart.id)).all())


def apart_names(session: Session) -> list[tuple[str, str]]:
    """The names of every pair of speakers a reviewer said must stay apart."""
    a, b = Speaker.__table__.alias("a"), Speaker.__table__.alias("b")
    query = (
        select(a.c.name, b.c.name)
        .select_from(SpeakerApart)
        .join(a, a.c.id == SpeakerApart.speaker_a)
        .join(b, b.c.id == SpeakerApart.speaker_b)
    )
    return [tuple(row) for row in session.exec(query).all()]


def speaker_changes(session: Session, *, limit: int | None = None) -> list[SpeakerChange]:
    """Reviewers' merges, splits and renames, newest first."""
    query = select(SpeakerChange).order_by(SpeakerChange.at.desc(), SpeakerChange.id.desc())
    return list(session.exec(query.limit(limit) if limit else query).all())


def speaker_names(session: Session) -> list[str]:
    return list(session.exec(select(Speaker.name).order_by(Speaker.name)).all())


def outlet_names(session: Session) -> list[str]:
    return list(session.exec(select(Outlet.name).order_by(Outlet.name)).all())


# --- mentions and tracked claims --------------------------------------------


def all_mention_vectors(session: Session) -> list[tuple[int, int, int | None, str, bytes]]:
    """(mention id, tracked claim id, speaker id, text, embedding) of every mention."""
    return list(
        session.exec(
            select(
                Mention.id, Mention.claim_id, Mention.speaker_id, Mention.text, Mention.embedding
            ).order_by(Mention.id)
        ).all()
    )


def mention_signature(session: Session) -> tuple[int, int]:
    """(number of mentions, highest mention id): changes whenever a mention is added or removed."""
    count, max_id = session.exec(select(func.count(Mention.id), func.max(Mention.id))).one()
    return int(count), int(max_id or 0)


def mention_state(session: Session) -> tuple[int, int, str]:
    """:func:`mention_signature` and the newest mention's time: also moves when a dropped
    mention's id is given again to a new one (SQLite reuses the highest id once it is deleted)."""
    count, max_id, newest = session.exec(
        select(func.count(Mention.id), func.max(Mention.id), func.max(Mention.created_at))
    ).one()
    return int(count), int(max_id or 0), str(newest or "")


@dataclass
class MentionRow:
    """A mention with everything a reviewer or an editor reads next to it."""

    mention: Mention
    article: Article
    claim: TrackedClaim
    speaker: str | None
    outlet: str | None


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
    mention_ids: Sequence[int] | None = None,
    claim_id: int | None = None,
    statuses: Sequence[ClaimStatus] | None = None,
    speaker_id: int | None = None,
    article_id: int | None = None,
) -> list[MentionRow]:
    query = _mention_query()
    if speaker_id is not None:
        query = query.where(Mention.speaker_id == speaker_id)
    if article_id is not None:
        query = query.where(Mention.article_id == article_id)
    if mention_ids is not None:
        query = query.where(Mention.id.in_(list(mention_ids)))
    if claim_id is not None:
        query = query.where(Mention.claim_id == claim_id)
    if statuses:
        query = query.where(TrackedClaim.status.in_(list(statuses)))
    query = query.order_by(Mention.claim_id, Article.published, Article.ingested_at, Mention.id)
    return [MentionRow(*row) for row in session.exec(query).all()]


# --- search --------------------------------------------------------------------


def filtered_mention_ids(
    session: Session,
    *,
    speaker_ids: Sequence[int] | None = None,
    outlet: str | None = None,
    since: date | None = None,
    until: date | None = None,
    statuses: Sequence[ClaimStatus] | None = None,
    min_checkworthiness: float | None = None,
) -> list[int]:
    """Ids of the mentions that pass every filter given (dates are the article's, inclusive; outlet ignores case)."""
    query = (
        select(Mention.id)
        .join(Article, Mention.article_id == Article.id)
        .join(TrackedClaim, Mention.claim_id == TrackedClaim.id)
    )
    if speaker_ids is not None:
        query = query.where(Mention.speaker_id.in_(list(speaker_ids)))
    if outlet:
        query = query.join(Outlet, Article.outlet_id == Outlet.id).where(
            func.lower(Outlet.name) == outlet.strip().lower()
        )
    if since is not None:
        query = query.where(Article.published >= since)
    if until is not None:
        query = query.where(Article.published <= until)
    if statuses:
        query = query.where(TrackedClaim.status.in_(list(statuses)))
    if min_checkworthiness:
        query = query.where(Mention.checkworthiness >= min_checkworthiness)
    return list(session.exec(query.order_by(Mention.id)).all())


def search_context_vectors(session: Session, *, mention_ids: Sequence[int]) -> dict[int, bytes]:
    """The search model's paragraph vectors of these mentions."""
    ids = list(mention_ids)
    if not ids:
        return {}
    query = select(Mention.id, Mention.search_context_embedding).where(
        Mention.id.in_(ids), Mention.search_context_embedding.is_not(None)
    )
    return dict(session.exec(query).all())


def search_vectors(session: Session) -> list[tuple[int, bytes]]:
    """(mention id, the search model's vector of its text) of every mention that has one."""
    return list(
        session.exec(
            select(Mention.id, Mention.search_embedding)
            .where(Mention.search_embedding.is_not(None))
            .order_by(Mention.id)
        ).all()
    )


def search_vectors_of(session: Session, *, mention_ids: Sequence[int]) -> dict[int, bytes]:
    """The search vectors of ``mention_ids`` that have one, by mention id."""
    query = select(Mention.id, Mention.search_embedding).where(
        Mention.id.in_([int(i) for i in mention_ids]), Mention.search_embedding.is_not(None)
    )
    return dict(session.exec(query).all())


def search_vectors_stale(session: Session, *, model: str) -> bool:
    """Whether any mention lacks search vectors of ``model``."""
    stale = (Mention.search_model.is_(None)) | (Mention.search_model != model)
    return session.exec(select(Mention.id).where(stale).limit(1)).first() is not None


def mentions_needing_search_vectors(session: Session, *, model: str) -> list[tuple[Mention, Article]]:
    """Mentions whose search vectors are missing or came from another model than ``model``."""
    stale = (Mention.search_model.is_(None)) | (Mention.search_model != model)
    mentions = session.exec(select(Mention).where(stale).order_by(Mention.id)).all()
    # Each article is read once: joined, its text would come back once per mention, and a long
    # article's thousands of mentions would hold thousands of copies of it at once.
    articles = {
        a.id: a
        for a in session.exec(select(Article).where(Article.id.in_(select(Mention.article_id).where(stale))))
    }
    return [(m, articles[m.article_id]) for m in mentions]


def keyword_hits(
    session: Session, *, match: str, limit: int, mention_ids: Sequence[int] | None = None
) -> list[tuple[int, float]]:
    """(mention id, BM25) of the mentions whose text matches the FTS5 expression ``match``, best first.

    BM25 as SQLite's ``bm25()`` gives it: negative, lower is better. ``mention_ids``
    restricts the search to those mentions (the filters' result).
    """
    if not match or limit <= 0 or (mention_ids is not None and not mention_ids):
        return []
    sql = "SELECT rowid, bm25(mention_fts) AS rank FROM mention_fts WHERE mention_fts MATCH :match"
    params: dict = {"match": match, "limit": limit}
    if mention_ids is not None:
        sql += " AND rowid IN (SELECT value FROM json_each(:ids))"
        params["ids"] = json.dumps([int(i) for i in mention_ids])
    rows = session.connection().execute(text(sql + " ORDER BY rank LIMIT :limit"), params).all()
    return [(int(i), float(r)) for i, r in rows]


def keyword_marked(
    session: Session, *, match: str, mention_ids: Sequence[int], start: str, end: str
) -> dict[int, str]:
    """Each of ``mention_ids`` that matches ``match``: its text with the matched words between ``start`` and ``end``."""
    if not match or not mention_ids:
        return {}
    sql = (
        "SELECT rowid, highlight(mention_fts, 0, :start, :end) FROM mention_fts "
        "WHERE mention_fts MATCH :match AND rowid IN (SELECT value FROM json_each(:ids))"
    )
    params = {"match": match, "start": start, "end": end, "ids": json.dumps([int(i) for i in mention_ids])}
    return {int(i): marked for i, marked in session.connection().execute(text(sql), params).all()}


def claims_of(session: Session, *, mention_ids: Sequence[int]) -> dict[int, int]:
    """{mention id: its tracked claim id} for ``mention_ids`` (a light query: no texts, no vectors)."""
    if not mention_ids:
        return {}
    rows = (
        session.connection()
        .execute(
            text("SELECT id, claim_id FROM mention WHERE id IN (SELECT value FROM json_each(:ids))"),
            {"ids": json.dumps([int(i) for i in mention_ids])},
        )
        .all()
    )
    return {int(i): int(c) for i, c in rows}


def speaker_spellings(session: Session) -> list[tuple[int, str]]:
    """(speaker id, name or alias) for every name and every spelling of every speaker."""
    return [
        (speaker.id, name)
        for speaker, aliases in speakers_with_aliases(session)
        for name in [speaker.name, *aliases]
    ]


@dataclass
class ClaimSummary:
    claim: TrackedClaim
    mentions: int
    outlets: list[str]
    speakers: list[str]
    pending_suggestions: int
    checkworthiness: float = 0.0  # the highest of its mentions'


def claim_summaries(
    session: Session,
    *,
    statuses: Sequence[ClaimStatus] | None = None,
    speaker: str | None = None,
    outlet: str | None = None,
    text: str | None = None,
    sort: str = "mentions",
    limit: int | None = None,
) -> list[ClaimSummary]:
    """Tracked claims for the review queue, filtered and sorted (``mentions``, ``first_seen`` or ``checkworthiness``)."""
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
        if (
            text
            and not any(text.lower() in r.mention.text.lower() for r in claim_rows)
            and text.lower() not in claim.canonical_text.lower()
        ):
            continue
        top = max(r.mention.checkworthiness for r in claim_rows)
        summaries.append(
            ClaimSummary(claim, len(claim_rows), outlets, speakers, pending.get(claim.id, 0), top)
        )
    if sort == "first_seen":
        summaries.sort(key=lambda s: (s.claim.first_seen, s.claim.id))
    elif sort == "checkworthiness":
        summaries.sort(key=lambda s: (-s.checkworthiness, -s.mentions, s.claim.id))
    else:
        summaries.sort(key=lambda s: (-s.mentions, s.claim.first_seen, s.claim.id))
    return summaries[:limit] if limit else summaries


def claim_sizes(session: Session, *, claim_ids: Sequence[int]) -> dict[int, int]:
    """Number of mentions of each of ``claim_ids``."""
    rows = session.exec(
        select(Mention.claim_id, func.count())
        .where(Mention.claim_id.in_(list(claim_ids)))
        .group_by(Mention.claim_id)
    ).all()
    return dict(rows)


def get_claim(session: Session, *, claim_id: int) -> TrackedClaim | None:
    return session.get(TrackedClaim, claim_id)


def get_mention(session: Session, *, mention_id: int) -> Mention | None:
    return session.get(Mention, mention_id)


# --- versioned writes --------------------------------------------------------


def update_if_version(session: Session, row: TrackedClaim | Mention, *, version: int, **values) -> bool:
    """``UPDATE … SET values, version = version + 1 WHERE id = ? AND version = ?`` for ``row``'s table.

    The check and the write are one statement, so no other writer's save can fall between them;
    False (nothing written) when another writer moved the version on since it was ``version``.
    ``row`` is refreshed from the database after a write.
    """
    model = type(row)
    statement = (
        update(model)
        .where(model.id == row.id, model.version == version)
        .values(**values, version=model.version + 1)
        .execution_options(synchronize_session=False)
    )
    if session.execute(statement).rowcount != 1:
        return False
    session.refresh(row)
    return True


def want_refresh(session: Session) -> None:
    """Say, in the writer's own transaction, that the derived data (clusters, search vectors, the
    FAISS file) must be refreshed: a write that commits can never leave that unsaid."""
    session.execute(update(RefreshState).where(RefreshState.id == 1).values(wanted=RefreshState.wanted + 1))


def refresh_wanted(session: Session) -> int | None:
    """The ``wanted`` count a refresh starting now will have covered, or None when nothing is left."""
    state = session.get(RefreshState, 1)
    return state.wanted if state is not None and state.wanted > state.done else None


def refresh_done(session: Session, *, wanted: int) -> None:
    """A refresh that began at ``wanted`` has finished (a later want stays open)."""
    session.execute(
        update(RefreshState).where(RefreshState.id == 1, RefreshState.done < wanted).values(done=wanted)
    )


def current_version(session: Session, model: type[TrackedClaim] | type[Mention], row_id: int) -> int | None:
    """The version a row has in the database now (not the session's copy), or None when it is gone."""
    return session.exec(select(model.version).where(model.id == row_id)).first()


def decide_if_pending(session: Session, suggestion: LinkSuggestion, **values) -> bool:
    """Record a decision on a link suggestion only while it is still pending (one statement)."""
    statement = (
        update(LinkSuggestion)
        .where(LinkSuggestion.id == suggestion.id, LinkSuggestion.state == SuggestionState.pending)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if session.execute(statement).rowcount != 1:
        return False
    session.refresh(suggestion)
    return True


def notes_for(session: Session, *, claim_id: int) -> list[Note]:
    return list(
        session.exec(select(Note).where(Note.claim_id == claim_id).order_by(Note.created_at, Note.id)).all()
    )


def history_for(session: Session, *, claim_id: int) -> list[History]:
    return list(
        session.exec(
            select(History).where(History.claim_id == claim_id).order_by(History.at, History.id)
        ).all()
    )


def suggestions_for(
    session: Session, *, claim_id: int, state: SuggestionState = SuggestionState.pending
) -> list[tuple[LinkSuggestion, Mention]]:
    """Suggestions that a mention (now in another claim) may be this claim."""
    query = (
        select(LinkSuggestion, Mention)
        .join(Mention, LinkSuggestion.mention_id == Mention.id)
        .where(LinkSuggestion.claim_id == claim_id, LinkSuggestion.state == state)
        .order_by(LinkSuggestion.score.desc())
    )
    return list(session.exec(query).all())


def pending_suggestions(session: Session) -> list[LinkSuggestion]:
    return list(
        session.exec(select(LinkSuggestion).where(LinkSuggestion.state == SuggestionState.pending)).all()
    )


# --- relinking ------------------------------------------------------------------


@dataclass
class LinkRow:
    mention_id: int
    claim_id: int
    article_id: int
    speaker_id: int | None
    start: int
    end: int
    text: str
    attribution: str
    role: str
    embedding: bytes
    content_hash: str
    published: date | None
    ingested_at: datetime


def link_rows(session: Session) -> list[LinkRow]:
    """Every mention with what relinking weighs, in mention id order."""
    query = (
        select(
            Mention.id,
            Mention.claim_id,
            Mention.article_id,
            Mention.speaker_id,
            Mention.start,
            Mention.end,
            Mention.text,
            Mention.attribution,
            Mention.role,
            Mention.embedding,
            Article.content_hash,
            Article.published,
            Article.ingested_at,
        )
        .join(Article, Mention.article_id == Article.id)
        .order_by(Mention.id)
    )
    return [
        LinkRow(*row[:7], getattr(row[7], "value", row[7]), *row[8:]) for row in session.exec(query).all()
    ]


def claims_by_id(session: Session, *, claim_ids: Iterable[int]) -> list[TrackedClaim]:
    ids = list(claim_ids)
    return list(session.exec(select(TrackedClaim).where(TrackedClaim.id.in_(ids))).all()) if ids else []


def mention_key(content_hash: str, start: int, end: int) -> str:
    """A mention's name that is the same in every database holding its article."""
    return f"{content_hash[:16]}:{start}:{end}"


def _keys_of_mentions(session: Session, mention_ids: Iterable[int]) -> dict[int, str]:
    ids = list(mention_ids)
    if not ids:
        return {}
    query = (
        select(Mention.id, Article.content_hash, Mention.start, Mention.end)
        .join(Article, Mention.article_id == Article.id)
        .where(Mention.id.in_(ids))
    )
    return {mid: mention_key(h, start, end) for mid, h, start, end in session.exec(query).all()}


def link_constraints(session: Session) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(must, cannot) key pairs from reviewers' link decisions, the latest word on a pair winning."""
    latest: dict[frozenset, LinkDecision] = {}
    for row in session.exec(select(LinkDecision).order_by(LinkDecision.at, LinkDecision.id)).all():
        latest[frozenset((row.key_a, row.key_b))] = row
    must = [(row.key_a, row.key_b) for row in latest.values() if row.same]
    cannot = [(row.key_a, row.key_b) for row in latest.values() if not row.same]
    return must, cannot


def record_link_decisions(
    session: Session, *, pairs: Iterable[tuple[int, int]], same: bool, reviewer: str
) -> int:
    """Store a reviewer's decision for mention id pairs; returns how many pairs were written."""
    pairs = [(a, b) for a, b in pairs if a != b]
    keys = _keys_of_mentions(session, {m for pair in pairs for m in pair})
    for a, b in pairs:
        session.add(LinkDecision(key_a=keys[a], key_b=keys[b], same=same, reviewer=reviewer))
    session.flush()
    return len(pairs)


# --- extraction feedback -----------------------------------------------------


def get_article(session: Session, *, article_id: int) -> Article | None:
    return session.get(Article, article_id)


def article_choices(session: Session) -> list[tuple[int, str, str | None]]:
    """(id, document, title) of every article, newest first."""
    return list(
        session.exec(select(Article.id, Article.document, Article.title).order_by(Article.id.desc())).all()
    )


def mention_at(session: Session, *, article_id: int, start: int, end: int) -> Mention | None:
    """A mention of the article overlapping ``start:end``, if any."""
    query = select(Mention).where(Mention.article_id == article_id, Mention.start < end, Mention.end > start)
    return session.exec(query.order_by(Mention.id)).first()


def history_of_mention(session: Session, *, mention_id: int) -> list[History]:
    return list(session.exec(select(History).where(History.mention_id == mention_id)).all())


def suggestions_touching(
    session: Session, *, mention_id: int | None = None, claim_id: int | None = None
) -> list[LinkSuggestion]:
    """Link suggestions of a mention, or to a tracked claim, whatever their state."""
    query = select(LinkSuggestion)
    if mention_id is not None:
        query = query.where(LinkSuggestion.mention_id == mention_id)
    if claim_id is not None:
        query = query.where(LinkSuggestion.claim_id == claim_id)
    return list(session.exec(query).all())


def feedback_rows(
    session: Session, *, label: int | None = None, article_id: int | None = None
) -> list[ExtractionFeedback]:
    query = select(ExtractionFeedback)
    if article_id is not None:
        query = query.where(ExtractionFeedback.article_id == article_id)
    if label is not None:
        query = query.where(ExtractionFeedback.label == label)
    return list(session.exec(query.order_by(ExtractionFeedback.id)).all())


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
                select(Mention.claim_id)
                .join(Article)
                .group_by(Mention.claim_id)
                .having(func.count(func.distinct(Article.id)) > 1)
                .subquery()
            )
        ).one(),
        "pending_suggestions": count(LinkSuggestion, LinkSuggestion.state == SuggestionState.pending),
        "reviewed_claims": count(TrackedClaim, TrackedClaim.status != ClaimStatus.unreviewed),
        "notes": count(Note),
    }


def status_counts(session: Session) -> dict[str, int]:
    rows = session.exec(select(TrackedClaim.status, func.count()).group_by(TrackedClaim.status)).all()
    return {status.value: n for status, n in rows}


# --- published fact-checks ------------------------------------------------------


def fact_check_external_ids(session: Session) -> set[str]:
    return set(session.exec(select(FactCheck.external_id)).all())


def fact_check_rows(session: Session) -> list[FactCheck]:
    return list(session.exec(select(FactCheck).order_by(FactCheck.id)).all())


def fact_check_signature(session: Session) -> tuple[int, int | None]:
    """(count, highest id): changes whenever fact-checks are imported or removed."""
    count, top = session.exec(select(func.count(FactCheck.id), func.max(FactCheck.id))).one()
    return int(count), top


def get_fact_check(session: Session, *, fact_check_id: int) -> FactCheck | None:
    return session.get(FactCheck, fact_check_id)


def get_evidence(session: Session, *, claim_id: int, fact_check_id: int) -> FactCheckEvidence | None:
    query = select(FactCheckEvidence).where(
        FactCheckEvidence.claim_id == claim_id, FactCheckEvidence.fact_check_id == fact_check_id
    )
    return session.exec(query).first()


def evidence_for(session: Session, *, claim_id: int) -> list[tuple[FactCheckEvidence, FactCheck]]:
    """Fact-checks attached to a tracked claim as evidence, oldest first."""
    query = (
        select(FactCheckEvidence, FactCheck)
        .join(FactCheck, FactCheck.id == FactCheckEvidence.fact_check_id)
        .where(FactCheckEvidence.claim_id == claim_id)
        .order_by(FactCheckEvidence.created_at, FactCheckEvidence.id)
    )
    return [(evidence, check) for evidence, check in session.exec(query).all()]
