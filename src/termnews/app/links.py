"""Which links the reader will hand to a browser or the clipboard.

Only ``http`` and ``https``: a feed can carry ``javascript:``, ``file:`` or
``data:`` links, and handing those to a browser (or to ``xdg-open``, which would
happily run a local file) is how a feed attacks its reader.
"""

from __future__ import annotations

from termnews.core.urls import safe_url

BROWSABLE_SCHEMES = ("http://", "https://")


def browsable_url(href: str | None, base: str | None = None) -> str | None:
    """``href`` (resolved against ``base``) if it is an http(s) URL, else None."""
    url = safe_url(href, base)
    if url is None or not url.lower().startswith(BROWSABLE_SCHEMES):
        return None
    return url
