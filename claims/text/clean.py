"""Boilerplate removal, sentence segmentation and quotation spans.

News pages wrap the article in appeals, newsletter boxes, comment forms,
share prompts and photo credits. We work paragraph by paragraph (one line of
text is one paragraph). A word is never enough to drop one: "Germany's
contribution to the NATO budget doubled" is news. A paragraph goes only on
evidence of what it is:

- its shape: a credit line, a byline, a bare label or button ("Share this
  article", "Once", "Continue");
- its voice: it names a furniture topic (donations, newsletters, comments,
  legal small print, sharing) *and* speaks to the reader or for the outlet
  ("your support", "we will email you"), outside any quotation;
- its place: it names such a topic and stands next to furniture already found,
  or inside an appeal box ("A Message from ...", "Dear readers,") that runs on
  while it keeps talking to the reader.

Every dropped paragraph is returned with its reason, so a reviewer can see it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Topics of page furniture: a match is a reason to look closer, not evidence on its own.
_TOPICS = {
    "donation appeal": r"(\b(support us|your support|donat\w+|contribution|we need your help|"
    r"ad-free|disabled all ads|remind me later|not ready to support|fill the gap|payment methods|paiment methods)\b)",
    "newsletter box": r"\b(newsletter|sign up|subscribe\w*|in your (mail|in)box|email you|top stories)\b",
    "comment form": r"\b(enter your (comment|name|email)|leave a (comment|reply)|recaptcha|post comment|"
    r"email address will not be published|required fields are marked)\b",
    "legal notice": r"\b(privacy policy|terms of (service|use)|all rights reserved|cookie\w*|copyright)\b",
    "update notice": r"\b(this is a (developing|breaking) (story|news)|check back (for|later)|"
    r"this (story|article) (has been|was|will be) updated)\b",
    "share prompt": r"\b(share (this|on)|download our apps?|follow us|click here)\b",
}
_TOPIC_RES = {reason: re.compile(p, re.IGNORECASE) for reason, p in _TOPICS.items()}
# Shapes that are page furniture whatever they say: links out, credit lines.
_SHAPES = {
    "donation appeal": r"^support (us|the [\w ]+)!?$",  # the whole paragraph is the button
    "read-more link": r"^(also,?\s*)?read( more|\s*\|)|^(related|recommended|see also)\b",
    "photo credit": r"(©|\(c\)\s|\bAP Photo\b|\bflickr\b|\bCC BY|\bGetty Images\b|"
    r"\bPress Association Images\b|\b(image|photo|picture)( credit)?:|\bphotograph:|\bcredit:\s*[A-Z]|\bPhoto(graph)? by\b|\b(hide|toggle) caption\b|"
    r"\b(REUTERS|Reuters|AFP|EPA|AP|Xinhua|Anadolu)/[A-Z])",
    "legal notice": r"^(copyright\b|©)",
}
_SHAPE_RES = {reason: re.compile(p, re.IGNORECASE) for reason, p in _SHAPES.items()}
# Shapes that are furniture only as a label, never inside a sentence: "Reuters | Updated: 23-07-2022
# 20:29 IST | Created: ..." and "By | July 24, 2022" are the page's stamp of who filed the story and
# when (cells of its template, some left empty); "Representative image" is a caption.
_LABEL_SHAPES = {
    "filing stamp": r"^by\s*\||\|\s*(updated|created|published|posted|last modified)\b|"
    r"^(updated|published|posted|last modified)\b",
    "photo credit": r"^(representative|file) (image|photo|picture)\b",
}
_LABEL_SHAPE_RES = {reason: re.compile(p, re.IGNORECASE) for reason, p in _LABEL_SHAPES.items()}
# A byline must see the capital letters of the name, so it is matched case-sensitively.
_SHAPE_RES["byline"] = re.compile(r"^[Bb][Yy] [A-Z][\w.\-]+( [A-Z][\w.\-]+){0,3}(,| for | and |$)")

# A caption that ends with a bare agency credit: "... to discuss Afghanistan. TASS"
# Any bare acronym after the last full stop is a credit too ("... virus particles. NIAID"): on its own
# it is no sentence.
_AGENCY_CREDIT = re.compile(
    r"[.!?]\s+(TASS|AP|AFP|Reuters|EPA|RIA Novosti|Sputnik|Xinhua|Getty Images|Shutterstock|[A-Z]{2,8})\s*$"
)
_APPEAL_OPENER = re.compile(r"^(a message from\b|dear (readers|reader|friends)\b)", re.IGNORECASE)
_READER_ADDRESSED = re.compile(r"\b(we|our|us|you|your|you're|please)\b", re.IGNORECASE)
# A paragraph that opens with an order to the reader ("Subscribe to ...", "Please enter ...") or
# a box title ("Newsletter: ...") speaks as the page, not as the story.
_CALL_TO_ACTION = re.compile(
    r"^(please\s+)?(subscribe|sign up|donate|support|follow|share|download|register|join|click|leave|enter)\b",
    re.IGNORECASE,
)
_BOX_TITLE = re.compile(r"^([\w ]{1,30}):\s")
# Quoted words are someone else's voice: a minister's "we need your donations" is news.
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|«[^»]*»|„[^“]*“")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*$|[\"”]$")


# C0 and C1 control characters but tab and newline: never article text, and a terminal that
# prints them (search output, the CSV opened in a console) would obey them as escape codes.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Invisible characters that change what a reader sees or how words compare, never what they say: the
# bidirectional embeddings, overrides and isolates can show text in another order than it is stored
# ("Trojan Source"), and a soft hyphen or zero-width space makes two spellings of one name. The
# left-to-right and right-to-left marks and the zero-width (non-)joiner stay: Arabic, Persian and
# Hebrew text needs them.
_INVISIBLE = re.compile("[\u00ad\u200b\u2060-\u2064\ufeff\u202a-\u202e\u2066-\u2069]")


def normalize(raw: str) -> str:
    """Unicode NFC, one kind of newline, no non-breaking spaces, no control or invisible characters."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.replace("\u00a0", " ")
    text = _INVISIBLE.sub("", _CONTROL.sub("", text))
    # NFC last: a character removed above may have stood between a letter and its accent ("A\x1f\u0300").
    return unicodedata.normalize("NFC", "\n".join(line.strip() for line in text.split("\n")))


