"""Where a statement was made, read off its reporting frame.

"told Radio Valdora", "in an interview on Ekho Moskvy radio", "at a press conference",
"told parliament", "in a statement": one pattern per way news writing names the venue,
tried in order.
"""

from __future__ import annotations

import re

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
        + r"\s+\d+)\b"
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
