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

It reads only those mentions' rows, not the archive's: each mention's nearest are found through the
link model's FAISS index (:data:`claims.embed.index.LINK`, kept beside the database like the search
index). While that index is exact (up to ``CLAIMS_EXACT_INDEX_LIMIT`` mentions, 100,000 by default)
every score is taken again in float64 from the stored vectors, so the lists, and the tracked claims,
are those a relinking of everything finds (``tests/link/test_incremental.py`` checks it). Above it
the index is an inverted file: each list is the nearest among what it returns, and a newcomer enters
the lists of the mentions among its own :data:`REACH` nearest, which is approximate; ``reindex``
decides everything again. The decided groups are laid over the stored tracked claims, so each keeps
its id, status and notes wherever most of its mentions went. The first run, another link model, or
a change to most of the mentions decides everything.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from sqlmodel import Session

from claims.embed import index as vector_index
from claims.embed.encoder import from_bytes
from claims.link.clusters import (
    FEWER,
    LinkModel,
    Lists,
    Pairs,
    best_suggestions,
    default_link_model,
    merge,
)
from claims.link.pair_features import LinkItem
from claims.link.voices import stored_voices, voice_of
from db import crud
from db.crud import LinkRow, mention_key
from db.models import LinkSuggestion, Mention, SuggestionState, TrackedClaim

RELINKER = "relinking"  # the reviewer name History rows of automatic moves carry
FULL_SHARE = 0.5  # past this share of mentions changed, deciding everything is as quick
# float32 scores (FAISS's) stand in for the float64 ones lists are made of only to choose what to
# score again: anything within this of a bound is. An exact index's float32 inner products of unit
# vectors are off by about 1e-6; an inverted file's float16 vectors by up to 1e-3.
BAND = {vector_index.EXACT: 1e-4, vector_index.IVF: 4e-3}
# Above the exact size: how many nearest the index is asked for, once per mention a relinking. A
# mention's list is the best of those; the mentions whose lists a newcomer may enter are among them.
REACH = 64


@dataclass
class RelinkReport:
    moved: int = 0
    new_claims: int = 0
    suggestions: int = 0
    removed: int = 0  # emptied claims nobody had reviewed
    looked_at: int = 0  # mentions whose component was decided again
    full: bool = False  # every mention was


def fingerprint(model: LinkModel) -> str:
    """Which link model the stored neighbourhoods were worked out with."""
    return hashlib.sha256(model.to_json().encode()).hexdigest()[:16]


def recorded_inputs(spoken_for: dict[int, int], decisions: list[list]) -> str:
    """The speakers' voices and reviewers' decisions as a relinking records them (``link_state.inputs``)."""
    return json.dumps({"voices": sorted(map(list, spoken_for.items())), "decisions": decisions})


