"""What people paste into a plain-text file besides the words: HTML markup and broken encodings.

A page saved "as text" by a browser extension, copied from a CMS or a feed often keeps some of
its HTML: a related-stories list as raw ``<a href=...>`` lines, ``<p>`` and ``<br>`` around the
paragraphs, ``&amp;`` and ``&#8217;`` for characters. Text that went through one wrong decoding
shows mojibake ("donâ€™t" for "don’t"). A reader sees through both; the extractor must too, or a
link line becomes a claim and "Ghaniâ€™s" a name nobody else spells.
"""

from __future__ import annotations

import html
import re

import ftfy

# A tag: a name straight after "<" (or "</"), so "x < 5" and "<3" in a sentence are left alone.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(\s[^<>]*)?/?>")
_BLOCK_END = re.compile(r"<br\s*/?>|</(p|div|li|h[1-6]|tr|blockquote|section|article)\s*>", re.IGNORECASE)
# Elements whose content is never article text.
_HIDDEN = re.compile(r"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_LINK = re.compile(r"<a\b[^>]*>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
# Only named or numbered references with their semicolon: "AT&T" and "R&D" stay as they are.
_ENTITY = re.compile(r"&(#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def has_markup(text: str) -> bool:
    return bool(_TAG.search(text) or _ENTITY.search(text) or _COMMENT.search(text))


def strip_markup(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``text`` without HTML tags, comments or entities, one paragraph a line as the tags had them.

    A line that is nothing but links (a related-stories list, a "Read more" box) is page furniture,
    not a paragraph whose words are a link: it is returned among the removed, with its reason.
    """
    if not has_markup(text):
        return text, []
    text = _COMMENT.sub("", _HIDDEN.sub("", text))
    text = _BLOCK_END.sub(lambda m: m.group(0) + "\n", text)
    kept: list[str] = []
    removed: list[tuple[str, str]] = []
    for line in text.split("\n"):
        words = _plain(line)
        links = _LINK.findall(line)
        if links and words and not _plain(_LINK.sub("", line)).strip(" |·•,;-–—"):
            removed.append((words, "link list"))
            continue
        kept.append(words)
    return "\n".join(kept), removed


def _plain(line: str) -> str:
    words = _TAG.sub(" ", line)
    words = _ENTITY.sub(lambda m: html.unescape(m.group(0)), words)
    return " ".join(words.split())


def repair_encoding(text: str) -> str:
    """Mojibake undone (ftfy's fix_encoding only: quotes, widths and ligatures are left as written)."""
    return ftfy.fix_encoding(text)
