"""The claim page's "Regroup mentions" section: merge, split and move, each remembered for relinking."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from claims.review.regroup import merge_claims, move_mention, split_mentions
from ui import common


def _label(row) -> str:
    return f"{Path(row.article.document).name}: {row.mention.text[:70]}"


def render(claim, rows, save: Callable[..., bool]) -> None:
    """Controls for ``claim`` (with mention ``rows``); ``save(claim_id, message, action, **kwargs)`` runs one action."""
    st.subheader("Regroup mentions")
    with st.expander("Merge another claim into this one, split mentions off, or move one", expanded=False):
        st.caption("Each change is remembered: re-ingesting articles and relinking keep it.")
        labels = {row.mention.id: _label(row) for row in rows}
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        left.number_input(
            "Tracked claim # to merge into this one",
            min_value=1,
            step=1,
            value=None,
            key=f"merge_other_{claim.id}",
        )
        right.button(
            "Merge", key=f"merge_go_{claim.id}", on_click=_merge, args=(claim, save), icon=":material/merge:"
        )
        if len(rows) > 1:
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            left.multiselect(
                "Mentions to split off into a new claim",
                list(labels),
                format_func=labels.get,
                key=f"split_pick_{claim.id}",
            )
            right.button(
                "Split off",
                key=f"split_go_{claim.id}",
                on_click=_split,
                args=(claim, save),
                icon=":material/call_split:",
            )
        a, b, c = st.columns([2, 1, 1], vertical_alignment="bottom")
        a.selectbox(
            "Mention to move",
            list(labels),
            format_func=labels.get,
            index=None,
            key=f"move_pick_{claim.id}",
            placeholder="choose a mention",
        )
        b.number_input("to tracked claim #", min_value=1, step=1, value=None, key=f"move_to_{claim.id}")
        c.button(
            "Move", key=f"move_go_{claim.id}", on_click=_move, args=(claim, save), icon=":material/move_item:"
        )


def _merge(claim, save) -> None:
    other = st.session_state.get(f"merge_other_{claim.id}")
    if other is None:
        common.flash("error", "Not saved: type the number of the claim to merge into this one.")
        return
    save(
        claim.id, f"Claim #{other} merged into this one.", merge_claims, keep_id=claim.id, other_id=int(other)
    )


def _split(claim, save) -> None:
    chosen = st.session_state.get(f"split_pick_{claim.id}") or []
    if save(
        claim.id,
        f"{len(chosen)} mention(s) split off into a new claim.",
        split_mentions,
        claim_id=claim.id,
        mention_ids=list(chosen),
    ):
        st.session_state[f"split_pick_{claim.id}"] = []


def _move(claim, save) -> None:
    mention = st.session_state.get(f"move_pick_{claim.id}")
    target = st.session_state.get(f"move_to_{claim.id}")
    if mention is None or target is None:
        common.flash("error", "Not saved: choose the mention and the claim to move it to.")
        return
    save(
        claim.id,
        f"Mention moved to claim #{int(target)}.",
        move_mention,
        mention_id=mention,
        to_claim_id=int(target),
    )
