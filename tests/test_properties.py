"""Properties that hold for any input: span mapping, speaker names and the CSV (hypothesis).

The settings profile (200 examples, derandomized, no deadline) is registered in tests/conftest.py.
"""

from __future__ import annotations

import csv
import io
import unicodedata

import pandas as pd
from hypothesis import example, given
from hypothesis import strategies as st

from claims.export import CSV_COLUMNS, neutralise, write_csv
from claims.extract.speakers import (
    SpeakerBook,
    fold,
    organisation_name,
    person_name,
    same_person,
    title_roles,
)
from claims.text.clean import normalize, remove_boilerplate
from claims.text.sentences import paragraph_at, paragraphs, quote_spans, segment

# Characters that have broken text pipelines before: newlines of every kind, NUL and other controls,
# byte-order mark, non-breaking and zero-width spaces, direction marks and overrides, combining accents.
ODD = [
    "\r", "\r\n", "\n", "\t", "\x00", "\x1b[31m", "\x7f", "\x85", "\x0b", "\x0c", "\u2028", "\u2029",
    "\ufeff", "\u00a0", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202e", "\u2066",
    "\u0301", "e\u0301", "\u1100\u1161", "ﬁ", "İ", "ß",
]  # fmt: skip
any_text = st.lists(st.one_of(st.text(max_size=8), st.sampled_from(ODD)), max_size=30).map("".join)

# News-like prose: abbreviations, quotation marks of four styles, frames, paragraphs.
WORDS = [
    "The", "minister", "said", "Mr.", "Dr.", "U.S.", "5", "p.m.", "ferry", "crossings", "had", "doubled",
    "Lavrov", "Markovic", "told", "reporters", "on", "Monday", "that", "it", "was", "false", "and",
    '"', "“", "”", "«", "»", "„", "'", ".", ".", "!", "?", "...", "…", ",", ";", ":", "—", "(", ")",
    "\n", "\n", "\n\n", "she said.", "Markovic said.", "he added:", "e\u0301t\u00e9", "\u200b", "\u00a0",
]  # fmt: skip
prose = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from([" ", " ", ""])), min_size=1, max_size=60
).map(lambda parts: "".join(w + sep for w, sep in parts))
raw_article = st.one_of(prose, any_text, st.tuples(prose, any_text, prose).map("".join))


# --- normalize and boilerplate -------------------------------------------------------------------


@given(any_text)
@example("0A\x1f\u0300")  # found by hypothesis: NFC ran before the control character was removed
def test_normalize_is_idempotent(raw):
    once = normalize(raw)
    assert normalize(once) == once


@given(any_text)
@example("0A\x1f\u0300")
@example("e\u200b\u0301 \u00a0\r\n")
def test_normalize_leaves_no_control_characters_but_newline_and_tab(raw):
    """Tab is kept on purpose (claims.text.clean._CONTROL): a tab inside a line is a space, not an escape code."""
    out = normalize(raw)
    assert [c for c in out if unicodedata.category(c) == "Cc" and c not in "\n\t"] == []
    assert not {"\r", "\u00a0", "\u200b", "\ufeff"} & set(out)
    assert unicodedata.is_normalized("NFC", out)
    assert all(line == line.strip() for line in out.split("\n"))


@given(raw_article)
def test_boilerplate_removal_keeps_or_reports_every_paragraph(raw):
    lines = [line for line in normalize(raw).split("\n") if line]
    cleaned = remove_boilerplate(raw)
    kept = cleaned.text.split("\n\n") if cleaned.text else []
    assert all(p and "\n" not in p for p in kept)
    assert normalize(cleaned.text) == cleaned.text
    removed = {p for p, _ in cleaned.removed}
    # every paragraph is kept, reported as removed, or a repeat of the one kept just before it
    assert set(lines) == set(kept) | removed
    assert all(a != b for a, b in zip(kept, kept[1:]))


# --- paragraphs, quotes, sentences ---------------------------------------------------------------


@given(raw_article)
def test_paragraphs_are_the_non_empty_lines(raw):
    text = normalize(raw)
    spans = paragraphs(text)
    assert [text[a:b] for a, b in spans] == [line for line in text.split("\n") if line.strip()]
    for a, b in spans:
        assert paragraph_at(text, a, b) == text[a:b]
        assert paragraph_at(text, a, a) == text[a:b]


CLOSING = {'"': '"', "“": "”", "«": "»", "„": "“"}


@given(raw_article, st.integers(0, 1000))
def test_quote_spans_lie_inside_their_paragraph_in_order(raw, offset):
    for line in normalize(raw).split("\n"):
        spans = quote_spans(line, offset)
        ends = [offset] + [x for span in spans for x in span] + [offset + len(line)]
        assert ends == sorted(ends)  # in order, not overlapping, inside the paragraph
        for q0, q1 in spans:
            opening = line[q0 - offset - 1]
            assert CLOSING[opening] not in line[q0 - offset : q1 - offset]  # closed by its first closing mark
            if q1 < offset + len(line):
                assert line[q1 - offset] == CLOSING[opening]
            else:  # open to the end of the paragraph, as a quote running on into the next one
                assert opening != '"'


@given(raw_article)
@example("The . . . ")  # found by hypothesis: pysbd gave overlapping pieces, so two sentences shared a "."
def test_sentences_map_onto_the_text_in_order_within_one_paragraph(raw):
    text = remove_boilerplate(raw).text
    spans = paragraphs(text)
    previous_end = 0
    for sentence in segment(text):
        assert sentence.text == text[sentence.start : sentence.end] != ""
        assert previous_end <= sentence.start < sentence.end
        previous_end = sentence.end
        p_start, p_end = spans[sentence.paragraph]
        assert p_start <= sentence.start and sentence.end <= p_end
        assert paragraph_at(text, sentence.start, sentence.end) == text[p_start:p_end]
        for q0, q1 in sentence.quotes:
            assert sentence.start <= q0 <= q1 <= p_end
            assert (q0, q1) in quote_spans(text[p_start:p_end], p_start)


