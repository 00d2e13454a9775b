"""A tiny threaded HTTP server on 127.0.0.1 for fetch and refresh tests.

pytest-httpserver covers well-behaved answers; the refresh tests also need
misbehaving ones (a body that never ends, a connection closed mid-body, a
server that trickles bytes), which need raw control of the socket. Each route
is a function that gets the request handler and writes whatever it likes.
Every request runs in its own thread, so a slow route never delays another.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler], None]


class Loopback:
    """Routes by path; records requests and peak concurrency."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.active = 0
        self.peak = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        loopback = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                with loopback._lock:
                    loopback.requests.append((self.path, dict(self.headers.items())))
                    loopback.active += 1
                    loopback.peak = max(loopback.peak, loopback.active)
                try:
                    route = loopback.routes.get(self.path.split("?")[0])
                    if route is None:
                        send(self, 404, b"not found", "text/plain")
                    else:
                        route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with loopback._lock:
                        loopback.active -= 1

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients that hang up early are part of the tests

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def stopping(self) -> bool:
        """True once the test is over (endless routes stop writing)."""
        return self._stop.is_set()

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on this server."""
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def hits(self, path: str) -> list[dict[str, str]]:
        """Headers of every request made to ``path``."""
        return [h for p, h in self.requests if p.split("?")[0] == path]

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def running() -> Iterator[Loopback]:
    """A started :class:`Loopback`, stopped afterwards."""
    server = Loopback()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def send(
    h: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    ctype: str = "application/rss+xml",
    headers: dict[str, str] | None = None,
) -> None:
    """A complete response with Content-Length."""
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        h.send_header(key, value)
    h.end_headers()
    h.wfile.write(body)


def static(body: bytes, ctype: str = "application/rss+xml", **headers: str) -> Route:
    """A route answering 200 with ``body`` and honouring ETag / Last-Modified validators."""
    extra = {k.replace("_", "-"): v for k, v in headers.items()}

    def route(h: BaseHTTPRequestHandler) -> None:
        etag = extra.get("ETag")
        modified = extra.get("Last-Modified")
        if etag and h.headers.get("If-None-Match") == etag:
            send(h, 304, headers={"ETag": etag})
            return
        if modified and not etag and h.headers.get("If-Modified-Since") == modified:
            send(h, 304)
            return
        send(h, 200, body, ctype, extra)

    return route


def status(code: int, **headers: str) -> Route:
    """A route answering ``code`` with a small body."""
    extra = {k.replace("_", "-"): v for k, v in headers.items()}
    return lambda h: send(h, code, b"error page", "text/html", extra)


def redirect(code: int, target: str) -> Route:
    """A redirect to ``target`` (a path or a URL)."""
    return lambda h: send(h, code, b"", "text/html", {"Location": target})


def gzipped(body: bytes) -> Route:
    """200 with a gzip Content-Encoding."""
    data = gzip.compress(body)
    return lambda h: send(h, 200, data, "application/rss+xml", {"Content-Encoding": "gzip"})


def slow(seconds: float, body: bytes = b"") -> Route:
    """Wait before answering (a timeout for clients with shorter read timeouts)."""

    def route(h: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        send(h, 200, body)

    return route


def endless(server: Loopback) -> Route:
    """A 200 whose chunked body never ends (until the server stops)."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        chunk = b"<item>" + b"x" * 16384 + b"</item>\n"
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        while not server.stopping:
            h.wfile.write(frame)

    return route


def closes_mid_body(body: bytes) -> Route:
    """Promise ``len(body) * 2`` bytes, send half of them, then close the connection."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Length", str(len(body) * 2))
        h.end_headers()
        h.wfile.write(body)
        h.wfile.flush()
        h.close_connection = True
        h.connection.shutdown(2)

    return route


def rss(title: str, items: int = 3, prefix: str = "item", ttl: int | None = None) -> bytes:
    """A small, valid RSS 2.0 document."""
    entries = "".join(
        f"<item><title>{title} {prefix} {i}</title><link>https://example.org/{prefix}/{i}</link>"
        f"<guid>https://example.org/{prefix}/{i}</guid>"
        f"<pubDate>Mon, 0{1 + i % 9} Jan 2024 10:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;Body of {prefix} {i}&lt;/p&gt;</description></item>"
        for i in range(items)
    )
    ttl_tag = f"<ttl>{ttl}</ttl>" if ttl is not None else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.org/</link>{ttl_tag}{entries}"
        "</channel></rss>"
    ).encode()
