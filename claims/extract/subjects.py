"""Who speaks in a reporting frame: the subject before or after the verb, the source of
"according to", a pronoun or a role phrase that refers back, and the people a frame names."""

from __future__ import annotations

import re
from weakref import WeakKeyDictionary

from claims.extract.passage import Passage
from claims.extract.referents import (
    epithet_of,
    epithet_referent,
    is_pronoun,
    ministry_hint,
    note_role,
    person_with_role,
    pronoun_referent,
    role_of_subject,
    subject_of,
)
from claims.extract.speakers import (
    CAPITALS,
    COUNTRIES,
    NATIONALITY,
    fold,
    names_no_speaker,
    organisation_name,
    person_name,
)
from claims.extract.venues import MEDIA
from claims.records import ANONYMOUS
from claims.text.lexicon import ROLE_NOUNS

_CAP_RUN = re.compile(r"(?:[A-Z][\w’'.-]*)(?:\s+(?:[A-Z][\w’'.-]*|al-\w+|bin|de|van|von))*")

_PRONOUN_SUBJECT = re.compile(r"\b(he|she)\s+(?:also\s+|further\s+|later\s+|then\s+)?$", re.IGNORECASE)

_ROLE_SUBJECT = re.compile(
    r"\b(?:the|\w+['’]s|his|her)\s+(?:[\w-]+\s+){0,3}?(" + "|".join(ROLE_NOUNS) + r")\s+(?:also\s+)?$",
    re.IGNORECASE,
)


def _chunks(window: str) -> list[tuple[int, str]]:
    """Comma-separated pieces of a subject window with their offsets, right to left (appositives come apart)."""
    pieces, last = [], 0
    for sep in re.finditer(r"[,;—–(]", window):
        pieces.append((last, window[last : sep.start()]))
        last = sep.end()
    pieces.append((last, window[last:]))
    return [p for p in reversed(pieces) if p[1].strip()][:4]


def _unnamed_sources(subject) -> bool:
    """ "Two sources who spoke on condition of anonymity told Reuters", "the sources said", "people
    familiar with the matter said": a speaker the reader is told is kept unnamed, which a
    fact-checker weighs apart from any named one."""
    if subject is None or any(t.ent_type_ in {"PERSON", "ORG", "NORP", "GPE"} for t in subject.subtree):
        return False
    if subject.lower_ in {"sources", "source"}:
        return True
    return subject.lower_ == "people" and any(t.lower_ == "familiar" for t in subject.subtree)


def _the_statement(subject) -> bool:
    """ "the statement added", "the release said": the document of whoever was reported last, not a
    speaker of its own (a named one, "the WHO statement said", is the organisation's)."""
    return (
        subject is not None
        and subject.lower_ in {"statement", "release", "communique", "communiqué"}
        and not any(t.ent_type_ in {"PERSON", "ORG", "NORP", "GPE"} for t in subject.subtree)
        and any(c.dep_ == "det" and c.lower_ == "the" for c in subject.children)
    )


def _person(name: str, state: Passage) -> str:
    """The canonical person for a name NER found: full names and known surnames resolve through the book."""
    if len(name.split()) >= 2:
        return state.book.resolve_person(name)
    return state.book.known_by_name(name) or _full_name(name, state) or name


# Per parsed text, read once (weakly held: a text's parse is freed with it).
_NAME_INDEX: WeakKeyDictionary = WeakKeyDictionary()


def _names_by_surname(analysis) -> tuple[dict[str, set[str]], frozenset[str]]:
    """Of one parsed text: each surname's full names (two words or more), from its PERSON entities and
    from ORG ones that read as names (NER labels some full names organisations: "Novak Djokovic"
    ORG, then "Djokovic" PERSON); and the surnames NER calls a person somewhere."""
    if analysis not in _NAME_INDEX:
        _NAME_INDEX[analysis] = _index_names(analysis)
    return _NAME_INDEX[analysis]


def _index_names(analysis) -> tuple[dict[str, set[str]], frozenset[str]]:
    full: dict[str, set[str]] = {}
    persons: set[str] = set()
    for entity in analysis.entities:
        if entity.label not in {"PERSON", "ORG"}:
            continue
        name = person_name(entity.text) or (entity.text if entity.label == "PERSON" else None)
        if not name:
            continue
        surname = fold(name.split()[-1])
        if entity.label == "PERSON":
            persons.add(surname)
        if len(name.split()) >= 2:
            full.setdefault(surname, set()).add(name)
    return full, frozenset(persons)


