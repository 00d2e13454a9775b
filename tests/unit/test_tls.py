"""The TLS context a refresh has made in a thread while it starts (core.sources.tls)."""

from __future__ import annotations

import asyncio
import ssl

from termnews.core.config import NetworkConfig
from termnews.core.sources import tls
from termnews.core.sources.fetch import Fetcher


def test_a_prepared_context_verifies_and_is_taken_once() -> None:
    tls.prepare()
    tls.prepare()  # a second call while one is pending starts no second thread
    context = tls.take()
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert tls.take() is None


def test_the_fetcher_opens_with_the_prepared_context_and_without_one() -> None:
    async def open_clients() -> int:
        async with Fetcher(NetworkConfig()) as fetcher:
            return len(fetcher._clients)

    tls.prepare()
    assert asyncio.run(open_clients()) >= 1
    assert tls.take() is None  # the fetcher took it
    assert asyncio.run(open_clients()) >= 1  # none prepared: it makes its own
