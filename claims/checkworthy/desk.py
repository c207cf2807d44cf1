"""The desk's policy on top of the model: a comparison by a named speaker is checked first.

"The situation in Kabul is better than under Ashraf Ghani", said by an ambassador, is the kind of
statement a fact-checker checks first. A model learnt from public data cannot put it there: in
ClaimBuster, which the news head is trained on, 16 of the 20 "better / worse / safer than"
sentences are labelled not check-worthy (docs/BENCHMARKS.md). So the queue follows a written
policy instead: a comparison that a named person or organisation makes is queued as check-worthy
as the best statistics. It is a policy of the desk, with no weight fitted to any story;
``bench.generalisation`` measures what it does to the ranking on every annotated story.
"""

from __future__ import annotations

import re

from claims.records import ANONYMOUS
from db.models import AttributionKind

# The score a named speaker's comparison is lifted to: the model's own scale, where 0.5 is the
# cut between check-worthy and not and the best-sourced statistics score about 0.9.
COMPARISON_FLOOR = 0.9

# "better than under Ghani", "safer than it had been", "more cases than", "compared with last year",
# "the highest since 1982": a comparison with another time, place or group. Not "other than",
# "rather than", "more than 16,000" (a count, not a comparison), "less than 10 minutes".
_COMPARISON = re.compile(
    r"\b(?:better|worse|safer|weaker|stronger|higher|lower|bigger|smaller|larger|faster|slower|"
    r"cheaper|richer|poorer|greater|fewer|"
    r"(?:more|less)\s+(?!than\b)[a-z]+)\b[^.;:]{0,60}?\bthan\b(?!\s+(?:\d|a\s+(?:dozen|hundred|thousand|million)))"
    r"|\bcompared\s+(?:with|to)\b"
    r"|\b(?:the\s+)?(?:highest|lowest|best|worst|biggest|largest|smallest|fastest|slowest)\b[^.;:]{0,40}?\b(?:since|ever|on\s+record|in\s+\d+\s+years)\b",
    re.IGNORECASE,
)


def is_comparison(text: str) -> bool:
    return bool(_COMPARISON.search(text))


def desk_priority(score: float, text: str, kind: AttributionKind | str, speaker: str | None) -> float:
    """The check-worthiness the queue orders by: the model's ``score``, lifted to
    :data:`COMPARISON_FLOOR` for a comparison a named speaker makes (not the outlet's own, not
    unnamed sources)."""
    named = bool(speaker) and speaker != ANONYMOUS and kind != AttributionKind.outlet_assertion
    return max(score, COMPARISON_FLOOR) if named and is_comparison(text) else score
