"""Export: the mentions as CSV for editors, the verdicts as ClaimReview JSON-LD for publishing."""

import pandas as pd
import streamlit as st
from sqlmodel import Session

from claims import export
from db.models import ClaimStatus
from ui import common
from ui.resources import engine

st.title("Export")
db = engine()
with Session(db) as session:
    common.stop_if_empty(session)

statuses = (
    st.multiselect(
        "Only claims with status",
        [s.value for s in ClaimStatus],
        key="export_status",
        placeholder="All statuses",
    )
    or None
)
rows = export.rows(db, statuses=statuses)
st.caption(f"{len(rows)} mentions, one row each")
st.dataframe(pd.DataFrame(rows, columns=export.CSV_COLUMNS), hide_index=True)

# The files are built only when a button is clicked (on another thread, hence no session state inside).
left, right = st.columns(2)
left.download_button(
    "Download CSV",
    lambda: export.to_csv(db, statuses=statuses),
    file_name="claims.csv",
    mime="text/csv",
    icon=":material/table:",
    on_click="ignore",
)
right.download_button(
    "Download ClaimReview JSON-LD",
    lambda: export.to_claimreview(db, statuses=statuses),
    file_name="claimreview.json",
    mime="application/ld+json",
    icon=":material/data_object:",
    on_click="ignore",
)
st.caption(
    "ClaimReview holds only claims with a verdict (True, Mostly true, Misleading, False, Unverifiable)."
)
