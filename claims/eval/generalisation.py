"""Every figure of one annotated story, measured through the CLI contract as anyone else would measure
it: its articles ingested by ``python -m claims ingest`` into a fresh database, the mentions read
back from ``export --format csv``, the queries run through ``search --json``.

- claims: recall of the gold claims (a stored mention holds the anchor); speaker and venue
  accuracy over the claims found (speakers by their listed spellings, venues by a fair short form);
  boilerplate lines taken as mentions;
- linking: pairwise precision, recall and F1 of the tracked claims over the gold claims found
  (related clusters count neither way), and look-alike (distinct) pairs merged;
- search: hit@1 and hit@3 of the paraphrase queries, a hit being a result whose tracked claim holds
  a mention of the query's gold cluster or a mention holding the anchor of one of its claims (for
  our own queries: a mention holding its anchor);
- check-worthiness: average precision of the gold claims among all stored mentions, ranked by
  their stored check-worthiness (left out: mentions of claims marked optional, second mentions of a
  gold claim, and the sentences a story's README leaves unjudged, or a part of one).
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from itertools import combinations
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from claims.eval.goldset import DIFFERENT, DISTINCT, RELATED, SAME, match, squash
from claims.eval.stories import Story, speaker_right, venue_right
from claims.eval.through_cli import cli
from claims.search.hybrid import ALPHA, CONTEXT_WEIGHT, SPEAKER_BOOST
from claims.train.metrics import average_precision

SHIPPED_FUSION = (ALPHA, CONTEXT_WEIGHT, SPEAKER_BOOST)


@dataclass
class StoryFigures:
    story: str
    held_out: bool
    articles: int = 0
    mentions: int = 0
    required: int = 0
    found: int = 0
    speaker_right: int = 0
    venue_right: int = 0
    boilerplate: int = 0
    true_links: int = 0
    false_links: int = 0
    missed_links: int = 0
    distinct_merged: int = 0
    queries: int = 0
    hit1: int = 0
    hit3: int = 0
    checkworthy_ap: float = 0.0
    links_held_out: bool = False  # linked by a model fitted without this story
    search_held_out: bool = False  # searched with fusion weights chosen without this story
    # (alpha, context, speaker boost) -> (hit@1, hit@3) counts of the story's queries, for the choice
    fusion_hits: dict[tuple[float, float, float], tuple[int, int]] = field(default_factory=dict)
    fusion: tuple[float, float, float] | None = None  # the weights its search figures were measured with
    misses: dict = field(default_factory=dict)  # what went wrong, for --verbose
    # watched anchor -> share of its article's mentions that score at least as check-worthy (top = small)
    queue_place: dict[str, float] = field(default_factory=dict)
    # ingested one article at a time: whether relinking everything afterwards (reindex) left the
    # tracked claims as the incremental relinkings had; None when ingested at once
    same_after_full: bool | None = None

    def rates(self) -> dict[str, float]:
        ratio = lambda a, b: a / b if b else 1.0
        p = ratio(self.true_links, self.true_links + self.false_links)
        r = ratio(self.true_links, self.true_links + self.missed_links)
        return {
            "claim_recall": ratio(self.found, self.required),
            "speaker_accuracy": ratio(self.speaker_right, self.found),
            "venue_accuracy": ratio(self.venue_right, self.found),
            "boilerplate_lines": self.boilerplate,
            "link_precision": p,
            "link_recall": r,
            "link_f1": 2 * p * r / (p + r) if p + r else 0.0,
            "distinct_merged": self.distinct_merged,
            "search_hit1": ratio(self.hit1, self.queries),
            "search_hit3": ratio(self.hit3, self.queries),
            "checkworthy_ap": self.checkworthy_ap,
        }


def pooled(figures: list[StoryFigures]) -> StoryFigures:
    """The stories' counts added up (AP averaged over the stories)."""
    total = StoryFigures("pooled", all(f.held_out for f in figures))
    for count in (f.name for f in fields(StoryFigures) if f.type == "int"):
        setattr(total, count, sum(getattr(f, count) for f in figures))
    total.checkworthy_ap = float(np.mean([f.checkworthy_ap for f in figures])) if figures else 0.0
    return total


def _exported(db: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(cli("--db", db, "export", "--format", "csv").lstrip("\ufeff"))))


