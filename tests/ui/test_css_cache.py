"""The parsed stylesheet kept between runs (app/css_cache.py, issue 8).

A warm start must parse no CSS and look exactly like a cold one, in any theme and
after a theme change; a cache file that is corrupt, truncated, stale (another
Textual, another theme) or planted (naming a function to call) is ignored and
written afresh, and an unwritable cache directory changes nothing but the speed.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path
from typing import Any

import pytest
import textual.css.stylesheet as textual_stylesheet
from tests.ui.conftest import Env, RunApp, settle
from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.widgets import OptionList, Tree

from termnews.app import css_cache
from termnews.app.app import TermnewsApp
from termnews.app.css_cache import FILENAME, CachedStylesheet, ParsedCssCache
from termnews.app.readable_colors import readable_variables

TCSS = Path(css_cache.__file__).with_name("termnews.tcss")


def _variables(theme: str = "textual-dark") -> dict[str, str]:
    app = App()
    app.theme = theme
    variables = app.get_css_variables()
    variables.update(readable_variables(variables))
    return variables


VARIABLES = _variables()


class ParseCounter:
    """Counts Textual's CSS parses (the function ``Stylesheet._parse_rules`` calls)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sources: list[Any] = []
        real = textual_stylesheet.parse

        def counting(scope: str, css: str, read_from: Any, **kwargs: Any) -> Any:
            self.sources.append(read_from)
            return real(scope, css, read_from, **kwargs)

        monkeypatch.setattr(textual_stylesheet, "parse", counting)


def _sources(sheet: Stylesheet) -> Stylesheet:
    """The app's own CSS file and two widgets' default CSS, as Textual adds them."""
    sheet.read(TCSS)
    for widget in (OptionList, Tree):
        css = widget.__dict__["DEFAULT_CSS"]
        sheet.add_source(
            css,
            read_from=(f"{widget.__module__}.py", f"{widget.__name__}.DEFAULT_CSS"),
            is_default_css=True,
            tie_breaker=-1,
            scope=widget.__name__,
        )
    return sheet


def _cached(path: Path, variables: dict[str, str] = VARIABLES) -> CachedStylesheet:
    sheet = CachedStylesheet(variables=dict(variables), cache=ParsedCssCache(path))
    _sources(sheet)
    return sheet


def _css(sheet: Stylesheet) -> list[str]:
    """Every rule as CSS text, with its flags: what a parse must reproduce."""
    return [
        f"{rule.is_default_rules} {rule.tie_breaker} {sorted(rule.selector_names)} {rule.css}"
        for rule in sheet.rules
    ]


def _plain_css(variables: dict[str, str] = VARIABLES) -> list[str]:
    return _css(_sources(Stylesheet(variables=dict(variables))))


def _warm_file(path: Path) -> None:
    sheet = _cached(path)
    assert sheet.rules
    sheet.parsed_cache.save()
    assert path.is_file()


def test_rules_from_the_cache_are_those_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / FILENAME
    _warm_file(path)
    expected = _plain_css()
    counter = ParseCounter(monkeypatch)
    warm = _cached(path)
    assert _css(warm) == expected
    assert counter.sources == []
    # The rules are equal field by field to a fresh parse, not only as text (a layout
    # object compares by identity: each parse makes its own, so leave it out).
    fresh = _sources(Stylesheet(variables=dict(VARIABLES))).rules
    for got, want in zip(warm.rules, fresh, strict=True):
        assert got.selector_set == want.selector_set
        assert got.selector_names == want.selector_names
        assert got.pseudo_classes == want.pseudo_classes
        assert (got.is_default_rules, got.tie_breaker) == (want.is_default_rules, want.tie_breaker)
        got_rules, want_rules = got.styles.get_rules(), want.styles.get_rules()
        got_rules.pop("layout", None)
        want_rules.pop("layout", None)
        assert got_rules == want_rules
        assert got.styles.important == want.styles.important
        assert got.styles.get_rule.__self__ is got.styles._rules  # type: ignore[attr-defined]


