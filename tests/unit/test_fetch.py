"""The HTTP fetcher against real servers on 127.0.0.1: statuses, redirects, caps, timeouts."""

from __future__ import annotations

import asyncio
import gzip
import socket
import ssl
import threading
import zlib
from http.server import BaseHTTPRequestHandler

import httpx
import pytest
from loopback_http import (
    Loopback,
    Route,
    closes_mid_body,
    endless,
    gzipped,
    redirect,
    rss,
    running,
    send,
    slow,
    static,
    status,
)

from termnews.core.config import NetworkConfig
from termnews.core.errors import SourceError
from termnews.core.sources.fetch import (
    POOL_SIZE,
    Fetcher,
    FetchResult,
    describe_exception,
    fetch_once,
)

FAST = NetworkConfig(connect_timeout=2.0, read_timeout=0.5, total_timeout=3.0)


def fetch(url: str, network: NetworkConfig = FAST, **kwargs: str | None) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(network) as fetcher:
            return await fetcher.fetch(url, **kwargs)  # type: ignore[arg-type]

    return asyncio.run(go())


def test_200_gives_body_validators_and_our_user_agent(server: Loopback) -> None:
    body = rss("One")
    server.routes["/f"] = static(body, ETag='"v1"', Last_Modified="Mon, 01 Jan 2024 10:00:00 GMT")
    result = fetch(server.url("/f"))
    assert result.ok and result.body == body and result.status == 200
    assert result.etag == '"v1"'
    assert result.last_modified == "Mon, 01 Jan 2024 10:00:00 GMT"
    headers = server.hits("/f")[0]
    assert headers["User-Agent"].startswith("termnews/")
    assert "gzip" in headers["Accept-Encoding"]


def test_a_missing_sniffio_is_remembered_and_fetching_still_works(server: Loopback) -> None:
    """httpcore imports sniffio per request; a failed import must not search sys.path each time."""
    import sys
    from importlib.machinery import PathFinder

    # Searched on sys.path itself: an earlier test may have left the None in sys.modules.
    installed = PathFinder.find_spec("sniffio") is not None
    server.routes["/f"] = static(rss("One"))
    server.routes["/g"] = static(rss("Two"))
    assert fetch(server.url("/f")).ok and fetch(server.url("/g")).ok
    if installed:
        assert sys.modules["sniffio"] is not None
    else:
        assert "sniffio" in sys.modules and sys.modules["sniffio"] is None
        with pytest.raises(ImportError):
            import sniffio  # noqa: F401


def test_304_with_etag(server: Loopback) -> None:
    server.routes["/f"] = static(rss("One"), ETag='"v1"')
    result = fetch(server.url("/f"), etag='"v1"')
    assert result.not_modified and result.body is None and result.error is None
    assert server.hits("/f")[0]["If-None-Match"] == '"v1"'


def test_304_with_last_modified(server: Loopback) -> None:
    stamp = "Mon, 01 Jan 2024 10:00:00 GMT"
    server.routes["/f"] = static(rss("One"), Last_Modified=stamp)
    result = fetch(server.url("/f"), last_modified=stamp)
    assert result.not_modified
    assert server.hits("/f")[0]["If-Modified-Since"] == stamp


def test_permanent_redirect_chain_reports_the_new_url(server: Loopback) -> None:
    server.routes["/a"] = redirect(301, "/b")
    server.routes["/b"] = redirect(308, server.url("/c"))
    server.routes["/c"] = static(rss("C"))
    result = fetch(server.url("/a"))
    assert result.ok and result.final_url == server.url("/c")
    assert result.permanent_url == server.url("/c")


def test_a_temporary_hop_keeps_the_old_url(server: Loopback) -> None:
    server.routes["/a"] = redirect(301, "/b")
    server.routes["/b"] = redirect(302, "/c")
    server.routes["/c"] = static(rss("C"))
    result = fetch(server.url("/a"))
    assert result.ok and result.final_url == server.url("/c")
    assert result.permanent_url is None


