"""A misbehaving HTTP server on 127.0.0.1, with raw control of every socket.

Each path is a behaviour: a healthy feed, headers trickled a byte at a time
(slow-loris), a body that never ends, a reset (RST) in mid-body, redirects that
never end, 5xx answers, a gzip bomb, garbage, or a healthy feed after a delay.
Everything is bounded: every handler gives up after ``MAX_HANDLER_SECONDS``, and
the whole server shuts itself down after ``lifetime`` seconds even if a test
forgets to stop it. It listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from tests.hardening.helpers import item, rss

MAX_HANDLER_SECONDS = 30.0


def feed_body(name: str, items: int = 5) -> bytes:
    """A healthy RSS document whose items are unique to ``name``."""
    return rss(
        (item(i, title=f"{name} story {i}", guid=f"{name}-{i}", body=f"<p>{name} {i}</p>")
         for i in range(items)),
        title=f"Feed {name}",
    )  # fmt: skip


def _send_all(conn: socket.socket, data: bytes) -> None:
    conn.sendall(data)


def _response(status: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close"]
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


@dataclass
class HostileServer:
    """Start with ``with HostileServer() as server:``; ``server.url(path)``."""

    latency: float = 0.0
    """Every healthy feed waits this long before answering (the 'all slow' case)."""
    generation: int = 0
    """Which generation ``/big/<n>`` serves (crash tests change it between refreshes)."""
    big_items: int = 400
    lifetime: float = 180.0
    hits: dict[str, int] = field(default_factory=dict)
    _sock: socket.socket | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _bomb: bytes = b""

    @property
    def port(self) -> int:
        assert self._sock is not None
        return int(self._sock.getsockname()[1])

    def url(self, path: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> HostileServer:
        self._bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        sock.settimeout(0.2)
        self._sock = sock
        self._deadline = time.monotonic() + self.lifetime
        threading.Thread(target=self._accept_loop, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._sock is not None:
            self._sock.close()

    def _stopped(self) -> bool:
        return self._stop.is_set() or time.monotonic() > self._deadline

    def _accept_loop(self) -> None:
        assert self._sock is not None
        while not self._stopped():
            try:
                conn, _addr = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()
        with contextlib.suppress(OSError):
            self._sock.close()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            request = b""
            while b"\r\n\r\n" not in request and len(request) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            line = request.split(b"\r\n", 1)[0].decode("latin-1")
            parts = line.split(" ")
            path = parts[1] if len(parts) > 1 else "/"
            with self._lock:
                key = path.split("/")[1] if "/" in path else path
                self.hits[key] = self.hits.get(key, 0) + 1
            self._route(path)(conn, path)
        except (OSError, TimeoutError):
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def _route(self, path: str) -> Callable[[socket.socket, str], None]:
        kind = path.split("/")[1] if path.count("/") >= 1 else ""
        return {
            "ok": self._ok,
            "big": self._big,
            "slowloris": self._slowloris,
            "trickle": self._trickle,
            "endless": self._endless,
            "reset": self._reset,
            "redirect": self._redirect,
            "status": self._status,
            "gzipbomb": self._gzipbomb,
            "garbage": self._garbage,
            "close": lambda conn, path: None,
            "silent": self._silent,
            "hugeheader": self._hugeheader,
        }.get(kind, self._not_found)

    # ---------------------------------------------------------------- behaviours

    def _wait(self, seconds: float) -> None:
        end = time.monotonic() + min(seconds, MAX_HANDLER_SECONDS)
        while time.monotonic() < end and not self._stopped():
            time.sleep(0.05)

    def _ok(self, conn: socket.socket, path: str) -> None:
        if self.latency:
            self._wait(self.latency)
        body = feed_body(path.strip("/").replace("/", "-"))
        _send_all(conn, _response("200 OK", body, {"Content-Type": "application/rss+xml"}))

    def _big(self, conn: socket.socket, path: str) -> None:
        from tests.hardening.crash_kit import generation_feed

        body = generation_feed(int(path.rsplit("/", 1)[1]), self.big_items, self.generation)
        _send_all(conn, _response("200 OK", body, {"Content-Type": "application/rss+xml"}))

    def _not_found(self, conn: socket.socket, path: str) -> None:
        _send_all(conn, _response("404 Not Found", b"no"))

    def _slowloris(self, conn: socket.socket, path: str) -> None:
        """The status line and headers, one byte every 0.3 s, never finished."""
        end = time.monotonic() + MAX_HANDLER_SECONDS
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nX-Slow: " + b"a" * 10_000:
            if time.monotonic() > end or self._stopped():
                return
            conn.sendall(bytes([byte]))
            time.sleep(0.3)

    def _trickle(self, conn: socket.socket, path: str) -> None:
        """Headers at once, then the body one byte every 0.3 s (each within read timeout)."""
        body = feed_body("trickle")
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        )
        end = time.monotonic() + MAX_HANDLER_SECONDS
        for byte in body:
            if time.monotonic() > end or self._stopped():
                return
            conn.sendall(bytes([byte]))
            time.sleep(0.3)

    def _endless(self, conn: socket.socket, path: str) -> None:
        """A chunked body that never ends (until the client hangs up or time runs out)."""
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"<!--" + b"x" * 65_000 + b"-->"
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        start = b'<?xml version="1.0"?><rss version="2.0"><channel><title>endless</title>'
        conn.sendall(f"{len(start):x}\r\n".encode() + start + b"\r\n")
        end = time.monotonic() + MAX_HANDLER_SECONDS
        while time.monotonic() < end and not self._stopped():
            conn.sendall(frame)

    def _reset(self, conn: socket.socket, path: str) -> None:
        """Half of a declared body, then a TCP reset."""
        body = feed_body("reset")
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body[: len(body) // 2]
        )
        time.sleep(0.1)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    def _redirect(self, conn: socket.socket, path: str) -> None:
        """Always one more hop, each to a new URL (never a loop a client could spot)."""
        try:
            n = int(path.rsplit("/", 1)[1])
        except ValueError:
            n = 0
        _send_all(conn, _response("302 Found", b"", {"Location": f"/redirect/{n + 1}"}))

    def _status(self, conn: socket.socket, path: str) -> None:
        code = path.split("?")[0].rsplit("/", 1)[1]
        headers = {"Retry-After": "120"} if code in ("429", "503") else {}
        _send_all(conn, _response(f"{code} Oops", b"<html>error</html>", headers))

    def _gzipbomb(self, conn: socket.socket, path: str) -> None:
        _send_all(
            conn,
            _response(
                "200 OK", self._bomb, {"Content-Encoding": "gzip", "Content-Type": "text/xml"}
            ),
        )

    def _garbage(self, conn: socket.socket, path: str) -> None:
        _send_all(conn, _response("200 OK", bytes(range(256)) * 400, {"Content-Type": "text/xml"}))

    def _silent(self, conn: socket.socket, path: str) -> None:
        """Read the request, then say nothing at all."""
        self._wait(MAX_HANDLER_SECONDS)

    def _hugeheader(self, conn: socket.socket, path: str) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Big: " + b"h" * 1_000_000 + b"\r\n\r\n")


@contextlib.contextmanager
def refused_port() -> Iterator[int]:
    """A loopback port with nothing listening on it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    sock.close()
    yield port
