"""Content-Encoding decoding in one piece (parse workers) against the fetcher's streaming."""

from __future__ import annotations

import gzip
import random
import zlib

import pytest

from termnews.core.sources.coding import Decoder, decode_body, encoded_limit, too_large_line


def streamed(data: bytes, encoding: str, limit: int, chunk: int = 1000) -> bytes:
    """What the fetcher keeps of ``data`` read ``chunk`` bytes at a time."""
    decoder = Decoder(encoding)
    out = b""
    for i in range(0, len(data), chunk):
        out += decoder.feed(data[i : i + chunk], limit - len(out))
    return out + decoder.flush(limit - len(out))


BODY = b"".join(b"<item><title>%d</title></item>" % i for i in range(3000))


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("gzip", gzip.compress(BODY, mtime=0)),
        (
            "x-gzip",
            gzip.compress(BODY[:100], mtime=0) + gzip.compress(BODY[100:], mtime=0),
        ),  # two members
        ("deflate", zlib.compress(BODY)),
        ("deflate", zlib.compress(BODY, wbits=-15)),  # raw deflate, no zlib wrapper
        ("identity", BODY),
        ("", BODY),
    ],
    # gzip.compress stamps the time into its header: without mtime=0 and short ids, two
    # xdist workers collecting a second apart saw different tests and refused to run.
    ids=["gzip", "x-gzip-two-members", "deflate", "raw-deflate", "identity", "none"],
)
def test_decoded_in_one_piece_as_when_streamed(encoding: str, data: bytes) -> None:
    assert decode_body(data, encoding, len(BODY)) == (BODY, None)
    assert streamed(data, encoding, len(BODY)) == BODY


def test_a_bomb_stops_at_the_limit() -> None:
    assert decode_body(gzip.compress(b"\0" * 5_000_000), "gzip", 1_000_000) == (
        None,
        "response too large (over 976 KiB)",
    )
    assert decode_body(BODY, "", len(BODY) - 1) == (None, too_large_line(len(BODY) - 1))
    assert decode_body(gzip.compress(BODY), "gzip", len(BODY) - 1)[0] is None


def test_corrupt_and_unknown_encodings_are_one_line() -> None:
    body, error = decode_body(b"this is not gzip", "gzip", 10_000)
    assert body is None and (error or "").startswith("corrupt gzip data:")
    assert decode_body(b"x", "br", 10) == (None, "unsupported Content-Encoding 'br'")


def test_incompressible_bodies_at_the_limit_fit_the_encoded_cap() -> None:
    """Stored deflate blocks make a body grow a little: the raw cap leaves room for it."""
    noise = random.Random(1).randbytes(1 << 20)
    packed = gzip.compress(noise, compresslevel=0)
    assert len(noise) < len(packed) <= encoded_limit(len(noise))
    assert decode_body(packed, "gzip", len(noise)) == (noise, None)
