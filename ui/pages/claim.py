"""Claim: one tracked claim — every mention in context, verdict, sourcing, notes, history, link suggestions."""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st
from sqlmodel import Session

from claims.embed.encoder import from_bytes
from claims.review.feedback import add_mention, drop_mention, explain, find_span, unextracted_sentences
from claims.review.verdicts import (
    ReviewError,
    add_note,
    decide_suggestion,
    set_sourcing,
    set_status,
)
from db import crud
from db.models import AttributionKind, ClaimStatus, Sourcing, SpeakerKind
from ui import common, drift_view, factcheck_panel, regroup
from ui.render import highlighted_context, plain
from ui.resources import embedder, engine

STATUSES = [s.value for s in ClaimStatus]
NOT_SET = "Not set"
SOURCING = [NOT_SET] + [s.value for s in Sourcing]
ARTICLE_CHOICES = 200  # newest articles offered for adding a missed claim, after the claim's own


def _save_status(claim_id: int) -> None:
    status = st.session_state[f"status_{claim_id}"]
    expected = st.session_state[common.seen_version_key(claim_id)]
    common.act(
        f"Status set to “{status}”.",
        set_status,
        opened=claim_id,
        claim_id=claim_id,
        status=status,
        expected_version=expected,
    )


def _save_sourcing(claim_id: int, mention_id: int, version: int, shown: str) -> None:
    key = f"sourcing_{mention_id}_v{version}"
    chosen = st.session_state[key]
    sourcing = None if chosen == NOT_SET else chosen
    if not common.act(
        f"Sourcing set to “{chosen}”.",
        set_sourcing,
        opened=claim_id,
        mention_id=mention_id,
        sourcing=sourcing,
        expected_version=version,
    ):
        st.session_state[key] = shown  # the widget shows what is stored, not the refused choice


def _add_note(claim_id: int) -> None:
    key = f"note_{claim_id}"
    if common.act("Note added.", add_note, opened=claim_id, claim_id=claim_id, text=st.session_state[key]):
        st.session_state[key] = ""


def _decide(claim_id: int, suggestion_id: int, accept: bool) -> None:
    done = "Suggestion accepted: the mention now belongs to this claim." if accept else "Suggestion rejected."
    common.act(done, decide_suggestion, opened=claim_id, suggestion_id=suggestion_id, accept=accept)


def _drop(claim_id: int, mention_id: int, version: int) -> None:
    st.session_state.pop(f"confirm_drop_{mention_id}", None)
    if common.act(
        "Dropped: not a claim. This is remembered for the next retraining.",
        drop_mention,
        opened=claim_id,
        mention_id=mention_id,
        expected_version=version,
    ):
        with Session(engine()) as session:
            if crud.get_claim(session, claim_id=claim_id) is None:
                common.flash("info", f"Tracked claim #{claim_id} had no other mention and was removed.")


PASTE, PICK = "Paste the text", "Choose a sentence"


def _add_missed(claim_id: int) -> None:
    article_id = st.session_state.get("add_article")
    with Session(engine()) as session:
        article = crud.get_article(session, article_id=article_id) if article_id else None
    if article is None:
        common.flash("error", "Not saved: choose the article.")
        return
    try:
        if st.session_state.get("add_how") == PICK:
            span = st.session_state.get(f"add_sentence_{article_id}")
            if span is None:
                raise ReviewError("choose one of the article's sentences")
        else:
            span = find_span(article.text, st.session_state.get("add_text", ""))
    except ReviewError as error:
        common.flash("error", f"Not saved: {error}.")
        return
    kind = st.session_state.get("add_attribution")
    if common.act(
        f"Added as a claim: “{plain(article.text[span[0] : span[1]][:80])}”. This is remembered for the next retraining.",
        add_mention,
        opened=claim_id,
        article_id=article.id,
        start=span[0],
        end=span[1],
        embedder=embedder(),
        speaker=st.session_state.get("add_speaker") or None,
        speaker_kind=st.session_state.get("add_speaker_kind") or SpeakerKind.person.value,
        venue=st.session_state.get("add_venue") or None,
        attribution=None if kind in (None, AUTO) else kind,
    ):
        for key in ("add_text", "add_speaker", "add_venue"):
            st.session_state[key] = ""
        with Session(engine()) as session:
            added = crud.mention_at(session, article_id=article.id, start=span[0], end=span[1])
            size = crud.get_claim(session, claim_id=added.claim_id).mention_count if added else 0
        if added:
            where = "joined" if size > 1 else "starts"
            common.flash(
                "info",
                f"It {where} tracked claim #{added.claim_id} ({size} mention{'s' if size != 1 else ''}).",
            )


