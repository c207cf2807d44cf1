"""Scoring extraction against a hand-annotated gold set (tests/data/*_gold.json).

The gold file holds short anchors of each claim as it appears in an article,
never the article: a claim is found when a mention's text contains its
anchor, ignoring case, quote style and spacing. One mention finds at most
one claim, so a sentence holding two claims must be split to find both.
Optional claims (background, appeals) may be found or missed freely.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from claims.records import FoundClaim

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'"})


def squash(text: str) -> str:
    """Lower case, straight quotes, single spaces: the form anchors are compared in."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip().lower()


def _choices(value) -> list[str | None]:
    return list(value) if isinstance(value, list) else [value]


@dataclass
class GoldClaim:
    id: str
    anchor: str
    speaker: list[str | None]
    venue: list[str | None]
    kind: list[str]
    role: str = "body"
    when: str | None = None
    optional: bool = False

    @classmethod
    def from_json(cls, item: dict) -> GoldClaim:
        return cls(
            id=item["id"],
            anchor=item["anchor"],
            speaker=_choices(item.get("speaker")),
            venue=_choices(item.get("venue")),
            kind=_choices(item["kind"]),
            role=item.get("role", "body"),
            when=item.get("when"),
            optional=bool(item.get("optional")),
        )


@dataclass
class GoldArticle:
    name: str
    claims: list[GoldClaim]
    not_claims: list[str] = field(default_factory=list)


SAME, RELATED, DIFFERENT, DISTINCT = "same", "related", "different", "distinct"


@dataclass
class GoldSet:
    articles: dict[str, GoldArticle]
    same: list[list[str]]
    related: list[list[str]] = field(default_factory=list)
    distinct: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # "same" is transitive: one group id per claim, by union over the listed groups.
        self._group: dict[str, str] = {}
        for group in self.same:
            roots = {self._root(c) for c in group}
            keep = min(roots)
            for claim_id, root in list(self._group.items()):
                if root in roots:
                    self._group[claim_id] = keep
            for claim_id in group:
                self._group[claim_id] = keep
        # A pair listed as related or distinct speaks for the two claims' whole groups.
        self._related = {frozenset(self._root(c) for c in pair) for pair in self.related}
        self._distinct = {frozenset(self._root(c) for c in pair) for pair in self.distinct}

    def _root(self, claim_id: str) -> str:
        return self._group.get(claim_id, claim_id)

    def pair(self, a: str, b: str) -> str:
        """SAME, RELATED, DISTINCT (alike but must stay apart) or DIFFERENT for two gold claim ids."""
        if a == b or self._root(a) == self._root(b):
            return SAME
        roots = frozenset((self._root(a), self._root(b)))
        if roots in self._distinct:
            return DISTINCT
        if roots in self._related:
            return RELATED
        return DIFFERENT


def load_gold(path: Path) -> GoldSet:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    articles = {
        name: GoldArticle(
            name, [GoldClaim.from_json(c) for c in item["claims"]], list(item.get("not_claims", []))
        )
        for name, item in data["articles"].items()
    }
    groups = lambda key: [list(group) for group in data.get(key, [])]
    return GoldSet(articles, groups("same"), groups("related"), groups("distinct"))


@dataclass
class Found:
    claim: GoldClaim
    mention: FoundClaim

    @property
    def speaker_ok(self) -> bool:
        return self.mention.attribution.speaker in self.claim.speaker

    @property
    def venue_ok(self) -> bool:
        return self.mention.attribution.venue in self.claim.venue

    @property
    def kind_ok(self) -> bool:
        return self.mention.attribution.kind in self.claim.kind

    @property
    def role_ok(self) -> bool:
        return getattr(self.mention, "role", "body") == self.claim.role

    @property
    def when_ok(self) -> bool:
        said = getattr(self.mention.attribution, "when", None)
        return squash(said or "") == squash(self.claim.when or "")


@dataclass
class ArticleScore:
    name: str
    found: list[Found]
    missed: list[GoldClaim]  # required claims no mention found
    extra: list[FoundClaim]  # mentions that found no claim
    boilerplate: list[FoundClaim]  # mentions holding a not-a-claim anchor
    required: int


def match(mentions: Iterable[FoundClaim], gold: GoldArticle) -> ArticleScore:
    """Pair mentions with gold claims, required claims first, each mention used once."""
    pool = [(squash(m.text), m) for m in mentions]
    used: set[int] = set()
    found: list[Found] = []
    missed: list[GoldClaim] = []
    ordered = sorted(gold.claims, key=lambda c: c.optional)
    for claim in ordered:
        anchor = squash(claim.anchor)
        hits = [i for i, (text, _) in enumerate(pool) if i not in used and anchor in text]
        if not hits:
            if not claim.optional:
                missed.append(claim)
            continue
        # Prefer the tightest mention, so a long unsplit one stays free for the claim it also holds.
        best = min(hits, key=lambda i: len(pool[i][0]))
        used.add(best)
        found.append(Found(claim, pool[best][1]))
    extra = [m for i, (_, m) in enumerate(pool) if i not in used]
    # A mention is boilerplate when a line of page furniture is in it, or it is cut from one. A line
    # of bare punctuation (a dash between a dateline and the text) cannot be told inside a sentence.
    banned = [squash(a) for a in gold.not_claims if any(ch.isalnum() for ch in a)]
    boilerplate = [m for text, m in pool if any(b in text or text in b for b in banned)]
    required = sum(1 for c in gold.claims if not c.optional)
    return ArticleScore(gold.name, found, missed, extra, boilerplate, required)


@dataclass
class Figures:
    required: int
    recalled: int
    mentions: int
    correct_mentions: int
    found: int
    speaker_right: int
    venue_right: int
    kind_right: int
    role_right: int
    dated: int
    when_right: int
    boilerplate: int

    @property
    def recall(self) -> float:
        return self.recalled / self.required if self.required else 1.0

    @property
    def precision(self) -> float:
        return self.correct_mentions / self.mentions if self.mentions else 1.0

    def rate(self, right: int, total: int | None = None) -> float:
        total = self.found if total is None else total
        return right / total if total else 1.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "required_claims": self.required,
            "mentions": self.mentions,
            "recall": round(self.recall, 3),
            "precision": round(self.precision, 3),
            "speaker_accuracy": round(self.rate(self.speaker_right), 3),
            "venue_accuracy": round(self.rate(self.venue_right), 3),
            "kind_accuracy": round(self.rate(self.kind_right), 3),
            "role_accuracy": round(self.rate(self.role_right), 3),
            "when_accuracy": round(self.rate(self.when_right, self.dated), 3),
            "boilerplate_mentions": self.boilerplate,
        }


def figures(scores: Iterable[ArticleScore]) -> Figures:
    scores = list(scores)
    found = [f for s in scores for f in s.found]
    dated = [f for f in found if f.claim.when]
    return Figures(
        required=sum(s.required for s in scores),
        recalled=sum(1 for f in found if not f.claim.optional),
        mentions=sum(len(s.found) + len(s.extra) for s in scores),
        correct_mentions=len(found),
        found=len(found),
        speaker_right=sum(f.speaker_ok for f in found),
        venue_right=sum(f.venue_ok for f in found),
        kind_right=sum(f.kind_ok for f in found),
        role_right=sum(f.role_ok for f in found),
        dated=len(dated),
        when_right=sum(f.when_ok for f in dated),
        boilerplate=sum(len(s.boilerplate) for s in scores),
    )
