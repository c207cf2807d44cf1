"""Tracked claims as a function of the mentions, not of the order they arrived in: the pure part.

Candidate pairs come from each mention's nearest mentions (:func:`nearest`), a fitted logistic
model over :mod:`claims.link.pair_features` gives each pair a probability of being the same claim,
and pairs are merged strongest first (ties broken by the mentions' stable keys) only while the two
groups agree on average (:func:`merge`). Reviewers' decisions and headlines that repeat a body claim
are constraints. Every decision looks only at a pair, its two neighbourhoods and the groups it
joins, so the mentions fall into components (mentions joinable step by step) that are decided each
on its own: :mod:`claims.link.relink` redoes only the components a change touches.

The parameters live in ``claims/models/linking.json``, fitted by ``bench/train_linking.py``;
``bench/linking.py`` measures the result.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from claims.config import MODELS, settings
from claims.link.pair_features import FEATURES, LinkItem, Neighbourhood, pair_features, pair_rarity
from db.models import MentionRole

MODEL_PATH = MODELS / "linking.json"
VETO = ("number_conflict", "negation_flip", "opposite_words", "restriction_one_side")
_FEATURE = {name: i for i, name in enumerate(FEATURES)}


@dataclass(frozen=True)
class LinkModel:
    weights: np.ndarray
    bias: float
    join: float  # probability at or above which two mentions are one tracked claim
    suggest: float  # between this and join, a link is suggested to a reviewer
    candidates: int = 20  # nearest neighbours looked at per mention
    min_cosine: float = 0.45  # pairs below this are never candidates
    short_words: int = 8

    def probability(self, features: np.ndarray) -> np.ndarray:
        logits = np.atleast_2d(features) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-logits))

    def to_json(self, **extra) -> str:
        data = {
            "features": list(FEATURES),
            "weights": [round(float(w), 6) for w in self.weights],
            "bias": round(float(self.bias), 6),
            "join": self.join,
            "suggest": self.suggest,
            "candidates": self.candidates,
            "min_cosine": self.min_cosine,
            "short_words": self.short_words,
            **extra,
        }
        return json.dumps(data, indent=1) + "\n"


def load_link_model(path: Path | str = MODEL_PATH) -> LinkModel:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if list(data["features"]) != list(FEATURES):
        raise ValueError(f"{path}: fitted on other pair features; run bench/train_linking.py")
    return LinkModel(
        np.asarray(data["weights"], dtype=np.float64),
        float(data["bias"]),
        float(data["join"]),
        float(data["suggest"]),
        int(data.get("candidates", 20)),
        float(data.get("min_cosine", 0.45)),
        int(data.get("short_words", 8)),
    )


def default_link_model() -> LinkModel:
    """The shipped link model, or the file ``CLAIMS_LINK_MODEL`` names; each file read once."""
    return _cached_model(settings().link_model or str(MODEL_PATH))


@lru_cache(maxsize=4)
def _cached_model(path: str) -> LinkModel:
    return load_link_model(path)


FEWER = -2.0  # the "last neighbour's cosine" of a mention listing every other one: any newcomer enters


def nearest(matrix: np.ndarray, k: int, rows: Iterable[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest other rows of each of ``rows`` (default: all) by inner product, exactly:
    (indices, cosines), both (len(rows), k), best first, ties to the lower index.

    Scores are taken in float64 and rounded to float32, so a row's list is the same whichever rows
    it is computed with: relinking a few rows must find what relinking all of them finds.
    """
    n = len(matrix)
    rows = np.arange(n) if rows is None else np.asarray(list(rows), dtype=np.int64)
    k = max(min(k, n - 1), 0)
    indices = np.zeros((len(rows), k), dtype=np.int64)
    cosines = np.zeros((len(rows), k), dtype=np.float32)
    if k == 0 or len(rows) == 0:
        return indices, cosines
    full = matrix.astype(np.float64, copy=False)
    for start in range(0, len(rows), 1024):
        chunk = rows[start : start + 1024]
        block = (full[chunk] @ full.T).astype(np.float32)
        for row, (i, scores) in enumerate(zip(chunk, block)):
            scores[i] = -np.inf
            top = np.argpartition(-scores, k - 1)[:k] if k < n - 1 else np.flatnonzero(scores > -np.inf)
            # The k-th best may tie with rows argpartition left out: gather every row as good, keep the lowest.
            tied = np.flatnonzero(scores >= scores[top].min())
            order = tied[np.lexsort((tied, -scores[tied]))][:k]
            indices[start + row], cosines[start + row] = order, scores[order]
    return indices, cosines


