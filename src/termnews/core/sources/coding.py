"""HTTP ``Content-Encoding`` (gzip, deflate) decoding with a hard cap on the output.

Its own module, without httpx, because a refresh decodes feed bodies in its parse
worker processes (:func:`termnews.core.parse_pool.fetched_job`), which import only the
parsers: inflating ~35 MB of gzip in the fetch thread took a tenth of the refresh
process's CPU, shared one interpreter lock with the writer, and then every decoded
body was pickled to a worker four times its compressed size. The fetcher streams
bodies through the same :class:`Decoder` when it decodes them itself, so both ways
give the same bytes and the same error lines.
"""

from __future__ import annotations

import hashlib
import zlib

__all__ = [
    "BadEncoding",
    "Decoder",
    "TooLarge",
    "body_hash",
    "decode_body",
    "encoded_limit",
    "too_large_line",
]


class TooLarge(Exception):
    """The decoded body would be larger than allowed."""


class BadEncoding(Exception):
    """An unsupported or corrupt ``Content-Encoding``; the message is the error line."""


def too_large_line(limit: int) -> str:
    """The one line for a body over ``limit`` bytes (``[network] max_bytes``)."""
    size = f"{limit / 1048576:.1f} MiB" if limit >= 1048576 else f"{limit // 1024} KiB"
    return f"response too large (over {size})"


def encoded_limit(limit: int) -> int:
    """How many encoded bytes to accept for a body that may decode to ``limit`` bytes.

    Compressed data can be a little larger than what it inflates to (deflate's
    stored blocks: 5 bytes per 64 KiB; gzip's header and trailer), so the cap on
    the raw stream leaves that slack; the exact cap is applied to the decoded
    bytes (:func:`decode_body`).
    """
    return limit + limit // 512 + 65536


class Decoder:
    """Incremental Content-Encoding decoder with a hard cap on its output."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._raw_deflate_tried = False
        self._first = True
        if encoding in ("", "identity"):
            self._z: zlib._Decompress | None = None
        elif encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj()
        else:
            raise BadEncoding(f"unsupported Content-Encoding {encoding!r}")

    def feed(self, data: bytes, room: int) -> bytes:
        """Decode ``data``; raise :class:`TooLarge` if it inflates past ``room`` bytes."""
        if self._z is None:
            if len(data) > room:
                raise TooLarge
            return data
        out = bytearray()
        while data:
            try:
                chunk = self._z.decompress(data, room - len(out) + 1)
            except zlib.error as exc:
                if self.encoding == "deflate" and self._first and not self._raw_deflate_tried:
                    # Some servers send raw deflate without the zlib wrapper.
                    self._raw_deflate_tried = True
                    self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise BadEncoding(f"corrupt {self.encoding} data: {exc}") from exc
            self._first = False
            out += chunk
            if len(out) > room or self._z.unconsumed_tail:
                raise TooLarge
            data = b""
            if self._z.eof and self._z.unused_data:
                # Concatenated gzip members (allowed by RFC 1952).
                data = self._z.unused_data
                self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return bytes(out)

    def flush(self, room: int) -> bytes:
        """What the decoder still holds; raise :class:`TooLarge` past ``room`` bytes."""
        if self._z is None:
            return b""
        tail = self._z.flush()
        if len(tail) > room:
            raise TooLarge
        return tail


def decode_body(data: bytes, encoding: str, limit: int) -> tuple[bytes | None, str | None]:
    """``data`` decoded, at most ``limit`` bytes: ``(body, None)`` or ``(None, error line)``.

    The same bytes and the same lines as the fetcher's streamed decoding: a
    decompression bomb stops at ``limit`` + 1 bytes of output.
    """
    try:
        decoder = Decoder(encoding)
        body = decoder.feed(data, limit)
        tail = decoder.flush(limit - len(body))
    except TooLarge:
        return None, too_large_line(limit)
    except BadEncoding as exc:
        return None, str(exc)
    return (body + tail if tail else body), None


def body_hash(data: bytes) -> str:
    """The fingerprint of a fetched (decoded) body: the same body is not parsed again."""
    return "http:" + hashlib.blake2b(data, digest_size=16).hexdigest()