def _claims(rows: list[dict]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for row in rows:
        groups.setdefault(row["cluster_id"], set()).add(row["mention_id"])
    return {frozenset(group) for group in groups.values()}


def evaluate(
    story: Story, *, fusion_grid: Sequence[tuple[float, float, float]] = (), one_by_one: bool = False
) -> StoryFigures:
    """The story's figures; with ``fusion_grid``, also its search hits under each (alpha, context,
    speaker boost) of :func:`claims.search.hybrid.search`, for :func:`choose_fusion`. ``one_by_one``
    ingests each article with its own command, so each relinking is incremental, and then checks
    that relinking everything (``reindex``) changes no tracked claim."""
    figures = StoryFigures(story.name, story.held_out, articles=len(story.articles))
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "story.db")
        for batch in [[a] for a in story.articles] if one_by_one else [story.articles]:
            cli("--db", db, "ingest", *map(str, batch))
        rows = _exported(db)
        if one_by_one:
            cli("--db", db, "reindex")
            figures.same_after_full = _claims(_exported(db)) == _claims(rows)
        searches = {
            q.id: json.loads(cli("--db", db, "search", q.text, "--k", "3", "--json")) for q in story.queries
        }
        gridded = _search_grid(db, story, fusion_grid)
    # In reading order (mention ids are given as articles are read), not in the export's cluster
    # order, so that which of two identical mentions a gold claim takes does not hang on the linking.
    rows.sort(key=lambda r: int(r["mention_id"]))
    figures.mentions = len(rows)
    gold_of: dict[str, str] = {}  # mention id -> gold claim id
    neutral: set[str] = set()  # mentions of optional claims
    by_doc: dict[str, list[dict]] = {}
    for row in rows:
        by_doc.setdefault(Path(row["document"]).name, []).append(row)
    for name, article in story.gold.articles.items():
        stored = by_doc.get(name, [])
        score = match([SimpleNamespace(text=r["claim_text"], row=r) for r in stored], article)
        figures.required += score.required
        figures.boilerplate += len(score.boilerplate)
        figures.misses.setdefault("boilerplate", []).extend(
            f"{name}: {m.text[:80]}" for m in score.boilerplate
        )
        for found in score.found:
            row = found.mention.row
            gold_of[row["mention_id"]] = found.claim.id
            if found.claim.optional:
                neutral.add(row["mention_id"])
                continue
            figures.found += 1
            speaker_ok = speaker_right(row["speaker"], found.claim.speaker, story.speaker_forms)
            venue_ok = venue_right(row["venue"], found.claim.venue)
            figures.speaker_right += speaker_ok
            figures.venue_right += venue_ok
            where = f"{name}: {found.claim.anchor[:60]}"
            if not speaker_ok:
                figures.misses.setdefault("speaker", []).append(
                    f"{where}  | stored {row['speaker']!r}, gold {found.claim.speaker[0]!r}"
                )
            if not venue_ok:
                figures.misses.setdefault("venue", []).append(
                    f"{where}  | stored {row['venue']!r}, gold {found.claim.venue[0]!r}"
                )
        figures.misses.setdefault("missed", []).extend(f"{name}: {c.anchor}" for c in score.missed)
        # A second mention of a gold claim (a lead paraphrase, a repeated paragraph) or a sentence the
        # story leaves unjudged is neither a hit nor a false alarm.
        anchors = [squash(c.anchor) for c in article.claims] + [squash(n) for n in story.neutral]
        unjudged = [squash(n) for n in story.neutral]  # a part of an unjudged sentence is unjudged too
        neutral.update(
            m.row["mention_id"]
            for m in score.extra
            if any(a in squash(m.text) for a in anchors) or any(squash(m.text) in u for u in unjudged)
        )
    cluster_of = {row["mention_id"]: row["cluster_id"] for row in rows}
    text_of = {r["mention_id"]: r["claim_text"][:70] for r in rows}
    # An optional claim (part of a longer quote the extractor may or may not cut out) is judged for
    # links only where the gold labels its pair; it is neither hit nor false alarm otherwise.
    optional = {c.id for article in story.gold.articles.values() for c in article.claims if c.optional}
    for a, b in combinations(sorted(gold_of), 2):
        label = story.gold.pair(gold_of[a], gold_of[b])
        linked = cluster_of[a] == cluster_of[b]
        if label == RELATED or (label == DIFFERENT and {gold_of[a], gold_of[b]} & optional):
            continue
        if label == SAME:
            figures.true_links += linked
            figures.missed_links += not linked
            if not linked:
                figures.misses.setdefault("missed link", []).append(f"{text_of[a]}  ~  {text_of[b]}")
        elif linked:
            figures.false_links += 1
            figures.distinct_merged += label == DISTINCT
            figures.misses.setdefault("false link", []).append(f"{text_of[a]}  ~  {text_of[b]}")
    members: dict[str, list[dict]] = {}
    for row in rows:
        members.setdefault(row["cluster_id"], []).append(row)
    anchor_of = {c.id: squash(c.anchor) for a in story.gold.articles.values() for c in a.claims}

    def hits(query, clusters) -> tuple[bool, bool]:
        # A mention holding the words of a claim the query looks for is a hit, even when the gold
        # matching gave that mention to another claim it also holds ("16,000 cases ..., up from 3,040").
        wanted = [query.anchor and squash(query.anchor)] + [anchor_of[c] for c in query.claims]
        found = [
            any(
                gold_of.get(r["mention_id"]) in query.claims
                or any(w and w in squash(r["claim_text"]) for w in wanted)
                for r in members.get(str(cluster), [])
            )
            for cluster in clusters
        ]
        return bool(found[:1] and found[0]), any(found[:3])

    for query in story.queries:
        first, top3 = hits(query, [result["cluster_id"] for result in searches[query.id]])
        if not first:
            top = searches[query.id][0]["text"][:60] if searches[query.id] else "nothing"
            figures.misses.setdefault("search", []).append(
                f"{'top 3' if top3 else 'MISSED'}: {query.text[:60]!r} -> first {top!r}"
            )
        figures.queries += 1
        figures.hit1 += first
        figures.hit3 += top3
    for weights, ranked in gridded.items():
        counted = [hits(query, ranked[query.id]) for query in story.queries]
        figures.fusion_hits[weights] = (sum(h[0] for h in counted), sum(h[1] for h in counted))
    shipped = figures.fusion_hits.get(SHIPPED_FUSION)
    if shipped is not None and shipped != (figures.hit1, figures.hit3):
        raise AssertionError(
            f"{story.name}: the shipped fusion gives {shipped} in process, the CLI "
            f"{(figures.hit1, figures.hit3)}: the grid does not search as the CLI does"
        )
    ranked = [r for r in rows if r["mention_id"] not in neutral]
    labels = np.array([r["mention_id"] in gold_of for r in ranked], dtype=float)
    scores = np.array([float(r["checkworthiness"]) for r in ranked])
    figures.checkworthy_ap = average_precision(labels, scores)
    for anchor in story.watched:
        row = next(r for r in rows if squash(anchor) in squash(r["claim_text"]))
        peers = [float(r["checkworthiness"]) for r in by_doc[Path(row["document"]).name]]
        figures.queue_place[anchor] = sum(p >= float(row["checkworthiness"]) for p in peers) / len(peers)
    return figures


