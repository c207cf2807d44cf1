"""What several pages share: the empty-database notice, the reviewer check, the one action wrapper,
messages, opening a claim, and how a document is named on screen."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from sqlmodel import Session

from claims.review import actions
from db import crud
from ui.resources import engine

EMPTY = "No claims yet — ingest articles on the Ingest page."
CLAIM_PAGE = "ui/pages/claim.py"
INGEST_PAGE = "ui/pages/ingest.py"
QUEUE_PAGE_SIZE = 50  # claims one page of the queue shows; each page is one query


def is_empty(session: Session) -> bool:
    return crud.mention_signature(session)[0] == 0


def stop_if_empty(session: Session) -> None:
    """Show the friendly notice and end the page when there is nothing to review yet."""
    if is_empty(session):
        st.info(EMPTY, icon=":material/inbox:")
        st.page_link(INGEST_PAGE, label="Go to Ingest", icon=":material/upload_file:")
        st.stop()


def flash(kind: str, text: str) -> None:
    """Queue a message for this rerun's page (callbacks run before the page is drawn)."""
    st.session_state.setdefault("_flash", []).append((kind, text))


def show_flash() -> None:
    for kind, text in st.session_state.pop("_flash", []):
        getattr(st, kind)(text)


def reviewer() -> str | None:
    """The reviewer's name, or None after warning that changes need one."""
    name = (st.session_state.get("reviewer") or "").strip()
    if not name:
        flash(
            "warning",
            "Enter your name in the sidebar (“Reviewer name”) first: every change is recorded with who made it, so it was not saved.",
        )
        return None
    return name


def seen_version_key(claim_id: int) -> str:
    """Where the claim page keeps the version of the claim the reviewer opened."""
    return f"version_{claim_id}"


def open_claim(claim_id: int) -> None:
    st.session_state.pop(seen_version_key(claim_id), None)  # opening afresh: check against what is stored now
    st.session_state["claim_id"] = int(claim_id)
    st.switch_page(CLAIM_PAGE, query_params={"claim": str(claim_id)})


def claim_opener(choices: dict[int, str], *, key: str) -> None:
    """A picker over ``{tracked claim id: label}`` and a button that opens the chosen claim."""
    if not choices:
        return
    left, right = st.columns([5, 1], vertical_alignment="bottom")
    chosen = left.selectbox(
        "Open a claim", list(choices), format_func=lambda cid: f"#{cid} — {choices[cid]}", key=f"{key}_pick"
    )
    if right.button("Open", key=f"{key}_open", icon=":material/open_in_new:", width="stretch"):
        open_claim(chosen)


def act(success: str, action, *, opened: int | None = None, **arguments) -> bool:
    """Run one review action for the reviewer named in the sidebar (:func:`claims.review.actions.run`)
    and say how it went. ``opened`` is the tracked claim the page has open: a save of it is checked
    against the version the reviewer opened, and a refusal because someone saved first offers a reload."""
    name = reviewer()
    if name is None:
        return False
    seen_key = seen_version_key(opened) if opened is not None else None
    done = actions.run(
        engine(), action, reviewer=name, opened=opened, seen=st.session_state.get(seen_key), **arguments
    )
    if not done.saved:
        flash("error", f"Not saved: {done.message}.")
        if done.conflict:
            st.session_state["conflict"] = opened
        return False
    if seen_key in st.session_state:
        st.session_state[seen_key] = done.seen
    flash("success", success)
    return True


def document_name(document: str) -> str:
    """How a document is named on screen: a URL as given, a file (an upload too, not the temporary
    folder it sat in) by its name."""
    return document if "://" in document else Path(document).name


def mention_label(row, width: int = 70) -> str:
    """ "file.txt: the first words of the claim", for pickers of mentions."""
    return f"{document_name(row.article.document)}: {row.mention.text[:width]}"


def picked(key: str, missing: str):
    """The widget value at ``key``; None, after saying "Not saved: ``missing``", when nothing is chosen."""
    value = st.session_state.get(key)
    if value is None:
        flash("error", f"Not saved: {missing}.")
    return value


def pick_mentions(label: str, rows, *, key: str, width: int = 70) -> None:
    """A multiselect of mention ids, each shown as :func:`mention_label`."""
    labels = {row.mention.id: mention_label(row, width) for row in rows}
    st.multiselect(label, list(labels), format_func=labels.get, key=key)
