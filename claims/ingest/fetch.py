"""One web page downloaded within bounds, for :func:`claims.ingest.sources.load`.

Unlike trafilatura's own fetcher, this one:

- gives the whole download, redirects included, ``fetch_seconds`` of wall-clock time;
- stops once more than ``max_file_bytes`` decoded bytes have arrived, so a gzip bomb is never
  inflated whole;
- always verifies the certificate and the host name, against certifi's bundle;
- fetches only http(s), refuses hosts that resolve to a loopback, private, link-local, multicast,
  reserved or unspecified address, checks every redirect again, and connects to the very address it
  checked, so that a second DNS answer cannot swap in another.
"""

from __future__ import annotations

import errno
import ipaddress
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.client import HTTPException
from urllib.parse import SplitResult, quote, urljoin, urlsplit

from claims.config import Settings, settings

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_NO_NETWORK = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN}


class FetchError(Exception):
    """A page that could not be downloaded; ``reason`` says why in one line."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Budget:
    """The deadline shared by every connection and read of one download."""

    seconds: float
    deadline: float

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self.exceeded()
        return left

    def exceeded(self) -> FetchError:
        return FetchError(f"download took longer than {self.seconds:g} s (CLAIMS_FETCH_SECONDS)")


def download(url: str, *, config: Settings | None = None, allow_private: bool = False) -> str:
    """The HTML page at ``url``, decoded to text.

    Args:
        url: an http(s) URL.
        config: ``fetch_seconds`` and ``max_file_bytes``; default :func:`claims.config.settings`.
        allow_private: also fetch from loopback and private addresses. Only for tests against a
            server on this machine; nothing a user sets reaches it.

    Raises:
        FetchError: with one line a user can act on: the limit that was hit, the address that was
            refused, the certificate that is not trusted, what the server answered.
    """
    config = config or settings()
    budget = _Budget(config.fetch_seconds, time.monotonic() + config.fetch_seconds)
    for hop in range(MAX_REDIRECTS + 1):
        try:
            answer = _get(url, budget, config.max_file_bytes, allow_private)
        except FetchError as error:
            if hop:  # the user gave another URL: say where the failure happened
                raise FetchError(f"redirected to {_printable(url, 200)}: {error.reason}") from error
            raise
        if isinstance(answer, str):
            return answer
        url = urljoin(url, answer.target)
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


@dataclass
class _Redirect:
    target: str


def _get(url: str, budget: _Budget, max_bytes: int, allow_private: bool) -> str | _Redirect:
    """One request: the page's text, or where the server sent us."""
    import certifi
    from urllib3.connection import HTTPConnection, HTTPSConnection

    parts, host = _split(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    error: FetchError | None = None
    for address in _addresses(host, port, allow_private):
        if parts.scheme == "https":
            connection = HTTPSConnection(
                address,
                port,
                timeout=budget.remaining(),
                cert_reqs=ssl.CERT_REQUIRED,
                ca_certs=certifi.where(),
                server_hostname=host,
            )
        else:
            connection = HTTPConnection(address, port, timeout=budget.remaining())
        try:
            return _exchange(connection, parts, host, budget, max_bytes)
        except _Unreachable as unreachable:  # a host may have another address that answers
            error = unreachable.error
        finally:
            connection.close()
    raise error or FetchError(f"host not found ({host})")


class _Unreachable(Exception):
    def __init__(self, error: FetchError):
        self.error = error


def _exchange(connection, parts: SplitResult, host: str, budget: _Budget, max_bytes: int) -> str | _Redirect:
    from urllib3.exceptions import (
        ConnectTimeoutError,
        HTTPError,
        NewConnectionError,
        ReadTimeoutError,
        SSLError,
    )

    # The socket timeout bounds each read but not their sum, nor a server that trickles its headers:
    # at the deadline the socket is shut down under whatever read is waiting.
    held: list[socket.socket] = []
    fired = threading.Event()

    def cut() -> None:
        fired.set()
        sock = held[0] if held else connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    watchdog = threading.Timer(budget.remaining(), cut)
    watchdog.daemon = True
    watchdog.start()
    try:
        try:
            connection.connect()
        except NewConnectionError as error:
            raise _Unreachable(FetchError(_unreachable(error, host, connection.port))) from error
        held.append(connection.sock)  # http.client lets go of it when the server closes after the body
        # http.client refuses spaces and non-ASCII in the path; browsers send them percent-encoded
        path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~") + (
            f"?{quote(parts.query, safe='/%:@!$&()*+,;=?~')}" if parts.query else ""
        )
        headers = {
            "Host": (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else ""),
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
            "Accept-Encoding": "gzip, deflate",
            "User-Agent": "claim-workbench",
        }
        connection.request("GET", path, headers=headers, preload_content=False, decode_content=True)
        response = connection.getresponse()
        try:
            page = _body(response, held[0], budget, max_bytes)
        finally:
            response.close()
    except FetchError:
        raise
    except (HTTPError, HTTPException, OSError) as error:
        if fired.is_set() or isinstance(error, ConnectTimeoutError | ReadTimeoutError):
            raise budget.exceeded() from error
        if isinstance(error, SSLError | ssl.SSLError):
            raise FetchError(_tls(error)) from error
        raise FetchError(f"the connection broke off ({_cause(error)})") from error
    finally:
        watchdog.cancel()
    if fired.is_set():  # the shutdown also ends a read as if the page were complete
        raise budget.exceeded()
    return page