AUTO = "as the speaker field says"


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
    st.button(
        "Reload the claim", on_click=_reload, args=(claim_id,), icon=":material/refresh:", type="primary"
    )

with Session(engine()) as session:
    common.stop_if_empty(session)
    st.number_input(
        "Tracked claim #",
        min_value=1,
        step=1,
        value=None,
        key="claim_pick",
        on_change=_pick,
        placeholder="number",
    )
    claim = crud.get_claim(session, claim_id=claim_id) if claim_id else None
    if claim is None:
        st.info(
            "Pick a claim on the Queue or Search page, or type its number above."
            if claim_id is None
            else f"There is no tracked claim #{claim_id}."
        )
        st.stop()
    rows = crud.mention_rows(session, claim_id=claim.id)
    notes = crud.notes_for(session, claim_id=claim.id)
    history = crud.history_for(session, claim_id=claim.id)
    suggestions = crud.suggestions_for(session, claim_id=claim.id)
    suggested = {
        r.mention.id: r for r in crud.mention_rows(session, mention_ids=[m.id for _, m in suggestions])
    }
    # This claim's articles, then the newest: a list of every article is 100,000 options at scale.
    articles = {
        i: common.document_name(doc) + (f" — {title}" if title else "")
        for i, doc, title in crud.article_choices(
            session,
            first=[st.session_state.get("add_article"), *(r.article.id for r in rows)],
            limit=ARTICLE_CHOICES,
        )
    }
    st.session_state.setdefault("add_article", rows[0].article.id if rows else next(iter(articles), None))
    add_article = (
        crud.get_article(session, article_id=st.session_state["add_article"])
        if st.session_state["add_article"] in articles
        else None
    )
    sentences = unextracted_sentences(session, article_id=add_article.id) if add_article else []
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
right.button(
    "Save status", key="save_status", on_click=_save_status, args=(claim.id,), type="primary", width="stretch"
)

st.subheader(f"Mentions ({len(rows)})")
if not rows:
    st.info("This claim has no mentions left: they were linked into other claims.")
for row in rows:
    m = row.mention
    with st.container(border=True):
        facts = [
            ("Outlet", row.outlet or "unknown"),
            ("Document", row.article.document),
            ("Title", row.article.title or "—"),
            ("Speaker", row.speaker or "—"),
            ("Venue", m.venue or "—"),
            ("Attribution", m.attribution.value),
            ("Check-worthiness", f"{m.checkworthiness:.2f}"),
        ]
        st.html(" · ".join(f"<b>{label}</b>: {escape(str(value))}" for label, value in facts))
        st.html(f"<blockquote>{highlighted_context(row.article.text, m.start, m.end)}</blockquote>")
        shown = m.sourcing.value if m.sourcing else NOT_SET
        # Keyed by version: once anyone changes the mention, the control starts again from what is stored.
        key = f"sourcing_{m.id}_v{m.version}"
        st.session_state.setdefault(key, shown)
        st.segmented_control(
            "Sourcing",
            SOURCING,
            key=key,
            required=True,
            on_change=_save_sourcing,
            args=(claim.id, m.id, m.version, shown),
        )
        with st.expander(f"Why this was taken (check-worthiness {m.checkworthiness:.2f})"):
            why = explain(
                m.text,
                vector=from_bytes(m.embedding),
                quoted=m.attribution != AttributionKind.outlet_assertion,
            )
            (rule, taken), *reasons = why
            st.markdown(f"Taken by the extraction rules: {rule} = {taken:.2f}.")
            st.caption(
                "Check-worthiness is the trained model's score; its largest reasons, positive towards check-worthy:"
            )
            st.markdown("\n".join(f"- {name}: {value:+.2f}" for name, value in reasons))
        if st.session_state.get(f"confirm_drop_{m.id}"):
            st.warning(
                "Drop this mention as not a claim? It leaves the claim and is remembered for retraining."
            )
            yes, no = st.columns(2)
            yes.button(
                "Yes, drop it",
                key=f"drop_yes_{m.id}",
                on_click=_drop,
                args=(claim.id, m.id, m.version),
                type="primary",
                icon=":material/delete:",
            )
            no.button(
                "Cancel",
                key=f"drop_no_{m.id}",
                on_click=st.session_state.pop,
                args=(f"confirm_drop_{m.id}", None),
            )
        else:
            st.button(
                "Not a claim",
                key=f"drop_{m.id}",
                on_click=st.session_state.__setitem__,
                args=(f"confirm_drop_{m.id}", True),
                icon=":material/block:",
            )