def clean_name(name: str) -> str:
    """A speaker's name as typed or read: normalised, on one line, without any invisible formatting
    character (a name needs no direction marks, and one left in would make it a different name)."""
    text = "".join(ch for ch in normalize(name or "") if unicodedata.category(ch) != "Cf")
    return unicodedata.normalize("NFC", " ".join(text.split()))


def boilerplate_reason(paragraph: str) -> str | None:
    """Why ``paragraph`` is page furniture on its own evidence (shape, or topic and voice), or None.

    A paragraph that only names a furniture topic gets None here; :func:`remove_boilerplate`
    drops it when it stands next to other furniture.
    """
    text = paragraph.strip()
    if not text:
        return "empty"
    if len(text) <= 2 or not re.search(r"[A-Za-z]", text):
        return "decoration"
    for reason, pattern in _SHAPE_RES.items():
        if pattern.search(text):
            return reason
    if _AGENCY_CREDIT.search(text):
        return "photo credit"
    if _is_link_list(text):
        return "read-more link"
    if _is_label(text):
        for reason, pattern in _LABEL_SHAPE_RES.items():
            if pattern.search(text):
                return reason
    topic = furniture_topic(text)
    if topic is None:
        return None
    if _READER_ADDRESSED.search(_QUOTED.sub(" ", text)) or _CALL_TO_ACTION.search(text):
        return f"{topic}, addressed to the reader"
    title = _BOX_TITLE.match(text)
    if _is_label(text) or (title and furniture_topic(title.group(1))):
        return f"{topic}, a label"
    return None


