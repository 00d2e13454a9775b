"""A loopback HTTP server for the benchmark corpus.

It serves ``DIR/feeds/*.xml`` at ``/feeds/NNNN.xml`` the way a well-behaved news site does, so
that what a reader saves by using HTTP caching is measured, not guessed:

* ``ETag`` (a hash of the body) and ``Last-Modified`` (the file's mtime, which the generator
  sets to the newest item's date), with ``304 Not Modified`` for a matching ``If-None-Match``
  or, when there is none, a ``If-Modified-Since`` not older than the file;
* gzip when the request's ``Accept-Encoding`` allows it (the gzip body has its own ETag,
  ``"<hash>-gz"``, as Apache does; either form is accepted back);
* HTTP/1.1 keep-alive, so clients that reuse connections benefit as they would on the web.

For the benchmark scenarios it also has:

* ``latency_ms``: a pause before each feed response (slow sites; answered in parallel, each
  connection has its own thread);
* a **mode**, server-wide or per request with ``?mode=``:
  ``normal`` (conditional requests honoured), ``full`` (always 200 with the same body and
  no ETag or Last-Modified: "same content again", which the client must download and find
  unchanged itself), ``changed`` (always 200, and every guid and link is rewritten, so
  every item is new, and every title gets the generation as a prefix, "2) ..."; each
  switch to ``changed`` makes a new generation) and ``304`` (every
  feed request answered 304, whatever the client sent);
* counters (requests, statuses, bytes, peak concurrency) at ``/_stats``, and ``/_control``
  (``?mode=...&latency_ms=...&reset=1``) to change settings from another process;
* ``/feeds.opml`` and ``/urls`` (newsboat's format) listing the feeds with this server's
  address, since the port is only known once it runs;
* a deadline (``max_seconds``, default 600) after which it shuts itself down, so a crashed
  benchmark can never leave it running.

Bodies and their gzip forms are prepared in memory when the server starts, so serving costs
the same in every run and the server's own CPU (it shares the machine with the programs
measured) stays small.

Module use::

    with FeedServer(corpus_dir, latency_ms=100) as server:
        print(server.base_url)           # http://127.0.0.1:PORT
        server.set_mode("304")
        server.stats()

CLI use (the first line of output is the base URL)::

    python benchmarks/feedserver.py DIR [--latency-ms 100] [--mode normal] [--max-seconds 600]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import IO
from urllib.parse import parse_qs, urlsplit

import gen_corpus

MODES = ("normal", "full", "changed", "304")
#: "changed" mode rewrites this marker, present in every guid and link, to renew every item.
GUID_MARKER = gen_corpus.GUID_MARKER.encode()


@dataclass(frozen=True)
class Representation:
    """One feed body as served in one generation: plain and gzip forms and validators."""

    body: bytes
    gzipped: bytes
    etag: str  # the plain body's strong ETag, quotes included
    last_modified: float  # POSIX time, whole seconds

    @property
    def gzip_etag(self) -> str:
        return self.etag[:-1] + '-gz"'


def _represent(body: bytes, last_modified: float, gzipped: bytes | None = None) -> Representation:
    digest = hashlib.sha1(body).hexdigest()[:20]
    if gzipped is None:
        gzipped = gen_corpus.gzip_body(body)
    return Representation(body, gzipped, f'"{digest}"', float(int(last_modified)))


def _sidecar_gzip(path: Path, body: bytes, mtime: float) -> bytes | None:
    """The generator's pre-compressed copy of ``path``, if it is there and matches."""
    sidecar = path.parent.parent / gen_corpus.GZIP_DIR / f"{path.name}.gz"
    try:
        if sidecar.stat().st_mtime != mtime:
            return None
        data = sidecar.read_bytes()
    except OSError:
        return None
    # The gzip trailer ends with the uncompressed size (mod 2**32): a cheap consistency check.
    if len(data) < 18 or int.from_bytes(data[-4:], "little") != len(body) % 2**32:
        return None
    return data


