"""The desk's policy: a named speaker's comparison is checked first, the outlet's own is not lifted."""

from __future__ import annotations

from sqlmodel import Session

from claims.checkworthy.desk import COMPARISON_FLOOR, desk_priority, is_comparison
from db import crud
from db.models import AttributionKind


def test_comparisons_are_told_from_counts_and_exceptions():
    assert is_comparison("the situation in Kabul is better than under Ashraf Ghani")
    assert is_comparison(
        "Kabul was safer in the first 24 hours than it had been under the previous authorities"
    )
    assert is_comparison("unemployment is the highest since 1982")
    assert is_comparison("prices rose faster compared with last year")
    assert not is_comparison("more than 16,000 cases have been reported")
    assert not is_comparison("a speech that lasted less than 10 minutes")
    assert not is_comparison("no sailing was cancelled other than for storms")


def test_only_a_named_speakers_comparison_is_lifted():
    text = "the situation in Kabul is better than under Ashraf Ghani"
    assert desk_priority(0.12, text, AttributionKind.direct_quote, "Dmitry Zhirnov") == COMPARISON_FLOOR
    assert desk_priority(0.12, text, AttributionKind.outlet_assertion, None) == 0.12
    assert desk_priority(0.12, text, AttributionKind.reported_speech, "anonymous sources") == 0.12
    assert desk_priority(0.95, text, AttributionKind.direct_quote, "Dmitry Zhirnov") == 0.95
    assert (
        desk_priority(0.3, "the embassy will stay open", AttributionKind.direct_quote, "Dmitry Zhirnov")
        == 0.3
    )


def test_the_ambassadors_comparison_is_in_the_top_quarter_of_its_article(seeded):
    with Session(seeded) as session:
        rows = crud.mention_rows(session)
    ghani = next(r.mention for r in rows if "better than under Ashraf Ghani" in r.mention.text)
    peers = [r.mention.checkworthiness for r in rows if r.mention.article_id == ghani.article_id]
    assert sum(p >= ghani.checkworthiness for p in peers) <= len(peers) / 4
