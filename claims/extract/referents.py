"""Who "she", "the minister" and "the ministry" are.

News writing names a speaker once ("Transport Minister Elena Markovic") and
then refers back by pronoun, by role or by institution. The grammatical subject
of the reporting verb comes from spaCy's parse, so adverbs and perfect tenses
("She had earlier said", "The minister has also said") do not hide it; the
referent comes from the passage first, then from the speaker book, which keeps
the roles met in earlier articles (an article may never name the minister).
"""

from __future__ import annotations

import re

from claims.extract.passage import Passage
from claims.text.lexicon import MINISTRY_KINDS, ROLE_NOUNS

PRONOUNS = {"he", "she"}
_SUBJECTS = {"nsubj", "nsubjpass"}
_DEFINITE = {"the", "this", "that"}
_MINISTER = re.compile(r"\b(" + MINISTRY_KINDS + r")\s+minister\b", re.IGNORECASE)


def subject_of(state: Passage, offset: int):
    """The parsed subject token of the verb starting at ``offset``, or None."""
    if state.nlp is None:
        return None
    verb = state.nlp.token_at(offset)
    if verb is None or verb.idx != offset:
        return None
    return next((child for child in verb.children if child.dep_ in _SUBJECTS), None)


def earlier_occasion(state: Passage, offset: int) -> bool:
    """Whether the verb at ``offset`` is in a perfect tense ("has also said", "had said"): a report of
    some earlier occasion, so not the venue the speaker was last quoted at."""
    verb = state.nlp.token_at(offset) if state.nlp is not None else None
    return (
        verb is not None
        and verb.idx == offset
        and any(c.dep_ == "aux" and c.lower_ in {"has", "have", "had"} for c in verb.children)
    )


def person_subject(verb) -> bool:
    """Whether a verb's parsed subject is a person: "She also announced a fund", "Markovic rejected
    the criticism". A person announcing or rejecting something is speaking, object or no clause."""
    subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
    return subject is not None and (is_pronoun(subject) or subject.ent_type_ == "PERSON")


def sourcing(verb) -> bool:
    """Whether a sourcing verb (see claims.text.lexicon.SOURCING) gives what follows to its subject: used as a
    verb (not "the count") with a speaker for subject, and "puts" only for an estimate ("puts X at Y")."""
    if verb.pos_ != "VERB":
        return False
    subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
    if subject is None or not (
        is_pronoun(subject) or subject.ent_type_ in {"PERSON", "ORG"} or subject.pos_ == "PROPN"
    ):
        return False
    word, preps = verb.lower_, {c.lower_ for c in verb.children if c.dep_ == "prep"}
    clause = any(c.dep_ in {"ccomp", "xcomp", "oprd"} for c in verb.children)
    if word in {"put", "puts"}:
        return "at" in preps
    if word in {"call", "calls", "called"}:  # "called for an inquiry", "called it 'spin'", not a phone call
        return "for" in preps or clause or any(t.text in {'"', "“", "”"} for t in verb.subtree)
    if word in {"ask", "asks", "asked"}:  # "asked for 10 million euros", "asked parliament to act"
        return "for" in preps or clause
    return True


def occasion(state: Passage, offset: int, venue: str | None = None) -> str | None:
    """The date words attached to the reporting verb at ``offset`` ("said on Tuesday", "In early
    March the minister said"), not dates further down ("... who fled on Sunday") nor a word of the
    venue's name that NER reads as a date ("told Valdora Today")."""
    verb = state.nlp.token_at(offset) if state.nlp is not None else None
    if verb is None or verb.idx != offset:
        return None
    for child in verb.children:
        tokens = [child] + (list(child.children) if child.dep_ == "prep" else [])
        dated = [t for t in tokens if t.ent_type_ in {"DATE", "TIME"}]
        if dated:
            words = list(dated[0].subtree)
            phrase = verb.doc[words[0].i : words[-1].i + 1].text
            if not (venue and phrase in venue):
                return phrase
    return None


def is_pronoun(subject) -> bool:
    return subject is not None and subject.lower_ in PRONOUNS


def role_of_subject(subject) -> list[str] | None:
    """'the transport minister' -> ['transport', 'minister']; 'the head of the World Health
    Organization' -> ['world', 'health', 'organization', 'head'] (the role noun last).

    None unless the subject is a definite role noun naming no one: "Transport
    Minister Elena Markovic" is a name, and "a ministry spokeswoman" speaks for
    her ministry, not for a person met before.
    """
    if subject is None or subject.lower_ not in ROLE_NOUNS:
        return None
    if any(t.ent_type_ == "PERSON" for t in subject.subtree):
        return None
    lefts = list(subject.lefts)
    if not any(
        t.dep_ == "poss" or (t.dep_ == "det" and t.lower_ in _DEFINITE) for t in lefts
    ):  # "Russia's top diplomat" too
        return None
    # "the head of the World Health Organization": what the role is of narrows who holds it.
    of = [
        w.lower_
        for prep in subject.rights
        if prep.dep_ == "prep" and prep.lower_ == "of"
        for obj in prep.children
        if obj.dep_ == "pobj" and obj.pos_ == "PROPN"
        for w in [*(c for c in obj.lefts if c.dep_ == "compound"), obj]
    ]
    return of + [t.lower_ for t in lefts if t.dep_ in {"compound", "amod"}] + [subject.lower_]