drift_view.show(rows)

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
        for column, label, accept, icon in (
            (a, "Accept: same claim", True, "link"),
            (r, "Reject", False, "link_off"),
        ):
            column.button(
                label,
                key=f"{'accept' if accept else 'reject'}_{suggestion.id}",
                on_click=_decide,
                args=(claim.id, suggestion.id, accept),
                icon=f":material/{icon}:",
            )
        if o.button(f"Open claim #{mention.claim_id}", key=f"open_{suggestion.id}"):
            common.open_claim(mention.claim_id)

regroup.render(claim, rows)
factcheck_panel.render(claim.id, claim.canonical_text)

st.subheader("Add a missed claim")
with st.expander("A claim the extractor missed in one of the articles", expanded=False):
    st.selectbox(
        "Article",
        list(articles),
        format_func=articles.get,
        key="add_article",
        help=f"This claim's articles first, then the {ARTICLE_CHOICES} newest.",
    )
    if add_article is not None:
        st.text_area(
            "Article text (select and copy the claim from here)",
            add_article.text,
            height=200,
            disabled=True,
            key=f"add_source_{add_article.id}",
        )
        if add_article.removed:
            st.caption(f"Removed from this article as page furniture ({len(add_article.removed)}), and why:")
            st.dataframe(
                pd.DataFrame(add_article.removed, columns=["Paragraph", "Why"]),
                hide_index=True,
                width="stretch",
            )
        elif add_article.removed == []:
            st.caption("Nothing was removed from this article as page furniture.")
        how = st.radio("The claim", [PASTE, PICK], horizontal=True, key="add_how")
        if how == PICK:
            st.selectbox(
                "Sentences not extracted",
                [(s0, s1) for s0, s1, _ in sentences],
                format_func=lambda span: add_article.text[span[0] : span[1]][:160],
                index=None,
                key=f"add_sentence_{add_article.id}",
                placeholder="choose a sentence",
            )
        else:
            st.text_area("Claim text, as in the article", key="add_text")
        c1, c2, c3, c4 = st.columns(4)
        c1.text_input(
            "Speaker",
            key="add_speaker",
            help="A known speaker's name or spelling finds that speaker; leave empty for the outlet's own claim.",
        )
        c2.selectbox("Speaker is a", [k.value for k in SpeakerKind], key="add_speaker_kind")
        c3.text_input("Venue", key="add_venue", placeholder="e.g. a press conference")
        c4.selectbox("Attribution", [AUTO] + [k.value for k in AttributionKind], key="add_attribution")
        st.button(
            "Add claim",
            key="add_go",
            on_click=_add_missed,
            args=(claim.id,),
            icon=":material/add:",
            type="primary",
        )

st.subheader("Notes")
for note in notes:
    st.html(
        f"<p><b>{escape(note.reviewer)}</b> <small>{note.created_at:%Y-%m-%d %H:%M} UTC</small><br>{escape(note.text)}</p>"
    )
st.text_area("New note", key=f"note_{claim.id}", placeholder="What did you check, and where?")
st.button("Add note", on_click=_add_note, args=(claim.id,))

st.subheader("History")
if history:
    st.dataframe(
        pd.DataFrame(
            [
                {"field": h.field, "old": h.old or "", "new": h.new or "", "reviewer": h.reviewer, "at": h.at}
                for h in history
            ]
        ),
        hide_index=True,
    )
else:
    st.caption("No review changes yet.")
