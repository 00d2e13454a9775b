"""A cheaper "has the server closed this idle connection?" for httpx's connection pool.

Why: each time a request starts or ends, httpcore's pool asks every connection
it holds whether it has expired, and for an idle keep-alive connection that
means polling its socket (a server that hung up left an EOF to read). With the
default anyio streams, finding the socket for that poll builds anyio's whole
table of socket attributes, every time: ~13,000 times in a cold refresh of 200
feeds over 16 connections, a fifth of the fetch thread's CPU in a profile. The
streams made here find the socket once, when the connection opens, and poll it
directly: the same question to the same socket, so the same answer. Everything
else goes to the stream httpcore would have used.

The backend is put in place on the default transport's pool after the client
is made (see :func:`install`): a client given a transport of its own no longer
reads proxies from the environment, so termnews does not pass one. The pool's
attribute is private; if httpx or httpcore no longer look as expected, nothing
is changed and the pool works as it always did.
"""

from __future__ import annotations

import select
import ssl
from collections.abc import Iterable
from typing import Any, Protocol

import httpcore
import httpx

__all__ = ["ReadableCheckBackend", "install"]


def _readable(sock: _HasFileno) -> bool:
    """httpcore's ``is_socket_readable``: a closed socket counts as readable (EOF next)."""
    fd = sock.fileno()
    if fd < 0:
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class _HasFileno(Protocol):
    def fileno(self) -> int: ...


class _Stream(httpcore.AsyncNetworkStream):
    """A network stream that answers ``is_readable`` from the socket it found once.

    (On asyncio the "socket" is asyncio's ``TransportSocket`` around the real one.)
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        sock = inner.get_extra_info("socket")
        self._sock: _HasFileno | None = sock if callable(getattr(sock, "fileno", None)) else None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._sock is not None:
            return _readable(self._sock)
        return self._inner.get_extra_info(info)


class ReadableCheckBackend(httpcore.AsyncNetworkBackend):
    """Wraps another network backend; its streams answer ``is_readable`` cheaply."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self.inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _Stream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self.inner.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def install(client: httpx.AsyncClient) -> bool:
    """Give ``client``'s default connection pool the cheap check; True if it was done.

    Only a plain pool that has not opened a connection yet is changed (proxy
    pools and transports passed in by callers are left as they are).
    """
    transport = getattr(client, "_transport", None)
    if type(transport) is not httpx.AsyncHTTPTransport:
        return False
    pool = getattr(transport, "_pool", None)
    if type(pool) is not httpcore.AsyncConnectionPool:
        return False
    backend = getattr(pool, "_network_backend", None)
    if not isinstance(backend, httpcore.AsyncNetworkBackend) or pool.connections:
        return False
    if not isinstance(backend, ReadableCheckBackend):
        pool._network_backend = ReadableCheckBackend(backend)
    return True
