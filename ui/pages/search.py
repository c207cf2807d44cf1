"""Search: find tracked claims by meaning, whatever the wording."""

import pandas as pd
import streamlit as st
from sqlmodel import Session

from claims.search import search
from ui import common
from ui.resources import embedder, engine, live_index

st.title("Search")
with Session(engine()) as session:
    common.stop_if_empty(session)

left, right = st.columns([4, 1])
query = left.text_input("Statement", key="search_query", placeholder="e.g. Kabul is safer now than when Ghani ruled", persist_state="session")
k = right.slider("Claims to show", 1, 50, 10, key="search_k", persist_state="session")
if not query.strip():
    st.caption("Type a statement in any wording: the closest tracked claims are listed, best first.")
    st.stop()

results = search(engine(), query, k=k, embedder=embedder(), index=live_index().get())
if not results:
    st.info("Nothing found.")
    st.stop()
st.dataframe(
    pd.DataFrame(
        [
            {
                "cluster id": r.cluster_id, "text": r.text, "speaker": r.speaker, "document": r.document,
                "outlet": r.outlet, "status": r.status, "score": r.score, "mentions": r.mentions,
            }
            for r in results
        ]
    ),
    hide_index=True,
    column_config={"text": st.column_config.TextColumn(width="large"), "score": st.column_config.NumberColumn(format="%.3f")},
)
common.claim_opener({r.cluster_id: r.text[:120] for r in results}, key="search")