def test_another_theme_misses_and_the_file_follows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / FILENAME
    _warm_file(path)
    nord = _variables("nord")
    expected = _plain_css(nord)
    counter = ParseCounter(monkeypatch)
    sheet = _cached(path, nord)
    assert _css(sheet) == expected
    assert len(counter.sources) == 3
    sheet.parsed_cache.save()
    counter.sources.clear()
    assert _css(_cached(path, nord)) == expected
    assert counter.sources == []


def test_a_theme_change_in_a_run_reparses_in_the_new_variables(tmp_path: Path) -> None:
    """Textual's refresh_css: set_variables, then reparse (through the cache here)."""
    path = tmp_path / FILENAME
    _warm_file(path)
    sheet = _cached(path)
    assert _css(sheet) == _plain_css()
    nord = _variables("nord")
    sheet.set_variables(nord)
    sheet.reparse()
    assert _css(sheet) == _plain_css(nord)
    sheet.parsed_cache.save()
    assert _css(_cached(path, nord)) == _plain_css(nord)


def _rewrite(path: Path, header: Any = None, entries: Any = None) -> None:
    """The cache file with its header or its index replaced (None: kept)."""
    with open(path, "rb") as handle:
        old_header = pickle.load(handle)
        old_entries = pickle.load(handle)
    with open(path, "wb") as handle:
        pickle.dump(old_header if header is None else header(old_header), handle)
        pickle.dump(old_entries if entries is None else entries(old_entries), handle)


class Planted:
    """A pickle that would create ``marker`` when loaded, were it ever loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.marker), "w"))


def _stale_signature(header: dict[str, Any]) -> dict[str, Any]:
    signature = dict(header["signature"])
    filename, size, mtime = signature["textual.css.model"]
    signature["textual.css.model"] = (filename, size, mtime + 1)
    return {**header, "signature": signature}


def _planted_entries(marker: Path) -> Any:
    def replace(entries: dict[Any, bytes]) -> dict[Any, bytes]:
        return {key: pickle.dumps(Planted(marker)) for key in entries}

    return replace


def _damage(kind: str, path: Path, marker: Path) -> None:
    data = path.read_bytes()
    if kind == "garbage":
        path.write_bytes(b"\x00not a pickle at all\xff" * 50)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "entry-truncated":
        _rewrite(path, entries=lambda e: {k: v[: len(v) // 2] for k, v in e.items()})
    elif kind == "not-a-dict":
        with open(path, "wb") as handle:
            pickle.dump(["format", 1], handle)
    elif kind == "other-format":
        _rewrite(path, header=lambda h: {**h, "format": h["format"] + 1})
    elif kind == "other-python":
        _rewrite(path, header=lambda h: {**h, "python": "2.7.18"})
    elif kind == "stale-textual":
        _rewrite(path, header=_stale_signature)
    elif kind == "foreign-module":
        _rewrite(
            path,
            header=lambda h: {**h, "signature": {**h["signature"], "os": ("/x", 1, 1)}},
        )
    elif kind == "planted-header":
        with open(path, "wb") as handle:
            pickle.dump(Planted(marker), handle)
    elif kind == "planted-entry":
        _rewrite(path, entries=_planted_entries(marker))
    elif kind == "directory":
        path.unlink()
        path.mkdir()
    else:
        raise AssertionError(kind)


DAMAGE = (
    "garbage",
    "empty",
    "truncated",
    "entry-truncated",
    "not-a-dict",
    "other-format",
    "other-python",
    "stale-textual",
    "foreign-module",
    "planted-header",
    "planted-entry",
    "directory",
)


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_bad_cache_file_is_ignored_and_rebuilt(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / FILENAME
    marker = tmp_path / "planted-ran"
    _warm_file(path)
    _damage(kind, path, marker)
    expected = _plain_css()
    counter = ParseCounter(monkeypatch)
    sheet = _cached(path)
    assert _css(sheet) == expected
    assert len(counter.sources) == 3, "every source parsed as usual"
    assert not marker.exists(), "nothing named in the file was called"
    sheet.parsed_cache.save()
    if kind == "directory":
        assert path.is_dir()  # not replaced by force, and no error
        return
    counter.sources.clear()
    assert _css(_cached(path)) == expected
    assert counter.sources == [], "rewritten whole"


def test_a_module_the_file_names_is_never_imported_by_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a layout may be imported for the check (as a parse imports it)."""
    path = tmp_path / FILENAME
    _warm_file(path)
    main = Path(textual_stylesheet.__file__).parents[1] / "__main__.py"
    stat = main.stat()
    entry = (str(main), stat.st_size, stat.st_mtime_ns)
    _rewrite(
        path,
        header=lambda h: {**h, "signature": {**h["signature"], "textual.__main__": entry}},
    )
    monkeypatch.delitem(sys.modules, "textual.__main__", raising=False)
    expected = _plain_css()
    counter = ParseCounter(monkeypatch)
    assert _css(_cached(path)) == expected
    assert len(counter.sources) == 3
    assert "textual.__main__" not in sys.modules


