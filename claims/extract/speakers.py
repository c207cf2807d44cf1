"""Canonical speakers: titles stripped, spellings and surnames folded into one name.

"Russia's Foreign Minister Sergei Lavrov", "Sergey Lavrov" and "Lavrov" are one
speaker. A :class:`SpeakerBook` holds the canonical names known so far (from the
database and from the article being read) and maps each new spelling onto them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from claims.text.lexicon import FRAME_WORDS, MINISTRY_KINDS, NON_NAME_WORDS, ROLE_NOUNS, TITLE_WORDS

ORG_WORDS = {
    "ministry",
    "ministries",
    "kremlin",
    "government",
    "council",
    "center",
    "centre",
    "institute",
    "university",
    "agency",
    "committee",
    "party",
    "foundation",
    "bank",
    "office",
    "department",
    "commission",
    "embassy",
    "service",
    "times",
    "news",
    "post",
    "press",
    "army",
    "forces",
    "police",
    "court",
    "parliament",
    "duma",
    "assembly",
    "union",
    "organization",
    "organisation",
    "authority",
    "authorities",
    "group",
    "movement",
    "taliban",
    "nato",
    "un",
}
# A capital city speaking for its state ("Moscow claimed ...").
CAPITALS = {
    "moscow": "Russia",
    "washington": "United States",
    "kyiv": "Ukraine",
    "kiev": "Ukraine",
    "beijing": "China",
    "london": "United Kingdom",
    "paris": "France",
    "berlin": "Germany",
    "tehran": "Iran",
    "islamabad": "Pakistan",
    "kabul": "Afghanistan",
    "ankara": "Turkey",
}
COUNTRIES = {
    "russia",
    "ukraine",
    "china",
    "iran",
    "pakistan",
    "afghanistan",
    "india",
    "turkey",
    "france",
    "germany",
    "britain",
    "israel",
    "qatar",
    "uzbekistan",
    "tajikistan",
    "kazakhstan",
    "belarus",
}
NATIONALITY = {
    "russia": "Russian",
    "ukraine": "Ukrainian",
    "china": "Chinese",
    "iran": "Iranian",
    "pakistan": "Pakistani",
    "afghanistan": "Afghan",
    "india": "Indian",
    "us": "US",
    "u.s.": "US",
}
_MINISTRY = re.compile(
    r"(?:(?P<nat>[A-Z][\w.]*?)(?:['’]s)?\s+)?(?:(?P<kind>" + MINISTRY_KINDS + r")\s+)?"
    r"(?:ministry|ministry\s+of\s+(?P<kind2>foreign\s+affairs|defen[cs]e|justice|finance))\b",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"['’]s$")


# Latin letters whose accent is part of the letter, so that NFKD leaves them whole: "Łukasz" is "Lukasz".
_UNACCENTED = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŧ": "t", "æ": "ae", "œ": "oe"}
)


def fold(text: str) -> str:
    """Case- and accent-free form for comparing spellings: "Łukasz Gößl" and "lukasz GOSSL" fold alike.

    Letters of other alphabets are kept, not dropped: "Сергей Лавров" and "Владимир Путин" must not
    both fold to "" and so be one speaker.
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().translate(_UNACCENTED)
    return re.sub(r"[^\w ]+|_", "", text.replace("-", " ")).strip()


def _titled(token: str) -> bool:
    """A word of a title, not of a name: "Minister", "Director-General", "Chair"."""
    return fold(token) in TITLE_WORDS or token.lower() in TITLE_WORDS or token.lower() in ROLE_NOUNS


def title_roles(title: str) -> set[str]:
    """The words naming a role right before the name that ends ``title``, folded.

    "by the end of the year, Transport Minister Elena Markovic" -> {"transport", "minister"};
    "the transport minister, Elena Markovic" -> the same. The name itself and the frame around
    ("said", "the", "told reporters") are not roles.
    """
    tokens = re.findall(r"[\w'’.-]+|[,;:!?()\[\]\"“”]", title)
    while tokens and tokens[-1][:1].isupper() and not _titled(tokens[-1]):
        tokens.pop()  # the name as written
    if tokens and tokens[-1] == ",":
        tokens.pop()  # "the transport minister, Elena Markovic"
    words = []
    while (
        tokens and re.match(r"\w", tokens[-1]) and fold(tokens[-1]) not in FRAME_WORDS - {"of"}
    ):  # "Minister of Transport"
        words.append(fold(tokens.pop()))
    return {w for part in words for w in part.split() if w != "of"}


