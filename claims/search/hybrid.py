"""Hybrid search over mentions: meaning (FAISS) and words (SQLite FTS5, BM25), fused.

Both retrievers rank mentions; the dense one compares vectors of the search
model (:mod:`claims.embed.search_model`, the bundled encoder adapted to news
paraphrase), of the query and of each claim and its paragraph. The default fusion is a fitted weighting:
``ALPHA * cosine + (1 - ALPHA) * bm25 / best bm25`` (a mention missing from
one list gets 0 there); reciprocal rank fusion (``fusion="rrf"``) is the
other choice. The query's frame is read first ("Lavrov: ...", "the envoy
says ..."): the statement alone is matched, since claim texts leave their
frame out, and mentions by a speaker the query names score a little more.
ALPHA, CONTEXT_WEIGHT and SPEAKER_BOOST were chosen on half of the test
queries only (tests/data/search_queries.tsv, even rows); docs/BENCHMARKS.md
("Hybrid search") gives dense-only, keyword-only, RRF and fitted hit@1 on
both halves. Results are grouped by tracked claim: each claim is represented
by its best-scoring mention.

Filters (speaker, outlet, article dates, status, check-worthiness) choose the
mentions both retrievers may return; the speaker is matched typo-tolerantly
against every known name and spelling (:func:`resolve_speakers`).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session

from claims.embed.encoder import Embedder, from_bytes
from claims.embed.index import VectorIndex, load_or_rebuild
from claims.embed.search_model import query_encoder
from claims.search.query import (
    keyword_terms,
    match_expression,
    named_speakers,
    resolve_speakers,
    speaker_part,
    statement_of,
)
from db import crud
from db.models import ClaimStatus

MODES = ("hybrid", "dense", "keyword")
FUSIONS = ("score", "rrf")
ALPHA = 0.9  # the cosine's weight in the score fusion (fitted, see the module docstring)
RRF_K = 60  # the constant of Cormack et al. (2009); it damps the difference between the first ranks
DEPTH = 100  # how many mentions each retriever hands to the fusion
# BM25 scores every mention a query word matches before it can rank them: past this many matches the
# commonest words are left out of the keyword search (their low weight changes little of its order,
# and a word in every tenth mention of a million costs 100 ms). Archives of the size of our stories
# never reach it (docs/BENCHMARKS.md, "Scale").
KEYWORD_MATCHES = 20_000
CONTEXT_WEIGHT = (
    0.6  # the paragraph's share of the dense score (chosen on the even query rows, docs/BENCHMARKS.md)
)
FRAMING = True  # read the query's "X says" frame: match the statement, favour X's claims
SPEAKER_BOOST = (
    0.1  # added to the score of a mention by a speaker the query names (chosen on the even query rows)
)
_OPEN, _CLOSE = "\x02", "\x03"  # highlight markers: control characters never stored in a mention


@dataclass
class Filters:
    """What the results must satisfy; every field left at its default filters nothing.

    ``speaker`` is typo-tolerant ("Zhirnof", "lavrov"); ``outlet`` ignores case;
    ``since`` and ``until`` bound the article's publication date, inclusive
    (articles without a date are then left out); ``statuses`` are tracked claim
    statuses; ``min_checkworthiness`` is the mention's score, 0 to 1.
    """

    speaker: str | None = None
    outlet: str | None = None
    since: date | None = None
    until: date | None = None
    statuses: Sequence[ClaimStatus | str] = ()
    min_checkworthiness: float = 0.0

    def active(self) -> bool:
        return bool(
            (self.speaker or "").strip()
            or (self.outlet or "").strip()
            or self.since
            or self.until
            or self.statuses
            or self.min_checkworthiness > 0
        )


@dataclass
class SearchResult:
    """One tracked claim, represented by its mention that best matches the query."""

    mention_id: int  # the best-matching mention
    cluster_id: int  # its tracked claim
    text: str
    speaker: str | None
    venue: str | None
    attribution: str
    checkworthiness: float
    document: str
    outlet: str | None
    title: str | None
    published: str | None
    status: str
    mentions: int
    score: float  # fused (see the module docstring); the cosine alone in dense mode
    dense: float | None = None  # cosine of the query and the mention, when in the dense list
    keyword: float | None = None  # BM25 (higher is better), when the mention's words matched
    highlights: list[tuple[int, int]] = field(
        default_factory=list
    )  # [start, end) of matched words in ``text``

    def to_dict(self) -> dict:
        """The CLI's JSON: ``claim_id`` is kept beside ``mention_id`` (the same id) for the tools that read it."""
        return {"claim_id": self.mention_id, **asdict(self)}


