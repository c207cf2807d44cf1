"""Every query the UI issues reads mentions and tracked claims through an index.

Each page is driven through AppTest the way a reviewer uses it (filters, sorts, a second page,
a search with filters, a claim opened), every statement SQLAlchemy sends is recorded, and SQLite
is asked how it would run each one (EXPLAIN QUERY PLAN, on the same file, with the same
parameters). A plain ``SCAN mention`` or ``SCAN tracked_claim`` is a read of the whole table: at a
million mentions that is a second or more per rerun. A scan *of an index* (``SCAN ... USING
INDEX``) is what an ordered page or a count reads, and is allowed.

The seeds database carries no ANALYZE statistics, so SQLite plans as it would for large tables.
"""

from __future__ import annotations

import re
import sqlite3

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

FULL_SCAN = re.compile(r"^SCAN (mention|tracked_claim)(_\d+)?( AS \w+)?$")


@pytest.fixture
def statements():
    seen: list[tuple[str, tuple]] = []

    def record(_conn, _cursor, statement, parameters, _context, executemany):
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, tuple(parameters) if parameters else ()))

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


def full_scans(path, statements) -> list[str]:
    connection = sqlite3.connect(path)
    found = []
    for statement, parameters in dict.fromkeys(statements):
        for *_, detail in connection.execute("EXPLAIN QUERY PLAN " + statement, parameters):
            if FULL_SCAN.match(detail):
                found.append(f"{detail}: {' '.join(statement.split())[:300]}")
    connection.close()
    return found


def run(target) -> AppTest:
    """Run the app, or the app after a widget's change (``widget.run()`` reruns its app)."""
    at = target.run()
    assert not at.exception, at.exception
    return at


def test_no_page_reads_a_whole_table_of_mentions_or_claims(app_db, statements, zhirnov):
    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60))
    run(at.selectbox(key="queue_speaker").select("Dmitry Zhirnov"))
    run(at.selectbox(key="queue_outlet").select_index(0))
    run(at.multiselect(key="queue_status").select("Unreviewed"))
    run(at.text_input(key="queue_text").set_value("Ashraf Gha"))
    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60))
    for order in ("first_seen", "checkworthiness", "mentions"):
        run(at.radio(key="queue_sort").set_value(order))
    run(at.number_input(key="queue_page").set_value(2))

    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60))
    at.session_state["claim_id"] = zhirnov
    run(at.switch_page("ui/pages/claim.py"))

    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60))
    run(at.switch_page("ui/pages/search.py"))
    run(at.text_input(key="search_query").set_value("Kabul is safer now than when Ghani ruled"))
    run(at.text_input(key="search_speaker").set_value("Lavrov"))
    run(at.multiselect(key="search_status").select("Unreviewed"))

    for page in ("ui/pages/speakers.py", "ui/pages/ingest.py", "ui/pages/export.py"):
        at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60))
        run(at.switch_page(page))

    assert len(statements) > 50  # the pages were read, not an error page
    assert full_scans(app_db, statements) == []