def fusion_grid() -> list[tuple[float, float, float]]:
    """The (alpha, context, speaker boost) weightings :func:`choose_fusion` chooses among: the shipped
    one and its neighbours on each axis."""
    alphas = (0.6, 0.7, 0.8, 0.9, 1.0)
    contexts = (0.0, 0.2, 0.4, 0.6, 0.8)
    boosts = (0.0, 0.05, 0.1, 0.2)
    return [(a, c, b) for a in alphas for c in contexts for b in boosts]


def _search_grid(db: str, story: Story, grid) -> dict[tuple, dict[str, list[int]]]:
    """weights -> query id -> the tracked claims of its top 3, searched in process (the CLI searches
    with the shipped weights; this is the same function with others)."""
    if not grid:
        return {}
    from claims.embed.index import load_or_rebuild
    from claims.embed.search_model import search_embedder
    from claims.search.hybrid import search
    from db.session import get_engine

    engine = get_engine(db)
    embedder = _QueryCache(search_embedder())
    try:
        index = load_or_rebuild(engine)  # once, not once for each of the grid's searches
        return {
            weights: {
                q.id: [
                    r.cluster_id
                    for r in search(
                        engine,
                        q.text,
                        k=3,
                        alpha=weights[0],
                        context=weights[1],
                        speaker_boost=weights[2],
                        embedder=embedder,
                        index=index,
                    )
                ]
                for q in story.queries
            }
            for weights in grid
        }
    finally:
        engine.dispose()


class _QueryCache:
    """An embedder that encodes each query once, however many weightings search with it."""

    def __init__(self, embedder):
        self.embedder, self.vectors = embedder, {}

    def encode_query(self, text: str) -> np.ndarray:
        if text not in self.vectors:
            self.vectors[text] = self.embedder.encode_query(text)
        return self.vectors[text]

    def __getattr__(self, name):
        return getattr(self.embedder, name)


def choose_fusion(results: list[StoryFigures]) -> None:
    """Each story's search figures re-measured with the weighting that does best on the other stories'
    queries (hit@1 plus hit@3, pooled; ties go to the one nearest the shipped weights): leave one
    story out."""
    for figures in results:
        others = [f for f in results if f is not figures]
        best = max(figures.fusion_hits, key=lambda weights, others=others: _merit(weights, others))
        figures.hit1, figures.hit3 = figures.fusion_hits[best]
        figures.fusion, figures.search_held_out = best, True


def _merit(weights, stories: list[StoryFigures]) -> tuple[int, float]:
    pooled_hits = sum(sum(f.fusion_hits[weights]) for f in stories)
    return pooled_hits, -sum(abs(w - s) for w, s in zip(weights, SHIPPED_FUSION, strict=True))


def evaluate_held_out(
    name: str, embedder, *, c: float = 0.2, public=(), fusion_grid=(), one_by_one: bool = False
) -> StoryFigures:
    """:func:`evaluate` with the story linked by a link model fitted on the other stories' pairs
    (and the ``public`` sets, as claims.train.linking.fitted_model takes them), the shipped recipe of
    bench/train_linking.py, so its linking figures are held out."""
    import os
    from unittest.mock import patch

    from claims.eval.stories import STORIES, load_story
    from claims.train.linking import corpus_pairs, fitted_model

    model = fitted_model([corpus_pairs(other, embedder)[:2] for other in STORIES if other != name], c, public)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "linking.json"
        path.write_text(model.to_json(trained_on=f"annotated stories but {name}"), encoding="utf-8")
        with patch.dict(os.environ, {"CLAIMS_LINK_MODEL": str(path)}):
            figures = evaluate(load_story(name), fusion_grid=fusion_grid, one_by_one=one_by_one)
    figures.links_held_out = True
    return figures
