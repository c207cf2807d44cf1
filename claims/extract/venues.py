"""Where a statement was made, read off its reporting frame.

"told Radio Valdora", "in an interview on Ekho Moskvy radio", "at a press conference",
"told parliament", "in a statement": one pattern per way news writing names the venue,
tried in order. What no pattern names, the sentence's parse may: an occasion of speech
("speech", "briefing", "remarks") that frames the speaker's words, with where it was held
("in his keynote speech at the Jackson Hole symposium", "told a media briefing in Geneva").
"""

from __future__ import annotations

import re

from claims.extract.referents import person_subject

MEDIA = r"(?:radio(?:\s+station)?|television(?:\s+channel)?|TV(?:\s+channel)?|channel|newspaper|news\s+agency|broadcaster|daily)"
_PROPER = r"(?:[A-Z][\w’'-]*|\d+)(?:\s+(?:[A-Z][\w’'-]*|\d+))*"
_VENUES = [
    re.compile(
        r"\b(?:on|to|with|by|told|in)\s+(?:the\s+)?(?:state-run\s+|state\s+)?(?:[A-Z]\w+['’]s\s+)?(?P<v>"
        + _PROPER
        + r")\s+"
        + MEDIA
        + r"\b"
    ),
    re.compile(
        r"\b(?:on|to|with|by|told)\s+(?:the\s+)?(?:[A-Z]\w+['’]s\s+)?(?P<v>(?:Channel|Radio|TV)\s+\w+|"
        + _PROPER
        + r"\s+\d+)\b(?![%.,]?\d|%)"
    ),
    re.compile(r"\binterview\b[^.]{0,40}?\b(?:with|to|on)\s+(?:the\s+)?(?P<v>" + _PROPER + r")"),
    re.compile(
        r"\b(?:told|to|on)\s+(?P<v>(?:Russian\s+|the\s+)?state(?:-run)?\s+(?:media|television|TV|radio))\b"
    ),
    re.compile(r"\b(?P<v>(?:a|the|his|her)\s+(?:news|press)\s+(?:conference|briefing))\b"),
    re.compile(
        r"\b(?:at|told)\s+(?P<v>(?:a|an|the)\s+(?:parliamentary\s+)?(?:meeting|conference|summit|briefing|forum|rally|session|committee|hearing)(?:\s+(?:in|of)\s+[A-Z]\w+)?)"
    ),
    re.compile(r"\btold\s+(?P<v>parliament|congress|MPs|lawmakers|legislators|the\s+(?:senate|chamber))\b"),
    re.compile(
        r"\b(?:told|(?:said|confirmed|explained|admitted)\s+to)\s+(?:the\s+)?(?P<v>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3})\s*(?:that\b|on\b|in\b|:|\.?\s*$)"
    ),
    re.compile(r"\bat\s+(?P<v>talks\s+in\s+[A-Z]\w+)"),
    re.compile(r"\b(?i:in)\s+(?P<v>(?:a|the|its|his|her)\s+statement)\b"),
    re.compile(r"\b(?P<v>statement)\s+(?:\w+\s+)?(?:said|says|claimed|added)\b"),
]


def venue_of(frame: str) -> str | None:
    """Where the statement in a reporting frame (quotes blanked) was made: a medium, an event, a statement."""
    for pattern in _VENUES:
        match = pattern.search(frame)
        if match:
            venue = re.sub(r"^(?:the|a|an|his|her)\s+", "", match.group("v").strip())
            venue = re.sub(r"['’]s$", "", venue)
            venue = re.sub(r"\s+" + MEDIA + r"$", "", venue) if pattern is _VENUES[0] else venue
            # Telling MPs is speaking in parliament; the venue is the institution, not the audience.
            venue = "parliament" if venue in {"MPs", "lawmakers", "legislators"} else venue
            return venue
    return None