def _body(response, sock: socket.socket, budget: _Budget, max_bytes: int) -> str | _Redirect:
    status = response.status
    if status in _REDIRECTS and response.headers.get("Location"):
        return _Redirect(response.headers["Location"])
    if not 200 <= status < 300:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        raise FetchError(f"the server answered HTTP {status} {phrase}".rstrip())
    content_type = response.headers.get("Content-Type", "")
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind and kind not in HTML_TYPES:
        raise FetchError(f"not an HTML page ({_printable(kind)})")
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(
            f"page of {int(length):,} bytes, over the limit of {max_bytes:,} bytes (CLAIMS_MAX_FILE_BYTES)"
        )
    parts, size = [], 0
    while True:
        sock.settimeout(budget.remaining())
        # read1 returns what one read brought, decoded at most CHUNK at a time: a slow server or a
        # gzip bomb comes back here between chunks.
        chunk = response.read1(CHUNK, decode_content=True)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"page over the limit of {max_bytes:,} bytes (CLAIMS_MAX_FILE_BYTES)")
        parts.append(chunk)
    return _decode(b"".join(parts), content_type)


def _split(url: str) -> tuple[SplitResult, str]:
    """The URL's parts and its host name in ASCII (an internationalised name in its IDNA form)."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 -- raises ValueError on a port that is no number
    except ValueError as error:
        raise FetchError(f"not a valid URL ({_printable(str(error))})") from error
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"refused: only http and https URLs are fetched, not {_printable(scheme)}:")
    if not parts.hostname:
        raise FetchError("not a valid URL (no host name)")
    try:
        host = parts.hostname if parts.hostname.isascii() else parts.hostname.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise FetchError(f"not a valid host name ({_printable(parts.hostname)})") from error
    return parts._replace(scheme=scheme), host


def _addresses(host: str, port: int, allow_private: bool) -> list[str]:
    """Every address the host resolves to, once each; all must be public unless ``allow_private``."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError as error:  # a label over 63 characters, or an empty one
        raise FetchError(f"not a valid host name ({_printable(host)})") from error
    except socket.gaierror as error:
        if error.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
            raise FetchError(f"host not found ({host})") from error
        raise FetchError(
            f"host not found ({host}): the name lookup failed ({error.strerror}), is there a network connection?"
        ) from error
    addresses = list(dict.fromkeys(str(info[4][0]).split("%", 1)[0] for info in found))
    for address in addresses:
        if not allow_private and not is_public(address):
            raise FetchError(f"refused: {host} resolves to a private or local address ({address})")
    return addresses


def is_public(address: str) -> bool:
    """Whether an IP address is on the public internet: not loopback, private, link-local,
    multicast, reserved or unspecified (an IPv4 address mapped into IPv6 counts as itself)."""
    ip = ipaddress.ip_address(address)
    ip = getattr(ip, "ipv4_mapped", None) or ip
    # is_global leaves out every range above except multicast, most of which it counts as global.
    return ip.is_global and not ip.is_multicast


def _unreachable(error: Exception, host: str, port: int) -> str:
    cause = error.__cause__
    code = getattr(cause, "errno", None)
    if code == errno.ECONNREFUSED:
        return f"connection refused by {host} port {port}"
    if code in _NO_NETWORK:
        return f"no network connection ({_cause(error)})"
    return f"could not connect to {host} port {port} ({_cause(error)})"


def _tls(error: BaseException) -> str:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate not trusted ({_printable(cause.verify_message)})"
        cause = cause.__cause__
    return f"TLS handshake failed ({_cause(error)})"


def _cause(error: BaseException) -> str:
    """The innermost reason, without urllib3's wrapping."""
    while error.__cause__ is not None:
        error = error.__cause__
    return _printable(getattr(error, "strerror", None) or str(error) or type(error).__name__)


def _printable(text: str, limit: int = 100) -> str:
    """What a server or a URL says, safe to print on one terminal line."""
    return "".join(c if c.isprintable() else "?" for c in text)[:limit]


def _decode(body: bytes, content_type: str) -> str:
    """Text in the charset the header declares, else the page's meta tag, else UTF-8; bytes that do
    not decode become U+FFFD rather than failing the article."""
    declared = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    meta = _META_CHARSET.search(body[:4096])
    for charset in (declared and declared.group(1), meta and meta.group(1).decode("ascii")):
        if charset:
            try:
                return body.decode(charset, errors="replace")
            except LookupError:
                continue
    return body.decode("utf-8", errors="replace")
