"""Check-worthy claims in a clean article, with who said them, where and how.

Walks the article unit by unit (see :func:`claims.text.segment`) keeping the
passage state a reader keeps: the last person quoted and where they spoke, so
that "he said" and "the ambassador added" resolve to the right name, and a
quote that runs on into the next paragraph keeps its speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from claims.checkworthy import score as checkworthiness
from claims.lexicon import REPORTING, ROLE_NOUNS
from claims.records import Attribution, Mention, Sentence
from claims.speakers import SpeakerBook, organisation_name, person_name
from claims.text import is_heading, segment

DIRECT, REPORTED, OWN = "direct quote", "reported speech", "outlet's own"
MIN_WORDS = 5
MIN_QUOTE_WORDS = 5
CHECKWORTHY_THRESHOLD = 0.5

_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40}(?:\s*\([^)]{2,60}\))?\s*[–—-]\s+")
_CAP_RUN = re.compile(r"(?:[A-Z][\w’'.-]*)(?:\s+(?:[A-Z][\w’'.-]*|al-\w+|bin|de|van|von))*")
_PRONOUN_SUBJECT = re.compile(r"\b(he|she)\s+(?:also\s+|further\s+|later\s+|then\s+)?$", re.IGNORECASE)
_ROLE_SUBJECT = re.compile(r"\b(?:the|russia['’]s|his|her)\s+(?:[a-z-]+\s+)?(" + "|".join(ROLE_NOUNS) + r")\s+(?:also\s+)?$", re.IGNORECASE)
_FRAME_AFTER = re.compile(r"^[\s,.;:—–-]*(?:[^.!?]{0,80}?)\b" + REPORTING.pattern + r"|^[\s,.;:!?]*$")
_FRAME_BEFORE = re.compile(REPORTING.pattern + r"(?:\s+that)?[\s,:]*$|:\s*$")

_MEDIA = r"(?:radio(?:\s+station)?|television(?:\s+channel)?|TV(?:\s+channel)?|channel|newspaper|news\s+agency|broadcaster|daily)"
_PROPER = r"(?:[A-Z][\w’'-]*|\d+)(?:\s+(?:[A-Z][\w’'-]*|\d+))*"
_VENUES = [
    re.compile(r"\b(?:on|to|with|by|told|in)\s+(?:the\s+)?(?:state-run\s+|state\s+)?(?:[A-Z]\w+['’]s\s+)?(?P<v>" + _PROPER + r")\s+" + _MEDIA + r"\b"),
    re.compile(r"\b(?:on|to|with|by|told)\s+(?:the\s+)?(?:[A-Z]\w+['’]s\s+)?(?P<v>(?:Channel|Radio|TV)\s+\w+|" + _PROPER + r"\s+\d+)\b"),
    re.compile(r"\binterview\b[^.]{0,40}?\b(?:with|to|on)\s+(?:the\s+)?(?P<v>" + _PROPER + r")"),
    re.compile(r"\b(?:told|to|on)\s+(?P<v>(?:Russian\s+|the\s+)?state(?:-run)?\s+(?:media|television|TV|radio))\b"),
    re.compile(r"\b(?P<v>(?:a|the|his|her)\s+(?:news|press)\s+(?:conference|briefing))\b"),
    re.compile(r"\b(?:at|told)\s+(?P<v>(?:a|an|the)\s+(?:meeting|conference|summit|briefing|forum|rally|session)(?:\s+(?:in|of)\s+[A-Z]\w+)?)"),
    re.compile(r"\bat\s+(?P<v>talks\s+in\s+[A-Z]\w+)"),
    re.compile(r"\bin\s+(?P<v>(?:a|the)\s+statement)\b"),
]


@dataclass
class Passage:
    """What a reader remembers while going through an article."""

    book: SpeakerBook
    last_person: str | None = None
    last_speaker: Attribution | None = None
    venues: dict[str, str] = field(default_factory=dict)  # person -> last venue they spoke at
    roles: dict[str, str] = field(default_factory=dict)  # person -> title words seen with the name
    organisations: list[str] = field(default_factory=list)


def _blank_quotes(unit: Sentence) -> str:
    """The unit's text with quoted passages replaced by spaces (offsets unchanged)."""
    chars = list(unit.text)
    for q0, q1 in unit.quotes:
        for i in range(max(q0 - unit.start, 0), min(q1 - unit.start, len(chars))):
            chars[i] = " "
    return "".join(chars)


