"""The parsed article body kept between runs (app/body_cache.py, issue 8).

A start that finds the body it opens on in the cache must not parse it, nor import
the parser before its first frame, and must look exactly like a start that parsed
it; any other body is parsed as always. A file that is corrupt, stale (other code)
or planted (naming a function to call) is ignored, and an unwritable cache
directory changes nothing but the speed.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from tests.ui.conftest import Env, RunApp, settle

from termnews.app import body_cache
from termnews.app.body_cache import FILENAME, ParsedBodyCache
from termnews.app.widgets import article_body
from termnews.app.widgets.article_body import Document, parse_document

BODIES = [
    "",
    "Plain text.",
    "# Title\n\nA paragraph with *emphasis*, **bold**, `code` and [a link](https://e.com/a).",
    "- one\n- two [x](https://e.com/x)\n  - nested\n\n> quoted\n> > deeper\n\n1. first\n2. second",
    "![alt text](https://img.example/p.png)\n\n---\n\n```\ncode\n  block\n```",
    "| a | b |\n|---|---|\n| 1 | 2 |\n\nNúñez · Ødegaard · 東京 🌍 &amp; <b>raw</b>",
]


def _cache_file() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "termnews" / FILENAME


def _now(later: list[object]) -> article_body.Later:
    return later.append


@pytest.mark.parametrize("markdown", BODIES)
def test_a_kept_body_loads_back_equal_to_a_fresh_parse(tmp_path: Path, markdown: str) -> None:
    article_body.safe_markdown_parser()  # a run that never imported the parser cannot sign it
    path = tmp_path / FILENAME
    writer = ParsedBodyCache(path)
    later: list[object] = []
    fresh = writer.parse(markdown, _now(later))
    assert later == []  # parsed: nothing to import afterwards
    writer.save()
    reader = ParsedBodyCache(path)
    kept = reader.parse(markdown, _now(later))
    assert kept == fresh == parse_document(markdown)
    assert later == [article_body.safe_markdown_parser]
    # Only the first body of a run is looked up; the rest are parsed.
    assert reader.parse(markdown, _now(later)) == fresh
    assert len(later) == 1


def test_another_body_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / FILENAME
    writer = ParsedBodyCache(path)
    writer.parse(BODIES[2], _now([]))
    writer.save()
    later: list[object] = []
    assert ParsedBodyCache(path).parse(BODIES[3], _now(later)) == parse_document(BODIES[3])
    assert later == []


def _saved(path: Path, markdown: str) -> None:
    cache = ParsedBodyCache(path)
    cache.parse(markdown, _now([]))
    cache.save()


def test_a_stale_signature_is_a_miss(tmp_path: Path) -> None:
    path = tmp_path / FILENAME
    _saved(path, BODIES[2])
    with open(path, "rb") as handle:
        header = pickle.load(handle)
        entry = pickle.load(handle)
    name = "textual.content"
    filename, size, mtime = header["signature"][name]
    header["signature"][name] = (filename, size + 1, mtime)
    with open(path, "wb") as handle:
        pickle.dump(header, handle)
        pickle.dump(entry, handle)
    later: list[object] = []
    assert ParsedBodyCache(path).parse(BODIES[2], _now(later)) == parse_document(BODIES[2])
    assert later == []


def test_a_planted_or_corrupt_file_is_a_miss(tmp_path: Path) -> None:
    path = tmp_path / FILENAME
    _saved(path, BODIES[1])
    with open(path, "rb") as handle:
        header = pickle.load(handle)
    planted = pickle.dumps(os.system)  # names a function: refused, never called
    for content in (b"\x80\x05garbage", b""):
        path.write_bytes(content)
        assert ParsedBodyCache(path).parse(BODIES[1], _now([])) == parse_document(BODIES[1])
    with open(path, "wb") as handle:
        pickle.dump(header, handle)
        pickle.dump((BODIES[1], planted), handle)
    later: list[object] = []
    assert ParsedBodyCache(path).parse(BODIES[1], _now(later)) == parse_document(BODIES[1])
    assert later == []
    # A miss writes the body afresh at exit.
    cache = ParsedBodyCache(path)
    cache.parse(BODIES[1], _now([]))
    cache.save()
    assert ParsedBodyCache(path).parse(BODIES[1], _now(later)) == parse_document(BODIES[1])
    assert later == [article_body.safe_markdown_parser]


def test_an_unwritable_cache_dir_is_ignored(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache = ParsedBodyCache(blocker / FILENAME)
    assert cache.parse(BODIES[2], _now([])) == parse_document(BODIES[2])
    cache.save()  # no error
    assert isinstance(ParsedBodyCache(None).parse(BODIES[2], _now([])), Document)


async def _start(run_app: RunApp, env: Env) -> tuple[str, bool]:
    """The settled first screen (SVG), and whether its body was parsed in this run."""
    parsed: list[str] = []
    real = body_cache.parse_document

    def counting(markdown: str) -> Document:
        parsed.append(markdown)
        return real(markdown)

    body_cache.parse_document = counting  # type: ignore[assignment]
    try:
        async with run_app(env) as (app, pilot):
            await settle(pilot)
            shown = app.export_screenshot()
    finally:
        body_cache.parse_document = real
    return shown, bool(parsed)


async def test_a_warm_start_does_not_parse_and_looks_the_same(demo: Env, run_app: RunApp) -> None:
    assert not _cache_file().exists()
    cold, parsed = await _start(run_app, demo)
    assert parsed
    assert _cache_file().is_file()
    (demo.data_dir / "state.json").unlink(missing_ok=True)
    warm, parsed = await _start(run_app, demo)
    assert not parsed
    assert warm == cold


def test_the_reader_does_not_import_the_parser_before_it_is_needed() -> None:
    """Building the reader's screen imports no Markdown parser (the body cache may
    hold the first body); parsing a body does."""
    code = (
        "import sys\n"
        "import termnews.app.app, termnews.app.screens.main\n"
        "print('markdown_it' in sys.modules)\n"
        "from termnews.app.widgets.article_body import parse_document\n"
        "parse_document('*x*')\n"
        "print('markdown_it' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
