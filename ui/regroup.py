"""The claim page's "Regroup mentions" section: merge, split and move, each remembered for relinking."""

from __future__ import annotations

import streamlit as st

from claims.review.regroup import merge_claims, move_mention, split_mentions
from ui import common


def render(claim, rows) -> None:
    """Controls for ``claim`` (with mention ``rows``), each change one :func:`ui.common.act`."""
    st.subheader("Regroup mentions")
    with st.expander("Merge another claim into this one, split mentions off, or move one", expanded=False):
        st.caption("Each change is remembered: re-ingesting articles and relinking keep it.")
        labels = {row.mention.id: common.mention_label(row) for row in rows}
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        left.number_input(
            "Tracked claim # to merge into this one",
            min_value=1,
            step=1,
            value=None,
            key=f"merge_other_{claim.id}",
        )
        right.button(
            "Merge", key=f"merge_go_{claim.id}", on_click=_merge, args=(claim,), icon=":material/merge:"
        )
        if len(rows) > 1:
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            with left:
                common.pick_mentions(
                    "Mentions to split off into a new claim", rows, key=f"split_pick_{claim.id}"
                )
            right.button(
                "Split off",
                key=f"split_go_{claim.id}",
                on_click=_split,
                args=(claim,),
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
            "Move", key=f"move_go_{claim.id}", on_click=_move, args=(claim,), icon=":material/move_item:"
        )


def _merge(claim) -> None:
    other = common.picked(f"merge_other_{claim.id}", "type the number of the claim to merge into this one")
    if other is not None:
        common.act(
            f"Claim #{other} merged into this one.",
            merge_claims,
            opened=claim.id,
            keep_id=claim.id,
            other_id=int(other),
        )


def _split(claim) -> None:
    chosen = st.session_state.get(f"split_pick_{claim.id}") or []
    if common.act(
        f"{len(chosen)} mention(s) split off into a new claim.",
        split_mentions,
        opened=claim.id,
        claim_id=claim.id,
        mention_ids=list(chosen),
    ):
        st.session_state[f"split_pick_{claim.id}"] = []


def _move(claim) -> None:
    mention = common.picked(f"move_pick_{claim.id}", "choose the mention to move")
    target = common.picked(f"move_to_{claim.id}", "choose the claim to move it to") if mention else None
    if target is not None:
        common.act(
            f"Mention moved to claim #{int(target)}.",
            move_mention,
            opened=claim.id,
            mention_id=mention,
            to_claim_id=int(target),
        )
