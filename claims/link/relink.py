"""Tracked claims as a function of the mentions, not of the order they arrived in.

After every ingest the whole set of mentions is clustered again: candidate
pairs come from the nearest embeddings, a fitted logistic model over
:mod:`claims.link.pair_features` gives each pair a probability of being the same
claim, and pairs are merged strongest first (ties broken by the mentions'
stable keys) only while the two groups agree on average. Reviewers' decisions
(:class:`db.models.LinkDecision`) and headlines that repeat a body claim are
constraints. The result is then laid over the stored tracked claims so each
keeps its id, status and notes wherever most of its mentions went.

The parameters live in ``claims/models/linking.json``, fitted by
``bench/train_linking.py``; ``bench/linking.py`` measures the result.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from sqlmodel import Session

from claims.config import MODELS, settings
from claims.embed.encoder import from_bytes
from claims.link.pair_features import FEATURES, LinkItem, Neighbourhood, pair_features, pair_rarity
from claims.link.voices import stored_voices, voice_of
from db import crud
from db.crud import mention_key
from db.models import LinkSuggestion, Mention, MentionRole, SuggestionState, TrackedClaim

MODEL_PATH = MODELS / "linking.json"
RELINKER = "relinking"
VETO = ("number_conflict", "negation_flip", "opposite_words", "restriction_one_side")
_FEATURE = {
    name: i for i, name in enumerate(FEATURES)
}  # the reviewer name History rows of automatic moves carry


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


def nearest(matrix: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` nearest other rows by inner product, exactly: (indices, cosines), both (n, k),
    best first, ties to the lower index so the result does not depend on how a block is cut."""
    n = len(matrix)
    k = min(k, n - 1)
    indices = np.zeros((n, max(k, 0)), dtype=np.int64)
    cosines = np.zeros((n, max(k, 0)), dtype=np.float32)
    if k <= 0:
        return indices, cosines
    for start in range(0, n, 1024):
        block = matrix[start : start + 1024] @ matrix.T
        for row, scores in enumerate(block):
            scores[start + row] = -np.inf
            top = np.argpartition(-scores, k - 1)[:k] if k < n - 1 else np.flatnonzero(scores > -np.inf)
            # The k-th best may tie with rows argpartition left out: gather every row as good, keep the lowest.
            tied = np.flatnonzero(scores >= scores[top].min())
            order = tied[np.lexsort((tied, -scores[tied]))][:k]
            indices[start + row], cosines[start + row] = order, scores[order]
    return indices, cosines


class _Pairs:
    """Pair probabilities, computed once each."""

    def __init__(self, items: list[LinkItem], model: LinkModel, near: np.ndarray):
        self.items, self.model, self.cache = items, model, {}
        self.hoods = [
            Neighbourhood.of([item.text] + [items[j].text for j in row]) for item, row in zip(items, near)
        ]

    def features(self, i: int, j: int) -> tuple[np.ndarray, float]:
        if i > j:
            i, j = j, i
        if (i, j) not in self.cache:
            a, b = self.items[i], self.items[j]
            rarity = pair_rarity(a, b, self.hoods[i], self.hoods[j])
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


def _candidates(near: np.ndarray, cosines: np.ndarray, model: LinkModel) -> list[tuple[int, int]]:
    pairs = {
        (min(i, int(j)), max(i, int(j)))
        for i, (row, scores) in enumerate(zip(near, cosines))
        for j, score in zip(row, scores)
        if score >= model.min_cosine
    }
    return sorted(pairs)


