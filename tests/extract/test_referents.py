"""Speakers referred back to by pronoun, role or institution (claims.extract.referents through claims.extract.detect.extract)."""

from __future__ import annotations

import pytest

from claims.extract.detect import extract
from claims.extract.speakers import SpeakerBook
from claims.text.sentences import segment


def _speakers(text: str, book: SpeakerBook | None = None) -> dict[str, str | None]:
    """First words of each mention -> its speaker."""
    return {" ".join(m.text.split()[:4]): m.attribution.speaker for m in extract(text, book=book)}


def speakers(mentions) -> list[str | None]:
    """Who each extracted claim is attributed to, in reading order."""
    return [m.attribution.speaker for m in mentions]


def test_pronoun_subject_survives_adverbs_and_perfect_tenses():
    text = (
        "Health Minister Anna Lind said on Monday that waiting lists at Brova hospitals had fallen by 30 percent.\n\n"
        "She had earlier said on several occasions that the new ward would cut waiting times in half.\n\n"
        "She now says the second ward will open in October with 40 more beds."
    )
    mentions = extract(text)
    assert speakers(mentions) == ["Anna Lind"] * 3


def test_role_noun_with_perfect_tense_is_the_person_named_with_that_role():
    text = (
        "Health Minister Anna Lind opened a ward in Brova, said the hospital director Piet Almers, who gave a tour.\n\n"
        "Almers said the hospital had treated 12,000 patients last year.\n\n"
        "The minister has also said that waiting lists fell by a third since January."
    )
    speakers = _speakers(text)
    assert speakers["waiting lists fell by"] == "Anna Lind"


def test_role_the_article_never_names_comes_from_the_speaker_book():
    book = SpeakerBook()
    extract(
        "Health Minister Anna Lind said on Monday that waiting lists had fallen by 30 percent since May.",
        book=book,
    )
    later = (
        "Hospital director Piet Almers said the ward had treated 1,200 patients in its first month.\n\n"
        'Meanwhile, the health minister told Radio Brova that there were "twice as many nurses as last year".'
    )
    mentions = extract(later, book=book)
    assert mentions[-1].attribution.speaker == "Anna Lind"
    assert mentions[-1].attribution.venue == "Radio Brova"


def test_a_report_in_the_perfect_tense_does_not_inherit_the_last_venue():
    text = (
        'Health Minister Anna Lind told Radio Brova that there were "twice as many nurses as last year".\n\n'
        "The minister has also said that no operation was cancelled for lack of staff since January."
    )
    mentions = extract(text)
    assert mentions[-1].attribution.speaker == "Anna Lind"
    assert mentions[-1].attribution.venue is None


def test_a_bare_ministry_is_the_ministry_of_the_minister_named_before():
    text = (
        "Health Minister Anna Lind said on Monday that waiting lists had fallen by 30 percent since May.\n\n"
        "The ministry said two more wards would open in Brova before the end of 2027.\n\n"
        "A ministry spokeswoman said the government would not pay for private clinics."
    )
    speakers = _speakers(text)
    assert speakers["two more wards would"] == "Health Ministry"
    assert speakers["the government would not"] == "Health Ministry"


def test_a_trailing_or_leading_according_to_names_the_organisation():
    text = (
        "Shops near the harbour have lost a fifth of their trade since March, according to the Brova Chamber of Commerce.\n\n"
        "According to the Brova Statistics Office, hospitals treated 1.2 million patients last year, up from 900,000."
    )
    mentions = extract(text)
    assert speakers(mentions) == [
        "Brova Chamber of Commerce",
        "Brova Statistics Office",
    ]
    assert all(
        m.attribution.kind == "reported speech" and m.attribution.speaker_is_organisation for m in mentions
    )


def test_a_person_announcing_or_rejecting_is_speaking_without_a_that_clause():
    text = (
        "Health Minister Anna Lind rejected the criticism in an interview on Radio Brova on Tuesday. "
        '"Our waiting lists come from the hospitals and they are correct," she said.\n\n'
        "She also announced a fund of 5 million euros to hire nurses for rural clinics."
    )
    mentions = extract(text)
    assert speakers(mentions) == ["Anna Lind"] * 3
    assert [m.attribution.kind for m in mentions] == ["reported speech", "direct quote", "reported speech"]
    assert mentions[1].attribution.venue == "Radio Brova"


