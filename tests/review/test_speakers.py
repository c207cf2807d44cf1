"""Reviewers merge, split and rename speakers, and re-ingesting keeps what they decided."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from claims.extract.speakers import SpeakerBook
from claims.ingest.pipeline import ingest
from claims.review.speakers import (
    find_speaker,
    merge_speakers,
    merge_speakers_by_name,
    rename_speaker,
    split_speaker,
)
from claims.review.verdicts import ReviewError
from db import crud
from db.models import Speaker
from db.session import session_scope

EMBASSY = "Embassy to reopen\n\nRussia said on Tuesday that the embassy in Kabul would reopen with 40 diplomats by the end of the year, up from 12 now.\n"
SERGEY = "Wheat for Kabul\n\nSergey Lavrov said on Friday that Russia had delivered 200 tonnes of wheat to Kabul in the past month.\n"
SERGEI = "Opium\n\nSergei Lavrov said on Monday that the Taliban had cut opium production by 80 percent since August last year.\n"


def _speaker(engine, name: str) -> Speaker | None:
    with Session(engine) as session:
        return session.exec(select(Speaker).where(Speaker.name == name)).first()


def _ingest_text(engine, embedder, path, text: str) -> list[crud.MentionRow]:
    path.write_text(text)
    report = ingest(engine, [str(path)], embedder=embedder)
    assert report.ok and len(report.ingested) == 1, report.results
    with Session(engine) as session:
        return crud.mention_rows(session, article_id=report.ingested[0].article_id)


def _summary(engine, name: str) -> crud.SpeakerSummary:
    with Session(engine) as session:
        return next(s for s in crud.speaker_summaries(session) if s.speaker.name == name)


def test_a_merge_sticks_when_the_merged_name_is_ingested_again(seeded, embedder, tmp_path):
    keep, gone = _speaker(seeded, "Russian Foreign Ministry"), _speaker(seeded, "Russia")
    assert keep and gone  # the state and its ministry are two speakers until a reviewer merges them
    kept_before, gone_before = _summary(seeded, keep.name), _summary(seeded, gone.name)
    with session_scope(seeded) as session:
        merge_speakers(session, keep_id=keep.id, merge_ids=[gone.id], reviewer="Ann")

    assert _speaker(seeded, "Russia") is None
    after = _summary(seeded, "Russian Foreign Ministry")
    assert after.mentions == kept_before.mentions + gone_before.mentions
    assert {"russia", "russian foreign ministry"} <= set(after.aliases)
    with Session(seeded) as session:
        moved = crud.mention_rows(session, speaker_id=keep.id)
        histories = [h for row in moved for h in crud.history_for(session, claim_id=row.claim.id)]
        changes = crud.speaker_changes(session)
    assert ("speaker", "Russia", "Russian Foreign Ministry", "Ann") in {
        (h.field, h.old, h.new, h.reviewer) for h in histories
    }
    assert [(c.action, c.old, c.new, c.reviewer) for c in changes] == [
        ("merge", "Russia", "Russian Foreign Ministry", "Ann")
    ]

    rows = _ingest_text(seeded, embedder, tmp_path / "embassy.txt", EMBASSY)
    assert [r.speaker for r in rows] == ["Russian Foreign Ministry"]
    assert _speaker(seeded, "Russia") is None
    assert _summary(seeded, "Russian Foreign Ministry").mentions == after.mentions + 1


def test_a_split_sticks_and_a_merge_undoes_it(seeded, embedder, tmp_path):
    lavrov = _speaker(seeded, "Sergei Lavrov")
    with Session(seeded) as session:
        assert "sergey lavrov" in [a.alias for a in crud.aliases_of(session, speaker_id=lavrov.id)]
        spelled_sergey = [
            r.mention.id
            for r in crud.mention_rows(session, speaker_id=lavrov.id)
            if "Sergey Lavrov" in r.article.text
        ]
    assert spelled_sergey
    with session_scope(seeded) as session:
        other = split_speaker(
            session,
            speaker_id=lavrov.id,
            new_name="Sergey Lavrov",
            aliases=["sergey lavrov"],
            mention_ids=spelled_sergey,
            reviewer="Ann",
        )
    assert other.name == "Sergey Lavrov" and other.id != lavrov.id
    assert _summary(seeded, "Sergey Lavrov").mentions == len(spelled_sergey)
    assert "sergey lavrov" not in _summary(seeded, "Sergei Lavrov").aliases
    with Session(seeded) as session:
        assert crud.apart_names(session) == [("Sergei Lavrov", "Sergey Lavrov")]

    assert [r.speaker for r in _ingest_text(seeded, embedder, tmp_path / "wheat.txt", SERGEY)] == [
        "Sergey Lavrov"
    ]
    assert [r.speaker for r in _ingest_text(seeded, embedder, tmp_path / "opium.txt", SERGEI)] == [
        "Sergei Lavrov"
    ]

    total = _summary(seeded, "Sergei Lavrov").mentions + _summary(seeded, "Sergey Lavrov").mentions
    with session_scope(seeded) as session:  # the reviewer changes their mind: one person after all
        merge_speakers_by_name(session, keep="Sergei Lavrov", merge=["Sergey Lavrov"], reviewer="Bob")
    with Session(seeded) as session:
        assert crud.apart_names(session) == []
        assert [c.action for c in crud.speaker_changes(session)] == ["merge", "split"]
    assert _speaker(seeded, "Sergey Lavrov") is None
    assert _summary(seeded, "Sergei Lavrov").mentions == total
    again = SERGEY.replace("200 tonnes of wheat", "50 tonnes of flour")
    assert [r.speaker for r in _ingest_text(seeded, embedder, tmp_path / "flour.txt", again)] == [
        "Sergei Lavrov"
    ]


def test_a_person_merged_into_an_organisation_stays_merged(seeded, embedder, tmp_path):
    ministry, kabulov = _speaker(seeded, "Russian Foreign Ministry"), _speaker(seeded, "Zamir Kabulov")
    with session_scope(seeded) as session:
        merge_speakers(session, keep_id=ministry.id, merge_ids=[kabulov.id], reviewer="Ann")
    text = "Envoy\n\nZamir Kabulov said on Monday that Russia would send 30 tonnes of medicine to Kabul before the winter.\n"
    assert [r.speaker for r in _ingest_text(seeded, embedder, tmp_path / "envoy.txt", text)] == [
        "Russian Foreign Ministry"
    ]
    assert (
        _speaker(seeded, "Zamir Kabulov") is None and _speaker(seeded, "Russian Foreign Ministry") is not None
    )


def test_rename_keeps_the_old_name_as_a_spelling(seeded, embedder, tmp_path):
    state = _speaker(seeded, "Russia")
    with session_scope(seeded) as session:
        rename_speaker(session, speaker_id=state.id, new_name="  Russian  Federation ", reviewer="Ann")
    renamed = _summary(seeded, "Russian Federation")
    assert {"russia", "russian federation"} <= set(renamed.aliases)
    rows = _ingest_text(seeded, embedder, tmp_path / "embassy.txt", EMBASSY)
    assert [r.speaker for r in rows] == ["Russian Federation"]
    assert _speaker(seeded, "Russia") is None


def test_bad_requests_are_refused_with_a_reason(seeded):
    lavrov, putin = _speaker(seeded, "Sergei Lavrov"), _speaker(seeded, "Vladimir Putin")
    cases = [
        (
            lambda s: merge_speakers(s, keep_id=lavrov.id, merge_ids=[lavrov.id], reviewer="Ann"),
            "into itself",
        ),
        (lambda s: merge_speakers(s, keep_id=9999, merge_ids=[lavrov.id], reviewer="Ann"), "no speaker 9999"),
        (lambda s: merge_speakers(s, keep_id=lavrov.id, merge_ids=[9999], reviewer="Ann"), "no speaker 9999"),
        (lambda s: merge_speakers(s, keep_id=lavrov.id, merge_ids=[], reviewer="Ann"), "at least one"),
        (lambda s: merge_speakers(s, keep_id=lavrov.id, merge_ids=[putin.id], reviewer=" "), "reviewer name"),
        (lambda s: rename_speaker(s, speaker_id=lavrov.id, new_name=" ", reviewer="Ann"), "empty"),
        (
            lambda s: rename_speaker(s, speaker_id=lavrov.id, new_name="Vladimir Putin", reviewer="Ann"),
            "merge the two instead",
        ),
        (
            lambda s: split_speaker(
                s, speaker_id=lavrov.id, new_name="", aliases=["sergey lavrov"], reviewer="Ann"
            ),
            "needs a name",
        ),
        (
            lambda s: split_speaker(s, speaker_id=lavrov.id, new_name="Someone Else", reviewer="Ann"),
            "choose the spellings or mentions",
        ),
        (
            lambda s: split_speaker(
                s, speaker_id=lavrov.id, new_name="X Y", aliases=["vladimir putin"], reviewer="Ann"
            ),
            "not a spelling of Sergei Lavrov",
        ),
        (
            lambda s: split_speaker(
                s, speaker_id=lavrov.id, new_name="sergei  LAVROV", aliases=["sergey lavrov"], reviewer="Ann"
            ),
            "own name",
        ),
        (lambda s: find_speaker(s, "Nobody Atall"), "no speaker 'Nobody Atall'"),
    ]
    for action, message in cases:
        with pytest.raises(ReviewError, match=message), session_scope(seeded) as session:
            action(session)
    assert _summary(seeded, "Sergei Lavrov").mentions > 0 and _speaker(seeded, "Vladimir Putin") is not None


def test_the_book_keeps_split_names_apart():
    book = SpeakerBook(people={"Sergei Lavrov": {"sergei lavrov"}})
    assert book.resolve_person("Sergey Lavrov") == "Sergei Lavrov"  # a spelling variant joins by default
    book = SpeakerBook(
        people={"Sergei Lavrov": {"sergei lavrov"}}, apart={frozenset({"Sergei Lavrov", "Sergey Lavrov"})}
    )
    assert book.resolve_person("Sergey Lavrov") == "Sergey Lavrov"
    assert book.resolve_person("Sergei Lavrov") == "Sergei Lavrov"
