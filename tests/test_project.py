"""Promises of the project as a whole: bundled model, layout, migrations, demo database."""

from __future__ import annotations

import ast
import hashlib
import os
import re
import sqlite3
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from claims.embed.encoder import model_path
from db import fts
from db.session import get_engine
from tests.conftest import ROOT

MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def test_bundled_model_is_the_upstream_file():
    digest = hashlib.sha256((model_path() / "model.safetensors").read_bytes()).hexdigest()
    assert digest == MODEL_SHA256


def test_model_embeds_offline(embedder):
    vectors = embedder.encode(["Kabul is calm", "The situation in Kabul is calm", "Ferry fares rose"])
    assert vectors.shape == (3, 384)
    assert abs(float((vectors[0] ** 2).sum()) - 1.0) < 1e-4
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_library_never_imports_streamlit():
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("claims", "db")
        for path in (ROOT / folder).rglob("*.py")
        if re.search(r"^\s*(import streamlit|from streamlit)", path.read_text(), re.MULTILINE)
    ]
    assert offenders == []


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of claims/ and db/ it imports, at any depth of the file (inside
    functions and ``if TYPE_CHECKING:`` too): a cycle hidden in a function is still a cycle."""
    files = [
        p for folder in ("claims", "db") for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts
    ]
    modules = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p for p in files
    }
    graph = {}
    for module, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                subs = {f"{node.module}.{a.name}" for a in node.names} & modules.keys()
                # "from claims import index" imports the module claims.embed.index, not the package's API
                found |= subs | ({node.module} if len(subs) < len(node.names) else set())
        graph[module] = {m for m in found if m in modules and m != module}
    return graph


def test_no_import_cycle_in_the_package():
    graph = import_graph()
    cycles, done = [], set()

    def visit(module, path):
        if module in path:
            cycles.append(path[path.index(module) :] + [module])
            return
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, path + [module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    assert cycles == []


# The stages from the bottom up (README, "Layout"): a module imports only from its own layer or below.
LAYERS = [
    ("db",),
    ("claims.config", "claims.records", "claims.files"),
    ("claims.text",),
    ("claims.embed",),
    ("claims.checkworthy",),
    ("claims.extract",),
    ("claims.link",),
    ("claims.search",),
    ("claims.ingest",),
    ("claims.review",),
    ("claims.factchecks",),
    ("claims.provenance",),
    ("claims.export",),
    ("claims.cli", "claims.__main__", "claims"),
    # On top, for bench/ and tests only: training reads the gold sets, evaluation the training data,
    # and some figures are measured through the CLI.
    ("claims.train", "claims.eval"),
]


def layer_of(module: str) -> int | None:
    for level, prefixes in enumerate(LAYERS):
        if any(module == p or (p != "claims" and module.startswith(p + ".")) for p in prefixes):
            return level
    return None


def test_every_module_has_a_layer_and_none_imports_from_above_it():
    graph = import_graph()
    assert [m for m in sorted(graph) if layer_of(m) is None] == []
    upward = [
        f"{module} -> {target}"
        for module, targets in sorted(graph.items())
        for target in sorted(targets)
        if layer_of(target) > layer_of(module)
    ]
    assert upward == []


def test_importing_the_package_loads_no_heavy_library():
    """`import claims` and `--help` stay quick for the CLI: torch, scikit-learn, spaCy, FAISS and
    SQLAlchemy load when a command needs them (bench/scale.py times the cold start)."""
    heavy = ["torch", "sklearn", "spacy", "sentence_transformers", "transformers", "faiss", "sqlalchemy"]
    code = f"import sys, claims, claims.cli; print([m for m in {heavy!r} if m in sys.modules])"
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def test_every_public_name_resolves():
    import claims

    assert all(callable(getattr(claims, name)) or name == "CSV_COLUMNS" for name in claims.__all__)
    assert set(dir(claims)) >= set(claims.__all__)


def test_migrations_match_the_models(tmp_path):
    engine = get_engine(tmp_path / "m.db")
    with engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(
                connection, opts={"render_as_batch": True, "include_object": fts.not_ours}
            ),
            SQLModel.metadata,
        )
    assert diff == []
    tables = {
        r[0]
        for r in sqlite3.connect(tmp_path / "m.db").execute(
            "select name from sqlite_master where type='table'"
        )
    }
    assert {
        "article",
        "outlet",
        "speaker",
        "speakeralias",
        "mention",
        "tracked_claim",
        "note",
        "history",
        "link_suggestion",
        "fact_check",
        "alembic_version",
        "mention_fts",
    } <= tables
    mode = sqlite3.connect(tmp_path / "m.db").execute("pragma journal_mode").fetchone()[0]
    assert mode == "wal"


@pytest.mark.slow
def test_make_demo_builds_the_demo_database(tmp_path):
    db = tmp_path / "demo.db"
    env = {**os.environ, "CLAIMS_DB": str(db)}
    result = subprocess.run(
        ["make", "-s", "demo", f"CLAIMS_DB={db}", f"PYTHON={sys.executable}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "12 ingested, 0 skipped, 0 failed" in result.stdout
    with sqlite3.connect(db) as conn:
        multi = conn.execute(
            "select count(*) from (select claim_id from mention group by claim_id having count(distinct article_id) > 1)"
        ).fetchone()[0]
    assert multi >= 2  # the minister's quote is re-reported across outlets


def test_demo_corpus_is_our_own_text():
    seeds = " ".join(p.read_text() for p in (ROOT.parent / "shared" / "seeds").glob("*.txt"))
    for article in (ROOT / "demo" / "articles").iterdir():
        for line in article.read_text().splitlines():
            if len(line) > 60:
                assert line not in seeds, (article.name, line)


def _imported(path) -> set[str]:
    """Every absolute module name ``path`` imports, ``from a import b`` giving both a and a.b."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_bench_scripts_are_entry_points_and_tests_import_only_the_package():
    """bench/ scripts run as modules from the project root (`python -m bench.seeds`) and import the package
    as installed; tests never reach into bench/."""
    edits = [
        str(path.relative_to(ROOT))
        for folder in ("bench", "tests")
        for path in (ROOT / folder).rglob("*.py")
        if re.search(r"sys\.path\.(insert|append)\b", path.read_text(encoding="utf-8"))
    ]
    assert edits == []
    scripts = {"bench"} | {path.stem for path in (ROOT / "bench").glob("*.py")} - {"__init__"}
    reaching = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "tests").rglob("*.py")
        for name in sorted(_imported(path))
        if name.split(".")[0] in scripts
    ]
    assert reaching == []


