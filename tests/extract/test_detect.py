"""Claims, speakers and venues on the real seeds and small texts."""

from __future__ import annotations

from sqlmodel import Session

from claims.extract.detect import extract
from claims.extract.speakers import SpeakerBook, person_name, same_person
from claims.text.sentences import segment
from db import crud


def _rows(engine):
    with Session(engine) as session:
        return crud.mention_rows(session)


def test_zhirnov_ghani_claim_is_one_tracked_claim_in_001_and_003(seeded):
    ghani = [r for r in _rows(seeded) if "better than" in r.mention.text and "Ashraf Ghani" in r.mention.text]
    by_doc = {r.article.document.split("/")[-1][:3]: r for r in ghani}
    assert {"001", "003"} <= set(by_doc)
    assert all(r.speaker == "Dmitry Zhirnov" for r in ghani)
    assert "Ekho Moskvy" in (by_doc["001"].mention.venue or "")
    assert by_doc["001"].mention.attribution.value == "direct quote"
    assert by_doc["001"].claim.id == by_doc["003"].claim.id
    # the span points at the claim in the clean text the reviewer reads
    m, a = by_doc["001"].mention, by_doc["001"].article
    assert a.text[m.start : m.end] == m.text


def test_every_lavrov_mention_has_one_canonical_speaker(seeded):
    rows = _rows(seeded)
    lavrov = [r for r in rows if "Lavrov" in r.mention.text or (r.speaker and "Lavrov" in r.speaker)]
    assert len({r.article.id for r in lavrov if r.speaker}) >= 4
    speakers = {r.speaker for r in rows if r.speaker and "lavrov" in r.speaker.lower()}
    assert speakers == {"Sergei Lavrov"}
    # "Sergey Lavrov" (002, 004) and "Lavrov said" both resolve to him
    docs = {r.article.document.split("/")[-1][:3] for r in rows if r.speaker == "Sergei Lavrov"}
    assert {"000", "002", "003", "004"} <= docs


def test_pronouns_and_continued_quotes_resolve_to_the_last_speaker():
    text = (
        "Russia's ambassador Dmitry Zhirnov met the delegation on Monday.\n\n"
        '"They are restoring order in the city and have succeeded in this," Zhirnov told Rossiya 24.\n\n'
        '"The situation in the capital is calmer than it was a week ago under the previous government."\n\n'
        "He said that the meeting had been practical and that a second round of talks would follow in May."
    )
    mentions = extract(text)
    assert [m.attribution.speaker for m in mentions] == ["Dmitry Zhirnov"] * 4
    assert mentions[1].attribution.kind == "direct quote"
    assert all(m.attribution.venue == "Rossiya 24" for m in mentions)
    # "... that A and that B": two claims
    assert mentions[2].text == "the meeting had been practical"
    assert mentions[3].text.startswith("a second round of talks")


def test_multi_sentence_quote_is_one_claim_and_inline_quote_is_extracted():
    text = (
        '"This must be done. Without this, it would be premature to talk about recognition. We are waiting for a decision," '
        "Zamir Kabulov said.\n\n"
        'The deputy prime minister Abdul Salam Hanafi said "the meeting is very important for stability of the entire region."'
    )
    units = segment(text)
    assert units[0].text.count(".") >= 3  # kept whole
    mentions = extract(text)
    assert (
        mentions[0].text
        == "This must be done. Without this, it would be premature to talk about recognition. We are waiting for a decision"
    )
    assert mentions[0].attribution.speaker == "Zamir Kabulov"
    assert mentions[1].text == "the meeting is very important for stability of the entire region."
    assert mentions[1].attribution.speaker == "Abdul Salam Hanafi"


def test_questions_headings_and_chatter_are_not_claims():
    text = "Ferry Chaos Hits Valdora\n\nWill the bridge ever reopen?\n\nClick here to share this story with your friends.\n\nThe bridge carried 40,000 vehicles a day before it closed in March."
    assert [m.text for m in extract(text)] == [
        "The bridge carried 40,000 vehicles a day before it closed in March."
    ]