class _Items(Mapping):
    """The mentions relinking has read, by mention id; reading any other one on first use."""

    def __init__(self, store: _Store):
        self.store, self.items = store, {}

    def __getitem__(self, mention_id: int) -> LinkItem:
        if mention_id not in self.items:
            self.store.need([mention_id])
        return self.items[mention_id]

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class _Store:
    """The stored mentions relinking reads, as it needs them, and what changed since the last one."""

    def __init__(self, session: Session, model: LinkModel):
        self.session, self.model = session, model
        self.rows: dict[int, LinkRow] = {}
        self.items = _Items(self)
        self.absent: set[int] = set()  # ids asked for that no mention holds
        self.nodes: dict[int, tuple[int, float]] = {}
        self.nodeless: set[int] = set()
        self.spoken_for = stored_voices(crud.speakers_with_aliases(session))
        must, cannot = crud.link_constraints(session)
        named = crud.mention_ids_of_keys(session, keys={key for pair in [*must, *cannot] for key in pair})
        self.must = [(named[a], named[b]) for a, b in must if a in named and b in named]
        self.apart = {frozenset((named[a], named[b])) for a, b in cannot if a in named and b in named}
        decisions = sorted([[a, b, True] for a, b in must] + [[a, b, False] for a, b in cannot])
        self.inputs = recorded_inputs(self.spoken_for, decisions)
        self.fingerprint = fingerprint(model)
        self.dirty_ids = crud.link_dirty(session)
        self.need(self.dirty_ids)
        self.gone = {m for m in self.dirty_ids if m not in self.rows}
        self.signature = crud.mention_signature(session)
        self.count = self.signature[0]
        self.changed = self._changed(crud.link_state(session), decisions, named)
        self.full = self.changed is None or len(self.changed) > FULL_SHARE * self.count
        if self.full:
            self._read_all()
            self.changed = set(self.rows)

    def _changed(self, saved, decisions, named: dict[str, int]) -> set[int] | None:
        """Ids of the mentions whose own inputs changed, or None when everything must be decided."""
        if saved is None or saved[0] != self.fingerprint:
            return None
        before = json.loads(saved[1])
        voices_before = {a: b for a, b in before["voices"]}
        moved_voice = {
            s
            for s in voices_before.keys() | self.spoken_for.keys()
            if voices_before.get(s) != self.spoken_for.get(s)
        }
        decided = {tuple(d) for d in before["decisions"]} ^ {tuple(d) for d in decisions}
        keys = {key for a, b, _ in decided for key in (a, b)}
        changed = set(self.dirty_ids) - self.gone
        changed |= set(crud.mention_ids_of_keys(self.session, keys=keys).values()) if keys else set()
        changed |= {
            m
            for found in crud.mention_ids_where(self.session, speaker_ids=moved_voice).values()
            for m in found
        }
        # Mentions without a stored node that no trigger listed (inserted while the triggers were
        # missing): the counts say whether there are any before the archive is searched for them.
        self.need_nodes(self.dirty_ids)
        listed_without = sum(1 for m in self.dirty_ids if m in self.rows and m not in self.nodes)
        gone_with = sum(1 for m in self.gone if m in self.nodes)
        if self.count - (crud.link_node_count(self.session) - gone_with) != listed_without:
            changed |= set(crud.mentions_without_node(self.session))
        return changed

    def _read_all(self) -> None:
        for row in crud.link_rows(self.session):
            self._keep(row)

    def _keep(self, row: LinkRow) -> None:
        self.rows[row.mention_id] = row
        self.items.items[row.mention_id] = LinkItem(
            mention_key(row.content_hash, row.start, row.end),
            row.text,
            from_bytes(row.embedding),
            voice_of(row.speaker_id, self.spoken_for),
            row.attribution,
            row.content_hash,
            row.role,
        )

    def need(self, mention_ids: Iterable[int]) -> None:
        """Read the rows of these mentions not read yet."""
        # Most ids asked for are read already: look them up before converting any (numpy's ints hash alike).
        wanted = {int(m) for m in mention_ids if m not in self.rows} - self.absent
        if not wanted:
            return
        for row in crud.link_rows(self.session, mention_ids=wanted):
            self._keep(row)
        self.absent |= wanted - self.rows.keys()

    def present(self, mention_ids: Iterable[int]) -> list[int]:
        ids = list(mention_ids)
        self.need(ids)
        return [m for m in ids if m in self.rows]

    def need_nodes(self, mention_ids: Iterable[int]) -> None:
        wanted = {int(m) for m in mention_ids} - self.nodes.keys() - self.nodeless
        if not wanted:
            return
        found = (
            crud.link_nodes(self.session, mention_ids=wanted)
            if len(wanted) < 20_000
            else crud.link_nodes(self.session)
        )
        self.nodes.update(found)
        self.nodeless |= wanted - self.nodes.keys()

    def key(self, mention_id: int) -> str:
        return self.items[mention_id].key

    def vectors(self, mention_ids: Iterable[int]) -> np.ndarray:
        ids = list(mention_ids)
        self.need(ids)
        return np.vstack([self.items[m].vector for m in ids]) if ids else np.zeros((0, 1), dtype=np.float32)