def test_only_bench_and_tests_import_the_training_and_evaluation_library():
    """claims/train and claims/eval sit on the rest of claims/ and db/, never the reverse."""
    inside = (ROOT / "claims" / "train", ROOT / "claims" / "eval")
    files = [
        ROOT / "app.py",
        *(p for folder in ("claims", "db", "ui") for p in (ROOT / folder).rglob("*.py")),
    ]
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        if not any(path.is_relative_to(folder) for folder in inside)
        for name in sorted(_imported(path))
        if name.split(".")[:2] in (["claims", "train"], ["claims", "eval"])
    ]
    assert offenders == []


def test_tests_mirror_the_package_and_use_only_its_public_names():
    """tests/extract/ holds the tests of claims/extract/, tests/db/ those of db/...; no test reaches
    for a private name (``from x import _y``, ``thing._y``): what it checks is what a caller can use."""
    folders = [
        p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and p.name not in {"data", "__pycache__"}
    ]
    assert [f for f in folders if not ((ROOT / "claims" / f).is_dir() or f in {"db", "ui"})] == []
    private = []
    for path in (ROOT / "tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.ImportFrom) else []
            names += [node.attr] if isinstance(node, ast.Attribute) else []
            private += [
                f"{path.relative_to(ROOT)}:{node.lineno} {n}"
                for n in names
                if n.startswith("_") and not n.startswith("__")
            ]
    assert private == []
