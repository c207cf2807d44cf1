"""What the UI tests share: the app pointed at a private seeded database."""

from __future__ import annotations

import pytest
import streamlit as st
from sqlmodel import Session

from db import crud

ZHIRNOV = "better than under Ashraf Ghani"


@pytest.fixture
def app_db(monkeypatch, seeded_path):
    """Point the app at a private seeded database; cached engines of earlier tests are dropped."""
    monkeypatch.setenv("CLAIMS_DB", str(seeded_path))
    st.cache_resource.clear()
    yield seeded_path
    st.cache_resource.clear()


@pytest.fixture
def zhirnov(seeded) -> int:
    """The tracked claim of Zhirnov's "better than under Ashraf Ghani" quote."""
    with Session(seeded) as session:
        ids = [s.claim.id for s in crud.claim_summaries(session, text=ZHIRNOV)]
    assert len(ids) == 1
    return ids[0]