def person_name(phrase: str) -> str | None:
    """The name inside a title phrase, or None when nothing name-like is left.

    >>> person_name("Russia's Foreign Minister Sergei Lavrov")
    'Sergei Lavrov'
    """
    if names_no_speaker(phrase.strip(" ,.;:")):
        return None  # "the International Health Regulations"
    tokens = [t.strip(",.;:") for t in phrase.split()]
    name: list[str] = []
    for token in reversed(tokens):
        lower = token.lower()
        if (
            not token
            or not token[0].isupper()
            or _POSSESSIVE.search(token)
            or lower in TITLE_WORDS
            or lower in NON_NAME_WORDS
        ):
            if name:
                break
            continue
        if token.lower() in ORG_WORDS or token.lower() in COUNTRIES or token.lower() in CAPITALS:
            return None
        name.insert(0, token)
        if len(name) == 3:
            break
    return " ".join(name) or None


# What a capitalised name can end in that names a rule, an event or a ranking, which say nothing:
# "under the International Health Regulations", "at the Jackson Hole Symposium", "the ATP Rankings".
NOT_SPEAKERS = set(
    "regulations regulation act law treaty convention agreement charter protocol games cup "
    "championship championships olympics open tournament symposium summit rankings ranking index "
    "award awards prize trophy".split()
)


def names_no_speaker(name: str) -> bool:
    words = name.split()
    return bool(words) and fold(words[-1]) in NOT_SPEAKERS


def organisation_name(phrase: str, *, known: list[str] | tuple[str, ...] = ()) -> str | None:
    """A canonical organisation name for a collective speaker, or None."""
    text = re.sub(r"^(?:the|a|an)\s+", "", phrase.strip(), flags=re.IGNORECASE)
    # "World Health Organization (WHO": the abbreviation in brackets is a spelling, not the name.
    text = re.sub(r"\s*\([^()]*\)?\s*$", "", text)
    if names_no_speaker(text):
        return None
    named = re.search(r"\bMinistry\s+of\s+(?!Foreign\b)([A-Z]\w+(?:\s+(?:and\s+)?[A-Z]\w+)*)", text)
    if named:
        return f"Ministry of {named.group(1)}"
    match = _MINISTRY.search(text)
    if match:
        nat = match.group("nat")
        kind = (match.group("kind") or match.group("kind2") or "").lower()
        if nat and nat.lower() in {"the", "a", "an"}:  # before the next test: "the" is no kind of ministry
            nat = None
        if nat and nat[0].islower():  # "the transport ministry": a kind of ministry, not a nation
            kind, nat = kind or nat.lower(), None
        nation = NATIONALITY.get(fold(nat), nat) if nat else None
        kind = {"foreign affairs": "foreign", "defense": "defence"}.get(kind, kind)
        if not kind:
            # "the Russian ministry" after "the Russian foreign ministry": the same body.
            for name in known:
                if "Ministry" in name and (not nation or name.startswith(nation)):
                    return name
        parts = [nation, kind.title() if kind else None, "Ministry"]
        return " ".join(p for p in parts if p)
    words = text.split()
    if not words:
        return None
    last = fold(words[-1])
    if len(words) == 1 and last in CAPITALS:
        return CAPITALS[last]
    if len(words) == 1 and last in COUNTRIES:
        return words[0]
    if any(fold(w) in ORG_WORDS for w in words) and all(w[:1].isupper() for w in words):
        return " ".join(words)
    if len(words) == 1 and last == "kremlin":
        return "Kremlin"
    # Lower-case bodies: "the port authority said", "the contractor said".
    common = re.fullmatch(
        r"(?:[a-z]+\s+)?(?:port|statistics|transport|harbour|city)\s+(?:authority|office|agency|council)",
        text,
    )
    if common:
        return text.title()
    return None


_LINK_WORDS = {"of", "the", "for", "and", "on", "in", "de", "&"}


def acronym(name: str) -> str | None:
    """ "WHO", "U.N.", "NATO" as their letters; None for a name of words."""
    letters = name.replace(".", "").strip()
    return letters if 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper() else None


