"""Ingest: upload articles or give URLs; each document is reported ingested, skipped or failed."""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st
from sqlmodel import Session

from claims.ingest.pipeline import IngestReport, ingest
from claims.ingest.sources import stage_uploads
from ui import common
from ui.render import plain
from ui.resources import embedder, engine


def _ingest(uploads, sources: list[str], outlet: str, again: bool) -> IngestReport:
    with tempfile.TemporaryDirectory(prefix="claims-upload-") as folder:
        names = stage_uploads(Path(folder), [(upload.name, upload.getvalue()) for upload in uploads])
        sources.extend(names)
        bar = st.progress(0.0, text="Reading articles…")
        report = ingest(
            engine(),
            sources,
            outlet=outlet or None,
            embedder=embedder(),
            documents=names,
            reextract=again,
            progress=lambda step: bar.progress(step.fraction, text=step.describe(common.document_name)),
        )
    bar.progress(1.0, text=f"Done in {report.seconds:.1f} s")
    return report


st.title("Ingest articles")
notice = st.empty()  # filled last, so it reflects this run's ingestion

with st.form("ingest", clear_on_submit=True):
    uploads = st.file_uploader("Article files", type=["txt", "md", "html", "htm"], accept_multiple_files=True)
    urls = st.text_area("URLs, one per line", placeholder="https://example.com/news/article.html")
    outlet = st.text_input(
        "Outlet name (optional)", help="Overrides the outlet each document names, for all of them."
    )
    again = st.checkbox(
        "Extract articles already stored again",
        help="After an upgrade of the extractor. Claims found again keep their tracked claim, notes and history; "
        "reviewers' merges, splits and dropped claims hold.",
    )
    submitted = st.form_submit_button("Ingest", type="primary", icon=":material/upload:")

sources = [line.strip() for line in urls.splitlines() if line.strip()]
if submitted and not uploads and not sources:
    st.warning("Choose at least one file or type a URL.")
elif submitted:
    report = _ingest(uploads or [], sources, outlet.strip(), again)
    st.success(
        f"Ingested {len(report.ingested)}, skipped {len(report.skipped)}, failed {len(report.failed)}."
    )
    if report.reextraction:
        st.info(
            f"Extracted {len(report.reextracted)} stored articles again: {report.reextraction}.",
            icon=":material/refresh:",
        )
    for result in report.failed:
        st.error(plain(f"{common.document_name(result.document)} — {result.reason}"), icon=":material/error:")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "document": common.document_name(r.document),
                    "outcome": r.status,
                    "claims found": r.mentions,
                    "reason": r.reason,
                }
                for r in report.results
            ]
        ),
        hide_index=True,
    )

with Session(engine()) as session:
    if common.is_empty(session):
        notice.info(common.EMPTY, icon=":material/inbox:")
