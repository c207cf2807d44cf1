"""Search: find tracked claims by meaning and by words, with filters; matched words highlighted."""

from html import escape

import pandas as pd
import streamlit as st
from sqlmodel import Session

from claims.search.hybrid import Filters, search
from claims.search.query import resolve_speakers
from db import crud
from db.models import ClaimStatus
from ui import common
from ui.render import highlighted_text
from ui.resources import engine, live_index, search_model

st.title("Search")
with Session(engine()) as session:
    common.stop_if_empty(session)
    outlets = crud.outlet_names(session)

left, right = st.columns([4, 1])
query = left.text_input(
    "Statement",
    key="search_query",
    placeholder="e.g. Kabul is safer now than when Ghani ruled",
    persist_state="session",
)
k = right.slider("Claims to show", 1, 50, 10, key="search_k", persist_state="session")
with st.expander("Filters"):
    a, b, c = st.columns(3)
    speaker = a.text_input(
        "Speaker",
        key="search_speaker",
        placeholder="typos are fine: Zhirnof, lavrov",
        persist_state="session",
    )
    outlet = b.selectbox("Outlet", outlets, index=None, key="search_outlet", placeholder="any outlet")
    statuses = c.multiselect("Status", [s.value for s in ClaimStatus], key="search_status")
    a, b, c = st.columns(3)
    since = a.date_input("Published from", value=None, key="search_since")
    until = b.date_input("Published until", value=None, key="search_until")
    min_cw = c.slider("Check-worthiness at least", 0.0, 1.0, 0.0, 0.05, key="search_min_cw")

if not query.strip():
    st.caption(
        "Type a statement in any wording: the closest tracked claims are listed, best first, the words they share with it marked."
    )
    st.stop()

if speaker.strip():
    with Session(engine()) as session:
        found = resolve_speakers(session, speaker)
    if not found:
        st.warning(f"No speaker like “{speaker}”.")
        st.stop()
    st.caption("Speaker: " + ", ".join(name for _, name in found))

filters = Filters(
    speaker=speaker, outlet=outlet, since=since, until=until, statuses=statuses, min_checkworthiness=min_cw
)
results = search(engine(), query, k=k, filters=filters, embedder=search_model(), index=live_index().get())
if not results:
    st.info("Nothing found.")
    st.stop()
st.dataframe(
    pd.DataFrame(
        [
            {
                "cluster id": r.cluster_id,
                "text": r.text,
                "speaker": r.speaker,
                "document": r.document,
                "outlet": r.outlet,
                "published": r.published,
                "status": r.status,
                "score": r.score,
                "mentions": r.mentions,
            }
            for r in results
        ]
    ),
    hide_index=True,
    column_config={
        "text": st.column_config.TextColumn(width="large"),
        "score": st.column_config.NumberColumn(format="%.3f"),
    },
)
for r in results:
    who = escape(r.speaker or r.outlet or "unattributed")
    plural = "s" if r.mentions != 1 else ""
    st.html(
        f"<p><b>#{r.cluster_id}</b> · {escape(r.status)} · {r.mentions} mention{plural} · score {r.score:.3f}<br>"
        f"<b>{who}</b>: {highlighted_text(r.text, r.highlights)}<br>"
        f"<small>{escape(r.outlet or '')} {escape(r.published or '')} · {escape(r.document)}</small></p>"
    )
common.claim_opener({r.cluster_id: r.text[:120] for r in results}, key="search")