def allowed_mentions(session: Session, filters: Filters) -> list[int] | None:
    """The mention ids that pass ``filters``, or None when no filter is set."""
    if not filters.active():
        return None
    speaker_ids = None
    if (filters.speaker or "").strip():
        speaker_ids = [sid for sid, _ in resolve_speakers(session, filters.speaker)]
        if not speaker_ids:
            return []
    return crud.filtered_mention_ids(
        session,
        speaker_ids=speaker_ids,
        outlet=filters.outlet,
        since=filters.since,
        until=filters.until,
        statuses=[ClaimStatus(s) for s in filters.statuses] or None,
        min_checkworthiness=filters.min_checkworthiness or None,
    )


def fuse(rankings: Sequence[Sequence[int]], weights: Sequence[float], *, k: int = RRF_K) -> dict[int, float]:
    """Weighted reciprocal rank fusion of ranked id lists, scaled so 1.0 = first in every list.

    Args:
        rankings: each a list of ids, best first.
        weights: one per ranking.
        k: the RRF constant.
    """
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    top = sum(weight / (k + 1) for weight in weights) or 1.0
    return {item: score / top for item, score in scores.items()}


def with_context(
    session: Session,
    dense: Sequence[tuple[int, float]],
    query_vector: np.ndarray,
    *,
    weight: float = CONTEXT_WEIGHT,
) -> list[tuple[int, float]]:
    """Dense hits rescored as ``(1 - weight) * cosine(claim) + weight * cosine(its paragraph)``, best first.

    A paraphrase often names what the claim's own words leave to its paragraph
    (who said it, about what); mentions without a stored paragraph vector keep
    their own cosine.
    """
    stored = crud.search_context_vectors(session, mention_ids=[i for i, _ in dense])
    rescored = [
        (
            i,
            (1 - weight) * cosine + weight * float(from_bytes(stored[i]) @ query_vector)
            if i in stored
            else cosine,
        )
        for i, cosine in dense
    ]
    return sorted(rescored, key=lambda item: (-item[1], item[0]))


def combine(
    dense: Sequence[tuple[int, float]], keyword: Sequence[tuple[int, float]], *, alpha: float = ALPHA
) -> dict[int, float]:
    """Score fusion: ``alpha * cosine + (1 - alpha) * bm25 / best bm25`` (bm25 as SQLite gives it, negative)."""
    scores = {item: alpha * cosine for item, cosine in dense}
    if keyword:
        best = max(-value for _, value in keyword) or 1.0
        for item, value in keyword:
            scores[item] = scores.get(item, 0.0) + (1 - alpha) * (-value / best)
    return scores


def spans(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """The text of an FTS5 ``highlight()`` result and the [start, end) of each marked stretch."""
    out, found, start = [], [], None
    position = 0
    for ch in marked:
        if ch == _OPEN:
            start = position
        elif ch == _CLOSE:
            if start is not None and position > start:
                found.append((start, position))
            start = None
        else:
            out.append(ch)
            position += 1
    return "".join(out), found


def scarce(session: Session, words: list[str], *, cap: int = KEYWORD_MATCHES) -> list[str]:
    """``words`` less the commonest, so that those kept match at most ``cap`` mentions between
    them; the rarest word is always kept. All of them in a small archive."""
    matches = [match_expression([word]) for word in words]
    counts = dict(zip(words, crud.keyword_counts(session, matches=matches, cap=cap + 1)))
    if sum(counts.values()) <= cap:
        return words
    kept: set[str] = set()
    total = 0
    for word in sorted(words, key=lambda w: (counts[w], w)):
        if kept and total + counts[word] > cap:
            break
        kept.add(word)
        total += counts[word]
    return [word for word in words if word in kept]


_KEYWORDS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="keyword-search")


def keyword_side(
    engine: Engine, terms: list[str], *, limit: int, among: list[int] | None
) -> list[tuple[int, float]]:
    """The keyword retriever's (mention id, BM25) hits, best first, in a session of its own."""
    with Session(engine) as session:
        return crud.keyword_hits(
            session, match=match_expression(scarce(session, terms)), limit=limit, mention_ids=among
        )


def _keywords_beside(
    engine: Engine, terms: list[str], *, limit: int, among: list[int] | None
) -> Future[list[tuple[int, float]]]:
    """:func:`keyword_side`, started on another thread when the database is a file: SQLite,
    ONNX Runtime and FAISS all leave Python's lock while they work, so the keyword index is read
    while the query is encoded and the vectors searched. An in-memory database lives in one
    connection, which another thread would not see."""
    if engine.url.database in (None, "", ":memory:"):
        done: Future = Future()
        done.set_result(keyword_side(engine, terms, limit=limit, among=among))
        return done
    return _KEYWORDS.submit(keyword_side, engine, terms, limit=limit, among=among)


