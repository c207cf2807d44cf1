"""Boilerplate removal, sentence segmentation and quotation spans.

News pages wrap the article in appeals, newsletter boxes, comment forms,
share prompts and photo credits. We work paragraph by paragraph (one line of
text is one paragraph): a paragraph that reads as page furniture is dropped,
and an appeal box ("A Message from ...", "Dear readers,") is dropped together
with the reader-addressed paragraphs that follow it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from claims.lexicon import REPORTING_RE
from claims.records import Sentence

# One pattern per kind of page furniture; the name is reported as the reason.
_BOILERPLATE = {
    "donation appeal": r"(^support (us|the [\w ]+)!?$|\b(support us|your support|donat\w+|contribution|we need your help|"
    r"ad-free|disabled all ads|remind me later|not ready to support|fill the gap|payment methods|paiment methods)\b)",
    "newsletter box": r"\b(newsletter|sign up|subscribe\w*|in your (mail|in)box|email you|top stories)\b",
    "comment form": r"\b(enter your (comment|name|email)|leave a (comment|reply)|recaptcha|post comment)\b",
    "legal notice": r"\b(privacy policy|terms of (service|use)|all rights reserved|cookie\w*)\b",
    "share prompt": r"\b(share (this|on)|download our apps?|follow us|click here)\b",
    "read-more link": r"^(also,?\s*)?read( more|\s*\|)|^(related|recommended|see also)\b",
    "photo credit": r"(©|\(c\)\s|\bphoto:|\bAP Photo\b|\bflickr\b|\bCC BY|\bGetty Images\b|"
    r"\bPress Association Images\b|\bImage( credit)?:|\bPhoto(graph)? by\b)",
}
_BOILERPLATE_RES = {reason: re.compile(p, re.IGNORECASE) for reason, p in _BOILERPLATE.items()}
# A byline must see the capital letters of the name, so it is matched case-sensitively.
_BOILERPLATE_RES["byline"] = re.compile(r"^[Bb][Yy] [A-Z][\w.\-]+( [A-Z][\w.\-]+){0,3}(,| for | and |$)")

# A caption that ends with a bare agency credit: "... to discuss Afghanistan. TASS"
_AGENCY_CREDIT = re.compile(
    r"[.!?]\s+(TASS|AP|AFP|Reuters|EPA|RIA Novosti|Sputnik|Xinhua|Getty Images|Shutterstock)\s*$"
)
_APPEAL_OPENER = re.compile(r"^(a message from\b|dear (readers|reader|friends)\b)", re.IGNORECASE)
_READER_ADDRESSED = re.compile(r"\b(we|our|us|you|your)\b", re.IGNORECASE)
# A bare reporting frame that a segmenter split off its quote: '“...” Zhirnov said.' One that opens a
# quote of its own ('Dahl said storms were "outside anyone's control".') is a sentence of its own.
_LONE_FRAME = re.compile(
    r"^(?:[A-Z][\w’'.-]*|he|she|they)(?:\s+[A-Z][\w’'.-]*){0,3}\s+(?:also\s+)?"
    + REPORTING_RE
    + r"\b[^.!?\"“]{0,40}[.!?]?$"
)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*$|[\"”]$")


# C0 and C1 control characters but tab and newline: never article text, and a terminal that
# prints them (search output, the CSV opened in a console) would obey them as escape codes.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def normalize(raw: str) -> str:
    """Unicode NFC, one kind of newline, no non-breaking or zero-width spaces, no control characters."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    text = _CONTROL.sub("", text)
    # NFC last: a character removed above may have stood between a letter and its accent ("A\x1f\u0300").
    return unicodedata.normalize("NFC", "\n".join(line.strip() for line in text.split("\n")))


def boilerplate_reason(paragraph: str) -> str | None:
    """Why ``paragraph`` is page furniture rather than article text, or None."""
    text = paragraph.strip()
    if not text:
        return "empty"
    if len(text) <= 2 or not re.search(r"[A-Za-z]", text):
        return "decoration"
    for reason, pattern in _BOILERPLATE_RES.items():
        if pattern.search(text):
            return reason
    if _AGENCY_CREDIT.search(text):
        return "photo credit"
    return None


