"""Claim matching measured through the CLI: a CheckThat! split imported and matched with `python -m claims factchecks`."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from claims.eval.through_cli import cli
from claims.train import claim_matching_data
from claims.train.metrics import map_at_5


def run_split(year: str, name: str, *, plain: bool = False, k: int = 5, out: Path | None = None) -> dict:
    split = claim_matching_data.load_split(year, name)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "claims.db"
        start = time.time()
        imported = (
            cli("--db", db, "factchecks", "import", claim_matching_data.vclaims_path(year))
            .strip()
            .splitlines()[-1]
        )
        imported_in = time.time() - start
        start = time.time()
        args = ["--db", db, "factchecks", "match", "--file", split.queries_path, "--k", k] + (
            ["--plain"] if plain else []
        )
        lines = cli(*args).splitlines()
        matched_in = time.time() - start
    ranked = {}
    for line in lines:
        row = json.loads(line)
        ranked[row["query_id"]] = [r["id"] for r in row["results"]]
    if out:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{year}_{name}{'_plain' if plain else ''}.jsonl").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )
    return {
        "split": f"{year}:{name}",
        "method": "dense cosine" if plain else "re-ranked",
        "queries": len(split.qrels),
        "map@5": round(map_at_5(ranked, split.qrels), 4),
        "import": imported,
        "import_s": round(imported_in, 1),
        "match_s": round(matched_in, 1),
    }
