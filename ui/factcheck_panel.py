"""The claim page's "Fact-checked before?" section: the best published fact-checks for a tracked
claim, attached as evidence with one click, listed and removable. Kept apart from the page so
the page stays short."""

from __future__ import annotations

from html import escape

import streamlit as st
from sqlmodel import Session

from claims.factchecks.store import attach_evidence, detach_evidence, match
from db import crud
from ui import common
from ui.resources import embedder, engine

SHOWN = 3


def _describe(text: str, title, url, rating) -> str:
    parts = [f"<b>{escape(title)}</b>" if title else "", f"<i>{escape(rating)}</i>" if rating else ""]
    if url and url.startswith(("http://", "https://")):
        parts.append(f'<a href="{escape(url, quote=True)}" target="_blank">{escape(url)}</a>')
    head = " · ".join(p for p in parts if p)
    return (head + "<br>" if head else "") + escape(text)


def render(claim_id: int, claim_text: str) -> None:
    """Draw the section for one tracked claim."""
    st.subheader("Fact-checked before?")
    with Session(engine()) as session:
        attached = crud.evidence_for(session, claim_id=claim_id)
        imported = crud.fact_check_signature(session)[0]
    if attached:
        st.markdown(f"**Attached as evidence ({len(attached)})**")
    for evidence, check in attached:
        with st.container(border=True):
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.html(
                _describe(check.text, check.title, check.url, check.rating)
                + f"<br><small>attached by {escape(evidence.reviewer)}</small>"
            )
            right.button(
                "Remove", key=f"detach_{check.id}", on_click=common.act, icon=":material/link_off:",
                args=("Fact-check removed from the evidence.", detach_evidence), kwargs={"opened": claim_id, "claim_id": claim_id, "fact_check_id": check.id},
            )  # fmt: skip
    if not imported:
        st.caption("No published fact-checks imported yet (python -m claims factchecks import FILE).")
        return
    found = match(engine(), [claim_text], k=SHOWN, embedder=embedder())[0]
    taken = {check.id for _, check in attached}
    st.caption(
        f"The {len(found)} best of {imported} imported fact-checks; the score (0–1) is how likely it checks this claim."
    )
    for m in found:
        with st.container(border=True):
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.html(
                f"<b>Score</b>: {m.score:.2f} · <b>id</b>: {escape(m.id)}<br>"
                + _describe(m.text, m.title, m.url, m.rating)
            )
            if m.fact_check_id in taken:
                right.caption("Attached")
            else:
                right.button(
                    "Attach as evidence", key=f"attach_{m.fact_check_id}", on_click=common.act, icon=":material/attach_file:",
                    args=("Attached as evidence.", attach_evidence), kwargs={"opened": claim_id, "claim_id": claim_id, "fact_check_id": m.fact_check_id, "score": m.score},
                )  # fmt: skip
