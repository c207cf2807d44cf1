"""Process-wide resources shared by every session: the engine, the model, the index.

Only thread-safe things live here; each rerun opens its own database session.
"""

from __future__ import annotations

import threading

import streamlit as st
from sqlalchemy.engine import Engine

from claims.embed.encoder import Embedder, default_embedder
from claims.embed.index import LiveIndex, VectorIndex
from claims.embed.search_model import query_encoder
from db.session import default_db_path, get_engine


@st.cache_resource(show_spinner="Opening the database…", on_release=lambda engine: engine.dispose())
def _engine(path: str) -> Engine:
    return get_engine(path)


def engine() -> Engine:
    """The engine of ``$CLAIMS_DB`` (else data/claims.db); keyed by path so a changed variable is seen."""
    return _engine(str(default_db_path()))


@st.cache_resource(show_spinner="Loading the embedding model…")
def embedder() -> Embedder:
    return default_embedder()


@st.cache_resource(show_spinner="Loading the search model…")
def search_model():
    """What encodes search queries: the search model through ONNX Runtime, so a reviewer who only
    searches never waits for torch (:func:`claims.embed.search_model.query_encoder`)."""
    return query_encoder()


class _LockedIndex:
    """LiveIndex swaps its index on reload and may rebuild the file; one session at a time does that."""

    def __init__(self, live: LiveIndex):
        self.live = live
        self.lock = threading.Lock()

    def get(self) -> VectorIndex:
        with self.lock:
            return self.live.get()


@st.cache_resource(show_spinner="Loading the search index…")
def _index(path: str) -> _LockedIndex:
    return _LockedIndex(LiveIndex(_engine(path)))


def live_index() -> _LockedIndex:
    return _index(str(default_db_path()))
