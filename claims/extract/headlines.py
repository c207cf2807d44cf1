"""Headlines that repeat a body claim become mentions of it, marked as headlines.

A headline is short and reworded ("Russia Hails 'Positive Signal' From
Taliban"), so it is matched to the article's own claims by meaning, and must
also share a word that is not the article's topic: every sentence of a story
about Russia and the Taliban says "Russia" and "Taliban", so those words
alone prove nothing.

Headlines are written from the lede, so the lede's claims need less
similarity: "Ferries carry twice as many passengers" repeats the lede's
"crossings have doubled" more than a later quote that shares
the word "ferries". A number both give ("twice" and "doubled" are 2)
counts as a shared word.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from claims.embed.encoder import Embedder
from claims.extract.detect import headline
from claims.records import FoundClaim
from claims.text.numbers import numbers
from claims.text.sentences import paragraph_at
from db.models import AttributionKind, MentionRole

MATCH = 0.6  # cosine; same-headline pairs in the seeds and demo score 0.69-0.87, unrelated ones below 0.6
LEDE_MATCH = 0.4  # cosine for a claim of the lede (the first paragraph with a claim)
TOPIC_SHARE = 0.2  # a stem in more than this share of the article's claims is a topic word


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]{4,}", text.lower())} | {f"#{n:g}" for n in numbers(text)}


def attach_headline(
    text: str, mentions: list[FoundClaim], vectors: np.ndarray, embedder: Embedder
) -> tuple[list[FoundClaim], np.ndarray]:
    """``mentions`` and ``vectors``, plus the headline when it repeats one of the mentions."""
    span = headline(text)
    body = [i for i, m in enumerate(mentions) if m.role == MentionRole.body]
    if span is None or not body:
        return mentions, vectors
    title = text[span[0] : span[1]]
    vector = embedder.encode([title])[0]
    scores = vectors[body] @ vector
    counts: dict[str, int] = {}
    for i in body:
        for stem in _stems(mentions[i].text):
            counts[stem] = counts.get(stem, 0) + 1
    # A number is what a claim asserts, never the story's name, however often it recurs.
    topic = {stem for stem, n in counts.items() if n > TOPIC_SHARE * len(body) and not stem.startswith("#")}
    first = min(body, key=lambda i: mentions[i].start)
    lede = paragraph_at(text, mentions[first].start, mentions[first].end)
    in_lede = {i for i in body if paragraph_at(text, mentions[i].start, mentions[i].end) == lede}

    def shares(i: int) -> bool:
        return bool((_stems(title) & _stems(mentions[i].text)) - topic)

    ranked = [(float(scores[rank]), body[int(rank)]) for rank in np.argsort(-scores, kind="stable")]
    chosen = next((i for score, i in ranked if i in in_lede and score >= LEDE_MATCH and shares(i)), None)
    if chosen is None:
        chosen = next((i for score, i in ranked if score >= MATCH and shares(i)), None)
    if chosen is None:
        return mentions, vectors
    source = mentions[chosen]
    kind = AttributionKind.reported_speech if source.attribution.speaker else AttributionKind.outlet_assertion
    who = replace(source.attribution, kind=kind, venue=None, when=None, statement=None)
    repeat = FoundClaim(
        span[0], span[1], title, who, source.checkworthiness, title, role=MentionRole.headline, repeats=chosen
    )
    return mentions + [repeat], np.vstack([vectors, vector[None, :]])
