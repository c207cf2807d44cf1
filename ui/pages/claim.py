"""Claim: one tracked claim — every mention in context, verdict, sourcing, notes, history, link suggestions."""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st
from sqlmodel import Session

from claims.review import ConflictError, ReviewError, add_note, decide_suggestion, set_sourcing, set_status
from db import crud
from db.models import ClaimStatus, Sourcing
from db.session import session_scope
from ui import common
from ui.render import highlighted_context
from ui.resources import engine

STATUSES = [s.value for s in ClaimStatus]
NOT_SET = "Not set"
SOURCING = [NOT_SET] + [s.value for s in Sourcing]


def _save(page_claim: int, success: str, action, **kwargs) -> bool:
    """Run one review action touching ``page_claim`` in its own transaction; refusals become messages."""
    name = common.reviewer()
    if name is None:
        return False
    seen = common.seen_version_key(page_claim)
    try:
        with session_scope(engine()) as session:
            before = crud.get_claim(session, claim_id=page_claim).version
            action(session, reviewer=name, **kwargs)
            after = crud.get_claim(session, claim_id=page_claim).version
    except ConflictError as error:
        common.flash("error", f"Not saved: another reviewer changed this after you opened it. {error}.")
        st.session_state["conflict"] = page_claim
        return False
    except ReviewError as error:
        common.flash("error", f"Not saved: {error}.")
        return False
    # Our own change moves the seen version on; a change someone made before it must still be caught.
    if st.session_state.get(seen) == before:
        st.session_state[seen] = after
    common.flash("success", success)
    return True


def _save_status(claim_id: int) -> None:
    status = st.session_state[f"status_{claim_id}"]
    expected = st.session_state[common.seen_version_key(claim_id)]
    _save(claim_id, f"Status set to “{status}”.", set_status, claim_id=claim_id, status=status, expected_version=expected)


def _save_sourcing(claim_id: int, mention_id: int, version: int, shown: str) -> None:
    key = f"sourcing_{mention_id}_v{version}"
    chosen = st.session_state[key]
    sourcing = None if chosen == NOT_SET else chosen
    if not _save(claim_id, f"Sourcing set to “{chosen}”.", set_sourcing, mention_id=mention_id, sourcing=sourcing, expected_version=version):
        st.session_state[key] = shown  # the widget shows what is stored, not the refused choice


def _add_note(claim_id: int) -> None:
    key = f"note_{claim_id}"
    if _save(claim_id, "Note added.", add_note, claim_id=claim_id, text=st.session_state[key]):
        st.session_state[key] = ""


def _decide(claim_id: int, suggestion_id: int, accept: bool) -> None:
    done = "Suggestion accepted: the mention now belongs to this claim." if accept else "Suggestion rejected."
    _save(claim_id, done, decide_suggestion, suggestion_id=suggestion_id, accept=accept)


def _reload(claim_id: int) -> None:
    # Forget the unsaved choices and the version seen, so the page shows, and checks against, what is stored now.
    for key in [k for k in st.session_state if str(k).startswith(("status_", "sourcing_"))]:
        del st.session_state[key]
    st.session_state.pop(common.seen_version_key(claim_id), None)
    st.session_state.pop("conflict", None)


def _pick() -> None:
    picked = st.session_state["claim_pick"]
    if picked is None:  # the box was cleared: keep showing the current claim
        return
    st.session_state.pop(common.seen_version_key(picked), None)
    st.session_state["claim_id"] = picked
    st.query_params["claim"] = str(picked)


def _chosen_claim() -> int | None:
    """The claim in the URL (?claim=ID), else the one opened last in this session."""
    raw = st.query_params.get("claim", "")
    if raw.isdigit() and int(raw) != st.session_state.get("claim_id"):
        st.session_state.pop(common.seen_version_key(int(raw)), None)
        st.session_state["claim_id"] = int(raw)
    claim_id = st.session_state.get("claim_id")
    if claim_id is not None:
        st.query_params["claim"] = str(claim_id)
        st.session_state["claim_pick"] = claim_id
    return claim_id


st.title("Claim")
claim_id = _chosen_claim()
common.show_flash()
if claim_id is not None and st.session_state.get("conflict") == claim_id:
    st.button("Reload the claim", on_click=_reload, args=(claim_id,), icon=":material/refresh:", type="primary")