def cluster(
    items: list[LinkItem],
    model: LinkModel | None = None,
    *,
    must: Iterable[tuple[str, str]] = (),
    cannot: Iterable[tuple[str, str]] = (),
) -> tuple[list[list[str]], list[tuple[str, str, float]]]:
    """Group mentions into tracked claims.

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
    parent = list(range(len(items)))
    members = {i: [i] for i in range(len(items))}

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
        if a in index and b in index:
            union(index[a], index[b])
    apart = {frozenset((index[a], index[b])) for a, b in cannot if a in index and b in index}
    matrix = np.vstack([item.vector for item in items]).astype(np.float32) if items else np.zeros((0, 1))
    near, cosines = nearest(matrix, model.candidates)
    pairs = _Pairs(items, model, near)

    def _body_of(group: list[int]) -> list[int]:
        body = [i for i in group if items[i].role != MentionRole.headline]
        return body or group

    candidates = _candidates(near, cosines, model)
    edges = [(i, j) for i, j in candidates if pairs.joinable(i, j)]
    edges.sort(key=lambda e: (-pairs(*e), items[e[0]].key, items[e[1]].key))
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
        if sum(pairs(x, y) for x, y in weighed) / len(weighed) >= model.join:
            union(a, b)
    groups = sorted(sorted(items[i].key for i in group) for group in members.values())
    best: dict[tuple[int, int], tuple[float, int, int]] = {}
    for i, j in candidates:
        a, b = find(i), find(j)
        p = pairs(i, j)
        if a == b or p < model.suggest or frozenset((i, j)) in apart:
            continue
        later, other = (i, j) if items[i].key > items[j].key else (j, i)
        slot = (later, find(other))
        if slot not in best or p > best[slot][0]:
            best[slot] = (p, later, other)
    suggestions = sorted(
        (items[later].key, items[other].key, round(p, 4)) for p, later, other in best.values()
    )
    return groups, suggestions


@dataclass
class RelinkReport:
    moved: int = 0
    new_claims: int = 0
    suggestions: int = 0
    removed: int = 0  # emptied claims nobody had reviewed


def relink(session: Session, model: LinkModel | None = None) -> RelinkReport:
    """Cluster every stored mention again and move mentions whose tracked claim changes.

    Each new group keeps the stored claim that holds most of its mentions
    (reviewed claims first, then the older one); a group left without one gets
    a new claim. Moves are written to History. Pending suggestions are
    replaced; decided ones are kept. The caller owns the transaction.
    """
    model = model or default_link_model()
    rows = crud.link_rows(session)
    spoken_for = stored_voices(crud.speakers_with_aliases(session))
    items = [
        LinkItem(
            mention_key(r.content_hash, r.start, r.end),
            r.text,
            from_bytes(r.embedding),
            voice_of(r.speaker_id, spoken_for),
            r.attribution,
            r.content_hash,
            r.role,
        )
        for r in rows
    ]
    by_key = {item.key: row for item, row in zip(items, rows)}
    must, cannot = crud.link_constraints(session)
    groups, suggestions = cluster(items, model, must=must, cannot=cannot)
    claims = {c.id: c for c in crud.claims_by_id(session, claim_ids={r.claim_id for r in rows})}
    report = RelinkReport()
    taken: set[int] = set()
    claim_of_key: dict[str, int] = {}

    def preference(group: list[str]):
        counts: dict[int, int] = {}
        for key in group:
            counts[by_key[key].claim_id] = counts.get(by_key[key].claim_id, 0) + 1
        return sorted(counts, key=lambda c: (-counts[c], claims[c].status.value == "unreviewed", c))

    # Bigger groups choose first, so a claim goes where most of its mentions are.
    for group in sorted(groups, key=lambda g: (-len(g), g[0])):
        choice = next((c for c in preference(group) if c not in taken), None)
        if choice is None:
            first = min(
                group,
                key=lambda key: (
                    by_key[key].published or by_key[key].ingested_at.date(),
                    by_key[key].ingested_at,
                    key,
                ),
            )
            claim = TrackedClaim(canonical_text=by_key[first].text)
            session.add(claim)
            session.flush()
            claims[claim.id] = claim
            choice = claim.id
            report.new_claims += 1
        taken.add(choice)
        for key in group:
            claim_of_key[key] = choice
    for key, row in by_key.items():
        target = claim_of_key[key]
        if row.claim_id != target:
            mention = crud.get_mention(session, mention_id=row.mention_id)
            # Only claims a reviewer has touched get a History row: the rest is regrouping nobody has read yet.
            if claims[mention.claim_id].reviewer or claims[target].reviewer:
                crud.record_history(
                    session,
                    claim_id=target,
                    mention_id=mention.id,
                    field="link",
                    old=f"claim {mention.claim_id}",
                    new=f"claim {target}",
                    reviewer=RELINKER,
                )
            mention.claim_id = target
            mention.version = Mention.version + 1  # in SQL: no increment is lost to another writer
            session.add(mention)
            report.moved += 1
    for suggestion in crud.pending_suggestions(session):
        session.delete(suggestion)
    session.flush()
    # A claim left without mentions that no reviewer touched is dropped; a reviewed one keeps its record.
    for claim_id in set(claims) - set(claim_of_key.values()):
        claim = claims[claim_id]
        if (
            not claim.reviewer
            and not crud.history_for(session, claim_id=claim_id)
            and not crud.suggestions_touching(session, claim_id=claim_id)
        ):
            session.delete(claim)
            report.removed += 1
    for key, other, p in suggestions:
        session.add(
            LinkSuggestion(
                mention_id=by_key[key].mention_id,
                claim_id=claim_of_key[other],
                score=p,
                state=SuggestionState.pending,
            )
        )
        report.suggestions += 1
    session.flush()
    return report
