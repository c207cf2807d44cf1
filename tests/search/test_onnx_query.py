"""Search queries through ONNX Runtime: the same vectors as torch's, and a CLI search that never loads torch."""

from __future__ import annotations

import json

import numpy as np
from sqlmodel import Session

from claims.embed.onnx_query import OnnxQueryEncoder, agrees, export
from claims.embed.search_model import search_embedder, search_model_name
from claims.eval.through_cli import cold_cli
from db import crud
from tests.conftest import ROOT


def test_the_exported_search_model_encodes_as_torch_does(seeded, tmp_path):
    torch_model = search_embedder()
    target = tmp_path / f"{search_model_name()}.onnx"
    export(torch_model, target)
    encoder = OnnxQueryEncoder(target, search_model_name())
    assert agrees(encoder, torch_model)
    with Session(seeded) as session:
        texts = [row.mention.text for row in crud.mention_rows(session)][:80]
    texts += ["Lavrov: Taliban rule is a fact", "x " * 600]  # a typed query; one past the length limit
    ours = np.vstack([encoder.encode_query(t) for t in texts])
    theirs = np.vstack([torch_model.encode_query(t) for t in texts])
    assert np.abs(ours - theirs).max() < 1e-4


def test_a_cli_search_loads_no_torch_once_the_model_is_exported(seeded_path, tmp_path):
    env = {"CLAIMS_CACHE": str(tmp_path / "cache")}
    args = ["--db", str(seeded_path), "search", "Kabul is safer now than under Ghani", "--k", "3", "--json"]

    def run():
        done = cold_cli(*args, env=env, cwd=ROOT)
        return json.loads(done.stdout), done.loaded, done.stderr

    first, loaded_first, said = run()  # exports the search model: torch is loaded this once
    assert "torch" in loaded_first and list((tmp_path / "cache").glob("*.onnx"))
    assert "Preparing the search model" in said  # the user is told why this one waits
    second, loaded_second, said = run()
    assert loaded_second == [] and "Preparing" not in said
    assert [r["cluster_id"] for r in second] == [r["cluster_id"] for r in first] and len(first) == 3
    assert "better than under Ashraf Ghani" in second[0]["text"]