def test_redirect_loop_and_too_many_redirects(server: Loopback) -> None:
    server.routes["/a"] = redirect(302, "/b")
    server.routes["/b"] = redirect(302, "/a")
    assert fetch(server.url("/a")).error == "redirect loop"
    for i in range(5):
        server.routes[f"/r{i}"] = redirect(307, f"/r{i + 1}")
    server.routes["/r5"] = static(rss("end"))
    short = NetworkConfig(read_timeout=0.5, total_timeout=3.0, max_redirects=3)
    assert fetch(server.url("/r0"), short).error == "too many redirects (more than 3)"
    assert fetch(server.url("/r0")).ok


def test_redirect_to_another_scheme_is_refused(server: Loopback) -> None:
    server.routes["/a"] = redirect(301, "file:///etc/passwd")
    error = fetch(server.url("/a")).error
    assert error is not None and "unsupported URL scheme" in error


@pytest.mark.parametrize(
    ("code", "expected"),
    [(404, "HTTP 404 Not Found"), (410, "HTTP 410 Gone"), (500, "HTTP 500 Internal Server Error")],
)
def test_error_statuses_are_one_line(server: Loopback, code: int, expected: str) -> None:
    server.routes["/f"] = status(code)
    result = fetch(server.url("/f"))
    assert result.error == expected and result.status == code
    assert result.gone == (code == 410)


def test_429_retry_after(server: Loopback) -> None:
    server.routes["/f"] = status(429, Retry_After="120")
    result = fetch(server.url("/f"))
    assert result.retry_after == 120
    assert result.error == "HTTP 429 Too Many Requests (retry after 120 s)"


def test_503_retry_after_as_a_date_in_the_past_means_now(server: Loopback) -> None:
    server.routes["/f"] = status(503, Retry_After="Mon, 01 Jan 2024 10:00:00 GMT")
    assert fetch(server.url("/f")).retry_after == 0


def test_slow_server_times_out(server: Loopback) -> None:
    server.routes["/slow"] = slow(2.0, rss("late"))
    error = fetch(server.url("/slow")).error
    assert error is not None and error.startswith("timed out waiting for the server")


def test_total_deadline_cuts_a_trickling_body(server: Loopback) -> None:
    server.routes["/endless"] = endless(server)
    tight = NetworkConfig(read_timeout=1.0, total_timeout=0.3, max_bytes=10**12)
    assert fetch(server.url("/endless"), tight).error == "timed out (took longer than 0.3 s)"


def test_never_ending_body_hits_the_size_cap(server: Loopback) -> None:
    server.routes["/endless"] = endless(server)
    capped = NetworkConfig(read_timeout=1.0, total_timeout=10.0, max_bytes=200_000)
    assert fetch(server.url("/endless"), capped).error == "response too large (over 195 KiB)"


def test_declared_length_over_the_cap_is_refused_before_reading(server: Loopback) -> None:
    server.routes["/big"] = static(b"x" * 5000)
    capped = NetworkConfig(read_timeout=1.0, max_bytes=1000)
    assert fetch(server.url("/big"), capped).error == "response too large (over 0 KiB)"


def test_gzip_is_decoded(server: Loopback) -> None:
    body = rss("Zipped", items=20)
    server.routes["/gz"] = gzipped(body)
    assert fetch(server.url("/gz")).body == body


def test_gzip_bomb_is_cut_at_the_cap(server: Loopback) -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    server.routes["/bomb"] = lambda h: send(h, 200, bomb, headers={"Content-Encoding": "gzip"})
    capped = NetworkConfig(read_timeout=1.0, max_bytes=1_000_000)
    assert fetch(server.url("/bomb"), capped).error == "response too large (over 976 KiB)"


@pytest.mark.parametrize("raw", [False, True])
def test_deflate_with_and_without_zlib_wrapper(server: Loopback, raw: bool) -> None:
    body = rss("Deflated", items=5)
    packer = zlib.compressobj(wbits=-15 if raw else 15)
    data = packer.compress(body) + packer.flush()
    server.routes["/d"] = lambda h: send(h, 200, data, headers={"Content-Encoding": "deflate"})
    assert fetch(server.url("/d")).body == body


def test_corrupt_gzip_is_a_readable_error(server: Loopback) -> None:
    server.routes["/bad"] = lambda h: send(
        h, 200, b"this is not gzip", headers={"Content-Encoding": "gzip"}
    )
    error = fetch(server.url("/bad")).error
    assert error is not None and error.startswith("corrupt gzip data")


