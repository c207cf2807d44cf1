"""Queue: the tracked claims to review, filtered and sorted."""

import math

import pandas as pd
import streamlit as st
from sqlmodel import Session

from db import crud
from db.models import ClaimStatus
from ui import common
from ui.resources import engine

SORTS = {"mentions": "Most mentions", "first_seen": "First seen", "checkworthiness": "Most check-worthy"}

st.title("Review queue")
with Session(engine()) as session:
    common.stop_if_empty(session)
    counts = crud.counts(session)
    speakers = crud.speaker_names(session)
    outlets = crud.outlet_names(session)

    cols = st.columns(5)
    cols[0].metric("Tracked claims", counts["tracked_claims"])
    cols[1].metric("In several articles", counts["multi_source_claims"])
    cols[2].metric("Reviewed", counts["reviewed_claims"])
    cols[3].metric("Pending suggestions", counts["pending_suggestions"])
    cols[4].metric("Articles", counts["articles"])

    # Filters persist for the session, so coming back from a claim keeps the reviewer's view.
    f1, f2, f3 = st.columns(3)
    statuses = f1.multiselect(
        "Status", [s.value for s in ClaimStatus], key="queue_status", persist_state="session"
    )
    speaker = f2.selectbox(
        "Speaker",
        speakers,
        index=None,
        placeholder="Any speaker",
        key="queue_speaker",
        persist_state="session",
    )
    outlet = f3.selectbox(
        "Outlet", outlets, index=None, placeholder="Any outlet", key="queue_outlet", persist_state="session"
    )
    f4, f5 = st.columns([1, 1])
    text = f4.text_input(
        "Text contains",
        help="Words a mention of the claim holds, in this order; the last may be cut short",
        key="queue_text",
        persist_state="session",
    )
    sort = f5.radio(
        "Sort by",
        list(SORTS),
        format_func=SORTS.get,
        horizontal=True,
        key="queue_sort",
        persist_state="session",
    )

    filters = dict(
        statuses=[ClaimStatus(s) for s in statuses],
        speaker=speaker,
        outlet=outlet,
        text=text.strip() or None,
    )
    # Paged in SQL: a rerun reads one page of claims, whatever the archive's size.
    total = crud.claim_count(session, **filters)
    pages = max(1, math.ceil(total / common.QUEUE_PAGE_SIZE))
    if st.session_state.get("queue_page", 1) > pages:
        st.session_state["queue_page"] = pages  # the filters narrowed under the page the reviewer was on
    page = st.number_input("Page", min_value=1, max_value=pages, step=1, key="queue_page") if pages > 1 else 1
    summaries = crud.claim_summaries(
        session,
        sort=sort,
        limit=common.QUEUE_PAGE_SIZE,
        offset=(page - 1) * common.QUEUE_PAGE_SIZE,
        **filters,
    )

if not summaries:
    st.info("No tracked claim matches these filters.")
    st.stop()
first = (page - 1) * common.QUEUE_PAGE_SIZE + 1
st.caption(
    f"{first:,}–{first + len(summaries) - 1:,} of {total:,} matching claims "
    f"({counts['tracked_claims']:,} tracked in all)"
)
table = pd.DataFrame(
    [
        {
            "cluster id": s.claim.id,
            "claim": s.claim.canonical_text,
            "mentions": s.mentions,
            "outlets": ", ".join(s.outlets),
            "speakers": ", ".join(s.speakers),
            "status": s.claim.status.value,
            "check-worthiness": round(s.checkworthiness, 2),
            "pending suggestions": s.pending_suggestions,
            "first seen": s.claim.first_seen,
        }
        for s in summaries
    ]
)
st.dataframe(table, hide_index=True, column_config={"claim": st.column_config.TextColumn(width="large")})
common.claim_opener({s.claim.id: s.claim.canonical_text[:120] for s in summaries}, key="queue")
