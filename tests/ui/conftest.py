"""What the UI tests share: the app pointed at a private seeded database."""

from __future__ import annotations

import pytest
import streamlit as st


@pytest.fixture
def app_db(monkeypatch, seeded_path):
    """Point the app at a private seeded database; cached engines of earlier tests are dropped."""
    monkeypatch.setenv("CLAIMS_DB", str(seeded_path))
    st.cache_resource.clear()
    yield seeded_path
    st.cache_resource.clear()