def _full_name(surname: str, state: Passage) -> str | None:
    """The one full name the article gives a surname ("Jerome Powell" for "Mr. Powell"), even where
    the reader did not take it as a speaker's (a name inside a title in quotes, a clause with no verb)."""
    if state.nlp is None:
        return None
    full = _names_by_surname(state.nlp)[0].get(fold(surname), set())
    return state.book.resolve_person(next(iter(full))) if len(full) == 1 else None


def _person_not_org(text: str, state: Passage, verb=None) -> str | None:
    """The person an organisation NER found really is: a name whose surname NER elsewhere in the
    article calls a person ("Novak Djokovic said" as ORG, "Djokovic told reporters" as PERSON), or
    who goes on as "he" or "she" ("Sabalenka said she had struggled"). Without such evidence an ORG
    stays one: "Morgan Stanley" and "Goldman Sachs" look like names too."""
    name = person_name(text)
    if not name or state.nlp is None or organisation_name(text):
        return None
    named_person = fold(name.split()[-1]) in _names_by_surname(state.nlp)[1]
    goes_on_as_person = verb is not None and any(
        t.dep_ in {"nsubj", "nsubjpass"} and t.lower_ in {"he", "she"}
        for clause in verb.children
        if clause.dep_ == "ccomp"
        for t in clause.children
    )
    if not (named_person or goes_on_as_person):
        return None
    if len(name.split()) >= 2:
        return state.book.resolve_person(name)
    return state.book.known_by_name(name) or _full_name(name, state) or name


def _at_home(org: str, state: Passage, offset: int | None = None) -> str:
    """'The Foreign Ministry' is the ministry of the country named just before, else of the article's country."""
    if not (
        org.endswith("Ministry")
        and fold(org.split()[0]) in {"foreign", "defence", "interior", "justice", "finance", "health"}
    ):
        return org
    country = state.home
    if state.nlp is not None and offset is not None:
        near = [country_of(e) for e in state.nlp.between(max(0, offset - 200), offset, "GPE", "NORP")]
        country = next((c for c in reversed(near) if c), country)
    return f"{NATIONALITY.get(fold(country), country)} {org}" if country else org


def country_of(entity) -> str | None:
    key = fold(entity.text)
    if key in CAPITALS:
        return CAPITALS[key]
    if key in COUNTRIES:
        return entity.text
    return next((c.title() for c, nat in NATIONALITY.items() if nat.lower() == key and c in COUNTRIES), None)


