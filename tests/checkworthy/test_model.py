"""The trained check-worthiness model: what a reviewer notices, and that the CLI scores as the bench."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from claims.checkworthy.features import FEATURES, Tfidf, chars, features, words
from claims.checkworthy.model import MODEL_PATH, default_scorer, guess_domain, load_scorer
from claims.checkworthy.rules import rule_score
from claims.cli import app
from tests.conftest import ROOT

CLAIM = "Unemployment fell to 3.5 percent in 2019, the lowest rate in fifty years."
CHATTER = ["Thank you all for coming tonight.", "What do you think?", "Good evening and welcome."]


def test_shipped_parameters_exist_load_and_name_their_data():
    assert MODEL_PATH.exists() and MODEL_PATH.stat().st_size < 10_000_000
    note = (MODEL_PATH.parent / "NOTE.md").read_text()
    assert "claimbuster_cbd" in note and "python -m bench.train_checkworthy" in note
    scorer = load_scorer()
    assert set(scorer.heads) == {"news", "tweets"}
    trained_on = " ".join(name for names in scorer.meta["trained_on"].values() for name in names)
    assert "claimbuster_cbd" in trained_on and "test" not in trained_on


def test_a_factual_sentence_with_a_number_outscores_greetings_and_questions(embedder):
    texts = [CLAIM, *CHATTER]
    scores = default_scorer().score(texts, embedder.encode(texts))
    assert scores.dtype == np.float64 and ((0 <= scores) & (scores <= 1)).all()
    assert scores[0] > 0.5 > max(scores[1:])
    assert scores[0] > max(scores[1:]) + 0.4


def test_score_embeds_when_no_vectors_are_given(embedder):
    assert default_scorer().score([]).shape == (0,)
    given = default_scorer().score([CLAIM], embedder=embedder)
    assert given[0] == pytest.approx(default_scorer().score([CLAIM], embedder.encode([CLAIM]))[0])
    with pytest.raises(ValueError):
        default_scorer().score([CLAIM, CLAIM], embedder.encode([CLAIM]))


def test_the_rules_score_is_a_float():
    value = rule_score(CLAIM, quoted=True)
    assert type(value) is float and 0.5 < value <= 1
    assert rule_score("What do you think?") < 0.5


def test_explain_names_the_reasons(embedder):
    reasons = default_scorer().explain("What do you think?", embedder.encode_one("What do you think?"))
    assert all(isinstance(name, str) and isinstance(value, float) for name, value in reasons)
    assert [abs(v) for _, v in reasons] == sorted((abs(v) for _, v in reasons), reverse=True)
    assert dict(reasons).get("feature: question", 0) < 0
    numbers = dict(default_scorer().explain(CLAIM, embedder.encode_one(CLAIM), top=50))
    assert numbers["feature: number"] > 0


def test_cheap_features_are_interpretable():
    f = features(CLAIM)
    assert set(f) == set(FEATURES) and all(0 <= v <= 1 for v in f.values())
    assert f["number"] > 0 and f["question"] == 0
    assert features("Will you vote for him?")["question"] == 1
    assert features("Thank you, good evening.")["courtesy"] == 1


def test_domain_is_guessed_per_batch():
    assert guess_domain([CLAIM]) == "news"
    assert guess_domain(["Wash your hands #COVID19 https://t.co/x", CLAIM, CLAIM]) == "tweets"
    with pytest.raises(ValueError):
        default_scorer().score([CLAIM], np.zeros((1, 384), dtype=np.float32), domain="radio")


def test_run_time_tfidf_matches_scikit_learn():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [
        "Taxes rose 5% in 2019.",
        "We cut taxes, and we cut them again!",
        "@cdc says wash hands https://t.co/x #covid",
        "Thank you.",
    ]
    for analyser, name in ((words, "words"), (chars, "chars")):
        fitted = TfidfVectorizer(analyzer=analyser, sublinear_tf=True).fit(texts)
        ours = Tfidf(name, fitted.get_feature_names_out(), fitted.idf_)
        for text in texts + ["Taxes, taxes and more taxes in 2020"]:
            expected = fitted.transform([text]).toarray()[0]
            cols, weights = ours.row(text)
            got = np.zeros_like(expected)
            got[cols] = weights
            np.testing.assert_allclose(got, expected, atol=1e-12)


@pytest.mark.slow
def test_cli_prints_the_scores_the_bench_used_on_the_clef2020_test_split(embedder):
    from claims.eval.checkworthy import TESTS, split_scores
    from claims.train.checkworthy_data import BENCH

    split, bench_scores = split_scores("clef20_test", embedder=embedder, cache=False)
    result = CliRunner().invoke(app, ["checkworthy", "--file", str(BENCH / TESTS["clef20_test"]), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == split.ids
    assert [r["score"] for r in rows] == [float(s) for s in bench_scores]


def test_cli_single_text_gives_score_and_reasons():
    result = CliRunner().invoke(app, ["checkworthy", CLAIM, "--json"])
    data = json.loads(result.stdout)
    assert 0.5 < data["score"] <= 1 and data["reasons"][0]["feature"]


@pytest.mark.parametrize(
    "content, message",
    [("id\tsentence\n1\tHello there\n", "missing column(s) text"), (None, "cannot be read")],
)
def test_bad_tsv_is_reported_by_name(tmp_path, content, message):
    path = tmp_path / "sentences.tsv"
    if content is not None:
        path.write_text(content)
    result = CliRunner().invoke(app, ["checkworthy", "--file", str(path)])
    assert result.exit_code == 1
    assert str(path) in result.output and message in result.output


def test_a_head_with_lora_adapters_mixes_them_in_and_leaves_the_embedder_alone(embedder):
    """LoRA adapters with B = 0 leave the encoder as bundled: the head scores the bundled embedding.
    Non-zero adapters change the scores but not the shared embedder's vectors."""
    from claims.checkworthy.encoder import LoRA
    from claims.checkworthy.model import Scorer

    rng = np.random.default_rng(0)
    direction = rng.normal(size=384).astype(np.float32)
    texts = [CLAIM, *CHATTER]
    vectors = embedder.encode(texts)
    params = {
        "news.lora.head.weight": direction[None].astype(np.float16),
        "news.lora.head.bias": np.array([0.25], dtype=np.float16),
    }
    for layer in range(6):
        for module in ("attention.self.query", "attention.self.value"):
            params[f"news.lora.{layer}.{module}.A"] = rng.normal(size=(8, 384)).astype(np.float16)
            params[f"news.lora.{layer}.{module}.B"] = np.zeros((384, 8), dtype=np.float16)
    got = LoRA(params, "news.lora", 2.0).logits(texts)
    np.testing.assert_allclose(
        got, vectors @ direction.astype(np.float16).astype(np.float32) + 0.25, atol=5e-3
    )

    for name in [n for n in params if n.endswith(".B")]:
        params[name] = (0.05 * rng.normal(size=(384, 8))).astype(np.float16)
    adapted = LoRA(params, "news.lora", 2.0)
    assert np.abs(adapted.logits(texts) - got).max() > 0.05
    np.testing.assert_allclose(embedder.encode(texts), vectors, atol=1e-6)

    with np.load(MODEL_PATH, allow_pickle=False) as shipped:
        mixed = {k: v for k, v in shipped.items() if not k.startswith("news.lora.")}  # only these adapters
    mixed.update(params)
    mixed.update(
        {
            "news.lora_scale": np.float64(2.0),
            "news.mix": np.float64(0.5),
            "news.cut": np.float64(0.1),
            "news.top_mean": np.float64(0.0),
        }
    )
    head = Scorer(mixed).heads["news"]
    linear = default_scorer().heads["news"].linear_logits(texts, vectors)
    np.testing.assert_allclose(
        head.logits(texts, vectors), 0.5 * adapted.logits(texts) + 0.5 * linear - 0.1, atol=1e-9
    )
    assert "sentence reading (adapted encoder)" in dict(
        Scorer(mixed).explain(CLAIM, vectors[0], domain="news", top=100)
    )


