"""Scoring linking against a gold set: which stored mentions share a tracked claim, pair by pair.

Each stored mention is matched to a gold claim of its article by anchor
(:func:`claims.eval.goldset.match`); mentions that match none are left out. Every
pair of matched mentions is then a true link (same tracked claim, gold SAME),
a false link (same tracked claim, gold DIFFERENT or DISTINCT), a missed link
(gold SAME, apart) or a true separation; gold RELATED pairs count neither way.
Pending link suggestions are scored the same way, as pairs of the suggested
mention with each mention of the suggested claim.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from sqlmodel import Session

from claims.eval.goldset import DIFFERENT, DISTINCT, RELATED, SAME, GoldSet, match
from db import crud


@dataclass
class LinkFigures:
    true_links: int = 0
    false_links: int = 0
    missed_links: int = 0
    distinct_merged: list[tuple[str, str]] = field(default_factory=list)
    false_pairs: list[tuple[str, str]] = field(default_factory=list)
    missed_pairs: list[tuple[str, str]] = field(default_factory=list)
    suggested_same: int = 0
    suggested_other: int = 0
    suggested_related: int = 0
    matched_mentions: int = 0

    @property
    def precision(self) -> float:
        linked = self.true_links + self.false_links
        return self.true_links / linked if linked else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_links + self.missed_links
        return self.true_links / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def reach(self) -> float:
        """Share of gold SAME pairs either linked or put to a reviewer as a suggestion."""
        wanted = self.true_links + self.missed_links
        return (self.true_links + self.suggested_same) / wanted if wanted else 1.0

    def as_dict(self) -> dict:
        suggested = self.suggested_same + self.suggested_other + self.suggested_related
        return {
            "matched_mentions": self.matched_mentions,
            "gold_same_pairs": self.true_links + self.missed_links,
            "auto_links": self.true_links + self.false_links,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "distinct_merged": len(self.distinct_merged),
            "suggestion_pairs": suggested,
            "suggestions_same": self.suggested_same,
            "suggestions_related": self.suggested_related,
            "same_pairs_linked_or_suggested": round(self.reach, 3),
        }


def gold_ids(session: Session, gold: GoldSet) -> dict[int, str]:
    """Stored mention id -> the gold claim id it matches, for the gold set's articles."""
    by_article: dict[int, list] = {}
    names: dict[int, str] = {}
    for row in crud.mention_rows(session):
        name = Path(row.article.document).name
        if name in gold.articles:
            by_article.setdefault(row.article.id, []).append(row.mention)
            names[row.article.id] = name
    out: dict[int, str] = {}
    for article_id, mentions in by_article.items():
        for found in match(mentions, gold.articles[names[article_id]]).found:
            out[found.mention.id] = found.claim.id
    return out


def score_links(session: Session, gold: GoldSet) -> LinkFigures:
    """Pairwise link figures of what is stored, against ``gold``."""
    ids = gold_ids(session, gold)
    claim_of = {
        row.mention.id: row.mention.claim_id for row in crud.mention_rows(session, mention_ids=list(ids))
    }
    figures = LinkFigures(matched_mentions=len(ids))
    for a, b in combinations(sorted(ids), 2):
        label = gold.pair(ids[a], ids[b])
        linked = claim_of[a] == claim_of[b]
        pair = tuple(sorted((ids[a], ids[b])))
        if label == RELATED:
            continue
        if label == SAME:
            if linked:
                figures.true_links += 1
            else:
                figures.missed_links += 1
                figures.missed_pairs.append(pair)
        elif linked:
            figures.false_links += 1
            figures.false_pairs.append(pair)
            if label == DISTINCT:
                figures.distinct_merged.append(pair)
    members: dict[int, list[int]] = {}
    for mention_id, claim_id in claim_of.items():
        members.setdefault(claim_id, []).append(mention_id)
    for suggestion in crud.pending_suggestions(session):
        if suggestion.mention_id not in ids:
            continue
        for other in members.get(suggestion.claim_id, []):
            label = gold.pair(ids[suggestion.mention_id], ids[other])
            if label == SAME and claim_of[suggestion.mention_id] != claim_of[other]:
                figures.suggested_same += 1
            elif label == RELATED:
                figures.suggested_related += 1
            elif label in (DIFFERENT, DISTINCT):
                figures.suggested_other += 1
    return figures


def partition(session: Session) -> set[frozenset[tuple[str, int, int]]]:
    """The tracked claims as sets of (document name, start, end): comparable across databases."""
    groups: dict[int, set[tuple[str, int, int]]] = {}
    for row in crud.mention_rows(session):
        groups.setdefault(row.mention.claim_id, set()).add(
            (Path(row.article.document).name, row.mention.start, row.mention.end)
        )
    return {frozenset(group) for group in groups.values()}
