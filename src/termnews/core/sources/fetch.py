"""HTTP fetching for feeds, OPML files and web pages: one shared, polite async client.

Why it looks like this:

* **One** ``httpx.AsyncClient`` per refresh, so connections to a host are reused
  (keep-alive) and the pool is bounded; concurrency is capped overall *and* per
  host (``[network] concurrency`` / ``per_host``), so a big subscription list
  never hammers one server and one slow host never holds every slot.
* **Every fetch has a deadline** (``asyncio.timeout`` around the whole exchange,
  redirects and body included) on top of httpx's connect and read timeouts: a
  server that trickles a byte every few seconds cannot stall a refresh.
* **Redirects are followed here**, not by httpx, to know whether every hop was
  permanent (301/308: the caller then stores the new URL), to detect loops and
  to apply ``max_redirects``.
* **The body is decompressed here** (gzip, deflate) from the raw stream with a
  cap on the *decompressed* size, so neither an endless body nor a gzip bomb
  can fill memory: the cap is checked on every chunk, before it is kept.
  A refresh asks for bodies as sent instead (``decode=False``, capped on their
  encoded size) and its parse workers inflate them with the same decoder and the
  same cap (:mod:`termnews.core.sources.coding`).
  Brotli is not offered because it is not a dependency.
* Failures are **values, not exceptions**: :class:`FetchResult.error` holds one
  readable line (DNS failure, timeout, HTTP 404, too large, TLS error...) so a
  refresh of hundreds of feeds can report each one and carry on.

Proxies come from the environment (``HTTPS_PROXY``, ``NO_PROXY``...) as httpx
does by default.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from termnews import __version__
from termnews.core.config import NetworkConfig
from termnews.core.errors import SourceError
from termnews.core.sources import readable_check, tls
from termnews.core.sources.coding import (
    BadEncoding,
    Decoder,
    TooLarge,
    encoded_limit,
    too_large_line,
)

__all__ = [
    "FEED_ACCEPT",
    "HTML_ACCEPT",
    "FetchResult",
    "Fetcher",
    "default_user_agent",
    "describe_exception",
    "fetch_once",
    "fetch_result",
    "url_problem",
]

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml,"
    " application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.5, */*;q=0.3"
)
"""Accept header for feed requests: feeds first, but a page is welcome (discovery)."""

HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
"""Accept header for web pages (full text, discovery)."""

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_MAX_RETRY_AFTER = 24 * 3600.0
"""A Retry-After longer than a day is treated as a day: the user can still --force."""


def default_user_agent() -> str:
    """``termnews/VERSION``: servers can tell who asks and how often."""
    return f"termnews/{__version__} (terminal news reader)"


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one GET (after redirects) gave: a body, a 304, or one line of error."""

    url: str
    """The URL asked for."""
    final_url: str
    """The URL that answered, after redirects."""
    status: int = 0
    """The last HTTP status seen (0 when no response arrived)."""
    body: bytes | None = None
    """The body of a 2xx answer: decompressed, unless fetched with ``decode=False``."""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    permanent_url: str | None = None
    """Set when every redirect hop was permanent (301/308): the feed's new address."""
    retry_after: float | None = None
    """Seconds the server asked us to wait (429/503 ``Retry-After``)."""
    error: str | None = None
    """One readable line when the fetch failed."""
    content_encoding: str | None = None
    """The ``Content-Encoding`` ``body`` is still in (``decode=False``); None once decoded.

    Decode it with :func:`termnews.core.sources.coding.decode_body` and the same
    ``max_bytes``: the fetch capped only the encoded size.
    """

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional GET."""
        return self.status == 304 and self.error is None

    @property
    def ok(self) -> bool:
        """True when a body arrived."""
        return self.error is None and self.body is not None

    @property
    def gone(self) -> bool:
        """True for 410 Gone: the publisher removed the feed for good."""
        return self.status == 410


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    seconds: float | None
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return min(max(seconds, 0.0), _MAX_RETRY_AFTER)


def _status_line(status: int) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"HTTP {status} {phrase}".rstrip()


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


_NOT_TLS_REASONS = frozenset({"WRONG_VERSION_NUMBER", "HTTP_REQUEST", "RECORD_LAYER_FAILURE"})
"""OpenSSL's reasons for a handshake answered by something that is not TLS."""