class Lists(Mapping):
    """Each mention's neighbours (positions, cosines), by position, and who lists whom."""

    def __init__(self, lists: dict[int, tuple[np.ndarray, np.ndarray]] | None = None):
        self.lists = lists or {}
        self.listing: dict[int, set[int]] = {}
        for i, (row, _) in self.lists.items():
            for j in row:
                self.listing.setdefault(int(j), set()).add(i)

    def add(self, i: int, row: np.ndarray, cosines: np.ndarray) -> None:
        self.lists[i] = (row, cosines)
        for j in row:
            self.listing.setdefault(int(j), set()).add(i)

    def __getitem__(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        return self.lists[i]

    def __iter__(self):
        return iter(self.lists)

    def __len__(self) -> int:
        return len(self.lists)

    def partners(self, i: int, model: LinkModel, listing: Iterable[int] = ()) -> set[int]:
        """The candidate pairs of ``i``: its neighbours at or above the model's cosine floor, and the
        mentions (``listing`` and those known here) that list ``i`` so."""
        row, cosines = self.lists[i]
        found = {int(j) for j, c in zip(row, cosines) if c >= model.min_cosine}
        for j in {*self.listing.get(i, ()), *listing}:
            other, scores = self.lists[j]
            if any(int(x) == i and c >= model.min_cosine for x, c in zip(other, scores)):
                found.add(j)
        return found


class Pairs:
    """Pair probabilities over mentions, computed once each. ``items`` maps whatever names the
    mentions (positions, mention ids) to them; each pair is taken in key order."""

    def __init__(self, items: Mapping[int, LinkItem] | list[LinkItem], model: LinkModel, lists: Lists):
        self.items, self.model, self.lists = items, model, lists
        self.cache: dict[tuple[int, int], tuple[np.ndarray, float]] = {}
        self.hoods: dict[int, Neighbourhood] = {}

    def hood(self, i: int) -> Neighbourhood:
        if i not in self.hoods:
            row, _ = self.lists[i]
            self.hoods[i] = Neighbourhood.of([self.items[i].text] + [self.items[j].text for j in row])
        return self.hoods[i]

    def features(self, i: int, j: int) -> tuple[np.ndarray, float]:
        if self.items[i].key > self.items[j].key:
            i, j = j, i
        if (i, j) not in self.cache:
            a, b = self.items[i], self.items[j]
            rarity = pair_rarity(a, b, self.hood(i), self.hood(j))
            row = pair_features(a, b, short_words=self.model.short_words, rarity=rarity)
            self.cache[(i, j)] = (row, float(self.model.probability(row)[0]))
        return self.cache[(i, j)]

    def __call__(self, i: int, j: int) -> float:
        return self.features(i, j)[1]

    def vetoed(self, i: int, j: int) -> bool:
        """A number, a negation, an opposite or a restriction on one side only: two claims."""
        row, _ = self.features(i, j)
        return any(row[_FEATURE[name]] for name in VETO)

    def joinable(self, i: int, j: int) -> bool:
        row, p = self.features(i, j)
        a, b = self.items[i], self.items[j]
        short = min(a.words, b.words) < self.model.short_words
        same_speaker = a.speaker_id is not None and a.speaker_id == b.speaker_id
        # A short text never joins on similarity alone: the speaker must agree too.
        if short and not same_speaker:
            return False
        # Two statements in one article's body are two claims (a headline repeating one is joined
        # at extraction); a reviewer can still merge them.
        if a.article and a.article == b.article and a.role == b.role == MentionRole.body:
            return False
        # "Doubled" and "did not double", "seven years" and "seventeen years", "no sailing cancelled" and
        # "none cancelled for technical reasons": at most a suggestion,
        # whatever the few labelled pairs taught the weights.
        if self.vetoed(i, j):
            return False
        return p >= self.model.join


def merge(
    nodes: list[int],
    edges: Iterable[tuple[int, int]],
    pairs: Pairs,
    must: Iterable[tuple[int, int]],
    apart: set[frozenset[int]],
) -> dict[int, list[int]]:
    """Groups of ``nodes`` joined along the joinable ``edges``, strongest first (ties in key order):
    {root: members}. Whole components in, whole components decided: a component's groups do not
    depend on what else is merged in the same call, nor on what names the mentions."""
    items, model = pairs.items, pairs.model
    parent = {i: i for i in nodes}
    members = {i: [i] for i in nodes}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        a, b = sorted((find(a), find(b)))
        if a != b:
            parent[b] = a
            members[a] += members.pop(b)

    for a, b in must:
        if a in parent and b in parent:
            union(a, b)

    def _body_of(group: list[int]) -> list[int]:
        body = [i for i in group if items[i].role != MentionRole.headline]
        return body or group

    edges = sorted(edges, key=lambda e: (-pairs(*e), *sorted((items[e[0]].key, items[e[1]].key))))
    for i, j in edges:
        a, b = find(i), find(j)
        if a == b:
            continue
        cross = [(x, y) for x in members[a] for y in members[b]]
        # A headline stands in for the body claim it repeats, so it is left out of the number check
        # and the average below: "cases top 4,000" and "in 31 countries" are headlines of one claim.
        weighed = [(x, y) for x in _body_of(members[a]) for y in _body_of(members[b])]
        # What keeps two mentions apart keeps their groups apart: "two ferries by the end of 2026" is
        # not joined to "two more in 2027" through a third mention that gives no year.
        if any(frozenset(pair) in apart for pair in cross) or any(
            pairs.features(x, y)[0][_FEATURE["number_conflict"]] for x, y in weighed
        ):
            continue
        # Average agreement of the two groups, so one close pair cannot chain two different claims.
        # fsum: the same total in whatever order the members were gathered.
        if math.fsum(pairs(x, y) for x, y in weighed) / len(weighed) >= model.join:
            union(a, b)
    return members


def best_suggestions(
    candidates: Iterable[tuple[int, int]],
    pairs: Pairs,
    group_of: Callable[[int], object],
    apart: set[frozenset[int]],
) -> dict[tuple[int, object], tuple[float, int, int]]:
    """{(later mention, other group): (probability, later, other)}: for each mention, the best pair
    into each other group at or above ``suggest``; ``candidates`` sorted, so ties go the same way."""
    items, model = pairs.items, pairs.model
    best: dict[tuple[int, object], tuple[float, int, int]] = {}
    for i, j in candidates:
        a, b = group_of(i), group_of(j)
        p = pairs(i, j)
        if a == b or p < model.suggest or frozenset((i, j)) in apart:
            continue
        later, other = (i, j) if items[i].key > items[j].key else (j, i)
        slot = (later, group_of(other))
        if slot not in best or p > best[slot][0]:
            best[slot] = (p, later, other)
    return best


def cluster(
    items: list[LinkItem],
    model: LinkModel | None = None,
    *,
    must: Iterable[tuple[str, str]] = (),
    cannot: Iterable[tuple[str, str]] = (),
) -> tuple[list[list[str]], list[tuple[str, str, float]]]:
    """Group mentions into tracked claims, all of them at once.

    Args:
        items: every mention; the result does not depend on their order.
        must: key pairs that are one claim whatever the model says.
        cannot: key pairs the model may not put together.

    Returns:
        (groups of keys, each sorted, sorted by first key;
         suggestions as (mention key, key of a mention in the other group, probability)).
    """
    model = model or default_link_model()
    items = sorted(items, key=lambda item: item.key)
    index = {item.key: i for i, item in enumerate(items)}
    matrix = np.vstack([item.vector for item in items]).astype(np.float32) if items else np.zeros((0, 1))
    near, cosines = nearest(matrix, model.candidates)
    lists = Lists({i: (near[i], cosines[i]) for i in range(len(items))})
    pairs = Pairs(items, model, lists)
    candidates = sorted({(min(i, j), max(i, j)) for i in range(len(items)) for j in lists.partners(i, model)})
    must_at = [(index[a], index[b]) for a, b in must if a in index and b in index]
    apart = {frozenset((index[a], index[b])) for a, b in cannot if a in index and b in index}
    edges = [(i, j) for i, j in candidates if pairs.joinable(i, j)]
    members = merge(list(range(len(items))), edges, pairs, must_at, apart)
    root = {i: r for r, group in members.items() for i in group}
    groups = sorted(sorted(items[i].key for i in group) for group in members.values())
    best = best_suggestions(candidates, pairs, root.__getitem__, apart)
    suggestions = sorted(
        (items[later].key, items[other].key, round(p, 4)) for p, later, other in best.values()
    )
    return groups, suggestions
