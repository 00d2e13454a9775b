"""HTML-to-Markdown for feed bodies: termnews's converter beside the libraries it was chosen over.

Runs every item body of ``../shared/corpus/feeds-real`` (RSS ``description`` and
``content:encoded``, Atom ``content``/``summary``, raw as a feed carries them) through:

* ``termnews``: :func:`termnews.core.content.html_to_markdown` (lxml walker);
* ``html-to-markdown``: the Rust-core library (``pip install html-to-markdown``), if installed;
* ``markdownify``: the pure-Python library on BeautifulSoup, if installed.

and prints, per converter, the time per body (median, p95, and the median over
2-5 KB bodies, a typical article) and quality proxies counted over all bodies:

* ``words kept``: share of the body's visible words (lxml text minus scripts and
  styles) that appear in the Markdown, a floor for lost text;
* ``trackers``: tracking pixels and feed-ad images left in (feedburner ``~r``/``~ff``,
  doubleclick, Medium stat beacons, 1x1 images);
* ``bad links``: ``javascript:``/``data:``/``vbscript:`` URLs left in a link or image;
* ``empty links``: ``[](...)``, i.e. share icons without text;
* ``raw tags``: HTML tags that survived into the Markdown.

Usage: ``python benchmarks/content_conversion.py [--repeat 3]``
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from termnews.core.content import html_to_markdown

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "feeds-real"
_BODY_TAGS = {"encoded", "description", "content", "summary"}
_ITEM_TAGS = {"item", "entry"}

_TRACKER = re.compile(
    r"feeds\.feedburner\.com/~(?:r|ff|f)/|doubleclick\.net|medium\.com/_/stat|"
    r"pheedo\.com|feedsportal|stats\.wordpress|pixel\.wp\.com|cpx\.golem\.de|bluekai|adsrvr",
    re.IGNORECASE,
)
_BAD_LINK = re.compile(r"\]\(\s*<?\s*(?:javascript|data|vbscript|file):", re.IGNORECASE)
_EMPTY_LINK = re.compile(r"(?<!!)\[\]\(")
_RAW_TAG = re.compile(r"<(?:p|div|span|a|img|br|table|script|iframe)\b[^>]*>", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def load_bodies(root: Path) -> list[str]:
    """Raw HTML bodies of every item in every feed file under ``root``."""
    parser = etree.XMLParser(recover=True, huge_tree=True, resolve_entities=False)
    bodies: list[str] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix in (".json", ".md", ".csv"):
            continue
        try:
            tree = etree.parse(str(path), parser)
        except (etree.XMLSyntaxError, OSError):
            continue
        if tree.getroot() is None:
            continue
        for el in tree.iter():
            parent = el.getparent()
            if _local(el.tag) not in _BODY_TAGS or parent is None:
                continue
            if _local(parent.tag) not in _ITEM_TAGS:
                continue
            if len(el) and el.get("type") == "xhtml":
                text = "".join(etree.tostring(c, encoding="unicode") for c in el)
            else:
                text = el.text or ""
            if text.strip():
                bodies.append(text)
    return bodies


def visible_words(body: str) -> list[str]:
    try:
        doc = lxml_html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return _WORD.findall(body)
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    return _WORD.findall(doc.text_content())


def converters() -> dict[str, Callable[[str], str]]:
    found: dict[str, Callable[[str], str]] = {"termnews": html_to_markdown}
    try:
        import html_to_markdown as h2m

        options = h2m.ConversionOptions(extract_metadata=False, autolinks=False)
        found["html-to-markdown"] = lambda body: h2m.convert(body, options).content or ""
    except ImportError:
        pass
    try:
        from markdownify import markdownify

        found["markdownify"] = lambda body: markdownify(body, heading_style="ATX")
    except ImportError:
        pass
    return found


def measure(convert: Callable[[str], str], bodies: list[str], repeat: int) -> dict[str, float]:
    times: list[float] = []
    outputs: list[str] = []
    for body in bodies:
        best = float("inf")
        out = ""
        for _ in range(repeat):
            start = time.perf_counter()
            out = convert(body)
            best = min(best, time.perf_counter() - start)
        times.append(best)
        outputs.append(out)
    typical = [t for t, b in zip(times, bodies, strict=True) if 2000 <= len(b) <= 5000]
    kept = total = 0
    for body, out in zip(bodies, outputs, strict=True):
        words = visible_words(body)
        have = set(_WORD.findall(out))
        total += len(words)
        kept += sum(1 for w in words if w in have)
    return {
        "median_ms": statistics.median(times) * 1e3,
        "p95_ms": statistics.quantiles(times, n=20)[-1] * 1e3,
        "typical_ms": statistics.median(typical) * 1e3 if typical else float("nan"),
        "total_s": sum(times),
        "kept": kept / total if total else 1.0,
        "trackers": sum(len(_TRACKER.findall(o)) for o in outputs),
        "bad": sum(len(_BAD_LINK.findall(o)) for o in outputs),
        "empty": sum(len(_EMPTY_LINK.findall(o)) for o in outputs),
        "raw": sum(len(_RAW_TAG.findall(o)) for o in outputs),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per body; the best counts")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    bodies = load_bodies(args.corpus)
    typical = sum(1 for b in bodies if 2000 <= len(b) <= 5000)
    print(f"{len(bodies)} bodies ({typical} of 2-5 KB), best of {args.repeat} runs each\n")
    header = (
        f"{'converter':<18} {'median':>8} {'p95':>8} {'2-5 KB':>8} {'total':>7} "
        f"{'words kept':>10} {'trackers':>8} {'bad links':>9} {'empty links':>11} {'raw tags':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, convert in converters().items():
        r = measure(convert, bodies, args.repeat)
        print(
            f"{name:<18} {r['median_ms']:>6.3f}ms {r['p95_ms']:>6.3f}ms {r['typical_ms']:>6.3f}ms "
            f"{r['total_s']:>6.2f}s {r['kept']:>10.1%} {r['trackers']:>8} {r['bad']:>9} "
            f"{r['empty']:>11} {r['raw']:>8}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
