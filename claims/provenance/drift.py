"""Quote drift: how a claim's wording moves from one mention to the next.

:func:`word_diff` lines two wordings up word by word (difflib over tokens,
case and quote marks folded), and :func:`drift_flags` names the changes that
can change the meaning: a number changed, added or dropped ("seven" and
"seventeen" count as numbers), a qualifier dropped or added ("nearly",
"reportedly", "may" ...), a negation gained or lost, a direct quote turned
into paraphrase, a quote whose words changed, names added or dropped, another
speaker named. Pure functions over strings; no database, no model.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from claims.text.lexicon import negates
from claims.text.numbers import numbers
from claims.text.tokens import Token, tokens
from db.models import AttributionKind

EQUAL, INSERT, DELETE = "equal", "insert", "delete"

# Flag kinds, as shown on the badges.
NUMBER_CHANGED = "number changed"
NUMBER_ADDED = "number added"
NUMBER_DROPPED = "number dropped"
QUALIFIER_DROPPED = "qualifier dropped"
QUALIFIER_ADDED = "qualifier added"
NEGATION_FLIPPED = "negation flipped"
QUOTE_TO_PARAPHRASE = "quote became paraphrase"
PARAPHRASE_TO_QUOTE = "paraphrase became quote"
ATTRIBUTION_CHANGED = "attribution changed"
QUOTE_ALTERED = "quoted words changed"
NAMES_ADDED = "names added"
NAMES_DROPPED = "names dropped"
SPEAKER_CHANGED = "different speaker"


# Hedges and limiters whose loss or gain changes how strong a claim is.
# Negations ("not", "never") are handled apart, as NEGATION_FLIPPED.
QUALIFIERS = (
    "almost",
    "about",
    "nearly",
    "only",
    "some",
    "most",
    "reportedly",
    "allegedly",
    "may",
    "might",
    "could",
    "approximately",
    "around",
    "roughly",
    "just",
    "possibly",
    "probably",
    "likely",
    "apparently",
    "partly",
    "at least",
    "more than",
    "less than",
    "fewer than",
    "up to",
)
# Qualifiers that hedge only a number: "talks about Afghanistan" is no hedge.
_BEFORE_NUMBERS_ONLY = {"about", "around"}


_POSSESSIVE = re.compile(r"['’]s$")
# Function words that start a sentence capitalised without being a name.
_NOT_NAMES = {
    "the",
    "a",
    "an",
    "that",
    "this",
    "these",
    "those",
    "it",
    "its",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "there",
    "and",
    "but",
    "or",
    "in",
    "on",
    "at",
    "of",
    "for",
    "to",
    "by",
    "with",
    "as",
    "if",
    "when",
    "while",
    "after",
    "before",
    "his",
    "her",
    "their",
    "our",
    "my",
    "your",
    "is",
    "was",
    "be",
}


@dataclass(frozen=True)
class DiffOp:
    """A run of words the two wordings share (equal), or that only the later (insert) or the base (delete) has."""

    tag: str
    text: str
    space: str = ""  # whitespace before the run, kept outside any mark-up


@dataclass(frozen=True)
class Flag:
    kind: str
    detail: str


@dataclass
class Drift:
    """One later wording against the base: the word diff, its meaning flags and how much wording is shared."""

    ops: list[DiffOp]
    flags: list[Flag] = field(default_factory=list)
    similarity: float = 1.0  # share of words in common, 0..1

    @property
    def changed(self) -> bool:
        return any(op.tag != EQUAL for op in self.ops)

    def inserted(self) -> list[str]:
        return [op.text for op in self.ops if op.tag == INSERT]

    def deleted(self) -> list[str]:
        return [op.text for op in self.ops if op.tag == DELETE]


def _op(tag: str, toks: list[Token]) -> DiffOp:
    return DiffOp(tag, toks[0].text + "".join(t.space + t.text for t in toks[1:]), toks[0].space)


def word_diff(base: str, other: str) -> list[DiffOp]:
    """The word-level edit from ``base`` to ``other``: equal, delete and insert runs in reading order.

    A replaced run comes out as its deletion followed by its insertion. Case and the
    shape of quote marks and dashes are ignored when matching; the text shown is as written.
    A lone function word ("is", "the") matched between two changes is folded into them,
    so a rewritten passage reads as one deletion and one insertion; a change of
    punctuation alone is shown as the later wording, unmarked.

    Example:
        >>> [(op.tag, op.text) for op in word_diff("seven years", "seventeen years")]
        [('delete', 'seven'), ('insert', 'seventeen'), ('equal', 'years')]
    """
    a, b = tokens(base), tokens(other)
    matcher = SequenceMatcher(None, [t.folded for t in a], [t.folded for t in b], autojunk=False)
    # (equal tokens of b) or (deleted tokens of a, inserted tokens of b)
    runs: list[tuple[str, list[Token], list[Token]]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        runs.append((EQUAL, a[i1:i2], b[j1:j2]) if tag == "equal" else ("change", a[i1:i2], b[j1:j2]))
    for k in range(1, len(runs) - 1):
        tag, old, new = runs[k]
        if (
            tag == EQUAL
            and runs[k - 1][0] == runs[k + 1][0] == "change"
            and len(new) == 1
            and new[0].folded in _NOT_NAMES
        ):
            runs[k] = ("change", old, new)
    merged: list[tuple[str, list[Token], list[Token]]] = []
    for tag, old, new in runs:
        if merged and tag == "change" and merged[-1][0] == "change":
            merged[-1][1].extend(old)
            merged[-1][2].extend(new)
        else:
            merged.append((tag, list(old), list(new)))
    ops: list[DiffOp] = []
    for tag, old, new in merged:
        if tag == EQUAL or not any(t.is_word for t in old + new):  # punctuation alone is no change of wording
            if new:
                op = _op(EQUAL, new)
                if ops and ops[-1].tag == EQUAL:
                    op = DiffOp(EQUAL, ops[-1].text + op.space + op.text, ops.pop().space)
                ops.append(op)
            continue
        if old:
            ops.append(_op(DELETE, old))
        if new:
            ops.append(_op(INSERT, new))
    return ops


def similarity(base: str, other: str) -> float:
    """Share of words the two wordings have in common, in order (0..1), punctuation and case ignored."""
    a = [t.folded for t in tokens(base) if t.is_word]
    b = [t.folded for t in tokens(other) if t.is_word]
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _show(value: float) -> str:
    if value == int(value):
        return str(int(value)) if value < 10_000 else f"{value:,.0f}"
    return f"{value:,}"


def _count_phrase(words: list[str], phrase: str) -> int:
    """How often ``phrase`` occurs in ``words``; "about" and "around" count only before a number ("about 40")."""
    parts = phrase.split()
    n = len(parts)
    count = 0
    for i in range(len(words) - n + 1):
        if words[i : i + n] != parts:
            continue
        if phrase in _BEFORE_NUMBERS_ONLY and not (i + n < len(words) and numbers(words[i + n])):
            continue
        count += 1
    return count


def _names(text: str) -> Counter:
    """Capitalised words inside sentences (possessive 's dropped): the names and titles a wording carries.

    A sentence's first word is skipped, and so is a title-cased text (a headline) as a whole.
    """
    out: Counter = Counter()
    toks = tokens(text)
    words = [t for t in toks if t.is_word]
    if words and sum(t.text[0].isupper() for t in words) > 0.6 * len(words) and len(words) > 3:
        return out
    opening = True
    for token in toks:
        if not token.is_word:
            opening = opening or token.text in ".!?\"“‘':"
            continue
        if not opening and token.text[0].isupper() and token.folded not in _NOT_NAMES:
            out[_POSSESSIVE.sub("", token.folded)] += 1
        opening = False
    return out


def drift_flags(
    base: str,
    other: str,
    *,
    base_kind: str | None = None,
    other_kind: str | None = None,
    base_speaker: str | None = None,
    other_speaker: str | None = None,
) -> list[Flag]:
    """The changes from ``base`` to ``other`` that may change what the claim says.

    ``*_kind`` are attribution kinds ("direct quote", "reported speech", "outlet's own");
    ``*_speaker`` the canonical speaker names. Either may be left out.

    Example:
        >>> [f.kind for f in drift_flags("for seven years", "for seventeen years")]
        ['number changed']
    """
    flags: list[Flag] = []
    before, after = Counter(numbers(base)), Counter(numbers(other))
    lost, gained = sorted((before - after).elements()), sorted((after - before).elements())
    if lost and gained:
        flags.append(Flag(NUMBER_CHANGED, f"{', '.join(map(_show, lost))} → {', '.join(map(_show, gained))}"))
    elif gained:
        flags.append(Flag(NUMBER_ADDED, ", ".join(map(_show, gained))))
    elif lost:
        flags.append(Flag(NUMBER_DROPPED, ", ".join(map(_show, lost))))

    a_words = [t.folded for t in tokens(base) if t.is_word]
    b_words = [t.folded for t in tokens(other) if t.is_word]
    dropped = [q for q in QUALIFIERS if _count_phrase(a_words, q) > _count_phrase(b_words, q)]
    added = [q for q in QUALIFIERS if _count_phrase(b_words, q) > _count_phrase(a_words, q)]
    if dropped:
        flags.append(Flag(QUALIFIER_DROPPED, ", ".join(dropped)))
    if added:
        flags.append(Flag(QUALIFIER_ADDED, ", ".join(added)))

    def negations(words: list[str]) -> list[str]:
        return [w for w in words if negates(w)]

    neg_a, neg_b = negations(a_words), negations(b_words)
    if bool(neg_a) != bool(neg_b):
        flags.append(
            Flag(
                NEGATION_FLIPPED, f"“{', '.join(neg_a)}” dropped" if neg_a else f"“{', '.join(neg_b)}” added"
            )
        )

    if base_kind and other_kind and base_kind != other_kind:
        if base_kind == AttributionKind.direct_quote:
            flags.append(Flag(QUOTE_TO_PARAPHRASE, f"quoted first, {other_kind} here"))
        elif other_kind == AttributionKind.direct_quote:
            flags.append(Flag(PARAPHRASE_TO_QUOTE, f"{base_kind} first, quoted here"))
        else:
            flags.append(Flag(ATTRIBUTION_CHANGED, f"{base_kind} → {other_kind}"))
    if (
        base_kind == AttributionKind.direct_quote
        and other_kind == AttributionKind.direct_quote
        and a_words != b_words
    ):
        flags.append(Flag(QUOTE_ALTERED, "the same quote with different words"))

    names_a, names_b = _names(base), _names(other)
    shown = {_POSSESSIVE.sub("", t.folded): _POSSESSIVE.sub("", t.text) for t in tokens(base) + tokens(other)}
    new_names = [shown[n] for n in names_b if n not in names_a and n not in a_words]
    gone_names = [shown[n] for n in names_a if n not in names_b and n not in b_words]
    if new_names:
        flags.append(Flag(NAMES_ADDED, ", ".join(new_names)))
    if gone_names:
        flags.append(Flag(NAMES_DROPPED, ", ".join(gone_names)))

    if base_speaker != other_speaker and (base_speaker or other_speaker):
        flags.append(
            Flag(SPEAKER_CHANGED, f"{base_speaker or 'no speaker'} → {other_speaker or 'no speaker'}")
        )
    return flags


def compare(base: str, other: str, **who: str | None) -> Drift:
    """:func:`word_diff`, :func:`drift_flags` and :func:`similarity` of one later wording against the
    base; ``who`` takes :func:`drift_flags`'s keywords (``base_kind``, ``other_speaker``...)."""
    return Drift(word_diff(base, other), drift_flags(base, other, **who), similarity(base, other))
