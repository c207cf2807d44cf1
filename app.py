"""Claim workbench reviewer UI: `streamlit run app.py` (the database is $CLAIMS_DB, else data/claims.db)."""

import streamlit as st

# An emoji favicon is drawn in the browser; a ":material/...:" one is fetched from fonts.gstatic.com,
# which an offline workbench must not call (the icons inside pages come from Streamlit's bundled font).
st.set_page_config(page_title="Claim workbench", page_icon="✅", layout="wide")

page = st.navigation(
    [
        st.Page("ui/pages/queue.py", title="Queue", icon=":material/checklist:", default=True),
        st.Page("ui/pages/claim.py", title="Claim", icon=":material/fact_check:"),
        st.Page("ui/pages/search.py", title="Search", icon=":material/search:"),
        st.Page("ui/pages/speakers.py", title="Speakers", icon=":material/groups:"),
        st.Page("ui/pages/ingest.py", title="Ingest", icon=":material/upload_file:"),
        st.Page("ui/pages/export.py", title="Export", icon=":material/download:"),
    ]
)
# Rendered on every page, so the name stays in st.session_state["reviewer"] for the whole session.
st.sidebar.text_input(
    "Reviewer name",
    key="reviewer",
    help="Recorded with every change you make; changes are refused without it.",
)
page.run()