def describe_exception(exc: BaseException, network: NetworkConfig | None = None) -> str:
    """One readable line for a transport-level failure (DNS, refused, TLS, timeout...)."""
    net = network or NetworkConfig()
    chain = _chain(exc)
    for cause in chain:
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = getattr(cause, "verify_message", None) or "untrusted certificate"
            return f"TLS error: certificate verify failed ({detail})"
        if isinstance(cause, ssl.SSLError):
            reason = cause.reason or str(cause)
            if reason in _NOT_TLS_REASONS:
                # An https:// address on a server that answers in plain HTTP there
                # read as 'TLS error: WRONG_VERSION_NUMBER' (seen by qa18).
                return f"TLS error: the server does not speak TLS on this port ({reason})"
            return f"TLS error: {reason}"
        if isinstance(cause, socket.gaierror):
            return "DNS lookup failed (host not found)"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out connecting (no connection within {net.connect_timeout:g} s)"
    if isinstance(exc, httpx.ReadTimeout):
        return f"timed out waiting for the server (no data for {net.read_timeout:g} s)"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    text = " ".join(str(c) for c in chain).lower()
    if isinstance(exc, httpx.ConnectError):
        if any(
            s in text
            for s in ("name or service not known", "name resolution", "nodename nor servname",
                      "no address associated", "getaddrinfo")
        ):  # fmt: skip
            return "DNS lookup failed (host not found)"
        if "refused" in text:
            return "connection refused"
        if "unreachable" in text:
            return "network unreachable"
        return f"cannot connect: {str(exc) or type(exc).__name__}"
    if isinstance(exc, httpx.ProxyError):
        return f"proxy error: {exc}"
    if isinstance(exc, httpx.RemoteProtocolError):
        if any(s in text for s in ("incomplete", "peer closed", "without sending", "closed")):
            return "connection closed before the response was complete"
        return f"invalid HTTP response: {exc}"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return "connection lost while reading the response"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return f"invalid URL: {exc}"
    if isinstance(exc, httpx.HTTPError):
        return f"HTTP error: {exc}"
    return f"{type(exc).__name__}: {exc}"


def _remember_missing_sniffio() -> None:
    """Make httpcore's per-request ``import sniffio`` fail at once when it is not installed.

    httpcore imports sniffio inside ``current_async_library()``, which runs for
    every lock and connection it sets up: about five times per request. sniffio
    is optional (anyio no longer needs it), and a failed import is not cached,
    so each one searched every ``sys.path`` entry again: ~70-100 us a time, a
    tenth of the fetch thread's CPU in a cold refresh of 200 feeds. A ``None``
    in ``sys.modules`` is Python's own way to say "no such module": the import
    then raises ImportError straight away, as it did before, only cheaply.
    An installed sniffio is imported normally and used.
    """
    if "sniffio" in sys.modules:
        return
    try:
        import sniffio  # noqa: F401
    except ImportError:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def url_problem(url: str) -> str | None:
    """What makes ``url`` impossible to fetch (one line), or None if it may be fetched."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port that is no number 0-65535)
    except ValueError as exc:  # "http://[::1", "http://[zz]/", "http://host:port/"
        return f"malformed URL: {exc}"
    if parts.scheme not in ("http", "https"):
        return f"unsupported URL scheme {parts.scheme!r} (only http and https)"
    if not parts.hostname:
        return "URL has no host name"
    return None


POOL_SIZE = 8
"""Connections per HTTP client; ``concurrency`` over this many clients of at most this size.

