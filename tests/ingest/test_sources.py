"""Reading a document: a pasted article's header block is its metadata, not its text."""

from __future__ import annotations

from datetime import date

from claims.ingest.sources import from_text, read_header

PASTED = """Title: Ferry traffic doubles after the bridge closure
Source: Valdora Herald
URL: https://example.org/ferries
Date: 2024-03-05 (from URL)

Ferry crossings doubled in March, Transport Minister Elena Markovic said on Tuesday.
"""


def test_a_header_block_becomes_title_outlet_and_date_and_leaves_the_text():
    article = from_text(PASTED, document="pasted.txt")
    assert article.title == "Ferry traffic doubles after the bridge closure"
    assert article.outlet == "Valdora Herald"
    assert article.published == date(2024, 3, 5)
    assert article.text.startswith("Ferry crossings doubled") and "Source:" not in article.text


def test_an_article_that_opens_with_a_colon_keeps_its_first_line():
    text = "Moscow: officials said the talks would resume.\n\nThe ministry confirmed it on Monday."
    assert read_header(text) == ({}, text)
    one_field = "Title: A headline alone\n\nBody text follows here."
    assert read_header(one_field) == ({}, one_field)  # one field is no header block
    unknown = "Title: Talks\nMood: tense\n\nBody."
    assert read_header(unknown) == ({}, unknown)  # every line must be a known field


def test_a_header_without_a_date_leaves_the_date_to_the_text():
    fields, rest = read_header(
        "Title: Talks resume\nSource: Kubha News\n\nOn 5 March 2024 the talks resumed."
    )
    assert fields == {"title": "Talks resume", "outlet": "Kubha News"} and rest.startswith("On 5 March")