def search(
    engine: Engine,
    query: str,
    *,
    k: int = 10,
    filters: Filters | None = None,
    mode: str = "hybrid",
    fusion: str = "score",
    alpha: float = ALPHA,
    context: float = CONTEXT_WEIGHT,
    speaker_boost: float = SPEAKER_BOOST,
    framing: bool = FRAMING,
    embedder: Embedder | None = None,
    index: VectorIndex | None = None,
) -> list[SearchResult]:
    """The ``k`` tracked claims that best match ``query``, best first.

    Args:
        engine: the database.
        query: any wording of the statement looked for.
        k: how many tracked claims to return.
        filters: what the results must satisfy.
        mode: "hybrid" (both retrievers fused), "dense" (meaning only) or "keyword" (BM25 only).
        fusion: "score" (the fitted weighting) or "rrf" (reciprocal rank fusion), for "hybrid".
        alpha: the cosine's weight in the score fusion.
        context: the paragraph's share of the dense score (:func:`with_context`).
        speaker_boost: added to the score of a mention whose speaker the query names (:func:`named_speakers`).
        framing: match the query's statement without its "X says" frame (:func:`statement_of`), and boost X.
        embedder: encodes the query; the model the index was built with (default :func:`~claims.embed.search_model.query_encoder`).
        index: a loaded index; by default the saved one (rebuilt if stale).
    """
    if mode not in MODES:
        raise ValueError(f"unknown search mode {mode!r}; choose from {', '.join(MODES)}")
    if fusion not in FUSIONS:
        raise ValueError(f"unknown fusion {fusion!r}; choose from {', '.join(FUSIONS)}")
    query = query.strip()
    if not query or k <= 0:
        return []
    filters = filters or Filters()
    depth = max(DEPTH, k * 5)
    with Session(engine) as session:
        named, naming = named_speakers(session, speaker_part(query)) if framing else (set(), set())
        looked_for = statement_of(query, naming) if framing else query
        terms = keyword_terms(looked_for)
        match = match_expression(terms)
        among = allowed_mentions(session, filters)
        if among is not None and not among:
            return []
        keywords = _keywords_beside(engine, terms, limit=depth, among=among) if mode != "dense" else None
        dense: list[tuple[int, float]] = []
        if mode != "keyword":
            embedder = embedder or query_encoder()
            index = index if index is not None else load_or_rebuild(engine)
            vector = embedder.encode_query(looked_for)
            dense = with_context(session, index.search(vector, depth, among=among), vector, weight=context)
        keyword = keywords.result() if keywords is not None else []
        if mode == "hybrid" and fusion == "rrf":
            fused = fuse([[i for i, _ in dense], [i for i, _ in keyword]], (1.0, 1.0))
        else:
            fused = combine(dense, keyword, alpha={"hybrid": alpha, "dense": 1.0, "keyword": 0.0}[mode])
        if not fused:
            return []
        if speaker_boost and named:
            for mention_id, speaker_id in crud.speakers_of(session, mention_ids=list(fused)).items():
                if speaker_id in named:
                    fused[mention_id] += speaker_boost
        best: dict[int, int] = {}  # tracked claim -> its best mention
        for mention_id, claim_id in crud.claims_of(session, mention_ids=list(fused)).items():
            current = best.get(claim_id)
            if current is None or (fused[mention_id], -mention_id) > (fused[current], -current):
                best[claim_id] = mention_id
        top = sorted(best.values(), key=lambda mention_id: (-fused[mention_id], mention_id))[:k]
        order = {mention_id: n for n, mention_id in enumerate(top)}
        chosen = sorted(crud.mention_rows(session, mention_ids=top), key=lambda row: order[row.mention.id])
        marked = crud.keyword_marked(
            session, match=match, mention_ids=[row.mention.id for row in chosen], start=_OPEN, end=_CLOSE
        )
    cosines, bm25 = dict(dense), dict(keyword)
    results = []
    for row in chosen:
        mention = row.mention
        text, highlights = spans(marked[mention.id]) if mention.id in marked else (mention.text, [])
        if text != mention.text:  # never show offsets into another string
            highlights = []
        results.append(
            SearchResult(
                mention_id=mention.id,
                cluster_id=row.claim.id,
                text=mention.text,
                speaker=row.speaker,
                venue=mention.venue,
                attribution=mention.attribution.value,
                checkworthiness=round(mention.checkworthiness, 4),
                document=row.article.document,
                outlet=row.outlet,
                title=row.article.title,
                published=row.article.published.isoformat() if row.article.published else None,
                status=row.claim.status.value,
                mentions=row.claim.mention_count,
                score=round(fused[mention.id], 4),
                dense=round(cosines[mention.id], 4) if mention.id in cosines else None,
                keyword=round(-bm25[mention.id], 4) if mention.id in bm25 else None,
                highlights=highlights,
            )
        )
    return results
