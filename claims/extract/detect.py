"""Check-worthy claims in a clean article, with who said them, where and how.

Walks the article unit by unit (see :func:`claims.text.sentences.segment`) keeping the
passage state a reader keeps: the last person quoted and where they spoke, so
that "he said" and "the ambassador added" resolve to the right name, and a
quote that runs on into the next paragraph keeps its speaker.
"""

from __future__ import annotations

import re
from dataclasses import replace

from claims.checkworthy.rules import rule_score
from claims.config import settings
from claims.extract.passage import Passage
from claims.extract.referents import (
    earlier_occasion,
    is_pronoun,
    ministry_hint,
    note_role,
    occasion,
    person_subject,
    person_with_role,
    pronoun_referent,
    role_of_subject,
    sourcing,
    subject_of,
)
from claims.extract.speakers import (
    CAPITALS,
    COUNTRIES,
    NATIONALITY,
    SpeakerBook,
    fold,
    organisation_name,
    person_name,
)
from claims.extract.venues import MEDIA, venue_of
from claims.records import Attribution, FoundClaim, Sentence
from claims.text.clean import is_heading
from claims.text.lexicon import REPORTING, ROLE_NOUNS, SOURCING
from claims.text.nlp import Analysis
from claims.text.sentences import parts, segment
from claims.text.spans import MIN_WORDS, split_units, statement_quotes, statement_spans, trim
from db.models import AttributionKind

CHECKWORTHY_THRESHOLD = 0.5

_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40}(?:\s*\([^)]{2,60}\))?\s*[–—-]\s+")
_CAP_RUN = re.compile(r"(?:[A-Z][\w’'.-]*)(?:\s+(?:[A-Z][\w’'.-]*|al-\w+|bin|de|van|von))*")
_PRONOUN_SUBJECT = re.compile(r"\b(he|she)\s+(?:also\s+|further\s+|later\s+|then\s+)?$", re.IGNORECASE)
_ROLE_SUBJECT = re.compile(
    r"\b(?:the|\w+['’]s|his|her)\s+(?:[\w-]+\s+){0,3}?(" + "|".join(ROLE_NOUNS) + r")\s+(?:also\s+)?$",
    re.IGNORECASE,
)

# Verbs that report speech whatever follows them; the others need a clause, a quote or a colon.
_SPEECH = {
    "said",
    "says",
    "say",
    "saying",
    "told",
    "tells",
    "tell",
    "added",
    "adds",
    "adding",
    "urged",
    "described",
    "describing",
    "praised",
    "commended",
    "hailed",
    "hailing",
    "vowed",
    "blamed",
    "accused",
    "promised",
    "warned",
    "emphasised",
    "emphasized",
    "stressed",
    "underscored",
    "highlighted",
    "noted",
    "insisted",
    "argued",
    "clarified",
    "explained",
    "declared",
    "admitted",
    "acknowledged",
}
_CONNECTIVES = re.compile(
    r"^(?:(?:moreover|also|further(?:more)?|additionally|besides|and|but)\b,?\s*)+", re.IGNORECASE
)


def _blank_quotes(unit: Sentence) -> str:
    """The unit's text with quoted passages replaced by spaces (offsets unchanged)."""
    chars = list(unit.text)
    for q0, q1 in unit.quotes:
        for i in range(max(q0 - unit.start, 0), min(q1 - unit.start, len(chars))):
            chars[i] = " "
    return "".join(chars)


def _chunks(window: str) -> list[tuple[int, str]]:
    """Comma-separated pieces of a subject window with their offsets, right to left (appositives come apart)."""
    pieces, last = [], 0
    for sep in re.finditer(r"[,;—–(]", window):
        pieces.append((last, window[last : sep.start()]))
        last = sep.end()
    pieces.append((last, window[last:]))
    return [p for p in reversed(pieces) if p[1].strip()][:4]


def _person(name: str, state: Passage) -> str:
    """The canonical person for a name NER found: full names and known surnames resolve through the book."""
    if len(name.split()) >= 2:
        return state.book.resolve_person(name)
    return state.book.known_surname(name) or name