@pytest.mark.slow
def test_reviewers_rows_reach_the_lora_retraining(embedder, monkeypatch):
    """`python -m bench.train_checkworthy --lora --extra feedback.tsv --extra-weight W`: a reviewer's verdict on a sentence
    moves both parts of the retrained model's score of it, and more so the more it weighs
    (small runs on real ClaimBuster rows)."""
    import csv

    from claims.train import checkworthy_head, lora

    monkeypatch.setattr(lora, "RANK", 4)
    monkeypatch.setattr(lora, "EPOCHS", 3)
    with open(
        ROOT.parent / "shared" / "bench" / "claimbuster_cbd" / "sentences.tsv", encoding="utf-8", newline=""
    ) as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    pick = [r for r in rows if r["label"] == "1"][:60] + [r for r in rows if r["label"] == "0"][:100]
    reviewed = "The harbour now handles ninety sailings a day, almost twice the figure of last winter."
    texts = [r["text"] for r in pick] + [reviewed]
    vectors = embedder.encode(texts)
    bert = lora.load_bert()
    tokens = lora.tokenize(bert, [reviewed])

    def moved(weight: float) -> tuple[float, float]:
        """How much the adapted and the linear logit of the reviewed sentence rise from verdict 0 to verdict 1."""
        logits = {}
        for verdict in (0, 1):
            labels = np.array([int(r["label"]) for r in pick] + [verdict])
            weights = np.ones(len(texts))
            weights[-1] = weight
            params, run = lora.fit_lora(
                texts, vectors, labels, weights=weights, extra=np.array([len(texts) - 1])
            )
            assert any(name.endswith(".A") for name in params)
            model = lora.build(bert)
            model.load_state_dict(run["state"], strict=False)
            linear = checkworthy_head.scorer_from(checkworthy_head.to_params({"news": run["lr"]}, {})).heads[
                "news"
            ]
            logits[verdict] = (
                float(lora.predict(model, tokens)[0]),
                float(linear.logits([reviewed], vectors[-1:])[0]),
            )
        return logits[1][0] - logits[0][0], logits[1][1] - logits[0][1]

    light, heavy = moved(1.0), moved(40.0)
    assert light[0] > 0 and light[1] > 0
    assert heavy[0] > 1.5 * light[0] and heavy[1] > 2 * light[1], (light, heavy)
