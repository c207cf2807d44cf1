"""Quote drift: the word diff and the flags for changes that can change a claim's meaning."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from claims.provenance.drift import (
    DELETE,
    EQUAL,
    INSERT,
    NAMES_ADDED,
    NEGATION_FLIPPED,
    NUMBER_ADDED,
    NUMBER_CHANGED,
    NUMBER_DROPPED,
    PARAPHRASE_TO_QUOTE,
    QUALIFIER_ADDED,
    QUALIFIER_DROPPED,
    QUOTE_ALTERED,
    QUOTE_TO_PARAPHRASE,
    SPEAKER_CHANGED,
    compare,
    drift_flags,
    word_diff,
)
from claims.provenance.sources import wordings
from claims.text.numbers import numbers
from db import crud


def kinds(flags) -> list[str]:
    return [f.kind for f in flags]


# --- the word diff -----------------------------------------------------------


def test_word_diff_marks_replaced_inserted_and_deleted_words():
    ops = word_diff(
        "contacts for the last seven years", "contacts for the past seventeen years, officials said"
    )
    assert [(op.tag, op.text) for op in ops] == [
        (EQUAL, "contacts for the"),
        (DELETE, "last seven"),
        (INSERT, "past seventeen"),
        (EQUAL, "years"),
        (INSERT, ", officials said"),
    ]


def test_word_diff_ignores_case_and_quote_shapes_but_shows_the_later_wording():
    ops = word_diff("Kabul is “stabilizing”", 'kabul is "stabilizing"')
    assert [op.tag for op in ops] == [EQUAL]
    assert ops[0].text == 'kabul is "stabilizing"'


def test_punctuation_alone_is_no_change():
    drift = compare("the bridge was closed for repairs", "the bridge was closed for repairs.")
    assert not drift.changed and drift.ops[-1].text.endswith("repairs.")
    assert [op.tag for op in word_diff("closed, for repairs", "closed for good")] == [EQUAL, DELETE, INSERT]


def test_the_same_wording_has_no_flags():
    drift = compare("The bridge will reopen in April", "The bridge will reopen in April")
    assert not drift.changed and drift.flags == [] and drift.similarity == 1.0


# --- numbers -----------------------------------------------------------------


def test_numbers_read_digits_and_words():
    assert numbers("seven years") == [7]
    assert numbers("seventeen years") == [17]
    assert numbers("twenty-five ferries and 40,000 vehicles") == [25, 40000]
    assert numbers("1.2 million passengers, up from 650,000") == [1_200_000, 650_000]
    assert numbers("traffic has doubled") == [2]


def test_seven_against_seventeen_years_is_a_changed_number():
    flags = drift_flags("contacts for the last seven years", "contacts for the last seventeen years")
    assert kinds(flags) == [NUMBER_CHANGED]
    assert flags[0].detail == "7 → 17"


def test_numbers_added_dropped_and_doubled_against_tripled():
    assert kinds(drift_flags("waiting times rose", "waiting times rose by 30 minutes")) == [NUMBER_ADDED]
    assert kinds(drift_flags("48 daily crossings", "daily crossings")) == [NUMBER_DROPPED]
    assert kinds(drift_flags("traffic has doubled", "traffic has tripled")) == [NUMBER_CHANGED]
    assert drift_flags("two new ferries", "2 new ferries") == []


# --- qualifiers and negation -------------------------------------------------


def test_a_dropped_qualifier_is_flagged():
    flags = drift_flags("Ferry traffic has nearly doubled", "Ferry traffic has doubled")
    assert kinds(flags) == [QUALIFIER_DROPPED]
    assert flags[0].detail == "nearly"


def test_an_added_hedge_is_flagged():
    flags = drift_flags("The Taliban guarded the embassy", "The Taliban reportedly guarded the embassy")
    assert kinds(flags) == [QUALIFIER_ADDED] and flags[0].detail == "reportedly"
    assert kinds(drift_flags("more than 40,000 vehicles", "40,000 vehicles")) == [QUALIFIER_DROPPED]
    assert kinds(drift_flags("about forty vehicles", "forty vehicles")) == [QUALIFIER_DROPPED]
    # "about" hedges a number only: a topic is no qualifier.
    assert drift_flags("Russia would decide on recognition", "Russia would decide about recognition") == []


def test_negation_flip_in_either_direction():
    assert kinds(
        drift_flags("Russia will recognise the Taliban", "Russia will not recognise the Taliban")
    ) == [NEGATION_FLIPPED]
    assert kinds(drift_flags("The embassy was never closed", "The embassy was closed")) == [NEGATION_FLIPPED]
    assert kinds(drift_flags("It is true", "It isn't true")) == [NEGATION_FLIPPED]
    # Negated both times, in other words: no flip.
    assert drift_flags("no sailing had been cancelled", "not a single sailing had been cancelled") == []


# --- quotes, names, speakers --------------------------------------------------


def test_quote_turned_into_paraphrase_and_back():
    assert QUOTE_TO_PARAPHRASE in kinds(
        drift_flags("a", "a", base_kind="direct quote", other_kind="reported speech")
    )
    assert PARAPHRASE_TO_QUOTE in kinds(
        drift_flags("a", "a", base_kind="reported speech", other_kind="direct quote")
    )
    assert drift_flags("a", "a", base_kind="direct quote", other_kind="direct quote") == []


def test_a_quote_with_other_words_names_and_speaker_are_flagged():
    flags = drift_flags(
        "The ministry is satisfied",
        "The ministry in Moscow is satisfied",
        base_kind="direct quote",
        other_kind="direct quote",
        base_speaker="Sergei Lavrov",
        other_speaker="Zamir Kabulov",
    )
    assert kinds(flags) == [QUOTE_ALTERED, NAMES_ADDED, SPEAKER_CHANGED]
    assert flags[1].detail == "Moscow"
    assert flags[2].detail == "Sergei Lavrov → Zamir Kabulov"


# --- the seeds: Zhirnov's Ghani quote, 001 against 003 -------------------------


def test_zhirnov_ghani_quote_drift_between_001_and_003(seeded):
    with Session(seeded) as session:
        ids = [s.claim.id for s in crud.claim_summaries(session, text="better than under Ashraf Ghani")]
        assert len(ids) == 1
        rows = crud.mention_rows(session, claim_id=ids[0])
    shown = wordings(rows)
    assert [w.row.article.document.rsplit("/", 1)[-1][:3] for w in shown] == ["001", "003"]
    base, later = shown
    assert base.drift is None
    inserted = " ".join(later.drift.inserted())
    assert "now under the Taliban" in inserted
    assert "President" in inserted
    assert "That is" in " ".join(later.drift.deleted())
    flags = {f.kind: f.detail for f in later.drift.flags}
    assert flags[QUOTE_ALTERED]
    assert "Taliban" in flags[NAMES_ADDED] and "President" in flags[NAMES_ADDED]
    assert SPEAKER_CHANGED not in flags  # Zhirnov both times


@pytest.mark.parametrize(
    "base, other", [("the last seven years", "the last seven years"), ("nearly doubled", "nearly doubled")]
)
def test_unchanged_wordings_stay_unflagged(base, other):
    assert drift_flags(base, other) == []
