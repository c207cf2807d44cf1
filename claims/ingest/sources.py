"""Files, folders, URLs and HTML -> :class:`claims.records.CleanArticle`.

Every failure is an :class:`IngestError` naming the document and the reason,
so a batch can report it and go on with the rest.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from claims.config import Settings, settings
from claims.ingest.fetch import FetchError, download
from claims.records import CleanArticle
from claims.text.clean import is_heading, normalize, remove_boilerplate
from claims.text.markup import repair_encoding, strip_markup

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES

_OUTLET_PATTERNS = [
    re.compile(r"^Support (The [A-Z][\w ]+?|[A-Z][\w ]+?)!?$", re.MULTILINE),
    re.compile(r"^A Message from (The [A-Z][\w ]+?|[A-Z][\w ]+?):?$", re.MULTILINE),
    re.compile(r"^[A-Z][A-Z .,'-]{2,40}\s*\(([A-Z][\w .&'-]{1,50})\)\s*[–—-]", re.MULTILINE),
    re.compile(r"^By [A-Z][\w.\-]+(?: [A-Z][\w.\-]+){0,3}, ([A-Z][\w .&'-]{2,50})$", re.MULTILINE),
    re.compile(r"\b(?:from|of) (The [A-Z]\w+(?: [A-Z]\w+){0,3})\. You will receive"),
]
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE_PATTERNS = [
    (re.compile(r"\b(\d{4}-\d{2}-\d{2})\b"), "%Y-%m-%d"),
    (re.compile(rf"\b((?:{_MONTHS}) \d{{1,2}}, \d{{4}})\b"), "%B %d, %Y"),
    (re.compile(rf"\b(\d{{1,2}} (?:{_MONTHS}) \d{{4}})\b"), "%d %B %Y"),
]


# A cheap count of sentences for the limit: full segmentation is what the limit protects.
_SENTENCE_ENDS = re.compile(r"[.!?…]+[\"'”’)]*(?:\s|$)")


class IngestError(Exception):
    """A document that cannot be ingested; ``str()`` names it and says why."""

    def __init__(self, document: str, reason: str):
        super().__init__(f"{document}: {reason}")
        self.document = document
        self.reason = reason


def is_url(source: str) -> bool:
    """Any ``scheme://`` source, so that file:// or ftp:// is refused by the fetcher, not looked for
    as a file."""
    return bool(re.match(r"^[a-z][a-z0-9+.-]*://", source, re.IGNORECASE))


def content_hash(text: str) -> str:
    """Hash of the clean text with white space folded: the same article from two places is one."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def expand(sources: list[str]) -> Iterator[str | IngestError]:
    """Each source as a document to load: folders walked recursively, in name order."""
    for source in sources:
        if is_url(source):
            yield source
            continue
        path = Path(source)
        if path.is_dir():
            root = path.resolve()
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            for file in files:
                if file.suffix.lower() not in SUPPORTED:
                    continue
                if not file.resolve().is_relative_to(root):
                    # A folder given to ingest is the whole of what is read: a link out of it (to
                    # ~/.ssh, /etc) is not followed, whoever put it there.
                    yield IngestError(str(file), "a link to a file outside the folder, not followed")
                    continue
                yield str(file)
            continue
        if not path.exists():
            yield IngestError(source, "no such file or folder")
            continue
        yield str(path)


def stage_uploads(folder: Path, uploads: list[tuple[str, bytes]]) -> dict[str, str]:
    """Write uploaded files into ``folder`` to be ingested; {path written: name to store as document}.

    Each upload gets a sub-folder of its own, so two uploads may share a name. Only the last part of
    the name the browser sent is used: "../../etc/x.txt" is written as "x.txt" inside ``folder``,
    and a name with nothing left ("..", "") as "upload".
    """
    staged = {}
    for number, (name, data) in enumerate(uploads):
        base = Path(normalize(name.replace("\\", "/")).replace("\n", " ")).name
        if base in {"", ".", ".."}:
            base = "upload"
        target = folder / str(number) / base
        target.parent.mkdir(parents=True)
        target.write_bytes(data)
        staged[str(target)] = base
    return staged