def _at_home(org: str, state: Passage, offset: int | None = None) -> str:
    """'The Foreign Ministry' is the ministry of the country named just before, else of the article's country."""
    if not (
        org.endswith("Ministry")
        and fold(org.split()[0]) in {"foreign", "defence", "interior", "justice", "finance", "health"}
    ):
        return org
    country = state.home
    if state.nlp is not None and offset is not None:
        near = [_country(e) for e in state.nlp.between(max(0, offset - 200), offset, "GPE", "NORP")]
        country = next((c for c in reversed(near) if c), country)
    return f"{NATIONALITY.get(fold(country), country)} {org}" if country else org


def _country(entity) -> str | None:
    key = fold(entity.text)
    if key in CAPITALS:
        return CAPITALS[key]
    if key in COUNTRIES:
        return entity.text
    return next((c.title() for c, nat in NATIONALITY.items() if nat.lower() == key and c in COUNTRIES), None)


def _reporting(verb: re.Match, unit: Sentence, state: Passage) -> bool:
    """Whether a reporting word is used as a verb that reports speech ('states' can be a noun)."""
    if state.nlp is None:
        return True
    token = state.nlp.token_at(unit.start + verb.start())
    word = verb.group().lower()
    if token is None or token.idx != unit.start + verb.start():
        return True
    if token.pos_ not in {"VERB", "AUX"}:
        return word in _SPEECH and token.pos_ != "NOUN"
    if (
        word in _SPEECH
        or any(child.dep_ in {"ccomp", "parataxis"} for child in token.children)
        or person_subject(token)
    ):
        return True
    after = unit.text[verb.end() :]
    return bool(re.match(r"[^.;]{0,50}?\bthat\b|\s*[:,.“\"]|\s*$", after))


def _sourcing(verb: re.Match, unit: Sentence, state: Passage) -> bool:
    token = state.nlp.token_at(unit.start + verb.start())
    return token is not None and token.idx == unit.start + verb.start() and sourcing(token)


