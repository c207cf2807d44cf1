"""The claim page's "Wording over time" and "Provenance" sections.

The HTML helpers are pure (and tested on their own); :func:`show` draws both
sections for one tracked claim's mention rows. All stored text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import streamlit as st
from sqlmodel import Session

from claims.provenance.drift import DELETE, INSERT, DiffOp, Flag
from claims.provenance.sources import VENUE, Citation, TimelineRow, Wording, citations, timeline, wordings
from db import crud
from db.crud import MentionRow
from db.models import MentionRole
from ui.common import document_name
from ui.resources import engine

_DEL = "background:#fde2e1;color:#8a1c1c;text-decoration:line-through"
_INS = "background:#dcf5e3;color:#0f5c2a;text-decoration:none;font-weight:600"
_BADGE = "display:inline-block;margin:0 .3em .3em 0;padding:.05em .55em;border-radius:.8em;font-size:.85em;background:#fff1cc;color:#6b4a00;border:1px solid #e8c766"


def when(published, ingested_at) -> str:
    """The article's date as shown: ISO, or "undated (ingested YYYY-MM-DD HH:MM)" without one."""
    if published:
        return published.isoformat()
    return f"undated (ingested {ingested_at:%Y-%m-%d %H:%M})" if ingested_at else "undated"


def diff_html(ops: Sequence[DiffOp]) -> str:
    """A word diff as HTML: deletions struck through in ``<del>``, insertions in ``<ins>``, all text escaped."""
    parts, previous = [], None
    for op in ops:
        text = escape(op.text)
        space = escape(op.space)
        if op.tag == DELETE:
            text = f'<del style="{_DEL}">{text}</del>'
        elif op.tag == INSERT:
            text = f'<ins style="{_INS}">{text}</ins>'
            if previous == DELETE and not space:  # keep a replaced run apart from its replacement
                space = " "
        parts.append(space + text)
        previous = op.tag
    return "".join(parts)


def flag_badges(flags: Sequence[Flag]) -> str:
    """Each meaning-change flag as a badge, ``kind: detail``."""
    return "".join(
        f'<span class="drift-flag" style="{_BADGE}">⚑ {escape(f.kind)}: {escape(f.detail)}</span>'
        for f in flags
    )


def _source_line(row: MentionRow) -> str:
    """Where and how a wording ran: "<b>Outlet</b>, date, <code>document</code> · speaker · attribution"."""
    m = row.mention
    parts = [
        f"<b>{escape(row.outlet or 'unknown outlet')}</b>, {escape(when(row.article.published, row.article.ingested_at))}, "
        f"<code>{escape(document_name(row.article.document))}</code>",
        f"said by {escape(row.speaker)}" if row.speaker else "no speaker",
        escape(m.attribution.value),
    ]
    if m.role != MentionRole.body:
        parts.append(f"<i>{escape(m.role)}</i>")
    return " · ".join(parts)


def wording_html(wording: Wording) -> str:
    """One mention's block: where it ran, its flags, and its words against the first appearance."""
    head = _source_line(wording.row)
    drift = wording.drift
    if drift is None:
        return f"{head}<br><small>First appearance: the base the later wordings are compared with.</small><blockquote>{escape(wording.row.mention.text)}</blockquote>"
    if not drift.changed:
        return f"{head}<br><small>Same words as the first appearance.</small>{flag_badges(drift.flags)}"
    share = f"<small>{drift.similarity:.0%} of the words shared with the first appearance</small>"
    flags = flag_badges(drift.flags) or "<small>No change of meaning flagged.</small>"
    return f"{head}<br>{share}<div>{flags}</div><blockquote>{diff_html(drift.ops)}</blockquote>"


def first_html(row: MentionRow) -> str:
    return (
        f"<b>First appeared</b>: {escape(row.outlet or 'unknown outlet')}, {escape(when(row.article.published, row.article.ingested_at))}, "
        f"in <code>{escape(document_name(row.article.document))}</code>"
        + (f" — {escape(row.article.title)}" if row.article.title else "")
    )


def timeline_html(rows: Sequence[TimelineRow]) -> str:
    """A table, one row per mention, grouped by outlet (outlets in the order they first carried the claim)."""
    body, last = [], None
    for r in rows:
        outlet = f"<b>{escape(r.outlet)}</b>" if r.outlet != last else ""
        last = r.outlet
        note = (
            " (first appearance)"
            if r.first
            else (f" ({escape(r.role)})" if r.role != MentionRole.body else "")
        )
        body.append(
            f"<tr><td>{outlet}</td><td>{escape(when(r.published, r.ingested_at))}</td><td><code>{escape(document_name(r.document))}</code>{note}</td></tr>"
        )
    return (
        '<table class="timeline"><tr><th style="text-align:left">Outlet</th><th style="text-align:left">Date</th><th style="text-align:left">Document</th></tr>'
        + "".join(body)
        + "</table>"
    )


def citations_html(cited: Sequence[Citation], by_id: dict[int, MentionRow]) -> str:
    items = []
    for c in cited:
        row = by_id[c.mention_id]
        who = f"{escape(row.outlet or 'unknown outlet')} (<code>{escape(document_name(row.article.document))}</code>)"
        target: MentionRow | None = by_id.get(c.cites) if c.cites else None
        link = (
            f" → its mention in <code>{escape(document_name(target.article.document))}</code>, {escape(when(target.article.published, target.article.ingested_at))}"
            if target
            else " — no mention of this claim from that source is stored"
        )
        how = "the speaker's venue" if c.phrase == VENUE else f"“{escape(c.phrase)}”"
        items.append(f"<li>{who} cites <b>{escape(c.source)}</b> <small>({how})</small>{link}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def show(rows: Sequence[MentionRow]) -> None:
    """Draw "Wording over time" and "Provenance" for one tracked claim's mention rows."""
    if not rows:
        return
    with Session(engine()) as session:
        outlets = crud.outlet_names(session)
    shown = wordings(rows)
    flagged = sum(1 for w in shown if w.drift and w.drift.flags)
    st.subheader("Wording over time")
    st.caption(
        f"The earliest mention is the base; each later one shows its words against it (deleted struck through, added highlighted). "
        f"{flagged} of {len(shown) - 1} later wording{'s' if len(shown) != 2 else ''} flagged for a change that may change the meaning."
    )
    for wording in shown:
        with st.container(border=True):
            st.html(wording_html(wording))

    st.subheader("Provenance")
    st.html(first_html(shown[0].row))
    st.markdown("**Timeline of mentions per outlet**")
    st.html(timeline_html(timeline(rows)))
    cited = citations(rows, outlets=outlets)
    st.markdown("**Who cites whom**")
    if cited:
        st.html(citations_html(cited, {r.mention.id: r for r in rows}))
    else:
        st.caption("No mention credits another outlet or the state media.")