def test_wrong_content_type_still_gives_the_body(server: Loopback) -> None:
    body = rss("Plain")
    server.routes["/f"] = static(body, ctype="text/plain")
    result = fetch(server.url("/f"))
    assert result.body == body and result.content_type == "text/plain"


def test_connection_closed_mid_body(server: Loopback) -> None:
    server.routes["/cut"] = closes_mid_body(rss("Cut", items=10))
    error = fetch(server.url("/cut")).error
    assert error == "connection closed before the response was complete"


def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert fetch(f"http://127.0.0.1:{port}/feed").error == "connection refused"


def test_non_http_urls_are_refused_without_a_request() -> None:
    assert "unsupported URL scheme" in (fetch("ftp://example.org/feed").error or "")


@pytest.mark.parametrize(
    "url", ["https://[::1", "http://[zz]/feed", "http://example.org:port/feed", "http://h:99999/"]
)
def test_malformed_urls_are_one_line_not_an_exception(url: str) -> None:
    # urlsplit raises ValueError on these (and httpx InvalidURL on a bad port):
    # 'termnews add https://[::1' was a traceback.
    error = fetch(url).error
    assert error is not None and error.startswith("malformed URL"), error


def test_per_host_limit_is_respected(server: Loopback) -> None:
    server.routes["/s"] = slow(0.2, rss("S"))
    network = NetworkConfig(concurrency=8, per_host=2, read_timeout=5.0, total_timeout=10.0)

    async def go() -> list[FetchResult]:
        async with Fetcher(network) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(server.url(f"/s?{i}")) for i in range(6)))

    results = asyncio.run(go())
    assert all(r.ok for r in results)
    assert server.peak == 2


