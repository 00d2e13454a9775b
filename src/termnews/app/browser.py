"""Opening a link in the user's web browser without wrecking the terminal.

Python's ``webbrowser`` falls back to terminal browsers (lynx, w3m, ...) when no
graphical one is found; started from inside a full-screen TUI, one of those
would fight the reader for the terminal. They are refused here, and the caller
copies the link instead. ``general.browser`` in the config names a browser or a
command (``"firefox %s"``, or ``"firefox"``: the link is then its last argument).

A command termnews starts itself gets no terminal: its stdin, stdout and stderr
are ``/dev/null``. ``webbrowser`` hands a command-line browser the reader's own
terminal, so whatever it printed (Firefox's and xdg-open's warnings, a script's
echo) was written over the reader's screen.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence

CONSOLE_BROWSERS = frozenset({"www-browser", "links", "links2", "elinks", "lynx", "w3m", "browsh"})

STARTED_WITHIN = 3.0
"""Seconds a browser command has to fail; one still running then has started."""


def open_in_browser(url: str, command: str = "") -> str | None:
    """Open ``url``; returns None on success, else a one-line reason it did not open."""
    # Imported here, not at the top: webbrowser (and shlex) cost ~1 ms of the reader's
    # start-up, and most sessions never open a link (issue 8).
    import webbrowser

    if command.strip():
        return _run_configured(url, command)
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return "no web browser was found"
    if isinstance(browser, webbrowser.GenericBrowser):
        # A plain command (xdg-open, $BROWSER, ...): run with no terminal, as below.
        return _run([browser.name, *(a.replace("%s", url) for a in browser.args)])
    try:
        opened = browser.open(url, new=2)
    except OSError as exc:
        return f"the browser did not start: {exc.strerror or exc}"
    return None if opened else "the browser did not start"


def _run_configured(url: str, command: str) -> str | None:
    """Run ``general.browser``: ``%s`` stands for the link, else the link comes last."""
    import shlex
    import shutil

    try:
        words = shlex.split(command)
    except ValueError as exc:
        return f"general.browser {command!r} is not a command line ({exc})"
    if not words:
        return "no web browser was found"
    name = os.path.basename(words[0])
    if name in CONSOLE_BROWSERS:
        return f"only a terminal browser ({name}) was found"
    if shutil.which(words[0]) is None:
        return f"the browser command {words[0]!r} was not found"
    if not any("%s" in w for w in words):
        return _run([*words, url])
    return _run([w.replace("%s", url) for w in words])


def _run(argv: Sequence[str]) -> str | None:
    """Start ``argv`` detached from the terminal; a quick non-zero exit is a failure."""
    name = os.path.basename(argv[0])
    if name in CONSOLE_BROWSERS:
        return f"only a terminal browser ({name}) was found"
    try:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            start_new_session=True,
        )
    except OSError as exc:
        return f"the browser did not start: {exc.strerror or exc}"
    try:
        status = process.wait(STARTED_WITHIN)
    except subprocess.TimeoutExpired:
        return None  # still running: a browser that stays in the foreground
    return None if status == 0 else f"the browser command {name!r} exited with status {status}"
