"""Refusing XML that would make feedparser slow or huge before it is parsed.

feedparser strips dangerous entity declarations itself (nested entities and
external ``SYSTEM`` entities are dropped, so "billion laughs" and XXE do
nothing), but two attacks get through it:

* **Quadratic entity expansion.** A *simple* entity (``<!ENTITY a "AAAA...">``)
  is kept, and referencing a 200 kB entity 5,000 times expands to 1 GB: expat
  stops at its amplification limit, then feedparser's fallback (loose) parser
  expands every reference anyway. Measured: a 225 kB document took 18 s and
  3 GB of memory.
* **A quadratic regular expression.** feedparser finds declarations with
  ``^\\s*<!ENTITY([^>]*?)>`` over everything before the first element; many
  lines starting ``<!ENTITY`` without a ``>`` make that quadratic (88 kB: 7 s).

Real feeds' prologs are under 1 kB (the largest in the real-world corpus is
2.4 kB) and declare few, short entities, so both limits below are far from
anything legitimate.
"""

from __future__ import annotations

import re

MAX_PROLOG_BYTES = 16 * 1024
"""Declarations before the first element longer than this are refused."""

MAX_ENTITY_EXPANSION = 4 * 1024 * 1024
"""Total bytes that references to declared entities may expand to."""

_FIRST_ELEMENT = re.compile(rb"<\w")
# Entities feedparser keeps: a plain value, or one character reference.
_SIMPLE_ENTITY = re.compile(rb'<!ENTITY\s+(\w+)\s+"(&#\w+;|[^&"]*)"')
_NOT_ASCII_COMPATIBLE = (b"\xfe\xff", b"\xff\xfe", b"\x4c\x6f\xa7\x94")  # UTF-16 BOMs, EBCDIC


class UnsafeXMLError(ValueError):
    """The document is built to exhaust the parser; the message says how."""


def _as_parsed(data: bytes) -> bytes:
    """The bytes feedparser's declaration scan will see (it works on UTF-8)."""
    head = data[:4]
    if b"\x00" in head or head.startswith(_NOT_ASCII_COMPATIBLE):
        from feedparser.encodings import convert_to_utf8

        converted: bytes = convert_to_utf8({}, data, {})
        return converted
    return data


def check_xml_declarations(data: bytes) -> None:
    """Raise :class:`UnsafeXMLError` for an entity bomb or an absurd prolog."""
    data = _as_parsed(data)
    first = _FIRST_ELEMENT.search(data)
    if first is None:
        return
    prolog = data[: first.start()]
    if b"<!ENTITY" not in prolog and b"<!DOCTYPE" not in prolog:
        return
    if len(prolog) > MAX_PROLOG_BYTES:
        raise UnsafeXMLError(
            f"XML declarations before the first element are {len(prolog) // 1024} kB long "
            f"(limit {MAX_PROLOG_BYTES // 1024} kB)"
        )
    values = {name: len(value) for name, value in _SIMPLE_ENTITY.findall(prolog)}
    if not values:
        return
    names = b"|".join(re.escape(name) for name in values)
    total = 0
    for match in re.finditer(rb"&(" + names + rb");", data[first.start() :]):
        total += values[match.group(1)]
        if total > MAX_ENTITY_EXPANSION:
            raise UnsafeXMLError(
                f"XML entities expand beyond {MAX_ENTITY_EXPANSION // 1048576} MiB "
                "(an entity-expansion attack)"
            )