def initials(name: str) -> str:
    """The acronym a name of words would have: "World Health Organization" -> "WHO"."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", name) if w.lower() not in _LINK_WORDS]
    return "".join(w[0] for w in words).upper()


def clipped(short: str, name: str) -> bool:
    """Whether ``short`` is the clipped form news uses for ``name``: "Fed" for "Federal Reserve"."""
    first = name.split()[0] if len(name.split()) > 1 else ""
    # Three letters cut at least, so "Russia" is no clipping of "Russian Foreign Ministry".
    return (
        len(short.split()) == 1
        and len(short) >= 3
        and len(first) - len(short) >= 3
        and first.startswith(short)
        and fold(short) not in COUNTRIES | set(CAPITALS)
    )


def same_person(a: str, b: str) -> bool:
    """Whether two spellings name the same person ("Sergey Lavrov" ~ "Sergei Lavrov" ~ "Lavrov")."""
    ta, tb = fold(a).split(), fold(b).split()
    if not ta or not tb:
        return False
    if fuzz.ratio(ta[-1], tb[-1]) < 85:
        return False
    if len(ta) == 1 or len(tb) == 1:
        return True
    first_a, first_b = ta[0], tb[0]
    if len(first_a) == 1 or len(first_b) == 1:
        return first_a[0] == first_b[0]
    return fuzz.ratio(first_a, first_b) >= 70


@dataclass
class SpeakerBook:
    """Canonical names known so far, with the spellings seen for each."""

    people: dict[str, set[str]] = field(default_factory=dict)
    organisations: dict[str, set[str]] = field(default_factory=dict)
    # Pairs of canonical names a reviewer split: name matching never folds one into the other.
    apart: set[frozenset[str]] = field(default_factory=set)
    # Title words seen with each person ("transport minister"), so that an article that only says
    # "the transport minister" still finds the person named with that title in an earlier one.
    roles: dict[str, set[str]] = field(default_factory=dict)
    # The pronoun ("he", "she") that refers to a person, once an honorific or an unambiguous pronoun told it.
    genders: dict[str, str] = field(default_factory=dict)

    def resolve_person(self, name: str) -> str:
        """The canonical name for ``name``, adding it to the book when new.

        A surname alone joins the one known person with that surname; a fuller
        spelling replaces a surname-only canonical name.
        """
        for canonical in list(self.people):
            if fold(canonical) == fold(name) or fold(name) in self.people[canonical]:
                return canonical
        matches = [c for c in self.people if same_person(c, name) and frozenset((c, name)) not in self.apart]
        if len(matches) == 1:
            canonical = matches[0]
            if len(name.split()) > len(canonical.split()):
                aliases = self.people.pop(canonical)
                aliases.add(fold(canonical))
                self.people[name] = aliases | {fold(name)}
                self.apart = {frozenset(name if n == canonical else n for n in pair) for pair in self.apart}
                for known in (self.roles, self.genders):
                    if canonical in known:
                        known[name] = known.pop(canonical)
                return name
            self.people[canonical].add(fold(name))
            return canonical
        self.people[name] = {fold(name)}
        return name

    def known_by_name(self, token: str) -> str | None:
        """The one known person ``token`` names alone: by surname ("Lavrov"), else by a given name
        only they have ("Tedros" for Tedros Adhanom Ghebreyesus, as news writes it)."""
        word = fold(token)
        for place in (-1, 0):
            matches = [
                c
                for c in self.people
                if len(fold(c).split()) > (place == 0) and fold(c).split()[place] == word
            ]
            if matches:
                return matches[0] if len(matches) == 1 else None
        return None

    def note_role(self, person: str, title: str) -> None:
        """Keep the role words of ``title`` (the text before a name, then the name as written)."""
        self.roles.setdefault(person, set()).update(title_roles(title))

    def person_with_role(self, words: list[str]) -> str | None:
        """The one known person whose titles hold every word of ``words``, if only one does."""
        matches = [p for p, seen in self.roles.items() if all(fold(w) in seen for w in words)]
        return matches[0] if len(matches) == 1 else None

    def resolve_organisation(self, name: str) -> str:
        """The canonical name for an organisation, adding it when new. An acronym and the name it
        abbreviates ("WHO", "World Health Organization") are one organisation when only one known
        name fits: the first spelling met stays the canonical one, the other becomes its alias."""
        for canonical, aliases in self.organisations.items():
            if fold(name) == fold(canonical) or fold(name) in aliases:
                return canonical
        short = acronym(name)
        fits = [
            c
            for c in self.organisations
            if (short and len(c.split()) > 1 and initials(c) == short)
            or (not short and acronym(c) and acronym(c) == initials(name))
            or clipped(name, c)
            or clipped(c, name)
        ]
        if len(fits) == 1:
            self.organisations[fits[0]].add(fold(name))
            return fits[0]
        self.organisations[name] = {fold(name)}
        return name
