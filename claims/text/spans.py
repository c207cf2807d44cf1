"""Where statements begin and end inside the units of an article.

A unit may hold two statements ("..., but the ministry said ..."), a quote that is a
whole statement or only words quoted by the outlet, and a reported clause that holds
two claims ("... that A and that B"). These functions cut those spans out.
"""

from __future__ import annotations

import re

from claims.records import Attribution, Sentence
from claims.text.lexicon import REPORTING

MIN_WORDS = 5
MIN_QUOTE_WORDS = 5
_FRAME_AFTER = re.compile(r"^[\s,.;:—–-]*(?:[^.!?]{0,80}?)\b" + REPORTING.pattern + r"|^[\s,.;:!?]*$")
_FRAME_BEFORE = re.compile(REPORTING.pattern + r"(?:\s+that)?[\s,:]*$|:\s*$")
_SPLIT = re.compile(r",\s+but\s+|\s+[—–]\s+but\s+|;\s+")
_AND_THAT = re.compile(r",?\s+and\s+(?:" + REPORTING.pattern + r"\s+)?that\s+", re.IGNORECASE)


def statement_quotes(unit: Sentence) -> list[tuple[int, int]]:
    """Quotes in ``unit`` that are whole statements, not words quoted inside the outlet's sentence."""
    found = []
    for q0, q1 in unit.quotes:
        inner = unit.text[q0 - unit.start : q1 - unit.start]
        if len(inner.split()) < MIN_QUOTE_WORDS:
            continue
        before = unit.text[: max(q0 - unit.start - 1, 0)]
        after = unit.text[q1 - unit.start + 1 :]
        opens_unit = not before.strip()
        if (opens_unit and _FRAME_AFTER.match(after)) or (
            _FRAME_BEFORE.search(before) and _FRAME_AFTER.match(after)
        ):
            found.append((q0, q1))
    return found


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span past surrounding spaces and the comma a quote ends with."""
    while start < end and text[start] in " \t\n":
        start += 1
    while end > start and text[end - 1] in " \t\n,;:":
        end -= 1
    return start, end


def split_units(units: list[Sentence]) -> list[Sentence]:
    """Units cut where a second statement with its own reporting verb begins ("..., but the ministry said ...")."""
    out = []
    for unit in units:
        cuts = [m for m in _SPLIT.finditer(unit.text) if not inside(unit, unit.start + m.start())]
        begin = 0
        for cut in cuts:
            head, tail = unit.text[begin : cut.start()], unit.text[cut.end() :]
            if (
                len(head.split()) < MIN_WORDS
                or len(tail.split()) < MIN_WORDS
                or not REPORTING.search(tail.split(",")[0] + " " + tail[:80])
            ):
                continue
            out.append(_part(unit, begin, cut.start()))
            # The tail keeps its "but": "but rejected that ..." reads as the same speaker going on.
            but = cut.group().rfind("but")
            begin = cut.start() + but if but != -1 else cut.end()
        out.append(_part(unit, begin, len(unit.text)))
    return out


def inside(unit: Sentence, offset: int) -> bool:
    return any(q0 <= offset < q1 for q0, q1 in unit.quotes)


def _part(unit: Sentence, begin: int, end: int) -> Sentence:
    start = unit.start + begin
    text = unit.text[begin:end]
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    start += lead
    return Sentence(
        start,
        start + len(text),
        text,
        unit.paragraph,
        [(a, b) for a, b in unit.quotes if a >= start and b <= start + len(text) + 1],
    )


def statement_spans(
    text: str, unit: Sentence, s0: int, s1: int, who: Attribution
) -> list[tuple[int, int, Attribution]]:
    """A reported statement, cut in two at "and that" when it holds two claims."""
    start, end = unit.start + s0, unit.start + s1
    for joint in _AND_THAT.finditer(text, start, end):
        if inside(unit, joint.start()):
            continue
        if len(text[start : joint.start()].split()) >= 4 and len(text[joint.end() : end].split()) >= 4:
            return [(*trim(text, start, joint.start()), who), (*trim(text, joint.end(), end), who)]
    return [(*trim(text, start, end), who)]


# What opens a concession: a clause ("Although the committee does not vote, ...") or, fronted
# before a reporting frame, a phrase too ("Despite four rate hikes, Powell said ...").
_CONCEDING = r"although|though|even\s+though"
# The concession runs to the comma that ends it ("40,000" is one number, not two clauses).
_TO_COMMA = r"\s+((?:[^,]|,(?=\d)){8,}?),\s+"
FRONTED_CONCESSION = re.compile(
    r"(?:" + _CONCEDING + r"|despite|in\s+spite\s+of|even\s+with|whereas)" + _TO_COMMA, re.IGNORECASE
)
_CONCESSION_BEFORE = re.compile(r"(?:" + _CONCEDING + r")" + _TO_COMMA, re.IGNORECASE)
_CONCESSION_AFTER = re.compile(r",\s+(?:" + _CONCEDING + r"|whereas)\s+", re.IGNORECASE)


def concession_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A span cut in two at a concession: "There is a clear risk of further spread, although the
    risk to international traffic remains low" and "Although the committee does not vote formally,
    a survey showed nine against" each state two things a fact-checker checks apart. Each part
    keeps at least MIN_WORDS words, or the span stays whole."""
    lead = _CONCESSION_BEFORE.match(text, start, end)
    joint = _CONCESSION_AFTER.search(text, start, end)
    cuts = ([(lead.start(1), lead.end(1), lead.end())] if lead else []) + (
        [(start, joint.start(), joint.end())] if joint else []
    )
    for first_start, first_end, rest_start in cuts:
        first, rest = trim(text, first_start, first_end), trim(text, rest_start, end)
        if all(len(text[a:b].split()) >= MIN_WORDS for a, b in (first, rest)):
            return [first, rest]
    return [(start, end)]