def read_text_file(path: Path, *, max_bytes: int | None = None) -> str:
    """The file's text, or an IngestError saying why it is not a text article.

    Args:
        max_bytes: a larger file is refused before it is read (default: ``settings().max_file_bytes``).
    """
    document = str(path)
    max_bytes = settings().max_file_bytes if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(
                document, f"file of {size:,} bytes, over the limit of {max_bytes:,} (CLAIMS_MAX_FILE_BYTES)"
            )
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(document, f"cannot be read ({error.strerror or error})") from error
    if not data.strip():
        raise IngestError(document, "empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark: text, not binary
        return _decoded(
            data, "utf-16", document, lambda e: f"not UTF-16 text after its byte-order mark ({e.reason})"
        )
    if b"\x00" in data[:8192]:
        utf16 = _utf16_without_mark(data)
        if utf16 is not None:
            return utf16
        raise IngestError(document, "binary file, not text")
    return _decoded(
        data,
        "utf-8-sig",
        document,
        lambda e: f"not UTF-8 text (undecodable byte at offset {e.start}){_encoding_hint(data)}",
    )


def _decoded(data: bytes, encoding: str, document: str, problem) -> str:
    """``data`` as text, or an IngestError saying ``problem(the decoding error)``."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise IngestError(document, problem(error)) from error


def _utf16_without_mark(data: bytes) -> str | None:
    """The text of a UTF-16 file saved without its byte-order mark (Windows tools do), else None.

    Text in a Latin script has a zero byte in every other place; binary files do not.
    """
    sample = data[:8192]
    if len(data) % 2:
        return None
    for encoding, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if zeros.count(0) >= 0.9 * len(zeros):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return text if "\x00" not in text else None
    return None


def _encoding_hint(data: bytes) -> str:
    """How to convert a file that is text in another encoding. Only a hint: a guess stored as the
    article's text could turn words into others unseen, so the file is not decoded on a guess."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    if best is None:
        return ""
    return f"; it looks like {best.encoding}: convert it with `iconv -f {best.encoding} -t utf-8`"


def load(
    source: str,
    *,
    outlet: str | None = None,
    config: Settings | None = None,
    allow_private: bool = False,
) -> CleanArticle:
    """Load one document (a file path or an http(s) URL) as a clean CleanArticle.

    Args:
        source: path of a .txt/.md/.html file, or a URL.
        outlet: the outlet's name, overriding what the document says.
        config: the size and time limits (``max_file_bytes``, ``max_chars``, ``max_sentences``,
            ``fetch_seconds``); default :func:`claims.config.settings`.
        allow_private: let a URL on this machine or a private network be fetched (tests only).
    """
    config = config or settings()
    if is_url(source):
        html = fetch(source, config=config, allow_private=allow_private)
        article = from_html(html, document=source)
    else:
        path = Path(source)
        suffix = path.suffix.lower()
        if suffix not in SUPPORTED:
            raise IngestError(
                source, f"unsupported file type '{suffix or '(none)'}' (use .txt, .md or .html)"
            )
        raw = read_text_file(path, max_bytes=config.max_file_bytes)
        article = (
            from_html(raw, document=source) if suffix in HTML_SUFFIXES else from_text(raw, document=source)
        )
    if outlet:
        article.outlet = outlet
    if not article.text.strip():
        raise IngestError(source, "no article text left after removing page furniture")
    if len(article.text) > config.max_chars:
        raise IngestError(
            source,
            f"article text of {len(article.text):,} characters, over the limit of {config.max_chars:,} "
            "(CLAIMS_MAX_CHARS)",
        )
    sentences = len(_SENTENCE_ENDS.findall(article.text))
    if sentences > config.max_sentences:
        raise IngestError(
            source,
            f"article of about {sentences:,} sentences, over the limit of {config.max_sentences:,} "
            "(CLAIMS_MAX_SENTENCES)",
        )
    return article


def fetch(url: str, *, config: Settings | None = None, allow_private: bool = False) -> str:
    """The page at ``url`` as HTML text, within the bounds of :mod:`claims.ingest.fetch`.

    Args:
        config: ``fetch_seconds`` and ``max_file_bytes``; default :func:`claims.config.settings`.
        allow_private: also fetch from this machine and private networks (tests only).
    """
    try:
        return download(url, config=config, allow_private=allow_private)
    except FetchError as error:
        raise IngestError(url, error.reason) from error
    except (
        Exception
    ) as error:  # a failure claims.ingest.fetch does not name yet fails this URL, not the batch
        raise IngestError(url, f"could not be fetched ({type(error).__name__}: {error})") from error


def from_text(raw: str, *, document: str) -> CleanArticle:
    """A plain-text article: a leading header block read as its metadata (:func:`read_header`),
    boilerplate removed from the rest, title/outlet/date read off the text where the header gave none."""
    header, text = read_header(normalize(repair_encoding(raw)))
    text, unmarked = strip_markup(text)
    text, repeats = _without_title(text, header.get("title"))
    cleaned = remove_boilerplate(text)
    published = (
        guess_date(header.get("date", "")) or _stamped_date(cleaned.removed) or guess_date(cleaned.text)
    )
    return CleanArticle(
        document=document,
        text=cleaned.text,
        title=header.get("title") or guess_title(cleaned.text),
        outlet=header.get("outlet") or guess_outlet(text),
        published=published,
        removed=unmarked + repeats + cleaned.removed,
    )


def _stamped_date(removed: list[tuple[str, str]]) -> date | None:
    """The date of the page's filing stamp ("Published March 4, 2026"), dropped from the text as
    furniture but the best word on when the article came out."""
    return next((d for line, why in removed if why == "filing stamp" and (d := guess_date(line))), None)


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _without_title(text: str, title: str | None) -> tuple[str, list[tuple[str, str]]]:
    """The body without the lines that repeat the header's title: the page's headline, printed again
    above the text by the page or the copy, is metadata the header already gave, not a paragraph."""
    headline = _words(title or "")
    if not headline:
        return text, []
    kept: list[str] = []
    repeats: list[tuple[str, str]] = []
    for line in text.split("\n"):
        if _words(line) == headline:
            repeats.append((line, "headline repeat"))
        else:
            kept.append(line)
    return "\n".join(kept), repeats


# The fields a pasted or saved article's header block names, and what each is to the workbench.
_HEADER_KEYS = {
    "title": "title",
    "headline": "title",
    "source": "outlet",
    "outlet": "outlet",
    "publisher": "outlet",
    "publication": "outlet",
    "url": "url",
    "link": "url",
    "date": "date",
    "published": "date",
    "author": "author",
    "byline": "author",
}
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z ]{1,20}):[ \t]*(.*)$")