def _venue(frame: str) -> str | None:
    for pattern in _VENUES:
        match = pattern.search(frame)
        if match:
            venue = re.sub(r"^(?:the|a|an|his|her)\s+", "", match.group("v").strip())
            venue = re.sub(r"\s+" + _MEDIA + r"$", "", venue) if pattern is _VENUES[0] else venue
            return venue
    return None


def _chunks(window: str) -> list[str]:
    """Comma-separated pieces of a subject window, right to left (appositives come apart)."""
    return [c for c in reversed(re.split(r"[,;—–(]", window)) if c.strip()][:4]


def _subject(window: str, state: Passage) -> tuple[str | None, bool, str]:
    """(speaker, is_organisation, how) for the text just before a reporting verb."""
    if _PRONOUN_SUBJECT.search(window):
        return state.last_person, False, "pronoun"
    role = _ROLE_SUBJECT.search(window)
    if role:
        noun = role.group(1).lower()
        for person, title in reversed(list(state.roles.items())):
            if noun in title:
                return person, False, "role"
        return state.last_person, False, "role"
    if not window.strip() or re.fullmatch(r"\s*(?:and\s+|but\s+|also\s+|further\s+|moreover,?\s+)*", window, re.IGNORECASE):
        return (state.last_speaker.speaker if state.last_speaker else None), bool(
            state.last_speaker and state.last_speaker.speaker_is_organisation
        ), "subjectless"
    for chunk in _chunks(window):
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
                known = state.book.known_surname(name)
                if known:
                    return known, False, "surname"
            org = organisation_name(_org_phrase(chunk, run), known=state.organisations)
            if org:
                return org, True, "organisation"
    return None, False, "none"


def _org_phrase(chunk: str, run: re.Match) -> str:
    """The organisation phrase around a capitalised run, lower-case head nouns included."""
    tail = re.match(r"(?:\s+(?:foreign|defen[cs]e|interior|justice)?\s*ministry\b)?", chunk[run.end():], re.IGNORECASE)
    head = re.search(r"(?:\b(?:the|a)\s+)?$", chunk[: run.start()])
    return chunk[head.start() if head else run.start(): run.end() + (tail.end() if tail else 0)]


def _after_verb_subject(frame: str, verb_end: int, state: Passage) -> tuple[str | None, bool]:
    """Inverted frames: 'said Lavrov', 'said the Russian foreign ministry'."""
    match = re.match(r"\s*((?:the\s+)?[\w’'. -]{2,60}?)\s*(?:[.,;]|$|\bin\b|\bon\b)", frame[verb_end:])
    if not match:
        return None, False
    phrase = match.group(1)
    name = person_name(phrase)
    if name and len(name.split()) >= 2:
        return state.book.resolve_person(name), False
    if name and state.book.known_surname(name):
        return state.book.known_surname(name), False
    org = organisation_name(phrase, known=state.organisations)
    return (org, True) if org else (None, False)


def _remember_people(frame: str, state: Passage) -> None:
    """Names seen outside quotes become referents for later pronouns."""
    for run in _CAP_RUN.finditer(frame):
        if re.match(r"\s+" + _MEDIA, frame[run.end():]):
            continue  # "Ekho Moskvy radio" is a venue, not a person
        if re.search(r"\b(?:on|in|at|to|from|across|over|near|of|for|with)\s+(?:the\s+)?$", frame[: run.start()]):
            continue  # "crossings on the Sorrel Strait": a place or a thing, not a referent
        name = person_name(run.group())
        if name and len(name.split()) >= 2:
            canonical = state.book.resolve_person(name)
            title = frame[max(0, run.start() - 30): run.start()] + " " + run.group()
            state.roles[canonical] = (state.roles.pop(canonical, "") + " " + title).lower()[-200:]
            state.last_person = canonical