# Occasions of speech. A press event is one wherever the parse attaches it; the others must frame
# the speaker's words: the speaker's own (his, her), or governed by the verb the speaker is subject of.
PRESS_EVENTS = {"conference", "briefing", "briefings", "reporters", "journalists", "presser"}
OCCASIONS = PRESS_EVENTS | set(
    "speech speeches address keynote remarks lecture testimony interview interviews symposium summit "
    "forum gathering rally hearing podcast debate appearance statement".split()
)
_FRAMING_PREPOSITIONS = {"in", "at", "during", "from", "on", "to"}
_OWN = {"his", "her", "their"}
_SPEAKING = {
    "speaking",
    "spoke",
    "speaks",
    "delivered",
    "delivering",
    "gave",
    "giving",
    "addressed",
    "addressing",
}
# "told reporters", "speaking to journalists": a reporter's audience, the remarks are the venue.
_AUDIENCE = {"reporters": "remarks to reporters", "journalists": "remarks to journalists"}


def spoken_at(analysis, start: int, end: int, blanked: str, reporting: set[str]) -> tuple[str, int] | None:
    """(venue, offset of the verb it frames) of the occasion the parse finds in ``[start, end)`` of
    the analysed text, outside quotes (``blanked`` is that span with quotes blanked), or None.

    ``reporting``: the lower-case verbs that report speech, whose occasion the venue is.
    """
    if analysis is None:
        return None
    doc = analysis.doc
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    for token in span:
        at = token.idx - start
        if token.lower_ not in OCCASIONS or not blanked[at : at + len(token.text)].strip():
            continue
        if token.dep_ == "pobj" and token.head.lower_ in _FRAMING_PREPOSITIONS:
            verb = token.head.head
        elif token.dep_ in {"dobj", "dative"} and token.head.lower_ in {"told", "tells", "tell", "addressed"}:
            verb = token.head
        else:
            continue
        if token.lower_ == "conference" and not any(c.lower_ in {"press", "news"} for c in token.children):
            framed = False  # "an economic conference" is an occasion only when it frames the words
        else:
            framed = token.lower_ in PRESS_EVENTS
        own = any(c.dep_ == "poss" and c.lower_ in _OWN for c in token.children)
        spoken = verb.pos_ in {"VERB", "AUX"} and (
            verb.lower_ in reporting or verb.lower_ in _SPEAKING or person_subject(verb)
        )
        if not (framed or own or spoken):
            continue
        return _phrase(token), (verb.idx if verb.pos_ in {"VERB", "AUX"} else token.idx)
    return None


def _phrase(token) -> str:
    """The occasion's name: its noun with the words that name it ("keynote speech", "Fed policy
    speech"), and where it was held ("at Jackson Hole, Wyoming"); no article, adjective or date."""
    if token.lower_ in _AUDIENCE:
        return _AUDIENCE[token.lower_]
    doc = token.doc
    left = [
        c
        for c in token.lefts
        if c.dep_ == "compound"
        or (c.dep_ == "amod" and (c.pos_ in {"PROPN", "NOUN"} or c.ent_type_ in {"NORP", "GPE", "ORG"}))
    ]
    first = min([token.i] + [w.i for c in left for w in c.subtree])
    words = [doc[first : token.i + 1].text]
    after = token.i + 1
    while after < len(doc) and doc[after].ent_type_ in {"DATE", "TIME"}:
        after += 1  # "remarks Friday at ..."
    # The parse may hang "at the conference" on the verb; the words right after the noun still name where.
    places = [c for c in token.rights if c.dep_ == "prep"] + ([doc[after]] if after < len(doc) else [])
    for child in places:
        if child.dep_ == "prep" and child.lower_ in {"at", "in", "from", "on"}:
            place = [w for w in child.subtree if w.ent_type_ not in {"DATE", "TIME"}]
            objects = [w for w in place if w.dep_ == "pobj" and w.head == child]
            if not objects or len(place) < 2:
                continue
            text = doc[place[0].i : place[-1].i + 1].text
            words.append(re.sub(r"[\s,;:]+$", "", text))
            break
    phrase = " ".join(words)
    return re.sub(r"^(?:the|a|an|his|her|its|their)\s+", "", phrase, flags=re.IGNORECASE)