# --- speakers ------------------------------------------------------------------------------------

# Letters of the alphabets names in our sources are written in: Latin with its accents, Greek, Cyrillic.
letter = st.characters(categories=["Lu", "Ll"], max_codepoint=0x052F)
name_word = st.builds(lambda a, b: a.upper() + b, letter, st.text(letter, min_size=1, max_size=9))
full_name = st.lists(name_word, min_size=2, max_size=3).map(" ".join)


# Letters a reader takes for an accented letter or a ligature, as claims.extract.speakers.fold promises.
SAME_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŧ": "t", "æ": "ae", "œ": "oe"}
)


def _reference_fold(word: str) -> str:
    """What a reader would call the same spelling: accents, ligatures and case set aside, nothing else."""
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c)
    )
    return stripped.casefold().translate(SAME_LETTERS)


@given(any_text)
def test_fold_is_idempotent_and_never_fails(text):
    assert fold(fold(text)) == fold(text)
    title_roles(text), person_name(text), organisation_name(text), same_person(text, text)


@given(full_name)
@example("AA Aı")  # dotless i was dropped, its capital I kept
@example("Gauß Œuvre")
def test_fold_ignores_case_accents_and_spacing_at_the_ends(name):
    assert fold(name.upper()) == fold(name.lower()) == fold(f"  {name} ")
    accented = unicodedata.normalize("NFC", "".join(c + "\u0301" if c.isalpha() else c for c in name))
    assert fold(accented) == fold(name)


@given(full_name)
@example("AA Ƀȴ")  # a name of letters fold dropped was found by no spelling
@example("AA Aß")
def test_a_known_person_is_found_again_by_any_casing_or_surname(name):
    book = SpeakerBook()
    canonical = book.resolve_person(name)
    assert canonical == name
    assert book.resolve_person(name) == canonical
    assert book.resolve_person(name.upper()) == canonical
    assert book.resolve_person(name.split()[-1]) == canonical
    assert list(book.people) == [canonical]


@given(full_name, full_name)
@example("Сергей Лавров", "Владимир Путин")  # both folded to "" and so were one speaker
@example("Łukasz Łój", "Łukasz Oj")  # "Łój" folded to "oj": a letter dropped, not its accent
@example("AA AŒA", "AA ŒA")
def test_people_with_different_surnames_stay_apart(a, b):
    from rapidfuzz import fuzz

    if fuzz.ratio(_reference_fold(a.split()[-1]), _reference_fold(b.split()[-1])) >= 85:
        return
    book = SpeakerBook()
    assert book.resolve_person(a) != book.resolve_person(b)
    assert len(book.people) == 2


@given(full_name)
def test_the_fuller_spelling_becomes_canonical(name):
    book = SpeakerBook()
    surname = name.split()[-1]
    assert book.resolve_person(surname) == surname
    assert book.resolve_person(name) == name
    assert book.resolve_person(surname) == name
    assert list(book.people) == [name]


@given(any_text)
def test_person_name_is_made_of_capitalised_words_of_the_phrase(phrase):
    name = person_name(phrase)
    if name is not None:
        words = name.split()
        assert 1 <= len(words) <= 3 and all(w[0].isupper() for w in words)
        assert all(w in phrase for w in words)


ORG_WORDS = [
    "the", "a", "Russian", "russian", "Russia's", "US", "U.S.", "foreign", "Foreign", "defence", "Defense",
    "ministry", "Ministry", "of", "Foreign Affairs", "Justice", "Transport", "transport", "Moscow", "Kremlin",
    "Taliban", "port", "office", "agency", "city", "council", "Ukraine", "Iran's", "Kabul", "Police",
    "authority", "Authority",
]  # fmt: skip
org_phrase = st.lists(st.sampled_from(ORG_WORDS), min_size=1, max_size=5).map(" ".join)


@given(org_phrase)
@example("the the ministry")  # "the" was taken for the kind of ministry: "The Ministry", then "Ministry"
@example("of the ministry")
def test_an_organisation_name_is_its_own_canonical_form(phrase):
    name = organisation_name(phrase)
    if name is not None:
        assert organisation_name(name) == name


def test_a_capitalised_authority_is_an_organisation():
    assert organisation_name("Transport Authority") == organisation_name("transport authority")
    assert person_name("the Port Authority") is None


# --- the CSV -------------------------------------------------------------------------------------

cell = st.one_of(
    st.none(), st.integers(), any_text, st.sampled_from(["=1+1", "+1", "-1", "@SUM(A1)", "\t=x"])
)
csv_rows = st.lists(st.fixed_dictionaries({column: cell for column in CSV_COLUMNS}), max_size=4)


@given(cell)
def test_neutralise_prefixes_exactly_the_formula_cells(value):
    text = "" if value is None else str(value)
    out = neutralise(value)
    if text.startswith(("=", "+", "-", "@", "\t", "\r")):
        assert out == "'" + text
    else:
        assert out == text
    assert neutralise(out) == out


@given(csv_rows)
def test_the_csv_reads_back_cell_for_cell(rows):
    data = write_csv(rows)
    assert data.startswith(b"\xef\xbb\xbf")
    want = [[neutralise(row[column]) for column in CSV_COLUMNS] for row in rows]

    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert read == [CSV_COLUMNS, *want]

    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == CSV_COLUMNS
    assert frame.values.tolist() == want
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for row in want for v in row)
