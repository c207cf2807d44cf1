"""What a search query says: the speaker it names (typo-tolerant) and the statement it looks for without its frame."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from sqlmodel import Session

from claims.extract.speakers import acronym, fold, initials
from claims.text.lexicon import ROLE_NOUNS, SAYING, STOP_WORDS
from db import crud
from db.models import SpeakerKind

SPEAKER_CUTOFF = 80  # rapidfuzz similarity (0-100) a spelling needs to count as the speaker typed


def resolve_speakers(session: Session, name: str, *, cutoff: float = SPEAKER_CUTOFF) -> list[tuple[int, str]]:
    """The speakers a typed name most likely means, as (id, canonical name).

    Folded text is compared (rapidfuzz) with every name and alias, each word
    of four letters or more in them, and (a little lower) any part of them,
    so "Zhirnof", "sergey lavrov", "Lavrov" and "foreign ministry" find their
    speaker. The
    speakers scoring within 2 points of the best (and at least ``cutoff``)
    are returned; none when nothing comes close.
    """
    wanted = fold(name or "")
    if not wanted:
        return []
    spellings = crud.speaker_spellings(session)
    scores: dict[int, float] = {}
    for speaker_id, spelling in spellings:
        folded = fold(spelling)
        # The whole spelling, and each longer word of it, so a misspelt surname alone finds its speaker.
        score = max(
            fuzz.ratio(wanted, word) for word in {folded, *(w for w in folded.split() if len(w) >= 4)}
        )
        if len(wanted) >= 4:  # part of a longer name ("foreign ministry"), a little below a whole match
            score = max(score, 0.95 * fuzz.partial_ratio(wanted, folded))
        if score >= cutoff and score > scores.get(speaker_id, 0):
            scores[speaker_id] = score
    if not scores:
        return []
    best = max(scores.values())
    names: dict[int, str] = {}
    for speaker_id, spelling in spellings:
        names.setdefault(speaker_id, spelling)  # the canonical name comes first for each speaker
    return sorted(
        ((sid, names[sid]) for sid, score in scores.items() if score >= best - 2),
        key=lambda pair: (-scores[pair[0]], pair[1]),
    )


@dataclass(frozen=True)
class _Known:
    """A stored speaker as a query is matched against it: folded spellings, titles, surnames."""

    id: int
    organisation: bool
    folded_name: str
    spellings: frozenset[str]
    short: str  # an organisation's initials ("who" for the World Health Organization)
    titles: tuple[str, ...]
    surnames: frozenset[str]


_KNOWN: dict[str, tuple[tuple, list[_Known]]] = {}  # database -> (speaker_signature, its speakers)


def _known_speakers(session: Session) -> list[_Known]:
    """Every stored speaker, prepared once per change of the speakers rather than once per search:
    folding every spelling of tens of thousands of speakers took most of a search's time."""
    database = str(session.get_bind().url)
    signature = crud.speaker_signature(session)
    cached = _KNOWN.get(database)
    if cached is not None and cached[0] == signature:
        return cached[1]
    known = []
    for speaker, aliases in crud.speakers_with_aliases(session):
        spellings = frozenset(fold(name) for name in [speaker.name, *aliases] if name and fold(name))
        known.append(
            _Known(
                id=speaker.id,
                organisation=speaker.kind == SpeakerKind.organisation,
                folded_name=fold(speaker.name),
                spellings=spellings,
                short=fold(initials(speaker.name)) if len(speaker.name.split()) > 1 else "",
                titles=tuple((speaker.titles or "").split()),
                surnames=frozenset(name.split()[-1] for name in spellings if len(name.split()[-1]) >= 4),
            )
        )
    _KNOWN[database] = (signature, known)
    return known