class _Archive:
    """Every stored mention's link vector, to find a mention's nearest: the link index, with the
    changed mentions' vectors read from the database instead of from it (it may hold their old ones)."""

    def __init__(self, store: _Store, index: vector_index.VectorIndex):
        self.store, self.index = store, index
        self.kind = index.kind
        self.band = BAND[self.kind]
        self.extra = sorted(m for m in store.dirty_ids if m in store.rows)
        self.extra_vectors = store.vectors(self.extra).astype(np.float32)
        self.near: dict[int, dict[int, float]] = {}
        if self.kind == vector_index.EXACT:
            self.ids, self.matrix = index.held_vectors()
            self.stale = np.isin(self.ids, np.asarray(sorted(store.dirty_ids), dtype=np.int64))

    def scores(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ids, float32 scores of ``queries`` against each): every stored mention, for an exact index."""
        held = queries @ self.matrix.T
        held[:, self.stale] = -np.inf
        if not self.extra:
            return self.ids, held
        return (
            np.concatenate([self.ids, np.asarray(self.extra, dtype=np.int64)]),
            np.hstack([held, queries @ self.extra_vectors.T]),
        )

    def hits(self, mention_ids: list[int]) -> list[dict[int, float]]:
        """{id: float32 score} of about the :data:`REACH` nearest of each mention, for an inverted
        file; each mention is searched once a relinking."""
        new = [m for m in mention_ids if m not in self.near]
        if new:
            queries = self.store.vectors(new).astype(np.float32)
            extra = queries @ self.extra_vectors.T if self.extra else None
            stale = self.store.dirty_ids
            for row, (m, hits) in enumerate(zip(new, self.index.search_many(queries, REACH))):
                near = {i: s for i, s in hits if i not in stale}
                if extra is not None:
                    near.update(zip(self.extra, extra[row].tolist()))
                self.near[m] = near
        return [self.near[m] for m in mention_ids]


def _exactly(store: _Store, mention_id: int, others: Iterable[int]) -> list[tuple[int, float]]:
    """(other, cosine) for the stored ``others``, the cosine in float64 rounded to float32 (as
    :func:`claims.link.clusters.nearest` takes it), best first, ties in key order."""
    others = [m for m in store.present(others) if m != mention_id]
    if not others:
        return []
    vector = store.items[mention_id].vector.astype(np.float64)
    scores = (store.vectors(others).astype(np.float64) @ vector).astype(np.float32)
    return sorted(zip(others, scores.tolist()), key=lambda hit: (-hit[1], store.key(hit[0])))


def _fresh_lists(store: _Store, archive: _Archive, mention_ids: list[int]) -> dict[int, tuple]:
    """The ``candidates`` nearest of each of ``mention_ids``: {id: (neighbour ids, cosines)}."""
    k = store.model.candidates
    lists = {}
    for start in range(0, len(mention_ids), 256):
        chunk = mention_ids[start : start + 256]
        if archive.kind == vector_index.EXACT:
            ids, scores = archive.scores(store.vectors(chunk).astype(np.float32))
            wanted = []
            for row, mention_id in enumerate(chunk):
                s = scores[row]
                s[ids == mention_id] = -np.inf
                finite = np.flatnonzero(s > -np.inf)
                if len(finite) > k:
                    bound = np.partition(s[finite], len(finite) - k)[len(finite) - k]
                    finite = finite[s[finite] >= bound - archive.band]
                wanted.append(ids[finite].tolist())
        else:
            wanted = [list(hits) for hits in archive.hits(chunk)]
        store.need({m for found in wanted for m in found})
        for mention_id, found in zip(chunk, wanted):
            lists[mention_id] = _as_list(_exactly(store, mention_id, found)[:k])
    return lists


def _as_list(best: list[tuple[int, float]]) -> tuple[np.ndarray, np.ndarray]:
    """(neighbour ids, cosines) as :class:`claims.link.clusters.Lists` holds a list."""
    return np.array([m for m, _ in best], dtype=np.int64), np.array([c for _, c in best], dtype=np.float32)


def _relisted(store: _Store, archive: _Archive) -> tuple[set[int], dict[int, set[int]]]:
    """Mentions whose neighbour list must be worked out again, in two kinds: (the changed mentions and
    those listing a changed or deleted one, whose lists are searched again; {each other mention a
    changed one comes at least as close to as its last neighbour: the changed ones that do}).

    The second kind's new list is its stored one with those newcomers put in: nothing else it could
    list has moved."""
    if store.full:
        return set(store.changed), {}
    relist = set(store.changed)
    holders = crud.listed_by(store.session, neighbour_ids=store.dirty_ids | store.changed)
    relist |= set(store.present({m for found in holders.values() for m in found}))
    entered: dict[int, set[int]] = {}
    lowest = crud.lowest_kth(store.session) if archive.kind == vector_index.EXACT else None
    changed = sorted(store.changed)
    for start in range(0, len(changed), 256):
        chunk = changed[start : start + 256]
        if archive.kind == vector_index.EXACT:
            ids, scores = archive.scores(store.vectors(chunk).astype(np.float32))
            floor = (FEWER if lowest is None else lowest) - archive.band
            close = []
            for row in scores:
                hits = np.flatnonzero(row >= floor)
                close.append(dict(zip(ids[hits].tolist(), row[hits].tolist())))
        else:
            close = archive.hits(chunk)
        store.need_nodes({m for near in close for m in near})
        for newcomer, near in zip(chunk, close):
            maybe = [
                m
                for m, score in near.items()
                if m not in relist and m in store.nodes and score >= store.nodes[m][1] - archive.band
            ]
            for m, cosine in _exactly(store, newcomer, maybe):
                if cosine >= store.nodes[m][1]:
                    entered.setdefault(m, set()).add(newcomer)
    return relist, entered


def _lists_entered(store: _Store, entered: dict[int, set[int]]) -> dict[int, tuple]:
    """The new lists of mentions newcomers entered: the best ``candidates`` of each one's stored list
    and its newcomers, scored as :func:`_fresh_lists` scores them."""
    k = store.model.candidates
    stored = crud.neighbour_lists(store.session, mention_ids=entered)
    lists = {}
    for m, newcomers in entered.items():
        lists[m] = _as_list(_exactly(store, m, {n for n, _ in stored.get(m, [])} | newcomers)[:k])
    return lists


def _region(store: _Store, lists: Lists, pairs: Pairs, relisted: set[int]) -> tuple[set[int], set]:
    """The mentions to decide again (whole components, grown until nothing outside joins them) and
    every candidate pair touching them, each in key order."""
    must: dict[int, set[int]] = {}
    for a, b in store.must:
        must.setdefault(a, set()).add(b)
        must.setdefault(b, set()).add(a)
    region: set[int] = set()
    members_of_component: dict[int, list[int]] = {}
    members_of_claim: dict[int, list[int]] = {}

    def grow(seeds) -> set[int]:
        # A component is decided whole, and a tracked claim is laid over whole groups.
        out: set[int] = set()
        todo = set(seeds)
        while todo:
            batch = [m for m in store.present(todo - out - region)]
            if not batch:
                break
            out |= set(batch)
            if store.full:
                break  # everything is in already
            store.need_nodes(batch)
            components = {store.nodes[m][0] for m in batch if m in store.nodes} - members_of_component.keys()
            members_of_component.update(crud.component_members(store.session, components=components))
            claims = {store.rows[m].claim_id for m in batch} - members_of_claim.keys()
            members_of_claim.update(crud.mention_ids_where(store.session, claim_ids=claims))
            todo = set()
            for m in batch:
                if m in store.nodes:
                    todo.update(members_of_component.get(store.nodes[m][0], ()))
                todo.update(members_of_claim.get(store.rows[m].claim_id, ()))
                todo.update(must.get(m, ()))
            todo -= out | region
        return out

    seeds = set(relisted)
    store.need_nodes(store.gone)
    gone_components = {store.nodes[m][0] for m in store.gone if m in store.nodes}
    for found in crud.component_members(store.session, components=gone_components).values():
        seeds |= set(found)
    frontier, touching = grow(seeds), set()
    while frontier:
        region |= frontier
        _load(store, lists, frontier)
        holders = {} if store.full else crud.listed_by(store.session, neighbour_ids=frontier)
        listing = {u: set(store.present(holders.get(u, ()))) for u in frontier}
        _load(store, lists, {j for found in listing.values() for j in found})
        partners = {u: lists.partners(u, store.model, listing[u]) for u in frontier}
        _load(store, lists, {v for found in partners.values() for v in found})
        store.need({j for u in {*frontier, *(v for f in partners.values() for v in f)} for j in lists[u][0]})
        reach = set()
        for u, found in partners.items():
            for v in found:
                touching.add((u, v) if store.key(u) < store.key(v) else (v, u))
                if v not in region and pairs.joinable(u, v):
                    reach.add(v)
        frontier = grow(reach)
    return region, touching


def _load(store: _Store, lists: Lists, mention_ids) -> None:
    """Read the stored neighbour lists of these mentions that are not known yet."""
    wanted = [m for m in mention_ids if m not in lists]
    if not wanted:
        return
    stored = crud.neighbour_lists(store.session, mention_ids=wanted)
    for m in wanted:
        lists.add(m, *_as_list(stored.get(m, [])))


def relink(
    session: Session, model: LinkModel | None = None, *, index: vector_index.VectorIndex | None = None
) -> RelinkReport:
    """Bring the tracked claims in step with the stored mentions, deciding again only the
    components a change since the last relinking can reach (the module's docstring says which).

    Each group decided keeps the stored claim that holds most of its mentions (reviewed claims
    first, then the older one); a group left without one gets a new claim. Moves are written to
    History. The decided mentions' pending suggestions are replaced; decided ones are kept. The
    caller owns the transaction.

    Args:
        index: the link model's index of the stored mentions; by default the saved one, brought in
            step first (:func:`claims.embed.index.update`).
    """
    model = model or default_link_model()
    store = _Store(session, model)
    report = RelinkReport(full=store.full)
    if index is None:
        index = vector_index.update(
            session.get_bind(), changed=store.dirty_ids, held=vector_index.LINK, complete=store.signature
        )
    archive = _Archive(store, index)
    searched, entered = _relisted(store, archive)
    lists = Lists({**_fresh_lists(store, archive, sorted(searched)), **_lists_entered(store, entered)})
    relisted = sorted(searched | entered.keys())
    pairs = Pairs(store.items, model, lists)
    region, touching = _region(store, lists, pairs, set(relisted))
    report.looked_at = len(region)
    rows, items = store.rows, store.items
    nodes = sorted(region, key=store.key)
    edges = [(i, j) for i, j in touching if i in region and j in region and pairs.joinable(i, j)]
    members = merge(nodes, edges, pairs, store.must, store.apart)
    root = {i: r for r, group in members.items() for i in group}
    claim_of = _lay_claims(session, store, members, report)
    best = best_suggestions(
        sorted(touching, key=lambda pair: (store.key(pair[0]), store.key(pair[1]))),
        pairs,
        lambda i: ("decided", root[i]) if i in region else ("stored", rows[i].claim_id),
        store.apart,
    )
    old_claims = {rows[i].claim_id for i in region}
    crud.drop_pending_suggestions(session, mention_ids=[*region, *store.gone], claim_ids=old_claims)
    session.flush()
    _drop_emptied(session, old_claims - set(claim_of.values()), report)
    for p, later, other in sorted(best.values(), key=lambda b: (items[b[1]].key, items[b[2]].key)):
        session.add(
            LinkSuggestion(
                mention_id=later,
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
    """{mention id: tracked claim id} for the decided groups, moving mentions whose claim changes."""
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
    groups = [sorted(group, key=store.key) for group in members.values()]
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
    for i, target in sorted(claim_of.items()):
        if rows[i].claim_id == target:
            continue
        mention = crud.get_mention(session, mention_id=i)
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
    model = store.model
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
        label[find(i)] = min(label.get(find(i), i), i)
    relisted_set = set(relisted)
    store.need_nodes(region - relisted_set)
    node_rows = {}
    for i in region:
        row, cosines = lists[i]
        if i in relisted_set:
            kth = float(cosines[-1]) if len(row) == model.candidates else FEWER
        else:
            kth = store.nodes[i][1]
        node_rows[i] = (label[find(i)], kth)
    crud.store_link_state(
        store.session,
        model=store.fingerprint,
        inputs=store.inputs,
        lists={i: [(int(j), float(c)) for j, c in zip(*lists[i])] for i in relisted},
        nodes=node_rows,
        gone=store.gone,
        seen=store.dirty_ids,
        full=store.full,
    )