def test_figures_and_stances_are_given_to_the_subject_of_a_sourcing_verb():
    text = (
        "Piet Almers, who runs the Brova hospital, puts the rise in admissions at 40 percent.\n\n"
        "The Brova Statistics Office counted 1.2 million hospital visits in the first three months of the year.\n\n"
        "The Brova Chamber of Commerce had asked for 10 million euros to keep clinics open.\n\n"
        'Opposition leader Mara Holt called the minister\'s figures "a pattern of spin".'
    )
    mentions = extract(text)
    assert speakers(mentions) == [
        "Piet Almers",
        "Brova Statistics Office",
        "Brova Chamber of Commerce",
        "Mara Holt",
    ]
    assert all(m.attribution.kind == "reported speech" for m in mentions)


def test_a_phone_call_or_a_count_noun_is_not_a_source():
    text = (
        "President Ivo Marek called the Brova governor on Monday about the 40 percent rise in admissions.\n\n"
        "The count of 1.2 million hospital visits in the first three months of the year is a record for Brova."
    )
    assert [m.attribution.kind for m in extract(text)] == ["outlet's own"] * len(extract(text))


def test_a_short_frame_with_its_own_quote_is_a_sentence_not_a_lone_frame():
    text = (
        'Asked about the delays, a ministry spokesman, Piet Almers, said the minister meant "delays caused by staff". '
        'Almers said strikes were "outside anyone\'s control".'
    )
    units = segment(text)
    assert len(units) == 2
    mentions = extract(text)
    assert any("outside anyone" in m.text and m.attribution.speaker == "Piet Almers" for m in mentions)


def test_venues_told_at_the_end_confirmed_to_and_parliament():
    text = (
        '"We are treating twice as many patients as last year," Almers told the Brova Post.\n\n'
        "Separately, hospital director Piet Almers confirmed to the Courier that 300 beds would close in May.\n\n"
        "Health Minister Anna Lind told parliament on Tuesday that the new ward would open in September.\n\n"
        "Chief surgeon Mara Holt told MPs that one operation in four was postponed in 2025."
    )
    venues = [m.attribution.venue for m in extract(text)]
    assert venues == ["Brova Post", "Courier", "parliament", "parliament"]


def test_a_follow_up_dated_to_another_occasion_does_not_inherit_the_venue():
    text = (
        "Health Minister Anna Lind told parliament on Tuesday that the new ward would open in September.\n\n"
        "In early March the minister said the ward would open in April, with 40 more beds.\n\n"
        "She said the ward would also treat 2,000 children a year."
    )
    mentions = extract(text)
    assert speakers(mentions) == ["Anna Lind"] * 3
    assert [m.attribution.venue for m in mentions] == ["parliament", None, "parliament"]


def test_the_date_of_a_report_is_the_one_attached_to_its_verb():
    text = (
        "Health Minister Anna Lind told parliament on Tuesday that the new ward would open in September.\n\n"
        "In early March the minister said the ward would open in April, with 40 more beds.\n\n"
        "The ward will not open before June, the builder Holt Construction said on Friday, "
        "contradicting the minister's promise of an April opening.\n\n"
        'A ministry spokeswoman told Brova Today on Wednesday that waiting lists had "roughly halved".'
    )
    assert [m.attribution.when for m in extract(text)] == ["Tuesday", "early March", "Friday", "Wednesday"]


def test_a_pronoun_skips_the_last_person_when_their_pronoun_is_known_to_differ():
    text = (
        "Health Minister Anna Lind met hospital director Piet Almers in Brova on Monday.\n\n"
        "Ms Lind said waiting lists had fallen by 30 percent since May.\n\n"
        "Mr Almers said 300 beds would close in the old wing by the end of the year.\n\n"
        "She said the new ward would open in September with 40 more beds."
    )
    assert extract(text)[-1].attribution.speaker == "Anna Lind"


def test_the_book_learns_a_pronoun_met_when_only_one_person_was_named():
    # Only a known pronoun that differs moves "she" off the last person met; an unknown one does not.
    book = SpeakerBook()
    extract(
        "Anna Lind said waiting lists had fallen by 30 percent. She said 40 beds would be added in May.",
        book=book,
    )
    extract(
        "Piet Almers said the hospital had treated 12,000 patients. He said 300 beds would close in May.",
        book=book,
    )
    later = (
        "Health Minister Anna Lind said on Monday that the new ward would open in September.\n\n"
        "Hospital director Piet Almers said 300 beds would close in the old wing by the end of the year.\n\n"
        "She said the ward would treat 2,000 children a year."
    )
    assert extract(later, book=book)[-1].attribution.speaker == "Anna Lind"
    assert book.genders == {"Anna Lind": "she", "Piet Almers": "he"}


