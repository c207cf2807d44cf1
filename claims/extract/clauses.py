"""One sentence, two claims: a mention cut where a second statement with a subject of its own begins.

"The Fed has raised rates by 2 points this year, and it is expected to raise them again in
September" holds two things a fact-checker checks apart, and a mention holding both links to
neither re-report. The parse finds the joints: a verb conjoined to the main one with its own
subject after a comma ("..., and it is expected to ..."), and a semicolon between clauses.
Concessions ("..., although ...") and additions ("..., adding that ...") were tried and cost more
than they found (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import re

from claims.text.spans import MIN_WORDS

_SUBJECTS = {"nsubj", "nsubjpass", "expl"}
_VERBS = {"VERB", "AUX"}


def clause_spans(text: str, start: int, end: int, analysis) -> list[tuple[int, int]]:
    """``[start, end)`` of ``text`` cut at every joint both sides of which keep ``MIN_WORDS`` words."""
    if analysis is None:
        return [(start, end)]
    span = analysis.doc.char_span(start, end, alignment_mode="contract")
    if span is None:
        return [(start, end)]
    joints = []
    for token in span[1:]:
        joint = _joint(token)
        if joint and start < joint[0] <= joint[1] < end:
            joints.append(joint)
    pieces, begin = [], start
    for stop, resume in sorted(joints):
        if stop <= begin:
            continue
        if len(text[begin:stop].split()) >= MIN_WORDS and len(text[resume:end].split()) >= MIN_WORDS:
            pieces.append((begin, stop))
            begin = resume
    pieces.append((begin, end))
    return [_trimmed(text, a, b) for a, b in pieces]


def _joint(token) -> tuple[int, int] | None:
    """(where the first claim ends, where the second begins) at ``token``, or None."""
    doc = token.doc
    if token.text == ";":
        return token.idx, token.idx + 1
    if token.dep_ == "conj" and token.pos_ in _VERBS and token.head.pos_ in _VERBS and _own_subject(token):
        first = token.left_edge
        joiner = first.i - 1
        while joiner > token.head.i and doc[joiner].dep_ in {"cc", "punct"}:
            joiner -= 1
        if doc[joiner + 1].dep_ == "cc" or doc[joiner + 1].text in {",", ";"}:
            # ", and it is expected": only with a comma or semicolon before the conjunction
            if any(doc[k].text in {",", ";"} for k in range(joiner + 1, first.i)):
                return doc[joiner + 1].idx, first.idx
    return None


def _own_subject(verb) -> bool:
    return any(c.dep_ in _SUBJECTS for c in verb.children)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " ,;":
        start += 1
    lead = re.match(r"(?:and|but)\s+", text[start:end])  # "; and the Nasdaq fell ..."
    start += lead.end() if lead else 0
    while end > start and text[end - 1] in " ,;":
        end -= 1
    return start, end