httpcore's pool does work for every request that grows with the connections it holds
(shared PERF-NOTES: ~1.7 ms of CPU a request at 4 connections, ~3 ms at 16, ~8 ms at 64).
An all-304 refresh of 1,000 feeds took 1.22 s of CPU at 16 connections in one client and
1.99 s at 32; requests go to the least busy client, each client reusing its own
keep-alive connections.
"""


class Fetcher:
    """Fetch many URLs through one client with bounded concurrency (an async context).

    Use inside one event loop::

        async with Fetcher(config.network) as fetcher:
            result = await fetcher.fetch(url, etag=..., last_modified=...)
    """

    def __init__(
        self,
        network: NetworkConfig | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.network = network or NetworkConfig()
        self._transport = transport
        self._clients: list[httpx.AsyncClient] = []
        self._busy: list[int] = []
        """Requests in flight on each of ``_clients``."""
        self._overall = asyncio.Semaphore(max(1, self.network.concurrency))
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        _remember_missing_sniffio()
        net = self.network
        shards = 1 if self._transport is not None else -(-max(1, net.concurrency) // POOL_SIZE)
        per_client = -(-max(1, net.concurrency) // shards)
        # One TLS context for all: creating one (loading the CA bundle) is ~25 ms. A
        # refresh has one made already, in a thread beside its imports (sources.tls).
        verify: ssl.SSLContext | bool | None = tls.take()
        if verify is None:
            verify = True if shards == 1 else httpx.create_ssl_context()
        for _ in range(shards):
            client = httpx.AsyncClient(
                timeout=httpx.Timeout(
                    connect=net.connect_timeout,
                    read=net.read_timeout,
                    write=net.read_timeout,
                    pool=net.total_timeout,
                ),
                limits=httpx.Limits(
                    max_connections=per_client, max_keepalive_connections=per_client
                ),
                headers={
                    "User-Agent": net.user_agent or default_user_agent(),
                    "Accept-Encoding": "gzip, deflate",
                },
                follow_redirects=False,
                verify=verify,
                transport=self._transport,
            )
            if self._transport is None:
                readable_check.install(client)
            self._clients.append(client)
        self._busy = [0] * shards
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        clients, self._clients = self._clients, []
        for client in clients:
            await client.aclose()

    @asynccontextmanager
    async def _slot(self, url: str, reserve: asyncio.Semaphore | None) -> AsyncIterator[None]:
        """Hold a per-host slot, then an overall one (host first: no idle global slots).

        ``reserve`` is acquired between the two and left held for the caller, who
        releases it when the fetched body has been dealt with: that bounds how many
        bodies wait in memory for the parser without letting one busy host block it.
        """
        host = (urlsplit(url).hostname or "").lower()
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(max(1, self.network.per_host))
        async with sem:
            if reserve is not None:
                await reserve.acquire()
            async with self._overall:
                yield

    async def fetch(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
        reserve: asyncio.Semaphore | None = None,
        decode: bool = True,
    ) -> FetchResult:
        """GET ``url`` (conditionally when validators are given); never raises for I/O.

        ``reserve``, if given, is acquired once the host has a free slot and is
        left held (also on error): the caller releases it. With ``decode`` false
        a gzip or deflate body comes back as sent (``content_encoding`` says
        which), for a parse worker to inflate on a core of its own.
        """
        problem = url_problem(url)
        if problem:
            if reserve is not None:
                await reserve.acquire()
            return FetchResult(url, url, error=problem)
        async with self._slot(url, reserve):
            total = self.network.total_timeout
            try:
                async with asyncio.timeout(total):
                    return await self._fetch(url, etag, last_modified, accept, decode)
            except TimeoutError:
                return FetchResult(url, url, error=f"timed out (took longer than {total:g} s)")
            except httpx.HTTPError as exc:
                return FetchResult(url, url, error=describe_exception(exc, self.network))
            except (OSError, ssl.SSLError) as exc:
                return FetchResult(url, url, error=describe_exception(exc, self.network))

    async def _fetch(
        self, url: str, etag: str | None, last_modified: str | None, accept: str, decode: bool
    ) -> FetchResult:
        assert self._clients, "use Fetcher as 'async with'"
        shard = min(range(len(self._busy)), key=self._busy.__getitem__)
        self._busy[shard] += 1
        try:
            return await self._fetch_on(
                self._clients[shard], url, etag, last_modified, accept, decode
            )
        finally:
            self._busy[shard] -= 1

    async def _fetch_on(
        self,
        client: httpx.AsyncClient,
        url: str,
        etag: str | None,
        last_modified: str | None,
        accept: str,
        decode: bool,
    ) -> FetchResult:
        net = self.network
        current = url
        seen = {url}
        permanent = True
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _hop in range(net.max_redirects + 1):
            request = client.build_request("GET", current, headers=headers)
            response = await client.send(request, stream=True)
            try:
                status = response.status_code
                location = response.headers.get("location")
                if status in _REDIRECTS and location:
                    permanent = permanent and status in _PERMANENT
                    target = urljoin(current, location.strip())
                    problem = url_problem(target)
                    if problem:
                        return FetchResult(url, current, status, error=f"redirect: {problem}")
                    if target in seen:
                        return FetchResult(url, current, status, error="redirect loop")
                    seen.add(target)
                    current = target
                    continue
                result = FetchResult(
                    url,
                    current,
                    status,
                    content_type=response.headers.get("content-type"),
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                    permanent_url=current if current != url and permanent else None,
                )
                if status == 304:
                    return result
                if status >= 300:
                    wait = _retry_after(response.headers.get("retry-after"))
                    line = _status_line(status)
                    if wait is not None and status in (429, 503):
                        line += f" (retry after {wait:.0f} s)"
                    return replace(result, retry_after=wait, error=line)
                body, error, encoding = await self._read(response, decode)
                return replace(result, body=body, error=error, content_encoding=encoding)
            finally:
                await _drain(response)
                await response.aclose()
        return FetchResult(
            url, current, error=f"too many redirects (more than {net.max_redirects})"
        )

    async def _read(
        self, response: httpx.Response, decode: bool
    ) -> tuple[bytes | None, str | None, str | None]:
        """(body, None, encoding left) capped at ``max_bytes`` decoded; or (None, reason, None).

        Without ``decode``, a gzip or deflate body is kept as sent, capped at
        :func:`~termnews.core.sources.coding.encoded_limit`; whoever decodes it
        applies ``max_bytes`` to the decoded bytes, with the same error line.
        """
        limit = self.network.max_bytes
        too_large = too_large_line(limit)
        try:
            declared = int(response.headers.get("content-length", ""))
        except ValueError:
            declared = -1
        encoding = response.headers.get("content-encoding", "").strip().lower()
        if declared > limit and encoding in ("", "identity"):
            return None, too_large, None
        try:
            decoder = Decoder(encoding)
            if not decode and encoding not in ("", "identity"):
                # Kept encoded: the stream is only capped (a bomb is stopped by the decoder).
                decoder, limit = Decoder(""), encoded_limit(limit)
                left: str | None = encoding
            else:
                left = None
            parts: list[bytes] = []
            size = 0
            async for raw in response.aiter_raw():
                out = decoder.feed(raw, limit - size)
                size += len(out)
                parts.append(out)
            tail = decoder.flush(limit - size)
            parts.append(tail)
        except TooLarge:
            return None, too_large, None
        except BadEncoding as exc:
            return None, str(exc), None
        return b"".join(parts), None, left


_DRAIN_BYTES = 64 * 1024
"""Unread bodies up to this size are read before closing, to keep the connection."""


async def _drain(response: httpx.Response) -> None:
    """Read what is left of a small unread body (a 304's, a redirect's, an error page's).

    httpcore returns a connection to the pool only once it has seen the end of
    the response; closing a stream that was never read closes the connection,
    so an all-304 refresh opened a new connection per feed. A large or endless
    body is not read: closing that connection is cheaper.
    """
    if response.is_stream_consumed or response.is_closed:
        return
    if response.status_code not in (204, 304):
        # Without a Content-Length the body may run until the server closes.
        try:
            declared = int(response.headers.get("content-length", ""))
        except ValueError:
            return
        if declared > _DRAIN_BYTES:
            return
    with contextlib.suppress(httpx.HTTPError, OSError):
        async for _chunk in response.aiter_raw():
            pass


async def _fetch_with(network: NetworkConfig | None, url: str, accept: str) -> FetchResult:
    async with Fetcher(network) as fetcher:
        return await fetcher.fetch(url, accept=accept)


def fetch_once(
    url: str,
    network: NetworkConfig | None = None,
    accept: str = FEED_ACCEPT,
) -> bytes:
    """Fetch one URL synchronously (OPML import, discovery); raises :class:`SourceError`.

    Runs its own event loop, so it works from any thread that has none running.
    """
    result = asyncio.run(_fetch_with(network, url, accept))
    if result.error:
        raise SourceError(url, result.error)
    if result.body is None:
        raise SourceError(url, _status_line(result.status))
    return result.body


def fetch_result(
    url: str, network: NetworkConfig | None = None, accept: str = FEED_ACCEPT
) -> FetchResult:
    """Like :func:`fetch_once` but returns the whole :class:`FetchResult`."""
    return asyncio.run(_fetch_with(network, url, accept))
