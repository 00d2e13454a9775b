"""A refresh's TLS context, made in a thread while the refresh is still importing.

Making the context the fetcher's clients share (``httpx.create_ssl_context``: loading the
CA bundle) takes ~16-18 ms, and it came right before a refresh's first request, on the
main process's critical path at the start. Loading the bundle releases the interpreter
lock, so a thread started as the refresh begins (``termnews.core.refresh._refresh``)
makes it beside the imports of the fetch and parse modules, and
:class:`~termnews.core.sources.fetch.Fetcher` takes it when it opens its clients. Only a
refresh asks for one: other fetches (``add``, full text) make their own as before.
"""

from __future__ import annotations

import ssl
import threading
from concurrent.futures import Future

__all__ = ["prepare", "take"]

_lock = threading.Lock()
_prepared: Future[ssl.SSLContext] | None = None


def prepare() -> None:
    """Start making a TLS context in a thread, for the next :func:`take`."""
    global _prepared
    made: Future[ssl.SSLContext] = Future()
    with _lock:
        if _prepared is not None:
            return
        _prepared = made

    def make() -> None:
        try:
            import httpx

            made.set_result(httpx.create_ssl_context())
        except BaseException as exc:  # take() returns None: the fetcher makes its own
            made.set_exception(exc)

    threading.Thread(target=make, name="termnews-tls", daemon=True).start()


def take() -> ssl.SSLContext | None:
    """The context :func:`prepare` started (waiting for it), once; None if none was asked for."""
    global _prepared
    with _lock:
        made, _prepared = _prepared, None
    if made is None:
        return None
    try:
        return made.result()
    except Exception:
        return None
