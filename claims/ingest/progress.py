"""One ingest's progress as one bar: its stages weighed by their share of the time, and an ETA.

An ingest extracts every article first, then encodes, then stores, then regroups and embeds for
search; a bar that counted stored articles sat still for most of the run. The weights are the
stages' shares measured by bench/ingest_speed.py (docs/BENCHMARKS.md "Ingest at the model's speed").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

# Stage: (share of the whole ingest, what the bar says, the unit counted).
STAGES = {
    "extract": (0.25, "Finding claims", "articles"),
    "encode": (0.30, "Encoding and scoring claims", "claims"),
    "store": (0.10, "Storing", "articles"),
    "search": (0.35, "Grouping claims and embedding them for search", "texts"),
}


@dataclass(frozen=True)
class Step:
    stage: str
    done: int
    total: int
    fraction: float  # of the whole ingest, 0..1
    seconds_left: float | None  # None until enough is done to tell
    document: str = ""

    @property
    def counted(self) -> str:
        """The stage and how far it is: "Finding claims: 3 of 25 articles"."""
        _, label, unit = STAGES[self.stage]
        return f"{label}: {self.done} of {self.total} {unit}"

    def describe(self, name: Callable[[str], str] = str) -> str:
        """What a progress bar's caption says: the stage, how far, and the time left; ``name``
        shortens the document's path or URL."""
        text = self.counted
        if self.document:
            text += f" ({name(self.document)})"
        if self.seconds_left:  # not at the start, nor at the end
            text += f", about {_duration(self.seconds_left)} left"
        return text


Progress = Callable[[Step], None]


def _duration(seconds: float) -> str:
    seconds = max(1, round(seconds))
    return f"{seconds} s" if seconds < 90 else f"{round(seconds / 60)} min"


class Tracker:
    """Turns each stage's ``(done, total)`` into a :class:`Step` for ``report``; the time left is
    extrapolated from the time so far and the fraction done, once 5 % is done."""

    def __init__(self, report: Progress | None):
        self.report = report
        self.started = time.perf_counter()
        self.order = list(STAGES)
        self.last: tuple[int, int] = (0, 0)

    def __call__(self, stage: str, done: int, total: int, document: str = "") -> None:
        self.last = (done, total)
        if self.report is None:
            return
        before = sum(STAGES[s][0] for s in self.order[: self.order.index(stage)])
        fraction = min(1.0, before + STAGES[stage][0] * (done / total if total else 1.0))
        elapsed = time.perf_counter() - self.started
        left = elapsed * (1 - fraction) / fraction if fraction >= 0.05 else None
        self.report(Step(stage, done, total, fraction, left, document))

    def finish(self) -> None:
        """The last stage done: the bar full, with the last count it showed."""
        done, total = self.last
        self(self.order[-1], max(done, total), total)

    def stage(self, stage: str) -> Callable[[int, int], None]:
        """A ``(done, total)`` callback for one stage."""
        return lambda done, total: self(stage, done, total)