# An age or a ranking stands for the person who has it ("the 36-year-old said", "the world No. 1
# added", "the top seed told reporters"). Read off the words before the verb: the parse of such a
# subject is often broken ("No." and "1" as two subjects).
_EPITHET_BEFORE_VERB = re.compile(
    r"\bthe\s+((?:world\s+)?(?:no\.|number)\s*(?:\d+|one|two|three)|\d{1,3}-year-old|"
    r"(?:top|second|third|\d+(?:st|nd|rd|th))\s+seed)(?:\s+\w+)?\s+(?:also\s+|later\s+)?$",
    re.IGNORECASE,
)


def epithet_of(subject, window: str) -> str | None:
    """The words of a definite epithet that stands for a person named before, not a role: a
    nationality ("the Serbian told reporters"), an age ("the 36-year-old said") or a ranking ("the
    world No. 1 added"). None for anything else, a role ("the minister") included."""
    if (
        subject is not None
        and subject.ent_type_ == "NORP"
        and any(t.dep_ == "det" and t.lower_ == "the" for t in subject.lefts)
        and len(list(subject.subtree)) <= 3
    ):
        return subject.text
    found = _EPITHET_BEFORE_VERB.search(window)
    if found and (subject is None or subject.ent_type_ not in {"PERSON", "ORG"}):
        return found.group(1)
    return None


def epithet_referent(epithet: str, state: Passage) -> str | None:
    """Who an epithet stands for: the person whose titles hold it ("Serbia's Novak Djokovic", once
    called "the Serbian"), else the person the passage is about, the one quoted just now or, before
    anyone is quoted, the last one a sentence was about (its subject: "Djokovic beat Alcaraz")."""
    words = set(re.findall(r"\w+", epithet.lower())) - {"the", "world"}
    holders = [p for p, title in reversed(list(state.roles.items())) if words <= set(title.split())]
    if holders:
        return holders[0]
    speaker = state.last_speaker
    if speaker and speaker.speaker and not speaker.speaker_is_organisation and state.since_speaker <= 2:
        return speaker.speaker
    return state.last_subject or state.last_person


def person_with_role(words: list[str], state: Passage) -> str | None:
    """The person a role phrase refers back to.

    The last person in the passage holding the whole role; else the one person
    the book knows with that whole role (only for a qualified role such as
    "transport minister": a bare "minister" is too common to look up corpus-wide);
    else the last person in the passage holding the role noun.
    """

    def holds(title: str, needed: list[str]) -> bool:
        return all(w in title.split() for w in needed)

    people = list(reversed(list(state.roles.items())))
    found = next((p for p, title in people if holds(title, words)), None)
    if found is None and len(words) > 1:
        found = state.book.person_with_role(words)
    if found is None:
        found = next((p for p, title in people if words[-1] in title), None)
    return found


def note_role(person: str, title: str, state: Passage) -> None:
    """Remember the title words seen with a person, in the passage and in the book.

    An honorific in the title ("Ms Lind", "Mr Almers") also tells which pronoun refers to them.
    """
    state.roles[person] = (state.roles.pop(person, "") + " " + title).lower()[-200:]
    state.book.note_role(person, title)
    honorific = re.search(r"\b(mr|ms|mrs|miss)\.?\s+(?:\S+\s+)?\S+\s*$", title.lower())
    if honorific:
        state.book.genders[person] = "he" if honorific.group(1) == "mr" else "she"


def pronoun_referent(pronoun: str, state: Passage) -> str | None:
    """The person "he" or "she" refers to: the last person met, unless their known pronoun is the
    other one, then the last person met whose known pronoun matches (else whose is unknown).

    A pronoun met when only one person has been named so far can only mean that person,
    which is how the book learns a person's pronoun for later articles.
    """
    pronoun = pronoun.lower()
    people = list(reversed(list(state.roles))) or ([state.last_person] if state.last_person else [])
    if len(people) == 1:
        state.book.genders.setdefault(people[0], pronoun)
    genders = state.book.genders
    if not people or genders.get(state.last_person) in {None, pronoun}:
        return state.last_person
    known = next((p for p in people if genders.get(p) == pronoun), None)
    return known or next((p for p in people if p not in genders), state.last_person)


def ministry_hint(state: Passage, offset: int) -> list[str]:
    """The ministry a bare "the ministry" means: that of the last "X minister" before it.

    "Transport Minister Elena Markovic ... The ministry said ..." -> "Transport Ministry".
    """
    found = _MINISTER.findall(state.text[:offset])
    return [f"{found[-1].title()} Ministry"] if found else []