def test_a_pronoun_frame_after_a_plain_sentence_is_its_own_sentence():
    text = "Anna Lind said waiting lists had fallen by 30 percent. She said 40 beds would be added in May."
    assert len(segment(text)) == 2
    quoted = '"Waiting lists have fallen by a third in two years," Anna Lind said.'
    assert len(segment(quoted)) == 1


EPITHETS = [
    (  # the person whose titles hold it, or the one quoted just now
        "Carlos Alcaraz beat Daniil Medvedev in the semi-final on Friday.\n\n"
        '"I played my best tennis today," the Spaniard told reporters after the match.\n\n'
        "The 20-year-old said his serve had never been better. The world No. 1 added that he would "
        "play in Paris next year.",
        ["Carlos Alcaraz"] * 3,
    ),
    (  # before anyone is quoted: the subject of the last sentence
        "Kenyan runner Faith Kipyegon broke the world record in the 1,500 metres on Friday.\n\n"
        '"I did not expect to run this fast tonight," the Kenyan told reporters.\n\n'
        "The 29-year-old said the new track had cut her times by two seconds.",
        ["Faith Kipyegon"] * 2,
    ),
]


@pytest.mark.parametrize("text, expected", EPITHETS)
def test_a_nationality_an_age_or_a_ranking_refers_back_to_the_person_named(text, expected):
    assert speakers(extract(text))[1:] == expected


def test_a_role_noun_from_another_desk_refers_back_too():
    text = (
        "Federal Reserve Chair Jerome Powell said on Friday that the central bank would raise rates again.\n\n"
        '"We will keep at it until we are confident the job is done," the Fed chair said.\n\n'
        "Meanwhile, the defending champion Iga Swiatek won her match in 58 minutes on Friday.\n\n"
        "The champion said she had lost only 12 points on her serve."
    )
    assert speakers(extract(text))[1:] == ["Jerome Powell", None, "Iga Swiatek"]


def test_a_participle_or_made_clear_reports_speech():
    text = (
        "Transport Minister Elena Markovic opened the new terminal on Monday, warning that crossings "
        "would fall by a third this winter.\n\n"
        "Included in the cuts are 40 night sailings a week, Markovic made clear."
    )
    assert speakers(extract(text)) == ["Elena Markovic", "Elena Markovic"]


def test_a_quote_handed_to_him_or_her_by_the_writer_is_theirs():
    text = (
        "Transport Minister Elena Markovic toured the Kessel Bridge works on Monday.\n\n"
        "“The bridge will reopen in May and not a day later than the fifth,” to quote her exactly."
    )
    assert speakers(extract(text))[-1] == "Elena Markovic"


def test_said_mr_surname_finds_the_full_name_the_article_gives_anywhere():
    text = (
        'The debate, billed as “Why Tomas Brandt wants answers" by the organisers, opened on Monday in Valdora.\n\n'
        "Said Mr. Brandt: the ferries have carried 12,000 fewer passengers since the bridge closed in March."
    )
    assert speakers(extract(text))[-1] == "Tomas Brandt"


def test_a_name_ner_calls_an_organisation_is_a_person_when_its_surname_is_a_persons_elsewhere():
    text = (
        "Novak Djokovic said on Sunday that he would play at the French Open next year after winning "
        "his 24th Grand Slam title.\n\n"
        '"I\'m not done yet, I want to win more titles," Djokovic told reporters after the final in New York.'
    )
    mentions = extract(text)
    assert [(m.attribution.speaker, m.attribution.speaker_is_organisation) for m in mentions] == [
        ("Novak Djokovic", False),
        ("Novak Djokovic", False),
    ]
    final = (
        "Iga Swiatek beat Aryna Sabalenka 6-2, 6-4 in the final on Saturday.\n\n"
        "Sabalenka said she had struggled with the wind in the second set."
    )
    assert [(m.attribution.speaker, m.attribution.speaker_is_organisation) for m in extract(final)][-1] == (
        "Aryna Sabalenka",
        False,
    )
    firms = "Morgan Stanley said on Monday that it expected the central bank to cut rates twice next year."
    assert [(m.attribution.speaker, m.attribution.speaker_is_organisation) for m in extract(firms)] == [
        ("Morgan Stanley", True)
    ]