class _Stats:
    """Thread-safe counters of what the server answered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests = 0
            self.statuses: Counter[int] = Counter()
            self.bytes_sent = 0
            self.gzip_responses = 0
            self.in_flight = 0
            self.peak_in_flight = 0
            self.connections = 0

    def begin(self) -> None:
        with self._lock:
            self.requests += 1
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def end(self, status: int, nbytes: int, gzipped: bool) -> None:
        with self._lock:
            self.in_flight -= 1
            self.statuses[status] += 1
            self.bytes_sent += nbytes
            self.gzip_responses += gzipped

    def connected(self) -> None:
        with self._lock:
            self.connections += 1

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            return {
                "requests": self.requests,
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "bytes_sent": self.bytes_sent,
                "gzip_responses": self.gzip_responses,
                "peak_in_flight": self.peak_in_flight,
                "connections": self.connections,
            }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The default backlog of 5 makes the kernel drop SYNs when a client opens dozens of
    # connections at once; the retransmit delay (1 s) would then be measured as client time.
    request_queue_size = 1024
    feed_server: FeedServer

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up mid-response (a killed run) is normal here, not news."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "termnews-bench-feedserver/1"

    def setup(self) -> None:
        super().setup()
        self.server.feed_server._stats.connected()

    def log_message(self, format: str, *args: object) -> None:
        pass  # a line per request would cost more than serving it

    def do_HEAD(self) -> None:
        self._dispatch(head=True)

    def do_GET(self) -> None:
        self._dispatch(head=False)

    def _dispatch(self, head: bool) -> None:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        fs = self.server.feed_server
        if url.path.startswith("/feeds/"):
            fs._stats.begin()
            status, nbytes, gz = 500, 0, False
            try:
                status, nbytes, gz = self._feed(url.path.removeprefix("/feeds/"), query, head)
            finally:
                fs._stats.end(status, nbytes, gz)
        elif url.path == "/_stats":
            self._send_json(fs.stats())
        elif url.path == "/_control":
            try:
                if "reset" in query:
                    fs.reset_stats()
                if "mode" in query:
                    fs.set_mode(query["mode"])
                if "latency_ms" in query:
                    fs.set_latency(float(query["latency_ms"]))
            except ValueError as exc:
                self._send_plain(400, str(exc))
                return
            self._send_json(fs.settings())
        elif url.path == "/feeds.opml":
            self._send_plain(200, fs.opml(), "text/x-opml; charset=utf-8")
        elif url.path == "/urls":
            self._send_plain(200, fs.urls())
        else:
            self._send_plain(404, "not found")

    def _feed(self, name: str, query: dict[str, str], head: bool) -> tuple[int, int, bool]:
        fs = self.server.feed_server
        mode = query.get("mode", fs.mode)
        if mode not in MODES:
            self._send_plain(400, f"unknown mode {mode!r}")
            return 400, 0, False
        latency = float(query.get("latency_ms", fs.latency_ms))
        if latency > 0:
            time.sleep(latency / 1000)
        rep = fs.representation(name, changed=mode == "changed")
        if rep is None:
            self._send_plain(404, "no such feed")
            return 404, 0, False
        accepts_gzip = _accepts_gzip(self.headers.get("Accept-Encoding", ""))
        etag = rep.gzip_etag if accepts_gzip else rep.etag
        headers = {
            "ETag": etag,
            "Last-Modified": formatdate(rep.last_modified, usegmt=True),
            "Cache-Control": "no-cache",
            "Vary": "Accept-Encoding",
        }
        if mode == "full":
            # No validators at all: with the ETag it stored, newsboat skips parsing a 200
            # whose ETag is unchanged, which would turn "same content again" into a no-op.
            del headers["ETag"], headers["Last-Modified"]
        if mode == "304" or (mode == "normal" and self._not_modified(rep)):
            self.send_response(304)
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            return 304, 0, False
        body = rep.gzipped if accepts_gzip else rep.body
        self.send_response(200)
        self.send_header("Content-Type", "application/xml; charset=utf-8")
        if accepts_gzip:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)
        return 200, len(body), accepts_gzip

    def _not_modified(self, rep: Representation) -> bool:
        """RFC 9110 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            return "*" in tags or rep.etag in tags or rep.gzip_etag in tags
        ims = self.headers.get("If-Modified-Since")
        if ims is not None:
            try:
                since = parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError, IndexError):
                return False
            return rep.last_modified <= since
        return False

    def _send_plain(self, status: int, text: str, ctype: str = "text/plain; charset=utf-8") -> None:
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, data: object) -> None:
        self._send_plain(200, json.dumps(data, indent=1), "application/json")