def test_organisation_speakers_and_venue():
    mentions = extract(
        'The Russian foreign ministry said Monday the situation in Kabul was "stabilizing" after the capital fell.\n\n'
        "Speaking at a press conference, Transport Minister Elena Markovic said ferry crossings had doubled since March."
    )
    assert mentions[0].attribution.speaker == "Russian Foreign Ministry"
    assert mentions[0].attribution.speaker_is_organisation
    assert mentions[1].attribution.speaker == "Elena Markovic"
    assert mentions[1].attribution.venue == "press conference"


def test_person_names():
    assert person_name("Russia's Foreign Minister Sergei Lavrov") == "Sergei Lavrov"
    assert person_name("Foreign Ministry official Zamir Kabulov") == "Zamir Kabulov"
    assert person_name("Russian Foreign Ministry") is None
    assert same_person("Sergey Lavrov", "Sergei Lavrov")
    assert same_person("Lavrov", "Sergei Lavrov")
    assert not same_person("Sergei Lavrov", "Sergei Shoigu")
    book = SpeakerBook()
    assert book.resolve_person("Lavrov") == "Lavrov"
    assert book.resolve_person("Sergei Lavrov") == "Sergei Lavrov"  # the fuller spelling becomes canonical
    assert book.resolve_person("Sergey Lavrov") == "Sergei Lavrov"
    assert book.known_by_name("Lavrov") == "Sergei Lavrov"


def test_venue_read_from_the_parse_holds_for_the_speakers_later_statements():
    # No venue pattern names "his keynote speech at ..."; the parse finds the occasion, and what the
    # minister says further down the report was said there too.
    text = (
        "In his keynote speech at the Harbour Forum in Port Selwyn, Transport Minister Elena Markovic "
        "said ferry crossings had doubled since March.\n\n"
        "Markovic said the new timetable would cut waiting times by 40 percent.\n\n"
        '"We expect 2 million passengers this year," Markovic said.'
    )
    mentions = extract(text)
    assert [m.attribution.speaker for m in mentions] == ["Elena Markovic"] * 3
    assert {m.attribution.venue for m in mentions} == {"speech at the Harbour Forum in Port Selwyn"}


def test_a_speaker_heard_at_two_venues_keeps_each_statement_where_it_was_said():
    text = (
        "Transport Minister Elena Markovic told Radio Valdora that ferry crossings had doubled since March.\n\n"
        "Speaking at a press conference, Markovic said on Friday that fares would rise by 15 percent in May.\n\n"
        "Markovic said the strait would reopen to traffic in April, two months later than planned.\n\n"
        "On Monday, Markovic said the ministry would buy 2 new ferries before the end of the year."
    )
    venues = [m.attribution.venue for m in extract(text)]
    assert venues[0] == "Radio Valdora"
    assert venues[1] == "press conference"
    # A follow-up by surname goes on from where she was last reported, as "She said" would.
    assert venues[2] == "press conference"
    assert venues[3] is None  # another day: neither of the two


def test_press_events_and_reporters_are_venues_and_a_council_meeting_is_not():
    said = lambda text: extract(text)[0].attribution
    assert said(
        "Tedros Adhanom Ghebreyesus said during a media briefing in Geneva that cases had risen to 16,000."
    ).venue == ("media briefing in Geneva")
    assert said(
        "Nine committee members voted against the declaration and six in favour, Tedros told reporters."
    ).venue == ("remarks to reporters")
    assert (
        said(
            "The minister said the council would discuss the 40 percent fare rise at its meeting in September."
        ).venue
        is None
    )


