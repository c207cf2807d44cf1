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
    occasion,
    person_subject,
    pronoun_referent,
    sourcing,
)
from claims.extract.speakers import (
    SpeakerBook,
)
from claims.extract.subjects import country_of, remember_people, source_of, speaker_after_verb, speaker_in
from claims.extract.venues import spoken_at, venue_of
from claims.records import Attribution, FoundClaim, Sentence
from claims.text.clean import is_heading
from claims.text.lexicon import REPORTING, REPORTING_VERBS, SOURCING
from claims.text.nlp import Analysis
from claims.text.sentences import parts, segment
from claims.text.spans import (
    FRONTED_CONCESSION,
    MIN_WORDS,
    concession_spans,
    split_units,
    statement_quotes,
    statement_spans,
    trim,
)
from db.models import AttributionKind

CHECKWORTHY_THRESHOLD = 0.5

_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40}(?:\s*\([^)]{2,60}\))?\s*[–—-]\s+")

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
_SPOKEN = {v.lower() for v in REPORTING_VERBS}
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


_CLAUSE_VERBS = set(
    "said says say added adds stated claimed noted insisted warned argued confirmed announced declared believes "
    "believed suggested mentioned admitted acknowledged asserted maintained stressed explained wrote reported".split()
)
_ACTS = {"declared", "announced"}
# '"Some pain," to quote him exactly': the writer hands the quote to the person last named.
_IN_THEIR_WORDS = re.compile(
    r"\bto quote (him|her)\b|\bas (he|she) put it\b|\bin (his|her) (?:own )?words\b", re.IGNORECASE
)
_SUBJECT_FORM = {"him": "he", "his": "he", "her": "she"}
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
    fronted = FRONTED_CONCESSION.match(text)
    if fronted and fronted.end() <= window_start + comma + 2 and verb.start() >= fronted.end():
        # "Although the bridge carried 40,000 vehicles a day, the ministry said it would stay shut":
        # what comes before the comma is the outlet's concession, not the ministry's statement.
        that = re.match(r"\s+(?:that\s+)?", after)
        start = verb.end() + (that.end() if that else 0)
        end = len(text.rstrip())
        return (start, end) if len(text[start:end].split()) >= 3 else None
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
    # "The WHO declared the outbreak an emergency": declaring or announcing without "that" is an
    # act, and the sentence that reports it, whole, is the claim.
    if lead is None and verb.group().lower() in _CLAUSE_VERBS - _ACTS:
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
    spoken = None if venue else spoken_at(state.nlp, unit.start, unit.end, frame, _SPOKEN)
    venue = venue or (spoken[0] if spoken else None)
    statement = None
    reported_by = None  # the reporting verb the speaker was found for
    for verb in verbs:
        window_start = max(
            [0] + [q1 - unit.start + 1 for q0, q1 in unit.quotes if q1 - unit.start < verb.start()]
        )
        speaker, is_org, how = speaker_in(
            frame[window_start : verb.start()], state, unit.start + window_start
        )
        if how in {"none", "subjectless"}:
            # '“...,” said WHO chief Tedros': a name after the verb beats the last speaker.
            after, after_org = speaker_after_verb(frame, verb.end(), state, unit.start)
            if after or not speaker:
                speaker, is_org, how = after, after_org, "inverted" if after else how
        if speaker or verb is verbs[-1]:
            statement = _statement(unit, frame, verb, window_start)
        if speaker:
            reported_by = verb
            break
    told = _IN_THEIR_WORDS.search(frame) if not speaker and unit.quotes else None
    if told:
        pronoun = next(g for g in told.groups() if g).lower()
        speaker = pronoun_referent(_SUBJECT_FORM.get(pronoun, pronoun), state)
        is_org, how = False, "pronoun"
        verbs = verbs or [None]
    if not verbs and state.last_speaker and (starts_with_quote or _runs_on(unit, state)):
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
            speaker, is_org, how = source_of(m.group(1), unit.start + m.start(1), state)
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
    if not speaker and spoken:
        # "In his speech at Jackson Hole, Powell made a commitment ...": no claim of his, but where he spoke.
        heard, _, _ = speaker_in(frame[: spoken[1] - unit.start], state, unit.start)
        if heard:
            state.heard_at.setdefault(heard, []).append((spoken[0], occasion(state, spoken[1], venue)))
    remember_people(frame, state, unit.start)
    dated = occasion(state, unit.start + reported_by.start(), venue) if reported_by else None
    elsewhere = bool(reported_by and earlier_occasion(state, unit.start + reported_by.start()))
    if speaker:
        if venue:
            state.venues[speaker], state.occasions[speaker] = venue, dated
            state.heard_at.setdefault(speaker, []).append((venue, dated))
        elif (
            how in {"pronoun", "role", "subjectless", "surname", "document"}
            and not elsewhere
            and not (
                dated and state.occasions.get(speaker) and dated.lower() != state.occasions[speaker].lower()
            )
        ):
            # A follow-up report keeps the speaker's last venue unless it is dated to another occasion.
            venue = state.venues.get(speaker)
        if not venue and not elsewhere:
            venue = _one_occasion(state.heard_at.get(speaker, []), dated)
    if speaker and not is_org:
        state.last_person = speaker
    if speaker and is_org and speaker not in state.organisations:
        state.organisations.append(speaker)
    kind = AttributionKind.reported_speech if speaker or verbs else AttributionKind.outlet_assertion
    attribution = Attribution(
        speaker=speaker,
        venue=venue,
        kind=kind,
        speaker_is_organisation=is_org,
        statement=statement,
        earlier=elsewhere,
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


def _runs_on(unit: Sentence, state: Passage) -> bool:
    """A sentence right after someone's reported words that quotes a whole phrase with no frame of
    its own ('That will "bring some pain to households"'): the quote is still theirs. A word or
    two in quotes is the writer's (scare quotes), and so is a quoted name with no verb in it
    ('The WHO label - a "public health emergency of international concern" - is designed to ...')."""
    return state.since_speaker <= 1 and any(
        len(unit.text[q0 - unit.start : q1 - unit.start].split()) >= MIN_WORDS and _says(q0, q1, state)
        for q0, q1 in unit.quotes
    )


def _says(start: int, end: int, state: Passage) -> bool:
    """Whether the quoted words hold a verb: a statement, not a term."""
    if state.nlp is None:
        return True
    span = state.nlp.doc.char_span(start, end, alignment_mode="expand")
    return span is None or any(t.pos_ in {"VERB", "AUX"} for t in span)


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
        country = country_of(entity) if entity.label in {"GPE", "NORP"} else None
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
    for mention in mentions:
        who = mention.attribution
        if who.speaker and not who.venue and not who.earlier:
            # "The head of the WHO has declared ..." before "Tedros told a news conference ...": the
            # one occasion the article reports a speaker at is also where their earlier lines were said.
            who.venue = _one_occasion(state.heard_at.get(who.speaker, []), who.when, strict=True)
        if who.venue and who.speaker:
            who.venue = fuller(who.venue, state.heard_at.get(who.speaker, []))
    return mentions


def _one_occasion(
    heard: list[tuple[str, str | None]], dated: str | None, *, strict: bool = False
) -> str | None:
    """The one venue the article has reported a speaker at so far, for a statement of theirs that
    names none: "Powell said ... in his speech at Jackson Hole" names the venue of what follows,
    unless the statement is dated to another day than that report. "speech" and "speech at Jackson
    Hole" are one venue."""
    names = {fuller(venue, heard) for venue, _ in heard}
    if len(names) != 1:
        return None
    dates = {d.lower() for _, d in heard if d}
    if dated and (dates or strict) and dated.lower() not in dates:
        return None
    return names.pop()


def fuller(venue: str, heard: list[tuple[str, str | None]]) -> str:
    """The fullest name the article gives ``venue``: "speech at Jackson Hole, Wyoming" for "speech"."""
    words = lambda v: set(re.findall(r"\w+", v.lower()))
    return max((v for v, _ in heard if words(venue) <= words(v)), key=len, default=venue)


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
            fronted = FRONTED_CONCESSION.match(unit.text)
            if fronted and attribution.statement[0] >= fronted.end():
                own = Attribution(None, None, AttributionKind.outlet_assertion)
                cut = unit.text.rfind(",", 0, attribution.statement[0])  # the comma before the frame
                spans.append((*trim(text, unit.start + fronted.start(1), unit.start + cut), own))
            spans.extend(statement_spans(text, unit, *attribution.statement, attribution))
        else:
            spans.append((unit.start, unit.end, attribution))
        spans = [(a, b, who) for start, end, who in spans for a, b in concession_spans(text, start, end)]
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