def furniture_topic(paragraph: str) -> str | None:
    """The kind of page furniture whose words ``paragraph`` uses, if any (a hint, not evidence)."""
    for reason, pattern in _TOPIC_RES.items():
        if pattern.search(paragraph):
            return reason
    return None


def _in_a_box(reason: str | None) -> bool:
    """Furniture that comes in boxes (appeals, sign-up forms, link lists); a byline or a photo
    credit sits beside article text, so it is no evidence about its neighbours."""
    return reason is not None and reason.split(",")[0] in {*_TOPICS, "donation appeal", "read-more link"}


def _is_link_list(text: str) -> bool:
    """Headlines of other stories run together with bars ("New symptoms identified | UK issues new
    guidance"): two or more parts, none of them a sentence. A bar inside a sentence leaves a part
    that ends like one."""
    parts = [part.strip() for part in text.split(" | ")]
    return len(parts) >= 2 and all(2 <= len(p.split()) <= 25 and not _SENTENCE_END.search(p) for p in parts)


def _is_label(text: str) -> bool:
    """A button, link or box title (a few words, no sentence ending), or a prompt ("Enjoying ad-free
    content?", "Not ready to support today?")."""
    words = len(text.split())
    return (words <= 12 and not _SENTENCE_END.search(text)) or (words <= 8 and text.endswith(("?", "!")))


def is_heading(paragraph: str) -> bool:
    """A title, subhead or button label: no sentence ending, or every word capitalised."""
    text = paragraph.strip()
    words = text.split()
    if not words:
        return False
    if not _SENTENCE_END.search(text):
        return len(words) <= 25
    capitalised = sum(1 for w in words if w[:1].isupper())
    return len(words) >= 3 and capitalised == len(words) and not text.endswith(".")


@dataclass
class Cleaned:
    text: str
    removed: list[tuple[str, str]]  # (paragraph, reason)


def remove_boilerplate(raw: str) -> Cleaned:
    """Drop page furniture on evidence; kept paragraphs are joined by blank lines."""
    paragraphs = [p for p in normalize(raw).split("\n") if p]
    reasons: list[str | None] = []
    in_appeal = False
    for paragraph in paragraphs:
        if _APPEAL_OPENER.search(paragraph):
            in_appeal = True
        if in_appeal:
            # An appeal box runs on while it keeps talking to the reader or is a button label.
            if _APPEAL_OPENER.search(paragraph) or _READER_ADDRESSED.search(paragraph) or len(paragraph) < 40:
                reasons.append("donation appeal")
                continue
            in_appeal = False
        reasons.append(boilerplate_reason(paragraph))
    # A paragraph on a furniture topic with furniture on both sides (or the edge of the page) is part of
    # that box: "This site is protected by reCAPTCHA ..." closing a comment form. Only paragraphs
    # dropped on their own evidence count as sides, so one box cannot creep into a story about donations.
    evident = [_in_a_box(reason) for reason in reasons]
    for i, paragraph in enumerate(paragraphs):
        if reasons[i] is not None or (topic := furniture_topic(paragraph)) is None:
            continue
        sides = [j < 0 or j >= len(paragraphs) or evident[j] for j in (i - 1, i + 1)]
        if all(sides) and any(evident[j] for j in (i - 1, i + 1) if 0 <= j < len(paragraphs)):
            reasons[i] = f"{topic}, inside page furniture"
    kept: list[str] = []
    removed: list[tuple[str, str]] = []
    for paragraph, reason in zip(paragraphs, reasons):
        if reason:
            removed.append((paragraph, reason))
        elif not kept or paragraph != kept[-1]:
            kept.append(paragraph)
    return Cleaned(text="\n\n".join(kept), removed=removed)