def test_a_person_named_by_given_name_or_after_their_organisation_is_the_speaker():
    text = (
        "The outbreak is a global emergency, World Health Organization (WHO) Director-General Tedros "
        "Adhanom Ghebreyesus told a media briefing on Saturday.\n\n"
        "Tedros said there are now more than 16,000 reported cases from 75 countries.\n\n"
        "Five deaths have been attributed to the disease, the WHO said.\n\n"
        "“We have an outbreak that has spread around the world rapidly,” said WHO Director-General "
        "Tedros Adhanom Ghebreyesus in a statement."
    )
    speakers = [m.attribution.speaker for m in extract(text)]
    assert speakers[:2] == ["Tedros Adhanom Ghebreyesus"] * 2
    assert speakers[-1] == "Tedros Adhanom Ghebreyesus"
    assert "WHO" in speakers[2] or "World Health Organization" in speakers[2]


def test_a_quote_running_on_after_a_speaker_keeps_the_speaker_but_scare_quotes_do_not():
    text = (
        "Fed Chair Jerome Powell said interest rates would stay high for some time.\n\n"
        'That will "bring some pain to households and businesses across the country," he warned.\n\n'
        'Higher rates will "bring some pain to households and businesses," in the words of the chair.'
    )
    mentions = extract(text)
    assert mentions[-1].attribution.speaker == "Jerome Powell"
    assert mentions[-1].attribution.kind.value == "direct quote"


def test_the_head_of_an_organisation_is_the_person_an_earlier_article_named_with_that_title():
    book = SpeakerBook()
    extract(
        "World Health Organization head Tedros Adhanom Ghebreyesus said 16,000 cases "
        "had been reported from 75 countries.",
        book=book,
    )
    later = extract(
        "The head of the World Health Organization has declared the outbreak a global emergency "
        "after 16,000 cases in 75 countries.",
        book=book,
    )
    assert later[0].attribution.speaker == "Tedros Adhanom Ghebreyesus"


def test_a_quoted_name_after_a_speaker_is_the_writers_not_a_quote_running_on():
    text = (
        "Tedros Adhanom Ghebreyesus said 16,000 cases had been reported from 75 countries.\n\n"
        'The label - a "public health emergency of international concern" - is designed to unlock '
        "funding for 2 million vaccine doses."
    )
    assert extract(text)[-1].attribution.speaker is None


def test_unnamed_sources_are_one_speaker_the_reader_can_weigh_apart():
    text = (
        "Members of the committee were split 9 to 6 on the decision, two sources who spoke on the "
        "condition of anonymity told Reuters.\n\n"
        "But the sources said the director had decided to declare the emergency because of 16,000 cases.\n\n"
        "People familiar with the matter said the vote had been held on Thursday with 15 members."
    )
    assert {m.attribution.speaker for m in extract(text)} == {"anonymous sources"}


def test_rules_events_and_rankings_are_never_speakers():
    from claims.extract.speakers import organisation_name

    assert person_name("the International Health Regulations") is None
    assert organisation_name("the International Health Regulations") is None
    assert organisation_name("the ATP Rankings") is None and organisation_name("the Paris Agreement") is None
    assert organisation_name("the Russian Foreign Ministry") == "Russian Foreign Ministry"


def test_a_concession_holds_a_second_claim():
    text = (
        '"Ferry crossings have doubled since the bridge closed in March, although waiting times at the '
        'terminal have risen by 40 percent," Transport Minister Elena Markovic said.\n\n'
        "Although the bridge carried 40,000 vehicles a day, Markovic said it would stay shut until 2027."
    )
    said = {m.text.rstrip("."): m.attribution.speaker for m in extract(text, threshold=0.0)}
    assert said["Ferry crossings have doubled since the bridge closed in March"] == "Elena Markovic"
    assert said["waiting times at the terminal have risen by 40 percent"] == "Elena Markovic"
    # The fronted concession is the outlet's own words; what she said follows the verb.
    assert said["the bridge carried 40,000 vehicles a day"] is None
    assert said["it would stay shut until 2027"] == "Elena Markovic"