def is_heading(paragraph: str) -> bool:
    """A title, subhead or button label: no sentence ending, or every word capitalised."""
    text = paragraph.strip()
    words = text.split()
    if not words:
        return False
    if not _SENTENCE_END.search(text):
        return len(words) <= 25
    capitalised = sum(1 for w in words if w[:1].isupper())
    return len(words) >= 3 and capitalised == len(words) and not text.endswith(".")


@dataclass
class Cleaned:
    text: str
    removed: list[tuple[str, str]]  # (paragraph, reason)


def remove_boilerplate(raw: str) -> Cleaned:
    """Drop page furniture; kept paragraphs are joined by blank lines."""
    kept: list[str] = []
    removed: list[tuple[str, str]] = []
    in_appeal = False
    for paragraph in normalize(raw).split("\n"):
        if not paragraph:
            continue
        if _APPEAL_OPENER.search(paragraph):
            in_appeal = True
        if in_appeal:
            # An appeal box runs on while it keeps talking to the reader or is a button label.
            if _APPEAL_OPENER.search(paragraph) or _READER_ADDRESSED.search(paragraph) or len(paragraph) < 40:
                removed.append((paragraph, "donation appeal"))
                continue
            in_appeal = False
        reason = boilerplate_reason(paragraph)
        if reason:
            removed.append((paragraph, reason))
            continue
        if kept and paragraph == kept[-1]:
            continue
        kept.append(paragraph)
    return Cleaned(text="\n\n".join(kept), removed=removed)


_OPENING = {'"': '"', "“": "”", "«": "»", "„": "“"}


def quote_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Spans (absolute, inner text only) of double-quoted passages in one paragraph.

    An opening mark left unclosed runs to the end of the paragraph, as news
    style does for a quote that continues in the next paragraph.
    """
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _OPENING:
            close = _OPENING[ch]
            j = text.find(close, i + 1)
            if ch == '"' and j == -1:
                i += 1
                continue
            end = j if j != -1 else len(text)
            spans.append((offset + i + 1, offset + end))
            i = end + 1
        else:
            i += 1
    return spans


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line of a clean text."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        if match.group().strip():
            spans.append((match.start(), match.end()))
    return spans


def paragraph_at(text: str, start: int, end: int) -> str:
    """The paragraph (line) of a clean text holding ``text[start:end]``."""
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    return text[left : len(text) if right == -1 else right]


def segment(text: str) -> list[Sentence]:
    """Sentences of a clean text, each with the quotation spans inside it.

    pysbd finds the sentence boundaries; sentences that fall inside one
    quotation are merged so that a multi-sentence quote stays one unit.
    """
    units: list[Sentence] = []
    for number, (p_start, p_end) in enumerate(paragraphs(text)):
        paragraph = text[p_start:p_end]
        quotes = quote_spans(paragraph, p_start)
        spans: list[list[int]] = []
        covered = p_start  # pysbd can give a piece that overlaps the one before ("The . . ."): cut it there
        for piece in _segmenter().segment(paragraph):
            start = max(p_start + piece.start, covered)
            end = p_start + piece.start + len(piece.sent.rstrip())
            while start < end and text[start].isspace():
                start += 1
            if end <= start:
                continue
            covered = end
            inside_open_quote = any(q0 < start < q1 for q0, q1 in quotes)
            lone_frame = _LONE_FRAME.match(text[start:end])
            # A lone frame belongs to the quote just before it; after a plain sentence, "She said 40 beds
            # would be added." is a sentence of its own.
            after_quote = bool(spans) and re.search(r"[\"”’][.,!?]?\s*$", text[spans[-1][0] : spans[-1][1]])
            if spans and (inside_open_quote or (lone_frame and after_quote)):
                spans[-1][1] = end
            else:
                spans.append([start, end])
        for start, end in spans:
            inner = [(q0, q1) for q0, q1 in quotes if q0 >= start and q1 <= end + 1]
            units.append(Sentence(start=start, end=end, text=text[start:end], paragraph=number, quotes=inner))
    return units