with Session(engine()) as session:
    common.stop_if_empty(session)
    st.number_input("Tracked claim #", min_value=1, step=1, value=None, key="claim_pick", on_change=_pick, placeholder="number")
    claim = crud.get_claim(session, claim_id=claim_id) if claim_id else None
    if claim is None:
        st.info("Pick a claim on the Queue or Search page, or type its number above." if claim_id is None else f"There is no tracked claim #{claim_id}.")
        st.stop()
    rows = crud.mention_rows(session, claim_id=claim.id)
    notes = crud.notes_for(session, claim_id=claim.id)
    history = crud.history_for(session, claim_id=claim.id)
    suggestions = crud.suggestions_for(session, claim_id=claim.id)
    suggested = {r.mention.id: r for r in crud.mention_rows(session, mention_ids=[m.id for _, m in suggestions])}
    # The version this reviewer opened: saves are checked against it until they reload.
    st.session_state.setdefault(common.seen_version_key(claim.id), claim.version)

st.html(f"<h3>{escape(claim.canonical_text)}</h3>")
cols = st.columns(4)
cols[0].metric("Status", claim.status.value)
cols[1].metric("Mentions", len(rows))
cols[2].metric("Outlets", len({r.outlet for r in rows if r.outlet}))
cols[3].metric("Last change by", claim.reviewer or "—")

left, right = st.columns([3, 1], vertical_alignment="bottom")
left.selectbox("Verdict status", STATUSES, index=STATUSES.index(claim.status.value), key=f"status_{claim.id}")
right.button("Save status", key="save_status", on_click=_save_status, args=(claim.id,), type="primary", width="stretch")

st.subheader(f"Mentions ({len(rows)})")
if not rows:
    st.info("This claim has no mentions left: they were linked into other claims.")
for row in rows:
    m = row.mention
    with st.container(border=True):
        facts = [
            ("Outlet", row.outlet or "unknown"), ("Document", row.article.document), ("Title", row.article.title or "—"),
            ("Speaker", row.speaker or "—"), ("Venue", m.venue or "—"), ("Attribution", m.attribution.value),
            ("Check-worthiness", f"{m.checkworthiness:.2f}"),
        ]
        st.html(" · ".join(f"<b>{label}</b>: {escape(str(value))}" for label, value in facts))
        st.html(f"<blockquote>{highlighted_context(row.article.text, m.start, m.end)}</blockquote>")
        shown = m.sourcing.value if m.sourcing else NOT_SET
        # Keyed by version: once anyone changes the mention, the control starts again from what is stored.
        key = f"sourcing_{m.id}_v{m.version}"
        st.session_state.setdefault(key, shown)
        st.segmented_control("Sourcing", SOURCING, key=key, required=True, on_change=_save_sourcing, args=(claim.id, m.id, m.version, shown))

st.subheader(f"Pending link suggestions ({len(suggestions)})")
if not suggestions:
    st.caption("No mention elsewhere looks like this claim without already being part of it.")
for suggestion, mention in suggestions:
    row = suggested[mention.id]
    with st.container(border=True):
        st.html(
            f"<b>Score</b>: {suggestion.score:.2f} · <b>now in claim</b> #{mention.claim_id} · "
            f"<b>Speaker</b>: {escape(row.speaker or '—')} · <b>Document</b>: {escape(row.article.document)}"
            f"<blockquote>{highlighted_context(row.article.text, mention.start, mention.end)}</blockquote>"
        )
        a, r, o = st.columns(3)
        a.button("Accept: same claim", key=f"accept_{suggestion.id}", on_click=_decide, args=(claim.id, suggestion.id, True), icon=":material/link:")
        r.button("Reject", key=f"reject_{suggestion.id}", on_click=_decide, args=(claim.id, suggestion.id, False), icon=":material/link_off:")
        if o.button(f"Open claim #{mention.claim_id}", key=f"open_{suggestion.id}"):
            common.open_claim(mention.claim_id)

st.subheader("Notes")
for note in notes:
    st.html(f"<p><b>{escape(note.reviewer)}</b> <small>{note.created_at:%Y-%m-%d %H:%M} UTC</small><br>{escape(note.text)}</p>")
st.text_area("New note", key=f"note_{claim.id}", placeholder="What did you check, and where?")
st.button("Add note", on_click=_add_note, args=(claim.id,))

st.subheader("History")
if history:
    st.dataframe(
        pd.DataFrame([{"field": h.field, "old": h.old or "", "new": h.new or "", "reviewer": h.reviewer, "at": h.at} for h in history]),
        hide_index=True,
    )
else:
    st.caption("No review changes yet.")