def speaker_in(window: str, state: Passage, offset: int = 0) -> tuple[str | None, bool, str]:
    """(speaker, is_organisation, how) for the text just before a reporting verb."""
    # The parsed subject sees past adverbs and auxiliaries ("She had earlier said"); the regexes serve without spaCy.
    subject = subject_of(state, offset + len(window))
    pronoun = subject.lower_ if is_pronoun(subject) else None
    if pronoun is None and subject is None and _PRONOUN_SUBJECT.search(window):
        pronoun = _PRONOUN_SUBJECT.search(window).group(1)
    if pronoun:
        return pronoun_referent(pronoun, state), False, "pronoun"
    if _unnamed_sources(subject):
        return ANONYMOUS, False, "anonymous"
    if _the_statement(subject) and state.last_speaker and state.last_speaker.speaker:
        last = state.last_speaker
        return last.speaker, last.speaker_is_organisation, "document"
    epithet = epithet_of(subject, window)
    if epithet:
        person = epithet_referent(epithet, state)
        if person:
            note_role(person, epithet, state)
        return person, False, "role"
    words = role_of_subject(subject)
    role = _ROLE_SUBJECT.search(window) if subject is None else None
    if words or role:
        words = words or [role.group(1).lower()]
        person = person_with_role(words, state) or state.last_person
        if person:
            note_role(person, " ".join(words), state)
        return person, False, "role"
    if subject is not None and subject.ent_type_ == "ORG":
        # "The Valdora Chamber of Commerce had asked ...": the parsed subject sees past the auxiliary.
        group = next(
            (e for e in state.nlp.between(0, len(state.text), "ORG") if e.start <= subject.idx < e.end), None
        )
        named = state.nlp.between(group.end, offset + len(window), "PERSON") if group is not None else []
        if named:
            # "World Health Organization (WHO) Director-General Tedros Adhanom Ghebreyesus told ...":
            # the parse may make the organisation the subject; the person who leads it speaks.
            return _person(person_name(named[-1].text) or named[-1].text, state), False, "named"
        verb = state.nlp.token_at(offset + len(window))
        person = _person_not_org(group.text, state, verb) if group is not None else None
        if person:
            return person, False, "named"
        if (
            group is not None
            and group.start >= offset
            and not state.book.known_by_name(group.text)
            and not names_no_speaker(group.text)
        ):  # NER calls "Lavrov" an ORG
            org = organisation_name(group.text, known=state.organisations + ministry_hint(state, offset))
            return (
                _at_home(org or re.sub(r"^the\s+", "", group.text, flags=re.IGNORECASE), state, group.start),
                True,
                "organisation",
            )
    if not window.strip() or re.fullmatch(
        r"\s*(?:and\s+|but\s+|also\s+|further\s+|moreover,?\s+)*", window, re.IGNORECASE
    ):
        return (
            (state.last_speaker.speaker if state.last_speaker else None),
            bool(state.last_speaker and state.last_speaker.speaker_is_organisation),
            "subjectless",
        )
    for at, chunk in _chunks(window):
        people = state.nlp.between(offset + at, offset + at + len(chunk), "PERSON") if state.nlp else []
        if people:
            name = person_name(people[-1].text) or people[-1].text
            # "Powell stressed ...": a surname alone is a follow-up on someone already named.
            return _person(name, state), False, "named" if len(name.split()) >= 2 else "surname"
        groups = state.nlp.between(offset + at, offset + at + len(chunk), "ORG") if state.nlp else []
        last = groups[-1] if groups and not chunk[groups[-1].end - offset - at :].strip() else None
        person = _person_not_org(last.text, state) if last else None
        if person:
            return person, False, "named"
        group = _subject_org(chunk, offset + at, state)
        if group:
            return group, True, "organisation"
        runs = list(_CAP_RUN.finditer(chunk))
        for run in reversed(runs):
            before = chunk[: run.start()]
            phrase = run.group()
            if re.search(r"\b(?:of|at|from|in|for)\s+(?:the\s+)?$", before):
                continue  # "Alexander Baunov of the Carnegie Moscow Center": the centre qualifies the person
            name = person_name(phrase)
            if name and len(name.split()) >= 2:
                return state.book.resolve_person(name), False, "named"
            if name:
                known = state.book.known_by_name(name)
                if known:
                    return known, False, "surname"
            org = organisation_name(
                _org_phrase(chunk, run), known=state.organisations + ministry_hint(state, offset)
            )
            if org:
                return _at_home(org, state, offset + at + run.start()), True, "organisation"
    return None, False, "none"


def _subject_org(chunk: str, offset: int, state: Passage) -> str | None:
    """An organisation NER found right before the verb ("the Valdora Chamber of Commerce said"),
    not one that only qualifies a person ("head of the Asia Desk at the ministry")."""
    groups = state.nlp.between(offset, offset + len(chunk), "ORG") if state.nlp else []
    if not groups or chunk[groups[-1].end - offset :].strip():
        return None
    group = groups[-1]
    before = chunk[: group.start - offset]
    if (
        re.search(r"\b(?:of|at|in|for|with|to|under)\s+(?:the\s+)?$", before)
        or state.book.known_by_name(group.text)
        or names_no_speaker(group.text)
    ):
        return None
    org = organisation_name(group.text, known=state.organisations + ministry_hint(state, offset)) or re.sub(
        r"^the\s+", "", group.text, flags=re.IGNORECASE
    )
    return _at_home(org, state, group.start)


