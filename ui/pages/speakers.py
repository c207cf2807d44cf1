"""Speakers: every canonical speaker with its spellings; merge, split and rename them."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlmodel import Session

from claims.review.speakers import merge_speakers, rename_speaker, split_speaker
from db import crud
from ui import common
from ui.resources import engine

FORMS = ("merge_", "split_", "rename_")  # the keys of every form's widgets start so


def _change(success: str, action, **kwargs) -> None:
    """One speaker change; once saved, the forms start afresh (the speakers picked may be gone)."""
    if common.act(success, action, **kwargs):
        for key in [k for k in st.session_state if str(k).startswith(FORMS)]:
            del st.session_state[key]


def _merge(names: dict[int, str]) -> None:
    keep = common.picked("merge_into", "choose the speaker to keep")
    merge = st.session_state.get("merge_from") or []
    if keep is not None:
        done = f"Merged {', '.join(names[i] for i in merge)} into {names[keep]}."
        _change(done, merge_speakers, keep_id=keep, merge_ids=merge)


def _split(names: dict[int, str]) -> None:
    source = common.picked("split_from", "choose the speaker to split")
    if source is None:
        return
    new_name = st.session_state.get("split_name", "")
    _change(
        f"Split “{new_name.strip()}” off {names[source]}; the two are kept apart from now on.",
        split_speaker,
        speaker_id=source,
        new_name=new_name,
        aliases=st.session_state.get(f"split_aliases_{source}") or [],
        mention_ids=st.session_state.get(f"split_mentions_{source}") or [],
    )


def _rename(names: dict[int, str]) -> None:
    which = common.picked("rename_which", "choose the speaker to rename")
    new_name = st.session_state.get("rename_name", "")
    if which is not None:
        done = f"Renamed {names[which]} to “{new_name.strip()}”; the old name stays a spelling of it."
        _change(done, rename_speaker, speaker_id=which, new_name=new_name)


st.title("Speakers")
common.show_flash()
with Session(engine()) as session:
    common.stop_if_empty(session)
    summaries = crud.speaker_summaries(session)
    changes = crud.speaker_changes(session, limit=50)
    apart = crud.apart_names(session)
    names = {s.speaker.id: s.speaker.name for s in summaries}
    split_from = st.session_state.get("split_from")
    split_mentions = crud.mention_rows(session, speaker_id=split_from) if split_from in names else []

if not summaries:
    st.info("No speakers yet: claims found so far are the outlets' own.")
    st.stop()

st.caption(
    f"{len(summaries)} speakers. A merge or split is remembered: the next articles ingested follow it."
)
st.dataframe(
    pd.DataFrame(
        [
            {
                "id": s.speaker.id,
                "name": s.speaker.name,
                "kind": s.speaker.kind.value,
                "aliases": ", ".join(s.aliases),
                "mentions": s.mentions,
                "articles": s.articles,
            }
            for s in summaries
        ]
    ),
    hide_index=True,
    column_config={"aliases": st.column_config.TextColumn(width="large")},
)


def label(speaker_id: int) -> str:
    return f"{names[speaker_id]} (#{speaker_id})"


st.subheader("Merge speakers that are one")
with st.container(border=True):
    left, right = st.columns(2)
    left.multiselect(
        "Speakers to merge", list(names), format_func=label, key="merge_from", placeholder="the duplicates"
    )
    right.selectbox(
        "Into",
        list(names),
        format_func=label,
        index=None,
        key="merge_into",
        placeholder="the speaker to keep",
    )
    st.button(
        "Merge", key="merge_go", on_click=_merge, args=(names,), icon=":material/merge:", type="primary"
    )

st.subheader("Split a speaker that is two")
with st.container(border=True):
    st.selectbox(
        "Speaker to split",
        list(names),
        format_func=label,
        index=None,
        key="split_from",
        placeholder="the speaker who is two people",
    )
    if split_from in names:
        spellings = [a for s in summaries if s.speaker.id == split_from for a in s.aliases]
        st.multiselect("Spellings that name the other speaker", spellings, key=f"split_aliases_{split_from}")
        common.pick_mentions(
            "Claims the other speaker made", split_mentions, key=f"split_mentions_{split_from}", width=110
        )
        st.text_input(
            "The other speaker's name", key="split_name", help="An existing speaker's name, or a new one."
        )
        st.button(
            "Split",
            key="split_go",
            on_click=_split,
            args=(names,),
            icon=":material/call_split:",
            type="primary",
        )

st.subheader("Rename a speaker")
with st.container(border=True):
    left, right = st.columns(2)
    left.selectbox(
        "Speaker",
        list(names),
        format_func=label,
        index=None,
        key="rename_which",
        placeholder="the speaker to rename",
    )
    right.text_input("Correct name", key="rename_name")
    st.button("Rename", key="rename_go", on_click=_rename, args=(names,), icon=":material/edit:")

st.subheader("Kept apart")
if apart:
    for a, b in apart:
        st.text(f"{a} ≠ {b}")  # names come from articles: text, never Markdown
else:
    st.caption("No speakers were split yet.")

st.subheader("Changes")
if changes:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "action": c.action,
                    "old": c.old or "",
                    "new": c.new or "",
                    "reviewer": c.reviewer,
                    "at": c.at,
                }
                for c in changes
            ]
        ),
        hide_index=True,
    )
else:
    st.caption("No reviewer has changed the speakers yet.")