def test_an_unwritable_cache_dir_only_costs_the_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory would go")
    path = blocker / "termnews" / FILENAME
    sheet = _cached(path)
    assert _css(sheet) == _plain_css()
    sheet.parsed_cache.save()
    assert not path.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["not-a-dir"]


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    path = tmp_path / "cache" / FILENAME
    _warm_file(path)
    assert sorted(p.name for p in path.parent.iterdir()) == [FILENAME]


def _cache_file() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "termnews" / FILENAME


async def _start(run_app: RunApp, env: Env, theme: str | None = None) -> tuple[str, str]:
    """The settled first screen (as SVG) and, with ``theme``, the screen after choosing it."""
    async with run_app(env) as (app, pilot):
        assert isinstance(app, TermnewsApp)
        assert isinstance(app.stylesheet, CachedStylesheet)
        first = app.export_screenshot()
        after = ""
        if theme is not None:
            app.theme = theme
            await settle(pilot)
            await pilot.pause()
            after = app.export_screenshot()
    return first, after


async def test_a_warm_start_parses_nothing_and_looks_the_same(
    demo: Env, run_app: RunApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not _cache_file().exists()
    cold = await _start(run_app, demo)
    assert _cache_file().is_file()
    counter = ParseCounter(monkeypatch)
    warm = await _start(run_app, demo)
    assert counter.sources == []
    assert warm == cold


async def test_a_theme_chosen_after_a_warm_start_looks_as_after_a_cold_one(
    demo: Env, run_app: RunApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The theme is saved in the state file: each start here begins from none.
    state = demo.data_dir / "state.json"
    cold = await _start(run_app, demo, theme="nord")
    state.unlink()
    await _start(run_app, demo)  # the cache now holds textual-dark's rules
    state.unlink(missing_ok=True)
    warm = await _start(run_app, demo, theme="nord")
    assert warm == cold
    # The next starts open in the saved theme, from the rules cached for it. The
    # first may parse a source or two the theme change never saw in the form a start
    # adds them (Widget's CSS before a Tree lowered its tie-breaker); none after it.
    assert (await _start(run_app, demo))[0] == warm[1]
    counter = ParseCounter(monkeypatch)
    saved = await _start(run_app, demo)
    assert counter.sources == []
    assert saved[0] == warm[1]


async def test_a_corrupt_cache_file_does_not_stop_the_reader(demo: Env, run_app: RunApp) -> None:
    cold = await _start(run_app, demo)
    _cache_file().write_bytes(b"\x80\x05garbage")
    assert await _start(run_app, demo) == cold
    with open(_cache_file(), "rb") as handle:
        header = pickle.load(handle)
    assert header["format"] == css_cache.FORMAT
