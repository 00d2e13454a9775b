"""Opening a link: the browser module is imported when a link opens (issue 8)."""

from __future__ import annotations

import time
from pathlib import Path

from termnews.app.browser import open_in_browser


def test_a_browser_command_is_run_with_the_url(tmp_path: Path) -> None:
    out = tmp_path / "opened"
    script = tmp_path / "fake-browser"
    script.write_text(f'#!/bin/sh\nprintf %s "$1" > {out}\n')
    script.chmod(0o755)
    assert open_in_browser("https://example.org/a", f"{script} %s") is None
    for _ in range(200):  # webbrowser starts the command without waiting for it
        if out.exists() and out.read_text():
            break
        time.sleep(0.01)
    assert out.read_text() == "https://example.org/a"


def test_a_missing_browser_is_reported() -> None:
    assert open_in_browser("https://example.org/a", "no-such-browser-cmd") == (
        "no web browser was found"
    )
