"""Published fact-checks: import (TSV, CSV, ClaimReview), match with the re-ranker, attach as evidence.

Real SQLite files and the real bundled model; the pure parts (query cleaning, BM25) on their own.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from sqlmodel import Session

from claims.factchecks.ranker import BM25, FEATURES, Ranker, TreeRanker, clean_query, load_ranker, tokens
from claims.factchecks.store import attach_evidence, detach_evidence, import_file, match, matches_for_claim
from claims.review.verdicts import ReviewError
from db import crud
from db.session import session_scope

CHECKS = (
    "id\ttext\ttitle\turl\trating\n"
    "fc-masks\tWearing a face mask causes carbon dioxide poisoning.\tDo Masks Cause CO2 Poisoning?\thttps://example.org/masks\tFalse\n"
    "fc-5g\t5G towers spread the coronavirus.\tDoes 5G Spread COVID-19?\thttps://example.org/5g\tFalse\n"
    "fc-obama\t122 detainees released from Guantanamo Bay under President Obama returned to terrorism.\tGuantanamo Recidivism\t\tMostly false\n"
    "fc-fries\tMcDonald's restaurants are offering $1 Any Size Fries between May 18 and 31.\t$1 McDonald's Any Size Fries\t\tTrue\n"
    "fc-anaconda\tA viral video shows a 10-meter-long anaconda swimming across a river in Brazil.\t\t\tMiscaptioned\n"
)
CLAIMREVIEW = {
    "@context": "https://schema.org",
    "@graph": [
        {
            "@type": "ClaimReview",
            "url": "https://example.org/kabul",
            "claimReviewed": "The situation in Kabul is better than under Ashraf Ghani",
            "name": "Is Kabul better under the Taliban?",
            "reviewRating": {"@type": "Rating", "alternateName": "Misleading"},
            "datePublished": "2021-08-20",
        }
    ],
}


@pytest.fixture
def checks_engine(engine, embedder, tmp_path):
    path = tmp_path / "checks.tsv"
    path.write_text(CHECKS, encoding="utf-8")
    assert import_file(engine, path, embedder=embedder) == (5, 0)
    review = tmp_path / "review.json"
    review.write_text(json.dumps(CLAIMREVIEW), encoding="utf-8")
    assert import_file(engine, review, embedder=embedder) == (1, 0)
    return engine


def test_clean_query_drops_links_and_the_tweet_byline():
    tweet = "Masks poison you with CO2! https://t.co/abc pic.twitter.com/xyz — Jo Bloggs (@jo_b) May 3, 2020"
    assert clean_query(tweet) == "Masks poison you with CO2!"
    assert clean_query("#Obama freed 122 terrorists") == "Obama freed 122 terrorists"


def test_bm25_prefers_rare_shared_words():
    index = BM25(["the cat sat on the mat", "dogs are loyal pets", "cats and dogs"])
    scores = index.scores(["loyal dog", "zebra"])
    assert scores.shape == (2, 3)
    assert scores[0].argmax() == 1 and scores[0, 0] == 0
    assert not scores[1].any()
    assert tokens("Cats’ masks are THE problem") == ["cat", "mask", "problem"]


def test_the_shipped_ranker_loads_without_pickle_and_round_trips(tmp_path):
    ranker = load_ranker()
    assert isinstance(ranker, TreeRanker) and "CheckThat" in ranker.note
    rows = np.random.default_rng(0).random((6, len(FEATURES)))
    ranker.save(tmp_path / "trees.npz")
    assert np.array_equal(TreeRanker.load(tmp_path / "trees.npz").score(rows), ranker.score(rows))
    scores = ranker.score(rows)
    assert ((scores > 0) & (scores < 1)).all()
    linear = Ranker(
        np.zeros(len(FEATURES)), np.ones(len(FEATURES)), np.ones(len(FEATURES)), -1.0, note="test"
    )
    again = Ranker.from_json(json.loads(json.dumps(linear.to_json())))
    assert np.allclose(again.score(rows), linear.score(rows))


SKLEARN_CHECKED = "1.9.1"  # the version TreeRanker.from_sklearn was checked against


def test_trees_score_as_scikit_learn_does():
    """``TreeRanker.from_sklearn`` reads scikit-learn's private tree arrays (no public way exists):
    pinned to the locked version, so an upgrade fails here first, loudly, until it is checked again."""
    import sklearn
    from sklearn.ensemble import HistGradientBoostingClassifier

    assert sklearn.__version__ == SKLEARN_CHECKED, (
        f"scikit-learn {sklearn.__version__}: check TreeRanker.from_sklearn against it, then set SKLEARN_CHECKED"
    )

    rng = np.random.default_rng(1)
    x = rng.random((400, len(FEATURES)))
    y = (x[:, 0] + x[:, 1] * x[:, 2] > 0.8).astype(int)
    model = HistGradientBoostingClassifier(max_iter=20, max_depth=4, random_state=0).fit(x, y)
    assert np.allclose(TreeRanker.from_sklearn(model).score(x), model.predict_proba(x)[:, 1])


def test_import_stores_text_and_title_vectors(checks_engine, embedder, tmp_path):
    with Session(checks_engine) as session:
        rows = {c.external_id: c for c in crud.fact_check_rows(session)}
    assert rows["https://example.org/kabul"].rating == "Misleading"
    assert rows["fc-masks"].title_embedding is not None and rows["fc-anaconda"].title_embedding is None
    again = tmp_path / "again.tsv"
    again.write_text(CHECKS, encoding="utf-8")
    assert import_file(checks_engine, again, embedder=embedder) == (0, 5)


def test_paraphrases_find_their_fact_check(checks_engine, embedder):
    queries = [
        "Face masks make you breathe in too much CO2 and it poisons you https://t.co/x — Ann (@ann) May 1, 2020",
        "They put up 5G masts and now everybody has corona",
        "Is Kabul really better now than under Ghani?",
    ]
    found = match(checks_engine, queries, k=3, embedder=embedder)
    assert [row[0].id for row in found] == ["fc-masks", "fc-5g", "https://example.org/kabul"]
    for row in found:
        assert len(row) == 3 and row[0].score >= row[1].score >= row[2].score
        assert 0 <= row[-1].score <= row[0].score <= 1
    plain = match(checks_engine, queries[:1], k=2, embedder=embedder, plain=True)
    assert plain[0][0].id == "fc-masks"


def test_attaching_a_fact_check_as_evidence(seeded, embedder, tmp_path):
    review = tmp_path / "review.json"
    review.write_text(json.dumps(CLAIMREVIEW), encoding="utf-8")
    import_file(seeded, review, embedder=embedder)
    with Session(seeded) as session:
        claim_id = next(
            s.claim.id for s in crud.claim_summaries(session, text="better than under Ashraf Ghani")
        )
    best = matches_for_claim(seeded, claim_id, k=1, embedder=embedder)[0]
    assert best.id == "https://example.org/kabul" and best.fact_check_id
    with session_scope(seeded) as session:
        with pytest.raises(ReviewError):
            attach_evidence(session, claim_id=claim_id, fact_check_id=best.fact_check_id, reviewer=" ")
    with session_scope(seeded) as session:
        first = attach_evidence(
            session, claim_id=claim_id, fact_check_id=best.fact_check_id, reviewer="Ann", score=best.score
        )
        again = attach_evidence(session, claim_id=claim_id, fact_check_id=best.fact_check_id, reviewer="Bob")
        assert again.id == first.id
    with Session(seeded) as session:
        [(evidence, check)] = crud.evidence_for(session, claim_id=claim_id)
        assert (evidence.reviewer, check.rating) == ("Ann", "Misleading")
        assert [(h.field, h.reviewer) for h in crud.history_for(session, claim_id=claim_id)] == [
            ("fact-check evidence", "Ann")
        ]
    with session_scope(seeded) as session:
        assert detach_evidence(session, claim_id=claim_id, fact_check_id=best.fact_check_id, reviewer="Bob")
        assert not detach_evidence(
            session, claim_id=claim_id, fact_check_id=best.fact_check_id, reviewer="Bob"
        )
    with Session(seeded) as session:
        assert crud.evidence_for(session, claim_id=claim_id) == []
        history = crud.history_for(session, claim_id=claim_id)
        assert [(h.old is None, h.new is None, h.reviewer) for h in history] == [
            (True, False, "Ann"),
            (False, True, "Bob"),
        ]


def test_title_vectors_are_filled_in_for_older_imports(engine, embedder, tmp_path):
    first = tmp_path / "first.tsv"
    first.write_text(CHECKS, encoding="utf-8")
    import_file(engine, first, embedder=embedder)
    with session_scope(engine) as session:  # as imported before titles were embedded
        for check in crud.fact_check_rows(session):
            check.title_embedding = None
            session.add(check)
    review = tmp_path / "review.json"
    review.write_text(json.dumps(CLAIMREVIEW), encoding="utf-8")
    import_file(engine, review, embedder=embedder)
    assert match(engine, ["Do 5G masts spread COVID-19?"], k=1, embedder=embedder)[0][0].id == "fc-5g"
    with Session(engine) as session:
        rows = crud.fact_check_rows(session)
    assert all((c.title_embedding is None) == (not c.title) for c in rows)


def run(*args, db):
    from typer.testing import CliRunner

    from claims.cli import app

    return CliRunner().invoke(app, ["--db", str(db), *map(str, args)])


def test_cli_imports_claimreview_and_prints_the_contract(db_path, tmp_path):
    review = tmp_path / "review.jsonld"
    review.write_text(json.dumps(CLAIMREVIEW), encoding="utf-8")
    checks = tmp_path / "checks.csv"
    checks.write_text(
        "id,text,title,rating\nfc-5g,5G towers spread the coronavirus.,Does 5G Spread COVID-19?,False\n",
        encoding="utf-8",
    )
    assert "1 fact-checks imported" in run("factchecks", "import", review, db=db_path).output
    assert "1 fact-checks imported" in run("factchecks", "import", checks, db=db_path).output
    result = run(
        "factchecks", "match", "Kabul is better off now than under Ghani", "--json", "--k", "2", db=db_path
    )
    assert result.exit_code == 0
    best = json.loads(result.stdout)[0]
    assert (
        best["id"] == "https://example.org/kabul"
        and best["rating"] == "Misleading"
        and 0 < best["score"] <= 1
    )
    plain = run("factchecks", "match", "Do 5G towers spread the virus?", "--plain", "--k", "1", db=db_path)
    assert plain.exit_code == 0 and "fc-5g" in plain.stdout


@pytest.mark.slow
def test_a_slice_of_clef_2021_dev_through_the_cli(db_path, tmp_path):
    """20 CLEF 2021 dev tweets against their 20 fact-checks and 300 others: the bench's path in small."""
    from claims.train import claim_matching_data as cm_data
    from claims.train.metrics import map_at_5

    if not cm_data.vclaims_path("2021").exists():
        pytest.skip("no CLEF data in ../shared/bench")
    split = cm_data.load_split("2021", "dev")
    queries = [(q, t) for q, t in split.queries if q in split.qrels][:20]
    gold = set().union(*(split.qrels[q] for q, _ in queries))
    claims = cm_data.read_tsv(cm_data.vclaims_path("2021"))
    chosen = [c for c in claims if c["id"] in gold] + [c for c in claims if c["id"] not in gold][:300]
    checks, asked = tmp_path / "vclaims.tsv", tmp_path / "queries.tsv"
    checks.write_text(
        "id\ttext\ttitle\n" + "".join(f"{c['id']}\t{c['text']}\t{c['title']}\n" for c in chosen),
        encoding="utf-8",
    )
    asked.write_text("id\ttext\n" + "".join(f"{q}\t{t}\n" for q, t in queries), encoding="utf-8")
    assert run("factchecks", "import", checks, db=db_path).exit_code == 0
    lines = [
        json.loads(line)
        for line in run("factchecks", "match", "--file", asked, db=db_path).stdout.splitlines()
    ]
    assert [line["query_id"] for line in lines] == [q for q, _ in queries]
    ranked = {line["query_id"]: [r["id"] for r in line["results"]] for line in lines}
    assert all(len(r) == 5 for r in ranked.values())
    assert map_at_5(ranked, {q: split.qrels[q] for q, _ in queries}) >= 0.85