def _accepts_gzip(header: str) -> bool:
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip", "*"):
            q = params.strip().removeprefix("q=").strip() if "q=" in params else "1"
            try:
                return float(q) > 0
            except ValueError:
                return True
    return False


class FeedServer:
    """The feed server, run in a background thread of the calling process."""

    def __init__(
        self,
        corpus_dir: Path | str,
        *,
        latency_ms: float = 0,
        mode: str = "normal",
        max_seconds: float = 600,
        port: int = 0,
        preload: bool = True,
    ) -> None:
        self.corpus_dir = Path(corpus_dir)
        self.feeds_dir = self.corpus_dir / "feeds"
        if not self.feeds_dir.is_dir():
            raise FileNotFoundError(f"{self.feeds_dir} does not exist; run gen_corpus.py first")
        self.latency_ms = 0.0
        self.mode = "normal"
        self.set_latency(latency_ms)
        self.set_mode(mode)
        self.max_seconds = max_seconds
        self._generation = 0
        self._generation_time = time.time()
        self._cache: dict[tuple[str, int], Representation] = {}
        self._lock = threading.Lock()
        self._stats = _Stats()
        self._httpd = _Server(("127.0.0.1", port), _Handler)
        self._httpd.feed_server = self
        self._thread: threading.Thread | None = None
        self._deadline: threading.Timer | None = None
        self.stopped = threading.Event()
        self._serving = False
        self._stopping = False
        if preload:
            for path in sorted(self.feeds_dir.glob("*.xml")):
                self.representation(path.name, changed=False)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def feed_names(self) -> list[str]:
        return sorted(p.name for p in self.feeds_dir.glob("*.xml"))

    def feed_urls(self) -> list[str]:
        return [f"{self.base_url}/feeds/{name}" for name in self.feed_names()]

    # -- settings ------------------------------------------------------------------------

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose from {', '.join(MODES)}")
        if mode == "changed":
            with self._lock:
                self._generation += 1
                self._generation_time = time.time()
                # Only the current generation of changed bodies is worth keeping.
                self._cache = {k: v for k, v in self._cache.items() if k[1] == 0}
        self.mode = mode

    def set_latency(self, latency_ms: float) -> None:
        if latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        self.latency_ms = latency_ms

    def settings(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "latency_ms": self.latency_ms,
            "generation": self._generation,
            "base_url": self.base_url,
        }

    def stats(self) -> dict[str, object]:
        return self._stats.snapshot()

    def reset_stats(self) -> None:
        self._stats.reset()

    # -- content -------------------------------------------------------------------------

    def representation(self, name: str, *, changed: bool) -> Representation | None:
        """The body to serve for ``name`` (None if there is no such feed)."""
        if "/" in name or not name.endswith(".xml"):
            return None
        generation = self._generation if changed else 0
        key = (name, generation)
        rep = self._cache.get(key)
        if rep is not None:
            return rep
        path = self.feeds_dir / name
        try:
            body = path.read_bytes()
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            return None
        if generation:
            body = body.replace(GUID_MARKER, GUID_MARKER + b"g%d-" % generation)
            # New items get new headlines too ("2) Title"; ASCII, as some corpus feeds
            # are not UTF-8): a real refresh brings new stories, and a reader benchmark
            # tells rows apart by their titles. With the old titles each new item sat
            # beside its twin (same title and date), and a key press could not be told
            # from no key press at all.
            body = body.replace(b"<title>", b"<title>%d) " % generation)
            mtime = max(mtime, self._generation_time)
            rep = _represent(body, mtime)
        else:
            rep = _represent(body, mtime, _sidecar_gzip(path, body, mtime))
        with self._lock:
            self._cache[key] = rep
        return rep

    def opml(self) -> str:
        return gen_corpus.render_opml(self._feed_list(), self.base_url)

    def urls(self) -> str:
        return gen_corpus.render_urls(self._feed_list(), self.base_url)

    def _feed_list(self) -> list[dict[str, object]]:
        if (self.corpus_dir / "feeds.json").exists():
            return gen_corpus.load_feed_list(self.corpus_dir)
        return [
            {"file": n, "title": n, "section": "Feeds", "site": "https://example.org/"}
            for n in self.feed_names()
        ]

    # -- life cycle ----------------------------------------------------------------------

    def start(self) -> str:
        """Serve in a daemon thread; return the base URL."""
        self._thread = threading.Thread(target=self._serve, name="feedserver", daemon=True)
        self._serving = True
        self._thread.start()
        self._deadline = threading.Timer(self.max_seconds, self.stop)
        self._deadline.daemon = True
        self._deadline.start()
        return self.base_url

    def _serve(self) -> None:
        # A short poll interval only makes stop() quick (shutdown waits for the next poll).
        self._httpd.serve_forever(poll_interval=0.05)

    def serve_forever(self) -> None:
        """Serve in the calling thread until stop() or the deadline."""
        self._deadline = threading.Timer(self.max_seconds, self.stop)
        self._deadline.daemon = True
        self._deadline.start()
        self._serving = True
        try:
            self._serve()
        finally:
            self._httpd.server_close()
            self.stopped.set()

    def stop(self) -> None:
        """Stop serving; safe to call more than once and from the deadline timer."""
        with self._lock:
            if self._stopping or not self._serving:
                return
            self._stopping = True
        if self._deadline is not None and self._deadline is not threading.current_thread():
            self._deadline.cancel()
        # shutdown() waits for serve_forever() to return, which only happens if it started.
        self._httpd.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._httpd.server_close()
            self.stopped.set()

    def __enter__(self) -> FeedServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class ServerProcess:
    """The feed server in a child process, so its CPU is not counted in the caller's."""

    def __init__(
        self,
        corpus_dir: Path | str,
        *,
        latency_ms: float = 0,
        mode: str = "normal",
        max_seconds: float = 600,
        python: str = sys.executable,
        port: int = 0,
        idle_priority: bool = False,
    ) -> None:
        cmd = [
            python,
            str(Path(__file__).resolve()),
            str(corpus_dir),
            "--latency-ms",
            str(latency_ms),
            "--mode",
            mode,
            "--max-seconds",
            str(max_seconds),
            "--port",
            str(port),
            *(["--idle-priority"] if idle_priority else []),
        ]
        self.idle_priority = idle_priority
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        stdout: IO[str] | None = self.proc.stdout
        assert stdout is not None
        line = stdout.readline().strip()
        if not line.startswith("http://"):
            self.proc.kill()
            raise RuntimeError(f"feed server did not start (printed {line!r})")
        self.base_url = line

    def control(self, **params: str | float) -> dict[str, object]:
        """Change mode/latency or reset counters (``control(mode="304", reset=1)``)."""
        import urllib.parse
        import urllib.request

        query = urllib.parse.urlencode(params)
        with urllib.request.urlopen(f"{self.base_url}/_control?{query}", timeout=10) as resp:
            data: dict[str, object] = json.load(resp)
        return data

    def stats(self) -> dict[str, object]:
        import urllib.request

        with urllib.request.urlopen(f"{self.base_url}/_stats", timeout=10) as resp:
            data: dict[str, object] = json.load(resp)
        return data

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a benchmark corpus on 127.0.0.1.")
    parser.add_argument("corpus", type=Path, help="directory written by gen_corpus.py")
    parser.add_argument("--port", type=int, default=0, help="port (default: one the OS picks)")
    parser.add_argument("--latency-ms", type=float, default=0, help="pause before each feed")
    parser.add_argument("--mode", choices=MODES, default="normal")
    parser.add_argument(
        "--max-seconds", type=float, default=600, help="stop after this long (default 600)"
    )
    parser.add_argument(
        "--idle-priority",
        action="store_true",
        help="serve under SCHED_IDLE (Linux): as the remote servers it stands in for, it "
        "takes no CPU that the program being measured wants",
    )
    args = parser.parse_args(argv)
    import signal

    if args.idle_priority:
        # Before any thread starts: the connection threads inherit the policy.
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))

    server = FeedServer(
        args.corpus,
        latency_ms=args.latency_ms,
        mode=args.mode,
        max_seconds=args.max_seconds,
        port=args.port,
    )

    def _terminate(signum: int, frame: object) -> None:
        # stop() waits for the serving loop, which runs in this (signal-handling) thread.
        threading.Thread(target=server.stop, daemon=True).start()

    signal.signal(signal.SIGTERM, _terminate)
    print(server.base_url, flush=True)
    print(
        f"serving {len(server.feed_names())} feeds from {args.corpus} "
        f"(mode {args.mode}, latency {args.latency_ms} ms, stops after {args.max_seconds} s)",
        file=sys.stderr,
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    print(json.dumps(server.stats()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