_CLAUSE_VERBS = set(
    "said says say added adds stated claimed noted insisted warned argued confirmed announced declared believes "
    "believed suggested mentioned admitted acknowledged asserted maintained stressed explained wrote reported".split()
)
_WHEN = r"(?:\s+(?:on|last|this|late|early|earlier|later)?\s*(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|week|month|year|evening|morning|night|today|yesterday)\b(?:\s+(?:evening|morning|night))?)?"


def _statement(unit: Sentence, frame: str, verb: re.Match, window_start: int) -> tuple[int, int] | None:
    """The reported statement without its frame, as a span of the unit, or None to keep it all.

    "Markovic said on Tuesday that ferry crossings had doubled." -> "ferry crossings had doubled."
    "Ferry traffic has doubled, Transport Minister Elena Markovic said on Tuesday." -> "Ferry traffic has doubled"
    """
    text = unit.text
    after = frame[verb.end():]
    tail_words = len(after.split())
    window = frame[window_start: verb.start()]
    comma = window.rfind(",")
    if comma != -1 and tail_words <= 8 and "that" not in after.split() and verb.start() > len(text) / 2:
        end = window_start + comma
        return (0, end) if len(text[:end].split()) >= 4 else None
    # Only "told" takes an object before its clause: "told a meeting in Kaliningrad that ...".
    object_words = r"(?:[^.,;\"“]{0,60}?\s)?" if verb.group().lower() in {"told", "tells", "tell"} else ""
    lead = re.match(_WHEN + r"\s+" + object_words + r"that\s+", after)
    if lead is None and verb.group().lower() in _CLAUSE_VERBS:
        lead = re.match(_WHEN + r"\s+(?!(?:in|on|to|at|with|during|by|from|for|of)\b)", after)
    if lead is None or verb.start() > len(text) / 2:
        return None
    start = verb.end() + lead.end()
    end = len(text.rstrip())
    return (start, end) if len(text[start:end].split()) >= 4 else None


def attribute(unit: Sentence, state: Passage) -> Attribution:
    """Who made the statement in ``unit``, where, and how the article reports it."""
    frame = _blank_quotes(unit)
    starts_with_quote = bool(unit.quotes) and unit.quotes[0][0] - unit.start <= 1
    verbs = list(REPORTING.finditer(frame))
    speaker, is_org, how = None, False, "none"
    venue = _venue(frame)
    statement = None
    for verb in verbs:
        window_start = max([0] + [q1 - unit.start + 1 for q0, q1 in unit.quotes if q1 - unit.start < verb.start()])
        speaker, is_org, how = _subject(frame[window_start: verb.start()], state)
        if not speaker and how == "none":
            speaker, is_org = _after_verb_subject(frame, verb.end(), state)
            how = "inverted" if speaker else how
        if speaker or verb is verbs[-1]:
            statement = _statement(unit, frame, verb, window_start)
        if speaker:
            break
    if not verbs and starts_with_quote and state.last_speaker:
        # A quote paragraph with no frame continues the previous speaker's quote.
        previous = state.last_speaker
        return Attribution(previous.speaker, previous.venue, DIRECT, previous.speaker_is_organisation)
    if not speaker:
        m = re.search(r"\baccording to\s+((?:the\s+)?[\w’'. -]{2,60}?)\s*(?:[.,;]|$)", frame, re.IGNORECASE)
        if m:
            before = unit.text[: m.start()].rstrip(" ,")
            statement = (0, len(before)) if m.start() > len(unit.text) / 2 and len(before.split()) >= 4 else None
            name = person_name(m.group(1))
            if name and len(name.split()) >= 2:
                speaker, how = state.book.resolve_person(name), "named"
            else:
                org = organisation_name(m.group(1), known=state.organisations)
                speaker, is_org, how = (org, True, "organisation") if org else (None, False, how)
    _remember_people(frame, state)
    if speaker and not is_org:
        if venue:
            state.venues[speaker] = venue
        elif how in {"pronoun", "role", "subjectless", "surname"}:
            venue = state.venues.get(speaker)
        state.last_person = speaker
    if speaker and is_org and speaker not in state.organisations:
        state.organisations.append(speaker)
    kind = REPORTED if speaker or verbs else OWN
    attribution = Attribution(speaker=speaker, venue=venue, kind=kind, speaker_is_organisation=is_org, statement=statement)
    if speaker:
        state.last_speaker = attribution
    return attribution


