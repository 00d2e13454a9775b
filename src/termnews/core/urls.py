"""Which link and image URLs feed text may carry into the cache and onto the screen.

Its own small module (no lxml, a handful of regular expressions) because the reader
needs :func:`safe_url` for the first screen's article link, and importing
:mod:`termnews.core.content` for it cost the start-up the HTML converter's lxml and
its ~40 regular expressions (~25 ms of CPU, issue 8). ``content`` re-exports it.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

_LINK_SCHEMES = frozenset(
    """http https ftp ftps mailto tel magnet irc ircs gemini gopher news nntp xmpp sms""".split()  # noqa: SIM905
)
_IMAGE_SCHEMES = frozenset({"http", "https"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_URL_JUNK = re.compile(r"[\x00-\x1f\x7f]")
_PLAIN_HTTP_HOST = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]*)?(?:[/?#]|\Z)", re.IGNORECASE)
"""An http(s) URL whose host is a plain name or IPv4 address: ``urlsplit`` would find
its host and raise nothing, so safe_url need not call it (~10 us per link and image
of every entry). Anything else (no host, brackets, odd characters) still goes there."""
_URL_ESCAPES = str.maketrans(
    {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", '"': "%22", "\\": "%5C"}
)
_URL_ESCAPED = re.compile("[" + re.escape("".join(map(chr, _URL_ESCAPES))) + "]")
"""A character :data:`_URL_ESCAPES` changes: most URLs hold none, and a search for one
costs a quarter of the ``translate``, which maps every character through the dict
(~1.3 us a URL; safe_url runs for every entry's link and image)."""


def safe_url(href: str | None, base_url: str | None = None, *, image: bool = False) -> str | None:
    """``href`` resolved against ``base_url`` if its scheme is safe to show, else None.

    ``javascript:``, ``data:``, ``file:``, ``vbscript:`` and unknown schemes are
    refused (an allowlist, because browsers accept odd spellings); relative URLs
    without a base are refused too, since nothing could open them.
    """
    if not href:
        return None
    url = _URL_JUNK.sub("", href.strip()).strip()
    if not url or url.startswith("#"):
        return None
    try:
        if url.startswith("//"):
            url = urljoin(base_url, url) if base_url else "https:" + url
        elif not _SCHEME.match(url):
            if not base_url:
                return None
            url = urljoin(_URL_JUNK.sub("", base_url.strip()), url)
    except ValueError:
        return None
    scheme = _SCHEME.match(url)
    if scheme is None:
        return None
    name = scheme.group(1).lower()
    if name not in (_IMAGE_SCHEMES if image else _LINK_SCHEMES):
        return None
    if name in _IMAGE_SCHEMES and _PLAIN_HTTP_HOST.match(url) is None:
        try:
            if not urlsplit(url).netloc:
                return None  # "http:foo" or "https:///x": nowhere to go
        except ValueError:
            return None  # a malformed host such as "http://[::1"
    return url.translate(_URL_ESCAPES) if _URL_ESCAPED.search(url) else url
