"""Pure helpers that turn stored text into safe HTML for the pages (no streamlit here)."""

from __future__ import annotations

import re
from html import escape

# A paragraph longer than this is cut to a window around the claim.
MAX_CONTEXT = 900


def paragraph_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph (line) of ``text`` holding ``text[start:end]``, clamped to ``MAX_CONTEXT``."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right == -1 else right
    room = max(0, MAX_CONTEXT - (end - start)) // 2
    return max(left, start - room), min(right, end + room)


def highlighted_context(text: str, start: int, end: int) -> str:
    """The paragraph around a mention as HTML, the claim itself in ``<mark>``; all text escaped."""
    left, right = paragraph_bounds(text, start, end)
    start = max(left, min(start, right))
    end = max(start, min(end, right))
    before = ("…" if left > 0 and text[left - 1] != "\n" else "") + text[left:start]
    after = text[end:right] + ("…" if right < len(text) and text[right] != "\n" else "")
    return f"<p>{escape(before)}<mark>{escape(text[start:end])}</mark>{escape(after)}</p>"


def highlighted_text(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` as HTML with the ``[start, end)`` spans (matched words) in ``<mark>``; all text escaped."""
    out, position = [], 0
    for start, end in sorted(spans):
        start, end = max(start, position), min(end, len(text))
        if start >= end:
            continue
        out.append(escape(text[position:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    out.append(escape(text[position:]))
    return "".join(out)


# Brackets make links and images (``![x](http://…)``, fetched by every viewer's browser), angle
# brackets autolinks; escaping them and the escape sign itself is enough to show either as typed.
_MARKDOWN = re.compile(r"([\\\[\]<>])")


def plain(text: str) -> str:
    """``text`` with the Markdown signs of links and images escaped, for messages that quote
    untrusted text: what an article wrote shows as the characters it is, and nothing is fetched."""
    return _MARKDOWN.sub(r"\\\1", text)