def _org_phrase(chunk: str, run: re.Match) -> str:
    """The organisation phrase around a capitalised run, lower-case head nouns included."""
    tail = re.match(
        r"(?:\s+(?:[a-z]+\s+)?(?:ministry|authority|office|agency|council)\b)?",
        chunk[run.end() :],
        re.IGNORECASE,
    )
    head = re.search(r"(?:\b(?:the|a)\s+)?$", chunk[: run.start()])
    return chunk[head.start() if head else run.start() : run.end() + (tail.end() if tail else 0)]


def speaker_after_verb(frame: str, verb_end: int, state: Passage, offset: int = 0) -> tuple[str | None, bool]:
    """Inverted frames: 'said Lavrov', 'said the Russian foreign ministry', 'said WHO
    Director-General Tedros Adhanom Ghebreyesus' (the person, not the organisation they lead)."""
    # "said Mr. Powell": the full stop of an honorific does not end the name.
    match = re.match(
        r"\s*((?:the\s+)?[\w’'. -]{2,60}?)\s*(?:(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)[.,;:]|$|\bin\b|\bon\b)",
        frame[verb_end:],
    )
    if not match:
        return None, False
    phrase = match.group(1)
    start = offset + verb_end + match.start(1)
    people = state.nlp.between(start, start + len(phrase), "PERSON") if state.nlp else []
    if people and len(people[-1].text.split()) >= 2:
        return state.book.resolve_person(person_name(people[-1].text) or people[-1].text), False
    name = person_name(phrase)
    if name and len(name.split()) >= 2:
        return state.book.resolve_person(name), False
    known = name and (state.book.known_by_name(name) or _full_name(name, state))
    if known:
        return known, False
    org = organisation_name(phrase, known=state.organisations)
    return (org, True) if org else (None, False)


def _before(frame: str, at: int, chars: int = 60) -> str:
    """About ``chars`` characters before ``at``, in whole words: where a title before a name is
    ("World Health Organization (WHO) Director-General", not "orld Health ...")."""
    start = max(0, at - chars)
    while start and frame[start - 1].isalnum():
        start -= 1
    return frame[start:at]


def remember_people(frame: str, state: Passage, offset: int = 0) -> None:
    """Names seen outside quotes become referents for later pronouns."""
    if state.nlp is not None:
        for person in state.nlp.between(offset, offset + len(frame), "PERSON"):
            if not frame[person.start - offset : person.end - offset].strip():
                continue  # inside a quote (blanked in the frame)
            name = person_name(person.text) or person.text
            if len(name.split()) < 2 and not state.book.known_by_name(name):
                continue
            canonical = _person(name, state)
            note_role(canonical, _before(frame, person.start - offset) + " " + person.text, state)
            state.last_person = canonical
            token = state.nlp.token_at(person.end - 1)
            if token is not None and token.dep_ in {"nsubj", "nsubjpass"}:
                state.last_subject = canonical
        return
    for run in _CAP_RUN.finditer(frame):
        if re.match(r"\s+" + MEDIA, frame[run.end() :]):
            continue  # "Ekho Moskvy radio" is a venue, not a person
        if re.search(
            r"\b(?:on|in|at|to|from|across|over|near|of|for|with)\s+(?:the\s+)?$", frame[: run.start()]
        ):
            continue  # "crossings on the Sorrel Strait": a place or a thing, not a referent
        name = person_name(run.group())
        if name and len(name.split()) >= 2:
            canonical = state.book.resolve_person(name)
            note_role(canonical, _before(frame, run.start()) + " " + run.group(), state)
            state.last_person = canonical


def source_of(phrase: str, offset: int, state: Passage) -> tuple[str | None, bool, str]:
    """(speaker, is_organisation, how) for the source of "according to <phrase>".

    NER tells "the Valdora Chamber of Commerce" or "the Statistics Office" (an organisation,
    though its words would pass for a name) from a person; the name rules serve without it.
    """
    found = state.nlp.between(offset, offset + len(phrase), "PERSON", "ORG") if state.nlp else []
    if found and found[0].label == "ORG":
        group = found[0].text
        org = organisation_name(group, known=state.organisations) or re.sub(
            r"^the\s+", "", group, flags=re.IGNORECASE
        )
        return org, True, "organisation"
    name = person_name(phrase)
    if name and len(name.split()) >= 2:
        return state.book.resolve_person(name), False, "named"
    org = organisation_name(phrase, known=state.organisations)
    return (org, True, "organisation") if org else (None, False, "none")
