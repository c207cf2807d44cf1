"""Headlines that repeat a body claim become mentions of it, marked as headlines.

A headline is short and reworded ("Russia Hails 'Positive Signal' From
Taliban"), so it is matched to the article's own claims by meaning, and must
also share a word that is not the article's topic: every sentence of a story
about Russia and the Taliban says "Russia" and "Taliban", so those words
alone prove nothing.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from claims.detect import headline
from claims.embed import Embedder
from claims.records import Mention

MATCH = 0.6  # cosine; same-headline pairs in the seeds and demo score 0.69-0.87, unrelated ones below 0.6
TOPIC_SHARE = 0.2  # a stem in more than this share of the article's claims is a topic word


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]{4,}", text.lower())}


def attach_headline(text: str, mentions: list[Mention], vectors: np.ndarray, embedder: Embedder) -> tuple[list[Mention], np.ndarray]:
    """``mentions`` and ``vectors``, plus the headline when it repeats one of the mentions."""
    span = headline(text)
    body = [i for i, m in enumerate(mentions) if m.role == "body"]
    if span is None or not body:
        return mentions, vectors
    title = text[span[0]: span[1]]
    vector = embedder.encode([title])[0]
    scores = vectors[body] @ vector
    counts: dict[str, int] = {}
    for i in body:
        for stem in _stems(mentions[i].text):
            counts[stem] = counts.get(stem, 0) + 1
    topic = {stem for stem, n in counts.items() if n > TOPIC_SHARE * len(body)}
    for rank in np.argsort(-scores):
        i = body[int(rank)]
        if scores[rank] < MATCH:
            break
        if (_stems(title) & _stems(mentions[i].text)) - topic:
            source = mentions[i]
            kind = "reported speech" if source.attribution.speaker else "outlet's own"
            who = replace(source.attribution, kind=kind, venue=None, when=None, statement=None)
            repeat = Mention(span[0], span[1], title, who, source.checkworthiness, title, role="headline", repeats=i)
            return mentions + [repeat], np.vstack([vectors, vector[None, :]])
    return mentions, vectors