def _statement_quotes(unit: Sentence) -> list[tuple[int, int]]:
    """Quotes in ``unit`` that are whole statements, not words quoted inside the outlet's sentence."""
    found = []
    for q0, q1 in unit.quotes:
        inner = unit.text[q0 - unit.start: q1 - unit.start]
        if len(inner.split()) < MIN_QUOTE_WORDS:
            continue
        before = unit.text[: max(q0 - unit.start - 1, 0)]
        after = unit.text[q1 - unit.start + 1:]
        opens_unit = not before.strip()
        if (opens_unit and _FRAME_AFTER.match(after)) or (_FRAME_BEFORE.search(before) and _FRAME_AFTER.match(after)):
            found.append((q0, q1))
    return found


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span past surrounding spaces and the comma a quote ends with."""
    while start < end and text[start] in " \t\n":
        start += 1
    while end > start and text[end - 1] in " \t\n,;:":
        end -= 1
    return start, end


def extract(text: str, *, book: SpeakerBook | None = None, threshold: float = CHECKWORTHY_THRESHOLD) -> list[Mention]:
    """Check-worthy mentions in a clean article text, in reading order.

    Args:
        text: the article's clean text (boilerplate removed).
        book: canonical speakers known so far; extended with the names met here.
        threshold: check-worthiness below which a statement is dropped.
    """
    state = Passage(book=book or SpeakerBook())
    mentions: list[Mention] = []
    for unit in segment(text):
        dateline = _DATELINE.match(unit.text)
        if dateline:
            unit = Sentence(unit.start + dateline.end(), unit.end, unit.text[dateline.end():], unit.paragraph, unit.quotes)
        if is_heading(unit.text) or len(unit.text.split()) < MIN_WORDS:
            continue
        attribution = attribute(unit, state)
        if unit.text.rstrip(" \"”’'").endswith("?"):
            continue
        quotes = _statement_quotes(unit)
        spans: list[tuple[int, int, Attribution]] = []
        if quotes and attribution.speaker:
            direct = Attribution(attribution.speaker, attribution.venue, DIRECT, attribution.speaker_is_organisation)
            for q0, q1 in quotes:
                spans.append((*_trim(text, q0, q1), direct))
            lead = text[unit.start: quotes[0][0] - 1]
            if re.search(REPORTING.pattern + r"\s+that\s+\S+(?:\s+\S+){5,}", lead):
                spans.insert(0, (*_trim(text, unit.start, quotes[0][0] - 1), attribution))
        elif attribution.statement and attribution.kind == REPORTED:
            s0, s1 = attribution.statement
            spans.append((*_trim(text, unit.start + s0, unit.start + s1), attribution))
        else:
            spans.append((unit.start, unit.end, attribution))
        for start, end, who in spans:
            claim = text[start:end]
            score = checkworthiness(claim, quoted=who.kind != OWN)
            if score >= threshold:
                mentions.append(Mention(start=start, end=end, text=claim, attribution=who, checkworthiness=score, sentence=unit.text))
    return mentions
