"""The hand-made gold corpora: each one's gold set (tests/data) and the folder of its articles."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CORPORA = {
    "seeds": (ROOT / "tests" / "data" / "seeds_gold.json", ROOT.parent / "shared" / "seeds"),
    "demo": (ROOT / "tests" / "data" / "demo_gold.json", ROOT / "demo" / "articles"),
}
