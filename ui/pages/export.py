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
DOWNLOADS = [
    ("Download CSV", export.to_csv, "claims.csv", "text/csv", ":material/table:"),
    (
        "Download ClaimReview JSON-LD",
        export.to_claimreview,
        "claimreview.json",
        "application/ld+json",
        ":material/data_object:",
    ),
]
for column, (label, build, name, mime, icon) in zip(st.columns(len(DOWNLOADS)), DOWNLOADS):
    column.download_button(
        label,
        lambda build=build: build(db, statuses=statuses),
        file_name=name,
        mime=mime,
        icon=icon,
        on_click="ignore",
    )
st.caption(
    "ClaimReview holds only claims with a verdict (True, Mostly true, Misleading, False, Unverifiable)."
)
