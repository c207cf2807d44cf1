"""Reviewer changes to speakers: merge, split and rename, each recorded and kept on re-ingest.

A merge moves the merged speakers' mentions and every spelling (their names
included) onto the speaker kept, so the next ingest resolves those names to it.
A split moves chosen spellings and mentions to another speaker and records
that the two must stay apart, so automatic name matching does not fold them
together again. Every change leaves a :class:`db.models.SpeakerChange` row and
a ``speaker`` history row on each tracked claim whose mentions changed hands.
The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session

from claims.extract.speakers import fold
from claims.review.guards import ReviewError, must_exist, reviewer_name
from claims.text.clean import clean_name
from db import crud
from db.models import (
    Mention,
    Speaker,
    SpeakerAlias,
    SpeakerApart,
    SpeakerChange,
)

SpeakerRef = int | str


def find_speaker(session: Session, ref: SpeakerRef) -> Speaker:
    """The speaker with id ``ref`` (an int or a string of digits), else named or aliased ``ref``."""
    text = str(ref).strip()
    speaker = crud.get_speaker(session, speaker_id=int(text)) if text.isdigit() else None
    if speaker is None and text and not text.isdigit():
        speaker = crud.speaker_named(session, name=text, folded=fold(text))
    if speaker is None:
        raise ReviewError(f"no speaker {text!r}" if text else "no speaker given")
    return speaker


def _speaker(session: Session, speaker_id: int) -> Speaker:
    return must_exist(crud.get_speaker(session, speaker_id=speaker_id), f"speaker {speaker_id}")


def _name(name: str, empty: str) -> str:
    name = clean_name(name)
    if not fold(name):
        raise ReviewError(empty)
    return name


def _record_speaker(session: Session, mention: Mention, old: str, new: str, reviewer: str) -> None:
    crud.record_history(
        session,
        claim_id=mention.claim_id,
        mention_id=mention.id,
        field="speaker",
        old=old,
        new=new,
        reviewer=reviewer,
    )


def _move_mentions(
    session: Session, mentions: Iterable[Mention], source: Speaker, target: Speaker, reviewer: str
) -> int:
    moved = 0
    for mention in mentions:
        _record_speaker(session, mention, source.name, target.name, reviewer)
        mention.speaker_id = target.id
        session.add(mention)
        moved += 1
    return moved


def _add_alias(session: Session, speaker: Speaker, alias: str) -> None:
    row = crud.alias_row(session, alias=alias)
    if row is None:
        session.add(SpeakerAlias(speaker_id=speaker.id, alias=alias))
    elif row.speaker_id != speaker.id:
        row.speaker_id = speaker.id
        session.add(row)


def _keep_apart(session: Session, a: Speaker, b: Speaker, reviewer: str) -> None:
    low, high = sorted((a.id, b.id))
    if not any(
        {row.speaker_a, row.speaker_b} == {low, high} for row in crud.apart_rows(session, speaker_id=low)
    ):
        session.add(SpeakerApart(speaker_a=low, speaker_b=high, reviewer=reviewer))


def merge_speakers(session: Session, *, keep_id: int, merge_ids: Sequence[int], reviewer: str) -> Speaker:
    """Merge the speakers ``merge_ids`` into ``keep_id``: their mentions and spellings move, they are deleted.

    Their names become aliases of the speaker kept, so re-ingesting an article
    that names them attributes its claims to the speaker kept.

    Raises:
        ReviewError: no reviewer, an unknown id, nothing to merge, or a speaker merged into itself.
    """
    reviewer = reviewer_name(reviewer)
    keep = _speaker(session, keep_id)
    merge_ids = list(dict.fromkeys(merge_ids))
    if not merge_ids:
        raise ReviewError("choose at least one speaker to merge into " + keep.name)
    if keep_id in merge_ids:
        raise ReviewError(f"cannot merge {keep.name} into itself")
    merged = [_speaker(session, merge_id) for merge_id in merge_ids]
    for speaker in merged:
        _move_mentions(
            session, crud.mentions_of_speaker(session, speaker_id=speaker.id), speaker, keep, reviewer
        )
        for alias in crud.aliases_of(session, speaker_id=speaker.id):
            alias.speaker_id = keep.id
            session.add(alias)
        session.flush()
        _add_alias(session, keep, fold(speaker.name))
        # Pairs kept apart follow the merged speaker to the one kept; a pair with the kept speaker itself ends.
        for row in crud.apart_rows(session, speaker_id=speaker.id):
            other = row.speaker_b if row.speaker_a == speaker.id else row.speaker_a
            session.delete(row)
            session.flush()
            if other != keep.id:
                _keep_apart(session, keep, crud.get_speaker(session, speaker_id=other), row.reviewer)
        session.add(
            SpeakerChange(
                action="merge", speaker_id=keep.id, old=speaker.name, new=keep.name, reviewer=reviewer
            )
        )
        session.flush()
        session.delete(speaker)
        session.flush()
    _add_alias(session, keep, fold(keep.name))
    session.flush()
    crud.want_refresh(session)  # relinking reads the speakers
    return keep


def split_speaker(
    session: Session,
    *,
    speaker_id: int,
    new_name: str,
    reviewer: str,
    aliases: Sequence[str] = (),
    mention_ids: Sequence[int] = (),
) -> Speaker:
    """Move some spellings and mentions of a speaker to another one, and keep the two apart from now on.

    Args:
        speaker_id: the speaker to split.
        new_name: the speaker to move them to: an existing one (by name or
            spelling), else a new speaker of the same kind is created. When it
            is one of this speaker's spellings, that spelling moves too.
        aliases: spellings (as listed, lower-case) of ``speaker_id`` that name the other speaker.
        mention_ids: mentions of ``speaker_id`` that belong to the other speaker.

    Returns:
        The speaker split off.

    Raises:
        ReviewError: no reviewer, unknown speaker, empty name, nothing chosen,
            a spelling or mention that is not the speaker's, or a split into itself.
    """
    reviewer = reviewer_name(reviewer)
    source = _speaker(session, speaker_id)
    new_name = _name(new_name, "the new speaker needs a name")
    own = {row.alias: row for row in crud.aliases_of(session, speaker_id=source.id)}
    moving = list(dict.fromkeys(fold(a) for a in aliases))
    for alias in moving:
        if alias not in own:
            raise ReviewError(f"{alias!r} is not a spelling of {source.name}")
        if alias == fold(source.name):
            raise ReviewError(f"{alias!r} is {source.name}'s own name: rename the speaker instead")
    mentions = []
    for mention_id in dict.fromkeys(mention_ids):
        mention = crud.get_mention(session, mention_id=mention_id)
        if mention is None or mention.speaker_id != source.id:
            raise ReviewError(f"mention {mention_id} is not attributed to {source.name}")
        mentions.append(mention)
    if fold(new_name) == fold(source.name):
        raise ReviewError(f"{new_name!r} is {source.name}'s own name: choose the other speaker's name")
    if fold(new_name) in own and fold(new_name) not in moving:
        moving.append(fold(new_name))  # the other speaker's name was one of this speaker's spellings
    target = crud.speaker_named(session, name=new_name, folded=fold(new_name))
    if target is not None and target.id == source.id:
        target = None  # found by a spelling that is moving: the other speaker is new
    if not moving and not mentions:
        raise ReviewError("choose the spellings or mentions that belong to the other speaker")
    if target is None:
        target = Speaker(name=new_name, kind=source.kind)
        session.add(target)
        session.flush()
    for alias in moving:
        own[alias].speaker_id = target.id
        session.add(own[alias])
    session.flush()
    _add_alias(session, target, fold(target.name))
    _move_mentions(session, mentions, source, target, reviewer)
    _keep_apart(session, source, target, reviewer)
    session.add(
        SpeakerChange(
            action="split", speaker_id=target.id, old=source.name, new=target.name, reviewer=reviewer
        )
    )
    session.flush()
    crud.want_refresh(session)  # relinking reads the speakers
    return target


def rename_speaker(session: Session, *, speaker_id: int, new_name: str, reviewer: str) -> Speaker:
    """Give a speaker its correct canonical name; the old name stays as a spelling of it.

    Raises:
        ReviewError: no reviewer, unknown speaker, empty name, or a name another speaker has.
    """
    reviewer = reviewer_name(reviewer)
    speaker = _speaker(session, speaker_id)
    new_name = _name(new_name, "the new name is empty")
    if new_name == speaker.name:
        return speaker
    other = crud.speaker_named(session, name=new_name, folded=fold(new_name))
    if other is not None and other.id != speaker.id:
        raise ReviewError(
            f"{new_name!r} is already the speaker {other.name} (#{other.id}): merge the two instead"
        )
    old = speaker.name
    _add_alias(session, speaker, fold(old))
    speaker.name = new_name
    session.add(speaker)
    session.flush()
    _add_alias(session, speaker, fold(new_name))
    for mention in crud.mentions_of_speaker(session, speaker_id=speaker.id):
        _record_speaker(session, mention, old, new_name, reviewer)
    session.add(
        SpeakerChange(action="rename", speaker_id=speaker.id, old=old, new=new_name, reviewer=reviewer)
    )
    session.flush()
    return speaker


def merge_speakers_by_name(
    session: Session, *, keep: SpeakerRef, merge: Sequence[SpeakerRef], reviewer: str
) -> Speaker:
    """:func:`merge_speakers` with speakers given by id or by name (as the CLI takes them)."""
    kept = find_speaker(session, keep)
    return merge_speakers(
        session,
        keep_id=kept.id,
        merge_ids=[find_speaker(session, ref).id for ref in merge],
        reviewer=reviewer,
    )
