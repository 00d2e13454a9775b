"""Opening a link: the configured command, its output kept off the reader's screen."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from termnews.app.browser import open_in_browser


def _fake_browser(tmp_path: Path, body: str = "") -> tuple[Path, Path]:
    out = tmp_path / "opened"
    script = tmp_path / "fake-browser"
    script.write_text(f'#!/bin/sh\nprintf %s "$1" > {out}\n{body}')
    script.chmod(0o755)
    return script, out


def _opened(out: Path) -> str:
    for _ in range(200):  # a command still running after a while is taken as started
        if out.exists() and out.read_text():
            break
        time.sleep(0.01)
    return out.read_text()


def test_a_browser_command_is_run_with_the_url(tmp_path: Path) -> None:
    script, out = _fake_browser(tmp_path)
    assert open_in_browser("https://example.org/a", f"{script} %s") is None
    assert _opened(out) == "https://example.org/a"


def test_a_command_without_placeholder_gets_the_url_last(tmp_path: Path) -> None:
    # 'browser = "firefox"' (or a script of one's own) used to be "no web browser
    # was found": webbrowser only knows the browsers it registered itself.
    script, out = _fake_browser(tmp_path)
    assert open_in_browser("https://example.org/b", str(script)) is None
    assert _opened(out) == "https://example.org/b"


def test_what_the_browser_prints_never_reaches_the_terminal(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # The command shared the reader's terminal: its warnings were drawn over the screen.
    script, out = _fake_browser(tmp_path, "echo on-stdout\necho on-stderr >&2\n")
    assert open_in_browser("https://example.org/c", f"{script} %s") is None
    assert _opened(out) == "https://example.org/c"
    captured = capfd.readouterr()
    assert "on-stdout" not in captured.out + captured.err
    assert "on-stderr" not in captured.out + captured.err


def test_a_failing_command_is_reported(tmp_path: Path) -> None:
    script, _ = _fake_browser(tmp_path, "exit 3\n")
    assert open_in_browser("https://example.org/d", str(script)) == (
        "the browser command 'fake-browser' exited with status 3"
    )


def test_a_missing_browser_is_reported() -> None:
    assert open_in_browser("https://example.org/a", "no-such-browser-cmd %s") == (
        "the browser command 'no-such-browser-cmd' was not found"
    )


def test_a_terminal_browser_is_refused() -> None:
    assert open_in_browser("https://example.org/a", "w3m %s") == (
        "only a terminal browser (w3m) was found"
    )