def test_concurrency_is_spread_over_small_clients_and_all_of_it_is_used(server: Loopback) -> None:
    # 20 at once over clients of at most POOL_SIZE connections (httpcore's per-request cost
    # grows with the connections one pool holds): every fetch still runs at the same time.
    # A barrier, not a delay: each answer waits until all 20 requests are in (a loaded
    # machine once started only 17 within a 0.3 s delay); fewer in flight break it -> 500.
    barrier = threading.Barrier(20, timeout=10)

    def all_at_once(h: BaseHTTPRequestHandler) -> None:
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            send(h, 500, b"")
            return
        send(h, 200, rss("S"))

    server.routes["/s"] = all_at_once
    network = NetworkConfig(concurrency=20, per_host=20, read_timeout=15.0, total_timeout=20.0)

    async def go() -> tuple[list[FetchResult], int, int]:
        async with Fetcher(network) as fetcher:
            clients = len(fetcher._clients)
            results = await asyncio.gather(
                *(fetcher.fetch(server.url(f"/s?{i}")) for i in range(20))
            )
            return results, clients, sum(fetcher._busy)

    results, clients, busy_after = asyncio.run(go())
    assert all(r.ok for r in results)
    assert clients == -(-20 // POOL_SIZE) == 3
    assert server.peak == 20
    assert busy_after == 0


def test_fetch_once_raises_a_source_error(server: Loopback) -> None:
    server.routes["/gone"] = status(410)
    with pytest.raises(SourceError, match="HTTP 410 Gone"):
        fetch_once(server.url("/gone"), FAST)
    server.routes["/ok"] = static(b"hello")
    assert fetch_once(server.url("/ok"), FAST) == b"hello"


def test_transport_errors_read_as_one_line() -> None:
    request = httpx.Request("GET", "https://example.invalid/")
    dns = httpx.ConnectError("[Errno -2] Name or service not known", request=request)
    assert describe_exception(dns) == "DNS lookup failed (host not found)"
    tls = httpx.ConnectError("handshake failed", request=request)
    tls.__cause__ = ssl.SSLCertVerificationError(1, "certificate verify failed")
    assert describe_exception(tls).startswith("TLS error")
    timeout = httpx.ConnectTimeout("timed out", request=request)
    assert describe_exception(timeout, NetworkConfig(connect_timeout=3)) == (
        "timed out connecting (no connection within 3 s)"
    )


def test_304s_and_redirects_reuse_one_connection() -> None:
    """Unread bodies (304, redirect, small error page) must not cost a new connection."""
    ports: list[int] = []

    def counting(route: Route) -> Route:
        def wrapped(h: BaseHTTPRequestHandler) -> None:
            ports.append(h.client_address[1])
            route(h)

        return wrapped

    with running() as server:
        server.routes["/feed"] = counting(static(b"<rss/>", ETag='"v1"'))
        server.routes["/old"] = counting(redirect(301, "/feed"))
        server.routes["/missing"] = counting(status(404))
        network = NetworkConfig(concurrency=1, per_host=1)

        async def go() -> list[FetchResult]:
            async with Fetcher(network) as fetcher:
                results = []
                for path in ("/feed", "/feed", "/old", "/missing", "/feed", "/feed"):
                    results.append(await fetcher.fetch(server.url(path), etag='"v1"'))
                return results

        results = asyncio.run(go())
    assert [r.status for r in results] == [304, 304, 304, 404, 304, 304]
    assert len(ports) == 7 and len(set(ports)) == 1


def test_the_pool_polls_sockets_through_the_cheap_check() -> None:
    """Fetcher's default pool opens its connections through ReadableCheckBackend."""
    from termnews.core.sources.readable_check import ReadableCheckBackend, _Stream

    with running() as server:
        server.routes["/feed"] = static(b"<rss/>")

        async def go() -> tuple[object, list[object]]:
            async with Fetcher(FAST) as fetcher:
                await fetcher.fetch(server.url("/feed"))
                pool = fetcher._clients[0]._transport._pool  # type: ignore[attr-defined]
                streams = [c._connection._network_stream for c in pool.connections]
                return pool._network_backend, streams

        backend, streams = asyncio.run(go())
    assert isinstance(backend, ReadableCheckBackend)
    assert streams and all(isinstance(s, _Stream) and s._sock is not None for s in streams)


def test_a_keep_alive_connection_the_server_closed_is_not_reused() -> None:
    """The cheap check must still see a server's hang-up on an idle connection.

    The server answers without ``Connection: close`` and then closes the socket, so
    the client holds a keep-alive connection that is dead. Reusing it would fail the
    next fetch ("connection closed before the response was complete").
    """
    ports: list[int] = []

    def hang_up(h: BaseHTTPRequestHandler) -> None:
        ports.append(h.client_address[1])
        send(h, 200, b"<rss/>")
        h.wfile.flush()
        h.close_connection = True

    with running() as server:
        server.routes["/feed"] = hang_up
        network = NetworkConfig(concurrency=1, per_host=1, connect_timeout=2.0, total_timeout=3.0)

        async def go() -> list[FetchResult]:
            async with Fetcher(network) as fetcher:
                results = []
                for _ in range(3):
                    results.append(await fetcher.fetch(server.url("/feed")))
                    await asyncio.sleep(0.1)  # the server's FIN arrives
                return results

        results = asyncio.run(go())
    assert [(r.status, r.error) for r in results] == [(200, None)] * 3
    assert len(set(ports)) == 3


def test_readable_check_answers_like_httpcore() -> None:
    """Idle socket: not readable; data or EOF waiting: readable; closed socket: readable."""
    from termnews.core.sources.readable_check import _readable

    a, b = socket.socketpair()
    try:
        assert not _readable(a)
        b.sendall(b"x")
        assert _readable(a)
        a.recv(1)
        b.close()
        assert _readable(a)
    finally:
        a.close()
    assert _readable(a)  # fileno() is -1 once closed


def test_https_to_a_plain_http_server_says_it_does_not_speak_tls(server: Loopback) -> None:
    """'termnews add https://host:port/feed' on a plain HTTP server said 'TLS error:
    WRONG_VERSION_NUMBER' (seen by qa18)."""
    server.routes["/feed.xml"] = static(b"<rss/>")
    url = server.url("/feed.xml").replace("http://", "https://")
    with pytest.raises(SourceError) as caught:
        fetch_once(url, FAST)
    assert "the server does not speak TLS on this port" in str(caught.value)
