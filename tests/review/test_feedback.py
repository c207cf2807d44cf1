"""Reviewers drop false claims and add missed ones; both are remembered for retraining."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import Session

from claims.embed.search_model import search_embedder
from claims.review import verdicts as review
from claims.review.feedback import (
    add_mention,
    drop_mention,
    explain,
    feedback_tsv,
    find_span,
    unextracted_sentences,
)
from claims.review.verdicts import ConflictError, ReviewError
from claims.search.hybrid import search
from db import crud
from db.session import session_scope

ZHIRNOV = "better than under Ashraf Ghani"
MISSED = "Then Moscow struggled to evacuate its embassy under fire after a disastrous decade-long war."


def _rows(engine, text: str) -> list[crud.MentionRow]:
    """The mentions of the one tracked claim with ``text``."""
    with Session(engine) as session:
        (summary,) = crud.claim_summaries(session, text=text)
        return crud.mention_rows(session, claim_id=summary.claim.id)


def _article(engine, name: str):
    with Session(engine) as session:
        return next(
            crud.get_article(session, article_id=i)
            for i, doc, _ in crud.article_choices(session)
            if doc.startswith(name) or doc.endswith(name)
        )


def _feedback(engine) -> list[dict]:
    with Session(engine) as session:
        return list(csv.DictReader(io.StringIO(feedback_tsv(session)), delimiter="\t"))


def test_dropping_a_mention_keeps_the_claim_and_hides_it_from_search(seeded, embedder):
    first, second = _rows(seeded, ZHIRNOV)
    claim_id = first.claim.id
    assert second.claim.id == claim_id
    hits = search(seeded, first.mention.text, k=3)
    assert hits[0].cluster_id == claim_id
    with session_scope(seeded) as session:
        review.set_sourcing(
            session, mention_id=first.mention.id, sourcing="Primary", reviewer="Ann"
        )  # history points at it
    with session_scope(seeded) as session:
        drop_mention(
            session, mention_id=first.mention.id, reviewer="Ann", expected_version=first.mention.version + 1
        )

    with Session(seeded) as session:
        left = crud.mention_rows(session, claim_id=claim_id)
        history = [(h.field, h.old, h.new, h.reviewer) for h in crud.history_for(session, claim_id=claim_id)]
        assert crud.get_mention(session, mention_id=first.mention.id) is None
    assert [r.mention.id for r in left] == [second.mention.id]
    assert ("mention", first.mention.text, "dropped: not a claim", "Ann") in history
    assert ("sourcing", None, "Primary", "Ann") in history  # earlier changes stay in the claim's history
    hits = search(seeded, first.mention.text, k=3)  # the saved index is refreshed, not trusted
    assert hits[0].cluster_id == claim_id and hits[0].mention_id == second.mention.id
    assert first.mention.id not in {h.mention_id for h in hits}
    assert _feedback(seeded) == [{"text": first.mention.text, "label": "0"}]


def test_dropping_the_only_mention_removes_the_claim(seeded, embedder):
    with Session(seeded) as session:
        single = next(
            s for s in crud.claim_summaries(session) if s.mentions == 1 and not s.pending_suggestions
        )
        mention = crud.mention_rows(session, claim_id=single.claim.id)[0].mention
        before = crud.counts(session)
    with session_scope(seeded) as session:
        drop_mention(session, mention_id=mention.id, reviewer="Ann")
    with Session(seeded) as session:
        assert crud.get_claim(session, claim_id=single.claim.id) is None
        after = crud.counts(session)
    assert (after["mentions"], after["tracked_claims"]) == (
        before["mentions"] - 1,
        before["tracked_claims"] - 1,
    )
    assert mention.id not in {h.mention_id for h in search(seeded, mention.text, k=5)}


def test_dropping_is_refused_when_stale_or_unknown(seeded):
    first, _ = _rows(seeded, ZHIRNOV)
    with pytest.raises(ConflictError), session_scope(seeded) as session:
        drop_mention(
            session, mention_id=first.mention.id, reviewer="Ann", expected_version=first.mention.version - 1
        )
    with pytest.raises(ReviewError, match="no mention 99999"), session_scope(seeded) as session:
        drop_mention(session, mention_id=99999, reviewer="Ann")
    with pytest.raises(ReviewError, match="reviewer name"), session_scope(seeded) as session:
        drop_mention(session, mention_id=first.mention.id, reviewer="")
    assert len(_rows(seeded, ZHIRNOV)) == 2


def test_adding_a_missed_claim_stores_links_and_finds_it(seeded, embedder):
    article = _article(seeded, "003_136cd665c0aaefab.txt")
    with Session(seeded) as session:
        assert MISSED in [text for _, _, text in unextracted_sentences(session, article_id=article.id)]
    start, end = find_span(
        article.text,
        "Then Moscow struggled to evacuate\n its embassy  under fire after a disastrous decade-long war.",
    )
    assert article.text[start:end] == MISSED
    with session_scope(seeded) as session:
        stored = add_mention(
            session,
            article_id=article.id,
            start=start,
            end=end,
            reviewer="Ann",
            embedder=embedder,
            speaker="Dmitry Zhirnov",
            venue="Ekho Moskvy",
        )
    with Session(seeded) as session:
        row = crud.mention_rows(session, mention_ids=[stored.id])[0]
        history = crud.history_for(session, claim_id=row.claim.id)
        assert MISSED not in [text for _, _, text in unextracted_sentences(session, article_id=article.id)]
    assert (row.mention.text, row.speaker, row.mention.venue, row.mention.attribution.value) == (
        MISSED,
        "Dmitry Zhirnov",
        "Ekho Moskvy",
        "reported speech",
    )
    assert 0 < row.mention.checkworthiness <= 1
    assert [(h.field, h.new, h.reviewer) for h in history][-1] == (
        "mention",
        f"added by reviewer: {MISSED}",
        "Ann",
    )
    hits = search(seeded, "Moscow struggled to evacuate its embassy under fire", k=3)
    assert stored.id in {h.mention_id for h in hits}
    assert _feedback(seeded) == [{"text": MISSED, "label": "1"}]

    with (
        pytest.raises(ReviewError, match="overlaps a claim already extracted"),
        session_scope(seeded) as session,
    ):
        add_mention(session, article_id=article.id, start=start, end=end, reviewer="Ann", embedder=embedder)


def test_adding_refuses_bad_spans(seeded, embedder):
    article = _article(seeded, "003_136cd665c0aaefab.txt")
    for start, end, message in [
        (-1, 5, "not a span"),
        (10, len(article.text) + 1, "not a span"),
        (20, 20, "not a span"),
    ]:
        with pytest.raises(ReviewError, match=message), session_scope(seeded) as session:
            add_mention(
                session, article_id=article.id, start=start, end=end, reviewer="Ann", embedder=embedder
            )
    blank = article.text.index("\n")
    with pytest.raises(ReviewError, match="empty"), session_scope(seeded) as session:
        add_mention(
            session, article_id=article.id, start=blank, end=blank + 1, reviewer="Ann", embedder=embedder
        )
    with pytest.raises(ReviewError, match="no article 999"), session_scope(seeded) as session:
        add_mention(session, article_id=999, start=0, end=5, reviewer="Ann", embedder=embedder)


def test_find_span_names_the_problem():
    text = "The minister spoke.\nFerries  doubled.\nThe minister spoke."
    assert find_span(text, "Ferries doubled.") == (20, 37)
    with pytest.raises(ReviewError, match="occurs 2 times"):
        find_span(text, "The minister spoke.")
    with pytest.raises(ReviewError, match="not in the article"):
        find_span(text, "Ferries tripled.")
    with pytest.raises(ReviewError, match="no text selected"):
        find_span(text, "  \n ")


def test_explain_gives_the_rules_score_then_the_models_reasons():
    (rule, taken), *reasons = explain(
        "Unemployment fell by 3 percent last year, the minister said.", quoted=True
    )
    assert "rules" in rule and taken >= 0.5
    names = [name for name, _ in reasons]
    assert any("number" in name for name in names), names
    assert all(value != 0 for _, value in reasons)
    (_, chat), *_ = explain("Thank you all for coming tonight.")
    assert chat < 0.5


def test_a_live_index_sees_a_new_mention_that_reuses_a_dropped_id(seeded, embedder):
    from claims.embed.index import LiveIndex

    live = LiveIndex(seeded)
    assert len(live.get()) > 0
    with Session(seeded) as session:
        newest = max(crud.mention_rows(session), key=lambda r: r.mention.id).mention
    article = _article(seeded, "003_136cd665c0aaefab.txt")
    start, end = find_span(article.text, MISSED)
    with session_scope(seeded) as session:
        drop_mention(session, mention_id=newest.id, reviewer="Ann")
        added = add_mention(
            session, article_id=article.id, start=start, end=end, reviewer="Ann", embedder=embedder
        )
    assert added.id == newest.id  # SQLite gave the dropped id to the new mention
    hits = search(seeded, MISSED, k=1, index=live.get())
    assert hits[0].mention_id == added.id and hits[0].text == MISSED
    ((found, cosine),) = live.get().search(search_embedder().encode_query(MISSED), 1)
    assert found == added.id and cosine > 0.99  # the new mention's vector, not the dropped one's
