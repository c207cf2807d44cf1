"""Words and punctuation marks of a wording, each with the space before it, folded for comparison."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+(?:[’'.,-]\w+)*|[^\w\s]")


_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "–": "-", "—": "-"})


@dataclass(frozen=True)
class Token:
    text: str
    space: str  # the whitespace before it in the original wording

    @property
    def folded(self) -> str:
        return self.text.translate(_FOLD).lower()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum() or self.text[0] == "_"


def tokens(text: str) -> list[Token]:
    """Words (with inner apostrophes, hyphens, decimal points) and punctuation marks, each with the space before it."""
    out, last = [], 0
    for match in _TOKEN.finditer(text):
        out.append(Token(match.group(), text[last : match.start()]))
        last = match.end()
    return out
