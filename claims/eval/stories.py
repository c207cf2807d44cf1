"""The annotated stories in one shape: the seeds, our demo corpus, and the news_dev stories from
other desks (../shared/bench/news_dev), each with its articles, gold claims, clusters, look-alike
pairs, boilerplate lines and paraphrase queries.

news_dev's gold.json (one mention per document and cluster, a cluster id per claim, boilerplate as
whole lines) is read into the same :class:`claims.eval.goldset.GoldSet` as our own gold files;
its queries name a cluster, ours an anchor.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from claims.eval.corpora import CORPORA, ROOT
from claims.eval.goldset import GoldArticle, GoldClaim, GoldSet, load_gold, squash
from claims.extract.speakers import fold
from db.models import AttributionKind

NEWS_DEV = ROOT.parent / "shared" / "bench" / "news_dev"
QUERIES = ROOT / "tests" / "data" / "search_queries.tsv"
STORIES = ("seeds", "demo", "story_a", "story_b")

# What the shipped extraction rules, venue patterns, link model, search adapters and fusion weights
# were written or fitted on: a figure on these stories is in-sample, never a headline.
SHIPPED_ON = {"seeds", "demo"}
# Stories no model or weight was fitted on, but whose misses we read while writing extraction rules:
# their figures are development figures; the stories nobody here has seen are the test.
LOOKED_AT = {"story_a", "story_b"}

# The venue forms each news_dev README accepts for its canonical venues (its "Annotation conventions").
VENUE_FORMS = {
    "Jackson Hole Economic Policy Symposium": [
        "speech at Jackson Hole, Wyoming",
        "Kansas Federal Reserve's Jackson Hole symposium",
        "economic conference in Jackson Hole, Wyo.",
        "a Wyoming speech",
    ],
    "WHO press conference": [
        "press conference",
        "media briefing in Geneva",
        "news conference",
        "told reporters",
        "speaking to reporters",
    ],
    "WHO statement": ["in a statement", "the statement added"],
}
# Words a venue shares with any other: they name no particular place or event.
_PLAIN = set(
    "the a an of in on at to with for and by from its his her their said told speaking interview "
    "radio television tv channel station newspaper show programme program broadcast".split()
)


@dataclass
class Query:
    id: str
    text: str
    claims: set[str] = field(default_factory=set)  # gold claim ids of the cluster it looks for
    anchor: str | None = None  # or, in our own query file, the words its claim holds


@dataclass
class Story:
    name: str
    articles: list[Path]  # the article files, in name order
    gold: GoldSet
    queries: list[Query]
    speaker_forms: dict[str, set[str]] = field(default_factory=dict)  # canonical (folded) -> folded aliases
    boilerplate: list[str] = field(default_factory=list)  # lines that must never become claims
    # Claims a fact-checker would check first, whose place in their article's queue is reported.
    watched: list[str] = field(default_factory=list)
    # Words of sentences the story's README says to score as neither claim nor noise: second mentions
    # of a gold claim and unjudged sentences (opinions, background, calls to action).
    neutral: list[str] = field(default_factory=list)

    @property
    def held_out(self) -> bool:
        """No shipped model or weight was fitted on this story (see LOOKED_AT for the rules)."""
        return self.name not in SHIPPED_ON


def load_story(name: str) -> Story:
    return _own(name) if name in CORPORA else _news_dev(name)


def _own(name: str) -> Story:
    gold_path, folder = CORPORA[name]
    gold = load_gold(gold_path)
    with QUERIES.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["corpus"] == name]
    queries = [Query(f"{name}-{i}", r["query"], anchor=r["anchor"]) for i, r in enumerate(rows, 1)]
    watched = ["better than under Ashraf Ghani"] if name == "seeds" else []  # the design card's example
    return Story(name, [folder / n for n in sorted(gold.articles)], gold, queries, watched=watched)


def _news_dev(name: str) -> Story:
    folder = NEWS_DEV / name
    data = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    files = {doc: folder / file for doc, file in data["docs"].items()}
    bodies = {doc: body(path.read_text(encoding="utf-8")) for doc, path in files.items()}
    any_kind = [k.value for k in AttributionKind]
    by_doc: dict[str, list[GoldClaim]] = {doc: [] for doc in files}
    clusters: dict[str, list[str]] = {}
    for item in data["claims"]:
        by_doc[item["doc"]].append(
            GoldClaim(
                item["id"], item["anchor"], [item["speaker"] or None], [item["venue"] or None], any_kind
            )
        )
        clusters.setdefault(item["cluster"], []).append(item["id"])
    articles = {
        files[doc].name: GoldArticle(
            files[doc].name, claims, [line for line in data["boilerplate"] if line in bodies[doc]]
        )
        for doc, claims in by_doc.items()
    }
    related = [[clusters[a][0], clusters[b][0]] for a, b in data["related"]]
    gold = GoldSet(articles, list(clusters.values()), related, [list(p) for p in data["distinct"]])
    with (folder / "queries.tsv").open(encoding="utf-8", newline="") as handle:
        queries = [
            Query(qid, text, set(clusters[cluster]))
            for qid, text, cluster in csv.reader(handle, delimiter="\t")
        ]
    forms = {
        fold(c): {fold(c)} | {fold(a) for a in aliases} for c, aliases in data["speaker_aliases"].items()
    }
    return Story(
        name,
        sorted(files.values()),
        gold,
        queries,
        forms,
        list(data["boilerplate"]),
        neutral=_neutral(folder),
    )


def _neutral(folder: Path) -> list[str]:
    """The README's second mentions and unjudged sentences, each as its longest run of words between
    ellipses and bracketed variants ("Although I am [001: I'm] declaring ..." -> "declaring ...")."""
    text = (folder / "README.txt").read_text(encoding="utf-8")
    start = text.find("Each (document, cluster) pair has ONE gold mention")
    end = text.find("Lines repeating the page headline", start)
    if start == -1 or end == -1:
        return []
    runs = []
    # A quote opens after a space and closes before one, so a quote inside a quote stays inside.
    for quoted in re.findall(r'(?<![\w"])"(?=\S)(.{12,}?)(?<=\S)"(?=[\s,;)]|$)', text[start:end], re.S):
        parts = re.split(r"\.\.\.|…|\[[^\]]*\]", re.sub(r"\s+", " ", quoted))
        longest = max(parts, key=lambda p: len(p.split())).strip(" ,.;:")
        if len(longest.split()) >= 4:
            runs.append(longest)
    return runs


def body(text: str) -> str:
    """A news_dev file's page text: everything after its header block's first blank line."""
    return text.split("\n\n", 1)[1] if "\n\n" in text else text


def speaker_right(found: str | None, gold: list[str | None], forms: dict[str, set[str]]) -> bool:
    """The stored speaker is the gold one: the same name (folded), or a spelling the gold lists."""
    if not found:
        return None in gold
    folded = fold(found)
    return any(g and (folded == fold(g) or folded in forms.get(fold(g), set())) for g in gold)


def _venue_words(venue: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", fold(venue)) if w not in _PLAIN and len(w) > 2}


def venue_right(found: str | None, gold: list[str | None]) -> bool:
    """The stored venue is the gold one, or a fair short form of it: it shares a word that names the
    place or event ("press conference" for "WHO press conference") with it or one of its forms."""
    if not found:
        return None in gold
    words = _venue_words(found)
    return any(
        g
        and (squash(found) == squash(g) or any(words & _venue_words(f) for f in [g, *VENUE_FORMS.get(g, [])]))
        for g in gold
    )
