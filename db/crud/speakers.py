"""Speakers, their spellings, the pairs kept apart and the history of speaker changes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from db.crud.mentions import column_of
from db.models import (
    Mention,
    Speaker,
    SpeakerAlias,
    SpeakerApart,
    SpeakerChange,
    SpeakerKind,
)


def speakers_of(session: Session, *, mention_ids: Sequence[int]) -> dict[int, int | None]:
    """{mention id: its speaker id or None} for ``mention_ids``."""
    return column_of(session, column="speaker_id", mention_ids=mention_ids)


def speaker_signature(session: Session) -> tuple:
    """A value that moves whenever a speaker, an alias, a title or a kind is added or changed: new rows
    move the counts and highest ids, a rename, merge or split adds a SpeakerChange row, and titles only
    ever grow. Searches use it to reuse what they prepared from the speakers (one small scan, no join)."""
    speakers = session.exec(
        select(
            func.count(Speaker.id),
            func.max(Speaker.id),
            func.total(func.length(Speaker.name)),
            func.total(func.length(func.coalesce(Speaker.titles, ""))),
            func.total(Speaker.kind == SpeakerKind.organisation),
        )
    ).one()
    aliases = session.exec(select(func.count(SpeakerAlias.id), func.max(SpeakerAlias.id))).one()
    changes = session.exec(select(func.count(SpeakerChange.id), func.max(SpeakerChange.id))).one()
    return (*speakers, *aliases, *changes)


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


def speaker_spellings(session: Session) -> list[tuple[int, str]]:
    """(speaker id, name or alias) for every name and every spelling of every speaker."""
    return [
        (speaker.id, name)
        for speaker, aliases in speakers_with_aliases(session)
        for name in [speaker.name, *aliases]
    ]
