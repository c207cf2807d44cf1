"""New mention -> an existing tracked claim, a suggestion, or a new tracked claim.

Pure functions over vectors and ids, plus :class:`Linker`, which keeps the
vectors of the mentions already stored so that a batch links against itself
as it goes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from claims.config import Settings, settings

JOIN, SUGGEST, NEW = "join", "suggest", "new"


@dataclass(frozen=True)
class Decision:
    action: str  # JOIN, SUGGEST or NEW
    claim_id: int | None  # the claim joined or suggested
    score: float


def best_claim(
    vector: np.ndarray, matrix: np.ndarray, claim_ids: np.ndarray
) -> tuple[int | None, float, int]:
    """The tracked claim holding the mention most similar to ``vector``.

    Args:
        vector: a normalised query vector, shape (d,).
        matrix: normalised mention vectors, shape (n, d).
        claim_ids: the tracked claim of each row of ``matrix``.

    Returns:
        (claim id, cosine similarity, row index), or (None, 0.0, -1) when ``matrix`` is empty.
    """
    if len(matrix) == 0:
        return None, 0.0, -1
    scores = matrix @ vector
    row = int(np.argmax(scores))
    return int(claim_ids[row]), float(scores[row]), row


def decide(score: float, *, words: int, same_speaker: bool, config: Settings) -> str:
    """JOIN, SUGGEST or NEW for a best match of ``score``.

    A short text (fewer than ``config.short_claim_words`` words) joins only when
    the speaker agrees as well; otherwise it is at most a suggestion.
    """
    if score >= config.auto_link:
        if words >= config.short_claim_words or same_speaker:
            return JOIN
        return SUGGEST
    if score >= config.suggest_link:
        return SUGGEST
    return NEW


class Linker:
    """The stored mentions' vectors, grown as a batch is linked."""

    def __init__(self, dimension: int, config: Settings | None = None):
        self.config = config or settings()
        self.matrix = np.zeros((0, dimension), dtype=np.float32)
        self.claim_ids = np.zeros(0, dtype=np.int64)
        self.speakers: list[int | None] = []

    def add(self, vectors: np.ndarray, claim_ids: list[int], speakers: list[int | None]) -> None:
        if len(vectors) == 0:
            return
        self.matrix = np.vstack([self.matrix, np.asarray(vectors, dtype=np.float32)])
        self.claim_ids = np.concatenate([self.claim_ids, np.asarray(claim_ids, dtype=np.int64)])
        self.speakers.extend(speakers)

    def link(self, vector: np.ndarray, *, words: int, speaker_id: int | None) -> Decision:
        claim_id, score, row = best_claim(vector, self.matrix, self.claim_ids)
        if claim_id is None:
            return Decision(NEW, None, 0.0)
        same_speaker = speaker_id is not None and self.speakers[row] == speaker_id
        action = decide(score, words=words, same_speaker=same_speaker, config=self.config)
        return Decision(action, claim_id if action != NEW else None, score)
