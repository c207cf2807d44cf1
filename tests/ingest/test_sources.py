"""Reading a document: a pasted article's header block is its metadata, not its text."""

from __future__ import annotations

import re
from datetime import date

import pytest

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


PASTED_WITH_MARKUP = """Title: Ferry traffic doubles after the bridge closure
Source: Valdora Herald
Date: 2024-03-05

Ferry traffic doubles after the bridge closure
<p>Ferry crossings doubled in March, Transport Minister Elena Markovic said on Tuesday, as the minister&#8217;s office put waiting times at &lt;10 minutes.</p>
<a href="https://example.org/strike">Dock workers plan a strike</a> | <a href="https://example.org/fares">Fares frozen until May</a>
<p>The opposition said fewer than 5 &amp; no more than 7 sailings a day ran when the ministry said x < 10.</p><br>
<p>AT&T and R&D keep their ampersands, and <b>bold</b> words keep their place.</p>
"""


def test_html_pasted_into_a_text_file_is_read_as_a_reader_sees_it():
    article = from_text(PASTED_WITH_MARKUP, document="pasted.txt")
    assert not re.search(r"</?[a-z]+[ >]", article.text) and "&#" not in article.text
    assert "the ministry said x < 10." in article.text  # a "<" that opens no tag is text
    assert "minister’s office put waiting times at <10 minutes." in article.text
    assert "fewer than 5 & no more than 7 sailings" in article.text
    assert "AT&T and R&D keep their ampersands, and bold words keep their place." in article.text
    # The line of links is the page's list of other stories, not a paragraph of this one.
    assert "Dock workers plan a strike" not in article.text
    assert ("Dock workers plan a strike | Fares frozen until May", "link list") in article.removed
    # The headline printed again above the text is the header's title, not the first paragraph.
    assert article.text.startswith("Ferry crossings doubled in March")
    assert ("Ferry traffic doubles after the bridge closure", "headline repeat") in article.removed


def test_mojibake_is_repaired_before_names_are_read():
    broken = "Minister Elena Markovi\u00c4\u2021 said the ferries don\u00e2\u20ac\u2122t run at night."
    article = from_text(broken, document="pasted.txt")
    assert article.text == "Minister Elena Marković said the ferries don’t run at night."


FURNITURE = [
    "Copyright 2022 Harbour Gazette. To see more, visit https://example.org.",
    "This is a developing story. Please check back for updates.",
    "Your email address will not be published.",
    "Harbour Wire | Updated: 23-07-2024 20:29 IST | Created: 23-07-2024 20:26 IST",
    "By | July 24, 2024",
    "Ferry fares to rise in May as fuel costs climb | Dock workers plan a strike, union says",
    "Representative image",
    "toggle caption Ana Ruiz/Getty Images",
    "Passengers queue at the Sorrel terminal. REUTERS/Ana Ruiz",
    "An electron micrograph of the virus particles. NIAID",
]
NEWS = [
    "The copyright dispute over the ferry company's logo reached the Supreme Court on Monday, lawyers said.",
    "Updated figures on 5 March showed the ministry had cut sailings by a third.",
    "Photo evidence from the terminal showed queues of more than 300 cars, the union said.",
    "Markovic said the fares would rise by 5% | a figure the opposition disputes, calling it 12%.",
]


@pytest.mark.parametrize("line", FURNITURE)
def test_page_furniture_of_news_sites_is_dropped(line):
    article = from_text(
        f"{line}\n\nFerry crossings doubled in March, the minister said on Tuesday.", document="x.txt"
    )
    assert line not in article.text and article.text.startswith("Ferry crossings doubled")


@pytest.mark.parametrize("line", NEWS)
def test_news_that_uses_furniture_words_stays(line):
    assert line in from_text(f"{line}\n\nFerry crossings doubled in March.", document="x.txt").text


def test_a_filing_stamp_leaves_the_text_but_gives_the_date():
    article = from_text(
        "Ferries carry twice as many passengers, says minister\n\nPublished March 4, 2026\n\n"
        "Ferry crossings doubled in March, the minister said on Tuesday.",
        document="x.txt",
    )
    assert "Published" not in article.text and article.published == date(2026, 3, 4)
