"""Sentences, paragraphs and quoted passages of a clean text, as spans into it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from claims.records import Sentence
from claims.text.lexicon import REPORTING_RE

# A bare reporting frame that a segmenter split off its quote: '“...” Zhirnov said.' One that opens a
# quote of its own ('Dahl said storms were "outside anyone's control".') is a sentence of its own.
_LONE_FRAME = re.compile(
    r"^(?:[A-Z][\w’'.-]*|he|she|they)(?:\s+[A-Z][\w’'.-]*){0,3}\s+(?:also\s+)?"
    + REPORTING_RE
    + r"\b[^.!?\"“]{0,40}[.!?]?$"
)
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


def parts(text: str, size: int) -> Iterator[tuple[int, str]]:
    """(offset, slice) of consecutive slices of ``text`` of at most ``size`` characters each.

    Slices end between paragraphs; a paragraph longer than ``size`` is cut after its last sentence
    that fits, else at a space.
    """
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = window.rfind("\n") + 1
        if cut == 0:
            ends = [m.end() for m in re.finditer(r"[.!?…][\"'”’)]*\s", window)]
            cut = ends[-1] if ends and ends[-1] > size // 2 else window.rfind(" ") + 1 or size
        yield start, text[start : start + cut]
        start += cut
    yield start, text[start:]


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