def _subject(window: str, state: Passage, offset: int = 0) -> tuple[str | None, bool, str]:
    """(speaker, is_organisation, how) for the text just before a reporting verb."""
    # The parsed subject sees past adverbs and auxiliaries ("She had earlier said"); the regexes serve without spaCy.
    subject = subject_of(state, offset + len(window))
    pronoun = subject.lower_ if is_pronoun(subject) else None
    if pronoun is None and subject is None and _PRONOUN_SUBJECT.search(window):
        pronoun = _PRONOUN_SUBJECT.search(window).group(1)
    if pronoun:
        return pronoun_referent(pronoun, state), False, "pronoun"
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
        if (
            group is not None and group.start >= offset and not state.book.known_surname(group.text)
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
            return _person(name, state), False, "named"
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
                known = state.book.known_surname(name)
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
    if re.search(r"\b(?:of|at|in|for|with|to)\s+(?:the\s+)?$", before) or state.book.known_surname(
        group.text
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


def _remember_people(frame: str, state: Passage, offset: int = 0) -> None:
    """Names seen outside quotes become referents for later pronouns."""
    if state.nlp is not None:
        for person in state.nlp.between(offset, offset + len(frame), "PERSON"):
            if not frame[person.start - offset : person.end - offset].strip():
                continue  # inside a quote (blanked in the frame)
            name = person_name(person.text) or person.text
            if len(name.split()) < 2 and not state.book.known_surname(name):
                continue
            canonical = _person(name, state)
            note_role(
                canonical,
                frame[max(0, person.start - offset - 30) : person.start - offset] + " " + person.text,
                state,
            )
            state.last_person = canonical
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
            note_role(canonical, frame[max(0, run.start() - 30) : run.start()] + " " + run.group(), state)
            state.last_person = canonical


_CLAUSE_VERBS = set(
    "said says say added adds stated claimed noted insisted warned argued confirmed announced declared believes "
    "believed suggested mentioned admitted acknowledged asserted maintained stressed explained wrote reported".split()
)
_WHEN = r"(?:\s+(?:on|last|this|late|early|earlier|later)?\s*(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|week|month|year|evening|morning|night|today|yesterday)\b(?:\s+(?:evening|morning|night))?)?"


# "said many times that", "has repeatedly said that": adverbs between the verb and its clause.
_ADVERBIAL = r"(?:\s+(?:(?:many|several|a\s+few|numerous|three|two)\s+times|repeatedly|again|previously|earlier|publicly|often|already|also))*"


def _statement(unit: Sentence, frame: str, verb: re.Match, window_start: int) -> tuple[int, int] | None:
    """The reported statement without its frame, as a span of the unit, or None to keep it all.

    "Markovic said on Tuesday that ferry crossings had doubled." -> "ferry crossings had doubled."
    "Ferry traffic has doubled, Transport Minister Elena Markovic said on Tuesday." -> "Ferry traffic has doubled"
    """
    text = unit.text
    after = frame[verb.end() :]
    tail_words = len(after.split())
    window = frame[window_start : verb.start()]
    comma = window.rfind(",")
    if (
        comma != -1
        and window[comma + 1 :].strip()
        and tail_words <= 8
        and "that" not in after.split()
        and verb.start() > len(text) / 2
    ):
        end = window_start + comma
        return (0, end) if len(text[:end].split()) >= 4 else None
    # Only "told" takes an object before its clause: "told a meeting in Kaliningrad that ...".
    object_words = r"(?:[^.,;\"“]{0,60}?\s)?" if verb.group().lower() in {"told", "tells", "tell"} else ""
    lead = re.match(
        _WHEN
        + _ADVERBIAL
        + r"(?:\s+(?:in|at|on|during|to)\s+[^.,;“\"]{0,50}?)?"
        + _ADVERBIAL
        + r"\s+"
        + object_words
        + r"that\s+",
        after,
    )
    if lead is None and verb.group().lower() in _CLAUSE_VERBS:
        lead = re.match(_WHEN + r"\s+(?!(?:in|on|to|at|with|during|by|from|for|of)\b)", after)
    if lead is None or verb.start() > len(text) / 2:
        return None
    start = verb.end() + lead.end()
    end = len(text.rstrip())
    # After an explicit "that" a short clause is a whole statement ("that crossings had doubled").
    shortest = 3 if lead.group().rstrip().endswith("that") else 4
    return (start, end) if len(text[start:end].split()) >= shortest else None


def attribute(unit: Sentence, state: Passage) -> Attribution:
    """Who made the statement in ``unit``, where, and how the article reports it."""
    frame = _blank_quotes(unit)
    starts_with_quote = bool(unit.quotes) and unit.quotes[0][0] - unit.start <= 1
    verbs = [v for v in REPORTING.finditer(frame) if _reporting(v, unit, state)]
    if not verbs and state.nlp is not None:
        verbs = [v for v in SOURCING.finditer(frame) if _sourcing(v, unit, state)]
    speaker, is_org, how = None, False, "none"
    venue = venue_of(frame)
    statement = None
    reported_by = None  # the reporting verb the speaker was found for
    for verb in verbs:
        window_start = max(
            [0] + [q1 - unit.start + 1 for q0, q1 in unit.quotes if q1 - unit.start < verb.start()]
        )
        speaker, is_org, how = _subject(frame[window_start : verb.start()], state, unit.start + window_start)
        if not speaker and how == "none":
            speaker, is_org = _after_verb_subject(frame, verb.end(), state)
            how = "inverted" if speaker else how
        if speaker or verb is verbs[-1]:
            statement = _statement(unit, frame, verb, window_start)
        if speaker:
            reported_by = verb
            break
    if not verbs and starts_with_quote and state.last_speaker:
        # A quote paragraph with no frame continues the previous speaker's quote.
        previous = state.last_speaker
        return Attribution(
            previous.speaker, previous.venue, AttributionKind.direct_quote, previous.speaker_is_organisation
        )
    if not speaker:
        m = re.search(r"\baccording to\s+((?:the\s+)?[\w’'. -]{2,60}?)\s*(?:[.,;]|$)", frame, re.IGNORECASE)
        if m:
            before = unit.text[: m.start()].rstrip(" ,")
            statement = (
                (0, len(before)) if m.start() > len(unit.text) / 2 and len(before.split()) >= 4 else None
            )
            speaker, is_org, how = _source(m.group(1), unit.start + m.start(1), state)
    if (
        not speaker
        and not verbs
        and state.last_speaker
        and state.since_speaker <= 1
        and _continues(unit, state)
    ):
        # "Moreover, had given Moscow guarantees ...": no subject, so the last speaker goes on.
        previous = state.last_speaker
        speaker, is_org, how = previous.speaker, previous.speaker_is_organisation, "subjectless"
        verbs = [None]
    _remember_people(frame, state, unit.start)
    dated = occasion(state, unit.start + reported_by.start(), venue) if reported_by else None
    if speaker:
        if venue:
            state.venues[speaker], state.occasions[speaker] = venue, dated
        elif (
            how in {"pronoun", "role", "subjectless", "surname"}
            and not (reported_by and earlier_occasion(state, unit.start + reported_by.start()))
            and not (
                dated and state.occasions.get(speaker) and dated.lower() != state.occasions[speaker].lower()
            )
        ):
            # A follow-up report keeps the speaker's last venue unless it is dated to another occasion.
            venue = state.venues.get(speaker)
    if speaker and not is_org:
        state.last_person = speaker
    if speaker and is_org and speaker not in state.organisations:
        state.organisations.append(speaker)
    kind = AttributionKind.reported_speech if speaker or verbs else AttributionKind.outlet_assertion
    attribution = Attribution(
        speaker=speaker, venue=venue, kind=kind, speaker_is_organisation=is_org, statement=statement
    )
    # The date the parse attaches to the reporting verb is the report's; else the frame's first date.
    attribution.when = (
        (_dated(dated) or _when(unit, frame, statement, state))
        if kind == AttributionKind.reported_speech
        else None
    )
    state.since_speaker += 1
    if speaker:
        state.last_speaker = attribution
        state.since_speaker = 0
    return attribution


def _source(phrase: str, offset: int, state: Passage) -> tuple[str | None, bool, str]:
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


def _continues(unit: Sentence, state: Passage) -> bool:
    """A unit that opens on a finite verb with no subject ("Also blamed the government ...")."""
    lead = _CONNECTIVES.match(unit.text)
    if not lead or state.nlp is None:
        return False
    token = state.nlp.token_at(unit.start + lead.end())
    return (
        token is not None
        and token.pos_ in {"VERB", "AUX"}
        and token.tag_ in {"VBD", "VBZ", "VBP", "VBN", "MD"}
    )


def _when(unit: Sentence, frame: str, statement: tuple[int, int] | None, state: Passage) -> str | None:
    """The date phrase of the reporting frame ("on Monday evening"), outside the statement and quotes."""
    if state.nlp is None:
        return None
    found = []
    for entity in state.nlp.between(unit.start, unit.end, "DATE", "TIME"):
        at = entity.start - unit.start
        if statement and statement[0] <= at < statement[1]:
            continue
        if not frame[at : entity.end - unit.start].strip():
            continue
        if found and entity.start - found[-1].end <= 1:
            found[-1] = type(entity)(
                found[-1].start,
                entity.end,
                unit.text[found[-1].start - unit.start : entity.end - unit.start],
                "DATE",
            )
        else:
            found.append(entity)
    if not found:
        return None
    phrase = re.sub(r"^(?:on|in|at|later|earlier|late|early)\s+", "", found[0].text, flags=re.IGNORECASE)
    return phrase if re.search(r"[A-Za-z]", phrase) else None


def _dated(phrase: str | None) -> str | None:
    return (
        re.sub(r"^(?:on|in|at|later|earlier)\s+", "", phrase, flags=re.IGNORECASE)
        if phrase and re.search(r"[A-Za-z]", phrase)
        else None
    )


def _home(analysis: Analysis | None) -> str | None:
    """The country an article names most (capitals count for their country)."""
    if analysis is None:
        return None
    counts: dict[str, int] = {}
    for entity in analysis.entities:
        country = _country(entity) if entity.label in {"GPE", "NORP"} else None
        if country:
            counts[country] = counts.get(country, 0) + 1
    return max(counts, key=counts.get) if counts else None


def headline(text: str) -> tuple[int, int] | None:
    """The span of the article's title line, when it reads as a statement (not a question)."""
    first = text.split("\n", 1)[0].strip()
    if not first or not is_heading(first) or first.endswith("?") or len(first.split()) < 4:
        return None
    start = text.index(first)
    return start, start + len(first)


def extract(
    text: str,
    *,
    book: SpeakerBook | None = None,
    threshold: float = CHECKWORTHY_THRESHOLD,
    nlp: bool = True,
    part_chars: int | None = None,
) -> list[FoundClaim]:
    """Check-worthy mentions in a clean article text, in reading order.

    A long article is read in parts of whole paragraphs, so that the parse of one part at a time is
    held in memory; what a reader remembers (who spoke last, where, in what role) carries over.

    Args:
        text: the article's clean text (boilerplate removed).
        book: canonical speakers known so far; extended with the names met here.
        threshold: check-worthiness below which a statement is dropped.
        nlp: use spaCy for names, verbs and dates (without it: capitalisation rules only).
        part_chars: the most characters parsed at once (default: ``settings().part_chars``).
    """
    part_chars = part_chars or settings().part_chars
    mentions: list[FoundClaim] = []
    state: Passage | None = None
    for offset, part in parts(text, part_chars):
        analysis = Analysis(part) if nlp else None
        if state is None:
            state = Passage(book=book or SpeakerBook(), nlp=analysis, home=_home(analysis), text=part)
        else:
            state = replace(state, nlp=analysis, text=part)
        for mention in _extract_part(part, state, threshold):
            mention.start, mention.end = mention.start + offset, mention.end + offset
            mentions.append(mention)
    return mentions


def _extract_part(text: str, state: Passage, threshold: float) -> list[FoundClaim]:
    mentions: list[FoundClaim] = []
    units = []
    for unit in segment(text):
        dateline = _DATELINE.match(unit.text)
        if dateline:
            unit = Sentence(
                unit.start + dateline.end(),
                unit.end,
                unit.text[dateline.end() :],
                unit.paragraph,
                unit.quotes,
            )
        if not is_heading(unit.text) and len(unit.text.split()) >= MIN_WORDS:
            units.append(unit)
    for unit in split_units(units):
        attribution = attribute(unit, state)
        if unit.text.rstrip(" \"”’'").endswith("?"):
            continue
        quotes = statement_quotes(unit)
        spans: list[tuple[int, int, Attribution]] = []
        if quotes and attribution.speaker:
            direct = Attribution(
                attribution.speaker,
                attribution.venue,
                AttributionKind.direct_quote,
                attribution.speaker_is_organisation,
                when=attribution.when,
            )
            for q0, q1 in quotes:
                spans.append((*trim(text, q0, q1), direct))
            lead = text[unit.start : quotes[0][0] - 1]
            if re.search(REPORTING.pattern + r"(?:\s+[^.“\"]{0,60}?)?\s+that\s+\S+(?:\s+\S+){5,}", lead):
                spans.insert(0, (*trim(text, unit.start, quotes[0][0] - 1), attribution))
        elif attribution.statement and attribution.kind == AttributionKind.reported_speech:
            spans.extend(statement_spans(text, unit, *attribution.statement, attribution))
        else:
            spans.append((unit.start, unit.end, attribution))
        for start, end, who in spans:
            claim = text[start:end]
            score = rule_score(claim, quoted=who.kind != AttributionKind.outlet_assertion)
            if who.kind == AttributionKind.reported_speech and len(claim.split()) < MIN_WORDS:
                # A short reported clause ("that crossings had doubled") is judged with its frame, which says who claims it.
                score = max(score, rule_score(unit.text, quoted=True))
            if score >= threshold:
                mentions.append(
                    FoundClaim(
                        start=start,
                        end=end,
                        text=claim,
                        attribution=who,
                        checkworthiness=score,
                        sentence=unit.text,
                    )
                )
    return mentions
