"""The annotated stories load in one shape, and the harness that scores them measures what it says."""

from __future__ import annotations

import pytest

from claims.eval.generalisation import evaluate
from claims.eval.stories import STORIES, load_story, speaker_right, venue_right


def test_the_news_dev_stories_load_with_the_counts_their_readme_gives():
    for name, claims, clusters, boilerplate in (("story_a", 71, 32, 14), ("story_b", 67, 30, 20)):
        story = load_story(name)
        assert story.held_out and len(story.articles) == 10 and len(story.queries) == 20
        assert sum(len(a.claims) for a in story.gold.articles.values()) == claims
        assert len(story.gold.same) == clusters
        assert len(story.boilerplate) == boilerplate
        # every boilerplate line is found in the article it belongs to
        assert {line for a in story.gold.articles.values() for line in a.not_claims} == set(story.boilerplate)
        assert all(q.claims for q in story.queries)


def test_the_sentences_a_readme_leaves_unjudged_are_read_and_each_is_in_its_story():
    from claims.eval.goldset import squash
    from claims.eval.stories import body

    for name, at_least in (("story_a", 15), ("story_b", 10)):
        story = load_story(name)
        texts = [squash(body(path.read_text(encoding="utf-8"))) for path in story.articles]
        assert len(story.neutral) >= at_least
        assert all(any(squash(run) in text for text in texts) for run in story.neutral)


def test_our_own_stories_are_in_sample_and_keep_their_queries():
    seeds, demo = load_story("seeds"), load_story("demo")
    assert not seeds.held_out and not demo.held_out
    assert len(seeds.queries) + len(demo.queries) == 117 and all(q.anchor for q in seeds.queries)
    assert set(STORIES) == {"seeds", "demo", "story_a", "story_b"}


def test_a_fair_short_venue_counts_and_another_venue_does_not():
    assert venue_right("press conference", ["WHO press conference"])
    assert venue_right("a media briefing", ["WHO press conference"])  # one of the forms the README accepts
    assert venue_right("Jackson Hole", ["Jackson Hole Economic Policy Symposium"])
    assert not venue_right("Washington", ["Jackson Hole Economic Policy Symposium"])
    assert not venue_right("radio", ["Ekho Moskvy radio"])  # a kind of medium names no venue
    assert not venue_right("press conference", [None]) and venue_right("", [None])


def test_a_speaker_is_right_by_any_spelling_the_gold_lists():
    forms = load_story("story_a").speaker_forms
    assert speaker_right("Jerome Powell", ["Jerome Powell"], forms)
    assert not speaker_right("Jerome Powell", [None], forms)
    assert not speaker_right(None, ["Jerome Powell"], forms)


@pytest.mark.slow
def test_the_harness_scores_the_seeds_as_the_gold_tests_do():
    figures = evaluate(load_story("seeds"))
    rates = figures.rates()
    assert figures.articles == 5 and figures.required == 73
    assert rates["claim_recall"] == 1.0 and rates["speaker_accuracy"] == 1.0
    assert rates["link_precision"] == 1.0 and rates["link_f1"] >= 0.85 and rates["distinct_merged"] == 0
    assert rates["search_hit3"] >= 0.95
