"""Export: the mentions as CSV for editors, the verdicts as ClaimReview JSON-LD for publishing."""

import pandas as pd
import streamlit as st
from sqlmodel import Session

from claims import export
from db import crud
from db.models import ClaimStatus
from ui import common
from ui.resources import engine

PREVIEW = 50  # tracked claims the preview shows

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
# The preview reads a few claims, so the page opens at once on any archive; the files hold every mention.
wanted = [ClaimStatus(s) for s in statuses] if statuses else None
with Session(db) as session:
    total = crud.mention_total(session, statuses=wanted)
    shown = [
        s.claim.id for s in crud.claim_summaries(session, sort="first_seen", limit=PREVIEW, statuses=wanted)
    ]
rows = export.rows(db, statuses=statuses, claim_ids=shown)
if len(rows) < total:
    st.caption(
        f"The mentions of the first {len(shown)} tracked claims: {len(rows):,} of {total:,}, one row each"
    )
else:
    st.caption(f"{total:,} mentions, one row each")
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