def read_header(text: str) -> tuple[dict[str, str], str]:
    """A leading block of ``Title:``/``Source:``/``URL:``/``Date:`` lines and the text after it.

    Read as metadata only when the block's every line is such a field, at least two of them, and a
    blank line ends it: an article that opens with "Moscow: officials said ..." keeps its first line.
    """
    head, sep, rest = text.lstrip("\n").partition("\n\n")
    fields: dict[str, str] = {}
    for line in head.split("\n"):
        found = _HEADER_LINE.match(line.strip())
        key = _HEADER_KEYS.get(found.group(1).strip().lower()) if found else None
        if key is None:
            return {}, text
        fields.setdefault(key, found.group(2).strip())
    if not sep or len(fields) < 2:
        return {}, text
    return {k: v for k, v in fields.items() if v}, rest


def from_html(html: str, *, document: str) -> CleanArticle:
    """An HTML page: trafilatura takes the main text and the metadata."""
    import trafilatura

    extracted = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False
    )
    data = {} if extracted is None else extracted.as_dict()
    text = repair_encoding(data.get("text") or "")
    if not text.strip():
        raise IngestError(document, _why_no_text(html))
    cleaned = remove_boilerplate(text)
    published = None
    if data.get("date"):
        try:
            published = datetime.strptime(data["date"][:10], "%Y-%m-%d").date()
        except ValueError:
            published = None
    return CleanArticle(
        document=document,
        text=cleaned.text,
        title=data.get("title") or guess_title(cleaned.text),
        outlet=data.get("sitename") or guess_outlet(text),
        published=published or _stamped_date(cleaned.removed) or guess_date(cleaned.text),
        removed=cleaned.removed,
    )


def _why_no_text(html: str) -> str:
    """Why trafilatura found no text: the page, or a parser limit the page ran into."""
    import lxml.html

    parser = lxml.html.HTMLParser()
    try:
        lxml.html.fromstring(html, parser=parser)
    except Exception:  # an unparseable page says the same as an empty one
        return "no article text found in the HTML"
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        # libxml2 stops descending at 256 levels, so the text below is never reached.
        return "HTML nested deeper than the parser's limit of 256 levels; no article text reached"
    return "no article text found in the HTML"


def guess_title(text: str) -> str | None:
    """The first line when it reads as a headline."""
    first = text.split("\n", 1)[0].strip().lstrip("#").strip()
    if first and is_heading(first) and len(first) <= 200:
        return first
    return None


def guess_outlet(raw: str) -> str | None:
    """The outlet named in the page furniture ("Support The Moscow Times!", "MOSCOW (Kubha News) –")."""
    for pattern in _OUTLET_PATTERNS:
        match = pattern.search(raw)
        if match:
            return match.group(1).strip()
    return None


def guess_date(text: str) -> date | None:
    """A publication date written in the first lines, if any."""
    head = "\n".join(text.split("\n")[:6])
    for pattern, fmt in _DATE_PATTERNS:
        match = pattern.search(head)
        if match:
            try:
                return datetime.strptime(match.group(1), fmt).date()
            except ValueError:
                continue
    return None
