"""The one number parser: every number a text states, in digits or in words, and its digit runs as written."""

from __future__ import annotations

import re

from claims.text.tokens import tokens

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}


_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}


_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 10**12,
}


# Words that state a multiple: "doubled" against "tripled" is a changed number.
_MULTIPLES = {
    "double": 2,
    "doubled": 2,
    "doubles": 2,
    "twice": 2,
    "triple": 3,
    "tripled": 3,
    "triples": 3,
    "thrice": 3,
    "quadrupled": 4,
    "half": 0.5,
    "halved": 0.5,
}


_DIGITS = re.compile(r"^\d+(?:,\d{3})*(?:\.\d+)?$")


def numbers(text: str) -> list[float]:
    """Every number the text states, in digits or in words: "seventeen years" -> [17], "1.2 million" -> [1200000]."""
    found: list[float] = []
    total, current, in_number = 0.0, 0.0, False

    def close() -> None:
        nonlocal total, current, in_number
        if in_number:
            found.append(total + current)
        total, current, in_number = 0.0, 0.0, False

    for token in tokens(text):
        word = token.folded
        parts = (
            word.split("-")
            if "-" in word and all(p in _UNITS or p in _TENS for p in word.split("-"))
            else [word]
        )
        for part in parts:
            if _DIGITS.match(part):
                if in_number and current:
                    close()
                current += float(part.replace(",", ""))
                in_number = True
            elif part in _UNITS or part in _TENS:
                current += _UNITS.get(part, _TENS.get(part, 0))
                in_number = True
            elif part in _SCALES and in_number:
                scale = _SCALES[part]
                if scale == 100:
                    current *= scale
                else:
                    total += (current or 1) * scale
                    current = 0.0
            elif part == "and" and in_number:
                continue
            else:
                close()
                if part in _MULTIPLES:
                    found.append(float(_MULTIPLES[part]))
        if not token.is_word:
            close()
    close()
    return found


_DIGIT_RUN = re.compile(r"\d+(?:[.,]\d+)*")


def digit_strings(text: str) -> set[str]:
    """The runs of digits ``text`` writes, thousands commas dropped: "1,200 and 3.5" -> {"1200", "3.5"}.

    What the fact-check ranker's number features compare (it was fitted on these, not on values).
    """
    return {n.replace(",", "") for n in _DIGIT_RUN.findall(text)}


def counted_words(text: str) -> dict[str, set[float]]:
    """The word right after each number: "three against and 11 for" -> {"against": {3}, "for": {11}}."""
    words = [t for t in tokens(text) if t.is_word]
    out: dict[str, set[float]] = {}
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and numbers(words[j].text):
            j += 1
        if j > i and j < len(words):
            value = numbers(" ".join(t.text for t in words[i:j]))
            if len(value) == 1:
                out.setdefault(words[j].folded, set()).add(value[0])
        i = max(j, i + 1)
    return out