def named_speakers(session: Session, query: str) -> tuple[set[int], set[str]]:
    """Speakers a free-text query names ("Zhirnof says ...", "Lavrov: ...", "the Harbour Party claims ..."),
    and the words of the query that named them.

    A claim's text leaves its "X said" frame out, so neither retriever sees the
    name a fact-checker types. A person is named by the surname of any of their
    spellings: exactly, or, written with a capital, one letter off (two in
    long names), so "Lavrof" and "Kabulow" count and "Kabul" or "calmer" do not.
    An organisation is named by one of its spellings as whole words.
    """
    typed = re.findall(r"[^\W\d_][\w-]*", query)
    words = [(fold(word), word, word[:1].isupper()) for word in typed]
    folded = " " + " ".join(word for word, _, _ in words) + " "
    found: set[int] = set()
    naming: set[str] = set()
    # "the Fed boss", "health chief": a role noun and a word of the person's titles ("Federal Reserve
    # Chairman", "World Health Organization Director-General"), first letters enough ("Fed").
    roles = [original for word, original, _ in words if word in ROLE_NOUNS]
    qualifiers = [
        (word, original)
        for word, original, _ in words
        if len(word) >= 3 and word not in ROLE_NOUNS and word not in STOP_WORDS
    ]
    # An acronym typed in capitals names its organisation however short ("WHO chief", "CDC says").
    capitals = {fold(o) for _, o, _ in words if acronym(o)}
    known = _known_speakers(session)
    orgs: list[str] = []  # the organisations named, canonical
    for speaker in known:
        if not speaker.organisation:
            continue
        hits = [
            name
            for name in speaker.spellings
            if (len(name) >= 4 and f" {name} " in folded) or name in capitals
        ]
        hits += [speaker.short] if speaker.short in capitals else []  # "WHO", typed in capitals only
        if hits:
            found.add(speaker.id)
            orgs.append(speaker.folded_name)
            naming |= {original for word, original, _ in words if any(word in name.split() for name in hits)}
    # "WHO chief": a role noun and an organisation whose every word is in the person's titles.
    org_words = [[w for w in org.split() if len(w) >= 3 and w not in STOP_WORDS] for org in orgs if roles]
    by_role: dict[int, tuple[int, set[str]]] = {}  # person -> (title words the query holds, as typed)
    for speaker in known:
        if speaker.organisation:
            continue
        if roles and speaker.titles:
            titles = speaker.titles
            held = {
                o
                for w, o in qualifiers + [(fold(r), r) for r in roles]
                if any(t.startswith(w) for t in titles)
            }
            of_org = sum(
                len(ws) for ws in org_words if ws and all(any(t.startswith(w) for t in titles) for w in ws)
            )
            if held - set(roles) or of_org:
                by_role[speaker.id] = (len(held) + of_org, held)
        surnames = speaker.surnames
        for word, original, capital in words:
            if word in surnames or (
                capital
                and len(word) >= 5
                and any(Levenshtein.distance(word, name) <= (2 if len(name) >= 8 else 1) for name in surnames)
            ):
                found.add(speaker.id)
                naming.add(original)
    # The people holding most of the query's title words: "Afghanistan ambassador" is the ambassador,
    # not every official the articles tied to Afghanistan.
    most = max((n for n, _ in by_role.values()), default=0)
    for speaker_id, (n, held) in by_role.items():
        if n == most:
            found.add(speaker_id)
            naming |= held | set(roles)
    return found, naming


_COLON_FRAME = re.compile(r"^\s*[^:]{1,40}:\s+(?P<rest>\S.*)$", re.DOTALL)


_SAYS_FRAME = re.compile(
    r"^\s*(?:[\w'’.-]+\s+){1,5}?(?:says|said|claims|claimed|insists|argues|believes|thinks|states|told\s+(?:[\w'’.-]+\s+){0,3}?that)\s+(?:that\s+)?(?P<rest>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)


_LEADING_CAPITALS = re.compile(r"^\s*(?:[A-Z][\w'’.-]*\s+){1,4}")  # "Zhirnov Taliban businesslike positive"


def _frame(query: str) -> tuple[str, str, bool]:
    """(where the query names its speaker, the rest, whether that was a frame): "Lavrov: X" and
    "the envoy says X" give ("Lavrov: ", X, True) and ("the envoy says ", X, True); without such a
    frame, the leading capitalised words, where a keyword query puts its speaker ("Zhirnov Taliban ...")."""
    for frame in (_COLON_FRAME, _SAYS_FRAME):
        found = frame.match(query)
        if found:
            return query[: found.start("rest")], found.group("rest"), True
    found = _LEADING_CAPITALS.match(query)
    return (found.group(), query[found.end() :], False) if found else ("", query, False)


def speaker_part(query: str) -> str:
    """Where a query names its speaker: its frame, or its leading capitalised words.

    A name later on is what the statement is about ("a criminal offence in
    Russia", "Dahl: Markovic only meant ..."), not who made it.
    """
    return _frame(query)[0]


def statement_of(query: str, names: set[str]) -> str:
    """The statement a query looks for, without its "Lavrov:" or "the envoy says" frame or a leading speaker's
    name (``names``, as typed), which claim texts leave out; the query itself when little would be left."""
    head, rest, framed = _frame(query)
    if not framed:
        if names:
            head = re.sub(
                r"\b(?:" + "|".join(re.escape(name) for name in sorted(names)) + r")(?:['’]s)?\b", " ", head
            )
        rest = head + rest
    rest = re.sub(r"\s+", " ", rest).strip(" ,;:-")
    return rest if len(rest.split()) >= 2 else query


_WORD = re.compile(r"\w+", re.UNICODE)


def keyword_terms(query: str) -> list[str]:
    """The query's words worth matching in the keyword index: lower-cased, stop words, "said" and
    one-letter words out, each once."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(query.lower()):
        if len(word) > 1 and word not in STOP_WORDS and word not in SAYING:
            seen.setdefault(word, None)
    return list(seen)


def match_expression(words: Iterable[str]) -> str:
    """An FTS5 MATCH expression true when any of ``words`` occurs (each quoted, so none is an operator)."""
    return " OR ".join('"' + word.replace('"', '""') + '"' for word in words)
