"""The Streamlit reviewer UI: thin pages over the claims/ and db/ library."""
