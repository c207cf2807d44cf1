"""No training set holds text of a story we evaluate on: a figure on a story the model has read is
in-sample, whatever the protocol says."""

from __future__ import annotations

import re

import pytest

from claims.eval.stories import STORIES, load_story
from claims.train.checkworthy_data import FILES
from claims.train.pair_model import MRPC
from tests.conftest import ROOT

BENCH = ROOT.parent / "shared" / "bench"
RUN = 8  # words in a row: more than a stock phrase ("on Friday, the president said ...") shares

TRAINING_SETS = {
    **{name: path for name, path in FILES.items() if "test" not in name},
    "claim matching 2020": BENCH / "clef2020_t2_en" / "vclaims.tsv",
    "claim matching 2020 queries": BENCH / "clef2020_t2_en" / "queries.train.tsv",
    "CheckThat! 2021 claims": BENCH / "clef2021_t2a_en" / "vclaims.tsv",
    "CheckThat! 2021 queries": BENCH / "clef2021_t2a_en" / "queries.train.tsv",
    "MRPC train": MRPC / "msr_paraphrase_train.txt",
    "search pairs": ROOT / "bench" / "data" / "search_pairs.tsv",
}


def _runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


@pytest.fixture(scope="module")
def story_runs() -> dict[tuple[str, ...], str]:
    runs: dict[tuple[str, ...], str] = {}
    for name in STORIES:
        for path in load_story(name).articles:
            runs.update(dict.fromkeys(_runs(path.read_text(encoding="utf-8")), f"{name}/{path.name}"))
    return runs


@pytest.mark.parametrize("training_set", sorted(TRAINING_SETS))
def test_no_training_set_shares_eight_words_in_a_row_with_an_evaluated_story(training_set, story_runs):
    shared = {}
    for line in TRAINING_SETS[training_set].read_text(encoding="utf-8").splitlines():
        for run in _runs(line) & story_runs.keys():
            shared[" ".join(run)] = story_runs[run]
    assert not shared, f"{training_set} holds text of {sorted(set(shared.values()))}: {sorted(shared)[:3]}"
