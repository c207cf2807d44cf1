"""Tracked claims kept in step with the stored mentions, deciding again only what a change can reach.

:mod:`claims.link.clusters` decides each component (mentions joinable to each other step by step)
on its own, from the pairs' texts, vectors and speakers and the two mentions' neighbourhoods. So a
relinking after an ingest decides again only:

1. the mentions inserted, changed or deleted (``link_dirty``, kept by triggers: :mod:`db.link_state`),
   those whose speaker now speaks with another voice, and those a new reviewer decision names;
2. the mentions whose 20 nearest change with them: a newcomer at least as close as their last
   listed neighbour, or a changed or deleted mention in their list;
3. the stored components of all of those, grown along joinable pairs, reviewers' "same" decisions
   and shared tracked claims until nothing more joins.

Those are decided as a relinking of everything decides them (``tests/link/test_incremental.py``
checks it), then laid over the stored tracked claims, so each keeps its id, status and notes
wherever most of its mentions went. The first run, another link model, or a change to most of the
mentions decides everything.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np
from sqlmodel import Session

from claims.embed.encoder import from_bytes
from claims.link.clusters import (
    FEWER,
    LinkModel,
    Lists,
    Pairs,
    best_suggestions,
    default_link_model,
    merge,
    nearest,
    similarities,
)
from claims.link.pair_features import LinkItem
from claims.link.voices import stored_voices, voice_of
from db import crud
from db.crud import LinkRow, mention_key
from db.models import LinkSuggestion, Mention, SuggestionState, TrackedClaim

RELINKER = "relinking"  # the reviewer name History rows of automatic moves carry
FULL_SHARE = 0.5  # past this share of mentions changed, deciding everything is as quick


@dataclass
class RelinkReport:
    moved: int = 0
    new_claims: int = 0
    suggestions: int = 0
    removed: int = 0  # emptied claims nobody had reviewed
    looked_at: int = 0  # mentions whose component was decided again
    full: bool = False  # every mention was


def _fingerprint(model: LinkModel) -> str:
    return hashlib.sha256(model.to_json().encode()).hexdigest()[:16]


class _Store:
    """The stored mentions in key order, what the last relinking left, and what changed since."""

    def __init__(self, session: Session, model: LinkModel):
        self.session, self.model = session, model
        rows = crud.link_rows(session)
        keys = [mention_key(r.content_hash, r.start, r.end) for r in rows]
        order = sorted(range(len(rows)), key=keys.__getitem__)
        self.rows: list[LinkRow] = [rows[i] for i in order]
        spoken_for = stored_voices(crud.speakers_with_aliases(session))
        self.items = [
            LinkItem(
                keys[i],
                rows[i].text,
                from_bytes(rows[i].embedding),
                voice_of(rows[i].speaker_id, spoken_for),
                rows[i].attribution,
                rows[i].content_hash,
                rows[i].role,
            )
            for i in order
        ]
        self.position = {r.mention_id: i for i, r in enumerate(self.rows)}
        index = {item.key: i for i, item in enumerate(self.items)}
        must, cannot = crud.link_constraints(session)
        self.must = [(index[a], index[b]) for a, b in must if a in index and b in index]
        self.apart = {frozenset((index[a], index[b])) for a, b in cannot if a in index and b in index}
        decisions = sorted([[a, b, True] for a, b in must] + [[a, b, False] for a, b in cannot])
        self.inputs = json.dumps({"voices": sorted(map(list, spoken_for.items())), "decisions": decisions})
        self.fingerprint = _fingerprint(model)
        self.nodes = crud.link_nodes(session)
        self.dirty_ids = crud.link_dirty(session)
        self.gone = {m for m in self.dirty_ids if m not in self.position}
        saved = crud.link_state(session)
        self.changed = self._changed(saved, spoken_for, decisions, index)
        self.full = self.changed is None or len(self.changed) > FULL_SHARE * len(self.rows)
        if self.full:
            self.changed = set(range(len(self.rows)))

    def _changed(self, saved, spoken_for, decisions, index) -> set[int] | None:
        """Positions of the mentions whose own inputs changed, or None when everything must be decided."""
        if saved is None or saved[0] != self.fingerprint:
            return None
        before = json.loads(saved[1])
        voices_before = {a: b for a, b in before["voices"]}
        moved_voice = {
            s for s in voices_before.keys() | spoken_for.keys() if voices_before.get(s) != spoken_for.get(s)
        }
        decided = {tuple(d) for d in before["decisions"]} ^ {tuple(d) for d in decisions}
        named = {key for a, b, _ in decided for key in (a, b)}
        changed = {self.position[m] for m in self.dirty_ids if m in self.position}
        changed |= {index[key] for key in named if key in index}
        changed |= {
            i
            for i, r in enumerate(self.rows)
            if r.mention_id not in self.nodes or (moved_voice and r.speaker_id in moved_voice)
        }
        return changed

    def mention_ids(self, positions) -> list[int]:
        return [self.rows[i].mention_id for i in positions]


def _relisted(store: _Store, matrix: np.ndarray) -> set[int]:
    """Positions whose neighbour list must be worked out again: the changed mentions, those listing a
    changed or deleted one, and those a changed one comes at least as close to as their last neighbour."""
    if store.full:
        return set(store.changed)
    relist = set(store.changed)
    holders = crud.listed_by(
        store.session, neighbour_ids=store.dirty_ids | set(store.mention_ids(store.changed))
    )
    relist |= {store.position[m] for found in holders.values() for m in found if m in store.position}
    kth = np.array([store.nodes.get(r.mention_id, (0, FEWER))[1] for r in store.rows], dtype=np.float32)
    for chunk, scores in similarities(matrix, sorted(store.changed)):
        scores[chunk, np.arange(len(chunk))] = -np.inf  # a mention is not its own neighbour
        relist |= {int(i) for i in np.flatnonzero(scores.max(axis=1) >= kth)}
    return relist


def _region(store: _Store, lists: Lists, pairs: Pairs, relisted: set[int]) -> tuple[set[int], set]:
    """The mentions to decide again (whole components, grown until nothing outside joins them) and
    every candidate pair touching them."""
    rows = store.rows
    components: dict[int, list[int]] = {}
    for mention_id, (component, _) in store.nodes.items():
        if mention_id in store.position:
            components.setdefault(component, []).append(store.position[mention_id])
    claims: dict[int, list[int]] = {}
    for i, r in enumerate(rows):
        claims.setdefault(r.claim_id, []).append(i)
    must: dict[int, set[int]] = {}
    for a, b in store.must:
        must.setdefault(a, set()).add(b)
        must.setdefault(b, set()).add(a)
    region: set[int] = set()

    def grow(seeds) -> set[int]:
        # A component is decided whole, and a tracked claim is laid over whole groups.
        out: set[int] = set()
        todo = list(seeds)
        while todo:
            i = todo.pop()
            if i in out or i in region:
                continue
            out.add(i)
            node = store.nodes.get(rows[i].mention_id)
            todo += components.get(node[0], []) if node else []
            todo += claims[rows[i].claim_id]
            todo += must.get(i, ())
        return out

    seeds = set(relisted)
    for mention_id in store.gone:
        node = store.nodes.get(mention_id)
        seeds |= set(components.get(node[0], [])) if node else set()
    frontier, touching = grow(seeds), set()
    while frontier:
        region |= frontier
        _load(store, lists, frontier)
        holders = (
            {} if store.full else crud.listed_by(store.session, neighbour_ids=store.mention_ids(frontier))
        )
        listing = {
            u: {store.position[m] for m in holders.get(rows[u].mention_id, ()) if m in store.position}
            for u in frontier
        }
        _load(store, lists, {j for found in listing.values() for j in found})
        partners = {u: lists.partners(u, store.model, listing[u]) for u in frontier}
        _load(store, lists, {v for found in partners.values() for v in found})
        reach = set()
        for u, found in partners.items():
            for v in found:
                touching.add((min(u, v), max(u, v)))
                if v not in region and pairs.joinable(u, v):
                    reach.add(v)
        frontier = grow(reach)
    return region, touching


def _load(store: _Store, lists: Lists, positions) -> None:
    """Read the stored neighbour lists of these positions that are not known yet."""
    wanted = [i for i in positions if i not in lists]
    if not wanted:
        return
    stored = crud.neighbour_lists(store.session, mention_ids=store.mention_ids(wanted))
    for i in wanted:
        row = stored.get(store.rows[i].mention_id, [])
        lists.add(
            i,
            np.array([store.position[m] for m, _ in row], dtype=np.int64),
            np.array([c for _, c in row], dtype=np.float32),
        )


def relink(session: Session, model: LinkModel | None = None) -> RelinkReport:
    """Bring the tracked claims in step with the stored mentions, deciding again only the
    components a change since the last relinking can reach (the module's docstring says which).

    Each group decided keeps the stored claim that holds most of its mentions (reviewed claims
    first, then the older one); a group left without one gets a new claim. Moves are written to
    History. The decided mentions' pending suggestions are replaced; decided ones are kept. The
    caller owns the transaction.
    """
    model = model or default_link_model()
    store = _Store(session, model)
    rows, items = store.rows, store.items
    report = RelinkReport(full=store.full)
    matrix = np.vstack([item.vector for item in items]).astype(np.float64) if items else np.zeros((0, 1))
    relisted = sorted(_relisted(store, matrix))
    near, cosines = nearest(matrix, model.candidates, rows=relisted)
    lists = Lists({i: (near[r], cosines[r]) for r, i in enumerate(relisted)})
    pairs = Pairs(items, model, lists)
    region, touching = _region(store, lists, pairs, set(relisted))
    report.looked_at = len(region)
    nodes = sorted(region)
    edges = [(i, j) for i, j in touching if i in region and j in region and pairs.joinable(i, j)]
    members = merge(nodes, edges, pairs, store.must, store.apart)
    root = {i: r for r, group in members.items() for i in group}
    claim_of = _lay_claims(session, store, members, report)
    best = best_suggestions(
        sorted(touching),
        pairs,
        lambda i: ("decided", root[i]) if i in region else ("stored", rows[i].claim_id),
        store.apart,
    )
    old_claims = {rows[i].claim_id for i in region}
    crud.drop_pending_suggestions(
        session, mention_ids=[*store.mention_ids(region), *store.gone], claim_ids=old_claims
    )
    session.flush()
    _drop_emptied(session, old_claims - set(claim_of.values()), report)
    for p, later, other in sorted(best.values(), key=lambda b: (items[b[1]].key, items[b[2]].key)):
        session.add(
            LinkSuggestion(
                mention_id=rows[later].mention_id,
                claim_id=claim_of.get(other, rows[other].claim_id),
                score=round(p, 4),
                state=SuggestionState.pending,
            )
        )
        report.suggestions += 1
    _store_state(store, lists, region, relisted, edges)
    session.flush()
    return report


def _lay_claims(session: Session, store: _Store, members: dict[int, list[int]], report: RelinkReport):
    """{position: tracked claim id} for the decided groups, moving mentions whose claim changes."""
    rows, items = store.rows, store.items
    claims = {
        c.id: c
        for c in crud.claims_by_id(session, claim_ids={rows[i].claim_id for g in members.values() for i in g})
    }
    taken: set[int] = set()
    claim_of: dict[int, int] = {}

    def preference(group: list[int]):
        counts: dict[int, int] = {}
        for i in group:
            counts[rows[i].claim_id] = counts.get(rows[i].claim_id, 0) + 1
        return sorted(counts, key=lambda c: (-counts[c], claims[c].status.value == "unreviewed", c))

    # Bigger groups choose first, so a claim goes where most of its mentions are.
    groups = [sorted(group) for group in members.values()]
    for group in sorted(groups, key=lambda g: (-len(g), items[g[0]].key)):
        choice = next((c for c in preference(group) if c not in taken), None)
        if choice is None:
            first = min(
                group,
                key=lambda i: (
                    rows[i].published or rows[i].ingested_at.date(),
                    rows[i].ingested_at,
                    items[i].key,
                ),
            )
            claim = TrackedClaim(canonical_text=rows[first].text)
            session.add(claim)
            session.flush()
            claims[claim.id] = claim
            choice = claim.id
            report.new_claims += 1
        taken.add(choice)
        for i in group:
            claim_of[i] = choice
    for i, target in claim_of.items():
        if rows[i].claim_id == target:
            continue
        mention = crud.get_mention(session, mention_id=rows[i].mention_id)
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
    return claim_of


def _drop_emptied(session: Session, emptied: set[int], report: RelinkReport) -> None:
    # A claim left without mentions that no reviewer touched is dropped; a reviewed one keeps its record.
    for claim in crud.claims_by_id(session, claim_ids=emptied):
        if (
            not claim.reviewer
            and not crud.history_for(session, claim_id=claim.id)
            and not crud.suggestions_touching(session, claim_id=claim.id)
        ):
            session.delete(claim)
            report.removed += 1


def _store_state(store: _Store, lists: Lists, region: set[int], relisted: list[int], edges) -> None:
    """Save the new neighbour lists and the decided mentions' components for the next relinking."""
    rows, model = store.rows, store.model
    parent = {i: i for i in region}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in [*edges, *((a, b) for a, b in store.must if a in region and b in region)]:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    label: dict[int, int] = {}
    for i in region:
        label[find(i)] = min(label.get(find(i), rows[i].mention_id), rows[i].mention_id)
    node_rows = {}
    relisted_set = set(relisted)
    for i in region:
        row, cosines = lists[i]
        if i in relisted_set:
            kth = float(cosines[-1]) if len(row) == model.candidates else FEWER
        else:
            kth = store.nodes[rows[i].mention_id][1]
        node_rows[rows[i].mention_id] = (label[find(i)], kth)
    crud.store_link_state(
        store.session,
        model=store.fingerprint,
        inputs=store.inputs,
        lists={
            rows[i].mention_id: [(rows[int(j)].mention_id, float(c)) for j, c in zip(*lists[i])]
            for i in relisted
        },
        nodes=node_rows,
        gone=store.gone,
        seen=store.dirty_ids,
        full=store.full,
    )
