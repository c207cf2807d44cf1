"""Every command of the CLI contract exists, has help with an example, and works."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from claims.cli import app
from tests.conftest import SEEDS

runner = CliRunner()

CONTRACT = [
    ["ingest"],
    ["search"],
    ["export"],
    ["factchecks", "import"],
    ["factchecks", "match"],
    ["checkworthy"],
    ["stats"],
    ["reindex"],
]


def registered(group, path=()) -> list[list[str]]:
    """Every leaf command of the typer app, as the words that call it."""
    found = []
    for name, command in sorted(group.commands.items()):
        if getattr(command, "commands", None):  # a sub-app (typer's groups are its own click's)
            found += registered(command, (*path, name))
        else:
            found.append([*path, name])
    return found


COMMANDS = registered(typer.main.get_command(app))


def test_the_cli_contract_is_registered():
    assert all(command in COMMANDS for command in CONTRACT), COMMANDS


def run(*args, db=None):
    prefix = ["--db", str(db)] if db else []
    return runner.invoke(app, prefix + [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output and "python -m claims" in result.output


def test_search_finds_the_zhirnov_claim_first(seeded_path):
    result = run("search", "Kabul is safer now than when Ghani ruled", "--json", db=seeded_path)
    assert result.exit_code == 0, result.output
    results = json.loads(result.stdout)
    assert {"claim_id", "cluster_id", "text", "speaker", "document", "score"} <= set(results[0])
    assert all(r["mention_id"] == r["claim_id"] for r in results)  # the contract's name, and what it is
    assert results[0]["speaker"] == "Dmitry Zhirnov"
    assert "Ashraf Ghani" in results[0]["text"]
    assert len({r["cluster_id"] for r in results}) == len(results)  # grouped by tracked claim
    text = run("search", "Kabul is safer now than when Ghani ruled", "--k", "2", db=seeded_path)
    assert "Dmitry Zhirnov" in text.stdout.splitlines()[1]


def test_search_filters_and_highlights(seeded_path):
    result = run(
        "search", "embassy guarded by the militants", "--speaker", "zhirnof", "--json", db=seeded_path
    )
    results = json.loads(result.stdout)
    assert results and {r["speaker"] for r in results} == {"Dmitry Zhirnov"}
    assert {"checkworthiness", "venue", "attribution", "highlights", "dense", "keyword"} <= set(results[0])
    top = results[0]
    assert "embassy" in [top["text"][a:b].lower() for a, b in top["highlights"]]
    text = run(
        "search", "embassy guarded by the militants", "--speaker", "zhirnof", "--k", "1", db=seeded_path
    ).stdout
    assert text.splitlines()[0] == "speaker: Dmitry Zhirnov" and "[embassy]" in text
    assert json.loads(run("search", "embassy", "--status", "False", "--json", db=seeded_path).stdout) == []
    worthy = json.loads(
        run("search", "embassy", "--min-checkworthiness", "0.5", "--json", db=seeded_path).stdout
    )
    assert all(r["checkworthiness"] >= 0.5 for r in worthy)
    assert (
        json.loads(run("search", "embassy", "--since", "2030-01-01", "--json", db=seeded_path).stdout) == []
    )
    assert run("search", "embassy", "--status", "Bogus", db=seeded_path).exit_code == 2
    unknown = runner.invoke(app, ["--db", str(seeded_path), "search", "embassy", "--speaker", "Nobody Atall"])
    assert unknown.exit_code == 1 and "no speaker like 'Nobody Atall'" in unknown.output


def test_ingest_reports_and_exit_code(tmp_path, seeded_path):
    first = run("ingest", next(SEEDS.glob("*.txt")), db=tmp_path / "c.db")
    assert first.exit_code == 0
    assert first.output.count("ingested  ") == 1
    assert "1 ingested, 0 skipped, 0 failed" in first.output
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    again = run("ingest", SEEDS, bad, binary, db=seeded_path)  # the seeds are stored already
    assert again.exit_code == 1
    assert again.output.count("skipped   ") == 5
    assert f"{bad}: empty file" in again.output
    assert f"{binary}: binary file, not text" in again.output
    assert "0 ingested, 5 skipped, 2 failed" in again.output


def test_export_and_stats(seeded_path, tmp_path):
    out = tmp_path / "claims.csv"
    result = run("export", "--format", "csv", "--out", out, db=seeded_path)
    assert result.exit_code == 0
    header = out.read_bytes().decode("utf-8-sig").splitlines()[0]
    assert header.startswith("claim_id,cluster_id,claim_text,speaker,venue,attribution")
    assert run("export", "--status", "Bogus", db=seeded_path).exit_code == 2
    empty = run("export", "--format", "claimreview", db=seeded_path)
    assert json.loads(empty.stdout) == []  # nothing reviewed yet
    stats = json.loads(run("stats", "--json", db=seeded_path).stdout)
    assert stats["articles"] == 5 and stats["multi_source_claims"] >= 3


@pytest.mark.slow
def test_reindex_embeds_and_indexes_every_mention_again(seeded_path):
    stats = json.loads(run("stats", "--json", db=seeded_path).stdout)
    reindexed = run("reindex", db=seeded_path)
    assert f"indexed {stats['mentions']} mentions" in reindexed.output
    assert f"keyword index: {stats['mentions']} mentions" in reindexed.output
    assert "with the search model" not in reindexed.output  # nothing stale: nothing embedded again
    # Vectors of other search adapters (a retrained search.npz) are embedded again by reindex.
    import sqlite3

    with sqlite3.connect(seeded_path) as connection:
        connection.execute("UPDATE mention SET search_model = 'older adapters'")
    again = run("reindex", db=seeded_path)
    assert f"embedded {stats['mentions']} mentions and their paragraphs with the search model" in again.output


def test_factchecks_import_and_match(seeded_path, tmp_path):
    checks = tmp_path / "checks.tsv"
    checks.write_text(
        "id\ttext\ttitle\trating\n"
        "fc-1\tRussian envoy says Kabul is better under the Taliban than under Ghani\tEnvoy on Kabul\tMisleading\n"
        "fc-2\tFerry crossings on the Sorrel Strait doubled after the bridge closed\tFerries\tMostly true\n"
        "fc-3\tThe Soviet Union withdrew its troops from Afghanistan in 1989\tWithdrawal\tTrue\n"
    )
    result = run("factchecks", "import", checks, db=seeded_path)
    assert result.exit_code == 0 and "3 fact-checks imported" in result.output
    assert (
        "0 fact-checks imported, 3 already known"
        in run("factchecks", "import", checks, db=seeded_path).output
    )
    queries = tmp_path / "queries.tsv"
    queries.write_text(
        "id\ttext\nq1\tThe situation in Kabul is better than under Ashraf Ghani\nq2\tSoviet troops left Afghanistan in 1989\n"
    )
    lines = [
        json.loads(line)
        for line in run(
            "factchecks", "match", "--file", queries, "--k", "2", db=seeded_path
        ).stdout.splitlines()
    ]
    assert [line["query_id"] for line in lines] == ["q1", "q2"]
    assert lines[0]["results"][0]["id"] == "fc-1" and lines[1]["results"][0]["id"] == "fc-3"
    assert lines[0]["results"][0]["score"] >= lines[0]["results"][1]["score"]
    bad = tmp_path / "bad.csv"
    bad.write_text("claim,verdict\nx,y\n")
    failed = run("factchecks", "import", bad, db=seeded_path)
    assert failed.exit_code == 1 and "missing column(s) id, text" in failed.output


def test_checkworthy_text_and_file(tmp_path):
    # An evaluative comparison ("The situation in Kabul is better than it was under Ashraf Ghani, the ambassador
    # said.") scored 0.77 with the linear model and 0.29 with the LoRA model shipped since branch cwlora, which
    # follows ClaimBuster's annotators there (docs/BENCHMARKS.md, "LoRA adapters"); a factual claim with numbers:
    high = json.loads(
        run(
            "checkworthy",
            "Unemployment fell to 3.5 percent in 2019, the lowest rate in fifty years, the minister said.",
            "--json",
        ).stdout
    )
    low = json.loads(run("checkworthy", "What do you think?", "--json").stdout)
    assert 0 <= low["score"] < 0.5 < high["score"] <= 1
    sentences = tmp_path / "s.tsv"
    sentences.write_text("id\ttext\n1\tUnemployment fell by 3 percent last year.\n2\tThank you very much.\n")
    rows = [json.loads(line) for line in run("checkworthy", "--file", sentences).stdout.splitlines()]
    assert [r["id"] for r in rows] == ["1", "2"] and rows[0]["score"] > rows[1]["score"]


def test_speakers_list_and_merge(seeded_path):
    listed = json.loads(run("speakers", "list", "--json", db=seeded_path).stdout)
    by_name = {row["name"]: row for row in listed}
    assert {"id", "name", "kind", "aliases", "mentions", "articles"} <= set(listed[0])
    assert "sergey lavrov" in by_name["Sergei Lavrov"]["aliases"]
    kept, gone = by_name["Russian Foreign Ministry"], by_name["Russia"]
    refused = runner.invoke(
        app,
        [
            "--db",
            str(seeded_path),
            "speakers",
            "merge",
            "Russian Foreign Ministry",
            "Nobody Atall",
            "--reviewer",
            "Ann",
        ],
    )
    assert refused.exit_code == 1 and "no speaker 'Nobody Atall'" in refused.output
    merged = run(
        "speakers", "merge", "Russian Foreign Ministry", gone["id"], "--reviewer", "Ann", db=seeded_path
    )
    assert merged.exit_code == 0 and "merged 1 speaker(s) into Russian Foreign Ministry" in merged.output
    after = {row["name"]: row for row in json.loads(run("speakers", "list", "--json", db=seeded_path).stdout)}
    assert "Russia" not in after
    assert after["Russian Foreign Ministry"]["mentions"] == kept["mentions"] + gone["mentions"]
    assert "russia" in after["Russian Foreign Ministry"]["aliases"]
    assert "Russian Foreign Ministry" in run("speakers", "list", db=seeded_path).stdout


def test_feedback_export_writes_text_and_label(seeded_path, tmp_path):
    from claims.review.feedback import drop_mention
    from db import crud
    from db.session import get_engine, session_scope

    engine = get_engine(seeded_path)
    with session_scope(engine) as session:
        mention = crud.mention_rows(session)[0].mention
        drop_mention(session, mention_id=mention.id, reviewer="Ann")
    engine.dispose()
    out = tmp_path / "feedback.tsv"
    result = run("feedback", "export", "--out", out, db=seeded_path)
    assert result.exit_code == 0 and "wrote 1 verdicts" in result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "text\tlabel" and lines[1].endswith("\t0") and len(lines) == 2
    assert run("feedback", "export", db=seeded_path).stdout == out.read_text(encoding="utf-8")
